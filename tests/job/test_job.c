/* The job engine: step order, verdicts (next, goto, done, fail), children
 * as programs and as functions, output lines and progress, the log (opened
 * late, symlinks refused), finally steps after success, failure and cancel,
 * the plan, and running on a loop without blocking it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "platform/job.h"
#include "platform/loop.h"

struct ctx {
	char trace[512];   /* "name;" per step that ran, in order */
	char lines[1024];  /* every on_line line, '|' separated */
	const char *script; /* for the sh step */
	int fail_at_exit;  /* code that the check step turns into a failure */
	bool skip_optional;
	unsigned long long last_done;
	char out[1024];    /* on_output lines */
};

static void trace(struct ctx *c, const char *name)
{
	strncat(c->trace, name, sizeof(c->trace) - strlen(c->trace) - 2);
	strcat(c->trace, ";");
}

static bool sh_argv(void *vc, struct rs_strv *argv, struct rs_proc_opts *o, struct rs_status *f)
{
	(void)o;
	(void)f;
	struct ctx *c = vc;
	trace(c, "sh");
	rs_strv_push(argv, "/bin/sh");
	rs_strv_push(argv, "-c");
	rs_strv_push(argv, c->script);
	return true;
}

static void keep_line(void *vc, const char *line, struct rs_job_progress *p)
{
	struct ctx *c = vc;
	strncat(c->lines, line, sizeof(c->lines) - strlen(c->lines) - 2);
	strcat(c->lines, "|");
	unsigned long long done, total;
	if (sscanf(line, "progress %llu/%llu", &done, &total) == 2) {
		p->done = done;
		p->total = total;
	}
}

static struct rs_job_verdict check_exit(void *vc, int code)
{
	struct ctx *c = vc;
	if (code == c->fail_at_exit)
		return rs_job_fail(42, "try again", "the script said %d", code);
	if (code == 3)
		return rs_job_goto("tail");
	return rs_job_next();
}

static struct rs_job_verdict middle(void *vc, struct rs_job_progress *p)
{
	struct ctx *c = vc;
	trace(c, "middle");
	snprintf(p->note, sizeof(p->note), "middle ran");
	return rs_job_next();
}

static struct rs_job_verdict tail(void *vc, struct rs_job_progress *p)
{
	(void)p;
	trace(vc, "tail");
	return rs_job_done();
}

static struct rs_job_verdict never(void *vc, struct rs_job_progress *p)
{
	(void)p;
	trace(vc, "never");
	return rs_job_next();
}

static bool optional_wanted(const void *vc)
{
	return !((const struct ctx *)vc)->skip_optional;
}

static struct rs_job_verdict optional(void *vc, struct rs_job_progress *p)
{
	(void)p;
	trace(vc, "optional");
	return rs_job_next();
}

static struct rs_job_verdict cleanup(void *vc, struct rs_job_progress *p)
{
	(void)p;
	trace(vc, "cleanup");
	return rs_job_next();
}

static const char *describe_middle(const void *vc)
{
	(void)vc;
	return "checks what the script left";
}

static const struct rs_job_step steps[] = {
	{ .name = "script", .argv = sh_argv, .on_line = keep_line, .on_exit = check_exit },
	{ .name = "optional", .call = optional, .wanted = optional_wanted },
	{ .name = "middle", .call = middle, .describe = describe_middle, .opens_log = true },
	{ .name = "tail", .call = tail },
	{ .name = "never", .call = never },
};
static const struct rs_job_step finally[] = {
	{ .name = "cleanup", .call = cleanup },
};
static const struct rs_job_table table = { "test", steps, 5, finally, 1 };

static void collect_out(void *data, const char *line)
{
	struct ctx *c = data;
	strncat(c->out, line, sizeof(c->out) - strlen(c->out) - 2);
	strcat(c->out, "|");
}

static enum rs_job_state run(struct ctx *c, const char *log_path, struct rs_job **out)
{
	struct rs_job_opts o = { .log_path = log_path, .on_output = collect_out, .data = c };
	struct rs_job *job = rs_job_new(&table, c, &o);
	enum rs_job_state s = rs_job_run(job, NULL);
	if (out)
		*out = job;
	else
		rs_job_free(job);
	return s;
}

static char *tmp_path(const char *name)
{
	return rs_xasprintf("/tmp/rs-test-job-%ld-%s", (long)getpid(), name);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = rs_xcalloc(1, 8192);
	size_t n = fread(buf, 1, 8191, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void steps_run_in_order_with_output_and_the_finally_step(void **state)
{
	(void)state;
	struct ctx c = { .script = "echo one; echo two", .fail_at_exit = 9 };
	char *log = tmp_path("order.log");
	unlink(log);
	struct rs_job *job;
	assert_int_equal(run(&c, log, &job), RS_JOB_SUCCEEDED);
	assert_string_equal(c.trace, "sh;optional;middle;tail;cleanup;");
	assert_string_equal(c.lines, "one|two|");
	assert_string_equal(c.out, "one|two|");
	const struct rs_job_result *r = rs_job_result(job);
	assert_true(r->log_written);
	assert_int_equal(r->status.code, 0);
	assert_null(r->failed_step);
	/* Lines from before the step that opens the log wait for it. */
	char *text = slurp(log);
	assert_non_null(text);
	assert_non_null(strstr(text, "$ /bin/sh -c 'echo one; echo two'\none\ntwo\n"));
	assert_non_null(strstr(text, "ratos-setup: middle ran\n"));
	free(text);
	rs_job_free(job);
	unlink(log);
	free(log);
}

static void a_step_not_wanted_is_skipped(void **state)
{
	(void)state;
	struct ctx c = { .script = "true", .fail_at_exit = 9, .skip_optional = true };
	assert_int_equal(run(&c, NULL, NULL), RS_JOB_SUCCEEDED);
	assert_string_equal(c.trace, "sh;middle;tail;cleanup;");
}

static void goto_jumps_to_the_named_step(void **state)
{
	(void)state;
	struct ctx c = { .script = "exit 3", .fail_at_exit = 9 };
	assert_int_equal(run(&c, NULL, NULL), RS_JOB_SUCCEEDED);
	assert_string_equal(c.trace, "sh;tail;cleanup;");
}

static void a_failure_keeps_its_status_and_the_log_alone(void **state)
{
	(void)state;
	struct ctx c = { .script = "echo broken; exit 9", .fail_at_exit = 9 };
	char *log = tmp_path("fail.log");
	FILE *f = fopen(log, "w");
	fputs("the last good build\n", f);
	fclose(f);
	struct rs_job *job;
	assert_int_equal(run(&c, log, &job), RS_JOB_FAILED);
	assert_string_equal(c.trace, "sh;cleanup;");
	const struct rs_job_result *r = rs_job_result(job);
	assert_int_equal(r->status.code, 42);
	assert_string_equal(r->status.message, "the script said 9");
	assert_string_equal(r->status.hint, "try again");
	assert_string_equal(r->failed_step, "script");
	/* The job ended before the step that opens the log: the old one stays. */
	assert_false(r->log_written);
	char *text = slurp(log);
	assert_string_equal(text, "the last good build\n");
	free(text);
	rs_job_free(job);
	unlink(log);
	free(log);
}

static void the_default_exit_rule_fails_on_nonzero(void **state)
{
	(void)state;
	static const struct rs_job_step plain[] = {
		{ .name = "script", .argv = sh_argv },
		{ .name = "never", .call = never },
	};
	static const struct rs_job_table t = { "plain", plain, 2, NULL, 0 };
	struct ctx c = { .script = "exit 5" };
	struct rs_job *job = rs_job_new(&t, &c, NULL);
	assert_int_equal(rs_job_run(job, NULL), RS_JOB_FAILED);
	assert_string_equal(rs_job_result(job)->status.message, "script failed (exit 5)");
	assert_int_equal(rs_job_result(job)->status.code, 5);
	assert_string_equal(c.trace, "sh;");
	rs_job_free(job);
}

static bool missing_argv(void *vc, struct rs_strv *argv, struct rs_proc_opts *o,
			 struct rs_status *f)
{
	(void)vc;
	(void)o;
	(void)f;
	rs_strv_push(argv, "/nonexistent/ratos-setup-test-tool");
	return true;
}

static void a_program_that_cannot_start_fails_with_a_message(void **state)
{
	(void)state;
	static const struct rs_job_step s[] = { { .name = "tool", .argv = missing_argv } };
	static const struct rs_job_table t = { "missing", s, 1, finally, 1 };
	struct ctx c = { 0 };
	struct rs_job *job = rs_job_new(&t, &c, NULL);
	assert_int_equal(rs_job_run(job, NULL), RS_JOB_FAILED);
	const char *m = rs_job_result(job)->status.message;
	assert_non_null(strstr(m, "could not start /nonexistent/ratos-setup-test-tool"));
	assert_string_equal(c.trace, "cleanup;");
	rs_job_free(job);
}

/* A function in a child: its output are the step's lines; exit code back. */
static int count_up(void *vc)
{
	(void)vc;
	for (int i = 1; i <= 4; i++)
		printf("progress %d/4\n", i);
	return 0;
}

static void a_function_runs_in_a_child_with_progress(void **state)
{
	(void)state;
	static const struct rs_job_step s[] = {
		{ .name = "count", .child = count_up, .on_line = keep_line },
	};
	static const struct rs_job_table t = { "fn", s, 1, NULL, 0 };
	struct ctx c = { 0 };
	struct rs_job *job = rs_job_new(&t, &c, NULL);
	assert_int_equal(rs_job_run(job, NULL), RS_JOB_SUCCEEDED);
	assert_string_equal(c.lines, "progress 1/4|progress 2/4|progress 3/4|progress 4/4|");
	struct rs_job_progress p;
	rs_job_get_progress(job, &p);
	assert_int_equal(p.done, 4);
	assert_int_equal(p.total, 4);
	rs_job_free(job);
}

static int sleeper(void *vc)
{
	(void)vc;
	printf("started\n");
	fflush(stdout);
	sleep(30);
	return 0;
}

static bool started_seen(void *data)
{
	(void)data;
	return true;
}

/* Cancel on a loop: the child's group dies, later steps are skipped, the
 * finally step runs; the loop was never blocked by the child. */
static void cancel_kills_the_child_and_runs_finally(void **state)
{
	(void)state;
	static const struct rs_job_step s[] = {
		{ .name = "sleep", .child = sleeper, .on_line = keep_line },
		{ .name = "never", .call = never },
	};
	static const struct rs_job_table t = { "cancel", s, 2, finally, 1 };
	struct ctx c = { 0 };
	struct rs_job *job = rs_job_new(&t, &c, NULL);
	struct rs_loop *loop = rs_loop_new();
	rs_job_start(job);
	assert_true(rs_job_attach(job, loop, started_seen, NULL));
	int fd = rs_job_fd(job);
	assert_true(fd >= 0);
	int waits = 0;
	while (!strstr(c.lines, "started") && waits++ < 100)
		rs_loop_wait(loop, -1, -1);
	assert_non_null(strstr(c.lines, "started"));
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rs_job_cancel(job);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 5); /* SIGTERM ended it, not the 30 s */
	assert_int_equal(rs_job_state(job), RS_JOB_CANCELLED);
	assert_string_equal(c.trace, "cleanup;");
	assert_int_equal(rs_job_result(job)->status.code, RS_JOB_CANCELLED_CODE);
	assert_string_equal(rs_job_result(job)->failed_step, "sleep");
	rs_job_free(job);
	rs_loop_free(loop);
}

/* A child that finishes what it is doing when asked to stop, then says
 * where it stopped (as the card writer does between card operations). */
static void say_stopped(int sig)
{
	(void)sig;
	static const char msg[] = "stopped at a safe point\n";
	ssize_t w = write(1, msg, sizeof(msg) - 1);
	(void)w;
	_exit(3);
}

static int stops_cleanly(void *vc)
{
	(void)vc;
	signal(SIGTERM, say_stopped);
	printf("started\n");
	fflush(stdout);
	sleep(30);
	return 0;
}

/* The lines a cancelled child wrote on its way out reach on_line. */
static void a_cancelled_child_still_has_its_last_words(void **state)
{
	(void)state;
	static const struct rs_job_step s[] = {
		{ .name = "stop", .child = stops_cleanly, .on_line = keep_line },
	};
	static const struct rs_job_table t = { "last words", s, 1, NULL, 0 };
	struct ctx c = { 0 };
	struct rs_job *job = rs_job_new(&t, &c, NULL);
	struct rs_loop *loop = rs_loop_new();
	rs_job_start(job);
	assert_true(rs_job_attach(job, loop, started_seen, NULL));
	int waits = 0;
	while (!strstr(c.lines, "started") && waits++ < 100)
		rs_loop_wait(loop, -1, -1);
	rs_job_cancel(job);
	assert_int_equal(rs_job_state(job), RS_JOB_CANCELLED);
	assert_string_equal(c.lines, "started|stopped at a safe point|");
	rs_job_free(job);
	rs_loop_free(loop);
}

static void a_cancel_flag_stops_a_blocking_run(void **state)
{
	(void)state;
	static const struct rs_job_step s[] = { { .name = "sleep", .child = sleeper } };
	static const struct rs_job_table t = { "flag", s, 1, finally, 1 };
	struct ctx c = { 0 };
	struct rs_job *job = rs_job_new(&t, &c, NULL);
	volatile sig_atomic_t cancel = SIGINT;
	assert_int_equal(rs_job_run(job, &cancel), RS_JOB_CANCELLED);
	assert_string_equal(c.trace, "cleanup;");
	rs_job_free(job);
}

static bool in_tmp_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
			struct rs_status *fail)
{
	(void)vctx;
	(void)fail;
	po->cwd = "/";
	po->keep_root = true;
	rs_strv_push(argv, "true");
	return true;
}

/* A root step (a service action) starts inside an as-root section, and the
 * plan says where a step runs and that it runs as root. */
static void root_steps_and_directories_in_the_plan(void **state)
{
	(void)state;
	static const struct rs_job_step s[] = { { .name = "svc", .argv = in_tmp_argv } };
	static const struct rs_job_table t = { "root", s, 1, NULL, 0 };
	struct rs_strv lines = { 0 };
	rs_job_plan(&t, NULL, &lines);
	assert_int_equal(lines.count, 1);
	assert_string_equal(lines.items[0], "svc: true (in /) (as root)");
	rs_strv_free(&lines);
	struct rs_job *job = rs_job_new(&t, NULL, NULL);
	assert_int_equal(rs_job_run(job, NULL), RS_JOB_SUCCEEDED);
	rs_job_free(job);
}

static void the_plan_lists_commands_without_running_them(void **state)
{
	(void)state;
	struct ctx c = { .script = "rm -rf /nowhere", .skip_optional = true };
	struct rs_strv lines = { 0 };
	rs_job_plan(&table, &c, &lines);
	assert_int_equal(lines.count, 5);
	assert_string_equal(lines.items[0], "script: /bin/sh -c 'rm -rf /nowhere'");
	assert_string_equal(lines.items[1], "middle: checks what the script left");
	assert_string_equal(lines.items[2], "tail: tail");
	assert_string_equal(lines.items[3], "never: never");
	assert_string_equal(lines.items[4], "finally cleanup: cleanup");
	/* argv builders are asked; nothing else ran. */
	assert_string_equal(c.trace, "sh;");
	rs_strv_free(&lines);
}

static void a_symlinked_log_is_not_followed(void **state)
{
	(void)state;
	char *target = tmp_path("target");
	char *link = tmp_path("link.log");
	unlink(link);
	FILE *f = fopen(target, "w");
	fputs("keep\n", f);
	fclose(f);
	assert_int_equal(symlink(target, link), 0);
	struct ctx c = { .script = "echo x", .fail_at_exit = 9 };
	struct rs_job *job;
	assert_int_equal(run(&c, link, &job), RS_JOB_SUCCEEDED);
	assert_false(rs_job_result(job)->log_written);
	char *text = slurp(target);
	assert_string_equal(text, "keep\n");
	free(text);
	rs_job_free(job);
	unlink(link);
	unlink(target);
	free(link);
	free(target);
}

struct owner {
	struct rs_job *job;
	int calls_after_end;
};

/* A screen that drops a finished job from its changed() callback, as the
 * build screen does before starting the next build. */
static bool drop_when_finished(void *data)
{
	struct owner *o = data;
	if (o->job && rs_job_finished(o->job)) {
		o->calls_after_end++;
		rs_job_free(o->job);
		o->job = NULL;
	}
	return true;
}

/* changed() may free the job: the engine has settled its loop registrations
 * before calling it and does not touch the job afterwards (AddressSanitizer
 * reports the use after free otherwise). */
static void changed_may_free_a_finished_job(void **state)
{
	(void)state;
	static const struct rs_job_step s[] = {
		{ .name = "script", .argv = sh_argv, .on_line = keep_line },
	};
	static const struct rs_job_table t = { "drop", s, 1, NULL, 0 };
	struct ctx c = { .script = "echo one; echo two" };
	struct owner o = { .job = rs_job_new(&t, &c, NULL) };
	struct rs_loop *loop = rs_loop_new();
	rs_job_start(o.job);
	assert_true(rs_job_attach(o.job, loop, drop_when_finished, &o));
	for (int waits = 0; o.job && waits < 100; waits++)
		rs_loop_wait(loop, -1, -1);
	assert_null(o.job);
	assert_int_equal(o.calls_after_end, 1);
	assert_string_equal(c.lines, "one|two|");
	/* Nothing of the freed job is left on the loop. */
	for (int waits = 0; waits < 3; waits++)
		assert_int_equal(rs_loop_wait(loop, -1, -1), RS_WAKE_TICK);
	rs_loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(steps_run_in_order_with_output_and_the_finally_step),
		cmocka_unit_test(a_step_not_wanted_is_skipped),
		cmocka_unit_test(goto_jumps_to_the_named_step),
		cmocka_unit_test(a_failure_keeps_its_status_and_the_log_alone),
		cmocka_unit_test(the_default_exit_rule_fails_on_nonzero),
		cmocka_unit_test(a_program_that_cannot_start_fails_with_a_message),
		cmocka_unit_test(a_function_runs_in_a_child_with_progress),
		cmocka_unit_test(cancel_kills_the_child_and_runs_finally),
		cmocka_unit_test(a_cancelled_child_still_has_its_last_words),
		cmocka_unit_test(a_cancel_flag_stops_a_blocking_run),
		cmocka_unit_test(the_plan_lists_commands_without_running_them),
		cmocka_unit_test(root_steps_and_directories_in_the_plan),
		cmocka_unit_test(a_symlinked_log_is_not_followed),
		cmocka_unit_test(changed_may_free_a_finished_job),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
