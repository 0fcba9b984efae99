/* The build screen's build on the wizard's one loop (the job engine
 * follows the children's output there), and the log lines shortened for an
 * 80-column view. */
#include "screens/firmware_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "platform/paths.h"
#include "tui/tui.h"

/* "  Compiling /home/pi/.cache/ratos-setup/<board>/out/src/x.o" is shown
 * as "  Compiling out/src/x.o": the long prefix would push the file name off
 * an 80-column screen. */
static char *shorten(const struct rs_fwrun *r, const char *line)
{
	const char *at = r->outdir ? strstr(line, r->outdir) : NULL;
	if (!at)
		return rs_xstrdup(line);
	return rs_xasprintf("%.*sout/%s", (int)(at - line), line, at + strlen(r->outdir));
}

static void on_line(void *ctx, const char *line)
{
	struct rs_fwrun *r = ctx;
	rs_logview_push(&r->log, shorten(r, line));
}

void rs_fwrun_init(struct rs_fwrun *r, void (*ended)(void *ctx), void *ctx)
{
	r->ended = ended;
	r->ctx = ctx;
}

void rs_fwrun_unregister(struct rs_fwrun *r)
{
	if (r->fb)
		rs_fwbuild_detach(r->fb);
}

void rs_fwrun_drop(struct rs_fwrun *r)
{
	rs_fwrun_unregister(r);
	rs_fwbuild_free(r->fb);
	r->fb = NULL;
}

void rs_fwrun_free(struct rs_fwrun *r)
{
	rs_fwrun_drop(r);
	rs_logview_clear(&r->log);
	free(r->outdir);
	r->outdir = NULL;
}

bool rs_fwrun_running(const struct rs_fwrun *r)
{
	return r->fb && !rs_fwbuild_finished(r->fb);
}

/* From the build on the loop: it has already left the loop when it ended,
 * so ended may drop it and start the next one. */
static bool changed(void *data)
{
	struct rs_fwrun *r = data;
	if (r->fb && rs_fwbuild_finished(r->fb))
		r->ended(r->ctx);
	return true;
}

void rs_fwrun_pump(struct rs_fwrun *r)
{
	if (!rs_fwrun_running(r))
		return;
	rs_fwbuild_pump(r->fb);
	if (rs_fwbuild_finished(r->fb)) {
		rs_fwbuild_detach(r->fb);
		r->ended(r->ctx);
	}
}

void rs_fwrun_start(struct rs_fwrun *r, const struct rs_board *b, const char *klipper_dir,
		    bool check_only, bool force)
{
	struct rs_fwbuild_opts o = {
		.klipper_dir = klipper_dir,
		.force = force,
		.check_only = check_only,
		.on_line = on_line,
		.ctx = r,
	};
	r->fb = rs_fwbuild_new(b, &o);
	const char *log = rs_fwbuild_result(r->fb)->log_path;
	char *p = log ? rs_path_pretty(log) : NULL;
	snprintf(r->log_pretty, sizeof(r->log_pretty), "%s", p ? p : "");
	free(p);
	free(r->outdir);
	const char *cfg = rs_fwbuild_result(r->fb)->config_path;
	const char *slash = cfg ? strrchr(cfg, '/') : NULL;
	r->outdir = slash ? rs_xasprintf("%.*s/out/", (int)(slash - cfg), cfg) : NULL;
	if (rs_fwbuild_start(r->fb) && rs_fwbuild_attach(r->fb, rs_tui_loop(), changed, r))
		return;
	rs_fwbuild_cancel(r->fb); /* the loop is full (never, in practice) */
	r->ended(r->ctx);
}
