#include "core/board_rules.h"

#include <stdlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/sdcheck.h"
#include "core/xalloc.h"
#include "core/yaml_tree.h"

bool rs_board_rules_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64 || s[0] == '-' || s[n - 1] == '-')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

bool rs_board_rules_remote_sd_name(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64 || s[0] == '-' || s[0] == '.')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

bool rs_board_rules_driver_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n > 0 && n <= 64 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

bool rs_board_rules_config_line(const char *s)
{
	if (!s || strncmp(s, "CONFIG_", 7) != 0)
		return false;
	const char *key = s + 7;
	size_t klen = strcspn(key, "=");
	if (klen == 0 || key[klen] != '=' || key[klen + 1] == '\0')
		return false;
	bool mach = strncmp(key, "MACH_", 5) == 0;
	for (size_t i = 0; i < klen; i++) {
		char c = key[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
			  (mach && i >= 5 && c >= 'a' && c <= 'z');
		if (!ok)
			return false;
	}
	for (const char *v = key + klen + 1; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == '#')
			return false;
	return true;
}

bool rs_board_rules_usb_serial(const char *s)
{
	if (!s || strlen(s) > 63 || strpbrk(s, "\"\\ "))
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20)
			return false;
	return true;
}

/* The loader's rule, so a cached catalog can never hold a name the loader refuses. */
bool rs_board_rules_card_file(const char *s)
{
	char why[128];
	return s && rs_sd_name_check(s, why, sizeof(why));
}

static bool text_ok(const char *s)
{
	if (!s)
		return true;
	struct rs_errors errs = {0};
	bool ok = rs_utf8_check("", s, strlen(s), &errs);
	rs_errors_clear(&errs);
	return ok;
}

static bool strv_ok(const struct rs_strv *v, bool (*rule)(const char *))
{
	for (size_t i = 0; i < v->count; i++)
		if (!v->items[i] || !text_ok(v->items[i]) || (rule && !rule(v->items[i])))
			return false;
	return true;
}

static bool source_ok(const char *file, const char *dir, const char *id)
{
	char *want = rs_xasprintf("%s/%s.yaml", dir, id);
	bool ok = file && strcmp(file, want) == 0;
	free(want);
	return ok;
}

/* No link is allowed (the documentation has no page for every board). */
static bool docs_ok(const char *url)
{
	return !url || (strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0);
}

unsigned rs_board_rules_app_offset(const struct rs_strv *klipper)
{
	static const char *const prefixes[] = { "CONFIG_STM32_FLASH_START_",
						"CONFIG_RPXXXX_FLASH_START_",
						"CONFIG_LPC_FLASH_START_" };
	for (size_t i = 0; i < klipper->count; i++) {
		const char *line = klipper->items[i];
		for (size_t k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++) {
			size_t n = strlen(prefixes[k]);
			if (strncmp(line, prefixes[k], n) != 0)
				continue;
			const char *hex = line + n;
			size_t digits = strspn(hex, "0123456789ABCDEF");
			if (digits && digits <= 6 && strcmp(hex + digits, "=y") == 0)
				return (unsigned)strtoul(hex, NULL, 16);
		}
	}
	return 0;
}

const char *rs_board_rules_katapult(const struct rs_board *b, char *buf, size_t len)
{
	if (!b->katapult_offset)
		return NULL;
	unsigned start = rs_board_rules_app_offset(&b->klipper);
	if (start < RS_KATAPULT_MIN_OFFSET) {
		snprintf(buf, len, "the build leaves no room for Katapult: the firmware starts at "
			 "0x%x (its klipper lines need the FLASH_START of the bootloader, e.g. "
			 "CONFIG_RPXXXX_FLASH_START_4000=y)", start);
		return buf;
	}
	if (start != b->katapult_offset) {
		snprintf(buf, len, "Katapult's offset 0x%x is not where the build puts the firmware "
			 "(0x%x, its FLASH_START line): flashed through Katapult it would not boot, "
			 "or overwrite Katapult", b->katapult_offset, start);
		return buf;
	}
	return NULL;
}

const char *rs_board_rules_check(const struct rs_board *b, const char *dir)
{
	const char *const texts[] = {b->name,		b->manufacturer, b->mcu,
				     b->support_reason, b->flash_notes,	 b->docs_url};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!text_ok(texts[i]))
			return "text";
	if (!rs_board_rules_id(b->id))
		return "id";
	if (!dir || !source_ok(b->source_file, dir, b->id))
		return "source file";
	if (b->recommended && !rs_board_rules_id(b->recommended))
		return "support.recommended";
	if (!strv_ok(&b->klipper, rs_board_rules_config_line))
		return "klipper";
	if (b->usb_serial && !rs_board_rules_usb_serial(b->usb_serial))
		return "usb_serial";
	if (b->sd_file && !rs_board_rules_card_file(b->sd_file))
		return "flash.sdcard.file";
	if (b->sd_renamed && !rs_board_rules_card_file(b->sd_renamed))
		return "flash.sdcard.renamed_to";
	if (!strv_ok(&b->dfu_steps, NULL) || !strv_ok(&b->sockets, NULL))
		return "text";
	if (!strv_ok(&b->integrated_drivers, rs_board_rules_driver_id))
		return "drivers.integrated";
	if (!docs_ok(b->docs_url))
		return "docs";
	char why[300];
	if (rs_board_rules_katapult(b, why, sizeof(why)))
		return "flash.katapult.offset";
	return NULL;
}

const char *rs_board_rules_check_driver(const struct rs_driver *d)
{
	if (!rs_board_rules_driver_id(d->id))
		return "id";
	if (!text_ok(d->name) || !text_ok(d->chip) || !text_ok(d->protocol))
		return "text";
	return NULL;
}
