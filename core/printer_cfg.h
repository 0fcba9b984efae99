/* The parts of Klipper's printer.cfg that say which boards the printer
 * uses: every [mcu] / [mcu NAME] section with its serial: (or canbus_uuid:).
 * Klipper's syntax: [section] headers, "key: value" or "key = value",
 * indented continuation lines, '#' and ';' comments, and [include PATTERN]
 * sections, which Klipper reads at the point they appear. The parser hands
 * each include to a callback at that point, so a later section overrides an
 * earlier one exactly as in Klipper; reading the files is the caller's job. */
#ifndef RS_CORE_PRINTER_CFG_H
#define RS_CORE_PRINTER_CFG_H

#include <stdbool.h>
#include <stddef.h>

#define RS_PCFG_MAX_MCUS 16

struct rs_pcfg_mcu {
	char name[64];     /* last word of the section: "mcu", "EBBCan" */
	char serial[256];  /* "" when none */
	char canbus_uuid[64];
	char file[256];    /* where serial: (or the section) was last set */
	int line;
};

struct rs_pcfg {
	struct rs_pcfg_mcu mcus[RS_PCFG_MAX_MCUS];
	size_t mcu_count;
};

/* Called for [include PATTERN] in file at line; the callback parses what it
 * names into the same rs_pcfg. */
typedef void (*rs_pcfg_include_fn)(void *ctx, const char *pattern, const char *file, int line);

void rs_pcfg_parse(struct rs_pcfg *cfg, const char *file, const char *text, size_t len,
		   rs_pcfg_include_fn include, void *ctx);
/* From a serial path: "/dev/RatOS/<id>" gives <id>; "/dev/serial/by-id/
 * usb-Klipper_<mcu>_<serial>-if00" gives <serial> (and the chip in mcu).
 * False for anything else (a /dev/ttyACM0, a UART). */
bool rs_pcfg_serial_names(const char *serial, char *id, size_t idlen, char *mcu, size_t mculen);

#endif
