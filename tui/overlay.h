/* The screen manager's overlays (tui/manager.h), one at a time over the
 * current screen: the help pager (? and F1), the quit question (q, default
 * No) and a link's QR code. The manager decides when one opens and what the
 * help says; an overlay takes every key while it is open. */
#ifndef RS_TUI_OVERLAY_H
#define RS_TUI_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/dialog.h"
#include "tui/keymap.h"
#include "tui/qr_view.h"
#include "tui/text.h"

enum rs_overlay_kind { RS_OVERLAY_NONE, RS_OVERLAY_HELP, RS_OVERLAY_QUIT, RS_OVERLAY_QR };

struct rs_overlay {
	enum rs_overlay_kind kind;
	struct rs_pager help_pager;
	char *help_text;
	char help_title[96];
	struct rs_dialog quit;
	struct rs_qr_view qr;
};

enum rs_overlay_result {
	RS_OVERLAY_KEPT,   /* the key was the overlay's (it may have closed) */
	RS_OVERLAY_QUIT_YES, /* the quit question was answered yes (it closed) */
};

/* Takes text (malloc'd) over; title is the screen's. */
void rs_overlay_open_help(struct rs_overlay *o, const char *title, char *text);
void rs_overlay_open_quit(struct rs_overlay *o);
void rs_overlay_open_qr(struct rs_overlay *o, const char *what, const char *url);

/* Over the whole terminal of rows x cols. */
void rs_overlay_draw(struct rs_overlay *o, int rows, int cols);
/* The key's requests and character (0: none). */
enum rs_overlay_result rs_overlay_key(struct rs_overlay *o, int rows, int cols,
				      const enum rs_request *reqs, size_t n, int ch);
void rs_overlay_free(struct rs_overlay *o);

#endif
