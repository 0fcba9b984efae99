#include "platform/sdinspect.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mbr.h"
#include "core/mountinfo.h"
#include "core/xalloc.h"

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

/* The mount point of the volume, if the system has it mounted; *maj:*min
 * get the volume's device (0:0 for an image). */
void rs_sdinspect_mount(struct rs_sdcard *c, const char *mountinfo, unsigned *maj, unsigned *min)
{
	struct rs_mounts mounts;
	*maj = *min = 0;
	if (!rs_mountinfo_read(mountinfo ? mountinfo : "/proc/self/mountinfo", &mounts))
		return;
	bool have_dev = c->block;
	if (have_dev) {
		*maj = c->major;
		*min = c->minor;
	}
	if (c->kind == RS_SD_DISK && c->partition > 0)
		have_dev = partition_devnum(c, c->partition, maj, min);
	char real[PATH_MAX];
	const char *source = realpath(c->path, real) ? real : c->path;
	const struct rs_mount *m = rs_mounts_of(&mounts, have_dev ? *maj : 0, *min, source, 0);
	if (m)
		c->mountpoint = rs_xstrdup(m->mountpoint);
	rs_mounts_free(&mounts);
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
 * partition table (the one the bootloaders read). A partition that reaches
 * past the end of the card is never used: writing there would grow an image
 * file or fail half-way on a card. */
bool rs_sdinspect_volume(int fd, struct rs_sdcard *c, int *err)
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
		uint64_t start = (uint64_t)mbr.part[i].start * RS_SECTOR;
		uint64_t bytes = (uint64_t)mbr.part[i].sectors * RS_SECTOR;
		if (start + bytes > c->size) {
			c->bad_table = true;
			continue;
		}
		struct rs_fat_info info;
		if (!read_at(fd, start, sec, sizeof(sec), err))
			return false;
		rs_fat_inspect(sec, sizeof(sec), &info);
		/* Keep the first partition for the error message, unless a later
		 * one is FAT. */
		bool usable = rs_fs_kind_usable(info.kind);
		if (!have_first || usable) {
			have_first = true;
			c->partition = i + 1;
			c->offset = start;
			c->volume_size = bytes;
			c->fs = info;
		}
		if (usable)
			break;
	}
	if (c->bad_table && !rs_fs_kind_usable(c->fs.kind)) {
		c->partition = 0;
		c->offset = 0;
		c->volume_size = c->size;
		c->fs.kind = RS_FS_NONE;
	}
	return true;
}

void rs_sdinspect_block(struct rs_sdcard *c, int fd)
{
	c->block = true;
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
	if (dir && c->kind == RS_SD_PARTITION && sysfs_read(dir, "start", buf, sizeof(buf)) &&
	    sscanf(buf, "%llu", &sectors) == 1)
		c->part_start = sectors;
	if (dir && c->kind == RS_SD_PARTITION) {
		char *copy = rs_xstrdup(dir);
		if (sysfs_read(dirname(copy), "ro", buf, sizeof(buf)) && strcmp(buf, "1") == 0)
			c->read_only = true;
		free(copy);
	}
	free(dir);
}
