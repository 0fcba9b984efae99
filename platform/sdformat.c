#include "platform/sdformat.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mbr.h"
#include "core/mountinfo.h"
#include "core/xalloc.h"
#include "platform/mtools.h"

#define FIRST_SECTOR 2048 /* 1 MiB: the alignment cards ship with */

/* Any partition of the card's disk mounted? (Formatting a whole card under
 * a mounted partition would corrupt both.) */
static bool disk_mounted(const struct rs_sdcard *c)
{
	if (c->mountpoint)
		return true;
	if (!c->disk)
		return false;
	struct rs_mounts m;
	if (!rs_mountinfo_read("/proc/self/mountinfo", &m))
		return true; /* cannot tell: treat as mounted, the caller refuses */
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "/dev/%s", c->disk);
	bool found = false;
	for (size_t i = 0; i < m.count && !found; i++)
		found = strncmp(m.items[i].source, prefix, strlen(prefix)) == 0;
	rs_mounts_free(&m);
	return found;
}

enum rs_sd_status rs_sd_format_allowed(const struct rs_sdcard *c, struct rs_errors *errs)
{
	if (c->system_disk) {
		rs_errors_add(errs, RS_ERR_VALUE, c->path, 0, 0,
			      "this is the disk the system runs from; it is never formatted");
		return RS_SD_SYSTEM_DISK;
	}
	if (disk_mounted(c)) {
		rs_errors_add(errs, RS_ERR_VALUE, c->path, 0, 0,
			      "the card is mounted%s%s; unmount (eject) it first",
			      c->mountpoint ? " at " : "", c->mountpoint ? c->mountpoint : "");
		return RS_SD_MOUNTED;
	}
	if (c->read_only) {
		rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0,
			      "the card is write-protected; slide the lock switch away from LOCK");
		return RS_SD_READ_ONLY;
	}
	return RS_SD_OK;
}

/* A fresh partition table over the whole card. */
static enum rs_sd_status write_table(const struct rs_sdcard *c, uint32_t sectors,
				     struct rs_errors *errs)
{
	unsigned char sec[2 * 512] = { 0 };
	rs_mbr_build(sec, FIRST_SECTOR, sectors - FIRST_SECTOR);
	/* The second sector held the GPT header, if any: clear it so nothing
	 * reads the card as GPT any more. */
	int fd = open(c->path, O_WRONLY | O_CLOEXEC);
	int err = 0;
	if (fd < 0 || pwrite(fd, sec, sizeof(sec), 0) != (ssize_t)sizeof(sec) || fsync(fd) != 0)
		err = errno ? errno : EIO;
	if (fd >= 0)
		close(fd);
	if (err) {
		rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0, "cannot write the partition table: %s%s",
			      strerror(err), err == EACCES ? "; run with sudo" : "");
		return rs_sd_status_from_errno(err);
	}
	return RS_SD_OK;
}

enum rs_sd_status rs_sd_format(const struct rs_sdcard *c, const char *label,
			       struct rs_errors *errs)
{
	enum rs_sd_status st = rs_sd_format_allowed(c, errs);
	if (st != RS_SD_OK)
		return st;
	uint64_t offset = 0, bytes = c->size;
	if (c->kind != RS_SD_PARTITION && (c->partition > 0 || c->gpt || c->kind == RS_SD_DISK)) {
		if (c->partition > 0 && !c->gpt) {
			offset = c->offset;
			bytes = c->volume_size;
		} else {
			uint64_t sectors = c->size / 512;
			if (sectors <= FIRST_SECTOR * 2 || sectors > UINT32_MAX) {
				rs_errors_add(errs, RS_ERR_RANGE, c->path, 0, 0,
					      "unsupported card size for a DOS partition table");
				return RS_SD_NOT_FAT;
			}
			if ((st = write_table(c, (uint32_t)sectors, errs)) != RS_SD_OK)
				return st;
			offset = (uint64_t)FIRST_SECTOR * 512;
			bytes = (sectors - FIRST_SECTOR) * 512;
		}
	}
	/* FAT32 needs at least 65525 clusters: 4 KiB clusters from 512 MiB up,
	 * single-sector clusters below, and FAT16 for the tiniest volumes. */
	const char *fat = bytes < (40ull << 20) ? "16" : "32";
	const char *spc = bytes >= (512ull << 20) ? "8" : "1";
	char offarg[48], blocks[32];
	snprintf(offarg, sizeof(offarg), "--offset=%" PRIu64, offset / 512);
	snprintf(blocks, sizeof(blocks), "%" PRIu64, bytes / 1024);
	static const char *const mkfs[] = { "mkfs.fat", "/usr/sbin/mkfs.fat", "/sbin/mkfs.fat" };
	struct rs_mtools_out o = { 0 };
	for (size_t i = 0; i < sizeof(mkfs) / sizeof(mkfs[0]); i++) {
		const char *argv[] = { mkfs[i], "-F", fat, "-s", spc, "-n", label, offarg,
				       c->path, blocks, NULL };
		rs_mtools_out_free(&o);
		rs_mtools_run(argv, 1 << 16, &o);
		if (!(o.status < 0 && o.exec_errno == ENOENT))
			break;
	}
	if (o.status != 0) {
		if (o.status < 0)
			rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0,
				      "mkfs.fat is not installed; install dosfstools "
				      "(sudo apt install dosfstools)");
		else
			rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0, "mkfs.fat failed (exit %d): %s",
				      o.status, o.err);
		st = strstr(o.err, "ermission denied") ? RS_SD_PERMISSION : RS_SD_TOOL;
	}
	rs_mtools_out_free(&o);
	return st;
}
