/* Terminal set-up and teardown. The terminal is always restored: on a normal
 * exit, on SIGINT/SIGTERM/SIGHUP (the event loop sees them through a
 * self-pipe and the caller leaves through rs_tui_done) and on a crash (the
 * handler writes precomputed reset sequences, which is async-signal-safe). */
#ifndef RS_TUI_TUI_H
#define RS_TUI_TUI_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#define RS_TUI_MIN_COLS 80
#define RS_TUI_MIN_ROWS 24

enum rs_style {
	RS_STYLE_NORMAL,
	RS_STYLE_HEADER,   /* title line */
	RS_STYLE_SELECTED, /* cursor row */
	RS_STYLE_TITLE,    /* headings, box titles */
	RS_STYLE_KEY,      /* key names in the footer and help */
	RS_STYLE_ERROR,    /* blocks progress */
	RS_STYLE_WARN,     /* needs attention */
	RS_STYLE_OK,
	RS_STYLE_DIM,
	RS_STYLE_QR,       /* a QR code: dark ink on light, whatever the theme */
	RS_STYLE_COUNT,
};

/* Starts curses on the controlling terminal. On failure returns false and
 * writes a one-line reason into why. Colours are used unless the terminal
 * has none or NO_COLOR is set (any value, see no-color.org). */
bool rs_tui_init(char *why, size_t why_len);
/* Restores the terminal. Safe to call more than once and before init. */
void rs_tui_done(void);
/* rs_tui_done, then the message on stderr, then exit(1). */
_Noreturn void rs_tui_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

bool rs_tui_active(void);
bool rs_tui_colour(void);
/* True when the locale is UTF-8, so non-ASCII text can be shown. */
bool rs_tui_utf8(void);
/* "—" in UTF-8, "-" otherwise. */
const char *rs_tui_dash(void);
attr_t rs_tui_style(enum rs_style s);

/* The event loop the wizard runs on (created on first use). */
struct rs_loop *rs_tui_loop(void);
/* Read end of the signal self-pipe, for the event loop. */
int rs_tui_signal_fd(void);
/* The termination signal received (SIGINT/SIGTERM/SIGHUP), or 0. */
int rs_tui_pending_signal(void);

/* Display width of s in columns (non-printable and invalid bytes count 1). */
int rs_tui_width(const char *s);
/* Draws s at y,x clipped to width columns, in the current attributes; in a
 * non-UTF-8 locale other than ASCII is shown as '?'. Returns columns used. */
int rs_tui_put(WINDOW *w, int y, int x, int width, const char *s);
/* Same, padded with spaces to exactly width columns. */
void rs_tui_put_pad(WINDOW *w, int y, int x, int width, const char *s);

#endif
