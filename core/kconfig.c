#include "core/kconfig.h"

#include <stdio.h>

void rs_kconfig_fragment(const struct rs_board *b, struct rs_strv *lines)
{
	for (size_t i = 0; i < b->klipper.count; i++)
		rs_strv_push(lines, b->klipper.items[i]);
	if (b->usb_serial) {
		char line[128];
		rs_strv_push(lines, "# CONFIG_USB_SERIAL_NUMBER_CHIPID is not set");
		snprintf(line, sizeof(line), "CONFIG_USB_SERIAL_NUMBER=\"%s\"", b->usb_serial);
		rs_strv_push(lines, line);
	}
}
