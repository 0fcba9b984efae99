#include "core/board.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

void rs_strv_push(struct rs_strv *v, const char *s)
{
	v->items = rs_xrealloc(v->items, (v->count + 1) * sizeof(*v->items));
	v->items[v->count++] = rs_xstrdup(s);
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

bool rs_board_uses_sdcard(const struct rs_board *b)
{
	return b->sd_file != NULL;
}

const char *rs_board_config_value(const struct rs_board *b, const char *key)
{
	size_t klen = strlen(key);
	for (size_t i = 0; i < b->klipper.count; i++) {
		const char *line = b->klipper.items[i];
		if (strncmp(line, "CONFIG_", 7) == 0 && strncmp(line + 7, key, klen) == 0 &&
		    line[7 + klen] == '=')
			return line + 7 + klen + 1;
	}
	return NULL;
}
