/* What a wizard screen is: a const table of functions plus a key table. The
 * manager allocates the screen's private state (state_size bytes, zeroed,
 * kept for the whole run so going back finds it as it was left). */
#ifndef RS_TUI_SCREEN_H
#define RS_TUI_SCREEN_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

/* What a key did. Anything but IGNORED stops the key from reaching the
 * global keys. */
enum rs_key_result {
	RS_KEY_IGNORED,
	RS_KEY_HANDLED, /* redraw */
	RS_KEY_NEXT,    /* this step is done: save, go to the next that applies */
	RS_KEY_BACK,    /* previous step that applies */
	RS_KEY_JUMP,    /* go to the screen the manager's jump_target() names */
	RS_KEY_QUIT,    /* leave at once (no confirmation; the user already chose) */
	RS_KEY_SHOW_LINK, /* show the screen's link() as a QR code */
};

/* One row of a key table. The same rows dispatch keys, build the footer
 * legend and list the keys in the help overlay. */
struct rs_key_binding {
	int keys[6];        /* 0-terminated; empty for legend-only rows (typing) */
	const char *label;  /* "Up/Down", "Enter"; NULL ends a table */
	const char *action; /* "move", "choose" */
	bool hide_in_footer;/* shown in help only */
	enum rs_key_result (*run)(void *st, void *ctx, int key); /* NULL: legend only */
	/* NULL: always; false hides the row from footer and help and skips it. */
	bool (*available)(void *st, void *ctx);
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
	void (*enter)(void *st, void *ctx);
	void (*leave)(void *st, void *ctx);
	/* The body is rows x cols (the terminal minus header and footer). */
	void (*layout)(void *st, void *ctx, int rows, int cols);
	void (*draw)(void *st, void *ctx, WINDOW *body);
	/* Keys no binding took (typing). */
	enum rs_key_result (*on_key)(void *st, void *ctx, int key);
	/* Loop events; true when a redraw is needed. */
	bool (*on_event)(void *st, void *ctx, const struct rs_event *ev);
	/* The web page the screen shows now (the board's documentation), for
	 * RS_KEY_SHOW_LINK; *what names it for the box title. NULL: none. */
	const char *(*link)(void *st, void *ctx, const char **what);
};

#endif
