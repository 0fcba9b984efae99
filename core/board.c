#include "core/board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

void rs_strv_push(struct rs_strv *v, const char *s)
{
	v->items = rs_xrealloc(v->items, (v->count + 1) * sizeof(*v->items));
	v->items[v->count++] = rs_xstrdup(s);
}

void rs_strv_terminate(struct rs_strv *v)
{
	v->items = rs_xrealloc(v->items, (v->count + 1) * sizeof(*v->items));
	v->items[v->count] = NULL;
}

void rs_strv_free(struct rs_strv *v)
{
	for (size_t i = 0; i < v->count; i++)
		free(v->items[i]);
	free(v->items);
	v->items = NULL;
	v->count = 0;
}

void rs_board_free(struct rs_board *b)
{
	if (!b)
		return;
	free(b->id);
	free(b->name);
	free(b->manufacturer);
	free(b->mcu);
	free(b->support_reason);
	free(b->recommended);
	rs_strv_free(&b->klipper);
	free(b->usb_serial);
	free(b->sd_file);
	free(b->sd_renamed);
	free(b->flash_notes);
	rs_strv_free(&b->dfu_steps);
	free(b->remote_sd_board);
	rs_strv_free(&b->sockets);
	rs_strv_free(&b->integrated_drivers);
	free(b->docs_url);
	free(b->source_file);
	memset(b, 0, sizeof(*b));
}

void rs_driver_free(struct rs_driver *d)
{
	if (!d)
		return;
	free(d->id);
	free(d->name);
	free(d->chip);
	free(d->protocol);
	memset(d, 0, sizeof(*d));
}

const char *rs_board_kind_name(enum rs_board_kind k)
{
	return k == RS_KIND_TOOLBOARD ? "toolboard" : "control";
}

const char *rs_support_level_name(enum rs_support_level s)
{
	switch (s) {
	case RS_SUPPORT_FULL: return "full";
	case RS_SUPPORT_PARTIAL: return "partial";
	case RS_SUPPORT_UNSUPPORTED: return "unsupported";
	}
	return "?";
}

const char *rs_flash_method_name(enum rs_flash_method m)
{
	switch (m) {
	case RS_FLASH_SDCARD: return "sdcard";
	case RS_FLASH_USB: return "usb";
	case RS_FLASH_DFU: return "dfu";
	case RS_FLASH_FLASH_SDCARD: return "flash-sdcard";
	case RS_FLASH_MANUAL: return "manual";
	}
	return "?";
}

const char *rs_endstop_rail_name(enum rs_endstop_rail r)
{
	switch (r) {
	case RS_RAIL_NONE: return "none";
	case RS_RAIL_5V: return "5V";
	case RS_RAIL_3V3: return "3.3V";
	}
	return "?";
}

/* Boards flashed over USB often name a card file as a fallback; that is no
 * reason to send their users to a card reader. */
bool rs_board_uses_sdcard(const struct rs_board *b)
{
	return b->sd_file &&
	       (b->flash_method == RS_FLASH_SDCARD || b->flash_method == RS_FLASH_MANUAL);
}

/* The selected CONFIG_<prefix><suffix>=y line's suffix, e.g. "8000" for
 * prefix STM32_FLASH_START_. */
static const char *choice_suffix(const struct rs_board *b, const char *prefix)
{
	size_t plen = strlen(prefix);
	for (size_t i = 0; i < b->klipper.count; i++) {
		const char *line = b->klipper.items[i] + 7;
		size_t len = strlen(line);
		if (strncmp(line, prefix, plen) == 0 && len > plen + 2 &&
		    strcmp(line + len - 2, "=y") == 0)
			return line + plen;
	}
	return NULL;
}

unsigned long rs_board_flash_start(const struct rs_board *b)
{
	static const struct { const char *prefix; unsigned long base; } bases[] = {
		{ "STM32_FLASH_START_", 0x08000000ul },
		{ "LPC_FLASH_START_", 0 },
		{ "RP2040_FLASH_START_", 0x10000000ul },
		{ "RPXXXX_FLASH_START_", 0x10000000ul },
	};
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		const char *s = choice_suffix(b, bases[i].prefix);
		if (s)
			return bases[i].base + strtoul(s, NULL, 16);
	}
	return 0;
}

unsigned rs_board_bootloader_kib(const struct rs_board *b)
{
	unsigned long start = rs_board_flash_start(b);
	return (unsigned)((start & 0xfffffful) / 1024);
}

unsigned rs_board_crystal_mhz(const struct rs_board *b)
{
	const char *s = choice_suffix(b, "STM32_CLOCK_REF_");
	return s ? (unsigned)strtoul(s, NULL, 10) : 0;
}

const char *rs_board_usb_pins(const struct rs_board *b, char *buf, unsigned len)
{
	/* STM32_USB_PA11_PA12, not STM32_USB_DOUBLE_BUFFER_TX */
	const char *s = choice_suffix(b, "STM32_USB_P");
	if (!s)
		return NULL;
	size_t n = strcspn(s, "=");
	snprintf(buf, len, "P%.*s", (int)n, s);
	char *us = strchr(buf, '_');
	if (us)
		*us = '/';
	return buf;
}
