/* Inside the firmware build: the steps that check the tree, toolchain and
 * directories (fwbuild_steps.c), expand and check the config
 * (fwbuild_steps.c, fwbuild_config.c), count and compile (fwbuild_steps.c).
 * Step functions for the table in fwbuild.c; they only read and fill the
 * build's context and never call the driver or the engine. Not for other
 * modules. */
#ifndef RS_PLATFORM_FWBUILD_STEPS_H
#define RS_PLATFORM_FWBUILD_STEPS_H

#include "platform/fwbuild_ctx.h"

struct rs_job_verdict rs_fwb_check_tree(void *c, struct rs_job_progress *p);
struct rs_job_verdict rs_fwb_check_toolchain(void *c, struct rs_job_progress *p);
/* Not a check-only run: directories are made and files written. */
bool rs_fwb_writes_wanted(const void *c);
struct rs_job_verdict rs_fwb_prepare_dirs(void *c, struct rs_job_progress *p);

/* Writes the fragment to board.config.new (the step that opens the log). */
struct rs_job_verdict rs_fwb_write_config(void *c, struct rs_job_progress *p);
bool rs_fwb_olddefconfig_argv(void *c, struct rs_strv *argv, struct rs_proc_opts *o,
			      struct rs_status *f);
struct rs_job_verdict rs_fwb_olddefconfig_done(void *c, int code);
/* fwbuild_config.c: survival check, board.config, stale-output guard. */
struct rs_job_verdict rs_fwb_check_config(void *c, struct rs_job_progress *p);

/* on_line of a step whose output only needs remembering for a failure. */
void rs_fwb_output_line(void *c, const char *line, struct rs_job_progress *p);

bool rs_fwb_count_argv(void *c, struct rs_strv *argv, struct rs_proc_opts *o,
		       struct rs_status *f);
void rs_fwb_count_line(void *c, const char *line, struct rs_job_progress *p);
struct rs_job_verdict rs_fwb_count_done(void *c, int code);
struct rs_job_verdict rs_fwb_plan_compile(void *c, struct rs_job_progress *p);
struct rs_job_verdict rs_fwb_compiler_cache(void *c, struct rs_job_progress *p);
bool rs_fwb_compile_argv(void *c, struct rs_strv *argv, struct rs_proc_opts *o,
			 struct rs_status *f);
void rs_fwb_compile_line(void *c, const char *line, struct rs_job_progress *p);
struct rs_job_verdict rs_fwb_compile_done(void *c, int code);
struct rs_job_verdict rs_fwb_write_stamp(void *c, struct rs_job_progress *p);

/* Finally: board.config.new never outlives the build. */
struct rs_job_verdict rs_fwb_cleanup(void *c, struct rs_job_progress *p);

#endif
