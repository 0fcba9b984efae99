/* The sudo identity switch, in this process: nonsense SUDO_* refused, the
 * process acting as the user (uid, gid, groups) with root regained only
 * inside an as-root section, and children dropped to the user for good.
 * Needs root; uses the system's "nobody" as the sudo user. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/child_env.h"
#include "platform/identity.h"
#include "platform/proc.h"

static uid_t nobody_uid;
static gid_t nobody_gid;
static char nobody_home[200], secret[64];

struct buf {
	char data[8192];
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

static bool run(const char *script, const struct rs_proc_opts *o, struct buf *b)
{
	char *argv[] = {"sh", "-c", (char *)script, NULL};
	struct rs_proc p;
	memset(b, 0, sizeof(*b));
	if (!rs_proc_start(&p, argv, o))
		return false;
	assert_true(rs_proc_wait(&p, collect, b, NULL));
	rs_proc_close(&p);
	return true;
}

static void sudo_env(const char *user, const char *uid, const char *gid)
{
	setenv("SUDO_USER", user, 1);
	setenv("SUDO_UID", uid, 1);
	setenv("SUDO_GID", gid, 1);
}

static void nonsense_refused(void **state)
{
	(void)state;
	char uid[16], gid[16];
	snprintf(uid, sizeof(uid), "%u", (unsigned)nobody_uid);
	snprintf(gid, sizeof(gid), "%u", (unsigned)nobody_gid);
	const char *const bad[][3] = {
	    {"nobody", "abc", gid},
	    {"nobody", "-1", gid},
	    {"nobody", "4294967295", gid},
	    {"nobody", uid, ""},
	    {"root", uid, gid},
	    {"nobody", uid, "0"},
	    {"nobody", "", gid},
	    {"nobody", "4000000000", gid},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sudo_env(bad[i][0], bad[i][1], bad[i][2]);
		char *why = NULL;
		assert_false(rs_identity_init(&why));
		assert_non_null(why);
		free(why);
		assert_false(rs_identity_is_sudo());
		assert_int_equal(geteuid(), 0);
	}
	unsetenv("SUDO_USER");
	char *why = NULL;
	assert_false(rs_identity_init(&why)); /* SUDO_UID without SUDO_USER */
	free(why);
}

static void acts_as_user(void **state)
{
	(void)state;
	char uid[16], gid[16];
	snprintf(uid, sizeof(uid), "%u", (unsigned)nobody_uid);
	snprintf(gid, sizeof(gid), "%u", (unsigned)nobody_gid);
	sudo_env("nobody", uid, gid);
	char *why = NULL;
	assert_true(rs_identity_init(&why));
	assert_null(why);
	assert_true(rs_identity_is_sudo());
	assert_string_equal(rs_identity_user_name(), "nobody");
	assert_string_equal(rs_identity_user_home(), nobody_home);
	assert_int_equal(getuid(), 0);
	assert_int_equal(geteuid(), nobody_uid);
	assert_int_equal(getegid(), nobody_gid);
	gid_t groups[64];
	int n = getgroups(64, groups);
	for (int i = 0; i < n; i++)
		assert_int_not_equal(groups[i], 0); /* root's group is gone */
	/* A root-only file cannot be opened, not even for reading. */
	errno = 0;
	assert_int_equal(open(secret, O_RDONLY | O_CLOEXEC), -1);
	assert_int_equal(errno, EACCES);
}

static void root_only_inside_a_section(void **state)
{
	(void)state;
	assert_true(rs_identity_as_root_begin());
	assert_int_equal(geteuid(), 0);
	assert_true(rs_identity_as_root_begin()); /* nested */
	rs_identity_as_root_end();
	assert_int_equal(geteuid(), 0);
	rs_identity_as_root_end();
	assert_int_equal(geteuid(), nobody_uid);
	assert_int_equal(getegid(), nobody_gid);

	int fd = rs_identity_open_as_root(secret, O_RDONLY | O_CLOEXEC, 0);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(geteuid(), nobody_uid);
}

static void children_drop_for_good(void **state)
{
	(void)state;
	struct buf b;
	assert_true(run("grep -E '^(Uid|Gid|Groups):' /proc/self/status; echo HOME=$HOME; "
			"echo USER=$USER; echo LC_ALL=$LC_ALL",
			NULL, &b));
	char want[256];
	/* real, effective, saved and filesystem ids: no way back to root */
	snprintf(want, sizeof(want), "Uid:\t%u\t%u\t%u\t%u\n", (unsigned)nobody_uid,
		 (unsigned)nobody_uid, (unsigned)nobody_uid, (unsigned)nobody_uid);
	assert_non_null(strstr(b.data, want));
	snprintf(want, sizeof(want), "Gid:\t%u\t%u\t%u\t%u\n", (unsigned)nobody_gid,
		 (unsigned)nobody_gid, (unsigned)nobody_gid, (unsigned)nobody_gid);
	assert_non_null(strstr(b.data, want));
	assert_null(strstr(b.data, "Groups:\t0"));
	assert_null(strstr(b.data, " 0 "));
	snprintf(want, sizeof(want), "HOME=%s\nUSER=nobody\nLC_ALL=C\n", nobody_home);
	assert_non_null(strstr(b.data, want));

	/* The caller's locale, when asked for. */
	setenv("LC_ALL", "C.UTF-8", 1);
	struct rs_proc_opts keep = {.keep_locale = true};
	assert_true(run("echo LC_ALL=$LC_ALL", &keep, &b));
	assert_string_equal(b.data, "LC_ALL=C.UTF-8\n");

	/* Root for a child only inside an as-root section. */
	struct rs_proc_opts root = {.keep_root = true};
	errno = 0;
	assert_false(run("id -u", &root, &b));
	assert_int_equal(errno, EPERM);
	assert_true(rs_identity_as_root_begin());
	assert_true(run("id -u", &root, &b));
	rs_identity_as_root_end();
	assert_string_equal(b.data, "0\n");
}

int main(void)
{
	if (getuid() != 0) {
		printf("SKIP: the sudo identity switch needs root\n");
		return 77;
	}
	const struct passwd *pw = getpwnam("nobody");
	if (!pw) {
		printf("SKIP: no user 'nobody'\n");
		return 77;
	}
	nobody_uid = pw->pw_uid;
	nobody_gid = pw->pw_gid;
	snprintf(nobody_home, sizeof(nobody_home), "%s", pw->pw_dir);
	snprintf(secret, sizeof(secret), "/tmp/rs-identity-XXXXXX");
	int fd = mkstemp(secret);
	if (fd < 0)
		return 1;
	fchmod(fd, 0600);
	close(fd);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(nonsense_refused),
	    cmocka_unit_test(acts_as_user),
	    cmocka_unit_test(root_only_inside_a_section),
	    cmocka_unit_test(children_drop_for_good),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rs_identity_as_root_begin(); /* to clean up, and for the leak check */
	unlink(secret);
	return rc;
}
