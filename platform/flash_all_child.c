#include "platform/flash_all_child.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/instance_lock.h"

void rs_flash_all_child_init(struct rs_flash_all_child *c, bool dry_run)
{
	memset(c, 0, sizeof(*c));
	c->dry_run = dry_run;
	c->lock_fd = -1;
	c->exit_code = -1;
}

void rs_flash_all_child_reset(struct rs_flash_all_child *c)
{
	rs_strv_free(&c->results);
	c->in_results = false;
	c->exit_code = -1;
	c->klipper_down = false;
}

bool rs_flash_all_child_may_flash(void)
{
	/* The real uid: under sudo we act as the user but are root. */
	return getuid() == 0;
}

static bool child_argv(void *ctx, struct rs_strv *argv, struct rs_proc_opts *po,
		       struct rs_status *fail)
{
	struct rs_flash_all_child *c = ctx;
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		rs_status_fail(fail, -1, NULL, "cannot find ratos-setup's own program "
			       "(/proc/self/exe); run 'sudo ratos-setup flash --all' instead");
		return false;
	}
	exe[n] = '\0';
	rs_strv_push(argv, exe);
	if (c->boards_dir) {
		rs_strv_push(argv, "--boards-dir");
		rs_strv_push(argv, c->boards_dir);
	}
	rs_strv_push(argv, "flash");
	rs_strv_push(argv, "--all");
	rs_strv_push(argv, c->dry_run ? "--dry-run" : "--yes");
	if (c->klipper_dir) {
		rs_strv_push(argv, "--klipper");
		rs_strv_push(argv, c->klipper_dir);
	}
	/* Under sudo it starts as root and switches to the user by itself. */
	po->keep_root = true;
	if (c->lock_fd > 2 && !c->dry_run) {
		c->keep_fd[0] = c->lock_fd;
		po->keep_fds = c->keep_fd;
		po->n_keep_fds = 1;
		snprintf(c->lock_env, sizeof(c->lock_env), RS_LOCK_FD_ENV "=%d", c->lock_fd);
		c->env_add[0] = c->lock_env;
		c->env_add[1] = NULL;
		po->env_add = c->env_add;
	}
	return true;
}

/* "Result:" and the indented lines after it: one per MCU. */
static void child_line(void *ctx, const char *line, struct rs_job_progress *p)
{
	struct rs_flash_all_child *c = ctx;
	snprintf(p->current, sizeof(p->current), "%s", line);
	/* cmd_flash_all.c's words when the finally step failed. */
	if (strstr(line, "Klipper could not be started again"))
		c->klipper_down = true;
	if (strcmp(line, "Result:") == 0) {
		rs_strv_free(&c->results);
		c->in_results = true;
	} else if (c->in_results && strncmp(line, "  ", 2) == 0) {
		rs_strv_push(&c->results, line + 2);
	} else {
		c->in_results = false;
	}
}

static struct rs_job_verdict child_exit(void *ctx, int code)
{
	struct rs_flash_all_child *c = ctx;
	c->exit_code = code;
	if (code == 0)
		return rs_job_next();
	return rs_job_fail(code, NULL, "ratos-setup flash --all%s ended with exit %d",
			   c->dry_run ? " --dry-run" : "", code);
}

static const struct rs_job_step steps[] = {
	{ .name = "flash-all", .argv = child_argv, .on_line = child_line, .on_exit = child_exit,
	  .keep_root = true },
};
static const struct rs_job_table table = { "flash-all", steps, 1, NULL, 0 };

struct rs_job *rs_flash_all_child_job(struct rs_flash_all_child *c, const struct rs_job_opts *o)
{
	struct rs_job_opts jo = *o;
	jo.kill_grace_ms = RS_FLASH_ALL_KILL_GRACE_MS;
	return rs_job_new(&table, c, &jo);
}
