/* The real binary in a pty: one instance at a time (a second wizard, CLI
 * commands that write, a SIGKILLed holder, taking over from a holder that is
 * gone), the log it leaves, and --first-boot's marker. Usage:
 *   instance_test BIN BOARDS_DIR FAKE_KLIPPER FAKE_BIN PROFILE_SNIPPET */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tui/harness.h"
#include "../tui/vt.h"

#define WAIT_MS 8000 /* only a failure deadline; nothing sleeps */

static const char *bin, *boards, *fake_klipper, *fake_bin, *snippet;
static char root[64], env_home[128], env_state[128], env_path[4096], env_marker[160];
static char env_root_path[4200]; /* as root, the children's PATH (platform/child_env.h) */
static char marker[128], state_dir[128];

/* vt_close of a terminal never opened (or closed already) would kill pid 0:
 * our own process group. */
static void close_vt(struct vt *t)
{
	if (t->pid > 0)
		vt_close(t);
}

static bool start(struct vt *t, const char *arg)
{
	char *argv[] = { (char *)bin, "--boards-dir", (char *)boards, (char *)arg, NULL };
	char *env[] = { env_home,	  env_state,	    env_path,	 env_root_path,
			env_marker,	  "TERM=xterm-256color", "LC_ALL=C.UTF-8", "NO_COLOR=",
			"XDG_CACHE_HOME=", NULL };
	return vt_spawn(t, 24, 80, argv, env);
}

static bool quit_wizard(struct vt *t)
{
	vt_char(t, 'q');
	EXPECT("Quit ratos-setup?");
	vt_char(t, 'y');
	int rc = vt_wait_exit(t, WAIT_MS);
	CHECK(rc == 0, "the wizard quits with 0 (got %d)", rc);
	return true;
}

static bool file_has(const char *path, const char *text)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strstr(buf, text) != NULL;
}

/* CLI as a script would run it: exit code, stderr in root/err. */
static int cli(const char *args)
{
	return sh("'%s' --boards-dir '%s' %s </dev/null >'%s/out' 2>'%s/err'", bin, boards, args,
		  root, root);
}

/* A second wizard on another terminal is told who runs and quits on Enter;
 * writing commands are refused, reading ones are not. */
static bool scenario_second_instance(struct vt *t)
{
	CHECK(start(t, "--reset"), "spawn");
	EXPECT("Enter start");
	char who[96], errf[96], logf[96];
	snprintf(who, sizeof(who), "PID %ld on /dev/pts/", (long)t->pid);
	snprintf(errf, sizeof(errf), "%s/err", root);
	snprintf(logf, sizeof(logf), "%s/cli.log", root);

	struct vt second = { 0 };
	struct vt *first = t;
	t = &second;
	CHECK(start(t, NULL), "spawn the second");
	EXPECT("ratos-setup is already running:");
	EXPECT(who);
	EXPECT("(wizard, since");
	EXPECT("Press Enter to quit.");
	vt_key(t, VTERM_KEY_ENTER);
	int rc = vt_wait_exit(t, WAIT_MS);
	CHECK(rc == 3, "the second wizard exits 3 (got %d)", rc);
	CHECK(!t->altscreen, "the second never took over the screen");
	close_vt(t);
	t = first;

	/* Writing commands: refused with exit 3, naming the wizard. */
	char args[512];
	snprintf(args, sizeof(args),
		 "--log-file '%s' sdcard write --board btt-octopus-pro-429 --device '%s/card.img' "
		 "--yes",
		 logf, root);
	rc = cli(args);
	CHECK(rc == 3, "sdcard write while the wizard runs exits 3 (got %d)", rc);
	CHECK(file_has(errf, "ratos-setup: another ratos-setup is busy: "), "says it is busy");
	CHECK(file_has(errf, who) && file_has(errf, "(wizard, since"), "names the wizard");
	CHECK(file_has(errf, "Nothing was changed."), "says nothing changed");
	CHECK(file_has(logf, "lock held by PID") && file_has(logf, "exit 3"), "and logs it");
	snprintf(args, sizeof(args), "sdcard format --device '%s/card.img' --confirm '%s/card.img'",
		 root, root);
	CHECK(cli(args) == 3, "sdcard format is refused too");
	CHECK(cli("build btt-octopus-pro-429 --klipper /nonexistent") == 3, "build is refused");
	/* Reading commands do not wait for anyone. */
	CHECK(cli("boards") == 0, "boards runs beside the wizard");
	snprintf(args, sizeof(args), "sdcard check --board btt-octopus-pro-429 --device '%s/card.img'",
		 root);
	rc = cli(args);
	CHECK(rc != 3, "sdcard check is not refused (got %d)", rc);

	if (!quit_wizard(t))
		return false;
	/* Once the wizard is gone the same write gets past the lock (and then
	 * fails for want of a card image). */
	snprintf(args, sizeof(args),
		 "sdcard write --board btt-octopus-pro-429 --device '%s/card.img' --yes", root);
	rc = cli(args);
	CHECK(rc != 3 && rc != 0, "after the wizard, not refused (got %d)", rc);
	CHECK(!file_has(errf, "another ratos-setup is busy"), "no busy message");
	return true;
}

/* A holder killed with SIGKILL ran no clean-up: the next one starts anyway. */
static bool scenario_killed_holder(struct vt *t)
{
	CHECK(start(t, "--reset"), "spawn");
	EXPECT("Enter start");
	pid_t old = t->pid;
	kill(old, SIGKILL);
	CHECK(vt_wait_exit(t, WAIT_MS) == 128 + SIGKILL, "killed");
	close_vt(t);
	char lock[160], rec[64];
	snprintf(lock, sizeof(lock), "%s/ratos-setup.lock", state_dir);
	snprintf(rec, sizeof(rec), "pid %ld\n", (long)old);
	CHECK(file_has(lock, rec), "the killed one's record is still there");
	CHECK(start(t, NULL), "spawn again");
	EXPECT("Enter start");
	CHECK(!vt_has(t, "already running"), "not refused");
	return quit_wizard(t);
}

/* The recorded holder is gone but something it left holds the lock: the
 * wizard offers to take over; Enter quits, t takes over. */
static bool scenario_take_over(struct vt *t)
{
	char lock[160];
	snprintf(lock, sizeof(lock), "%s/ratos-setup.lock", state_dir);
	/* A PID that surely ran and ended: a child we reaped. */
	pid_t dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	FILE *f = fopen(lock, "w");
	CHECK(f, "write a record");
	fprintf(f, "pid %ld\ntty /dev/pts/99\ncommand wizard\nsince 2026-01-01T00:00:00Z\n",
		(long)dead);
	fclose(f);
	/* The leftover: holds the lock, reports when it does. */
	int ready[2];
	CHECK(pipe(ready) == 0, "pipe");
	pid_t leftover = fork();
	if (leftover == 0) {
		int fd = open(lock, O_RDONLY);
		char c = fd >= 0 && flock(fd, LOCK_EX) == 0 ? 'y' : 'n';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	char c = 'n';
	close(ready[1]);
	CHECK(read(ready[0], &c, 1) == 1 && c == 'y', "the leftover holds the lock");
	close(ready[0]);
	char who[64];
	snprintf(who, sizeof(who), "PID %ld on /dev/pts/99", (long)dead);
	for (int attempt = 0; attempt < 2; attempt++) {
		CHECK(start(t, NULL), "spawn");
		EXPECT("no longer runs");
		EXPECT(who);
		EXPECT("[t] take over, [q] quit (default):");
		if (attempt == 0) {
			vt_key(t, VTERM_KEY_ENTER);
			int rc = vt_wait_exit(t, WAIT_MS);
			CHECK(rc == 3, "Enter quits with 3 (got %d)", rc);
			close_vt(t);
			continue;
		}
		vt_type(t, "t\r");
		EXPECT("Enter start");
	}
	bool ok = quit_wizard(t);
	kill(leftover, SIGKILL);
	waitpid(leftover, NULL, 0);
	return ok;
}

static bool first_boot_prompt(struct vt *t)
{
	CHECK(start(t, "--first-boot"), "spawn");
	EXPECT("set up your printer's controller board now?");
	EXPECT("Your choice [Enter/l/n]:");
	return true;
}

/* Later asks again, never writes the marker, and a marker means silence. */
static bool scenario_first_boot_later_never(struct vt *t)
{
	unlink(marker);
	if (!first_boot_prompt(t))
		return false;
	vt_type(t, "l\r");
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "later exits 0");
	CHECK(access(marker, F_OK) != 0, "later leaves no marker");
	close_vt(t);

	if (!first_boot_prompt(t))
		return false;
	vt_type(t, "n\r");
	EXPECT("Not asked again.");
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "never exits 0");
	CHECK(file_has(marker, "never ask again"), "never writes the marker");
	close_vt(t);

	CHECK(start(t, "--first-boot"), "spawn with the marker");
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "exits 0 at once");
	vt_settle(t, 20);
	CHECK(!vt_has(t, "set up your printer"), "asks nothing");
	CHECK(t->bytes == 0, "prints nothing (%zu bytes)", t->bytes);
	return true;
}

/* Quitting the wizard is not finishing it: asked again next time. */
static bool scenario_first_boot_quit(struct vt *t)
{
	unlink(marker);
	if (!first_boot_prompt(t))
		return false;
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Enter start");
	if (!quit_wizard(t))
		return false;
	EXPECT("ratos-setup will ask again at the next boot or SSH login");
	CHECK(access(marker, F_OK) != 0, "quitting leaves no marker");
	return true;
}

/* Through to the end (a USB board, built with the fake toolchain): the
 * marker is written and the next --first-boot starts nothing. */
static bool scenario_first_boot_finish(struct vt *t)
{
	unlink(marker);
	CHECK(sh("rm -rf '%s/home/klipper' && cp -r '%s' '%s/home/klipper'", root, fake_klipper,
		 root) == 0,
	      "Klipper tree");
	if (!first_boot_prompt(t))
		return false;
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Enter start");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Controller board");
	vt_type(t, "v1.1");
	EXPECT("> Octopus V1.1 F446");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Endstop cables");
	vt_char(t, 'y');
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Summary");
	vt_key(t, VTERM_KEY_ENTER);
	EXPECT("Build firmware");
	vt_key(t, VTERM_KEY_ENTER);
	/* A real make of the fake tree: seconds on a busy machine. */
	CHECK(vt_wait(t, "Firmware built in", 90000), "the firmware is built");
	EXPECT("Enter next");
	vt_key(t, VTERM_KEY_ENTER);
	/* The last step for a USB board: its routes; n (next) ends the wizard. */
	EXPECT("Flash firmware");
	EXPECT("1. USB (Klipper's make flash)");
	EXPECT("n next step");
	CHECK(access(marker, F_OK) != 0, "no marker before the end");
	vt_char(t, 'n');
	int rc = vt_wait_exit(t, WAIT_MS);
	CHECK(rc == 0, "finishing exits 0 (got %d)", rc);
	CHECK(file_has(marker, "finished"), "finishing writes the marker");
	close_vt(t);

	CHECK(start(t, "--first-boot"), "spawn after finishing");
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "exits 0 at once");
	CHECK(t->bytes == 0, "starts nothing");
	return true;
}

/* What the runs above left in the default log (no ~/printer_data/logs here:
 * the state directory). */
static bool scenario_log(struct vt *t)
{
	char log[160];
	snprintf(log, sizeof(log), "%s/ratos-setup.log", state_dir);
	CHECK(file_has(log, "start ratos-setup 0.1.0: --boards-dir"), "each start with its argv");
	CHECK(file_has(log, "wizard step: board"), "each step");
	CHECK(file_has(log, "wizard finished"), "the wizard's end");
	CHECK(file_has(log, "): make -C "), "each command with its argv");
	CHECK(file_has(log, " olddefconfig\n"), "with all of it");
	CHECK(file_has(log, "exited with 0"), "and its result");
	CHECK(file_has(log, "first boot: marked done (finished)"), "first-boot decisions");
	CHECK(file_has(log, "lock held by PID"), "refusals");
	CHECK(file_has(log, "took over the lock from PID"), "take-overs");
	CHECK(file_has(log, "exit 3"), "exit codes");
	(void)t;
	return true;
}

/* The profile.d snippet, sourced by a shell in a pty: /bin/bash or /bin/sh
 * (dash), interactive or not; body runs around the sourcing. */
static bool snippet_case(struct vt *t, const char *shell, bool interactive, const char *body,
			 bool ssh, const char *extra_env, bool offers)
{
	char script[1024], bindir[512];
	snprintf(script, sizeof(script), body, snippet);
	snprintf(bindir, sizeof(bindir), "%s", bin);
	*strrchr(bindir, '/') = '\0';
	char path[4096 + 600];
	snprintf(path, sizeof(path), "PATH=%s:%s", bindir, env_path + 5);
	char *argv[8];
	int n = 0;
	argv[n++] = (char *)shell;
	if (strcmp(shell, "/bin/bash") == 0) {
		argv[n++] = "--norc";
		argv[n++] = "--noprofile";
	}
	if (interactive)
		argv[n++] = "-i";
	argv[n++] = "-c";
	argv[n++] = script;
	argv[n] = NULL;
	char *env[] = { env_home,
			env_state,
			path,
			env_marker,
			"TERM=xterm-256color",
			"LC_ALL=C.UTF-8",
			ssh ? "SSH_CONNECTION=192.0.2.7 50022 192.0.2.1 22" : "SSH_CLIENT_NONE=1",
			(char *)extra_env,
			NULL };
	CHECK(vt_spawn(t, 24, 80, argv, env), "spawn %s", shell);
	if (offers) {
		EXPECT("set up your printer's controller board now?");
		vt_type(t, "l\r");
		EXPECT("Asked again next time.");
	}
	EXPECT("snippet-done");
	CHECK(offers == vt_has(t, "set up your printer"), "%s -%s %s: offered %s", shell,
	      interactive ? "i" : "", body, offers ? "once" : "never");
	CHECK(vt_wait_exit(t, WAIT_MS) == 0, "the shell exits 0");
	return true;
}

/* Offered at an interactive SSH login only: never in `ssh host cmd` or scp
 * (not interactive), sftp (no shell at all), without a terminal, outside
 * SSH, a second time in one session, or once the marker exists. */
static bool scenario_login_snippet(struct vt *t)
{
	unlink(marker);
	const char *plain = ". '%s'; echo snippet-done";
	bool ok = snippet_case(t, "/bin/bash", true, plain, true, "X=1", true);
	close_vt(t);
	ok = ok && snippet_case(t, "/bin/sh", true, plain, true, "X=1", true);
	close_vt(t);
	ok = ok && snippet_case(t, "/bin/bash", false, plain, true, "X=1", false);
	close_vt(t);
	ok = ok && snippet_case(t, "/bin/sh", false, plain, true, "X=1", false);
	close_vt(t);
	ok = ok && snippet_case(t, "/bin/bash", true, plain, false, "X=1", false);
	close_vt(t);
	ok = ok && snippet_case(t, "/bin/bash", true, plain, true, "RATOS_SETUP_OFFERED=1", false);
	close_vt(t);
	ok = ok && snippet_case(t, "/bin/bash", true, "exec </dev/null; . '%s'; echo snippet-done", true,
				"X=1", false);
	close_vt(t);
	ok = ok && snippet_case(t, "/bin/bash", true, "{ . '%s'; } | cat; echo snippet-done", true,
				"X=1", false);
	close_vt(t);
	/* A nested login shell in the same session is not asked again. */
	ok = ok && snippet_case(t, "/bin/bash", true,
				". '%1$s'; bash --norc --noprofile -i -c \". '%1$s'\"; echo snippet-done",
				true, "X=1", true);
	close_vt(t);
	CHECK(ok, "snippet cases");
	CHECK(sh("touch '%s'", marker) == 0, "marker");
	bool quiet = snippet_case(t, "/bin/bash", true, plain, true, "X=1", false);
	unlink(marker);
	return quiet;
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: instance_test BIN BOARDS_DIR FAKE_KLIPPER FAKE_BIN SNIPPET\n");
		return 2;
	}
	/* Absolute: the fake toolchain goes on PATH and make changes directory. */
	bin = realpath(argv[1], NULL);
	boards = realpath(argv[2], NULL);
	fake_klipper = realpath(argv[3], NULL);
	fake_bin = realpath(argv[4], NULL);
	snippet = realpath(argv[5], NULL);
	if (!bin || !boards || !fake_klipper || !fake_bin || !snippet) {
		fprintf(stderr, "instance_test: a path given does not exist\n");
		return 2;
	}
	harness_name = "instance_test.c";
	setvbuf(stdout, NULL, _IOLBF, 0);
	term = "xterm-256color";
	snprintf(root, sizeof(root), "/tmp/rs-inst-XXXXXX");
	if (!mkdtemp(root))
		return 1;
	char home[96];
	snprintf(home, sizeof(home), "%s/home", root);
	snprintf(marker, sizeof(marker), "%s/first-boot-done", root);
	snprintf(state_dir, sizeof(state_dir), "%s/state/ratos-setup", home);
	snprintf(env_home, sizeof(env_home), "HOME=%s", home);
	snprintf(env_state, sizeof(env_state), "XDG_STATE_HOME=%s/state", home);
	snprintf(env_marker, sizeof(env_marker), "RATOS_SETUP_FIRST_BOOT_MARKER=%s", marker);
	const char *path = getenv("PATH");
	snprintf(env_path, sizeof(env_path), "PATH=%s:%s", fake_bin, path ? path : "/usr/bin:/bin");
	snprintf(env_root_path, sizeof(env_root_path), "RATOS_SETUP_ROOT_PATH=%s", env_path + 5);
	setenv("RATOS_SETUP_ROOT_PATH", env_path + 5, 1);
	if (sh("mkdir -p '%s'", home) != 0)
		return 1;
	/* The CLI runs through sh() see the same world. */
	setenv("HOME", home, 1);
	setenv("XDG_STATE_HOME", env_state + strlen("XDG_STATE_HOME="), 1);
	unsetenv("SUDO_USER");

	struct {
		const char *name;
		bool (*run)(struct vt *t);
	} const all[] = {
		{ "second-instance", scenario_second_instance },
		{ "killed-holder", scenario_killed_holder },
		{ "take-over", scenario_take_over },
		{ "first-boot-later-never", scenario_first_boot_later_never },
		{ "first-boot-quit", scenario_first_boot_quit },
		{ "first-boot-finish", scenario_first_boot_finish },
		{ "log", scenario_log },
		{ "login-snippet", scenario_login_snippet },
	};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		struct vt t = { 0 };
		bool ok = all[i].run(&t);
		close_vt(&t);
		printf("%s %s\n", ok ? "PASS" : "FAIL", all[i].name);
	}
	if (sh("rm -rf '%s'", root) != 0)
		failures++;
	return failures ? 1 : 0;
}
