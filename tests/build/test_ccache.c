/* When the firmware build uses ccache, and what make then gets: the
 * masquerade directory first on PATH and ccache's settings, replacing any
 * the caller had (a CCACHE_DIR of root's or the user's own sloppy config
 * must not reach the build). */
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

#include "platform/ccache.h"
#include "platform/proc.h"

static char dir[64];

static char *path_in(const char *name)
{
	static char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/rs-ccache-XXXXXX");
	assert_non_null(mkdtemp(dir));
	/* A masquerade directory: the compiler's name, executable. */
	assert_int_equal(mkdir(path_in("masq"), 0755), 0);
	assert_int_equal(symlink("/bin/true", path_in("masq/arm-none-eabi-gcc")), 0);
	/* One left behind by a removed ccache. */
	assert_int_equal(mkdir(path_in("gone"), 0755), 0);
	assert_int_equal(symlink(path_in("nothing"), path_in("gone/arm-none-eabi-gcc")), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static bool has_env(const struct rs_ccache *cc, const char *entry)
{
	for (size_t i = 0; cc->env && cc->env[i]; i++)
		if (strcmp(cc->env[i], entry) == 0)
			return true;
	return false;
}

static void off_in_every_spelling(void **state)
{
	(void)state;
	static const char *const offs[] = { "off", "OFF", "0", "no", "never", "false" };
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		struct rs_ccache cc;
		rs_ccache_choose(&cc, offs[i], "arm-none-eabi-gcc", "/c", false);
		assert_null(cc.path_first);
		assert_null(cc.env);
		assert_non_null(strstr(cc.note, "no compiler cache: turned off"));
		rs_ccache_free(&cc);
	}
}

static void a_directory_of_ones_own(void **state)
{
	(void)state;
	struct rs_ccache cc;
	rs_ccache_choose(&cc, path_in("masq"), "arm-none-eabi-gcc", "/home/pi/.cache/ratos-setup/ccache",
			 false);
	assert_string_equal(cc.path_first, path_in("masq"));
	assert_true(has_env(&cc, "CCACHE_DIR=/home/pi/.cache/ratos-setup/ccache"));
	assert_true(has_env(&cc, "CCACHE_SLOPPINESS="));
	assert_true(has_env(&cc, "CCACHE_COMPILERCHECK=mtime"));
	assert_true(has_env(&cc, "CCACHE_MAXSIZE=" RS_CCACHE_MAX_SIZE));
	assert_false(has_env(&cc, "CCACHE_RECACHE=1"));
	assert_non_null(strstr(cc.note, "compiler cache: ccache through"));
	rs_ccache_free(&cc);
	/* --force: compile everything and store it again. */
	rs_ccache_choose(&cc, path_in("masq"), "arm-none-eabi-gcc", "/c", true);
	assert_true(has_env(&cc, "CCACHE_RECACHE=1"));
	rs_ccache_free(&cc);
}

static void not_installed_or_not_usable(void **state)
{
	(void)state;
	const char *cases[][2] = {
		{ "gone", "has no arm-none-eabi-gcc" },	    /* dangling link */
		{ "nowhere", "has no arm-none-eabi-gcc" },  /* no directory */
		{ "masq", "has no avr-gcc" },		    /* not for this compiler */
	};
	for (size_t i = 0; i < 3; i++) {
		struct rs_ccache cc;
		rs_ccache_choose(&cc, path_in(cases[i][0]), i == 2 ? "avr-gcc" : "arm-none-eabi-gcc",
				 "/c", false);
		assert_null(cc.path_first);
		assert_null(cc.env);
		assert_non_null(strstr(cc.note, cases[i][1]));
		assert_non_null(strstr(cc.note, "apt-get install ccache"));
		rs_ccache_free(&cc);
	}
	struct rs_ccache cc;
	rs_ccache_choose(&cc, "masq", "arm-none-eabi-gcc", "/c", false);
	assert_null(cc.path_first);
	assert_non_null(strstr(cc.note, "neither off nor an absolute directory"));
	rs_ccache_free(&cc);
}

static void debian_directory_by_default(void **state)
{
	(void)state;
	const char *settings[] = { NULL, "", "auto" };
	for (size_t i = 0; i < 3; i++) {
		struct rs_ccache cc;
		rs_ccache_choose(&cc, settings[i], "arm-none-eabi-gcc", "/c", false);
		if (access(RS_CCACHE_DEBIAN_DIR "/arm-none-eabi-gcc", X_OK) == 0)
			assert_string_equal(cc.path_first, RS_CCACHE_DEBIAN_DIR);
		else
			assert_non_null(strstr(cc.note, RS_CCACHE_DEBIAN_DIR " has no"));
		rs_ccache_free(&cc);
	}
}

struct buf {
	char data[32768];
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

static size_t count_lines_starting(const char *text, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += strncmp(p, prefix, len) == 0;
	return n;
}

static void make_gets_the_cache(void **state)
{
	(void)state;
	setenv("CCACHE_DIR", "/root/.ccache", 1);
	setenv("CCACHE_SLOPPINESS", "time_macros", 1);
	struct rs_ccache cc;
	rs_ccache_choose(&cc, path_in("masq"), "arm-none-eabi-gcc", "/home/pi/c", false);
	struct rs_proc_opts o = { .path_first = cc.path_first, .env_add = (const char *const *)cc.env };
	char *argv[] = { "env", NULL };
	struct rs_proc p;
	struct buf b = { 0 };
	assert_true(rs_proc_start(&p, argv, &o));
	assert_true(rs_proc_wait(&p, collect, &b, NULL));
	rs_proc_close(&p);
	char want[300];
	snprintf(want, sizeof(want), "\nPATH=%s:", path_in("masq"));
	assert_non_null(strstr(b.data, want));
	assert_int_equal(count_lines_starting(b.data, "PATH="), 1);
	assert_non_null(strstr(b.data, "\nCCACHE_DIR=/home/pi/c\n"));
	assert_int_equal(count_lines_starting(b.data, "CCACHE_DIR="), 1);
	assert_int_equal(count_lines_starting(b.data, "CCACHE_SLOPPINESS="), 1);
	assert_null(strstr(b.data, "time_macros"));
	rs_ccache_free(&cc);
	/* Without the options, children are as before: no cache settings added. */
	memset(&b, 0, sizeof(b));
	assert_true(rs_proc_start(&p, argv, NULL));
	assert_true(rs_proc_wait(&p, collect, &b, NULL));
	rs_proc_close(&p);
	assert_null(strstr(b.data, path_in("masq")));
	assert_non_null(strstr(b.data, "CCACHE_DIR=/root/.ccache"));
	unsetenv("CCACHE_DIR");
	unsetenv("CCACHE_SLOPPINESS");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(off_in_every_spelling),
		cmocka_unit_test(a_directory_of_ones_own),
		cmocka_unit_test(not_installed_or_not_usable),
		cmocka_unit_test(debian_directory_by_default),
		cmocka_unit_test(make_gets_the_cache),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
