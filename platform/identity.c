#include "platform/identity.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"

/* LeakSanitizer checks at exit by ptrace-attaching to this process, which a
 * process whose effective uid is not its real one refuses; sanitizer builds
 * go back to root on the way out so the check still runs. */
#if defined(__SANITIZE_ADDRESS__)
#define RS_LEAK_CHECK_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RS_LEAK_CHECK_AT_EXIT 1
#endif
#endif

/* Everything is read once in rs_identity_init and only read afterwards, so
 * a forked child can use it without locks or allocation. */
static struct {
	bool sudo;
	char *name, *home;
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* the user's supplementary groups */
	int ngroups;
	gid_t root_gid; /* what we had before switching */
	gid_t *root_groups;
	int root_ngroups;
	int root_depth; /* nesting of as-root sections */
} id;

/* A uid or gid as sudo writes it: decimal digits only, and not -1 (which
 * the set*id calls read as "leave unchanged"). */
static bool parse_id(const char *s, unsigned long *out)
{
	if (!s || !*s || strlen(s) > 10 || strspn(s, "0123456789") != strlen(s))
		return false;
	errno = 0;
	unsigned long v = strtoul(s, NULL, 10);
	if (errno || v >= 0xffffffffUL)
		return false;
	*out = v;
	return true;
}

static bool become_user(void)
{
	return setgroups((size_t)id.ngroups, id.groups) == 0 && setegid(id.gid) == 0 &&
	       seteuid(id.uid) == 0;
}

static bool become_root(void)
{
	return seteuid(0) == 0 && setegid(id.root_gid) == 0 &&
	       setgroups((size_t)id.root_ngroups, id.root_groups) == 0;
}

#ifdef RS_LEAK_CHECK_AT_EXIT
static void root_for_leak_check(void)
{
	int rc = seteuid(0); /* nothing else runs after this: a failure only skips the check */
	(void)rc;
}
#endif

static gid_t *user_groups(const char *name, gid_t base, int *count)
{
	int n = 16;
	gid_t *g = rs_xmalloc(sizeof(*g) * (size_t)n);
	while (getgrouplist(name, base, g, &n) < 0) {
		g = rs_xrealloc(g, sizeof(*g) * (size_t)n);
	}
	*count = n;
	return g;
}

static void forget(void)
{
	free(id.name);
	free(id.home);
	free(id.groups);
	free(id.root_groups);
	memset(&id, 0, sizeof(id));
}

static bool adopt(const struct passwd *pw, gid_t gid, char **why);

#define SUDO_HINT                                                                                  \
	"; run ratos-setup with sudo from your own account, or as root without SUDO_* "            \
	"variables"

bool rs_identity_init(char **why)
{
	*why = NULL;
	const char *s_uid = getenv("SUDO_UID"), *s_gid = getenv("SUDO_GID"),
		   *s_user = getenv("SUDO_USER");
	/* SUDO_* only mean something to a process sudo started as root; a user
	 * process that inherited them (sudo -u someone) is just that user. */
	if (getuid() != 0 || geteuid() != 0 || (!s_uid && !s_gid && !s_user))
		return true;
	unsigned long uid, gid;
	if (!parse_id(s_uid, &uid)) {
		*why = rs_xasprintf("SUDO_UID=%s is not a user id" SUDO_HINT, s_uid ? s_uid : "");
		return false;
	}
	if (!parse_id(s_gid, &gid)) {
		*why = rs_xasprintf("SUDO_GID=%s is not a group id" SUDO_HINT, s_gid ? s_gid : "");
		return false;
	}
	const struct passwd *pw = getpwuid((uid_t)uid);
	if (!pw) {
		*why = rs_xasprintf("SUDO_UID=%lu is not a user in the passwd database" SUDO_HINT,
				    uid);
		return false;
	}
	if (!s_user || strcmp(s_user, pw->pw_name) != 0) {
		*why = rs_xasprintf("SUDO_USER=%s does not match SUDO_UID=%lu (%s)" SUDO_HINT,
				    s_user ? s_user : "", uid, pw->pw_name);
		return false;
	}
	if (uid == 0)
		return true; /* sudo from root: root's own files, nothing to switch */
	return adopt(pw, (gid_t)gid, why);
}

/* Acts as pw's user from now on, with gid as the primary group (sudo's
 * SUDO_GID, or the user's own). */
static bool adopt(const struct passwd *pw, gid_t gid, char **why)
{
	if (!pw->pw_dir || pw->pw_dir[0] != '/') {
		*why = rs_xasprintf("user %s has no absolute home directory in the passwd "
				    "database",
				    pw->pw_name);
		return false;
	}
	id.name = rs_xstrdup(pw->pw_name);
	id.home = rs_xstrdup(pw->pw_dir);
	id.uid = pw->pw_uid;
	id.gid = gid;
	id.groups = user_groups(id.name, pw->pw_gid, &id.ngroups);
	bool member = false;
	for (int i = 0; i < id.ngroups; i++)
		member |= id.groups[i] == id.gid;
	if (!member) {
		*why = rs_xasprintf("SUDO_GID=%lu is not a group of user %s" SUDO_HINT,
				    (unsigned long)gid, id.name);
		forget();
		return false;
	}
	id.root_gid = getegid();
	int n = getgroups(0, NULL);
	id.root_groups = rs_xmalloc(sizeof(gid_t) * (size_t)(n > 0 ? n : 1));
	id.root_ngroups = n > 0 ? getgroups(n, id.root_groups) : 0;
	if (id.root_ngroups < 0 || !become_user()) {
		int e = errno;
		become_root();
		*why = rs_xasprintf("cannot act as user %s: %s", id.name, strerror(e));
		forget();
		return false;
	}
	id.sudo = true;
#ifdef RS_LEAK_CHECK_AT_EXIT
	atexit(root_for_leak_check);
#endif
	return true;
}

bool rs_identity_init_as(const char *user, char **why)
{
	*why = NULL;
	if (getuid() != 0 || geteuid() != 0) {
		*why = rs_xasprintf("--as-user is for root (a system unit); run ratos-setup as "
				    "yourself instead");
		return false;
	}
	if (getenv("SUDO_UID") || getenv("SUDO_GID") || getenv("SUDO_USER")) {
		*why = rs_xasprintf("--as-user and sudo's SUDO_* variables together: use one");
		return false;
	}
	const struct passwd *pw = user && *user ? getpwnam(user) : NULL;
	if (!pw) {
		*why = rs_xasprintf("--as-user %s: no such user in the passwd database",
				    user ? user : "");
		return false;
	}
	if (pw->pw_uid == 0)
		return true; /* root's own files: nothing to switch */
	return adopt(pw, pw->pw_gid, why);
}

bool rs_identity_is_sudo(void)
{
	return id.sudo;
}
const char *rs_identity_user_name(void)
{
	return id.sudo ? id.name : NULL;
}
const char *rs_identity_user_home(void)
{
	return id.sudo ? id.home : NULL;
}

bool rs_identity_as_root_begin(void)
{
	if (!id.sudo)
		return true;
	if (id.root_depth == 0 && !become_root()) {
		int e = errno;
		if (!become_user())
			abort();
		errno = e;
		return false;
	}
	id.root_depth++;
	return true;
}

void rs_identity_as_root_end(void)
{
	if (!id.sudo || id.root_depth == 0)
		return;
	if (--id.root_depth == 0 && !become_user()) {
		static const char msg[] = "ratos-setup: cannot switch back to the invoking user; "
					  "stopping\n";
		ssize_t w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
		(void)w;
		abort();
	}
}

int rs_identity_open_as_root(const char *path, int flags, mode_t mode)
{
	if (!rs_identity_as_root_begin())
		return -1;
	int fd = open(path, flags, mode);
	int e = errno;
	rs_identity_as_root_end();
	errno = e;
	return fd;
}

bool rs_identity_drop_in_child(void)
{
	if (!id.sudo)
		return true;
	/* Acting as the user, the effective capabilities are gone; regain root
	 * (the real uid is still 0) to be allowed to drop everything. */
	if (geteuid() != 0 && seteuid(0) != 0)
		return false;
	if (setgroups((size_t)id.ngroups, id.groups) != 0 || setgid(id.gid) != 0 ||
	    setuid(id.uid) != 0)
		return false;
	/* A drop that can be undone is no drop. */
	bool done = setuid(0) != 0 && seteuid(0) != 0 && getuid() == id.uid &&
		    geteuid() == id.uid && getgid() == id.gid && getegid() == id.gid;
	errno = EPERM;
	return done;
}
