#include "tui/loop.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

static struct fd_slot fds[RS_LOOP_MAX_FDS];
static struct timer_slot timers[RS_LOOP_MAX_TIMERS];

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int rs_loop_add_fd(int fd, short events, rs_loop_fd_cb cb, void *data)
{
	for (int i = 0; i < RS_LOOP_MAX_FDS; i++) {
		if (!fds[i].used) {
			fds[i] = (struct fd_slot){ true, fd, events, cb, data };
			return i;
		}
	}
	return -1;
}

void rs_loop_remove_fd(int handle)
{
	if (handle >= 0 && handle < RS_LOOP_MAX_FDS)
		fds[handle].used = false;
}

int rs_loop_add_timer(unsigned interval_ms, bool repeat, rs_loop_timer_cb cb, void *data)
{
	for (int i = 0; i < RS_LOOP_MAX_TIMERS; i++) {
		if (!timers[i].used) {
			timers[i] = (struct timer_slot){ true, repeat, interval_ms,
							 now_ms() + interval_ms, cb, data };
			return i;
		}
	}
	return -1;
}

void rs_loop_remove_timer(int handle)
{
	if (handle >= 0 && handle < RS_LOOP_MAX_TIMERS)
		timers[handle].used = false;
}

void rs_loop_reset(void)
{
	memset(fds, 0, sizeof(fds));
	memset(timers, 0, sizeof(timers));
}

static int timeout_ms(void)
{
	uint64_t now = now_ms();
	int best = RS_LOOP_TICK_MS;
	for (int i = 0; i < RS_LOOP_MAX_TIMERS; i++) {
		if (!timers[i].used)
			continue;
		int left = timers[i].due_ms <= now ? 0 : (int)(timers[i].due_ms - now);
		if (left < best)
			best = left;
	}
	return best;
}

static bool run_timers(void)
{
	bool redraw = false;
	uint64_t now = now_ms();
	for (int i = 0; i < RS_LOOP_MAX_TIMERS; i++) {
		struct timer_slot *t = &timers[i];
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

enum rs_loop_wake rs_loop_wait(int input_fd, int signal_fd)
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
		if (fds[i].used) {
			pfd[n] = (struct pollfd){ .fd = fds[i].fd, .events = fds[i].events };
			map[n++] = i;
		}
	}
	int rc = poll(pfd, n, timeout_ms());
	bool redraw = run_timers();
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
		} else if (fds[map[i]].used) {
			/* The callback may remove itself or others: slots stay put. */
			redraw |= fds[map[i]].cb(fds[map[i]].fd, pfd[i].revents, fds[map[i]].data);
		}
	}
	if (wake == RS_WAKE_TICK && redraw)
		wake = RS_WAKE_REDRAW;
	return wake;
}
