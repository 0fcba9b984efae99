/* The screen manager: runs an ordered list of screens in the one event loop.
 * It owns back/next, the header ("Step 2 of 6 — Driver power jumpers" and
 * the chosen board), the footer, the help overlay (? and F1), the quit
 * confirmation (q, default No), the "terminal too small" screen, and
 * KEY_RESIZE: no screen ever sees a resize, it just gets layout() again. */
#ifndef RS_TUI_MANAGER_H
#define RS_TUI_MANAGER_H

#include <stddef.h>

#include "tui/screen.h"

struct rs_manager_config {
	const struct rs_screen_ops *const *screens; /* in wizard order */
	size_t count;
	void *ctx; /* handed to every screen function */
	const char *start_id; /* NULL: the first screen that applies */
	/* Right side of the header (the chosen board), or NULL. */
	const char *(*subtitle)(void *ctx);
	/* After every move to another screen: the place to save progress. */
	void (*on_step)(void *ctx, const char *screen_id);
	/* Where RS_KEY_JUMP goes. */
	const char *(*jump_target)(void *ctx);
	/* A move the model asks for by itself (a build that was started to be
	 * followed by the next step has finished): asked after every key and
	 * tick; RS_KEY_IGNORED when there is none. NULL: never. */
	enum rs_key_result (*take_request)(void *ctx);
};

enum rs_manager_end {
	RS_END_QUIT,     /* the user quit (confirmed) */
	RS_END_FINISHED, /* Next on the last screen */
	RS_END_SIGNAL,   /* SIGINT/SIGTERM/SIGHUP; *signo says which */
};

/* Runs until the user leaves. The terminal must be initialised (rs_tui_init);
 * the caller calls rs_tui_done afterwards. */
enum rs_manager_end rs_manager_run(const struct rs_manager_config *cfg, int *signo);

/* A request row's action that only moves on to the next step. */
enum rs_key_result rs_manager_key_next(void *st, void *ctx, enum rs_request req, int ch);
/* The request row of a screen that shows a link: F2 opens it as a QR code
 * (a phone opens what a console cannot). when: the screen's mode bit that
 * says there is a link now. */
enum rs_key_result rs_manager_key_link(void *st, void *ctx, enum rs_request req, int ch);
#define RS_MANAGER_LINK_KEY(when) \
	{ { RS_REQ_LINK }, "F2", "QR code", false, rs_manager_key_link, when }

#endif
