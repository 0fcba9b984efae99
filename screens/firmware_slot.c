/* The slot where the firmware build screen goes. Until it exists, this says
 * how to get the firmware configuration without it. */
#include <stdio.h>

#include "screens/wizard.h"
#include "tui/text.h"
#include "tui/tui.h"

struct slot {
	int rows, cols;
};

static void layout(void *st, void *ctx, int rows, int cols)
{
	(void)ctx;
	struct slot *s = st;
	s->rows = rows;
	s->cols = cols;
}

static void draw(void *st, void *ctx, WINDOW *w)
{
	struct slot *s = st;
	const struct rs_board *b = rs_wizard_board(ctx);
	char buf[512];
	snprintf(buf, sizeof(buf),
		 "Building the firmware from this wizard is not available in this version.\n\n"
		 "The Klipper configuration for %s is printed by:\n\n"
		 "    ratos-setup config %s\n\n"
		 "Your choices are saved; Enter goes on, Esc goes back.",
		 b ? b->name : "your board", b ? b->id : "BOARD");
	rs_text_draw(w, 1, 2, s->cols - 4, s->rows - 2, 0, buf);
}

static enum rs_key_result key_finish(void *st, void *ctx, int key)
{
	(void)st;
	(void)ctx;
	(void)key;
	return RS_KEY_NEXT;
}

static const struct rs_key_binding keys[] = {
	{ { '\n', '\r', KEY_ENTER }, "Enter", "go on", false, key_finish, NULL },
	{ { 0 }, NULL, NULL, false, NULL, NULL },
};

const struct rs_screen_ops rs_screen_firmware_slot = {
	.id = "firmware",
	.title = "Build firmware",
	.help = "The firmware build step.",
	.is_step = true,
	.state_size = sizeof(struct slot),
	.keys = keys,
	.layout = layout,
	.draw = draw,
};
