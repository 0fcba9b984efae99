/* The one event loop: a single poll() over the terminal, the signal
 * self-pipe, registered file descriptors (udev monitor, build pipe) and
 * timers. It always wakes up at least every RS_LOOP_TICK_MS so a resize that
 * lands between a refresh and the wait is still picked up promptly. */
#ifndef RS_TUI_LOOP_H
#define RS_TUI_LOOP_H

#include <stdbool.h>

#define RS_LOOP_TICK_MS 100
#define RS_LOOP_MAX_FDS 16
#define RS_LOOP_MAX_TIMERS 16

/* Callbacks return true when the screen needs to be redrawn. */
typedef bool (*rs_loop_fd_cb)(int fd, short revents, void *data);
typedef bool (*rs_loop_timer_cb)(void *data);

/* Watch fd for events (POLLIN, ...). Returns a handle >= 0, or -1 when full. */
int rs_loop_add_fd(int fd, short events, rs_loop_fd_cb cb, void *data);
void rs_loop_remove_fd(int handle);

/* Call cb after interval_ms, again every interval_ms if repeat. Returns a
 * handle >= 0, or -1 when full. */
int rs_loop_add_timer(unsigned interval_ms, bool repeat, rs_loop_timer_cb cb, void *data);
void rs_loop_remove_timer(int handle);

/* Drops every registration (at teardown). */
void rs_loop_reset(void);

enum rs_loop_wake {
	RS_WAKE_TICK,   /* nothing happened: time to poll the keyboard anyway */
	RS_WAKE_INPUT,  /* the terminal has bytes */
	RS_WAKE_REDRAW, /* a callback asked for a redraw */
	RS_WAKE_SIGNAL, /* SIGINT/SIGTERM/SIGHUP: leave */
};

/* Waits once (at most RS_LOOP_TICK_MS), running due callbacks. */
enum rs_loop_wake rs_loop_wait(int input_fd, int signal_fd);

#endif
