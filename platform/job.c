#include "platform/job.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/build_output.h"
#include "core/shell_words.h"
#include "core/xalloc.h"
#include "platform/identity.h"
#include "platform/log.h"
#include "platform/job_watch.h"

#define SPAWN_FAILED_CODE (-3)

struct rs_job {
	const struct rs_job_table *table;
	void *ctx;
	struct rs_job_opts opts;

	enum rs_job_state state;
	bool in_finally;
	size_t idx; /* current step in steps or finally */
	bool child_running;
	struct rs_proc proc;
	struct rs_linebuf lb;

	struct rs_job_progress progress;
	struct rs_job_result res;
	double t0, step_t0;

	FILE *log;
	bool log_wanted_at_start;
	struct rs_strv pending; /* lines before the log is opened */

	struct rs_job_watch watch; /* job_run.c's: the loop it is attached to */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct rs_job *rs_job_new(const struct rs_job_table *table, void *ctx, const struct rs_job_opts *opts)
{
	struct rs_job *job = rs_xcalloc(1, sizeof(*job));
	job->table = table;
	job->ctx = ctx;
	if (opts)
		job->opts = *opts;
	if (!job->opts.kill_grace_ms)
		job->opts.kill_grace_ms = 2000;
	job->proc.fd = -1;
	rs_job_watch_init(&job->watch);
	job->log_wanted_at_start = true;
	for (size_t i = 0; i < table->count; i++)
		if (table->steps[i].opens_log)
			job->log_wanted_at_start = false;
	return job;
}

/* ---- the log ---- */

static void write_log(struct rs_job *job, const char *line)
{
	if (job->log) {
		fputs(line, job->log);
		fputc('\n', job->log);
	} else if (job->opts.log_path && !job->res.log_written) {
		rs_strv_push(&job->pending, line);
	}
}

static void logf_(struct rs_job *job, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct rs_job *job, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *line = rs_xvasprintf(fmt, ap);
	va_end(ap);
	write_log(job, line);
	free(line);
}

static void open_log(struct rs_job *job)
{
	if (job->log || !job->opts.log_path || job->res.log_written)
		return;
	/* The log lives in the user's directories: a symlink is never followed. */
	int fd = open(job->opts.log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		      0644);
	if (fd < 0) {
		rs_log("%s: cannot write %s: %s", job->table->name, job->opts.log_path,
		       strerror(errno));
		return;
	}
	job->log = fdopen(fd, "w");
	if (!job->log) {
		close(fd);
		return;
	}
	job->res.log_written = true;
	for (size_t i = 0; i < job->pending.count; i++)
		write_log(job, job->pending.items[i]);
	rs_strv_free(&job->pending);
}

static void close_log(struct rs_job *job)
{
	if (job->log)
		fclose(job->log);
	job->log = NULL;
	rs_strv_free(&job->pending);
}

/* ---- steps ---- */

static const struct rs_job_step *steps_of(const struct rs_job *job, size_t *count)
{
	*count = job->in_finally ? job->table->finally_count : job->table->count;
	return job->in_finally ? job->table->finally : job->table->steps;
}

static const struct rs_job_step *current(const struct rs_job *job)
{
	size_t count;
	const struct rs_job_step *steps = steps_of(job, &count);
	return job->idx < count ? &steps[job->idx] : NULL;
}

static void note(struct rs_job *job)
{
	if (job->progress.note[0]) {
		logf_(job, "ratos-setup: %s", job->progress.note);
		job->progress.note[0] = '\0';
	}
}

static void finish(struct rs_job *job)
{
	job->res.seconds = now_s() - job->t0;
	job->progress.elapsed = job->res.seconds;
	if (job->res.state == RS_JOB_IDLE || job->res.state == RS_JOB_RUNNING)
		job->res.state = RS_JOB_SUCCEEDED;
	if (job->res.status.message)
		logf_(job, "ratos-setup: %s", job->res.status.message);
	if (job->res.status.hint)
		logf_(job, "ratos-setup: %s", job->res.status.hint);
	rs_log("%s: %s in %.1f s%s%s", job->table->name, rs_job_state_name(job->res.state),
	       job->res.seconds, job->res.status.message ? ": " : "",
	       job->res.status.message ? job->res.status.message : "");
	close_log(job);
	job->state = job->res.state;
}

/* The main steps are over (done, failed or cancelled): the finally steps. */
static void enter_finally(struct rs_job *job)
{
	if (job->in_finally)
		return;
	job->in_finally = true;
	job->idx = 0;
}

static void fail_step(struct rs_job *job, const struct rs_job_step *step, struct rs_status *st)
{
	if (job->in_finally) {
		job->res.finally_failed = true;
		logf_(job, "ratos-setup: %s: %s", step->name, st->message ? st->message : "failed");
		rs_log("%s: finally step %s failed: %s", job->table->name, step->name,
		       st->message ? st->message : "");
		rs_status_clear(st);
		job->idx++;
		return;
	}
	job->res.state = RS_JOB_FAILED;
	job->res.failed_step = step->name;
	rs_status_move(&job->res.status, st);
	enter_finally(job);
}

static void apply(struct rs_job *job, const struct rs_job_step *step, struct rs_job_verdict v)
{
	rs_log("%s: step %s ended after %.1f s", job->table->name, step->name,
	       now_s() - job->step_t0);
	note(job);
	switch (v.kind) {
	case RS_JOB_NEXT:
		job->idx++;
		return;
	case RS_JOB_DONE:
		if (job->in_finally)
			job->idx = job->table->finally_count;
		else
			enter_finally(job);
		return;
	case RS_JOB_FAIL:
		fail_step(job, step, &v.status);
		return;
	case RS_JOB_GOTO: {
		size_t count;
		const struct rs_job_step *steps = steps_of(job, &count);
		for (size_t i = 0; i < count; i++) {
			if (v.step && strcmp(steps[i].name, v.step) == 0) {
				job->idx = i;
				return;
			}
		}
		struct rs_status st = RS_STATUS_OK;
		rs_status_fail(&st, -1, NULL, "internal error: no step named \"%s\" in %s",
			       v.step ? v.step : "(null)", job->table->name);
		fail_step(job, step, &st);
		return;
	}
	}
}

static void deliver_line(void *ctx, const char *line)
{
	struct rs_job *job = ctx;
	const struct rs_job_step *step = current(job);
	if (step && step->on_line)
		step->on_line(job->ctx, line, &job->progress);
	if (step && step->quiet)
		return;
	write_log(job, line);
	if (job->opts.on_output)
		job->opts.on_output(job->opts.data, line);
}

static void on_data(void *ctx, const char *data, size_t len)
{
	struct rs_job *job = ctx;
	rs_linebuf_feed(&job->lb, data, len, deliver_line, job);
}

static struct rs_job_verdict default_exit(const struct rs_job_step *step, int code)
{
	if (code == 0)
		return rs_job_next();
	return rs_job_fail(code, NULL, "%s failed (exit %d)", step->name, code);
}

/* Starts the step's child; false when it could not be started (the step
 * has failed then). */
static bool spawn(struct rs_job *job, const struct rs_job_step *step)
{
	struct rs_status st = RS_STATUS_OK;
	bool ok;
	if (step->argv) {
		struct rs_strv argv = { 0 };
		struct rs_proc_opts po = { .keep_root = step->keep_root };
		if (!step->argv(job->ctx, &argv, &po, &st)) {
			rs_strv_free(&argv);
			if (!st.code)
				rs_status_fail(&st, -1, NULL, "%s cannot run", step->name);
			fail_step(job, step, &st);
			return false;
		}
		rs_strv_terminate(&argv);
		char *cmd = rs_shell_join((const char *const *)argv.items);
		if (!step->quiet)
			logf_(job, "$ %s", cmd);
		/* A root step (a service action) starts inside an as-root
		 * section: under sudo the child stays root, nothing else does. */
		bool root = po.keep_root;
		if (root && !rs_identity_as_root_begin()) {
			ok = false;
			rs_status_fail(&st, SPAWN_FAILED_CODE, NULL,
				       "could not start %s: root rights cannot be regained",
				       argv.items[0]);
		} else {
			ok = rs_proc_start(&job->proc, argv.items, &po);
			int e = errno;
			if (root)
				rs_identity_as_root_end();
			if (!ok)
				rs_status_fail(&st, SPAWN_FAILED_CODE, NULL, "could not start %s: %s",
					       argv.items[0], strerror(e));
		}
		free(cmd);
		rs_strv_free(&argv);
	} else {
		ok = rs_proc_start_fn(&job->proc, step->child, job->ctx);
		if (!ok)
			rs_status_fail(&st, SPAWN_FAILED_CODE, NULL, "could not start %s: %s",
				       step->name, strerror(errno));
	}
	if (!ok) {
		fail_step(job, step, &st);
		return false;
	}
	job->child_running = true;
	memset(&job->lb, 0, sizeof(job->lb));
	return true;
}

/* Runs steps until a child is running or there are no steps left. */
static void advance(struct rs_job *job)
{
	while (!job->child_running && job->state == RS_JOB_RUNNING) {
		const struct rs_job_step *step = current(job);
		if (!step) {
			if (!job->in_finally) {
				enter_finally(job);
				continue;
			}
			finish(job);
			return;
		}
		if (step->wanted && !step->wanted(job->ctx)) {
			job->idx++;
			continue;
		}
		size_t count;
		steps_of(job, &count);
		memset(&job->progress, 0, sizeof(job->progress));
		job->progress.step = step->name;
		job->progress.step_index = job->idx;
		job->progress.step_count = count;
		job->step_t0 = now_s();
		if (step->opens_log)
			open_log(job);
		rs_log("%s: step %s", job->table->name, step->name);
		if (step->call) {
			apply(job, step, step->call(job->ctx, &job->progress));
			continue;
		}
		spawn(job, step);
	}
}

void rs_job_start(struct rs_job *job)
{
	if (job->state != RS_JOB_IDLE)
		return;
	job->t0 = now_s();
	job->state = job->res.state = RS_JOB_RUNNING;
	rs_log("%s: started", job->table->name);
	if (job->log_wanted_at_start)
		open_log(job);
	advance(job);
}

int rs_job_fd(const struct rs_job *job)
{
	return job->child_running ? rs_proc_fd(&job->proc) : -1;
}

bool rs_job_finished(const struct rs_job *job)
{
	return job->state != RS_JOB_IDLE && job->state != RS_JOB_RUNNING;
}

enum rs_job_state rs_job_state(const struct rs_job *job)
{
	return job->state;
}

/* The running child ended: its verdict, then the next steps. */
static void child_ended(struct rs_job *job)
{
	rs_linebuf_flush(&job->lb, deliver_line, job);
	int code = rs_proc_exit_code(&job->proc);
	rs_proc_close(&job->proc);
	job->child_running = false;
	const struct rs_job_step *step = current(job);
	apply(job, step, step->on_exit ? step->on_exit(job->ctx, code) : default_exit(step, code));
	advance(job);
}

bool rs_job_pump(struct rs_job *job)
{
	if (job->state != RS_JOB_RUNNING || !job->child_running)
		return false;
	struct rs_job_progress before = job->progress;
	if (rs_proc_pump(&job->proc, on_data, job) == RS_PROC_DONE) {
		child_ended(job);
		return true;
	}
	return memcmp(&before, &job->progress, sizeof(before)) != 0;
}

void rs_job_get_progress(const struct rs_job *job, struct rs_job_progress *p)
{
	*p = job->progress;
	if (job->state == RS_JOB_RUNNING) {
		double now = now_s();
		p->elapsed = now - job->t0;
		p->step_elapsed = now - job->step_t0;
	}
}

const struct rs_job_result *rs_job_result(const struct rs_job *job)
{
	return &job->res;
}

/* The finally steps after a cancel, to the end, without a loop. */
static void run_finally_blocking(struct rs_job *job)
{
	advance(job);
	while (job->state == RS_JOB_RUNNING && job->child_running) {
		rs_proc_wait(&job->proc, on_data, job, NULL);
		child_ended(job);
	}
}

void rs_job_cancel(struct rs_job *job)
{
	if (job->state == RS_JOB_IDLE) {
		job->t0 = now_s();
		job->state = RS_JOB_RUNNING;
	}
	if (job->state != RS_JOB_RUNNING || job->in_finally)
		return;
	const struct rs_job_step *step = current(job);
	if (job->child_running) {
		rs_proc_kill(&job->proc, job->opts.kill_grace_ms);
		/* What the child wrote before it stopped still reaches on_line: a
		 * step that stops at a safe point can say where it stopped. */
		rs_proc_pump(&job->proc, on_data, job);
		rs_linebuf_flush(&job->lb, deliver_line, job);
		rs_proc_close(&job->proc);
		job->child_running = false;
	}
	logf_(job, "ratos-setup: cancelled%s%s", step ? " during " : "", step ? step->name : "");
	job->res.state = RS_JOB_CANCELLED;
	job->res.failed_step = step ? step->name : NULL;
	rs_status_fail(&job->res.status, RS_JOB_CANCELLED_CODE, NULL, "cancelled");
	enter_finally(job);
	run_finally_blocking(job);
	rs_job_detach(job);
}

void rs_job_free(struct rs_job *job)
{
	if (!job)
		return;
	if (job->state == RS_JOB_RUNNING)
		rs_job_cancel(job);
	rs_job_detach(job);
	rs_proc_close(&job->proc);
	close_log(job);
	rs_status_clear(&job->res.status);
	free(job);
}

struct rs_job_watch *rs_job_watch_of(struct rs_job *job)
{
	return &job->watch;
}
