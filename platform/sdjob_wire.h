/* Between the card write's child process and ratos-setup (platform/sdjob.h):
 * one line per report, "sd<TAB>what<TAB>field...", each field escaped.
 * Internal to the sdjob files. */
#ifndef RS_PLATFORM_SDJOB_WIRE_H
#define RS_PLATFORM_SDJOB_WIRE_H

#include <stddef.h>

#include "platform/sdjob.h"

/* Exit code of a write that stopped at a safe point on request. */
#define RS_SDWIRE_STOPPED 2
#define RS_SDWIRE_MAX_FIELDS 8

/* Backslash, and every control byte, as \xNN: a field never holds a tab
 * or a newline. Caller frees. */
char *rs_sdwire_escape(const char *s);
/* Writes "sd\t<what>\t<fields>\n" to stdout in one write. */
void rs_sdwire_emit(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Splits a line after "sd\t" at tabs in place, unescaping each field;
 * returns the number of fields (0: not a report line). */
size_t rs_sdwire_split(char *line, char *fields[RS_SDWIRE_MAX_FIELDS]);

/* The child steps. */
int rs_sdjob_write_child(void *ctx);
int rs_sdjob_tidy_child(void *ctx);

#endif
