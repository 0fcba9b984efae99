#include "platform/sdcard.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/file_read.h"
#include "core/mbr.h"
#include "core/card_policy.h"
#include "core/mountinfo.h"
#include "core/sdcheck.h"
#include "core/xalloc.h"

#define SYSTEM_DISK_MSG                                                                     \
	"this is the disk the system runs from; it is never written or formatted. Put the " \
	"SD card in a USB reader and give its device (see lsblk)"

/* Reads a sysfs attribute into buf (trailing newline removed). */
static bool sysfs_read(const char *dir, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/%s", dir, attr) >= (int)sizeof(path))
		return false;
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

static char *sysfs_dir(unsigned major, unsigned minor)
{
	char link[64], real[PATH_MAX];
	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major, minor);
	return realpath(link, real) ? rs_xstrdup(real) : NULL;
}

/* Kernel name of the whole disk holding block device major:minor. */
static char *disk_of(unsigned major, unsigned minor)
{
	char *dir = sysfs_dir(major, minor);
	if (!dir)
		return NULL;
	char buf[16];
	bool is_part = sysfs_read(dir, "partition", buf, sizeof(buf));
	char *copy = rs_xstrdup(dir);
	char *name = rs_xstrdup(basename(is_part ? dirname(copy) : copy));
	free(copy);
	free(dir);
	return name;
}

static bool is_system_disk(const char *disk, const struct rs_mounts *mounts)
{
	for (size_t i = 0; i < mounts->count; i++) {
		if (!rs_mount_is_system(mounts->items[i].mountpoint))
			continue;
		char *d = disk_of(mounts->items[i].major, mounts->items[i].minor);
		bool same = d && strcmp(d, disk) == 0;
		free(d);
		if (same)
			return true;
	}
	/* Swap partitions are in use by the system too. */
	bool swap = false;
	size_t swaps_len;
	char *swaps = rs_file_read("/proc/swaps", 1u << 20, &swaps_len, NULL);
	for (char *line = swaps ? strchr(swaps, '\n') : NULL; line && !swap;
	     line = strchr(line + 1, '\n')) {
		char dev[PATH_MAX];
		struct stat st;
		if (sscanf(line + 1, "%4095s", dev) == 1 && stat(dev, &st) == 0 &&
		    S_ISBLK(st.st_mode)) {
			char *d = disk_of(major(st.st_rdev), minor(st.st_rdev));
			swap = d && strcmp(d, disk) == 0;
			free(d);
		}
	}
	free(swaps);
	return swap;
}

/* major:minor of partition number part of a whole disk, from sysfs. */
static bool partition_devnum(const struct rs_sdcard *c, int part, unsigned *maj, unsigned *min)
{
	char *dir = sysfs_dir(c->major, c->minor);
	if (!dir)
		return false;
	bool found = false;
	static const char *const fmts[] = { "%s/%s%d", "%s/%sp%d" };
	for (size_t i = 0; i < 2 && !found; i++) {
		char sub[PATH_MAX], dev[32];
		snprintf(sub, sizeof(sub), fmts[i], dir, c->disk, part);
		found = sysfs_read(sub, "dev", dev, sizeof(dev)) && sscanf(dev, "%u:%u", maj, min) == 2;
	}
	free(dir);
	return found;
}

static void find_mount(struct rs_sdcard *c)
{
	struct rs_mounts mounts;
	if (!rs_mountinfo_read("/proc/self/mountinfo", &mounts)) {
		/* Without the mount table nothing proves this is not the system disk. */
		c->system_disk = true;
		return;
	}

	unsigned maj = c->major, min = c->minor;
	bool have_dev = c->block;
	if (c->kind == RS_SD_DISK && c->partition > 0)
		have_dev = partition_devnum(c, c->partition, &maj, &min);
	char real[PATH_MAX];
	const char *source = realpath(c->path, real) ? real : c->path;
	const struct rs_mount *m = rs_mounts_of(&mounts, have_dev ? maj : 0, min, source, 0);
	if (m)
		c->mountpoint = rs_xstrdup(m->mountpoint);
	if (c->disk)
		c->system_disk = is_system_disk(c->disk, &mounts);
	rs_mounts_free(&mounts);
}

/* The system disk is refused before it is even opened. */
static bool refuse_system_disk(struct rs_sdcard *c, const struct stat *st, struct rs_errors *errs)
{
	char *disk = disk_of(major(st->st_rdev), minor(st->st_rdev));
	bool system = false;
	struct rs_mounts mounts;
	if (disk && !rs_mountinfo_read("/proc/self/mountinfo", &mounts)) {
		system = true; /* unreadable mount table: refuse rather than guess */
	} else if (disk) {
		system = is_system_disk(disk, &mounts);
		rs_mounts_free(&mounts);
	}
	free(disk);
	if (system) {
		c->system_disk = true;
		rs_errors_add(errs, RS_ERR_VALUE, c->path, 0, 0, SYSTEM_DISK_MSG);
	}
	return system;
}

static bool read_at(int fd, uint64_t off, unsigned char *buf, size_t len, int *err)
{
	ssize_t n = pread(fd, buf, len, (off_t)off);
	if (n < 0) {
		*err = errno;
		return false;
	}
	if ((size_t)n < len)
		memset(buf + n, 0, len - (size_t)n);
	return true;
}

/* Finds the FAT volume: the whole target, or the first FAT partition of a
 * partition table (the one the bootloaders read). */
static bool locate_volume(int fd, struct rs_sdcard *c, int *err)
{
	unsigned char sec[RS_SECTOR];
	if (!read_at(fd, 0, sec, sizeof(sec), err))
		return false;
	c->volume_size = c->size;
	struct rs_mbr mbr;
	if (c->kind == RS_SD_PARTITION || rs_fat_is_volume(sec, sizeof(sec)) ||
	    !rs_mbr_parse(sec, sizeof(sec), &mbr)) {
		rs_fat_inspect(sec, sizeof(sec), &c->fs);
		return true;
	}
	c->gpt = mbr.gpt;
	if (mbr.gpt) {
		c->fs.kind = RS_FS_OTHER;
		return true;
	}
	bool have_first = false;
	for (int i = 0; i < 4; i++) {
		if (!mbr.part[i].type || mbr.part[i].type == 0x05 || mbr.part[i].type == 0x0F)
			continue;
		struct rs_fat_info info;
		if (!read_at(fd, (uint64_t)mbr.part[i].start * RS_SECTOR, sec, sizeof(sec), err))
			return false;
		rs_fat_inspect(sec, sizeof(sec), &info);
		/* Keep the first partition for the error message, unless a later
		 * one is FAT. */
		bool usable = rs_fs_kind_usable(info.kind);
		if (!have_first || usable) {
			have_first = true;
			c->partition = i + 1;
			c->offset = (uint64_t)mbr.part[i].start * RS_SECTOR;
			c->volume_size = (uint64_t)mbr.part[i].sectors * RS_SECTOR;
			c->fs = info;
		}
		if (usable)
			break;
	}
	return true;
}

static void inspect_block(struct rs_sdcard *c, int fd, const struct stat *st)
{
	c->block = true;
	c->major = major(st->st_rdev);
	c->minor = minor(st->st_rdev);
	char *dir = sysfs_dir(c->major, c->minor);
	char buf[64];
	c->kind = RS_SD_DISK;
	if (dir && sysfs_read(dir, "partition", buf, sizeof(buf)))
		c->kind = RS_SD_PARTITION;
	c->disk = disk_of(c->major, c->minor);
	unsigned long long sectors;
	if (dir && sysfs_read(dir, "size", buf, sizeof(buf)) && sscanf(buf, "%llu", &sectors) == 1)
		c->size = (uint64_t)sectors * 512;
	else {
		off_t end = lseek(fd, 0, SEEK_END);
		c->size = end > 0 ? (uint64_t)end : 0;
	}
	/* The write-protect switch shows up as ro=1 on the disk and its partitions. */
	if (dir && sysfs_read(dir, "ro", buf, sizeof(buf)) && strcmp(buf, "1") == 0)
		c->read_only = true;
	if (dir && c->kind == RS_SD_PARTITION) {
		char *copy = rs_xstrdup(dir);
		if (sysfs_read(dirname(copy), "ro", buf, sizeof(buf)) && strcmp(buf, "1") == 0)
			c->read_only = true;
		free(copy);
	}
	free(dir);
}

enum rs_sd_status rs_sdcard_open(const char *path, struct rs_sdcard *out, struct rs_errors *errs)
{
	memset(out, 0, sizeof(*out));
	out->path = rs_xstrdup(path);
	enum rs_sd_status st = RS_SD_OK;
	int fd = -1, err = 0;
	struct stat sb;
	if (stat(path, &sb) != 0) {
		err = errno;
		goto fail;
	}
	if (!S_ISBLK(sb.st_mode) && !S_ISREG(sb.st_mode)) {
		rs_errors_add(errs, RS_ERR_VALUE, path, 0, 0,
			      "not a block device or an image file; give a card such as /dev/sda1 "
			      "(see lsblk) or an image file");
		st = RS_SD_NOT_FOUND;
		goto out;
	}
	if (S_ISBLK(sb.st_mode) && refuse_system_disk(out, &sb, errs)) {
		st = RS_SD_SYSTEM_DISK;
		goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		goto fail;
	}
	if (S_ISBLK(sb.st_mode)) {
		inspect_block(out, fd, &sb);
	} else {
		out->kind = RS_SD_IMAGE;
		out->size = (uint64_t)sb.st_size;
		out->read_only = (sb.st_mode & 0222) == 0 || access(path, W_OK) != 0;
	}
	if (!locate_volume(fd, out, &err))
		goto fail;
	find_mount(out);
	goto out;
fail:
	st = rs_sd_status_from_errno(err);
	if (st == RS_SD_PERMISSION)
		rs_errors_add(errs, RS_ERR_IO, path, 0, 0,
			      "permission denied; run with sudo (sudo ratos-setup ...)");
	else if (st == RS_SD_NOT_FOUND || st == RS_SD_GONE)
		rs_errors_add(errs, RS_ERR_IO, path, 0, 0,
			      "no such device or file; is the card inserted? (lsblk lists the cards)");
	else
		rs_errors_add(errs, RS_ERR_IO, path, 0, 0, "cannot read: %s", strerror(err));
	if (st == RS_SD_GONE)
		st = RS_SD_NOT_FOUND;
out:
	if (fd >= 0)
		close(fd);
	return st;
}

void rs_sdcard_close(struct rs_sdcard *c)
{
	free(c->path);
	free(c->disk);
	free(c->mountpoint);
	memset(c, 0, sizeof(*c));
}

bool rs_sdcard_is_large(const struct rs_sdcard *c)
{
	return c->size > RS_SD_LARGE_CARD;
}

enum rs_sd_status rs_sdcard_check_writable(const struct rs_sdcard *c, struct rs_errors *errs)
{
	const char *p = c->path;
	if (c->system_disk) {
		rs_errors_add(errs, RS_ERR_VALUE, p, 0, 0, SYSTEM_DISK_MSG);
		return RS_SD_SYSTEM_DISK;
	}
	if (c->gpt) {
		rs_errors_add(errs, RS_ERR_VALUE, p, 0, 0,
			      "the card has a GPT partition table, which the board's bootloader "
			      "cannot read; reformat it with 'sudo ratos-setup sdcard format --device %s'",
			      p);
		return RS_SD_NOT_FAT;
	}
	if (!rs_fs_kind_usable(c->fs.kind)) {
		const char *why = c->fs.kind == RS_FS_EXFAT
			? "exFAT (how cards over 32 GB come), which the board's bootloader cannot read"
			: c->fs.kind == RS_FS_NTFS ? "NTFS, which the board's bootloader cannot read"
			: c->fs.kind == RS_FS_NONE ? "not formatted (no filesystem found)"
			: c->fs.kind == RS_FS_FAT12 ? "FAT12 (too small a volume for the bootloader)"
			: "not a FAT filesystem the bootloader can read";
		rs_errors_add(errs, RS_ERR_VALUE, p, 0, 0,
			      "the card is %s. It must be FAT32 (or FAT16). Reformat it (this erases "
			      "it) with 'sudo ratos-setup sdcard format --device %s'",
			      why, p);
		return RS_SD_NOT_FAT;
	}
	if (c->read_only) {
		rs_errors_add(errs, RS_ERR_IO, p, 0, 0,
			      "the card is write-protected (read-only); slide the lock switch on the "
			      "card's side up, away from LOCK, and insert it again");
		return RS_SD_READ_ONLY;
	}
	return RS_SD_OK;
}

void rs_sd_format_size(uint64_t bytes, char *buf, unsigned len)
{
	if (bytes >= 1000ULL * 1000 * 1000)
		snprintf(buf, len, "%.1f GB", (double)bytes / 1e9);
	else if (bytes >= 1000ULL * 1000)
		snprintf(buf, len, "%.1f MB", (double)bytes / 1e6);
	else
		snprintf(buf, len, "%" PRIu64 " bytes", bytes);
}

char *rs_sdcard_describe(const struct rs_sdcard *c)
{
	char size[32];
	rs_sd_format_size(c->size, size, sizeof(size));
	if (c->fs.label[0])
		return rs_xasprintf("%s %s \"%s\"", size, rs_fs_kind_name(c->fs.kind), c->fs.label);
	return rs_xasprintf("%s %s", size, rs_fs_kind_name(c->fs.kind));
}

const char *rs_sd_status_name(enum rs_sd_status s)
{
	static const char *const names[] = {
		[RS_SD_OK] = "ok",
		[RS_SD_NOT_FOUND] = "not-found",
		[RS_SD_PERMISSION] = "permission-denied",
		[RS_SD_READ_ONLY] = "read-only",
		[RS_SD_NOT_FAT] = "not-fat",
		[RS_SD_SYSTEM_DISK] = "system-disk",
		[RS_SD_FULL] = "card-full",
		[RS_SD_GONE] = "card-removed",
		[RS_SD_IO] = "io-error",
		[RS_SD_VERIFY] = "verify-failed",
		[RS_SD_BAD_FIRMWARE] = "bad-firmware",
		[RS_SD_WRONG_MCU] = "wrong-mcu",
		[RS_SD_BAD_BOARD] = "not-sd-board",
		[RS_SD_TOOL] = "tool-failed",
		[RS_SD_MOUNTED] = "mounted",
	};
	if ((size_t)s < sizeof(names) / sizeof(names[0]) && names[s])
		return names[s];
	return "unknown";
}

enum rs_sd_status rs_sd_status_from_errno(int err)
{
	switch (err) {
	case 0: return RS_SD_OK;
	case ENOENT: return RS_SD_NOT_FOUND;
	case ENXIO:
	case ENODEV:
	case ENOMEDIUM: return RS_SD_GONE;
	case EACCES:
	case EPERM: return RS_SD_PERMISSION;
	case EROFS: return RS_SD_READ_ONLY;
	case ENOSPC:
	case EFBIG: return RS_SD_FULL;
	default: return RS_SD_IO;
	}
}
