/* Which board files a connected USB board could be. RatOS builds firmware
 * with CONFIG_USB_SERIAL_NUMBER set to the board id (toolboards <id>-t0), so
 * the USB serial names the board exactly; firmware built elsewhere reports the
 * chip id, and then only the MCU narrows it down to several candidates. */
#ifndef RS_CORE_BOARD_MATCH_H
#define RS_CORE_BOARD_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/board.h"
#include "core/catalog.h"
#include "core/hw.h"

enum rs_match_kind {
	RS_MATCH_NONE,        /* nothing in the catalog fits */
	RS_MATCH_SERIAL,      /* USB serial equals a board's usb_serial (or id) */
	RS_MATCH_MCU,         /* exactly one board has this MCU */
	RS_MATCH_MCU_SEVERAL, /* several boards have this MCU: the user must choose */
};

struct rs_board_match {
	enum rs_match_kind kind;
	const struct rs_board **boards; /* borrowed from the catalog, catalog order */
	size_t count;
	/* Serial match whose board data names another MCU than the device
	 * reports: the board runs firmware built for something else. */
	bool mcu_conflict;
};

/* Fills out (free with rs_board_match_free). cat may be NULL: no match. */
void rs_board_match(const struct rs_catalog *cat, const struct rs_hw_board *hw,
		    struct rs_board_match *out);
void rs_board_match_free(struct rs_board_match *m);
/* Stable name for JSON: none, serial, mcu, mcu-several. */
const char *rs_match_kind_name(enum rs_match_kind kind);

/* The board to preselect among everything connected: a serial match first
 * (control boards before toolboards), else the first MCU candidate. Returns
 * how sure that is (RS_MATCH_NONE and *out NULL when nothing fits); *from, if
 * not NULL, gets the connected device it came from. */
enum rs_match_kind rs_board_match_best(const struct rs_catalog *cat,
				       const struct rs_hw_board *hw, size_t count,
				       const struct rs_board **out,
				       const struct rs_hw_board **from);

#endif
