#include "platform/loop.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"

struct fd_slot {
	bool used;
	int fd;
	short events;
	rs_loop_fd_cb cb;
	void *data;
};

struct timer_slot {
	bool used;
	bool repeat;
	unsigned interval_ms;
	uint64_t due_ms;
	rs_loop_timer_cb cb;
	void *data;
};

struct rs_loop {
	struct fd_slot fds[RS_LOOP_MAX_FDS];
	struct timer_slot timers[RS_LOOP_MAX_TIMERS];
};

struct rs_loop *rs_loop_new(void)
{
	return rs_xcalloc(1, sizeof(struct rs_loop));
}

void rs_loop_free(struct rs_loop *l)
{
	free(l);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int rs_loop_add_fd(struct rs_loop *l, int fd, short events, rs_loop_fd_cb cb, void *data)
{
	for (int i = 0; i < RS_LOOP_MAX_FDS; i++) {
		if (!l->fds[i].used) {
			l->fds[i] = (struct fd_slot){ true, fd, events, cb, data };
			return i;
		}
	}
	return -1;
}

void rs_loop_remove_fd(struct rs_loop *l, int handle)
{
	if (handle >= 0 && handle < RS_LOOP_MAX_FDS)
		l->fds[handle].used = false;
}

int rs_loop_add_timer(struct rs_loop *l, unsigned interval_ms, bool repeat, rs_loop_timer_cb cb,
		      void *data)
{
	for (int i = 0; i < RS_LOOP_MAX_TIMERS; i++) {
		if (!l->timers[i].used) {
			l->timers[i] = (struct timer_slot){ true, repeat, interval_ms,
							 now_ms() + interval_ms, cb, data };
			return i;
		}
	}
	return -1;
}

void rs_loop_remove_timer(struct rs_loop *l, int handle)
{
	if (handle >= 0 && handle < RS_LOOP_MAX_TIMERS)
		l->timers[handle].used = false;
}

void rs_loop_reset(struct rs_loop *l)
{
	memset(l, 0, sizeof(*l));
}

static int timeout_ms(const struct rs_loop *l)
{
	uint64_t now = now_ms();
	int best = RS_LOOP_TICK_MS;
	for (int i = 0; i < RS_LOOP_MAX_TIMERS; i++) {
		if (!l->timers[i].used)
			continue;
		int left = l->timers[i].due_ms <= now ? 0 : (int)(l->timers[i].due_ms - now);
		if (left < best)
			best = left;
	}
	return best;
}

static bool run_timers(struct rs_loop *l)
{
	bool redraw = false;
	uint64_t now = now_ms();
	for (int i = 0; i < RS_LOOP_MAX_TIMERS; i++) {
		struct timer_slot *t = &l->timers[i];
		if (!t->used || t->due_ms > now)
			continue;
		if (t->repeat)
			t->due_ms = now + t->interval_ms;
		else
			t->used = false;
		redraw |= t->cb(t->data);
	}
	return redraw;
}

enum rs_loop_wake rs_loop_wait(struct rs_loop *l, int input_fd, int signal_fd)
{
	struct pollfd pfd[RS_LOOP_MAX_FDS + 2];
	int map[RS_LOOP_MAX_FDS + 2];
	nfds_t n = 0;
	pfd[n] = (struct pollfd){ .fd = input_fd, .events = POLLIN };
	map[n++] = -1;
	if (signal_fd >= 0) {
		pfd[n] = (struct pollfd){ .fd = signal_fd, .events = POLLIN };
		map[n++] = -2;
	}
	for (int i = 0; i < RS_LOOP_MAX_FDS; i++) {
		if (l->fds[i].used) {
			pfd[n] = (struct pollfd){ .fd = l->fds[i].fd, .events = l->fds[i].events };
			map[n++] = i;
		}
	}
	int rc = poll(pfd, n, timeout_ms(l));
	bool redraw = run_timers(l);
	if (rc < 0)
		return redraw ? RS_WAKE_REDRAW : RS_WAKE_TICK; /* EINTR: SIGWINCH, usually */

	enum rs_loop_wake wake = RS_WAKE_TICK;
	for (nfds_t i = 0; i < n; i++) {
		if (!pfd[i].revents)
			continue;
		if (map[i] == -1) {
			wake = RS_WAKE_INPUT;
		} else if (map[i] == -2) {
			unsigned char buf[16];
			while (read(signal_fd, buf, sizeof(buf)) > 0)
				;
			return RS_WAKE_SIGNAL;
		} else if (l->fds[map[i]].used) {
			/* The callback may remove itself or others: slots stay put. */
			redraw |= l->fds[map[i]].cb(l->fds[map[i]].fd, pfd[i].revents, l->fds[map[i]].data);
		}
	}
	if (wake == RS_WAKE_TICK && redraw)
		wake = RS_WAKE_REDRAW;
	return wake;
}
