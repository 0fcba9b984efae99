#include "tui/keymap.h"

#include <curses.h>

/* Keys that are both text and a command are text first: a screen with a
 * filter takes them while the user types, every other screen ignores
 * RS_REQ_TYPE and the command follows. */
struct row {
	int keys[6]; /* 0-terminated */
	enum rs_request reqs[RS_KEYMAP_MAX_REQUESTS]; /* RS_REQ_NONE-terminated */
};

static const struct row keymap[] = {
	{ { KEY_UP }, { RS_REQ_UP } },
	{ { KEY_DOWN }, { RS_REQ_DOWN } },
	{ { 'k' }, { RS_REQ_TYPE, RS_REQ_UP } },
	{ { 'j' }, { RS_REQ_TYPE, RS_REQ_DOWN } },
	{ { KEY_PPAGE }, { RS_REQ_PAGE_UP } },
	{ { KEY_NPAGE }, { RS_REQ_PAGE_DOWN } },
	{ { KEY_HOME }, { RS_REQ_HOME } },
	{ { KEY_END }, { RS_REQ_END } },
	{ { KEY_LEFT }, { RS_REQ_LEFT } },
	{ { KEY_RIGHT }, { RS_REQ_RIGHT } },
	{ { 'h' }, { RS_REQ_TYPE, RS_REQ_LEFT } },
	{ { 'l' }, { RS_REQ_TYPE, RS_REQ_LOG, RS_REQ_RIGHT } },
	{ { 'L' }, { RS_REQ_TYPE, RS_REQ_LOG } },
	{ { '\t', KEY_BTAB }, { RS_REQ_SWITCH } },
	{ { '\n', '\r', KEY_ENTER }, { RS_REQ_ACCEPT } },
	{ { 27 }, { RS_REQ_CANCEL } },
	{ { KEY_BACKSPACE, 127, 8 }, { RS_REQ_ERASE } },
	{ { 'y', 'Y' }, { RS_REQ_TYPE, RS_REQ_YES } },
	{ { 'n', 'N' }, { RS_REQ_TYPE, RS_REQ_NO, RS_REQ_NEXT } },
	{ { '?' }, { RS_REQ_TYPE, RS_REQ_HELP } },
	{ { KEY_F(1) }, { RS_REQ_HELP } },
	{ { 'q', 'Q' }, { RS_REQ_TYPE, RS_REQ_QUIT } },
	{ { 'r', 'R' }, { RS_REQ_TYPE, RS_REQ_RETRY } },
	{ { 'c', 'C' }, { RS_REQ_TYPE, RS_REQ_STOP, RS_REQ_CHECK } },
	{ { 'f', 'F' }, { RS_REQ_TYPE, RS_REQ_FIX } },
	{ { KEY_F(2) }, { RS_REQ_LINK } },
	{ { 'p', 'P' }, { RS_REQ_TYPE, RS_REQ_REPORT } },
	{ { 'a', 'A' }, { RS_REQ_TYPE, RS_REQ_FIX_ALL } },
};

int rs_keymap_char(int key)
{
	return key >= 0x20 && key <= 0x7e ? key : 0;
}

size_t rs_keymap_requests(int key, enum rs_request out[RS_KEYMAP_MAX_REQUESTS])
{
	for (size_t r = 0; r < sizeof(keymap) / sizeof(keymap[0]); r++) {
		for (size_t k = 0; k < 6 && keymap[r].keys[k]; k++) {
			if (keymap[r].keys[k] != key)
				continue;
			size_t n = 0;
			while (n < RS_KEYMAP_MAX_REQUESTS && keymap[r].reqs[n] != RS_REQ_NONE) {
				out[n] = keymap[r].reqs[n];
				n++;
			}
			return n;
		}
	}
	/* Any other printable character is text (or nothing). */
	if (rs_keymap_char(key)) {
		out[0] = RS_REQ_TYPE;
		return 1;
	}
	return 0;
}
