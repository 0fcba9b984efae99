#include "core/doctor.h"

#include <stdio.h>
#include <string.h>

#include "core/board_match.h"
#include "core/fw_current.h"
#include "core/printer_cfg.h"

static void next_step(const struct rs_doctor_facts *f, enum rs_doctor_verdict v, char *buf,
		      size_t len)
{
	const struct rs_board *b = f->board;
	char kl[300] = "";
	if (f->klipper_arg)
		snprintf(kl, sizeof(kl), " --klipper %s", f->klipper_arg);
	if (v == RS_DOC_CURRENT) {
		buf[0] = '\0';
		return;
	}
	if (v == RS_DOC_UNKNOWN) {
		snprintf(buf, len, "restart Klipper (FIRMWARE_RESTART) and run ratos-setup doctor "
				   "again; the log does not say which firmware the MCU runs");
		return;
	}
	if (!b) {
		snprintf(buf, len, "run ratos-setup%s and choose the board of MCU '%s': it builds "
				   "the firmware and shows how to flash it",
			 kl, f->name);
		return;
	}
	bool built = v == RS_DOC_BUILT_NOT_FLASHED;
	switch (b->flash_method) {
	case RS_FLASH_SDCARD:
		if (built)
			snprintf(buf, len, "write it to the card: run ratos-setup%s and press f, or "
					   "sudo ratos-setup sdcard write --board %s%s",
				 kl, b->id, kl);
		else
			snprintf(buf, len, "build it and write it to the card: run ratos-setup%s "
					   "and press f, or ratos-setup build %s%s && sudo ratos-setup "
					   "sdcard write --board %s%s",
				 kl, b->id, kl, b->id, kl);
		break;
	case RS_FLASH_FLASH_SDCARD:
	case RS_FLASH_USB:
	case RS_FLASH_DFU:
	case RS_FLASH_MANUAL: {
		const char *how = b->flash_method == RS_FLASH_FLASH_SDCARD
					  ? "flash it with Klipper's scripts/flash-sdcard.sh (the card "
					    "stays in the board)"
					  : "flash it over USB: the \"Build firmware\" step of "
					    "ratos-setup shows the make flash command";
		if (built)
			snprintf(buf, len, "%s%s%s", how, f->serial ? "; the board is " : "",
				 f->serial ? f->serial : "");
		else
			snprintf(buf, len, "ratos-setup build %s%s, then %s%s%s", b->id, kl, how,
				 f->serial ? "; the board is " : "", f->serial ? f->serial : "");
		break;
	}
	}
}

/* A board id or a USB serial (RatOS uses the id; toolboards <id>-t0). */
static const struct rs_board *by_name(const struct rs_catalog *cat, const char *name)
{
	const struct rs_board *b = rs_catalog_find(cat, name);
	for (size_t i = 0; !b && i < cat->board_count; i++)
		if (cat->boards[i].usb_serial && strcmp(cat->boards[i].usb_serial, name) == 0)
			b = &cat->boards[i];
	size_t n = strlen(name);
	if (!b && n > 3 && strncmp(name + n - 3, "-t", 2) == 0) {
		char id[128];
		snprintf(id, sizeof(id), "%.*s", (int)(n - 3), name);
		b = rs_catalog_find(cat, id);
	}
	return b;
}

static bool chip_fits(const struct rs_board *b, const char *chip)
{
	return !chip || !*chip || strcmp(b->mcu, chip) == 0;
}

const struct rs_board *rs_doctor_map_board(const struct rs_catalog *cat, const char *serial,
					   const char *chip, const struct rs_hw_list *hw,
					   const char *saved, enum rs_doctor_source *source)
{
	*source = RS_DOC_BY_NONE;
	char id[256], serial_chip[64];
	if (serial && rs_pcfg_serial_names(serial, id, sizeof(id), serial_chip,
					   sizeof(serial_chip))) {
		const struct rs_board *b = by_name(cat, id);
		if (b) {
			*source = RS_DOC_BY_SERIAL;
			return b;
		}
	}
	/* Connected now: one Klipper board whose chip fits, named by its serial
	 * or alone with that chip in the catalog. */
	const struct rs_board *found = NULL;
	size_t fits = 0;
	for (size_t i = 0; hw && i < hw->board_count; i++) {
		const struct rs_hw_board *h = &hw->boards[i];
		if (h->kind != RS_HW_KLIPPER || (chip && *chip && h->mcu && strcmp(h->mcu, chip)))
			continue;
		struct rs_board_match m;
		rs_board_match(cat, h, &m);
		if ((m.kind == RS_MATCH_SERIAL || m.kind == RS_MATCH_MCU) && m.count &&
		    chip_fits(m.boards[0], chip)) {
			found = m.boards[0];
			fits++;
		}
		rs_board_match_free(&m);
	}
	if (fits == 1) {
		*source = RS_DOC_BY_CONNECTED;
		return found;
	}
	const struct rs_board *b = saved && *saved ? rs_catalog_find(cat, saved) : NULL;
	if (b && chip_fits(b, chip)) {
		*source = RS_DOC_BY_SAVED;
		return b;
	}
	return NULL;
}

void rs_doctor_judge(const struct rs_doctor_facts *f, struct rs_doctor_mcu *out)
{
	memset(out, 0, sizeof(*out));
	if (!f->mcu_version || !*f->mcu_version || !f->host_version || !*f->host_version)
		out->verdict = RS_DOC_UNKNOWN;
	else if (rs_fw_version_matches(f->mcu_version, f->host_version) && !f->listed_to_update)
		out->verdict = RS_DOC_CURRENT;
	else if (f->board && f->built_version &&
		 rs_fw_version_matches(f->built_version, f->host_version))
		out->verdict = RS_DOC_BUILT_NOT_FLASHED;
	else
		out->verdict = RS_DOC_FIRMWARE_OLDER;
	next_step(f, out->verdict, out->next, sizeof(out->next));
}

const char *rs_doctor_verdict_name(enum rs_doctor_verdict v)
{
	static const char *const n[] = { "current", "firmware-older", "built-not-flashed",
					 "unknown" };
	return (size_t)v < 4 ? n[v] : "?";
}

const char *rs_doctor_verdict_text(enum rs_doctor_verdict v)
{
	static const char *const n[] = { "current", "firmware older than host",
					 "new firmware built but not flashed", "unknown" };
	return (size_t)v < 4 ? n[v] : "?";
}

const char *rs_doctor_source_name(enum rs_doctor_source s)
{
	static const char *const n[] = { "none", "serial", "connected", "saved" };
	return (size_t)s < 4 ? n[s] : "?";
}
