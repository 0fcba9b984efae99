/* The job engine on a loop (rs_job_attach) and blocking for the command line
 * (rs_job_run): the engine itself (job.c) only starts, pumps and cancels;
 * this file follows each step's output pipe on the loop and pumps on a
 * timer. */
#include "platform/job.h"

#include <poll.h>

#include "platform/job_watch.h"
#include "platform/loop.h"

void rs_job_watch_init(struct rs_job_watch *w)
{
	*w = (struct rs_job_watch){ .fd_handle = -1, .timer_handle = -1, .watched_fd = -1 };
}

static void rewatch(struct rs_job *job);

/* The registrations are settled before changed() runs: changed may free the
 * job (a screen that drops a finished build and starts the next one), so
 * the job is not touched after it. */
static bool report(struct rs_job *job, bool changed)
{
	struct rs_job_watch *w = rs_job_watch_of(job);
	bool (*notify)(void *data) = w->changed;
	void *data = w->changed_data;
	if (rs_job_finished(job))
		rs_job_detach(job);
	else
		rewatch(job);
	return changed && notify ? notify(data) : changed;
}

static bool on_fd(int fd, short revents, void *data)
{
	(void)fd;
	(void)revents;
	struct rs_job *job = data;
	return report(job, rs_job_pump(job));
}

static bool on_timer(void *data)
{
	struct rs_job *job = data;
	return report(job, rs_job_pump(job));
}

/* Each step has its own pipe: follow the current one. Without a pipe (a
 * grandchild kept it open after the child ended) the timer pumps. */
static void rewatch(struct rs_job *job)
{
	struct rs_job_watch *w = rs_job_watch_of(job);
	if (!w->loop)
		return;
	int fd = rs_job_fd(job);
	if (fd == w->watched_fd)
		return;
	if (w->fd_handle >= 0)
		rs_loop_remove_fd(w->loop, w->fd_handle);
	w->fd_handle = fd >= 0 ? rs_loop_add_fd(w->loop, fd, POLLIN, on_fd, job) : -1;
	w->watched_fd = w->fd_handle >= 0 ? fd : -1;
}

bool rs_job_attach(struct rs_job *job, struct rs_loop *loop, bool (*changed)(void *data),
		   void *data)
{
	rs_job_detach(job);
	struct rs_job_watch *w = rs_job_watch_of(job);
	w->loop = loop;
	w->changed = changed;
	w->changed_data = data;
	w->timer_handle = rs_loop_add_timer(loop, 50, true, on_timer, job);
	if (w->timer_handle < 0) {
		w->loop = NULL;
		return false;
	}
	rewatch(job);
	return true;
}

void rs_job_detach(struct rs_job *job)
{
	struct rs_job_watch *w = rs_job_watch_of(job);
	if (!w->loop)
		return;
	if (w->fd_handle >= 0)
		rs_loop_remove_fd(w->loop, w->fd_handle);
	if (w->timer_handle >= 0)
		rs_loop_remove_timer(w->loop, w->timer_handle);
	w->fd_handle = w->timer_handle = -1;
	w->watched_fd = -1;
	w->loop = NULL;
}

enum rs_job_state rs_job_run(struct rs_job *job, volatile sig_atomic_t *cancel)
{
	rs_job_start(job);
	if (rs_job_finished(job))
		return rs_job_state(job);
	struct rs_loop *loop = rs_loop_new();
	rs_job_attach(job, loop, NULL, NULL);
	while (!rs_job_finished(job)) {
		if (cancel && *cancel) {
			rs_job_cancel(job);
			break;
		}
		rs_loop_wait(loop, -1, -1);
	}
	rs_job_detach(job);
	rs_loop_free(loop);
	return rs_job_state(job);
}
