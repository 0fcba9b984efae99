/* The build screen's header and progress rows. */
#include "screens/firmware_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/paths.h"
#include "screens/firmware_text.h"
#include "tui/progress.h"
#include "tui/tui.h"

void rs_fwview_get(struct rs_fwview *v, const struct rs_fwbuild *fb)
{
	struct rs_fwbuild_progress p;
	rs_fwbuild_get_progress(fb, &p);
	v->step = p.step;
	v->done = p.done;
	v->total = p.total;
	v->elapsed = (long)p.elapsed;
	v->eta = p.eta < 0 ? -1 : (long)(p.eta + 0.999);
	snprintf(v->current, sizeof(v->current), "%s", p.current);
}

bool rs_fwview_same(const struct rs_fwview *a, const struct rs_fwview *b)
{
	return a->step == b->step && a->done == b->done && a->total == b->total &&
	       a->elapsed == b->elapsed && a->eta == b->eta && strcmp(a->current, b->current) == 0;
}

static const char *step_text(enum rs_fwbuild_step step)
{
	switch (step) {
	case RS_FWB_VERSION: return "Reading the Klipper version (git)";
	case RS_FWB_CONFIG: return "Expanding the board's config (make olddefconfig)";
	case RS_FWB_COUNT: return "Counting what to compile (make -n)";
	case RS_FWB_COMPILE: return "Compiling";
	case RS_FWB_INSTALL: return "Checking the image and installing it";
	default: return "Starting";
	}
}

void rs_fwview_draw_header(WINDOW *w, int cols, const struct rs_wizard *wz,
			   const struct rs_fwbuild *fb, const struct rs_board *b)
{
	char line[512];
	const struct rs_fwbuild_result *r = fb ? rs_fwbuild_result(fb) : NULL;
	const char *dir = r && r->klipper_dir ? r->klipper_dir
			  : wz->klipper_found ? wz->klipper.path : NULL;
	char *shown = dir ? rs_path_pretty(dir) : NULL;
	const char *version = r && r->tree_version ? r->tree_version : wz->klipper.version;
	if (shown)
		snprintf(line, sizeof(line), "%s  %s", shown,
			 version ? version : "(version not known yet)");
	else
		snprintf(line, sizeof(line), "none found in %s", wz->klipper_dir ? wz->klipper_dir
										   : "~/klipper");
	free(shown);
	wattron(w, rs_tui_style(RS_STYLE_TITLE));
	rs_tui_put(w, 0, 1, 8, "Klipper");
	rs_tui_put(w, 1, 1, 8, "Target");
	wattroff(w, rs_tui_style(RS_STYLE_TITLE));
	rs_tui_put(w, 0, 10, cols - 11, line);
	rs_fwtext_target(b, line, sizeof(line));
	rs_tui_put(w, 1, 10, cols - 11, line);
}

void rs_fwview_draw_progress(WINDOW *w, int cols, const struct rs_fwview *v)
{
	char line[512], el[32], eta[32];
	if (v->step == RS_FWB_COMPILE && v->total) {
		rs_progress_draw_unit(w, 3, 1, cols - 2, v->done, v->total, "objects");
		snprintf(line, sizeof(line), "Compiling %s", v->current[0] ? v->current : "...");
	} else {
		snprintf(line, sizeof(line), "%s...", step_text(v->step));
		rs_tui_put(w, 3, 1, cols - 2, line);
		line[0] = '\0';
	}
	rs_fwtext_clock(v->elapsed, el, sizeof(el));
	char right[96];
	if (v->eta >= 0) {
		rs_fwtext_clock(v->eta, eta, sizeof(eta));
		snprintf(right, sizeof(right), "elapsed %s   about %s left", el, eta);
	} else {
		snprintf(right, sizeof(right), "elapsed %s", el);
	}
	int rw = rs_tui_width(right);
	rs_tui_put(w, 4, 1, cols - rw - 4, line);
	rs_tui_put(w, 4, cols - rw - 1, rw, right);
}
