/* The wizard under a simulated sudo (run through with_test_user.sh): the
 * state file and the folders made for it (~/.local, ~/.local/state,
 * ~/.local/state/ratos-setup) belong to the user, and the next run without
 * sudo resumes and saves again. Usage:
 *   with_test_user.sh sudo_state_test BIN BOARDS_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "vt.h"

#define WAIT_MS 8000 /* only a failure deadline; nothing sleeps */

static const char *bin, *boards, *home;
static unsigned long uid, gid;
static char state[512];

static char *read_state(void)
{
	static char buf[4096];
	FILE *f = fopen(state, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool owned_by_user(struct vt *t, const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", home, rel);
	struct stat st;
	CHECK(lstat(path, &st) == 0, "%s exists", path);
	CHECK(st.st_uid == uid && st.st_gid == gid, "%s belongs to %lu:%lu, not %lu:%lu", path,
	      (unsigned long)st.st_uid, (unsigned long)st.st_gid, uid, gid);
	return true;
}

static bool quit(struct vt *t)
{
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	int rc = vt_wait_exit(t, WAIT_MS);
	CHECK(rc == 0, "quit exits 0 (got %d)", rc);
	return true;
}

static bool scenario_sudo_then_user(struct vt *t)
{
	char e_user[64], e_uid[64], e_gid[64], e_home[512];
	snprintf(e_user, sizeof(e_user), "SUDO_USER=%s", getenv("RS_TEST_USER"));
	snprintf(e_uid, sizeof(e_uid), "SUDO_UID=%lu", uid);
	snprintf(e_gid, sizeof(e_gid), "SUDO_GID=%lu", gid);
	/* sudo sets HOME to root's; XDG_STATE_HOME would be root's too. */
	char *sudo_env[] = {e_user,
			    e_uid,
			    e_gid,
			    "HOME=/root",
			    "XDG_STATE_HOME=/root/.state",
			    "TERM=xterm-256color",
			    "LC_ALL=C.UTF-8",
			    NULL};
	char *argv[] = {(char *)bin, "--boards-dir", (char *)boards, NULL};
	CHECK(vt_spawn(t, 24, 80, argv, sudo_env), "spawn under sudo");
	EXPECT("Enter start");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Step 1 of 7");
	vt_key(t, VTERM_KEY_ENTER);
	CHECK(vt_wait_gone(t, "Step 1 of 7", WAIT_MS), "a board was chosen");
	CHECK(!vt_has(t, "cannot save"), "saved under sudo");
	if (!quit(t))
		return false;
	vt_close(t);
	char *saved = read_state();
	CHECK(saved && strstr(saved, "board="), "state saved under sudo: %s",
	      saved ? saved : "none");
	char first[4096];
	snprintf(first, sizeof(first), "%s", saved);
	static const char *const made[] = {".local", ".local/state", ".local/state/ratos-setup",
					   ".local/state/ratos-setup/state"};
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		if (!owned_by_user(t, made[i]))
			return false;

	/* The same user, without sudo. */
	char reuid[64], regid[64];
	snprintf(reuid, sizeof(reuid), "--reuid=%lu", uid);
	snprintf(regid, sizeof(regid), "--regid=%lu", gid);
	snprintf(e_home, sizeof(e_home), "HOME=%s", home);
	char *user_env[] = {e_home, "XDG_STATE_HOME=", "TERM=xterm-256color", "LC_ALL=C.UTF-8",
			    NULL};
	char *user_argv[] = {"/usr/bin/setpriv", reuid,		 regid,
			     "--init-groups",	 "--",		 (char *)bin,
			     "--boards-dir",	 (char *)boards, NULL};
	CHECK(vt_spawn(t, 24, 80, user_argv, user_env), "spawn as the user");
	EXPECT("Resume where you left off? [Y/n]");
	vt_key(t, VTERM_KEY_ENTER);
	CHECK(vt_wait_gone(t, "Resume where you left off?", WAIT_MS), "resumed");
	vt_key(t, VTERM_KEY_ESCAPE); /* one step back: the state changes */
	EXPECT("Step 1 of 7");
	vt_settle(t, 100);
	CHECK(!vt_has(t, "cannot save"), "saved as the user after a sudo run");
	if (!quit(t))
		return false;
	saved = read_state();
	CHECK(saved && strcmp(saved, first) != 0, "the user's run saved a new state: %s",
	      saved ? saved : "none");
	return true;
}

int main(int argc, char **argv)
{
	if (argc < 3 || !getenv("RS_TEST_HOME") || !getenv("RS_TEST_UID") ||
	    !getenv("RS_TEST_GID") || !getenv("RS_TEST_USER")) {
		fprintf(stderr, "usage: with_test_user.sh sudo_state_test BIN BOARDS_DIR\n");
		return 2;
	}
	bin = argv[1];
	boards = argv[2];
	home = getenv("RS_TEST_HOME");
	uid = strtoul(getenv("RS_TEST_UID"), NULL, 10);
	gid = strtoul(getenv("RS_TEST_GID"), NULL, 10);
	term = "xterm-256color";
	harness_name = "sudo_state_test.c";
	snprintf(state, sizeof(state), "%s/.local/state/ratos-setup/state", home);
	struct vt t = {0};
	bool ok = scenario_sudo_then_user(&t);
	if (t.pid > 0) /* vt_close of a closed terminal would kill(0, ...) us all */
		vt_close(&t);
	printf("%s sudo-then-user\n", ok ? "PASS" : "FAIL");
	return failures ? 1 : 0;
}
