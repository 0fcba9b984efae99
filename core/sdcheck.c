#include "core/sdcheck.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text_safe.h"
#include "core/xalloc.h"

bool rs_sd_name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
	return *a == *b;
}

bool rs_sd_name_check(const char *name, char *why, size_t len)
{
	static const char allowed[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				      "0123456789_-.";
	size_t n = strlen(name);
	if (n == 0) {
		snprintf(why, len, "is empty");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (strchr(allowed, c))
			continue;
		if (c == '/' || c == '\\')
			snprintf(why, len, "holds '%c': it names a file in the card's root, not a path",
				 c);
		else if (c == '*' || c == '?' || c == '[' || c == ']')
			snprintf(why, len, "holds '%c', a wildcard to mtools and shells", c);
		else if (c == '@')
			snprintf(why, len, "holds '@' (mtools reads \"@@\" as an offset)");
		else if (c < 0x20 || c == 0x7f)
			snprintf(why, len, "holds a control character");
		else if (c >= 0x80)
			snprintf(why, len, "holds a character outside ASCII");
		else
			snprintf(why, len, "holds '%c'", c);
		return false;
	}
	if (name[0] == '-' || name[0] == '.') {
		snprintf(why, len, "starts with '%c'%s", name[0],
			 name[0] == '-' ? ", which tools read as an option" : "");
		return false;
	}
	const char *dot = strchr(name, '.');
	if (dot && strchr(dot + 1, '.')) {
		snprintf(why, len, "has more than one '.'");
		return false;
	}
	size_t stem = dot ? (size_t)(dot - name) : n, ext = dot ? n - stem - 1 : 0;
	if (stem > 8) {
		snprintf(why, len, "has %zu characters before the extension (at most 8)", stem);
		return false;
	}
	if (dot && (ext == 0 || ext > 3)) {
		snprintf(why, len, "has %zu characters after the '.' (1 to 3)", ext);
		return false;
	}
	return true;
}

static bool prefix_ci(const char *s, const char *prefix, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i] || tolower((unsigned char)s[i]) != tolower((unsigned char)prefix[i]))
			return false;
	return true;
}

bool rs_sd_is_stale(const char *name, const struct rs_board *b)
{
	static const char *const always[] = { "FIRMWARE.CUR", "OLD.BIN", RS_SD_TEMP_NAME };
	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		if (rs_sd_name_eq(name, always[i]))
			return true;
	if (b->sd_renamed && rs_sd_name_eq(name, b->sd_renamed))
		return true;
	const char *file = b->sd_file ? b->sd_file : "firmware.bin";
	if (rs_sd_name_eq(name, file))
		return true;
	/* Older copies: same stem, anything after it, same extension. */
	const char *dot = strrchr(file, '.');
	size_t stem = dot ? (size_t)(dot - file) : strlen(file);
	const char *ext = dot ? dot : "";
	size_t nlen = strlen(name), elen = strlen(ext);
	if (nlen < stem + elen || !prefix_ci(name, file, stem))
		return false;
	return rs_sd_name_eq(name + nlen - elen, ext);
}

static void add_cause(struct rs_sdcheck_result *out, const char *cause)
{
	if (out->cause_count < RS_SDCHECK_MAX_CAUSES)
		out->causes[out->cause_count++] = cause;
}

/* Why a board may not have taken a card, the card-specific reasons first. */
static void card_causes(const struct rs_sdcheck_input *in, struct rs_sdcheck_result *out)
{
	if (in->fs.kind != RS_FS_FAT32 && in->fs.kind != RS_FS_FAT16)
		add_cause(out, "the card is not FAT32/FAT16: reformat it with 'ratos-setup sdcard format'");
	if (in->fs.cluster_size > RS_SD_MAX_GOOD_CLUSTER)
		add_cause(out, "the card's clusters are large: some bootloaders only read cards "
			       "with small (4-8 KiB) clusters; reformat it with 'ratos-setup sdcard format'");
	if (in->fs.total_bytes > RS_SD_LARGE_CARD)
		add_cause(out, "the card is larger than 32 GB: many bootloaders cannot read such "
			       "cards; use a card of 32 GB or less");
}

static void board_causes(struct rs_sdcheck_result *out)
{
	add_cause(out, "the board was not fully powered off and on with the card inserted "
		       "(USB power from the Pi can keep it running: unplug the Pi's USB cable first)");
	add_cause(out, "the card went into the wrong slot (use the board's own microSD slot, "
		       "not the one on a display)");
	add_cause(out, "the board has no SD bootloader, or a different one that expects "
		       "another file name");
}

void rs_sdcheck_decide(const struct rs_sdcheck_input *in, const struct rs_board *b,
		       struct rs_sdcheck_result *out)
{
	(void)b;
	memset(out, 0, sizeof(*out));
	if (in->file_present) {
		out->state = RS_SDCHECK_NOT_TAKEN;
		out->summary = "the firmware file is still on the card: the board did not take it";
		card_causes(in, out);
		board_causes(out);
		return;
	}
	if (!in->renamed_present) {
		out->state = RS_SDCHECK_NO_FIRMWARE;
		out->summary = "neither the firmware file nor the bootloader's renamed copy is on "
			       "this card: was the firmware written to this card?";
		add_cause(out, "this is not the card the firmware was written to");
		add_cause(out, "the file was deleted from the card");
		return;
	}
	if (in->renamed_size == 0) {
		out->state = RS_SDCHECK_EMPTY;
		out->summary = "the bootloader renamed an empty file: nothing was flashed";
		add_cause(out, "the firmware file on the card was empty; write it again");
		return;
	}
	if (in->renamed_hashed && in->expected_known) {
		out->compared = true;
		if (memcmp(in->renamed_sha, in->expected_sha, RS_SHA256_LEN) != 0) {
			out->state = RS_SDCHECK_DIFFERENT;
			out->summary = "the board flashed a firmware, but not the one expected "
				       "(the renamed file differs from it)";
			add_cause(out, "the card held an older firmware; write the new one again");
			return;
		}
	}
	out->state = RS_SDCHECK_FLASHED;
	out->flashed = true;
	out->summary = out->compared ? "flashed: the bootloader renamed the firmware, and it is "
				       "the one expected"
				     : "flashed: the bootloader renamed the firmware";
}

const char *rs_sdcheck_state_name(enum rs_sdcheck_state s)
{
	switch (s) {
	case RS_SDCHECK_FLASHED: return "flashed";
	case RS_SDCHECK_NOT_TAKEN: return "not-flashed";
	case RS_SDCHECK_EMPTY: return "empty";
	case RS_SDCHECK_DIFFERENT: return "different";
	case RS_SDCHECK_NO_FIRMWARE: return "no-firmware";
	}
	return "?";
}

static void push_owned(struct rs_strv *out, char *s)
{
	rs_strv_push(out, s);
	free(s);
}

void rs_sd_after_write_steps(const struct rs_board *b, const char *mountpoint,
			     const char *check_step, struct rs_strv *out)
{
	if (mountpoint) {
		char *shown = rs_text_safe(mountpoint); /* from the mount table */
		push_owned(out, rs_xasprintf("Eject the card (it is mounted at %s), then take it "
					     "out of the reader.", shown));
		free(shown);
	} else
		rs_strv_push(out, "It is safe to remove the card from the reader now.");
	rs_strv_push(out, "Power the printer off.");
	push_owned(out, rs_xasprintf("Put the card into the %s's own microSD slot.",
				     b->name ? b->name : b->id));
	rs_strv_push(out, "Unplug the USB cable between the Pi and the board: USB power from the "
			  "Pi can keep the board half-powered and stop the flash.");
	push_owned(out, rs_xasprintf("Power the printer on and wait about 30 seconds while the "
				     "bootloader flashes %s.", b->sd_file ? b->sd_file : "the file"));
	rs_strv_push(out, "Power the printer off, take the card out and put it back into the "
			  "reader on the Pi.");
	if (check_step)
		rs_strv_push(out, check_step);
	rs_strv_push(out, "Plug the USB cable back in and power the printer on.");
}
