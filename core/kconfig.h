/* Klipper's Kconfig files: the minimal fragment generated from a board, the
 * expanded file `make olddefconfig` writes back, and the check that every
 * requested setting survived the expansion (Kconfig silently drops or
 * replaces settings whose dependencies are not met). */
#ifndef RS_CORE_KCONFIG_H
#define RS_CORE_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/board.h"
#include "core/error.h"
#include "core/sha256.h"

/* One setting: `CONFIG_X=value` or `# CONFIG_X is not set` (value NULL). */
struct rs_kconfig_entry {
	char *key;   /* with the CONFIG_ prefix */
	char *value; /* raw text after '=', quotes kept; NULL when not set */
	int line;    /* 1-based line in the file */
};

struct rs_kconfig {
	struct rs_kconfig_entry *items;
	size_t count;
};

/* The board's `klipper` lines, then, when the board has a USB serial, the
 * lines RatOS uses so the board appears as
 * /dev/serial/by-id/usb-Klipper_<mcu>_<serial>-if00:
 * "# CONFIG_USB_SERIAL_NUMBER_CHIPID is not set" and
 * CONFIG_USB_SERIAL_NUMBER="<serial>". Appends to lines. */
void rs_kconfig_fragment(const struct rs_board *b, struct rs_strv *lines);
/* The lines joined, each ending in '\n'. Caller frees. */
char *rs_kconfig_join(const struct rs_strv *lines);

/* Splits one line into key and value. False for blank lines, other
 * comments and anything that is not a setting. */
bool rs_kconfig_parse_line(const char *line, char **key, char **value);
/* Parses a whole file's text; unrecognised lines are skipped. */
void rs_kconfig_parse(const char *buf, size_t len, struct rs_kconfig *out);
bool rs_kconfig_load_file(const char *path, struct rs_kconfig *out, struct rs_errors *errs);
const struct rs_kconfig_entry *rs_kconfig_find(const struct rs_kconfig *kc, const char *key);
/* Value of key, "n" for a `not set` line, NULL when absent. */
const char *rs_kconfig_get(const struct rs_kconfig *kc, const char *key);
void rs_kconfig_free(struct rs_kconfig *kc);

/* True when every requested line (settings and `is not set` lines alike) is
 * in expanded with the same value. Each one that is not becomes an error
 * naming the line and what the expanded file says instead. */
bool rs_kconfig_check(const struct rs_strv *requested, const struct rs_kconfig *expanded,
		      const char *expanded_file, struct rs_errors *errs);

/* Fingerprint of the settings only (comments and blank lines do not count),
 * in file order. */
void rs_kconfig_hash(const struct rs_kconfig *kc, char hex[RS_SHA256_HEX_LEN]);

#endif
