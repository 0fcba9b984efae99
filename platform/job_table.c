/* The parts of the job engine that need no running job: the verdicts a
 * step returns, state names, and the plan that --dry-run prints. */
#include "platform/job.h"

#include <stdarg.h>
#include <stdlib.h>

#include "core/shell_words.h"
#include "core/xalloc.h"

struct rs_job_verdict rs_job_next(void)
{
	return (struct rs_job_verdict){ .kind = RS_JOB_NEXT };
}

struct rs_job_verdict rs_job_goto(const char *step)
{
	return (struct rs_job_verdict){ .kind = RS_JOB_GOTO, .step = step };
}

struct rs_job_verdict rs_job_done(void)
{
	return (struct rs_job_verdict){ .kind = RS_JOB_DONE };
}

struct rs_job_verdict rs_job_fail(int code, const char *hint, const char *fmt, ...)
{
	struct rs_job_verdict v = { .kind = RS_JOB_FAIL };
	va_list ap;
	va_start(ap, fmt);
	v.status.message = rs_xvasprintf(fmt, ap);
	va_end(ap);
	v.status.code = code ? code : -1;
	v.status.hint = hint ? rs_xstrdup(hint) : NULL;
	return v;
}

const char *rs_job_state_name(enum rs_job_state s)
{
	switch (s) {
	case RS_JOB_IDLE: return "idle";
	case RS_JOB_RUNNING: return "running";
	case RS_JOB_SUCCEEDED: return "succeeded";
	case RS_JOB_FAILED: return "failed";
	case RS_JOB_CANCELLED: return "cancelled";
	}
	return "?";
}

static void plan_steps(const struct rs_job_step *steps, size_t count, void *ctx,
		       const char *prefix, struct rs_strv *lines)
{
	for (size_t i = 0; i < count; i++) {
		const struct rs_job_step *s = &steps[i];
		if (s->wanted && !s->wanted(ctx))
			continue;
		char *line;
		if (s->argv) {
			struct rs_strv argv = { 0 };
			struct rs_proc_opts po = { .keep_root = s->keep_root };
			struct rs_status st = RS_STATUS_OK;
			if (s->argv(ctx, &argv, &po, &st)) {
				rs_strv_terminate(&argv);
				char *cmd = rs_shell_join((const char *const *)argv.items);
				line = rs_xasprintf("%s%s: %s%s%s%s", prefix, s->name, cmd,
						    po.cwd ? " (in " : "", po.cwd ? po.cwd : "",
						    po.cwd ? ")" : "");
				if (po.keep_root) {
					char *l2 = rs_xasprintf("%s (as root)", line);
					free(line);
					line = l2;
				}
				free(cmd);
			} else {
				line = rs_xasprintf("%s%s: cannot run: %s", prefix, s->name,
						    st.message ? st.message : "?");
			}
			rs_status_clear(&st);
			rs_strv_free(&argv);
		} else {
			line = rs_xasprintf("%s%s: %s", prefix, s->name,
					    s->describe ? s->describe(ctx) : s->name);
		}
		rs_strv_push(lines, line);
		free(line);
	}
}

void rs_job_plan(const struct rs_job_table *table, void *ctx, struct rs_strv *lines)
{
	plan_steps(table->steps, table->count, ctx, "", lines);
	plan_steps(table->finally, table->finally_count, ctx, "finally ", lines);
}
