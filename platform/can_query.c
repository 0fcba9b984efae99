#include "platform/can_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file_read.h"
#include "core/xalloc.h"
#include "platform/mcu_jobs.h"

enum rs_can_link rs_can_link_read(const char *sys_net, const char *name)
{
	if (!rs_net_interface_exists(sys_net, name))
		return RS_CAN_LINK_MISSING;
	char *p = rs_xasprintf("%s/%s/operstate", sys_net ? sys_net : "/sys/class/net", name);
	size_t len;
	char *text = rs_file_read(p, 64, &len, NULL);
	free(p);
	/* The interface is there but says nothing: let the tools try it. */
	enum rs_can_link link = rs_can_link_from_operstate(text ? text : "unknown");
	free(text);
	return link;
}

char *rs_klipper_python(const char *home)
{
	if (home) {
		char *p = rs_xasprintf("%s/klippy-env/bin/python", home);
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return rs_xstrdup("python3");
}

char *rs_can_query_script(const char *klipper_dir)
{
	if (!klipper_dir)
		return NULL;
	char *p = rs_xasprintf("%s/scripts/canbus_query.py", klipper_dir);
	struct stat st;
	if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
		return p;
	free(p);
	return NULL;
}

static const char *iface(const struct rs_can_query_ctx *c)
{
	return c->interface ? c->interface : RS_CAN_INTERFACE;
}

static bool has_klipper_script(const void *vctx)
{
	return ((const struct rs_can_query_ctx *)vctx)->klipper_script != NULL;
}

static bool has_katapult_tool(const void *vctx)
{
	return ((const struct rs_can_query_ctx *)vctx)->katapult_tool != NULL;
}

static void python_argv(const struct rs_can_query_ctx *c, struct rs_strv *argv, const char *script)
{
	rs_strv_push(argv, c->python ? c->python : "python3");
	rs_strv_push(argv, script);
}

static bool klipper_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
			 struct rs_status *fail)
{
	(void)po;
	(void)fail;
	struct rs_can_query_ctx *c = vctx;
	c->klipper.ran = true;
	python_argv(c, argv, c->klipper_script);
	rs_strv_push(argv, iface(c));
	return true;
}

static bool katapult_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
			  struct rs_status *fail)
{
	(void)po;
	(void)fail;
	struct rs_can_query_ctx *c = vctx;
	c->katapult.ran = true;
	python_argv(c, argv, c->katapult_tool);
	rs_strv_push(argv, "-i");
	rs_strv_push(argv, iface(c));
	rs_strv_push(argv, "-q");
	return true;
}

static void take_line(struct rs_can_query_ctx *c, enum rs_can_tool tool,
		      struct rs_can_tool_run *run, const char *line)
{
	struct rs_can_node node;
	switch (rs_can_parse_line(tool, line, &node)) {
	case RS_CAN_LINE_NODE:
		rs_can_nodes_add(&c->nodes, &node);
		return;
	case RS_CAN_LINE_END:
		run->complete = true;
		return;
	case RS_CAN_LINE_OTHER:
		if (line[strspn(line, " \t")])
			snprintf(run->last_line, sizeof(run->last_line), "%s", line);
		return;
	}
}

static void klipper_line(void *vctx, const char *line, struct rs_job_progress *p)
{
	(void)p;
	struct rs_can_query_ctx *c = vctx;
	take_line(c, RS_CAN_TOOL_KLIPPER, &c->klipper, line);
}

static void katapult_line(void *vctx, const char *line, struct rs_job_progress *p)
{
	(void)p;
	struct rs_can_query_ctx *c = vctx;
	take_line(c, RS_CAN_TOOL_KATAPULT, &c->katapult, line);
}

/* A failed query is kept, not fatal: the other tool may still answer. */
static struct rs_job_verdict klipper_done(void *vctx, int code)
{
	((struct rs_can_query_ctx *)vctx)->klipper.code = code;
	return rs_job_next();
}

static struct rs_job_verdict katapult_done(void *vctx, int code)
{
	((struct rs_can_query_ctx *)vctx)->katapult.code = code;
	return rs_job_next();
}

static const struct rs_job_step can_query_steps[] = {
	{ .name = "canbus-query", .argv = klipper_argv, .wanted = has_klipper_script,
	  .on_line = klipper_line, .on_exit = klipper_done, .quiet = true },
	{ .name = "katapult-query", .argv = katapult_argv, .wanted = has_katapult_tool,
	  .on_line = katapult_line, .on_exit = katapult_done, .quiet = true },
};

const struct rs_job_table rs_can_query_job = { "can-query", can_query_steps, 2, NULL, 0 };
