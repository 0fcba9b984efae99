/* Which ways new firmware can get onto a board, best first, and which of them
 * can run with what is connected now. Pure: the board data says which routes
 * exist, the hardware list and the Klipper service's state say which are
 * possible; platform/flash_job.c runs the chosen one.
 *
 *   USB        Klipper's `make flash FLASH_DEVICE=<by-id>` on the board running
 *              Klipper (avrdude for AVR boards), Klipper service stopped
 *   remote-sd  Klipper's scripts/flash-sdcard.sh writes the card in the board's
 *              own slot over the running board's USB link
 *   DFU        the STM32 ROM bootloader (BOOT0 jumper or buttons), 0483:df11
 *   sdcard     a card from the Pi's reader (`ratos-setup sdcard write`) */
#ifndef RS_CORE_FLASH_ROUTE_H
#define RS_CORE_FLASH_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/board.h"
#include "core/hw.h"

enum rs_route {
	RS_ROUTE_USB,
	RS_ROUTE_REMOTE_SD,
	RS_ROUTE_DFU,
	RS_ROUTE_SDCARD,
};
#define RS_ROUTE_COUNT (RS_ROUTE_SDCARD + 1)

#define RS_DFU_DEVICE "0483:df11"

/* What the host knows about the Klipper service (platform/klipper_service). */
enum rs_service_state {
	RS_SERVICE_UNKNOWN, /* no service manager to ask */
	RS_SERVICE_ABSENT,  /* no klipper.service */
	RS_SERVICE_STOPPED, /* installed, not running */
	RS_SERVICE_RUNNING,
};

struct rs_route_option {
	enum rs_route route;
	bool possible;     /* can run now with what is connected */
	bool can_wait;     /* not possible now, but running it waits for the board
			    * (DFU: it waits for 0483:df11 after the board's steps) */
	/* The connected device the route talks to: the board's by-id link (USB,
	 * remote-sd), RS_DFU_DEVICE for DFU; borrowed from the hw list or
	 * static; NULL when none. */
	const char *device;
	char needs[320];   /* what the route needs, one sentence */
	char why_not[256]; /* why it is not possible now; "" when it is */
};

struct rs_route_list {
	struct rs_route_option items[RS_ROUTE_COUNT];
	size_t count;
	/* flash.method manual: never run without a typed acknowledgment of the
	 * board's notes (heaters that switch on in DFU, ...). */
	bool manual;
	bool avr; /* an AVR board: `make flash` runs avrdude on klipper.elf.hex */
	/* Several connected Klipper boards could be this one: USB and
	 * remote-sd need the device named (--device). */
	bool ambiguous;
};

struct rs_route_input {
	const struct rs_board *board;
	const struct rs_hw_list *hw;   /* what is connected now; may be NULL */
	enum rs_service_state klipper; /* the Klipper service */
	/* The device the user named (--device): a by-id link or a /dev node of
	 * a connected board; NULL to find the board in hw. */
	const char *device;
};

/* Fills out with the board's routes, best first: the board's own method
 * first (a card board: card, remote SD, DFU; a USB board: USB, remote SD,
 * DFU, card). */
void rs_route_list_make(const struct rs_route_input *in, struct rs_route_list *out);
/* The first possible route, or NULL. */
const struct rs_route_option *rs_route_list_best(const struct rs_route_list *l);
const struct rs_route_option *rs_route_list_find(const struct rs_route_list *l, enum rs_route r);

/* The connected board the USB and remote-sd routes talk to: the one named
 * by device, else a Klipper board whose USB serial is the board's
 * usb_serial, else the only one with the board's MCU. NULL when none (or
 * several: *ambiguous set). */
const struct rs_hw_board *rs_route_find_board(const struct rs_board *b, const struct rs_hw_list *hw,
					      const char *device, bool *ambiguous);
/* The board sits in the STM32 ROM bootloader now. */
bool rs_route_dfu_present(const struct rs_hw_list *hw);

/* Why running route r as a user who is not root cannot work, or NULL when
 * it can (root: always NULL). Stopping a running Klipper service is root's
 * work (usb, remote-sd); Klipper's make flash on an ARM board runs
 * `sudo dfu-util` itself, a password question that only a terminal of its
 * own can answer (usb, dfu; AVR boards use avrdude without sudo). */
const char *rs_route_root_reason(const struct rs_board *b, enum rs_route r,
				 enum rs_service_state klipper, bool root);

/* usb, remote-sd, dfu, sdcard; and back (false for an unknown name). */
const char *rs_route_name(enum rs_route r);
bool rs_route_from_name(const char *name, enum rs_route *out);
/* "USB (make flash)", "remote SD update", ... */
const char *rs_route_title(enum rs_route r);
const char *rs_service_state_name(enum rs_service_state s);
/* True for Klipper's AVR MCUs (atmega..., at90usb...). */
bool rs_route_mcu_is_avr(const char *mcu);
/* dfu-util's "dfu-util 0.11" first line: true when the version is known
 * and at least 0.11 (older ones fail on STM32 option bytes). *known says
 * whether a version was found. */
bool rs_route_dfu_util_ok(const char *version_line, bool *known);

#endif
