#include "core/board_loader.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/board_rules.h"
#include "core/sdcheck.h"
#include "core/xalloc.h"
#include "core/yaml_fields.h"
#include "core/yaml_tree.h"

static const char *const kind_names[] = { "control", "toolboard", NULL };
static const char *const support_names[] = { "full", "partial", "unsupported", NULL };
static const char *const method_names[] = { "sdcard", "usb", "dfu", "flash-sdcard", "manual", NULL };
static const char *const rail_names[] = { "none", "5V", "3.3V", NULL };

/* Scratch fields that are not part of struct rs_board but are parsed with it. */
struct board_doc {
	struct rs_board b;
	bool has_sdcard;
	char *katapult_offset; /* flash.katapult.offset as written: 0x4000 */
};

#define B(field) offsetof(struct board_doc, b.field)
#define STR(k, field, req) { .key = k, .type = RS_F_STRING, .offset = B(field), .required = req }

static const struct rs_field support_fields[] = {
	{ .key = "level", .type = RS_F_ENUM, .offset = B(support), .required = true,
	  .names = support_names },
	STR("reason", support_reason, false),
	STR("recommended", recommended, false),
	{ 0 },
};

static const struct rs_field sdcard_fields[] = {
	STR("file", sd_file, true),
	STR("renamed_to", sd_renamed, true),
	{ 0 },
};

static const struct rs_field dfu_fields[] = {
	{ .key = "boot0_jumper", .type = RS_F_BOOL, .offset = B(dfu_boot0_jumper), .required = true },
	{ .key = "steps", .type = RS_F_STRV, .offset = B(dfu_steps), .required = true, .max_items = 16 },
	{ 0 },
};

static const struct rs_field remote_sd_fields[] = {
	STR("board", remote_sd_board, true),
	{ .key = "power_cycle", .type = RS_F_BOOL, .offset = B(remote_sd_power_cycle),
	  .required = true },
	{ 0 },
};

static const struct rs_field katapult_fields[] = {
	{ .key = "offset", .type = RS_F_STRING, .offset = offsetof(struct board_doc, katapult_offset),
	  .required = true },
	{ 0 },
};

static const struct rs_field flash_fields[] = {
	{ .key = "method", .type = RS_F_ENUM, .offset = B(flash_method), .required = true,
	  .names = method_names },
	{ .key = "sdcard", .type = RS_F_MAP, .sub = sdcard_fields,
	  .count_offset = offsetof(struct board_doc, has_sdcard) },
	{ .key = "dfu", .type = RS_F_MAP, .sub = dfu_fields, .count_offset = B(has_dfu) },
	{ .key = "remote_sd", .type = RS_F_MAP, .sub = remote_sd_fields },
	{ .key = "katapult", .type = RS_F_MAP, .sub = katapult_fields },
	STR("notes", flash_notes, false),
	{ 0 },
};

static const struct rs_field driver_block_fields[] = {
	{ .key = "count", .type = RS_F_UINT, .offset = B(driver_count), .required = true,
	  .min = 0, .max = 16 },
	{ .key = "sockets", .type = RS_F_STRV, .offset = B(sockets), .max_items = 16 },
	{ .key = "power_jumpers", .type = RS_F_BOOL, .offset = B(power_jumpers), .required = true },
	{ .key = "motor_voltages", .type = RS_F_UINTV, .offset = B(motor_voltages),
	  .count_offset = B(motor_voltage_count), .min = 5, .max = 60, .max_items = RS_MAX_VOLTAGES },
	{ .key = "integrated", .type = RS_F_STRV, .offset = B(integrated_drivers), .max_items = 16 },
	{ 0 },
};

static const struct rs_field board_fields[] = {
	STR("id", id, true),
	STR("name", name, true),
	STR("manufacturer", manufacturer, true),
	{ .key = "kind", .type = RS_F_ENUM, .offset = B(kind), .required = true, .names = kind_names },
	STR("mcu", mcu, true),
	{ .key = "support", .type = RS_F_MAP, .sub = support_fields, .required = true },
	{ .key = "klipper", .type = RS_F_STRV, .offset = B(klipper), .required = true, .max_items = 64 },
	STR("usb_serial", usb_serial, false),
	{ .key = "flash", .type = RS_F_MAP, .sub = flash_fields, .required = true },
	{ .key = "drivers", .type = RS_F_MAP, .sub = driver_block_fields, .required = true },
	{ .key = "endstop_rail", .type = RS_F_ENUM, .offset = B(endstop_rail), .required = true,
	  .names = rail_names },
	STR("docs", docs_url, false),
	{ 0 },
};

/* The node holding the value of key in map (for positioning errors), or map. */
static const struct rs_ynode *value_node(const struct rs_ynode *map, const char *path)
{
	const struct rs_ynode *n = map;
	char part[32];
	while (*path && n->kind == RS_YMAP) {
		size_t len = strcspn(path, ".");
		snprintf(part, sizeof(part), "%.*s", (int)len, path);
		const struct rs_ynode *found = NULL;
		for (size_t i = 0; i + 1 < n->count; i += 2)
			if (n->kids[i]->kind == RS_YSCALAR && strcmp(n->kids[i]->value, part) == 0)
				found = n->kids[i + 1];
		if (!found)
			return n;
		n = found;
		path += len + (path[len] == '.');
	}
	return n;
}

static void check_klipper_lines(struct rs_field_ctx *ctx, const struct rs_ynode *root,
				const struct rs_board *b)
{
	const struct rs_ynode *list = value_node(root, "klipper");
	for (size_t i = 0; i < b->klipper.count && list->kind == RS_YSEQ && i < list->count; i++) {
		const char *line = b->klipper.items[i];
		const struct rs_ynode *at = list->kids[i];
		if (!rs_board_rules_config_line(line))
			rs_fields_error(ctx, at, RS_ERR_VALUE,
					"Klipper line \"%s\" is not CONFIG_[A-Z0-9_]+=value", line);
		else if (i == 0 && strcmp(line, "CONFIG_LOW_LEVEL_OPTIONS=y") != 0)
			rs_fields_error(ctx, at, RS_ERR_VALUE,
					"the first Klipper line must be CONFIG_LOW_LEVEL_OPTIONS=y "
					"(without it Klipper silently drops the crystal setting)");
		else if (i == 1 && (strncmp(line, "CONFIG_MACH_", 12) != 0 ||
				    strcmp(line + strcspn(line, "="), "=y") != 0))
			rs_fields_error(ctx, at, RS_ERR_VALUE,
					"the second Klipper line must select the MACH family "
					"(e.g. CONFIG_MACH_STM32=y)");
		else if (strncmp(line, "CONFIG_USB_SERIAL_NUMBER", 24) == 0)
			rs_fields_error(ctx, at, RS_ERR_VALUE,
					"set the USB serial with 'usb_serial', not in 'klipper'");
	}
	if (b->klipper.count < 2)
		rs_fields_error(ctx, list, RS_ERR_RANGE,
				"'klipper' needs at least CONFIG_LOW_LEVEL_OPTIONS=y and the MACH family");
}

/* sdcard.file and renamed_to go to mtools and onto the card as they are. */
static void check_sd_names(struct rs_field_ctx *ctx, const struct rs_ynode *root,
			   const struct rs_board *b)
{
	const char *keys[] = { "flash.sdcard.file", "flash.sdcard.renamed_to" };
	const char *names[] = { b->sd_file, b->sd_renamed };
	bool ok = true;
	for (size_t i = 0; i < 2; i++) {
		char why[128];
		if (!names[i] || rs_sd_name_check(names[i], why, sizeof(why)))
			continue;
		rs_fields_error(ctx, value_node(root, keys[i]), RS_ERR_VALUE,
				"'%s' must be a plain 8.3 file name like firmware.bin or "
				"FIRMWARE.CUR; \"%s\" %s",
				strrchr(keys[i], '.') + 1, names[i], why);
		ok = false;
	}
	if (ok && b->sd_file && b->sd_renamed && rs_sd_name_eq(b->sd_file, b->sd_renamed))
		rs_fields_error(ctx, value_node(root, keys[1]), RS_ERR_VALUE,
				"'renamed_to' must differ from 'file' (FAT names ignore case): the "
				"rename is how a flashed card is told from one that was not");
}

/* flash.katapult.offset: a hex offset, the very start the build gives the
 * firmware. Katapult flashes the image at its own offset: another start
 * does not boot, or overwrites Katapult. */
static void check_katapult(struct rs_field_ctx *ctx, const struct rs_ynode *root,
			   struct board_doc *doc)
{
	const char *v = doc->katapult_offset;
	if (!v)
		return;
	const struct rs_ynode *at = value_node(root, "flash.katapult.offset");
	size_t digits = strncmp(v, "0x", 2) == 0 ? strspn(v + 2, "0123456789abcdefABCDEF") : 0;
	if (!digits || digits > 6 || v[2 + digits]) {
		rs_fields_error(ctx, at, RS_ERR_TYPE, "'offset' must be a hex offset into flash "
				"like 0x4000, not \"%s\"", v);
		return;
	}
	doc->b.katapult_offset = (unsigned)strtoul(v + 2, NULL, 16);
	char why[300];
	if (!doc->b.katapult_offset)
		rs_fields_error(ctx, at, RS_ERR_RANGE, "'offset' 0x0 leaves no room for Katapult");
	else if (rs_board_rules_katapult(&doc->b, why, sizeof(why)))
		rs_fields_error(ctx, at, RS_ERR_VALUE, "%s", why);
}

static void check_board(struct rs_field_ctx *ctx, const struct rs_ynode *root,
			struct board_doc *doc, const char *expected_id)
{
	struct rs_board *b = &doc->b;
	if (b->id && !rs_board_rules_id(b->id))
		rs_fields_error(ctx, value_node(root, "id"), RS_ERR_VALUE,
				"id \"%s\" must be lowercase letters, digits and dashes", b->id);
	else if (b->id && expected_id && strcmp(b->id, expected_id) != 0)
		rs_fields_error(ctx, value_node(root, "id"), RS_ERR_VALUE,
				"id \"%s\" does not match the file name (%s.yaml)", b->id, expected_id);
	if (b->recommended && !rs_board_rules_id(b->recommended))
		rs_fields_error(ctx, value_node(root, "support.recommended"), RS_ERR_VALUE,
				"'recommended' must be a board id");
	if (b->support != RS_SUPPORT_FULL && !b->support_reason)
		rs_fields_error(ctx, value_node(root, "support"), RS_ERR_MISSING_KEY,
				"support level '%s' needs a 'reason'", rs_support_level_name(b->support));
	check_klipper_lines(ctx, root, b);
	if (b->usb_serial && (strlen(b->usb_serial) > 63 || strpbrk(b->usb_serial, "\"\\ ")))
		rs_fields_error(ctx, value_node(root, "usb_serial"), RS_ERR_VALUE,
				"'usb_serial' must be at most 63 characters without spaces or quotes");
	bool sd_route = b->flash_method == RS_FLASH_SDCARD || b->flash_method == RS_FLASH_FLASH_SDCARD;
	if (sd_route && !doc->has_sdcard)
		rs_fields_error(ctx, value_node(root, "flash"), RS_ERR_MISSING_KEY,
				"flash method '%s' needs an 'sdcard' block (file, renamed_to)",
				rs_flash_method_name(b->flash_method));
	check_sd_names(ctx, root, b);
	/* The name goes to flash-sdcard.sh as an argument: never an option. */
	if (b->remote_sd_board && !rs_board_rules_remote_sd_name(b->remote_sd_board))
		rs_fields_error(ctx, value_node(root, "flash.remote_sd.board"), RS_ERR_VALUE,
				"'board' must be a name from Klipper's flash-sdcard.sh list: "
				"lowercase letters, digits, '.', '_' and '-', not starting with '-'");
	if (b->remote_sd_board && !doc->has_sdcard)
		rs_fields_error(ctx, value_node(root, "flash.remote_sd"), RS_ERR_MISSING_KEY,
				"'remote_sd' needs an 'sdcard' block: the board's bootloader "
				"flashes from its own card");
	check_katapult(ctx, root, doc);
	if (b->flash_method == RS_FLASH_DFU && !b->has_dfu)
		rs_fields_error(ctx, value_node(root, "flash"), RS_ERR_MISSING_KEY,
				"flash method 'dfu' needs a 'dfu' block");
	if (b->power_jumpers && b->motor_voltage_count == 0)
		rs_fields_error(ctx, value_node(root, "drivers"), RS_ERR_MISSING_KEY,
				"'power_jumpers: true' needs 'motor_voltages'");
	if (b->sockets.count && b->sockets.count != b->driver_count)
		rs_fields_error(ctx, value_node(root, "drivers.sockets"), RS_ERR_RANGE,
				"'sockets' names %zu sockets but 'count' is %u", b->sockets.count,
				b->driver_count);
	if (b->docs_url && strncmp(b->docs_url, "https://", 8) != 0 &&
	    strncmp(b->docs_url, "http://", 7) != 0)
		rs_fields_error(ctx, value_node(root, "docs"), RS_ERR_VALUE,
				"'docs' must be an http(s) URL");
}

static void fill_defaults(struct rs_board *b)
{
	if (b->sockets.count == 0)
		for (unsigned i = 0; i < b->driver_count; i++) {
			char name[16];
			snprintf(name, sizeof(name), "MOTOR%u", i);
			rs_strv_push(&b->sockets, name);
		}
	if (b->motor_voltage_count == 0) {
		b->motor_voltages[0] = 24;
		b->motor_voltage_count = 1;
	}
}

static bool size_ok(const char *file, size_t len, struct rs_errors *errs)
{
	if (len <= RS_BOARD_FILE_MAX)
		return true;
	rs_errors_add(errs, RS_ERR_TOO_LARGE, file, 1, 1, "file is %zu bytes; the limit is %d",
		      len, RS_BOARD_FILE_MAX);
	return false;
}

bool rs_board_parse(const char *file, const char *buf, size_t len, const char *expected_id,
		    struct rs_board *out, struct rs_errors *errs)
{
	memset(out, 0, sizeof(*out));
	if (!size_ok(file, len, errs) || !rs_utf8_check(file, buf, len, errs))
		return false;
	struct rs_ynode *root = rs_ytree_parse(file, buf, len, errs);
	if (!root)
		return false;
	struct board_doc doc = { 0 };
	struct rs_field_ctx ctx = { .file = file, .errs = errs };
	if (rs_fields_load(&ctx, root, board_fields, &doc))
		check_board(&ctx, root, &doc, expected_id);
	rs_ytree_free(root);
	free(doc.katapult_offset);
	if (ctx.failures) {
		rs_board_free(&doc.b);
		return false;
	}
	fill_defaults(&doc.b);
	doc.b.source_file = rs_xstrdup(file);
	*out = doc.b;
	return true;
}
