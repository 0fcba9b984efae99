/* The environment of the programs ratos-setup starts, through platform/proc:
 * LC_ALL=C (their output is parsed), and as root only the system PATH (or
 * RATOS_SETUP_ROOT_PATH), never the caller's, where a user-writable folder
 * could shadow make or git. A fake tool in a folder on the caller's PATH
 * shows what a child sees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/proc.h"

#define SYSTEM_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static char dir[64], caller_path[256];

struct buf {
	char data[16384];
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

/* Runs argv; false when it could not be started (errno set). */
static bool run(const char *prog, struct buf *b)
{
	char *argv[] = {(char *)prog, NULL};
	struct rs_proc p;
	memset(b, 0, sizeof(*b));
	if (!rs_proc_start(&p, argv, NULL))
		return false;
	assert_true(rs_proc_wait(&p, collect, b, NULL));
	rs_proc_close(&p);
	return true;
}

static bool has_line(const struct buf *b, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = b->data; (p = strstr(p, line)); p++)
		if ((p == b->data || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

static void locale_is_c(void **state)
{
	(void)state;
	struct buf b;
	assert_true(run("env", &b));
	assert_true(has_line(&b, "LC_ALL=C"));
	assert_false(strstr(b.data, "LANGUAGE="));
	assert_false(strstr(b.data, "LC_ALL=de_DE.UTF-8"));
}

static void path_as_root_is_the_systems(void **state)
{
	(void)state;
	struct buf b;
	char want[300];
	if (getuid() != 0) {
		/* Not root: the caller's PATH, and the fake tool in it runs. */
		assert_true(run("env", &b));
		snprintf(want, sizeof(want), "PATH=%s", caller_path);
		assert_true(has_line(&b, want));
		assert_true(run("rs-env-probe", &b));
		assert_true(has_line(&b, "probe ran"));
		return;
	}
	assert_true(run("env", &b));
	assert_true(has_line(&b, "PATH=" SYSTEM_PATH));
	errno = 0;
	assert_false(run("rs-env-probe", &b)); /* only on the caller's PATH */
	assert_int_equal(errno, ENOENT);
}

static void root_path_override(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	struct buf b;
	char own[300], want[310];
	snprintf(own, sizeof(own), "%s:/usr/bin:/bin", dir);
	setenv("RATOS_SETUP_ROOT_PATH", own, 1);
	assert_true(run("rs-env-probe", &b));
	assert_true(has_line(&b, "probe ran"));
	snprintf(want, sizeof(want), "PATH=%s", own);
	assert_true(has_line(&b, want));
	assert_true(has_line(&b, "LC_ALL=C"));
	/* A relative entry could mean anything: ignored, the system PATH wins. */
	setenv("RATOS_SETUP_ROOT_PATH", "bin:/usr/bin", 1);
	assert_true(run("env", &b));
	assert_true(has_line(&b, "PATH=" SYSTEM_PATH));
	unsetenv("RATOS_SETUP_ROOT_PATH");
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/rs-childenv-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	char probe[128];
	snprintf(probe, sizeof(probe), "%s/rs-env-probe", dir);
	FILE *f = fopen(probe, "w");
	if (!f)
		return 1;
	fputs("#!/bin/sh\necho probe ran\nexec env\n", f);
	fclose(f);
	chmod(probe, 0755);
	chmod(dir, 0755);
	snprintf(caller_path, sizeof(caller_path), "%s:/usr/local/bin:/usr/bin:/bin", dir);
	setenv("PATH", caller_path, 1);
	setenv("LC_ALL", "de_DE.UTF-8", 1);
	setenv("LANGUAGE", "de", 1);
	unsetenv("RATOS_SETUP_ROOT_PATH");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(locale_is_c),
	    cmocka_unit_test(path_as_root_is_the_systems),
	    cmocka_unit_test(root_path_override),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(probe);
	rmdir(dir);
	return rc;
}
