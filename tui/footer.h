/* The footer: a key legend generated from the key tables that dispatch the
 * keys, so it never lists a key that does nothing here. */
#ifndef RS_TUI_FOOTER_H
#define RS_TUI_FOOTER_H

#include <curses.h>
#include <stdbool.h>

#include "tui/screen.h"

/* True when the row applies now (its available() says so). */
bool rs_key_available(const struct rs_key_binding *b, void *st, void *ctx);
/* True when key is one of the row's keys. */
bool rs_key_bound(const struct rs_key_binding *b, int key);
/* True when a global row is hidden because available screen rows take all
 * of its keys (screen keys come first). */
bool rs_key_shadowed(const struct rs_key_binding *global, const struct rs_key_binding *screen_keys,
		     void *st, void *ctx);

/* Screen keys first, then the global ones; screen entries are dropped from
 * the end when the line is too narrow, the global ones always stay. */
void rs_footer_draw(WINDOW *w, int y, int width, const struct rs_key_binding *screen_keys,
		    const struct rs_key_binding *global_keys, void *st, void *ctx);

#endif
