/* Summary: everything chosen so far, before the firmware is built. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "screens/wizard.h"
#include "tui/manager.h"
#include "tui/text.h"
#include "tui/tui.h"

struct summary {
	int rows, cols;
	struct rs_pager pager;
	char *text;
};

static void build(struct summary *s, struct rs_wizard *w)
{
	const struct rs_board *b = rs_wizard_board(w);
	free(s->text);
	s->text = NULL;
	if (!b)
		return; /* only reachable with a board; nothing to show otherwise */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	fprintf(f, "Board        %s (%s)\n", b->name, b->id);
	fprintf(f, "MCU          %s\n", b->mcu);
	fprintf(f, "Flashing     %s\n", rs_flash_method_name(b->flash_method));
	if (b->support != RS_SUPPORT_FULL)
		fprintf(f, "Support      %s: %s\n", rs_support_level_name(b->support),
			b->support_reason ? b->support_reason : "");
	if (b->power_jumpers) {
		fprintf(f, "Supplies     VIN %u V, motor terminal ", w->st.main_v);
		if (w->st.motor_v)
			fprintf(f, "%u V\n", w->st.motor_v);
		else
			fprintf(f, "unused\n");
		for (size_t i = 0; i < w->st.socket_count; i++) {
			char name[32];
			const struct rs_driver *d = rs_wizard_driver(w, i);
			fprintf(f, "  %-9s  %-24s jumper %s\n",
				rs_jumper_socket_name(b, i, name, sizeof(name)),
				d ? d->name : "(empty)", rs_jumper_pos_name(w->st.jumpers[i]));
		}
	}
	if (b->endstop_rail != RS_RAIL_NONE)
		fprintf(f, "Endstops     cables: %s; checked: %s\n", rs_cable_colour_name(w->st.cable),
			w->st.endstop_ack ? "yes" : "no");
	fprintf(f, "\nSaved in %s\n", w->state_path);
	if (w->save_problem[0])
		fprintf(f, "!! %s\n", w->save_problem);
	fprintf(f, "\nEnter continues to the firmware build; q quits (everything is saved).");
	fclose(f);
	s->text = buf;
}

static void enter(void *st, void *ctx)
{
	struct summary *s = st;
	s->pager.top = 0;
	build(s, ctx);
}

static void leave(void *st, void *ctx)
{
	(void)ctx;
	struct summary *s = st;
	free(s->text);
	s->text = NULL;
}

static void layout(void *st, void *ctx, int rows, int cols)
{
	(void)ctx;
	struct summary *s = st;
	s->rows = rows;
	s->cols = cols;
}

static void draw(const void *st, const void *ctx, WINDOW *w)
{
	(void)ctx;
	const struct summary *s = st;
	if (s->text)
		rs_text_draw(w, 1, 2, s->cols - 4, s->rows - 2, s->pager.top, s->text);
}

static enum rs_key_result key_scroll(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ctx;
	(void)ch;
	struct summary *s = st;
	int total = s->text ? rs_text_lines(s->text, s->cols - 4) : 0;
	return rs_pager_key(&s->pager, req, total, s->rows - 2) ? RS_KEY_HANDLED : RS_KEY_IGNORED;
}

static const struct rs_key_binding keys[] = {
	{ { RS_REQ_ACCEPT }, "Enter", "continue to firmware", false, rs_manager_key_next, 0 },
	{ { RS_REQ_UP, RS_REQ_DOWN, RS_REQ_PAGE_UP, RS_REQ_PAGE_DOWN }, "Up/Down", "scroll", true,
	  key_scroll, 0 },
	{ { 0 }, NULL, NULL, false, NULL, 0 },
};

const struct rs_screen_ops rs_screen_summary = {
	.id = "summary",
	.title = "Summary",
	.help = "What you chose, as it will be used for the firmware. Esc goes back to change "
		"anything; Enter continues to the firmware build.",
	.is_step = true,
	.state_size = sizeof(struct summary),
	.keys = keys,
	.enter = enter,
	.leave = leave,
	.layout = layout,
	.draw = draw,
};
