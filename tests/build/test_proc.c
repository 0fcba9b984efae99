/* The child-process runner: output, exit codes, exec failures, /dev/null
 * stdin, its own process group, and killing the whole group; the blocking
 * capture with stdout and stderr apart, caps, files handed over by
 * /dev/fd name and the caller's environment changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/proc.h"

struct buf {
	char data[4096];
	size_t len;
};

static void collect(void *ctx, const char *d, size_t n)
{
	struct buf *b = ctx;
	if (b->len + n < sizeof(b->data)) {
		memcpy(b->data + b->len, d, n);
		b->len += n;
		b->data[b->len] = '\0';
	}
}

static int run(char *const argv[], struct buf *b)
{
	struct rs_proc p;
	assert_true(rs_proc_start(&p, argv, NULL));
	assert_true(rs_proc_wait(&p, collect, b, NULL));
	int code = rs_proc_exit_code(&p);
	rs_proc_close(&p);
	return code;
}

static void output_and_codes(void **state)
{
	(void)state;
	struct buf b = { .len = 0 };
	char *both[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	assert_int_equal(run(both, &b), 3);
	assert_string_equal(b.data, "out\nerr\n");

	b.len = 0;
	b.data[0] = '\0';
	char *cat[] = { "cat", NULL }; /* stdin is /dev/null: ends at once */
	assert_int_equal(run(cat, &b), 0);
	assert_int_equal(b.len, 0);

	char *killed[] = { "sh", "-c", "kill -TERM $$", NULL };
	assert_int_equal(run(killed, &b), 128 + SIGTERM);
}

static void exec_failure(void **state)
{
	(void)state;
	struct rs_proc p;
	char *argv[] = { "/nonexistent/program", NULL };
	errno = 0;
	assert_false(rs_proc_start(&p, argv, NULL));
	assert_int_equal(errno, ENOENT);
	struct rs_proc_opts o = { .cwd = "/nonexistent-dir" };
	char *ok[] = { "true", NULL };
	assert_false(rs_proc_start(&p, ok, &o));
	assert_int_equal(errno, ENOENT);
}

static void group_and_fd(void **state)
{
	(void)state;
	struct rs_proc p;
	char *argv[] = { "sleep", "5", NULL };
	assert_true(rs_proc_start(&p, argv, NULL));
	assert_int_equal(getpgid(p.pid), p.pid);
	assert_int_not_equal(getpgid(p.pid), getpgid(0));
	int fd = rs_proc_fd(&p);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(rs_proc_pump(&p, NULL, NULL), RS_PROC_RUNNING);
	rs_proc_kill(&p, 1000);
	assert_true(p.exited);
	assert_int_equal(rs_proc_exit_code(&p), 128 + SIGTERM);
	rs_proc_close(&p);
}

static void kill_reaches_grandchildren(void **state)
{
	(void)state;
	char pidfile[] = "/tmp/rs-proc-XXXXXX";
	int fd = mkstemp(pidfile);
	assert_true(fd >= 0);
	close(fd);
	char script[256];
	/* A grandchild that ignores SIGTERM: only SIGKILL to the group stops it. */
	snprintf(script, sizeof(script),
		 "sh -c 'trap \"\" TERM; echo $$ > %s; sleep 30' & wait", pidfile);
	char *argv[] = { "sh", "-c", script, NULL };
	struct rs_proc p;
	assert_true(rs_proc_start(&p, argv, NULL));
	pid_t grandchild = 0;
	for (int i = 0; i < 500 && grandchild <= 0; i++) {
		FILE *f = fopen(pidfile, "r");
		if (f) {
			if (fscanf(f, "%d", &grandchild) != 1)
				grandchild = 0;
			fclose(f);
		}
		usleep(10000);
	}
	assert_true(grandchild > 0);
	rs_proc_kill(&p, 200);
	rs_proc_close(&p);
	/* Reparented to init (or a subreaper), it may linger as a zombie briefly. */
	bool gone = false;
	for (int i = 0; i < 300 && !gone; i++) {
		char path[64], st = 0;
		snprintf(path, sizeof(path), "/proc/%d/stat", grandchild);
		FILE *f = fopen(path, "r");
		gone = !f || (fscanf(f, "%*d %*s %c", &st) == 1 && st == 'Z');
		if (f)
			fclose(f);
		if (!gone)
			usleep(10000);
	}
	assert_true(gone);
	unlink(pidfile);
}

static void wait_cancels(void **state)
{
	(void)state;
	volatile sig_atomic_t cancel = 1;
	struct rs_proc p;
	char *argv[] = { "sleep", "5", NULL };
	assert_true(rs_proc_start(&p, argv, NULL));
	assert_false(rs_proc_wait(&p, NULL, NULL, &cancel));
	assert_false(p.exited);
	rs_proc_close(&p); /* kills */
	assert_true(p.exited);
}

static void capture_apart_and_capped(void **state)
{
	(void)state;
	struct rs_proc_output r;
	char *both[] = { "sh", "-c", "cat; echo out; echo err >&2; exit 4", NULL };
	rs_proc_capture(both, NULL, 100, 100, &r);
	assert_int_equal(r.status, 4);
	assert_string_equal((char *)r.out, "out\n");
	assert_int_equal(r.out_len, 4);
	assert_string_equal(r.err, "err\n");
	rs_proc_output_free(&r);

	/* stdout past its cap fails the run; stderr past its cap is cut. */
	char *big[] = { "sh", "-c", "head -c 5000 /dev/zero; head -c 5000 /dev/zero | tr '\\0' e >&2",
			NULL };
	rs_proc_capture(big, NULL, 100, 10, &r);
	assert_int_equal(r.status, -1);
	assert_true(r.out_overflow);
	assert_int_equal(r.out_len, 100);
	assert_string_equal(r.err, "eeeeeeeeee");
	rs_proc_output_free(&r);

	char *missing[] = { "rs-no-such-program-here", NULL };
	rs_proc_capture(missing, NULL, 100, 100, &r);
	assert_int_equal(r.status, -1);
	assert_int_equal(r.exec_errno, ENOENT);
	assert_string_equal((char *)r.out, "");
	rs_proc_output_free(&r);
}

static void capture_hands_over_fds_and_changes_the_environment(void **state)
{
	(void)state;
	char path[] = "/tmp/rs-proc-fd-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "card", 4), 4);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	unlink(path);
	char *name = NULL;
	assert_true(asprintf(&name, "/dev/fd/%d", fd) > 0);
	char *argv[] = { "sh", "-c",
			 "cat \"$1\"; echo; env | grep '^RSX'; env | grep '^RS_PROC_'", "sh", name,
			 NULL };
	setenv("RSX_A", "1", 1);
	setenv("RSX_B", "2", 1);
	setenv("RS_PROC_KEEP", "3", 1);
	static const char *const drop[] = { "RSX*", NULL };
	static const char *const add[] = { "RSX_OURS=4", NULL };
	struct rs_proc_opts o = { .same_identity = true, .caller_env = true, .keep_fds = &fd,
				  .n_keep_fds = 1, .env_drop = drop, .env_add = add };
	struct rs_proc_output r;
	rs_proc_capture(argv, &o, 1000, 1000, &r);
	assert_int_equal(r.status, 0);
	/* The file was read through its /dev/fd name, and only the listed
	 * variables changed. */
	assert_string_equal((char *)r.out, "card\nRSX_OURS=4\nRS_PROC_KEEP=3\n");
	rs_proc_output_free(&r);

	/* Without keep_fds the file stays ours (close-on-exec). */
	char *cat[] = { "cat", name, NULL };
	struct rs_proc_opts closed = { .same_identity = true };
	rs_proc_capture(cat, &closed, 1000, 1000, &r);
	assert_int_not_equal(r.status, 0);
	rs_proc_output_free(&r);

	/* Handed over again: a fresh open reads it from its start. */
	o.env_drop = NULL;
	o.env_add = NULL;
	rs_proc_capture(cat, &o, 1000, 1000, &r);
	assert_int_equal(r.status, 0);
	assert_string_equal((char *)r.out, "card");
	rs_proc_output_free(&r);
	unsetenv("RSX_A");
	unsetenv("RSX_B");
	unsetenv("RS_PROC_KEEP");
	free(name);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(output_and_codes),
		cmocka_unit_test(exec_failure),
		cmocka_unit_test(group_and_fd),
		cmocka_unit_test(kill_reaches_grandchildren),
		cmocka_unit_test(wait_cancels),
		cmocka_unit_test(capture_apart_and_capped),
		cmocka_unit_test(capture_hands_over_fds_and_changes_the_environment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
