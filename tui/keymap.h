/* The one keymap: which key asks for what. Screens, the manager and the
 * widgets (lists, pagers, dialogs) never look at key codes; they answer
 * requests. A key may stand for more than one request, offered in order
 * (the first one anything answers wins): 'l' is "show the log" where there
 * is a log and "right" in a table, a letter is text in a filter before it
 * is a command. The footer legend and the help list come from the screens'
 * request tables (tui/screen.h), so they never show a key that does
 * nothing. */
#ifndef RS_TUI_KEYMAP_H
#define RS_TUI_KEYMAP_H

#include <stddef.h>

enum rs_request {
	RS_REQ_NONE,
	RS_REQ_UP,        /* Up, k */
	RS_REQ_DOWN,      /* Down, j */
	RS_REQ_PAGE_UP,   /* PgUp */
	RS_REQ_PAGE_DOWN, /* PgDn */
	RS_REQ_HOME,
	RS_REQ_END,
	RS_REQ_LEFT,      /* Left, h */
	RS_REQ_RIGHT,     /* Right, l */
	RS_REQ_SWITCH,    /* Tab, Shift-Tab: the other field or button */
	RS_REQ_ACCEPT,    /* Enter */
	RS_REQ_CANCEL,    /* Esc: close what is open, else back a step */
	RS_REQ_ERASE,     /* Backspace */
	RS_REQ_YES,       /* y */
	RS_REQ_NO,        /* n */
	RS_REQ_NEXT,      /* n: on to the next step */
	RS_REQ_HELP,      /* ?, F1 */
	RS_REQ_QUIT,      /* q */
	RS_REQ_LOG,       /* l: the log, and back */
	RS_REQ_RETRY,     /* r: run it again */
	RS_REQ_STOP,      /* c: stop what runs */
	RS_REQ_CHECK,     /* c: check the card */
	RS_REQ_FIX,       /* f: fix it */
	RS_REQ_LINK,      /* F2: the screen's link as a QR code */
	RS_REQ_REPORT,    /* p: write the report to ask for help */
	RS_REQ_FIX_ALL,   /* a: fix every MCU in one pass */
	RS_REQ_TYPE,      /* a printable character, for a text field */
	RS_REQ_COUNT,
};

#define RS_KEYMAP_MAX_REQUESTS 4

/* The requests key stands for, in the order they are offered (at most
 * RS_KEYMAP_MAX_REQUESTS); returns how many, 0 for a key that means
 * nothing. */
size_t rs_keymap_requests(int key, enum rs_request out[RS_KEYMAP_MAX_REQUESTS]);

/* The character a RS_REQ_TYPE request carries for key, or 0. */
int rs_keymap_char(int key);

#endif
