/* The board loader's rules for the strings that end up as folder and file
 * names, config lines and identifiers, as plain predicates on values. The
 * loader checks them on YAML with positions; values that did not come
 * through the loader (the parsed-catalog cache in the user's ~/.cache) are
 * held to the same rules here before anything uses them, and so is a board
 * id before it names a folder. */
#ifndef RS_CORE_BOARD_RULES_H
#define RS_CORE_BOARD_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/board.h"

/* [a-z0-9-], 1..64, no dash at either end: safe as one path component. */
bool rs_board_rules_id(const char *s);
/* A board name of Klipper's flash-sdcard.sh list ("btt-skr-v1.4",
 * "robin_v3"): [a-z0-9._-], 1..64, not starting with '-' or '.'. */
bool rs_board_rules_remote_sd_name(const char *s);
/* [A-Z0-9-], 1..64 (drivers.yaml ids). */
bool rs_board_rules_driver_id(const char *s);
/* CONFIG_[A-Z0-9_]+=value (lower case after CONFIG_MACH_), no control
 * characters or '#' in the value. */
bool rs_board_rules_config_line(const char *s);
/* At most 63 characters, no spaces, quotes or backslashes. */
bool rs_board_rules_usb_serial(const char *s);
/* A file name in the card's root, by the loader's rule (rs_sd_name_check): no
 * '/', no glob characters, not starting with '-' or '.', at most one dot
 * with a name of 1..8 and an extension of 1..3 characters (8.3). */
bool rs_board_rules_card_file(const char *s);

/* Where the board's build puts the firmware, as an offset into flash, from
 * its CONFIG_STM32_FLASH_START_xxxx, CONFIG_RPXXXX_FLASH_START_xxxx or
 * CONFIG_LPC_FLASH_START_xxxx line; 0 when none says (no bootloader). */
unsigned rs_board_rules_app_offset(const struct rs_strv *klipper);
/* The smallest room a Katapult build needs below the firmware (RP2040's
 * 256-byte boot stage is not a bootloader). */
#define RS_KATAPULT_MIN_OFFSET 0x1000u
/* NULL when the board's katapult offset (0: none) fits its build, else why
 * not (one sentence). */
const char *rs_board_rules_katapult(const struct rs_board *b, char *buf, size_t len);

/* Every rule above for one board, plus: its source file is dir/<id>.yaml
 * (the loader's "id equals the file name"), every string is valid UTF-8
 * without NUL, and its docs link is http(s). NULL when it passes, else the
 * name of the first field that does not. */
const char *rs_board_rules_check(const struct rs_board *b, const char *dir);
/* The same for a driver: id, and UTF-8 strings. */
const char *rs_board_rules_check_driver(const struct rs_driver *d);

#endif
