#include "platform/sdwrite.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Digest and size of an open file, read from its start. */
static bool hash_fd(int fd, unsigned char out[RS_SHA256_LEN], uint64_t *size)
{
	struct rs_sha256 s;
	rs_sha256_init(&s);
	unsigned char buf[65536];
	ssize_t n;
	uint64_t total = 0;
	while ((n = pread(fd, buf, sizeof(buf), (off_t)total)) > 0) {
		rs_sha256_update(&s, buf, (size_t)n);
		total += (uint64_t)n;
	}
	if (n < 0)
		return false;
	rs_sha256_final(&s, out);
	*size = total;
	return true;
}

static void remove_quietly(const struct rs_sdcard *c, const char *name, bool *removed)
{
	struct rs_errors ignored = { 0 };
	*removed = rs_sdfs_remove(c, name, &ignored) == RS_SD_OK;
	rs_errors_clear(&ignored);
}

/* The new firmware under the temporary name, read back and compared. A copy
 * that does not match is removed; it never gets a name a bootloader reads. */
static enum rs_sd_status put_verified(const struct rs_sdcard *c, const struct rs_board *b,
				      int fw, const struct rs_sd_progress *progress,
				      struct rs_sd_write_result *res, struct rs_errors *errs)
{
	bool removed;
	report(progress, RS_SD_STEP_COPY, RS_SD_TEMP_NAME);
	enum rs_sd_status st = rs_sdfs_put(c, fw, RS_SD_TEMP_NAME, errs);
	if (st == RS_SD_OK) {
		report(progress, RS_SD_STEP_VERIFY, RS_SD_TEMP_NAME);
		unsigned char *data = NULL;
		size_t len = 0;
		st = rs_sdfs_read(c, RS_SD_TEMP_NAME, &data, &len, errs);
		if (st == RS_SD_OK && !rs_sd_verify_data(data, len, res->sha256, res->bytes)) {
			char hex[RS_SHA256_HEX_LEN];
			rs_sha256_to_hex(res->sha256, hex);
			remove_quietly(c, RS_SD_TEMP_NAME, &removed);
			rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0,
				      "the copy read back from the card differs from the firmware "
				      "(SHA-256 %s, %zu of %llu bytes read); the card may be failing or "
				      "fake. %s; %s was not touched and the card's old files are as they "
				      "were. Try again or use another card",
				      hex, len, (unsigned long long)res->bytes,
				      removed ? "The copy was removed"
					      : "The copy could not be removed and stays as " RS_SD_TEMP_NAME
						", a name no bootloader reads",
				      b->sd_file);
			st = RS_SD_VERIFY;
		}
		free(data);
	}
	if (st != RS_SD_OK && st != RS_SD_VERIFY)
		remove_quietly(c, RS_SD_TEMP_NAME, &removed);
	return st;
}

enum rs_sd_status rs_sd_write_firmware(const struct rs_sdcard *c, const struct rs_board *b,
				       const char *fwpath, const struct rs_sd_progress *progress,
				       struct rs_sd_write_result *res, struct rs_errors *errs)
{
	memset(res, 0, sizeof(*res));
	struct rs_fwinfo info;
	struct rs_strv stale = { 0 };
	int fw = -1;
	enum rs_sd_status st = rs_sd_board_check(b, errs);
	if (st != RS_SD_OK)
		return st;
	res->final_name = b->sd_file;
	res->via_mount = c->has_mount_fd;
	st = rs_sd_firmware_check(b, fwpath, &info, errs);
	rs_fwinfo_free(&info);
	if (st != RS_SD_OK)
		return st;
	if ((st = rs_sdcard_check_writable(c, errs)) != RS_SD_OK)
		return st;
	/* One open firmware file: what is hashed is what is copied. */
	fw = open(fwpath, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fw < 0 || !hash_fd(fw, res->sha256, &res->bytes)) {
		rs_errors_add(errs, RS_ERR_IO, fwpath, 0, 0, "cannot read: %s", strerror(errno));
		st = RS_SD_BAD_FIRMWARE;
		goto out;
	}

	/* Order matters: until the rename, the card keeps its old files
	 * untouched; the rename swaps the final name from the old complete file
	 * to the new verified one; only then are the old copies removed. Killed
	 * at any point, the card holds one complete firmware or the other. */
	if ((st = rs_sd_plan(c, b, &stale, errs)) != RS_SD_OK)
		goto out;
	if ((st = put_verified(c, b, fw, progress, res, errs)) != RS_SD_OK)
		goto out;
	bool replaced = false;
	for (size_t i = 0; i < stale.count; i++)
		replaced = replaced || rs_sd_name_eq(stale.items[i], b->sd_file);
	report(progress, RS_SD_STEP_RENAME, b->sd_file);
	if ((st = rs_sdfs_rename(c, RS_SD_TEMP_NAME, b->sd_file, errs)) != RS_SD_OK) {
		bool removed;
		remove_quietly(c, RS_SD_TEMP_NAME, &removed);
		goto out;
	}
	if (replaced)
		rs_strv_push(&res->removed, b->sd_file);
	for (size_t i = 0; i < stale.count; i++) {
		const char *name = stale.items[i];
		if (rs_sd_name_eq(name, b->sd_file) || rs_sd_name_eq(name, RS_SD_TEMP_NAME))
			continue;
		report(progress, RS_SD_STEP_REMOVE, name);
		if ((st = rs_sdfs_remove(c, name, errs)) != RS_SD_OK) {
			rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0,
				      "the new %s is on the card and verified, but the old %s could "
				      "not be removed; remove it by hand before the board reads the "
				      "card",
				      b->sd_file, name);
			goto out;
		}
		rs_strv_push(&res->removed, name);
	}
	/* The file written is still the card at the path (not an image that
	 * was deleted or replaced meanwhile). */
	if ((st = rs_sdcard_still_there(c, errs)) != RS_SD_OK)
		goto out;
	res->verified = true;
	report(progress, RS_SD_STEP_DONE, b->sd_file);
out:
	if (fw >= 0)
		close(fw);
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
