/* Endstop cable warning, for boards whose data names the rail that RatRig
 * endstop cables wired as shipped before October 2022 would short. Moving on
 * needs an explicit, typed acknowledgement: Enter alone never does it. */
#include <stdio.h>
#include <string.h>

#include "core/wizard_model.h"
#include "screens/wizard.h"
#include "tui/manager.h"
#include "tui/text.h"
#include "tui/tui.h"

struct endstop {
	int rows, cols;
	int choice;      /* 0 white, 1 black/other, 2 don't know */
	char typed;      /* what was typed at the [y/N] prompt: 0, 'y' or 'n' */
	bool refused;    /* Enter was pressed without a typed y */
	char link_what[96]; /* the QR code box's title */
};

static const char *const choices[] = {
	"White  (shipped after October 2022: already wired right)",
	"Black or another colour",
	"I don't know",
};

static const enum rs_cable_colour choice_colour[] = { RS_CABLE_WHITE, RS_CABLE_OTHER,
						      RS_CABLE_UNKNOWN };

static bool applies(void *ctx)
{
	return rs_model_step_applies(rs_wizard_board(ctx), RS_STEP_ENDSTOP);
}

static const char *rail_text(const struct rs_board *b)
{
	return b->endstop_rail == RS_RAIL_5V ? "5 V" : "3.3 V";
}

static void enter(void *st, void *ctx)
{
	struct endstop *s = st;
	struct rs_wizard *w = ctx;
	s->choice = 1; /* the safe assumption until told otherwise */
	for (int i = 0; i < 3; i++)
		if (w->st.cable == choice_colour[i])
			s->choice = i;
	s->typed = w->st.endstop_ack ? 'y' : 0;
	s->refused = false;
}

static void layout(void *st, void *ctx, int rows, int cols)
{
	(void)ctx;
	struct endstop *s = st;
	s->rows = rows;
	s->cols = cols;
}

static void draw(const void *st, const void *ctx, WINDOW *w)
{
	const struct endstop *s = st;
	const struct rs_board *b = rs_wizard_board(ctx);
	int width = s->cols - 4, y = 1;
	char buf[512];

	wattron(w, rs_tui_style(RS_STYLE_ERROR));
	rs_tui_put(w, y, 2, 8, "DANGER");
	snprintf(buf, sizeof(buf), "RatRig endstop cables plugged in as shipped before October "
		 "2022 short this board's %s rail.", rail_text(b));
	y += rs_text_draw(w, y, 10, width - 8, 3, 0, buf) + 1;
	wattroff(w, rs_tui_style(RS_STYLE_ERROR));

	rs_tui_put(w, y++, 2, width, "What colour are the connectors on your endstop cables?");
	for (int i = 0; i < 3; i++) {
		bool sel = i == s->choice;
		rs_tui_put(w, y, 2, 2, sel ? ">" : " ");
		if (sel)
			wattron(w, rs_tui_style(RS_STYLE_SELECTED));
		snprintf(buf, sizeof(buf), "(%c) %s", sel ? '*' : ' ', choices[i]);
		rs_tui_put(w, y++, 4, width - 2, buf);
		wattroff(w, rs_tui_style(RS_STYLE_SELECTED));
	}
	y++;
	if (s->choice == 0)
		snprintf(buf, sizeof(buf),
			 "White connectors are already wired right. Still check both ends of each "
			 "cable against the pin order printed next to the endstop ports (and in "
			 "the board's pin diagram) before you power up.");
	else
		snprintf(buf, sizeof(buf),
			 "Swap the two outer wires (red and white) at the board end of every "
			 "endstop cable, then check both ends against the pin order printed next "
			 "to the endstop ports (and in the board's pin diagram). Plugged in as "
			 "they are, they short the %s rail.",
			 rail_text(b));
	y += rs_text_draw(w, y, 2, width, 5, 0, buf) + 1;
	if (b->docs_url)
		y += rs_text_draw_link(w, y, 2, width, 2, "Pin diagram:", b->docs_url) + 1;

	y = s->rows - 4 > y ? s->rows - 4 : y;
	wattron(w, rs_tui_style(RS_STYLE_TITLE));
	int x = 2 + rs_tui_put(w, y, 2, width,
			       "I have checked my endstop cables against the pin order.  [y/N]: ");
	wattroff(w, rs_tui_style(RS_STYLE_TITLE));
	if (s->typed) {
		wattron(w, A_UNDERLINE);
		mvwaddch(w, y, x, (chtype)s->typed);
		wattroff(w, A_UNDERLINE);
	} else {
		mvwaddch(w, y, x, '_');
	}
	if (s->refused) {
		wattron(w, rs_tui_style(RS_STYLE_ERROR));
		rs_tui_put(w, y + 2, 2, width,
			   "!! Not confirmed. Type y, then Enter, once the cables are checked.");
		wattroff(w, rs_tui_style(RS_STYLE_ERROR));
	} else if (s->typed == 'y') {
		rs_tui_put(w, y + 2, 2, width, "Press Enter to continue.");
	}
}

static enum rs_key_result key_choose(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ch;
	struct endstop *s = st;
	struct rs_wizard *w = ctx;
	int d = req == RS_REQ_UP ? -1 : 1;
	if (s->choice + d >= 0 && s->choice + d < 3)
		s->choice += d;
	w->st.cable = choice_colour[s->choice];
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_yes_no(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)ch;
	struct endstop *s = st;
	struct rs_wizard *w = ctx;
	s->typed = req == RS_REQ_YES ? 'y' : 'n';
	s->refused = false;
	w->st.endstop_ack = false; /* only Enter after a typed y confirms */
	return RS_KEY_HANDLED;
}

static enum rs_key_result key_enter(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)req;
	(void)ch;
	struct endstop *s = st;
	struct rs_wizard *w = ctx;
	w->st.cable = choice_colour[s->choice];
	if (s->typed != 'y') {
		s->refused = true;
		return RS_KEY_HANDLED;
	}
	w->st.endstop_ack = true;
	return RS_KEY_NEXT;
}

static enum rs_key_result key_erase(void *st, void *ctx, enum rs_request req, int ch)
{
	(void)req;
	(void)ch;
	struct endstop *s = st;
	s->typed = 0;
	((struct rs_wizard *)ctx)->st.endstop_ack = false;
	return RS_KEY_HANDLED;
}

/* The board's documentation, which has its pin diagram. */
static const char *link(void *st, void *ctx, const char **what)
{
	struct endstop *s = st;
	const struct rs_board *b = rs_wizard_board(ctx);
	if (!b || !b->docs_url)
		return NULL;
	snprintf(s->link_what, sizeof(s->link_what), "%s pin diagram", b->name);
	*what = s->link_what;
	return b->docs_url;
}

enum { MODE_HAS_LINK = 1u << 0 };

static unsigned mode(const void *st, const void *ctx)
{
	(void)st;
	const struct rs_board *b = rs_wizard_board(ctx);
	return b && b->docs_url ? MODE_HAS_LINK : 0;
}

static const struct rs_key_binding keys[] = {
	{ { RS_REQ_UP, RS_REQ_DOWN }, "Up/Down", "colour", false, key_choose, 0 },
	{ { RS_REQ_YES, RS_REQ_NO }, "y", "I have checked", false, key_yes_no, 0 },
	/* Before Enter: the footer drops rows from the end when it is full, and
	 * the prompt on the screen already says Enter. */
	RS_MANAGER_LINK_KEY(MODE_HAS_LINK),
	{ { RS_REQ_ACCEPT }, "Enter", "continue after y", false, key_enter, 0 },
	{ { RS_REQ_ERASE }, "Backspace", "erase answer", true, key_erase, 0 },
	{ { 0 }, NULL, NULL, false, NULL, 0 },
};

const struct rs_screen_ops rs_screen_endstop = {
	.id = "endstop",
	.title = "Endstop cables",
	.help = "RatRig endstop switches and cables, plugged in as shipped before October 2022, "
		"short one of this board's power rails. Cables shipped after October 2022 have "
		"white connectors and are already right. For any other cable, swap the two outer "
		"wires (red and white) at the board end, then check the cable against the board's "
		"pin order at both ends. To go on, type y at the prompt and press Enter; Enter "
		"alone does not confirm. F2 shows the board's documentation link, with its pin "
		"diagram, as a QR code for a phone to open.",
	.is_step = true,
	.state_size = sizeof(struct endstop),
	.keys = keys,
	.applies = applies,
	.enter = enter,
	.layout = layout,
	.draw = draw,
	.mode = mode,
	.link = link,
};
