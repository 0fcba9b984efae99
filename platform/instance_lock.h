/* One ratos-setup at a time where it matters: lock files in the state
 * directory, held with flock() so a killed holder's lock is free at once;
 * the holder's PID, terminal and command are written into the file so a
 * second instance can say who holds it.
 *
 * The wizard holds ratos-setup.lock exclusively. A command that writes takes
 * ratos-setup.lock shared (so it waits for no wizard and no wizard starts
 * meanwhile) and its own resource lock exclusively: "sdcard" for writing or
 * formatting cards, "build-<board>" for one board's build. */
#ifndef RS_PLATFORM_INSTANCE_LOCK_H
#define RS_PLATFORM_INSTANCE_LOCK_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/error.h"

struct rs_lock {
	int main_fd; /* ratos-setup.lock, or -1 */
	int res_fd;  /* the resource's lock, or -1 */
	bool main_exclusive; /* the wizard's: main_fd holds its record */
	char *res_path;
};

/* Who holds a lock, as written by the holder. */
struct rs_lock_holder {
	long pid;
	char tty[64];      /* "/dev/pts/3", or "no terminal" */
	char command[160]; /* "wizard", "sdcard write", "build btt-skr-3" */
	char since[32];    /* UTC, ISO 8601 */
	bool gone;         /* the PID no longer runs: the lock is held by a child it left */
	char path[512];    /* the lock file */
};

enum rs_lock_result { RS_LOCK_TAKEN, RS_LOCK_BUSY, RS_LOCK_ERROR };

/* The wizard runs `ratos-setup flash --all` as its child while it holds
 * ratos-setup.lock exclusively; the child would be refused its shared lock.
 * So the wizard hands its lock on: the locked file stays open in the child
 * and this variable names the fd. A command's rs_lock_take accepts it as its
 * hold on ratos-setup.lock only when that fd is the very lock file, the file
 * records our parent as its holder, and flock(LOCK_EX) succeeds on it (only
 * the open file that already holds the lock gets it while the wizard runs).
 * Anything else is ignored and the lock is taken as usual. The variable is
 * removed from the environment either way, and an accepted fd is made
 * close-on-exec: the child's own children get no hold on the lock. */
#define RS_LOCK_FD_ENV "RATOS_SETUP_LOCK_FD"

/* Takes the wizard's lock (resource NULL) or a command's (resource "sdcard",
 * "build-<id>"); command is what the file records. BUSY fills holder; ERROR
 * adds to errs. */
enum rs_lock_result rs_lock_take(struct rs_lock *l, const char *resource, const char *command,
				 struct rs_lock_holder *holder, struct rs_errors *errs);
/* Only for a holder that is gone: removes its lock file so the next
 * rs_lock_take gets a fresh one. false with errno set. */
bool rs_lock_take_over(const struct rs_lock_holder *holder);
/* Empties the record and releases; safe on a lock never taken. */
void rs_lock_release(struct rs_lock *l);
/* "PID 1234 on /dev/pts/3 (wizard, since 2026-11-30T11:40:02Z)" */
void rs_lock_holder_describe(const struct rs_lock_holder *h, char *buf, size_t len);

#endif
