/* What a wizard screen is: a const table of functions plus a request table. The
 * manager allocates the screen's private state (state_size bytes, zeroed,
 * kept for the whole run so going back finds it as it was left). */
#ifndef RS_TUI_SCREEN_H
#define RS_TUI_SCREEN_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "tui/keymap.h"

/* What a request did. Anything but IGNORED stops the key from reaching
 * its next request and the global keys. */
enum rs_key_result {
	RS_KEY_IGNORED,
	RS_KEY_HANDLED, /* redraw */
	RS_KEY_NEXT,    /* this step is done: save, go to the next that applies */
	RS_KEY_BACK,    /* previous step that applies */
	RS_KEY_JUMP,    /* go to the screen the manager's jump_target() names */
	RS_KEY_QUIT,    /* leave at once (no confirmation; the user already chose) */
	RS_KEY_SHOW_LINK, /* show the screen's link() as a QR code */
};

/* One row of a screen's request table. The same rows answer requests,
 * build the footer legend and list the keys in the help overlay. */
struct rs_key_binding {
	enum rs_request reqs[6]; /* RS_REQ_NONE-terminated; empty for legend-only rows */
	const char *label;  /* "Up/Down", "Enter"; NULL ends a table */
	const char *action; /* "move", "choose" */
	bool hide_in_footer;/* shown in help only */
	/* ch: the character of a RS_REQ_TYPE request, else 0. NULL: legend only. */
	enum rs_key_result (*run)(void *st, void *ctx, enum rs_request req, int ch);
	/* The screen's modes (its mode() bits) the row applies in; 0: all.
	 * A row that does not apply is hidden from footer and help and skipped. */
	unsigned when;
};
/* Events the loop delivers to the current screen. */
enum rs_event_type { RS_EVENT_TICK };
struct rs_event {
	enum rs_event_type type;
};

struct rs_screen_ops {
	const char *id;    /* stable; saved in the state file */
	const char *title; /* "Driver power jumpers" */
	const char *help;  /* what this screen is for, shown by ? and F1 */
	bool is_step;      /* counted in "Step n of m" */
	size_t state_size;
	const struct rs_key_binding *keys; /* ends with a row whose label is NULL */

	bool (*applies)(void *ctx); /* NULL: always; false: skipped both ways */
	/* What the screen is doing now, as bits its key rows' when name (one
	 * place instead of a predicate per row). NULL: 0. */
	unsigned (*mode)(const void *st, const void *ctx);
	void (*enter)(void *st, void *ctx);
	void (*leave)(void *st, void *ctx);
	/* The body is rows x cols (the terminal minus header and footer). */
	void (*layout)(void *st, void *ctx, int rows, int cols);
	/* Only draws: whatever it shows was settled by the calls before it. */
	void (*draw)(const void *st, const void *ctx, WINDOW *body);
	/* After a frame with draw()'s output went out: note what was shown
	 * (to skip ticks that would change nothing). NULL: nothing to note. */
	void (*drawn)(void *st, void *ctx);
	/* Loop events; true when a redraw is needed. */
	bool (*on_event)(void *st, void *ctx, const struct rs_event *ev);
	/* The web page the screen shows now (the board's documentation), for
	 * RS_KEY_SHOW_LINK; *what names it for the box title. NULL: none. */
	const char *(*link)(void *st, void *ctx, const char **what);
};

#endif
