/* Inside the firmware build: the steps that find the tree's version (git
 * HEAD, whether the tree is modified, git describe, klippy/.version) and
 * the cache checks they lead to. Step functions for the table in fwbuild.c;
 * they only read and fill the build's context. Not for other modules. */
#ifndef RS_PLATFORM_FWBUILD_VERSION_H
#define RS_PLATFORM_FWBUILD_VERSION_H

#include "platform/fwbuild_ctx.h"

/* on_line of every git step: the first line is the answer. */
void rs_fwb_git_line(void *c, const char *line, struct rs_job_progress *p);
/* git is on PATH (found by the tree check). */
bool rs_fwb_git_wanted(const void *c);
/* git rev-parse HEAD: a commit, or not a git checkout (to "version"). */
bool rs_fwb_head_argv(void *c, struct rs_strv *argv, struct rs_proc_opts *o, struct rs_status *f);
struct rs_job_verdict rs_fwb_head_done(void *c, int code);
/* git status --porcelain: whether the tree is modified. */
bool rs_fwb_status_argv(void *c, struct rs_strv *argv, struct rs_proc_opts *o,
			struct rs_status *f);
struct rs_job_verdict rs_fwb_status_done(void *c, int code);
/* HEAD is known (a git checkout): the commit cache and git describe run. */
bool rs_fwb_describe_wanted(const void *c);
/* The installed image was built from this clean commit: done, up to date. */
struct rs_job_verdict rs_fwb_commit_cache(void *c, struct rs_job_progress *p);
bool rs_fwb_describe_argv(void *c, struct rs_strv *argv, struct rs_proc_opts *o,
			  struct rs_status *f);
struct rs_job_verdict rs_fwb_describe_done(void *c, int code);
/* The tree's version from what ran before. */
struct rs_job_verdict rs_fwb_version(void *c, struct rs_job_progress *p);
/* The cache by version; a check-only build ends here. */
struct rs_job_verdict rs_fwb_version_cache(void *c, struct rs_job_progress *p);

#endif
