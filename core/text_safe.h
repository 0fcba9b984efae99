/* The one rule for showing text we did not write: names on a card, strings in
 * a firmware's dictionary, USB and volume labels, paths from the mount table.
 * Such text can hold terminal control sequences (ESC [ 2 J clears the screen,
 * an OSC sequence retitles the window or worse) or bytes that are not UTF-8;
 * shown raw, a file name could rewrite what the user reads before a write.
 *
 * Kept as they are: printable ASCII and valid UTF-8 for printable characters
 * (so "Café" stays "Café"). Escaped as \xNN, one escape per byte:
 *  - C0 controls (U+0000-U+001F: ESC, BEL, CR, LF, TAB, ...) and DEL;
 *  - C1 controls U+0080-U+009F (a terminal may read U+009B as CSI);
 *  - the format characters that reorder or break a line: U+061C, U+200E,
 *    U+200F, U+2028-U+202E, U+2066-U+2069;
 *  - every byte that is not part of valid UTF-8 (stray continuation bytes,
 *    overlong forms, surrogates, code points past U+10FFFF, cut sequences).
 * A backslash is kept: the result is then safe and making it safe again
 * changes nothing. Escaping is only for showing: values used to find, match
 * or open something stay raw and are made safe where they are printed. */
#ifndef RS_CORE_TEXT_SAFE_H
#define RS_CORE_TEXT_SAFE_H

#include <stdbool.h>
#include <stddef.h>

enum rs_text_kind {
	RS_TEXT_SHOWN,   /* printed as it is */
	RS_TEXT_CONTROL, /* valid UTF-8, but a control or format character */
	RS_TEXT_INVALID, /* one byte that is not valid UTF-8 */
};

/* Decodes the character at s (len > 0): returns its length in bytes (1 for
 * an invalid byte), sets *cp (the byte itself when invalid) and *kind. */
size_t rs_text_next(const char *s, size_t len, unsigned *cp, enum rs_text_kind *kind);

/* A display-safe copy of s (NULL for NULL). Caller frees. */
char *rs_text_safe(const char *s);
/* The same for len bytes that may hold NULs (shown as \x00). */
char *rs_text_safe_n(const char *s, size_t len);
/* The same into dst (size > 0), cut before the first character or escape
 * that does not fit. Returns dst. */
char *rs_text_safe_copy(char *dst, size_t size, const char *s, size_t len);
/* True when s would be shown unchanged. */
bool rs_text_is_safe(const char *s);

#endif
