/* The one event loop: a single poll() over registered file descriptors (the
 * terminal, a udev monitor, a child's output pipe), timers and an optional
 * signal self-pipe. The wizard, `devices --watch` and every blocking job run
 * on one of these. It always wakes up at least every RS_LOOP_TICK_MS, so a
 * resize or a cancel flag set between two waits is still seen promptly. */
#ifndef RS_PLATFORM_LOOP_H
#define RS_PLATFORM_LOOP_H

#include <stdbool.h>

#define RS_LOOP_TICK_MS 100
#define RS_LOOP_MAX_FDS 16
#define RS_LOOP_MAX_TIMERS 16

struct rs_loop;

/* Callbacks return true when something visible changed (a redraw). */
typedef bool (*rs_loop_fd_cb)(int fd, short revents, void *data);
typedef bool (*rs_loop_timer_cb)(void *data);

struct rs_loop *rs_loop_new(void);
void rs_loop_free(struct rs_loop *l);

/* Watch fd for events (POLLIN, ...). Returns a handle >= 0, or -1 when full. */
int rs_loop_add_fd(struct rs_loop *l, int fd, short events, rs_loop_fd_cb cb, void *data);
void rs_loop_remove_fd(struct rs_loop *l, int handle);

/* Call cb after interval_ms, again every interval_ms if repeat. Returns a
 * handle >= 0, or -1 when full. */
int rs_loop_add_timer(struct rs_loop *l, unsigned interval_ms, bool repeat, rs_loop_timer_cb cb,
		      void *data);
void rs_loop_remove_timer(struct rs_loop *l, int handle);

/* Drops every registration (at teardown). */
void rs_loop_reset(struct rs_loop *l);

enum rs_loop_wake {
	RS_WAKE_TICK,   /* nothing happened: time to look at flags anyway */
	RS_WAKE_INPUT,  /* input_fd has bytes */
	RS_WAKE_REDRAW, /* a callback reported a change */
	RS_WAKE_SIGNAL, /* the signal pipe became readable (drained): leave */
};

/* Waits once (at most RS_LOOP_TICK_MS), running due callbacks. input_fd and
 * signal_fd may be -1. */
enum rs_loop_wake rs_loop_wait(struct rs_loop *l, int input_fd, int signal_fd);

#endif
