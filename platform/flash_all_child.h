/* `ratos-setup flash --all` run by the wizard: our own binary as a child on
 * the job engine (a one-step table), so the wizard shows the very pass the
 * command line runs: builds first, Klipper stopped once, every MCU by its
 * route, Klipper started once, also after a failure or a stop. The child
 * is the wizard's second instance by design, so the wizard hands on its
 * ratos-setup.lock (platform/instance_lock.h, RS_LOCK_FD_ENV). Under sudo
 * the child starts as root and, as every ratos-setup does, acts as the user
 * for the user's files; only the service and the devices need root. */
#ifndef RS_PLATFORM_FLASH_ALL_CHILD_H
#define RS_PLATFORM_FLASH_ALL_CHILD_H

#include <stdbool.h>

#include "core/board.h"
#include "platform/job.h"

/* A stopped pass starts Klipper again before it exits: SIGTERM, and SIGKILL
 * only after this long (the engine's default 2 s would cut the start). */
#define RS_FLASH_ALL_KILL_GRACE_MS 30000

struct rs_flash_all_child {
	bool dry_run;            /* the plan only (--dry-run), else --yes */
	const char *boards_dir;  /* --boards-dir, or NULL */
	const char *klipper_dir; /* --klipper, or NULL */
	int lock_fd;             /* ratos-setup.lock held exclusively, or -1 */
	/* While and after it runs. */
	struct rs_strv results; /* the lines under "Result:", one per MCU */
	int exit_code;          /* -1 until it ended by itself */
	bool klipper_down;      /* it said Klipper could not be started again */
	/* Private. */
	bool in_results;
	int keep_fd[1];
	char lock_env[64];
	const char *env_add[2];
};

/* Ready to run; lock_fd -1. */
void rs_flash_all_child_init(struct rs_flash_all_child *c, bool dry_run);
/* The job (rs_job_start, rs_job_attach), with o's output callback and the
 * long kill grace. */
struct rs_job *rs_flash_all_child_job(struct rs_flash_all_child *c, const struct rs_job_opts *o);
/* Forgets what the last run said. */
void rs_flash_all_child_reset(struct rs_flash_all_child *c);
/* Flashing stops and starts the Klipper service: root only (sudo counts). */
bool rs_flash_all_child_may_flash(void);

#endif
