/* The log: where it goes, what a line looks like, arguments quoted so they
 * can be pasted back, control characters kept out, and rotation at
 * RS_LOG_MAX_BYTES with exactly one old copy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/log.h"

static char dir[64], path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/rs-log-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/test.log", dir);
	setenv("HOME", dir, 1);
	unsetenv("XDG_STATE_HOME");
	unsetenv("SUDO_USER");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rs_log_close();
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *p)
{
	static char buf[8192];
	FILE *f = fopen(p, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static long size_of(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

static void test_default_path(void **state)
{
	(void)state;
	char want[256], *got;
	/* No ~/printer_data/logs: the state directory. */
	snprintf(want, sizeof(want), "%s/.local/state/ratos-setup/ratos-setup.log", dir);
	got = rs_log_default_path();
	assert_string_equal(got, want);
	free(got);
	/* With XDG_STATE_HOME the state directory moves with it. */
	setenv("XDG_STATE_HOME", "/var/tmp/st", 1);
	got = rs_log_default_path();
	assert_string_equal(got, "/var/tmp/st/ratos-setup/ratos-setup.log");
	free(got);
	/* Moonraker's log folder wins when it exists. */
	snprintf(want, sizeof(want), "%s/printer_data/logs", dir);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", want);
	assert_int_equal(system(cmd), 0);
	strcat(want, "/ratos-setup.log");
	got = rs_log_default_path();
	assert_string_equal(got, want);
	free(got);
	/* Opening the default creates the state directory when needed. */
	unsetenv("XDG_STATE_HOME");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/printer_data'", dir);
	assert_int_equal(system(cmd), 0);
	assert_true(rs_log_open(NULL));
	snprintf(want, sizeof(want), "%s/.local/state/ratos-setup/ratos-setup.log", dir);
	assert_string_equal(rs_log_path(), want);
	rs_log("hello");
	assert_non_null(strstr(slurp(want), "] hello\n"));
}

static void test_lines(void **state)
{
	(void)state;
	assert_true(rs_log_open(path));
	rs_log("step %s", "board");
	const char *argv[] = { "mcopy", "-i", "/tmp/card one.img", "it's", "", "a\nb", NULL };
	rs_log_argv("run (pid 7)", argv);
	rs_log_status("make", 42, 2 << 8);
	rs_log_status("make", 43, 9);
	rs_log_close();
	rs_log("after close: not written");

	char *text = slurp(path);
	assert_non_null(text);
	char pid[32];
	snprintf(pid, sizeof(pid), "[%ld] ", (long)getpid());
	/* 2026-11-30 11:40:02+0000 [1234] step board */
	int lines = 0;
	for (char *l = text; *l; l = strchr(l, '\n') + 1, lines++) {
		assert_true(strlen(l) > 26 && l[4] == '-' && l[10] == ' ' && l[13] == ':');
		assert_non_null(strstr(l, pid));
	}
	assert_int_equal(lines, 4);
	assert_non_null(strstr(text, "] step board\n"));
	assert_non_null(strstr(text, "] run (pid 7): mcopy -i '/tmp/card one.img' 'it'\\''s' '' 'a?b'\n"));
	assert_non_null(strstr(text, "] make (pid 42) exited with 2\n"));
	assert_non_null(strstr(text, "] make (pid 43) was killed by signal 9\n"));
	assert_null(strstr(text, "after close"));
}

static void test_rotation(void **state)
{
	(void)state;
	/* A log just under the limit from earlier runs. */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (long i = 0; i < RS_LOG_MAX_BYTES - 100; i++)
		fputc(i % 64 == 63 ? '\n' : 'x', f);
	fclose(f);
	assert_true(rs_log_open(path));
	rs_log("first line of this run");
	/* Still under the limit: appended, not rotated. */
	assert_true(size_of(path) > RS_LOG_MAX_BYTES - 100);
	assert_true(size_of(path) < RS_LOG_MAX_BYTES);
	for (int i = 0; i < 3; i++)
		rs_log("%080d", i);
	/* Past the limit: moved to .1, a fresh file goes on. */
	char old[160];
	snprintf(old, sizeof(old), "%s.1", path);
	assert_true(size_of(old) >= RS_LOG_MAX_BYTES);
	assert_true(size_of(old) < RS_LOG_MAX_BYTES + 200);
	assert_true(size_of(path) < 400);
	rs_log("after rotation");
	assert_non_null(strstr(slurp(path), "] after rotation\n"));

	/* The next rotation replaces .1: one old copy, bounded on disk. */
	for (int i = 0; size_of(path) < RS_LOG_MAX_BYTES - 200 && i < 100000; i++)
		rs_log("%0200d", i);
	for (int i = 0; i < 3; i++)
		rs_log("%0200d", i);
	assert_true(size_of(path) < 1000);
	assert_true(size_of(old) >= RS_LOG_MAX_BYTES);
	assert_true(size_of(old) < RS_LOG_MAX_BYTES + 300);
	char older[170];
	snprintf(older, sizeof(older), "%s.2", path);
	assert_int_equal(size_of(older), -1);
	assert_null(strstr(slurp(old), "first line of this run"));
}

static void test_open_failure(void **state)
{
	(void)state;
	assert_false(rs_log_open("/nonexistent-dir/x.log"));
	assert_null(rs_log_path());
	rs_log("goes nowhere"); /* and does not crash */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_failure, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
