/* Putting a firmware on a card the way the board's bootloader wants it, and
 * reading the card again after the board was powered with it.
 *
 * Write sequence: check the firmware (not empty, its embedded dictionary names
 * the board's MCU) and the card (FAT16/32, writable, not the system disk);
 * copy to a temporary 8.3 name no bootloader reads; read it back and compare
 * SHA-256; rename it over the final name (one directory update); then remove
 * the stale files (the bootloader's renamed name, FIRMWARE.CUR, OLD.BIN,
 * older firmware*.bin copies) so the rename the bootloader does later is a
 * proof. Interrupted anywhere (even killed), the card holds its old files
 * complete or the new, verified firmware under the final name; a copy that
 * does not verify is removed and never renamed. */
#ifndef RS_PLATFORM_SDWRITE_H
#define RS_PLATFORM_SDWRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/board.h"
#include "core/fwinfo.h"
#include "core/sdcheck.h"
#include "core/sha256.h"
#include "platform/sdcard.h"

enum rs_sd_step {
	RS_SD_STEP_REMOVE, /* detail: file removed */
	RS_SD_STEP_COPY,   /* detail: temporary name */
	RS_SD_STEP_RENAME, /* detail: final name */
	RS_SD_STEP_VERIFY, /* detail: temporary name */
	RS_SD_STEP_DONE,
};

struct rs_sd_progress {
	void (*fn)(void *ud, enum rs_sd_step step, const char *detail);
	void *ud;
};

struct rs_sd_write_result {
	unsigned char sha256[RS_SHA256_LEN]; /* of the firmware, equal to the read-back */
	uint64_t bytes;
	struct rs_strv removed; /* files deleted from the card */
	const char *final_name; /* the board's sd_file (borrowed) */
	bool via_mount;         /* written through a mount point */
	bool verified;
};

void rs_sd_write_result_free(struct rs_sd_write_result *r);

/* The board's file name on the card; RS_SD_BAD_BOARD (with a message) when the
 * board is not flashed from an SD card. */
enum rs_sd_status rs_sd_board_check(const struct rs_board *b, struct rs_errors *errs);
/* Firmware gate: the file exists, is not empty, and its dictionary names the
 * board's MCU. info is filled when the dictionary could be read. */
enum rs_sd_status rs_sd_firmware_check(const struct rs_board *b, const char *fwpath,
				       struct rs_fwinfo *info, struct rs_errors *errs);
/* What a write would remove, for a confirmation screen. */
enum rs_sd_status rs_sd_plan(const struct rs_sdcard *c, const struct rs_board *b,
			     struct rs_strv *remove, struct rs_errors *errs);
/* Board, firmware and card checks, then the write sequence above. */
enum rs_sd_status rs_sd_write_firmware(const struct rs_sdcard *c, const struct rs_board *b,
				       const char *fwpath, const struct rs_sd_progress *progress,
				       struct rs_sd_write_result *res, struct rs_errors *errs);
/* Reads the card after the board was powered with it. expected_fw, when not
 * NULL and readable, is the firmware that was written; the renamed file is
 * compared with it. RS_SD_OK means the card could be read: the verdict is in
 * out. */
enum rs_sd_status rs_sd_check(const struct rs_sdcard *c, const struct rs_board *b,
			      const char *expected_fw, struct rs_sdcheck_result *out,
			      struct rs_errors *errs);
/* Digest and size of a local file; false (errno set) when it cannot be read. */
bool rs_sd_hash_file(const char *path, unsigned char out[RS_SHA256_LEN], uint64_t *size);
/* Verify step on its own: compares a read-back with the expected digest. */
bool rs_sd_verify_data(const unsigned char *data, size_t len,
		       const unsigned char expected[RS_SHA256_LEN], uint64_t expected_len);

#endif
