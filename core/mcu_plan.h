/* Every MCU of the printer in one pass (`flash --all`): which MCUs there
 * are (printer.cfg's [mcu ...] sections, mapped to boards the way doctor
 * does, plus boards connected now that printer.cfg does not name), whether
 * each needs new firmware (built: core/fw_current.h; flashed: the version it
 * runs against the tree's), the route that can flash it now, and the order.
 *
 * The order is safe for CAN: nodes behind a USB-to-CAN bridge are flashed
 * while the bridge still carries the bus, the bridge after them. Boards
 * that can only be flashed from a card are prepared (built) and listed with
 * the card step, never dropped. The Pi's own MCU (Klipper's linux process)
 * comes last: it cannot be bricked and needs no hands, and its install
 * restarts the klipper-mcu service, which must be up when Klipper starts
 * again right after the pass.
 *
 * Pure: the caller gathers the facts (printer.cfg, klippy.log, udev, the
 * firmware files through the built() callback). */
#ifndef RS_CORE_MCU_PLAN_H
#define RS_CORE_MCU_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/board.h"
#include "core/catalog.h"
#include "core/doctor.h"
#include "core/flash_route.h"
#include "core/fw_current.h"
#include "core/hw.h"
#include "core/printer_cfg.h"

/* Klipper's documented serial for the Pi's own MCU (RPi_microcontroller.md). */
#define RS_HOST_MCU_SERIAL "/tmp/klipper_host_mcu"
#define RS_MCU_PLAN_MAX (RS_PCFG_MAX_MCUS + 8)

enum rs_mcu_link {
	RS_MCU_LINK_USB,   /* serial: a USB serial port (by-id or /dev/RatOS) */
	RS_MCU_LINK_CAN,   /* canbus_uuid: */
	RS_MCU_LINK_HOST,  /* serial: /tmp/klipper_host_mcu */
	RS_MCU_LINK_OTHER, /* a UART or a name that says nothing */
};

enum rs_mcu_role {
	RS_MCU_ROLE_PLAIN,
	RS_MCU_ROLE_BEHIND_BRIDGE, /* a CAN node reached through a bridge MCU */
	RS_MCU_ROLE_BRIDGE,        /* runs Klipper's USB-to-CAN bridge mode */
	RS_MCU_ROLE_HOST,
};

enum rs_mcu_route {
	RS_MCU_ROUTE_NONE,         /* which board it is is unknown */
	/* The board's own best route (core/flash_route.h: USB make flash,
	 * remote SD, DFU, or the card, which is prepared only: built, then
	 * the card step): item->board_route. */
	RS_MCU_ROUTE_BOARD,
	RS_MCU_ROUTE_RP2040_UF2,   /* klipper.uf2 copied to the RP2040's BOOTSEL drive */
	RS_MCU_ROUTE_KATAPULT_USB, /* Katapult's flashtool.py on /dev/serial/by-id/usb-katapult_... */
	RS_MCU_ROUTE_KATAPULT_CAN, /* Katapult's flashtool.py -i can0 -u UUID */
	RS_MCU_ROUTE_HOST,         /* make flash of the linux target, klipper-mcu restarted */
};

/* What klippy.log says an MCU runs (all may be NULL). */
struct rs_mcu_running {
	const char *name;
	const char *version;
	const char *chip;
};

struct rs_mcu_plan_in {
	const struct rs_catalog *cat;
	const struct rs_pcfg *cfg;   /* NULL: no printer.cfg */
	const struct rs_hw_list *hw; /* connected now; NULL: not looked */
	const char *tree_version;    /* the Klipper tree's; NULL unknown */
	const struct rs_mcu_running *running;
	size_t running_count;
	const char *saved_board; /* the wizard's, or NULL */
	/* The verdict of the board's built firmware (firmware-<id>.bin) by the
	 * current-firmware rule. NULL: treated as never built. */
	enum rs_fw_verdict (*built)(void *ctx, const struct rs_board *b);
	void *ctx;
	bool can_up; /* a can0 network interface exists */
	enum rs_service_state klipper; /* the Klipper service, for the USB routes */
};

struct rs_mcu_plan_item {
	char name[64]; /* "mcu", "EBBCan"; a board id for a connected board not in printer.cfg */
	bool in_config;
	enum rs_mcu_link link;
	enum rs_mcu_role role;
	char address[256]; /* its serial: or canbus_uuid:, "" when none */
	const struct rs_board *board; /* NULL: unknown (always NULL for the host) */
	enum rs_doctor_source source;
	const struct rs_hw_board *device; /* in in->hw, NULL: not connected or not USB */
	const char *running_version;      /* from the log, NULL unknown */
	enum rs_fw_verdict built;
	bool needs_build;
	bool needs_flash;
	enum rs_mcu_route route;
	enum rs_route board_route; /* RS_MCU_ROUTE_BOARD: which one */
	bool blocked; /* the route cannot run now: note says what to do */
	char note[400];
};

struct rs_mcu_plan {
	struct rs_mcu_plan_item items[RS_MCU_PLAN_MAX]; /* in the order to flash */
	size_t count;
	size_t bridges;
};

void rs_mcu_plan_make(const struct rs_mcu_plan_in *in, struct rs_mcu_plan *out);
/* How many items need anything (a build or a flash). */
size_t rs_mcu_plan_pending(const struct rs_mcu_plan *p);

/* True when the board's firmware runs Klipper's USB-to-CAN bridge mode:
 * one of its config lines selects it (CONFIG_USBCANBUS=y, or a chip's
 * choice that selects USBCANBUS in Klipper's Kconfig:
 * CONFIG_STM32_USBCANBUS_PA11_PA12, CONFIG_RPXXXX_USBCANBUS,
 * CONFIG_LPC_USBCANBUS, CONFIG_ATSAM_USBCANBUS, CONFIG_ATSAMD_USBCANBUS).
 * CONFIG_HAVE_STM32_USBCANBUS only says the chip could. */
bool rs_board_is_usb_can_bridge(const struct rs_board *b);
bool rs_mcu_serial_is_host(const char *serial);

const char *rs_mcu_link_name(enum rs_mcu_link l);   /* usb, can, host, other */
const char *rs_mcu_role_name(enum rs_mcu_role r);   /* plain, behind-bridge, bridge, host */
/* none, usb, remote-sd, dfu, sdcard, rp2040-uf2, katapult-usb,
 * katapult-can, host; and for people. */
const char *rs_mcu_route_name(const struct rs_mcu_plan_item *it);
const char *rs_mcu_route_title(const struct rs_mcu_plan_item *it);

#endif
