#include "core/flash_route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const route_names[RS_ROUTE_COUNT] = { "usb", "remote-sd", "dfu", "sdcard" };
static const char *const route_titles[RS_ROUTE_COUNT] = {
	"USB (Klipper's make flash)", "remote SD update (flash-sdcard.sh)",
	"DFU (STM32 bootloader)", "SD card from the Pi's reader",
};

const char *rs_route_name(enum rs_route r)
{
	return (unsigned)r < RS_ROUTE_COUNT ? route_names[r] : "?";
}

const char *rs_route_title(enum rs_route r)
{
	return (unsigned)r < RS_ROUTE_COUNT ? route_titles[r] : "?";
}

bool rs_route_from_name(const char *name, enum rs_route *out)
{
	for (unsigned i = 0; name && i < RS_ROUTE_COUNT; i++)
		if (strcmp(name, route_names[i]) == 0) {
			*out = (enum rs_route)i;
			return true;
		}
	return false;
}

const char *rs_service_state_name(enum rs_service_state s)
{
	switch (s) {
	case RS_SERVICE_UNKNOWN: return "unknown";
	case RS_SERVICE_ABSENT: return "absent";
	case RS_SERVICE_STOPPED: return "stopped";
	case RS_SERVICE_RUNNING: return "running";
	}
	return "?";
}

bool rs_route_mcu_is_avr(const char *mcu)
{
	return mcu && (strncmp(mcu, "atmega", 6) == 0 || strncmp(mcu, "at90usb", 7) == 0);
}

static bool is_stm32(const char *mcu)
{
	return mcu && strncmp(mcu, "stm32", 5) == 0;
}

bool rs_route_dfu_util_ok(const char *line, bool *known)
{
	*known = false;
	const char *p = line ? strstr(line, "dfu-util ") : NULL;
	if (!p)
		return false;
	unsigned major = 0, minor = 0;
	if (sscanf(p + 9, "%u.%u", &major, &minor) != 2)
		return false;
	*known = true;
	return major > 0 || minor >= 11;
}

/* A connected board that runs the board's firmware over USB serial. */
static bool runs_klipper(const struct rs_board *b, const struct rs_hw_board *h)
{
	if (h->kind == RS_HW_KLIPPER)
		return true;
	/* The Einsy's USB-serial bridge is there whatever its firmware. */
	return h->kind == RS_HW_EINSY && rs_route_mcu_is_avr(b->mcu);
}

static bool names(const struct rs_hw_board *h, const char *device)
{
	return (h->by_id && strcmp(h->by_id, device) == 0) ||
	       (h->devnode && strcmp(h->devnode, device) == 0);
}

const struct rs_hw_board *rs_route_find_board(const struct rs_board *b, const struct rs_hw_list *hw,
					      const char *device, bool *ambiguous)
{
	*ambiguous = false;
	if (!hw)
		return NULL;
	const struct rs_hw_board *by_mcu = NULL;
	size_t mcu_count = 0;
	for (size_t i = 0; i < hw->board_count; i++) {
		const struct rs_hw_board *h = &hw->boards[i];
		if (!runs_klipper(b, h))
			continue;
		if (device) {
			if (names(h, device))
				return h;
			continue;
		}
		if (b->usb_serial && h->serial && strcmp(h->serial, b->usb_serial) == 0)
			return h;
		if (h->mcu && b->mcu && strcasecmp(h->mcu, b->mcu) == 0) {
			by_mcu = h;
			mcu_count++;
		}
	}
	if (mcu_count > 1) {
		*ambiguous = true;
		return NULL;
	}
	return by_mcu;
}

bool rs_route_dfu_present(const struct rs_hw_list *hw)
{
	for (size_t i = 0; hw && i < hw->board_count; i++)
		if (hw->boards[i].kind == RS_HW_STM32_DFU)
			return true;
	return false;
}

static struct rs_route_option *add(struct rs_route_list *l, enum rs_route r)
{
	struct rs_route_option *o = &l->items[l->count++];
	memset(o, 0, sizeof(*o));
	o->route = r;
	return o;
}

/* Both serial routes talk to the running board and stop Klipper first. */
static void serial_route(struct rs_route_option *o, const struct rs_route_input *in,
			 const struct rs_hw_board *h, bool ambiguous)
{
	if (h && !h->by_id) {
		snprintf(o->why_not, sizeof(o->why_not),
			 "%s has no /dev/serial/by-id link; pass --device", h->devnode ? h->devnode : "the board");
	} else if (h) {
		o->device = h->by_id;
		o->possible = true;
	} else if (ambiguous) {
		snprintf(o->why_not, sizeof(o->why_not),
			 "several connected boards have the %s: name one with --device", in->board->mcu);
	} else if (in->device) {
		snprintf(o->why_not, sizeof(o->why_not), "no board running Klipper at %s", in->device);
	} else {
		snprintf(o->why_not, sizeof(o->why_not),
			 "the board is not on USB running Klipper (connect it and power it on)");
	}
	if (o->possible && in->klipper == RS_SERVICE_UNKNOWN) {
		o->possible = false;
		snprintf(o->why_not, sizeof(o->why_not),
			 "cannot tell whether the Klipper service runs (no systemctl): stop "
			 "Klipper yourself, then use the card or DFU");
	}
}

static void add_usb(struct rs_route_list *l, const struct rs_route_input *in,
		    const struct rs_hw_board *h, bool ambiguous)
{
	struct rs_route_option *o = add(l, RS_ROUTE_USB);
	snprintf(o->needs, sizeof(o->needs),
		 "the board on USB running Klipper; the Klipper service is stopped while %s "
		 "writes %s and started again afterwards",
		 l->avr ? "avrdude" : "make flash", l->avr ? "klipper.elf.hex" : "klipper.bin");
	serial_route(o, in, h, ambiguous);
}

static void add_remote_sd(struct rs_route_list *l, const struct rs_route_input *in,
			  const struct rs_hw_board *h, bool ambiguous)
{
	const struct rs_board *b = in->board;
	struct rs_route_option *o = add(l, RS_ROUTE_REMOTE_SD);
	snprintf(o->needs, sizeof(o->needs),
		 "the board on USB running Klipper and a FAT32 card (32 GB or smaller) in the "
		 "board's own SD slot; Klipper is stopped meanwhile%s",
		 b->remote_sd_power_cycle ? "; then a power cycle of the board before the check"
					  : "");
	serial_route(o, in, h, ambiguous);
}

static void add_dfu(struct rs_route_list *l, const struct rs_route_input *in)
{
	const struct rs_board *b = in->board;
	struct rs_route_option *o = add(l, RS_ROUTE_DFU);
	snprintf(o->needs, sizeof(o->needs),
		 "the board in DFU mode (%s), dfu-util 0.11 or newer; afterwards %s and reset",
		 b->dfu_boot0_jumper ? "BOOT0 jumper, then reset" : "BOOT and RESET buttons",
		 b->dfu_boot0_jumper ? "remove the jumper" : "release BOOT");
	o->device = RS_DFU_DEVICE;
	if (rs_route_dfu_present(in->hw)) {
		o->possible = true;
	} else {
		o->can_wait = true;
		snprintf(o->why_not, sizeof(o->why_not),
			 "no board in DFU mode (%s) now: follow the board's DFU steps", RS_DFU_DEVICE);
	}
}

static void add_sdcard(struct rs_route_list *l, const struct rs_route_input *in)
{
	struct rs_route_option *o = add(l, RS_ROUTE_SDCARD);
	snprintf(o->needs, sizeof(o->needs),
		 "a card in a USB card reader on the Pi; then the card in the board and a power "
		 "cycle (ratos-setup sdcard write --board %s)", in->board->id);
	if (in->hw && rs_hw_list_candidates(in->hw) > 0)
		o->possible = true;
	else
		snprintf(o->why_not, sizeof(o->why_not), "no writable card in a reader on the Pi");
}

void rs_route_list_make(const struct rs_route_input *in, struct rs_route_list *out)
{
	memset(out, 0, sizeof(*out));
	const struct rs_board *b = in->board;
	out->manual = b->flash_method == RS_FLASH_MANUAL;
	out->avr = rs_route_mcu_is_avr(b->mcu);
	bool ambiguous = false;
	const struct rs_hw_board *h = rs_route_find_board(b, in->hw, in->device, &ambiguous);
	out->ambiguous = ambiguous;

	/* USB needs firmware that speaks USB (or the Einsy's bridge) and a
	 * board whose bootloader Klipper's make flash can reach: the card
	 * boards' bootloaders cannot be. */
	bool usb = (b->flash_method == RS_FLASH_USB || b->flash_method == RS_FLASH_MANUAL) &&
		   (b->usb_serial || out->avr);
	bool remote_sd = b->remote_sd_board && b->sd_file;
	bool dfu = b->has_dfu && is_stm32(b->mcu);
	bool card = b->sd_file != NULL;
	bool card_first = b->flash_method == RS_FLASH_SDCARD;
	bool remote_first = b->flash_method == RS_FLASH_FLASH_SDCARD;

	if (card_first && card)
		add_sdcard(out, in);
	if (remote_first && remote_sd)
		add_remote_sd(out, in, h, ambiguous);
	if (usb)
		add_usb(out, in, h, ambiguous);
	if (remote_sd && !remote_first)
		add_remote_sd(out, in, h, ambiguous);
	if (dfu)
		add_dfu(out, in);
	if (card && !card_first)
		add_sdcard(out, in);
}

const struct rs_route_option *rs_route_list_best(const struct rs_route_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		if (l->items[i].possible)
			return &l->items[i];
	return NULL;
}

const struct rs_route_option *rs_route_list_find(const struct rs_route_list *l, enum rs_route r)
{
	for (size_t i = 0; i < l->count; i++)
		if (l->items[i].route == r)
			return &l->items[i];
	return NULL;
}

const char *rs_route_root_reason(const struct rs_board *b, enum rs_route r,
				 enum rs_service_state klipper, bool root)
{
	if (root || r == RS_ROUTE_SDCARD)
		return NULL;
	if (klipper == RS_SERVICE_RUNNING && (r == RS_ROUTE_USB || r == RS_ROUTE_REMOTE_SD))
		return "stopping the Klipper service needs root";
	if ((r == RS_ROUTE_USB || r == RS_ROUTE_DFU) && !rs_route_mcu_is_avr(b->mcu))
		return "Klipper's make flash runs dfu-util with sudo, which asks for a password";
	return NULL;
}
