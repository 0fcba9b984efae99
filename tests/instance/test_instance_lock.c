/* The one-instance lock between real processes: contention, the record of
 * who holds it, a SIGKILLed holder's lock being free, shared command locks
 * against the wizard's, and taking over from a holder that is gone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/instance_lock.h"

static char dir[64];

/* A child that takes the lock, reports its pid (or 0 when refused) on the
 * pipe, and holds it until killed. With orphan set it forks a grandchild
 * that inherits the lock and exits, so the recorded PID is gone while the
 * lock stays held. */
struct holder {
	pid_t pid;  /* the child */
	pid_t held; /* the PID that took the lock, as reported */
};

static void start_holder(struct holder *h, const char *resource, bool orphan)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	h->pid = fork();
	assert_true(h->pid >= 0);
	if (h->pid == 0) {
		close(p[0]);
		struct rs_lock l;
		struct rs_lock_holder who;
		struct rs_errors errs = { 0 };
		pid_t me = getpid();
		if (rs_lock_take(&l, resource, resource ? "sdcard write" : "wizard", &who, &errs) !=
		    RS_LOCK_TAKEN)
			me = 0;
		if (orphan && me) {
			pid_t g = fork();
			if (g > 0) {
				/* The grandchild's pid, so the test can stop it. */
				if (write(p[1], &g, sizeof(g)) < 0)
					_exit(1);
				_exit(0);
			}
			for (;;)
				pause();
		}
		if (write(p[1], &me, sizeof(me)) < 0)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	assert_int_equal(read(p[0], &h->held, sizeof(h->held)), (ssize_t)sizeof(h->held));
	close(p[0]);
	if (orphan)
		assert_int_equal(waitpid(h->pid, NULL, 0), h->pid);
}

static void stop(pid_t pid, bool reap)
{
	kill(pid, SIGKILL);
	if (reap)
		waitpid(pid, NULL, 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/rs-lock-XXXXXX");
	assert_non_null(mkdtemp(dir));
	setenv("XDG_STATE_HOME", dir, 1);
	unsetenv("SUDO_USER");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static enum rs_lock_result take(struct rs_lock *l, const char *resource,
				struct rs_lock_holder *who)
{
	struct rs_errors errs = { 0 };
	memset(who, 0, sizeof(*who));
	enum rs_lock_result r = rs_lock_take(l, resource, "test", who, &errs);
	if (r == RS_LOCK_ERROR)
		fail_msg("lock error: %s", errs.items[0].msg);
	return r;
}

static void test_second_wizard_is_refused_and_told_who(void **state)
{
	(void)state;
	struct holder h;
	start_holder(&h, NULL, false);
	assert_int_equal(h.held, h.pid);

	struct rs_lock l;
	struct rs_lock_holder who;
	assert_int_equal(take(&l, NULL, &who), RS_LOCK_BUSY);
	assert_int_equal(who.pid, h.pid);
	assert_false(who.gone);
	assert_string_equal(who.command, "wizard");
	assert_true(strlen(who.since) == 20); /* 2026-11-30T11:40:02Z */
	assert_true(who.tty[0] != '\0');
	char desc[512];
	rs_lock_holder_describe(&who, desc, sizeof(desc));
	char want[64];
	snprintf(want, sizeof(want), "PID %ld on ", (long)h.pid);
	assert_non_null(strstr(desc, want));
	/* Refused: nothing may be taken over from a live holder. */
	assert_false(rs_lock_take_over(&who));

	stop(h.pid, true);
	/* The holder ended (killed: no clean-up ran): the lock is free. */
	assert_int_equal(take(&l, NULL, &who), RS_LOCK_TAKEN);
	rs_lock_release(&l);
}

static void test_sigkilled_holder_leaves_a_free_lock_with_an_old_record(void **state)
{
	(void)state;
	struct holder h;
	start_holder(&h, NULL, false);
	stop(h.pid, true);
	/* Its record is still in the file: a stale record, not a held lock. */
	char path[128];
	snprintf(path, sizeof(path), "%s/ratos-setup/ratos-setup.lock", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[64] = "";
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	char want[64];
	snprintf(want, sizeof(want), "pid %ld\n", (long)h.pid);
	assert_string_equal(line, want);

	struct rs_lock l;
	struct rs_lock_holder who;
	assert_int_equal(take(&l, NULL, &who), RS_LOCK_TAKEN);
	/* Now the record is ours. */
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	snprintf(want, sizeof(want), "pid %ld\n", (long)getpid());
	assert_string_equal(line, want);
	rs_lock_release(&l);
}

static void test_commands_against_the_wizard(void **state)
{
	(void)state;
	struct holder wiz;
	start_holder(&wiz, NULL, false);
	struct rs_lock l;
	struct rs_lock_holder who;
	/* A writing command is refused while the wizard runs, and names it. */
	assert_int_equal(take(&l, "sdcard", &who), RS_LOCK_BUSY);
	assert_int_equal(who.pid, wiz.pid);
	assert_string_equal(who.command, "wizard");
	stop(wiz.pid, true);

	/* Two commands on different resources run side by side... */
	struct holder card;
	start_holder(&card, "sdcard", false);
	assert_int_equal(card.held, card.pid);
	assert_int_equal(take(&l, "build-btt-skr-3", &who), RS_LOCK_TAKEN);
	/* ...and a wizard meanwhile is refused, naming the live command. */
	struct rs_lock w;
	assert_int_equal(take(&w, NULL, &who), RS_LOCK_BUSY);
	assert_int_equal(who.pid == card.pid || who.pid == getpid(), true);
	assert_false(who.gone);
	rs_lock_release(&l);
	assert_int_equal(take(&w, NULL, &who), RS_LOCK_BUSY);
	assert_int_equal(who.pid, card.pid);
	assert_string_equal(who.command, "sdcard write");
	/* The same resource twice: refused. */
	assert_int_equal(take(&l, "sdcard", &who), RS_LOCK_BUSY);
	assert_int_equal(who.pid, card.pid);
	stop(card.pid, true);
	assert_int_equal(take(&w, NULL, &who), RS_LOCK_TAKEN);
	rs_lock_release(&w);
}

static void test_take_over_only_from_a_holder_that_is_gone(void **state)
{
	(void)state;
	struct holder h;
	start_holder(&h, NULL, true); /* h.held: the grandchild that keeps the lock */
	struct rs_lock l;
	struct rs_lock_holder who;
	assert_int_equal(take(&l, NULL, &who), RS_LOCK_BUSY);
	assert_int_equal(who.pid, h.pid);
	assert_true(who.gone);
	assert_true(rs_lock_take_over(&who));
	assert_int_equal(take(&l, NULL, &who), RS_LOCK_TAKEN);
	/* The leftover process still holds the old, unlinked file: no harm. */
	struct rs_lock again;
	assert_int_equal(take(&again, NULL, &who), RS_LOCK_BUSY);
	assert_int_equal(who.pid, getpid());
	rs_lock_release(&l);
	stop(h.held, false);
}

/* A child of ours that runs `flash --all` with fd named in RS_LOCK_FD_ENV:
 * what its rs_lock_take answers (exit 4 taken through fd, 0 taken its own
 * way, 1 busy, 2 error), and whether the variable was gone and a taken fd
 * close-on-exec afterwards (exit 3 when not). */
static int child_takes_with(int fd)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char n[16];
		snprintf(n, sizeof(n), "%d", fd);
		setenv(RS_LOCK_FD_ENV, n, 1);
		struct rs_lock l;
		struct rs_lock_holder who;
		struct rs_errors errs = { 0 };
		enum rs_lock_result r = rs_lock_take(&l, "flash-all", "flash --all", &who, &errs);
		if (getenv(RS_LOCK_FD_ENV))
			_exit(3);
		if (r == RS_LOCK_TAKEN && l.main_fd == fd)
			_exit(fcntl(fd, F_GETFD) & FD_CLOEXEC ? 4 : 3);
		_exit(r == RS_LOCK_TAKEN ? 0 : r == RS_LOCK_BUSY ? 1 : 2);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void test_the_wizard_hands_its_lock_to_its_child(void **state)
{
	(void)state;
	struct rs_lock w;
	struct rs_lock_holder who;
	assert_int_equal(take(&w, NULL, &who), RS_LOCK_TAKEN);
	/* Without the hand-over its own child is refused like anyone. */
	assert_int_equal(child_takes_with(-1), 1);
	/* With it, the child holds the lock through the wizard's open file. */
	assert_int_equal(child_takes_with(w.main_fd), 4);
	/* The wizard still holds it exclusively afterwards. */
	struct holder other;
	start_holder(&other, "sdcard", false);
	assert_int_equal(other.held, 0);
	stop(other.pid, true);
	rs_lock_release(&w);
}

static void test_a_forged_hand_over_is_ignored(void **state)
{
	(void)state;
	struct rs_lock w;
	struct rs_lock_holder who;
	assert_int_equal(take(&w, NULL, &who), RS_LOCK_TAKEN);
	char path[128];
	snprintf(path, sizeof(path), "%s/ratos-setup/ratos-setup.lock", dir);
	/* The lock file opened anew: the same file, but not the open file that
	 * holds the lock. */
	int fresh = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fresh > 2);
	assert_int_equal(child_takes_with(fresh), 1);
	/* Another file altogether. */
	int other = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_int_equal(child_takes_with(other), 1);
	/* Not a number, or stdin. */
	assert_int_equal(child_takes_with(0), 1);
	close(other);
	close(fresh);
	rs_lock_release(&w);
	/* The real lock's fd, handed on by a process that is not the holder the
	 * file records (the wizard is gone): ignored, the usual path runs and
	 * takes it shared. */
	struct holder wiz;
	start_holder(&wiz, NULL, false);
	stop(wiz.pid, true);
	int stale = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(stale > 2);
	assert_int_equal(child_takes_with(stale), 0);
	close(stale);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_second_wizard_is_refused_and_told_who, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_sigkilled_holder_leaves_a_free_lock_with_an_old_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands_against_the_wizard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_take_over_only_from_a_holder_that_is_gone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_the_wizard_hands_its_lock_to_its_child, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_a_forged_hand_over_is_ignored, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
