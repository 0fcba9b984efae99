/* The footer: a key legend generated from the request tables that answer
 * the keys, so it never lists a key that does nothing here. */
#ifndef RS_TUI_FOOTER_H
#define RS_TUI_FOOTER_H

#include <curses.h>
#include <stdbool.h>

#include "tui/screen.h"

/* True when the row applies in mode (the screen's mode() bits). */
bool rs_key_available(const struct rs_key_binding *b, unsigned mode);
/* True when req is one of the row's requests. */
bool rs_key_bound(const struct rs_key_binding *b, enum rs_request req);
/* True when a global row is hidden because available screen rows answer
 * all of its requests (screen rows come first). */
bool rs_key_shadowed(const struct rs_key_binding *global, const struct rs_key_binding *screen_keys,
		     unsigned mode);

/* Screen rows first, then the global ones; screen entries are dropped from
 * the end when the line is too narrow, the global ones always stay. */
void rs_footer_draw(WINDOW *w, int y, int width, const struct rs_key_binding *screen_keys,
		    const struct rs_key_binding *global_keys, unsigned mode);

#endif
