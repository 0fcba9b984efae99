/* The board model: everything the wizard and the subcommands know about one
 * controller board or toolboard, and about the stepper drivers that can sit on
 * it. Filled by core/board_loader.c from boards/<id>.yaml (schema:
 * boards/README.md). All strings are owned by the struct. */
#ifndef RS_CORE_BOARD_H
#define RS_CORE_BOARD_H

#include <stdbool.h>
#include <stddef.h>

#define RS_MAX_VOLTAGES 8

enum rs_board_kind { RS_KIND_CONTROL, RS_KIND_TOOLBOARD };
enum rs_support_level { RS_SUPPORT_FULL, RS_SUPPORT_PARTIAL, RS_SUPPORT_UNSUPPORTED };
enum rs_flash_method {
	RS_FLASH_SDCARD,       /* firmware file copied to a card by hand */
	RS_FLASH_USB,          /* `make flash` over the Klipper USB serial */
	RS_FLASH_DFU,          /* STM32 ROM DFU (BOOT0) */
	RS_FLASH_FLASH_SDCARD, /* Klipper's flash-sdcard.sh, card stays in the board */
	RS_FLASH_MANUAL,       /* no automatic route; instructions only */
};
enum rs_endstop_rail { RS_RAIL_NONE, RS_RAIL_5V, RS_RAIL_3V3 };

struct rs_strv {
	char **items;
	size_t count;
};

struct rs_board {
	char *id; /* [a-z0-9-]+, equals the file name */
	char *name;
	char *manufacturer;
	enum rs_board_kind kind;
	char *mcu; /* Klipper's CONFIG_MCU, e.g. stm32f429xx */

	enum rs_support_level support;
	char *support_reason; /* NULL for full support */
	char *recommended;    /* board id suggested instead, or NULL */

	struct rs_strv klipper; /* minimal config lines, "CONFIG_X=value" */
	char *usb_serial;       /* CONFIG_USB_SERIAL_NUMBER; NULL when not USB */

	enum rs_flash_method flash_method;
	char *sd_file;    /* file name the bootloader looks for, e.g. firmware.bin */
	char *sd_renamed; /* what it renames it to after flashing, e.g. FIRMWARE.CUR */
	char *flash_notes;
	bool has_dfu;
	bool dfu_boot0_jumper;
	struct rs_strv dfu_steps;
	/* Klipper's scripts/flash-sdcard.sh: the board's name in its list
	 * (scripts/spi_flash/board_defs.py), NULL when it has none; and whether
	 * that entry says skip_verify (the board must be power-cycled before
	 * the result can be checked with -c). */
	char *remote_sd_board;
	bool remote_sd_power_cycle;
	/* flash.katapult.offset: the board may carry Katapult (formerly
	 * CanBoot), which fills the flash below this offset; the loader holds
	 * it equal to the build's application start (its FLASH_START line).
	 * 0: no Katapult (flashing through it would write firmware built for
	 * another start, which does not boot). */
	unsigned katapult_offset;

	unsigned driver_count;
	struct rs_strv sockets;          /* driver socket names, driver_count of them */
	bool power_jumpers;              /* VIN / V_MOT jumper above each socket */
	unsigned motor_voltages[RS_MAX_VOLTAGES];
	size_t motor_voltage_count;
	struct rs_strv integrated_drivers; /* driver ids soldered on the board */

	enum rs_endstop_rail endstop_rail;
	char *docs_url;

	char *source_file; /* where it was loaded from */
};

struct rs_driver {
	char *id;   /* e.g. BTT-TMC2209-13 */
	char *name; /* e.g. BTT TMC2209 v1.3 */
	char *chip; /* TMC2209, TMC5160, ... */
	char *protocol; /* uart / spi */
	double sense_ohm; /* 0 when the driver senses current internally */
	double max_current;
	unsigned voltages[RS_MAX_VOLTAGES];
	size_t voltage_count;
	bool external; /* external driver module (e.g. TMC5160T Plus) */
};

void rs_board_free(struct rs_board *b);
void rs_driver_free(struct rs_driver *d);
void rs_strv_free(struct rs_strv *v);
void rs_strv_push(struct rs_strv *v, const char *s);
/* Puts a NULL after the last item (not counted), for execvp. */
void rs_strv_terminate(struct rs_strv *v);

const char *rs_board_kind_name(enum rs_board_kind k);
const char *rs_support_level_name(enum rs_support_level s);
const char *rs_flash_method_name(enum rs_flash_method m);
const char *rs_endstop_rail_name(enum rs_endstop_rail r);

/* True when the board is flashed from a card carried from a reader on the Pi:
 * its flash method is sdcard (or manual, with a card file). Boards flashed
 * over USB that also name a card file (a fallback) are not. */
bool rs_board_uses_sdcard(const struct rs_board *b);

/* Facts derived from the Klipper lines, for display. 0 when not stated. */
unsigned long rs_board_flash_start(const struct rs_board *b); /* e.g. 0x08008000 */
unsigned rs_board_bootloader_kib(const struct rs_board *b);   /* e.g. 32 */
unsigned rs_board_crystal_mhz(const struct rs_board *b);      /* e.g. 8 */
/* "PA11/PA12" style USB pins, or NULL. */
const char *rs_board_usb_pins(const struct rs_board *b, char *buf, unsigned len);

#endif
