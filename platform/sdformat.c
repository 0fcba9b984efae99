#include "platform/identity.h"
#include "platform/sdformat.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/mbr.h"
#include "core/mountinfo.h"
#include "core/xalloc.h"
#include "platform/mtools.h"

#define FIRST_SECTOR 2048 /* 1 MiB: the alignment cards ship with */
#define GPT_SECTORS 33    /* a GPT header and its 32 sectors of entries */

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
	if (!c->has_fd || (c->block && !c->exclusive)) {
		rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0,
			      "the card is not open for formatting (it must be opened exclusively)");
		return RS_SD_BUSY;
	}
	return RS_SD_OK;
}

static bool write_all(int fd, const unsigned char *buf, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, buf, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return false;
		}
		buf += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return true;
}

static enum rs_sd_status io_fail(const struct rs_sdcard *c, const char *what, int err,
				 struct rs_errors *errs)
{
	rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0, "cannot %s: %s%s", what, strerror(err),
		      err == EACCES ? "; run with sudo" : "");
	return rs_sd_status_from_errno(err);
}

/* A fresh partition table over the whole card, through the card's open
 * file. Sectors 1..2047 (the GPT header and entries, if any) and the last
 * 33 sectors (the backup GPT) are cleared too: a tool that finds either
 * would otherwise still read the card as GPT. */
static enum rs_sd_status write_table(const struct rs_sdcard *c, uint32_t sectors,
				     struct rs_errors *errs)
{
	unsigned char *buf = rs_xcalloc(FIRST_SECTOR, 512);
	rs_mbr_build(buf, FIRST_SECTOR, sectors - FIRST_SECTOR);
	bool ok = write_all(c->fd, buf + 512, (FIRST_SECTOR - 1) * 512, 512) &&
		  write_all(c->fd, buf + 512, GPT_SECTORS * 512,
			    ((uint64_t)sectors - GPT_SECTORS) * 512) &&
		  write_all(c->fd, buf, 512, 0) && fsync(c->fd) == 0;
	int err = errno;
	free(buf);
	return ok ? RS_SD_OK : io_fail(c, "write the partition table", err, errs);
}

/* Tells the kernel about the new table, so /dev/sdX1 is the new partition.
 * Our exclusive open allows it; image files (and emulated nodes) have no
 * table in the kernel, so ENOTTY and EINVAL are fine. */
static void reread_table(const struct rs_sdcard *c)
{
	if (c->block && c->kind == RS_SD_DISK && rs_identity_as_root_begin()) {
		ioctl(c->fd, BLKRRPART, 0); /* needs CAP_SYS_ADMIN: root under sudo */
		rs_identity_as_root_end();
	}
}

/* mkfs.fat builds the filesystem in a memory file, never on a path: it opens
 * block devices exclusively itself (which our own exclusive open forbids),
 * and a name a user typed could be read as one of its options. Only what it
 * wrote (boot sectors, FATs, root directory: the data extents of the memory
 * file) is copied to the card, through the card's open file. */
static enum rs_sd_status run_mkfs(const struct rs_sdcard *c, uint64_t offset, uint64_t bytes,
				  const char *label, struct rs_errors *errs)
{
	enum rs_sd_status st = RS_SD_OK;
	int mem = memfd_create("ratos-setup-mkfs", MFD_CLOEXEC);
	if (mem < 0 || ftruncate(mem, (off_t)bytes) != 0) {
		st = io_fail(c, "prepare the filesystem in memory", errno, errs);
		goto out;
	}
	/* FAT32 needs at least 65525 clusters: 4 KiB clusters from 512 MiB up,
	 * single-sector clusters below, and FAT16 for the tiniest volumes. */
	const char *fat = bytes < (40ull << 20) ? "16" : "32";
	const char *spc = bytes >= (512ull << 20) ? "8" : "1";
	char hidden[32];
	/* Sectors before the volume on the disk, as the boot sector records. */
	snprintf(hidden, sizeof(hidden), "%" PRIu64,
		 c->kind == RS_SD_PARTITION ? c->part_start : offset / 512);
	char *target = rs_mtools_fd_path(mem);
	static const char *const mkfs[] = { "mkfs.fat", "/usr/sbin/mkfs.fat", "/sbin/mkfs.fat" };
	struct rs_mtools_out o = { 0 };
	for (size_t i = 0; i < sizeof(mkfs) / sizeof(mkfs[0]); i++) {
		const char *argv[] = { mkfs[i], "-F", fat, "-s", spc, "-h", hidden, "-n", label,
				       "--", target, NULL };
		rs_mtools_out_free(&o);
		rs_mtools_run_fds(argv, &mem, 1, 1 << 16, &o);
		if (!(o.status < 0 && o.exec_errno == ENOENT))
			break;
	}
	free(target);
	if (o.status != 0) {
		if (o.status < 0)
			rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0,
				      "mkfs.fat is not installed; install dosfstools "
				      "(sudo apt install dosfstools)");
		else
			rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0, "mkfs.fat failed (exit %d): %s",
				      o.status, o.err);
		st = RS_SD_TOOL;
	}
	rs_mtools_out_free(&o);
	if (st != RS_SD_OK)
		goto out;
	/* The end of the last extent mkfs.fat wrote; holes before it read as
	 * zeros and are copied as zeros (old FAT contents must not survive). */
	uint64_t end = 0;
	for (off_t pos = 0;;) {
		off_t data = lseek(mem, pos, SEEK_DATA);
		if (data < 0)
			break;
		off_t hole = lseek(mem, data, SEEK_HOLE);
		if (hole < 0)
			break;
		end = (uint64_t)hole;
		pos = hole;
	}
	unsigned char *buf = rs_xmalloc(1 << 20);
	for (uint64_t pos = 0; pos < end && st == RS_SD_OK;) {
		size_t n = end - pos < (1u << 20) ? (size_t)(end - pos) : 1u << 20;
		ssize_t r = pread(mem, buf, n, (off_t)pos);
		if (r <= 0 || !write_all(c->fd, buf, (size_t)r, offset + pos))
			st = io_fail(c, "write the filesystem", r < 0 ? errno : errno ? errno : EIO,
				     errs);
		pos += r > 0 ? (uint64_t)r : 0;
	}
	free(buf);
	if (st == RS_SD_OK && fsync(c->fd) != 0)
		st = io_fail(c, "write the filesystem", errno, errs);
out:
	if (mem >= 0)
		close(mem);
	return st;
}

enum rs_sd_status rs_sd_format(const struct rs_sdcard *c, const char *label,
			       struct rs_errors *errs)
{
	enum rs_sd_status st = rs_sd_format_allowed(c, errs);
	if (st != RS_SD_OK)
		return st;
	uint64_t offset = 0, bytes = c->size;
	bool new_table = false;
	if (c->kind != RS_SD_PARTITION &&
	    (c->partition > 0 || c->gpt || c->bad_table || c->kind == RS_SD_DISK)) {
		/* An existing DOS table is kept only when its partition lies on
		 * the card (locate_volume drops any that does not). */
		if (c->partition > 0 && !c->gpt && !c->bad_table &&
		    c->offset + c->volume_size <= c->size) {
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
			new_table = true;
			offset = (uint64_t)FIRST_SECTOR * 512;
			bytes = (sectors - FIRST_SECTOR) * 512;
		}
	}
	if (offset + bytes > c->size) {
		rs_errors_add(errs, RS_ERR_RANGE, c->path, 0, 0,
			      "the partition does not fit on the card; nothing was formatted");
		return RS_SD_NOT_FAT;
	}
	st = run_mkfs(c, offset, bytes, label, errs);
	if (new_table)
		reread_table(c);
	return st;
}
