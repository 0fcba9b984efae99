/* The firmware build as one step table on the job engine. This file only
 * names the steps, runs the table and turns the job's result into the
 * build's; what each step does is in fwbuild_steps.c, fwbuild_config.c,
 * fwbuild_version.c and fwinstall.c, which never call back here. */
#include "platform/fwbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "platform/fwbuild_ctx.h"
#include "platform/fwbuild_steps.h"
#include "platform/fwbuild_version.h"
#include "platform/fwinstall.h"
#include "platform/job.h"

/* Step names are what the build log, the app log and a failed build's
 * "failed_step" say. */
static const struct rs_job_step steps[] = {
	{ .name = "tree", .call = rs_fwb_check_tree },
	{ .name = "toolchain", .call = rs_fwb_check_toolchain },
	{ .name = "dirs", .call = rs_fwb_prepare_dirs, .wanted = rs_fwb_writes_wanted },
	{ .name = "git-head", .argv = rs_fwb_head_argv, .on_line = rs_fwb_git_line,
	  .on_exit = rs_fwb_head_done, .wanted = rs_fwb_git_wanted },
	{ .name = "git-status", .argv = rs_fwb_status_argv, .on_line = rs_fwb_git_line,
	  .on_exit = rs_fwb_status_done, .wanted = rs_fwb_git_wanted },
	{ .name = "commit-cache", .call = rs_fwb_commit_cache, .wanted = rs_fwb_describe_wanted },
	{ .name = "git-describe", .argv = rs_fwb_describe_argv, .on_line = rs_fwb_git_line,
	  .on_exit = rs_fwb_describe_done, .wanted = rs_fwb_describe_wanted },
	{ .name = "version", .call = rs_fwb_version },
	{ .name = "version-cache", .call = rs_fwb_version_cache },
	{ .name = "write-config", .call = rs_fwb_write_config, .opens_log = true },
	{ .name = "olddefconfig", .argv = rs_fwb_olddefconfig_argv, .on_line = rs_fwb_output_line,
	  .on_exit = rs_fwb_olddefconfig_done },
	{ .name = "check-config", .call = rs_fwb_check_config },
	{ .name = "count", .argv = rs_fwb_count_argv, .on_line = rs_fwb_count_line,
	  .on_exit = rs_fwb_count_done, .quiet = true },
	{ .name = "plan-compile", .call = rs_fwb_plan_compile },
	{ .name = "compiler-cache", .call = rs_fwb_compiler_cache },
	{ .name = "compile", .argv = rs_fwb_compile_argv, .on_line = rs_fwb_compile_line,
	  .on_exit = rs_fwb_compile_done },
	{ .name = "stamp", .call = rs_fwb_write_stamp },
	{ .name = "install", .call = rs_fwb_install },
};
static const struct rs_job_step finally[] = {
	{ .name = "cleanup", .call = rs_fwb_cleanup },
};
static const struct rs_job_table table = {
	"build", steps, sizeof(steps) / sizeof(steps[0]), finally, 1,
};

/* Which of the build's public steps each table step belongs to. */
static const struct {
	const char *name;
	enum rs_fwbuild_step step;
} phases[] = {
	{ "git-head", RS_FWB_VERSION },      { "git-status", RS_FWB_VERSION },
	{ "commit-cache", RS_FWB_VERSION },  { "git-describe", RS_FWB_VERSION },
	{ "version", RS_FWB_VERSION },       { "version-cache", RS_FWB_VERSION },
	{ "write-config", RS_FWB_CONFIG },   { "olddefconfig", RS_FWB_CONFIG },
	{ "check-config", RS_FWB_CONFIG },   { "count", RS_FWB_COUNT },
	{ "plan-compile", RS_FWB_COUNT },    { "compiler-cache", RS_FWB_COUNT },
	{ "compile", RS_FWB_COMPILE },
	{ "stamp", RS_FWB_INSTALL },         { "install", RS_FWB_INSTALL },
};

struct rs_fwbuild {
	struct rs_fwb_ctx ctx;
	struct rs_job *job;
	bool concluded; /* the job's result is in ctx.res */
	void (*on_line)(void *data, const char *line);
	void *data;
	bool (*changed)(void *data); /* on a loop */
	void *changed_data;
};

static void output(void *data, const char *line)
{
	struct rs_fwbuild *fb = data;
	if (fb->on_line)
		fb->on_line(fb->data, line);
}

struct rs_fwbuild *rs_fwbuild_new(const struct rs_board *board, const struct rs_fwbuild_opts *opts)
{
	struct rs_fwbuild *fb = rs_xcalloc(1, sizeof(*fb));
	rs_fwb_ctx_init(&fb->ctx, board, opts);
	fb->on_line = opts->on_line;
	fb->data = opts->ctx;
	struct rs_job_opts jo = { .log_path = fb->ctx.log_path, .on_output = output, .data = fb };
	fb->job = rs_job_new(&table, &fb->ctx, &jo);
	return fb;
}

static enum rs_fwbuild_fail fail_of(int code)
{
	if (code == RS_JOB_CANCELLED_CODE)
		return RS_FWF_CANCELLED;
	if (code > RS_FWF_NONE && code < RS_FWF_CANCELLED)
		return (enum rs_fwbuild_fail)code;
	return RS_FWF_SPAWN; /* the engine's own: a program could not be started */
}

/* The job is over: its result becomes the build's. */
static void conclude(struct rs_fwbuild *fb)
{
	if (fb->concluded || !rs_job_finished(fb->job))
		return;
	fb->concluded = true;
	const struct rs_job_result *jr = rs_job_result(fb->job);
	struct rs_fwbuild_result *r = &fb->ctx.res;
	r->seconds = jr->seconds;
	switch (jr->state) {
	case RS_JOB_SUCCEEDED:
		r->step = fb->ctx.outcome == RS_FWB_OUT_UP_TO_DATE ? RS_FWB_UP_TO_DATE
			  : fb->ctx.outcome == RS_FWB_OUT_NOT_BUILT ? RS_FWB_NOT_BUILT
								     : RS_FWB_DONE;
		break;
	case RS_JOB_CANCELLED:
		r->step = RS_FWB_CANCELLED;
		r->fail = RS_FWF_CANCELLED;
		r->message = rs_xasprintf("build cancelled; %s was not changed", r->firmware_path);
		break;
	default:
		r->step = RS_FWB_FAILED;
		r->fail = fail_of(jr->status.code);
		r->message = rs_xstrdup(jr->status.message ? jr->status.message : "build failed");
		if (jr->status.hint)
			r->hint = rs_xstrdup(jr->status.hint);
		else if (r->fail == RS_FWF_SPAWN)
			r->hint = rs_xstrdup("check that make and git are installed and on PATH");
		break;
	}
	if (!jr->log_written) {
		/* No log was written for this run; do not point at an old one. */
		free(r->log_path);
		r->log_path = NULL;
	}
}

bool rs_fwbuild_start(struct rs_fwbuild *fb)
{
	rs_job_start(fb->job);
	conclude(fb);
	return !rs_fwbuild_finished(fb);
}

int rs_fwbuild_fd(const struct rs_fwbuild *fb)
{
	return rs_job_fd(fb->job);
}

bool rs_fwbuild_finished(const struct rs_fwbuild *fb)
{
	return rs_job_finished(fb->job);
}

static enum rs_fwbuild_step current_step(const struct rs_fwbuild *fb)
{
	if (fb->concluded)
		return fb->ctx.res.step;
	if (rs_job_state(fb->job) != RS_JOB_RUNNING)
		return RS_FWB_IDLE;
	struct rs_job_progress p;
	rs_job_get_progress(fb->job, &p);
	for (size_t i = 0; p.step && i < sizeof(phases) / sizeof(phases[0]); i++)
		if (strcmp(phases[i].name, p.step) == 0)
			return phases[i].step;
	return RS_FWB_IDLE;
}

enum rs_fwbuild_step rs_fwbuild_pump(struct rs_fwbuild *fb)
{
	rs_job_pump(fb->job);
	conclude(fb);
	return current_step(fb);
}

void rs_fwbuild_get_progress(const struct rs_fwbuild *fb, struct rs_fwbuild_progress *p)
{
	const struct rs_fwb_ctx *c = &fb->ctx;
	struct rs_job_progress jp;
	rs_job_get_progress(fb->job, &jp);
	memset(p, 0, sizeof(*p));
	p->step = current_step(fb);
	p->done = c->objects_done;
	p->total = c->objects_total;
	snprintf(p->current, sizeof(p->current), "%s", c->current);
	p->elapsed = rs_job_state(fb->job) == RS_JOB_IDLE ? 0 : jp.elapsed;
	p->eta = -1;
	if (p->step == RS_FWB_COMPILE && c->objects_done > 0 &&
	    c->objects_total >= c->objects_done) {
		double per = (rs_fwb_now() - c->compile_t0) / c->objects_done;
		p->eta = per * (c->objects_total - c->objects_done);
	}
}

void rs_fwbuild_cancel(struct rs_fwbuild *fb)
{
	if (rs_fwbuild_finished(fb))
		return;
	rs_job_cancel(fb->job);
	conclude(fb);
}

/* The engine pumped the job on the loop: the build's result is settled
 * before the caller hears of it (and may free the build). */
static bool job_changed(void *data)
{
	struct rs_fwbuild *fb = data;
	conclude(fb);
	return fb->changed ? fb->changed(fb->changed_data) : true;
}

bool rs_fwbuild_attach(struct rs_fwbuild *fb, struct rs_loop *loop, bool (*changed)(void *data),
		       void *data)
{
	fb->changed = changed;
	fb->changed_data = data;
	return rs_job_attach(fb->job, loop, job_changed, fb);
}

void rs_fwbuild_detach(struct rs_fwbuild *fb)
{
	rs_job_detach(fb->job);
}

enum rs_fwbuild_step rs_fwbuild_run(struct rs_fwbuild *fb, volatile sig_atomic_t *cancel)
{
	rs_job_run(fb->job, cancel);
	conclude(fb);
	return fb->ctx.res.step;
}

const struct rs_fwbuild_result *rs_fwbuild_result(const struct rs_fwbuild *fb)
{
	return &fb->ctx.res;
}

void rs_fwbuild_free(struct rs_fwbuild *fb)
{
	if (!fb)
		return;
	rs_job_free(fb->job); /* cancels a running build: its finally steps run */
	rs_fwb_ctx_free(&fb->ctx);
	free(fb);
}

const char *rs_fwbuild_step_name(enum rs_fwbuild_step s)
{
	static const char *const names[] = {
		[RS_FWB_IDLE] = "idle",       [RS_FWB_VERSION] = "version",
		[RS_FWB_CONFIG] = "config",   [RS_FWB_COUNT] = "count",
		[RS_FWB_COMPILE] = "compile", [RS_FWB_INSTALL] = "install",
		[RS_FWB_DONE] = "built",      [RS_FWB_UP_TO_DATE] = "up-to-date",
		[RS_FWB_FAILED] = "failed",   [RS_FWB_CANCELLED] = "cancelled",
		[RS_FWB_NOT_BUILT] = "not-built",
	};
	return (size_t)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *rs_fwbuild_fail_name(enum rs_fwbuild_fail f)
{
	static const char *const names[] = {
		[RS_FWF_NONE] = "none",
		[RS_FWF_NO_TREE] = "no-tree",
		[RS_FWF_BROKEN_TREE] = "broken-tree",
		[RS_FWF_TOOLCHAIN] = "toolchain",
		[RS_FWF_WORKDIR] = "workdir",
		[RS_FWF_CONFIG] = "config",
		[RS_FWF_CONFIG_DROPPED] = "config-dropped",
		[RS_FWF_COMPILE] = "compile",
		[RS_FWF_NO_IMAGE] = "no-image",
		[RS_FWF_MCU_MISMATCH] = "mcu-mismatch",
		[RS_FWF_VERSION_MISMATCH] = "version-mismatch",
		[RS_FWF_INSTALL] = "install",
		[RS_FWF_SPAWN] = "spawn",
		[RS_FWF_CANCELLED] = "cancelled",
	};
	return (size_t)f < sizeof(names) / sizeof(names[0]) ? names[f] : "?";
}
