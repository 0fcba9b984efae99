#include "platform/mcu_jobs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "platform/paths.h"

enum { MCU_JOB_FAILED = 1 };

char *rs_katapult_find_tool(const char *home)
{
	static const char *const rel[] = { "katapult/scripts/flashtool.py",
					   "CanBoot/scripts/flashtool.py",
					   "CanBoot/scripts/flash_can.py" };
	for (size_t i = 0; home && i < sizeof(rel) / sizeof(rel[0]); i++) {
		char *p = rs_xasprintf("%s/%s", home, rel[i]);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			return p;
		free(p);
	}
	return NULL;
}

bool rs_net_interface_exists(const char *sys_net, const char *name)
{
	if (!name || !*name || strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return false;
	char *p = rs_xasprintf("%s/%s", sys_net ? sys_net : "/sys/class/net", name);
	struct stat st;
	bool ok = stat(p, &st) == 0;
	free(p);
	return ok;
}

/* ---- Katapult ---- */

static const char *iface(const struct rs_katapult_ctx *c)
{
	return c->interface ? c->interface : RS_CAN_INTERFACE;
}

static bool on_can(const void *vctx)
{
	const struct rs_katapult_ctx *c = vctx;
	return c->uuid && !c->device;
}

static bool request_wanted(const void *vctx)
{
	const struct rs_katapult_ctx *c = vctx;
	return on_can(c) && c->request_first;
}

static struct rs_job_verdict check_can(void *vctx, struct rs_job_progress *p)
{
	(void)p;
	struct rs_katapult_ctx *c = vctx;
	if (rs_net_interface_exists(c->sys_net, iface(c)))
		return rs_job_next();
	return rs_job_fail(MCU_JOB_FAILED,
			   "Set up the CAN interface as Klipper's CANBUS document says (an "
			   "interfaces.d file for can0 at the bus's bitrate), then run this again.",
			   "CAN is not set up: there is no %s network interface", iface(c));
}

static const char *describe_check_can(const void *vctx)
{
	(void)vctx;
	return "the CAN interface (" RS_CAN_INTERFACE ") exists";
}

static struct rs_job_verdict check_tool(void *vctx, struct rs_job_progress *p)
{
	(void)p;
	struct rs_katapult_ctx *c = vctx;
	if (c->tool && access(c->tool, R_OK) == 0)
		return rs_job_next();
	return rs_job_fail(MCU_JOB_FAILED,
			   "Put Katapult's checkout in your home: git clone "
			   "https://github.com/Arksine/katapult ~/katapult",
			   "Katapult's flashtool.py was not found (~/katapult/scripts, "
			   "~/CanBoot/scripts)");
}

static const char *describe_check_tool(const void *vctx)
{
	const struct rs_katapult_ctx *c = vctx;
	return c->tool ? "Katapult's flashtool.py is there"
		       : "Katapult's flashtool.py is there (not found now: ~/katapult/scripts)";
}

static void tool_argv(const struct rs_katapult_ctx *c, struct rs_strv *argv)
{
	rs_strv_push(argv, c->python ? c->python : "python3");
	rs_strv_push(argv, c->tool ? c->tool : "~/katapult/scripts/flashtool.py");
}

static bool request_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
			 struct rs_status *fail)
{
	(void)po;
	(void)fail;
	struct rs_katapult_ctx *c = vctx;
	tool_argv(c, argv);
	rs_strv_push(argv, "-i");
	rs_strv_push(argv, iface(c));
	rs_strv_push(argv, "-u");
	rs_strv_push(argv, c->uuid);
	rs_strv_push(argv, "-r");
	return true;
}

static bool settle_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
			struct rs_status *fail)
{
	(void)vctx;
	(void)po;
	(void)fail;
	/* The node leaves Klipper and starts Katapult: about a second. */
	rs_strv_push(argv, "sleep");
	rs_strv_push(argv, "2");
	return true;
}

static bool flash_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
		       struct rs_status *fail)
{
	(void)po;
	struct rs_katapult_ctx *c = vctx;
	if (!c->firmware) {
		fail->message = rs_xstrdup("no firmware to flash");
		return false;
	}
	tool_argv(c, argv);
	if (c->device) {
		rs_strv_push(argv, "-d");
		rs_strv_push(argv, c->device);
	} else {
		rs_strv_push(argv, "-i");
		rs_strv_push(argv, iface(c));
		rs_strv_push(argv, "-u");
		rs_strv_push(argv, c->uuid);
	}
	rs_strv_push(argv, "-f");
	rs_strv_push(argv, c->firmware);
	return true;
}

static struct rs_job_verdict flash_done(void *vctx, int code)
{
	struct rs_katapult_ctx *c = vctx;
	if (code == 0)
		return rs_job_next();
	return rs_job_fail(MCU_JOB_FAILED,
			   c->device ? "Unplug the board, plug it in again and run this again."
				     : "Check the node's UUID with flashtool.py -i can0 -q.",
			   "Katapult's flashtool.py failed (exit %d)", code);
}

static const struct rs_job_step katapult_steps[] = {
	{ .name = "check-can", .call = check_can, .wanted = on_can, .describe = describe_check_can },
	{ .name = "check-katapult", .call = check_tool, .describe = describe_check_tool },
	{ .name = "request-katapult", .argv = request_argv, .wanted = request_wanted },
	{ .name = "settle", .argv = settle_argv, .wanted = request_wanted, .quiet = true },
	{ .name = "flash-katapult", .argv = flash_argv, .on_exit = flash_done },
};

const struct rs_job_table rs_katapult_job = { "katapult", katapult_steps, 5, NULL, 0 };

/* ---- the Pi's own MCU ---- */

static struct rs_job_verdict host_config(void *vctx, struct rs_job_progress *p)
{
	(void)p;
	struct rs_host_mcu_ctx *c = vctx;
	snprintf(c->config_path, sizeof(c->config_path), "%s/config", c->work_dir);
	snprintf(c->out_dir, sizeof(c->out_dir), "%s/out/", c->work_dir);
	if (!rs_path_mkdirs(c->work_dir))
		return rs_job_fail(MCU_JOB_FAILED, NULL, "cannot create %s: %s", c->work_dir,
				   strerror(errno));
	char *tmp = rs_xasprintf("%s.new", c->config_path);
	FILE *f = fopen(tmp, "w");
	bool ok = f && fputs("CONFIG_LOW_LEVEL_OPTIONS=y\nCONFIG_MACH_LINUX=y\n", f) >= 0;
	ok = f && fclose(f) == 0 && ok;
	ok = ok && rename(tmp, c->config_path) == 0;
	int err = errno;
	if (!ok)
		unlink(tmp);
	free(tmp);
	if (!ok)
		return rs_job_fail(MCU_JOB_FAILED, NULL, "cannot write %s: %s", c->config_path,
				   strerror(err));
	return rs_job_next();
}

static const char *describe_host_config(const void *vctx)
{
	(void)vctx;
	return "write the linux target's config (CONFIG_MACH_LINUX=y)";
}

static void make_argv(struct rs_host_mcu_ctx *c, struct rs_strv *argv, struct rs_proc_opts *po,
		      const char *target)
{
	if (!c->config_path[0]) { /* a plan: the paths the config step sets */
		snprintf(c->config_path, sizeof(c->config_path), "%s/config", c->work_dir);
		snprintf(c->out_dir, sizeof(c->out_dir), "%s/out/", c->work_dir);
	}
	po->cwd = c->klipper_dir;
	rs_strv_push(argv, "make");
	char *s = rs_xasprintf("KCONFIG_CONFIG=%s", c->config_path);
	rs_strv_push(argv, s);
	free(s);
	s = rs_xasprintf("OUT=%s", c->out_dir);
	rs_strv_push(argv, s);
	free(s);
	if (target)
		rs_strv_push(argv, target);
}

static bool olddefconfig_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
			      struct rs_status *fail)
{
	(void)fail;
	make_argv(vctx, argv, po, "olddefconfig");
	return true;
}

static bool compile_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
			 struct rs_status *fail)
{
	(void)fail;
	struct rs_host_mcu_ctx *c = vctx;
	make_argv(c, argv, po, NULL);
	char *j = rs_xasprintf("-j%u", c->jobs ? c->jobs : 1);
	rs_strv_push(argv, j);
	free(j);
	return true;
}

static bool install_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
			 struct rs_status *fail)
{
	(void)fail;
	make_argv(vctx, argv, po, "flash");
	return true;
}

static struct rs_job_verdict install_done(void *vctx, int code)
{
	(void)vctx;
	if (code == 0)
		return rs_job_next();
	return rs_job_fail(MCU_JOB_FAILED,
			   "Klipper's make flash for the linux target runs sudo "
			   "scripts/flash-linux.sh: it needs sudo without a password, or run "
			   "ratos-setup with sudo.",
			   "installing the host MCU failed (exit %d)", code);
}

static const struct rs_job_step host_steps[] = {
	{ .name = "config", .call = host_config, .describe = describe_host_config },
	{ .name = "olddefconfig", .argv = olddefconfig_argv },
	{ .name = "compile", .argv = compile_argv },
	{ .name = "install", .argv = install_argv, .on_exit = install_done },
};

const struct rs_job_table rs_host_mcu_job = { "host-mcu", host_steps, 4, NULL, 0 };
