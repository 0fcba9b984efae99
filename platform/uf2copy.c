#include "platform/uf2copy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/board.h"
#include "core/sha256.h"
#include "core/sidecar.h"
#include "core/uf2.h"
#include "core/xalloc.h"
#include "platform/fsutil.h"
#include "platform/fw_status.h"
#include "platform/sdfs.h"

/* A Klipper uf2 is some 100 KiB; the RP2040's flash is at most 16 MiB,
 * which takes 32 MiB of UF2 blocks. */
#define UF2_MAX (32u << 20)

static unsigned char *read_fd(int fd, size_t *len)
{
	size_t cap = 64 * 1024, n = 0;
	unsigned char *buf = rs_xmalloc(cap);
	for (;;) {
		if (n == cap) {
			if (cap >= UF2_MAX + 1) {
				errno = EFBIG;
				free(buf);
				return NULL;
			}
			cap *= 2;
			buf = rs_xrealloc(buf, cap);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return buf;
}

static enum rs_sd_status check_file(int fd, const char *path, struct rs_errors *errs)
{
	size_t len = 0;
	unsigned char *data = read_fd(fd, &len);
	if (!data) {
		rs_errors_add(errs, RS_ERR_IO, path, 0, 0, "cannot read: %s", strerror(errno));
		return RS_SD_BAD_FIRMWARE;
	}
	struct rs_uf2_info info;
	char why[200];
	bool ok = rs_uf2_check(data, len, RS_UF2_FAMILY_RP2040, &info, why, sizeof(why));
	free(data);
	if (!ok) {
		rs_errors_add(errs, RS_ERR_VALUE, path, 0, 0,
			      "%s; nothing was copied. Build the board's firmware again "
			      "(ratos-setup build BOARD makes klipper.uf2 for RP2040 boards)",
			      why);
		return RS_SD_BAD_FIRMWARE;
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		rs_errors_add(errs, RS_ERR_IO, path, 0, 0, "cannot read: %s", strerror(errno));
		return RS_SD_IO;
	}
	return RS_SD_OK;
}

/* The drive as the card code opened it: it must be the ROM's own volume. */
static enum rs_sd_status check_drive(const struct rs_sdcard *c, struct rs_errors *errs)
{
	if (c->system_disk)
		return RS_SD_SYSTEM_DISK;
	bool fat = c->fs.kind == RS_FS_FAT12 || c->fs.kind == RS_FS_FAT16 ||
		   c->fs.kind == RS_FS_FAT32;
	if (!fat || strcmp(c->fs.label, RS_RP2040_BOOT_LABEL) != 0) {
		rs_errors_add(errs, RS_ERR_VALUE, c->path, 0, 0,
			      "this is not an RP2040 boot drive (%s%s%s, not a FAT volume labelled "
			      RS_RP2040_BOOT_LABEL "); nothing was copied",
			      fat ? "labelled \"" : "no FAT volume", fat ? c->fs.label : "",
			      fat ? "\"" : "");
		return RS_SD_NOT_CARD;
	}
	if (c->read_only) {
		rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0,
			      "the boot drive is read-only; unplug the board, hold BOOT, plug it "
			      "in again");
		return RS_SD_READ_ONLY;
	}
	return RS_SD_OK;
}

enum rs_sd_status rs_uf2_copy_run(struct rs_uf2_copy *o, struct rs_errors *errs)
{
	o->rebooted = false;
	int fd = open(o->uf2, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		rs_errors_add(errs, RS_ERR_IO, o->uf2, 0, 0,
			      "cannot open: %s; build the board's firmware first (ratos-setup build "
			      "BOARD)",
			      strerror(errno));
		return RS_SD_BAD_FIRMWARE;
	}
	enum rs_sd_status st = check_file(fd, o->uf2, errs);
	struct rs_sdcard c;
	memset(&c, 0, sizeof(c)); /* safe to close when never opened */
	c.fd = c.mount_fd = -1;
	if (st == RS_SD_OK)
		st = rs_sdcard_open(o->volume, RS_SD_BOOT_DRIVE, o->mountinfo, &c, errs);
	if (st == RS_SD_OK)
		st = check_drive(&c, errs);
	if (st == RS_SD_OK) {
		struct rs_errors put_errs = { 0 };
		st = rs_sdfs_put(&c, fd, RS_UF2_NAME_ON_DRIVE, &put_errs);
		/* The ROM reboots once the last block is in: the directory
		 * update after it can find the drive gone. That is success. */
		struct rs_errors gone = { 0 };
		if (st != RS_SD_OK && rs_sdcard_still_there(&c, &gone) == RS_SD_GONE) {
			o->rebooted = true;
			st = RS_SD_OK;
		} else {
			rs_errors_move(errs, &put_errs);
		}
		rs_errors_clear(&put_errs);
		rs_errors_clear(&gone);
	}
	rs_sdcard_close(&c);
	close(fd);
	return st;
}

static int copy_child(void *ctx)
{
	struct rs_uf2_copy *o = ctx;
	struct rs_errors errs = { 0 };
	enum rs_sd_status st = rs_uf2_copy_run(o, &errs);
	for (size_t i = 0; i < errs.count; i++)
		printf("%s: %s\n", errs.items[i].file ? errs.items[i].file : o->volume,
		       errs.items[i].msg);
	if (st == RS_SD_OK)
		printf("%s copied to %s%s\n", o->uf2, o->volume,
		       o->rebooted ? "; the RP2040 rebooted into it" : "");
	fflush(stdout);
	rs_errors_clear(&errs);
	return st == RS_SD_OK ? 0 : 10 + (int)st;
}

/* The UF2 is the record's, checked by name and checksum. */
static bool uf2_is_recorded(const struct rs_uf2_copy *o, const char *rebuild, char *why,
			    size_t len)
{
	char *rec_path = rs_xasprintf("%s%s", o->firmware, RS_SIDECAR_SUFFIX);
	struct rs_sidecar sc;
	struct rs_errors errs = { 0 };
	unsigned char *data = NULL;
	size_t n = 0;
	bool ok = false;
	const char *base = strrchr(o->uf2, '/') ? strrchr(o->uf2, '/') + 1 : o->uf2;
	if (!rs_sidecar_load_file(rec_path, &sc, &errs)) {
		snprintf(why, len, "%s has no build record (%s), so it cannot be told that %s is its "
			 "UF2; nothing was copied. Rebuild it: %s", o->firmware, rec_path, o->uf2,
			 rebuild);
		rs_errors_clear(&errs);
		free(rec_path);
		return false;
	}
	char sha[RS_SHA256_HEX_LEN] = "";
	if (rs_fs_read_file(o->uf2, UF2_MAX, &data, &n))
		rs_sha256_hex(data, n, sha);
	if (!data)
		snprintf(why, len, "%s cannot be read: %s; build the board's firmware first: %s",
			 o->uf2, strerror(errno), rebuild);
	else if (!sc.uf2 || strcmp(sc.uf2, base) != 0 || !sc.uf2_sha256 ||
		 strcmp(sc.uf2_sha256, sha) != 0)
		snprintf(why, len, "%s is stale: it is not the UF2 of the installed build (%s); "
			 "nothing was copied. Rebuild it: %s", o->uf2,
			 !sc.uf2 ? "its record names none"
			 : strcmp(sc.uf2, base) == 0 ? "its record has another checksum"
						     : "its record names another file",
			 rebuild);
	else
		ok = true;
	free(data);
	rs_sidecar_free(&sc);
	free(rec_path);
	return ok;
}

bool rs_uf2_firmware_check(const struct rs_uf2_copy *o, char *why, size_t len)
{
	const struct rs_board *b = o->board;
	char *rebuild = rs_fw_status_rebuild_command(b, NULL);
	struct rs_fw_status s;
	rs_fw_status_read(b, o->firmware, o->tree_version, &s);
	bool ok = false;
	if (s.cur.verdict == RS_FWCUR_NO_FIRMWARE || s.cur.verdict == RS_FWCUR_UNREADABLE)
		snprintf(why, len, "no firmware built for %s (%s); nothing was copied. Build it "
			 "first: %s", b->id, o->firmware, rebuild);
	else if (!s.image_mcu || strcmp(s.image_mcu, b->mcu) != 0)
		snprintf(why, len, "%s is built for %s, but %s has a %s; nothing was copied. "
			 "Rebuild it: %s", o->firmware, s.image_mcu ? s.image_mcu : "an unknown MCU",
			 b->name, b->mcu, rebuild);
	else if (rs_fw_current_blocks(s.cur.verdict))
		snprintf(why, len, "%s, whose UF2 this is, is stale: %s; nothing was copied (the "
			 "board would stop with \"MCU Protocol error\"). Rebuild it: %s",
			 o->firmware, s.reason, rebuild);
	else
		ok = uf2_is_recorded(o, rebuild, why, len);
	rs_fw_status_free(&s);
	free(rebuild);
	return ok;
}

static struct rs_job_verdict firmware_step(void *ctx, struct rs_job_progress *p)
{
	struct rs_uf2_copy *o = ctx;
	char why[1200];
	if (!rs_uf2_firmware_check(o, why, sizeof(why)))
		return rs_job_fail(1, NULL, "%s", why);
	snprintf(p->note, sizeof(p->note), "%s is the current build's UF2", o->uf2);
	return rs_job_next();
}

static bool firmware_wanted(const void *ctx)
{
	return ((const struct rs_uf2_copy *)ctx)->board != NULL;
}

static const char *describe_firmware(const void *ctx)
{
	const struct rs_uf2_copy *o = ctx;
	static char line[700];
	snprintf(line, sizeof(line), "check that %s is the UF2 of the installed build, current "
		 "for the Klipper tree and %s", o->uf2, o->board ? o->board->mcu : "the MCU");
	return line;
}

static const char *describe_copy(const void *ctx)
{
	const struct rs_uf2_copy *o = ctx;
	static char line[700];
	const char *base = o->uf2 && strrchr(o->uf2, '/') ? strrchr(o->uf2, '/') + 1 : "klipper.uf2";
	snprintf(line, sizeof(line), "copy %s (Klipper's klipper.uf2) onto the RP2040's RPI-RP2 "
		 "boot drive (refused for any other disk)", base);
	return line;
}

static const struct rs_job_step uf2_steps[] = {
	{ .name = "firmware", .call = firmware_step, .wanted = firmware_wanted,
	  .describe = describe_firmware },
	{ .name = "copy-uf2", .child = copy_child, .describe = describe_copy, .keep_root = true },
};

const struct rs_job_table rs_uf2_job = { "rp2040-uf2", uf2_steps, 2, NULL, 0 };
