#include "core/autoflash.h"

#include <stdio.h>

static const char *hands(const struct rs_mcu_plan_item *it)
{
	switch (it->route) {
	case RS_MCU_ROUTE_NONE:
		return "which board this is is unknown";
	case RS_MCU_ROUTE_HOST:
		return "the Pi's own MCU is not a USB board";
	case RS_MCU_ROUTE_RP2040_UF2:
		return "an RP2040 in BOOTSEL is not flashed unattended";
	case RS_MCU_ROUTE_KATAPULT_USB:
	case RS_MCU_ROUTE_KATAPULT_CAN:
		return "Katapult and CAN nodes are not flashed unattended";
	case RS_MCU_ROUTE_BOARD:
		break;
	}
	switch (it->board_route) {
	case RS_ROUTE_USB:
		return NULL;
	case RS_ROUTE_REMOTE_SD:
		return "its remote SD update needs a power cycle";
	case RS_ROUTE_DFU:
		return "DFU needs its BOOT0 jumper or buttons";
	case RS_ROUTE_SDCARD:
		return "it is flashed from an SD card";
	}
	return "no USB route";
}

enum rs_autoflash_pick rs_autoflash_pick(const struct rs_mcu_plan_item *it, char *why, size_t len)
{
	why[0] = '\0';
	if (!it->needs_flash && !it->needs_build)
		return RS_AUTOFLASH_CURRENT;
	const char *h = hands(it);
	if (!h && it->blocked)
		h = it->note;
	else if (!h && (!it->device || it->device->kind != RS_HW_KLIPPER))
		h = "it is not connected on USB running Klipper";
	if (h) {
		snprintf(why, len, "%s: run sudo ratos-setup flash --all", h);
		return RS_AUTOFLASH_LEFT_ALONE;
	}
	/* Unattended, only firmware known to be current: not "cannot tell". */
	if (it->built != RS_FWCUR_CURRENT) {
		snprintf(why, len,
			 "its built firmware is not current (%s): run ratos-setup build %s, then "
			 "sudo ratos-setup flash --all",
			 rs_fw_verdict_name(it->built), it->board->id);
		return RS_AUTOFLASH_LEFT_ALONE;
	}
	return RS_AUTOFLASH_FLASH;
}
