#include "platform/sdwrite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/xalloc.h"
#include "platform/sdfs.h"

void rs_sd_write_result_free(struct rs_sd_write_result *r)
{
	rs_strv_free(&r->removed);
	memset(r, 0, sizeof(*r));
}

static void report(const struct rs_sd_progress *p, enum rs_sd_step step, const char *detail)
{
	if (p && p->fn)
		p->fn(p->ud, step, detail);
}

enum rs_sd_status rs_sd_board_check(const struct rs_board *b, struct rs_errors *errs)
{
	if (b->sd_file && *b->sd_file)
		return RS_SD_OK;
	rs_errors_add(errs, RS_ERR_VALUE, b->id, 0, 0,
		      "%s is not flashed from an SD card (its flash method is %s); see "
		      "'ratos-setup board %s'",
		      b->name ? b->name : b->id, rs_flash_method_name(b->flash_method), b->id);
	return RS_SD_BAD_BOARD;
}

enum rs_sd_status rs_sd_firmware_check(const struct rs_board *b, const char *fwpath,
				       struct rs_fwinfo *info, struct rs_errors *errs)
{
	struct stat st;
	memset(info, 0, sizeof(*info));
	if (stat(fwpath, &st) != 0) {
		rs_errors_add(errs, RS_ERR_IO, fwpath, 0, 0,
			      "no firmware here (%s); build it first with 'ratos-setup build %s'",
			      strerror(errno), b->id);
		return RS_SD_BAD_FIRMWARE;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		rs_errors_add(errs, RS_ERR_EMPTY, fwpath, 0, 0,
			      "the firmware file is empty or not a regular file; a bootloader renames "
			      "an empty file without flashing anything. Build it again with "
			      "'ratos-setup build %s'",
			      b->id);
		return RS_SD_BAD_FIRMWARE;
	}
	struct rs_errors fwerrs = { 0 };
	if (!rs_fwinfo_read_file(fwpath, info, &fwerrs)) {
		rs_errors_move(errs, &fwerrs);
		rs_errors_add(errs, RS_ERR_VALUE, fwpath, 0, 0,
			      "this does not look like a Klipper firmware (no readable data "
			      "dictionary inside), so the MCU it was built for is unknown; refusing");
		rs_fwinfo_free(info);
		return RS_SD_BAD_FIRMWARE;
	}
	rs_errors_clear(&fwerrs);
	if (!info->mcu || !b->mcu || strcmp(info->mcu, b->mcu) != 0) {
		rs_errors_add(errs, RS_ERR_VALUE, fwpath, 0, 0,
			      "this firmware was built for %s, but %s has a %s; it would not run "
			      "there. Build the right one with 'ratos-setup build %s'",
			      info->mcu ? info->mcu : "an unknown MCU", b->name ? b->name : b->id,
			      b->mcu ? b->mcu : "unknown MCU", b->id);
		return RS_SD_WRONG_MCU;
	}
	return RS_SD_OK;
}

enum rs_sd_status rs_sd_plan(const struct rs_sdcard *c, const struct rs_board *b,
			     struct rs_strv *remove, struct rs_errors *errs)
{
	struct rs_strv names = { 0 };
	enum rs_sd_status st = rs_sdfs_list(c, &names, errs);
	if (st == RS_SD_OK)
		for (size_t i = 0; i < names.count; i++)
			if (rs_sd_is_stale(names.items[i], b))
				rs_strv_push(remove, names.items[i]);
	rs_strv_free(&names);
	return st;
}

bool rs_sd_hash_file(const char *path, unsigned char out[RS_SHA256_LEN], uint64_t *size)
{
	FILE *f = fopen(path, "rbe");
	if (!f)
		return false;
	struct rs_sha256 s;
	rs_sha256_init(&s);
	unsigned char buf[65536];
	size_t n;
	uint64_t total = 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		rs_sha256_update(&s, buf, n);
		total += n;
	}
	bool ok = !ferror(f);
	int saved = errno;
	fclose(f);
	if (!ok) {
		errno = saved ? saved : EIO;
		return false;
	}
	rs_sha256_final(&s, out);
	if (size)
		*size = total;
	return true;
}

bool rs_sd_verify_data(const unsigned char *data, size_t len,
		       const unsigned char expected[RS_SHA256_LEN], uint64_t expected_len)
{
	if ((uint64_t)len != expected_len)
		return false;
	unsigned char got[RS_SHA256_LEN];
	rs_sha256(data, len, got);
	return memcmp(got, expected, RS_SHA256_LEN) == 0;
}

enum rs_sd_status rs_sd_write_firmware(const struct rs_sdcard *c, const struct rs_board *b,
				       const char *fwpath, const struct rs_sd_progress *progress,
				       struct rs_sd_write_result *res, struct rs_errors *errs)
{
	memset(res, 0, sizeof(*res));
	struct rs_fwinfo info;
	bool temp_written = false;
	enum rs_sd_status st = rs_sd_board_check(b, errs);
	if (st != RS_SD_OK)
		return st;
	res->final_name = b->sd_file;
	res->via_mount = c->mountpoint != NULL;
	st = rs_sd_firmware_check(b, fwpath, &info, errs);
	rs_fwinfo_free(&info);
	if (st != RS_SD_OK)
		return st;
	if ((st = rs_sdcard_check_writable(c, errs)) != RS_SD_OK)
		return st;
	if (!rs_sd_hash_file(fwpath, res->sha256, &res->bytes)) {
		rs_errors_add(errs, RS_ERR_IO, fwpath, 0, 0, "cannot read: %s", strerror(errno));
		return RS_SD_BAD_FIRMWARE;
	}

	struct rs_strv stale = { 0 };
	if ((st = rs_sd_plan(c, b, &stale, errs)) != RS_SD_OK)
		goto out;
	for (size_t i = 0; i < stale.count; i++) {
		report(progress, RS_SD_STEP_REMOVE, stale.items[i]);
		if ((st = rs_sdfs_remove(c, stale.items[i], errs)) != RS_SD_OK)
			goto out;
		rs_strv_push(&res->removed, stale.items[i]);
	}

	report(progress, RS_SD_STEP_COPY, RS_SD_TEMP_NAME);
	temp_written = true; /* a failed copy may leave a partial temporary file */
	if ((st = rs_sdfs_put(c, fwpath, RS_SD_TEMP_NAME, errs)) != RS_SD_OK)
		goto out;
	report(progress, RS_SD_STEP_RENAME, b->sd_file);
	if ((st = rs_sdfs_rename(c, RS_SD_TEMP_NAME, b->sd_file, errs)) != RS_SD_OK)
		goto out;
	temp_written = false;

	report(progress, RS_SD_STEP_VERIFY, b->sd_file);
	unsigned char *data = NULL;
	size_t len = 0;
	if ((st = rs_sdfs_read(c, b->sd_file, &data, &len, errs)) != RS_SD_OK)
		goto out;
	res->verified = rs_sd_verify_data(data, len, res->sha256, res->bytes);
	free(data);
	if (!res->verified) {
		char hex[RS_SHA256_HEX_LEN];
		rs_sha256_to_hex(res->sha256, hex);
		rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0,
			      "the %s read back from the card differs from the firmware (SHA-256 %s, "
			      "%zu of %llu bytes read); the card may be failing or fake. It was "
			      "removed; try again or use another card",
			      b->sd_file, hex, len,
			      (unsigned long long)res->bytes);
		/* A bad copy must not be flashed. */
		struct rs_errors ignored = { 0 };
		rs_sdfs_remove(c, b->sd_file, &ignored);
		rs_errors_clear(&ignored);
		st = RS_SD_VERIFY;
		goto out;
	}
	report(progress, RS_SD_STEP_DONE, b->sd_file);
out:
	if (st != RS_SD_OK && temp_written) {
		struct rs_errors ignored = { 0 };
		rs_sdfs_remove(c, RS_SD_TEMP_NAME, &ignored);
		rs_errors_clear(&ignored);
	}
	rs_strv_free(&stale);
	return st;
}

static bool find_name(const struct rs_strv *names, const char *want, const char **found)
{
	for (size_t i = 0; i < names->count; i++)
		if (rs_sd_name_eq(names->items[i], want)) {
			*found = names->items[i];
			return true;
		}
	return false;
}

enum rs_sd_status rs_sd_check(const struct rs_sdcard *c, const struct rs_board *b,
			      const char *expected_fw, struct rs_sdcheck_result *out,
			      struct rs_errors *errs)
{
	memset(out, 0, sizeof(*out));
	enum rs_sd_status st = rs_sd_board_check(b, errs);
	if (st != RS_SD_OK)
		return st;
	if (!rs_fs_kind_usable(c->fs.kind))
		return rs_sdcard_check_writable(c, errs);
	struct rs_sdcheck_input in = { .fs = c->fs };
	struct rs_strv names = { 0 };
	if ((st = rs_sdfs_list(c, &names, errs)) != RS_SD_OK)
		goto out;
	const char *found = NULL;
	in.file_present = find_name(&names, b->sd_file, &found);
	const char *renamed = b->sd_renamed ? b->sd_renamed : "FIRMWARE.CUR";
	in.renamed_present = find_name(&names, renamed, &found);
	if (in.renamed_present) {
		unsigned char *data = NULL;
		size_t len = 0;
		if ((st = rs_sdfs_read(c, found, &data, &len, errs)) != RS_SD_OK)
			goto out;
		in.renamed_size = len;
		rs_sha256(data, len, in.renamed_sha);
		in.renamed_hashed = true;
		free(data);
	}
	if (expected_fw)
		in.expected_known = rs_sd_hash_file(expected_fw, in.expected_sha, NULL);
	rs_sdcheck_decide(&in, b, out);
out:
	rs_strv_free(&names);
	return st;
}
