/* The rules of a card that a bootloader flashes from, kept pure so they can be
 * tested on their own: which files in the card's root must go before a new
 * firmware is written (so that the rename the bootloader does afterwards
 * proves something), and what the files on a card say after the board was
 * powered with it. */
#ifndef RS_CORE_SDCHECK_H
#define RS_CORE_SDCHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/board.h"
#include "core/fat.h"
#include "core/sha256.h"

/* The temporary 8.3 name a firmware is copied to before it is renamed, so a
 * half-written file never carries the name the bootloader looks for. */
#define RS_SD_TEMP_NAME "fwtmp.bin"
/* Cards larger than this come as exFAT and many bootloaders cannot read
 * them even when reformatted. */
#define RS_SD_LARGE_CARD ((uint64_t)32 << 30)
/* Bootloaders are known to work with 4-8 KiB clusters; beyond this we say so. */
#define RS_SD_MAX_GOOD_CLUSTER (32u * 1024)

/* Case-insensitive comparison of FAT names. */
bool rs_sd_name_eq(const char *a, const char *b);
/* Whether name can be a firmware file name in a card's root (a board file's
 * sdcard.file and renamed_to): a FAT 8.3 short name, 1 to 8 characters and
 * optionally a '.' and 1 to 3 more, of letters, digits, '_' and '-', not
 * starting with '-' or '.'. So it is never a path, a wildcard, an mtools
 * offset ("@@") or an option, and every bootloader's FAT code can find it.
 * Either case is fine: FAT matches names without regard to case, and the
 * bootloaders' own names are firmware.bin and FIRMWARE.CUR. When it cannot,
 * why says so ("holds '/': ..."). */
bool rs_sd_name_check(const char *name, char *why, size_t len);
/* True when a root-directory file must be removed before writing for board b:
 * the bootloader's file name, its renamed name, FIRMWARE.CUR, OLD.BIN, our
 * temporary name, and older copies such as "firmware-old.bin" or
 * "firmware (1).bin" (same stem and extension as the bootloader's name). */
bool rs_sd_is_stale(const char *name, const struct rs_board *b);

enum rs_sdcheck_state {
	RS_SDCHECK_FLASHED,      /* renamed file present, matches (or nothing to compare) */
	RS_SDCHECK_NOT_TAKEN,    /* the firmware file is still there */
	RS_SDCHECK_EMPTY,        /* renamed, but zero bytes: nothing was flashed */
	RS_SDCHECK_DIFFERENT,    /* renamed file differs from the expected firmware */
	RS_SDCHECK_NO_FIRMWARE,  /* neither name on the card */
};

struct rs_sdcheck_input {
	struct rs_fat_info fs;
	bool file_present;     /* board's sd_file in the root */
	bool renamed_present;  /* board's sd_renamed in the root */
	uint64_t renamed_size;
	bool renamed_hashed;   /* renamed_sha is valid */
	unsigned char renamed_sha[RS_SHA256_LEN];
	bool expected_known;   /* expected_sha is the firmware that was written */
	unsigned char expected_sha[RS_SHA256_LEN];
};

#define RS_SDCHECK_MAX_CAUSES 8

struct rs_sdcheck_result {
	enum rs_sdcheck_state state;
	bool flashed; /* state == FLASHED: exit 0 */
	const char *summary;
	/* Likely causes, most specific first; static strings. */
	const char *causes[RS_SDCHECK_MAX_CAUSES];
	unsigned cause_count;
	bool compared; /* the renamed file was compared with the expected firmware */
};

/* What the user does after a write, in order: take the card out (eject it
 * first when it is mounted at mountpoint), power off, card into the board,
 * unplug the Pi's USB cable (USB back-power can stop a flash), power on and
 * wait, power off, card back into the reader, then check_step (how to check
 * the card here: a command or a key), then reconnect. Appends to out. */
void rs_sd_after_write_steps(const struct rs_board *b, const char *mountpoint,
			     const char *check_step, struct rs_strv *out);

void rs_sdcheck_decide(const struct rs_sdcheck_input *in, const struct rs_board *b,
		       struct rs_sdcheck_result *out);
const char *rs_sdcheck_state_name(enum rs_sdcheck_state s);

#endif
