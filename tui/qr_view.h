/* A link as a QR code, in a box centred over the whole terminal, so a phone
 * can open what a console cannot. The code is drawn whole or not at all: a
 * code cut by the screen edge scans as nothing, or as something else. */
#ifndef RS_TUI_QR_VIEW_H
#define RS_TUI_QR_VIEW_H

#include <stdbool.h>

#include "core/qr.h"

struct rs_qr_view {
	char *title; /* "Octopus Pro 429 documentation" */
	char *url;
	struct rs_qr qr; /* size 0: no code, why says so */
	char *why;
};

/* Half blocks on a UTF-8 terminal; plain ASCII on the Linux console, a
 * vt100-type terminal or in a locale without UTF-8. */
enum rs_qr_style rs_qr_view_style(void);
/* Encodes url; on failure the view shows why and the link as text. */
void rs_qr_view_open(struct rs_qr_view *v, const char *title, const char *url);
void rs_qr_view_close(struct rs_qr_view *v);
bool rs_qr_view_is_open(const struct rs_qr_view *v);
/* Draws in its own window over a rows x cols terminal; call after the
 * screen below was wnoutrefresh'ed and before doupdate. */
void rs_qr_view_draw(const struct rs_qr_view *v, int rows, int cols);

#endif
