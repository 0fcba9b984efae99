#include "screens/sdcard_actions.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/text_safe.h"
#include "core/xalloc.h"
#include "platform/paths.h"
#include "platform/sdwrite.h"

static const char *first_error(const struct rs_errors *errs, char *buf, size_t len)
{
	if (!errs->count)
		return "unknown error";
	return rs_error_format(&errs->items[0], buf, len);
}

/* Appends like snprintf at *n, never past len. */
static void add(char *buf, size_t len, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	if (*n >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	*n = k < 0 ? len : *n + (size_t)k;
}

void rs_sd_action_firmware(const struct rs_board *b, char **path, struct rs_fwinfo *fw,
			   char *problem, size_t len)
{
	char *dir = rs_path_firmware_dir();
	*path = rs_xasprintf("%s/firmware-%s.bin", dir, b->id);
	free(dir);
	problem[0] = '\0';
	memset(fw, 0, sizeof(*fw));
	if (access(*path, F_OK) != 0) {
		char *pretty = rs_path_pretty(*path);
		snprintf(problem, len,
			 "No firmware for the %s yet: %s does not exist. Build it first (Esc goes "
			 "back to the firmware step, or run 'ratos-setup build %s'), then press "
			 "Enter here to look again.",
			 b->name, pretty, b->id);
		free(pretty);
		return;
	}
	struct rs_errors errs = { 0 };
	char line[600];
	if (rs_sd_firmware_check(b, *path, fw, &errs) != RS_SD_OK)
		snprintf(problem, len,
			 "This firmware cannot go on the card: %s. Build it again for the %s (Esc "
			 "goes back), then press Enter here.",
			 first_error(&errs, line, sizeof(line)), b->name);
	rs_errors_clear(&errs);
}

char *rs_sd_action_confirm(const struct rs_board *b, const struct rs_fwinfo *fw,
			   const char *target, struct rs_sdcard_id *id, char *problem,
			   size_t len)
{
	struct rs_errors errs = { 0 };
	struct rs_sdcard card = { 0 };
	struct rs_strv remove = { 0 };
	char line[700], *desc = NULL, *text = NULL;
	/* Opened read-only: the confirmation must not hold the card. */
	enum rs_sd_status st = rs_sdcard_open(target, RS_SD_READ, NULL, &card, &errs);
	if (st == RS_SD_OK)
		st = rs_sdcard_check_writable(&card, &errs);
	if (st == RS_SD_OK)
		st = rs_sd_plan(&card, b, &remove, &errs);
	if (st != RS_SD_OK) {
		snprintf(problem, len, "Cannot write to this card: %s",
			 first_error(&errs, line, sizeof(line)));
		goto out;
	}
	desc = rs_sdcard_describe(&card);
	rs_sdcard_identity(&card, id);
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	if (!f)
		abort();
	/* Names on the card and the mount point are shown display-safe. */
	char *shown = rs_text_safe(target);
	fprintf(f, "%s (%s) will get %s (%zu bytes, %s, %s).", shown, desc, b->sd_file,
		fw->size, fw->mcu ? fw->mcu : b->mcu, fw->version ? fw->version : "version unknown");
	free(shown);
	for (size_t i = 0; i < remove.count; i++) {
		shown = rs_text_safe(remove.items[i]);
		fprintf(f, " %s will be removed.", shown);
		free(shown);
	}
	fprintf(f, " Nothing else on the card changes.");
	if (card.serial) {
		shown = rs_text_safe(card.serial);
		fprintf(f, " Card serial: %s.", shown);
		free(shown);
	}
	if (card.mountpoint) {
		shown = rs_text_safe(card.mountpoint);
		fprintf(f, " It is mounted at %s; the file is written through it.", shown);
		free(shown);
	}
	if (rs_sdcard_is_large(&card))
		fprintf(f, "\n\nThis card is larger than 32 GB: many bootloaders cannot read such "
			   "cards. If the board does not take the firmware, use a card of 32 GB "
			   "or less.");
	fclose(f);
out:
	free(desc);
	rs_strv_free(&remove);
	rs_sdcard_close(&card);
	rs_errors_clear(&errs);
	return text;
}

void rs_sd_written_free(struct rs_sd_written *w)
{
	rs_strv_free(&w->done);
	rs_strv_free(&w->steps);
	w->verified[0] = '\0';
}

bool rs_sd_action_written(const struct rs_sd_run *r, bool utf8, struct rs_sd_written *out,
			  char *problem, size_t len, char *hint, size_t hint_len)
{
	const struct rs_sdjob *j = &r->sj;
	char line[700];
	rs_sd_written_free(out);
	if (j->status == RS_SD_STOPPED && j->errs.count) {
		/* Where it stopped and what the card holds now. */
		snprintf(problem, len, "%s", j->errs.items[0].msg);
		snprintf(hint, hint_len, "%s", rs_sdjob_hint(j->status));
		return false;
	}
	if (j->status != RS_SD_OK) {
		snprintf(problem, len, "Not written: %s",
			 j->errs.count ? rs_error_format(&j->errs.items[0], line, sizeof(line))
				       : "unknown error");
		snprintf(hint, hint_len, "%s", rs_sdjob_hint(j->status));
		return false;
	}
	char hex[RS_SHA256_HEX_LEN];
	rs_sha256_to_hex(j->res.sha256, hex);
	snprintf(out->verified, sizeof(out->verified),
		 "Verified: %s on the card matches (sha256 %.8s%s).", j->res.final_name, hex,
		 utf8 ? "\u2026" : "...");
	for (size_t i = 0; i < r->done.count; i++)
		rs_strv_push(&out->done, r->done.items[i]);
	rs_sd_after_write_steps(j->board,
				j->card && j->card->has_mount_fd ? j->card->mountpoint : NULL,
				"Press c here: the card is checked as soon as it is back "
				"in the reader.",
				&out->steps);
	return true;
}

enum rs_sd_verdict rs_sd_action_check(const struct rs_board *b, const char *fw_path,
				      const char *target, char *msg, size_t len)
{
	struct rs_errors errs = { 0 };
	struct rs_sdcard card = { 0 };
	struct rs_sdcheck_result res;
	char line[700];
	enum rs_sd_verdict v = RS_SD_UNREADABLE;
	enum rs_sd_status st = rs_sdcard_open(target, RS_SD_READ, NULL, &card, &errs);
	if (st == RS_SD_OK)
		st = rs_sd_check(&card, b, fw_path, &res, &errs);
	if (st != RS_SD_OK) {
		snprintf(msg, len, "Cannot read the card: %s", first_error(&errs, line, sizeof(line)));
		goto out;
	}
	size_t n = 0;
	add(msg, len, &n, "%s %s: %s.", res.flashed ? "Flashed." : "Not flashed.", target,
	    res.summary);
	if (res.flashed)
		add(msg, len, &n, " Plug the USB cable back in; Enter finishes.");
	for (unsigned k = 0; k < res.cause_count; k++)
		add(msg, len, &n, "%s- %s", k ? "\n" : "\nLikely causes:\n", res.causes[k]);
	v = res.flashed ? RS_SD_FLASHED : RS_SD_NOT_FLASHED;
out:
	rs_sdcard_close(&card);
	rs_errors_clear(&errs);
	return v;
}
