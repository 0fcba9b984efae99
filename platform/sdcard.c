#include "platform/identity.h"
#include "platform/sdcard.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/card_policy.h"
#include "core/sdcheck.h"
#include "core/xalloc.h"
#include "platform/sddevice.h"
#include "platform/sdinspect.h"

#define SYSTEM_DISK_MSG                                                                     \
	"this is the disk the system runs from; it is never written or formatted. Put the " \
	"SD card in a USB reader and give its device (see lsblk)"

/* Discovery's verdict on the disk behind the open device. */
static enum rs_sd_status card_policy(struct rs_sdcard *c, const char *mountinfo,
				     enum rs_sd_access access, struct rs_errors *errs)
{
	struct rs_hw_card hw;
	char *why = NULL;
	if (!rs_sd_device_card(c->major, c->minor, mountinfo, &hw, &c->serial, &why)) {
		rs_errors_add(errs, RS_ERR_VALUE, c->path, 0, 0,
			      "cannot tell which disk this is (%s); refusing it", why);
		free(why);
		return RS_SD_NOT_CARD;
	}
	enum rs_sd_status st = RS_SD_OK;
	enum rs_card_refusal r = hw.refusal;
	if (access == RS_SD_BOOT_DRIVE) {
		/* Every other reason is in the mask too: a boot drive that is
		 * somehow also the system disk is still refused. */
		unsigned others = hw.refusal_mask & ~(1u << RS_CARD_BOARD_BOOT);
		if (r != RS_CARD_BOARD_BOOT || (others & ~(1u << RS_CARD_READ_ONLY))) {
			c->system_disk = (hw.refusal_mask & (1u << RS_CARD_SYSTEM)) != 0;
			rs_errors_add(errs, RS_ERR_VALUE, c->path, 0, 0,
				      "%s is not an RP2040 in boot mode (its RPI-RP2 drive); nothing "
				      "is written to it. Hold BOOT while plugging the board in, and "
				      "see 'ratos-setup devices'",
				      hw.name ? hw.name : "this disk");
			st = c->system_disk ? RS_SD_SYSTEM_DISK : RS_SD_NOT_CARD;
		}
		c->read_only = (others & (1u << RS_CARD_READ_ONLY)) != 0;
		rs_hw_card_free(&hw);
		return st;
	}
	if (r == RS_CARD_READ_ONLY) {
		c->read_only = true;
	} else if (r == RS_CARD_SYSTEM) {
		c->system_disk = true;
		rs_errors_add(errs, RS_ERR_VALUE, c->path, 0, 0, SYSTEM_DISK_MSG);
		st = RS_SD_SYSTEM_DISK;
	} else if (r == RS_CARD_EMPTY) {
		rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0,
			      "no card in the reader; insert the card and try again");
		st = RS_SD_NOT_FOUND;
	} else if (r != RS_CARD_OK) {
		rs_errors_add(errs, RS_ERR_VALUE, c->path, 0, 0,
			      "%s is not an SD card in a card reader (%s); it is never %s. Put the "
			      "card in a USB reader and give its device (see 'ratos-setup devices "
			      "--all')",
			      hw.name ? hw.name : "this disk", rs_card_refusal_text(r),
			      access == RS_SD_READ ? "used" : "written");
		st = RS_SD_NOT_CARD;
	}
	rs_hw_card_free(&hw);
	return st;
}

/* The mount point, opened and checked to be this card's filesystem, so the
 * writes through it land on the card that was checked. */
static enum rs_sd_status open_mount(struct rs_sdcard *c, unsigned maj, unsigned min,
				    struct rs_errors *errs)
{
	/* As root: a card mounted by root may not be the user's to open. */
	int fd = rs_identity_open_as_root(c->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && c->block && major(st.st_dev) == maj &&
	    minor(st.st_dev) == min) {
		c->mount_fd = fd;
		c->has_mount_fd = true;
		return RS_SD_OK;
	}
	if (fd >= 0)
		close(fd);
	rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0,
		      "the card is mounted at %s, but that folder is not the card's filesystem "
		      "now; unmount (eject) the card and try again",
		      c->mountpoint);
	return RS_SD_MOUNTED;
}

static enum rs_sd_status open_failed(const char *path, int err, struct rs_errors *errs)
{
	enum rs_sd_status st = rs_sd_status_from_errno(err);
	if (st == RS_SD_PERMISSION && rs_identity_is_sudo())
		rs_errors_add(errs, RS_ERR_IO, path, 0, 0,
			      "permission denied: under sudo, root opens only block devices; an "
			      "image file must be one you (%s) can write",
			      rs_identity_user_name());
	else if (st == RS_SD_PERMISSION)
		rs_errors_add(errs, RS_ERR_IO, path, 0, 0,
			      "permission denied; run with sudo (sudo ratos-setup ...)");
	else if (st == RS_SD_NOT_FOUND || st == RS_SD_GONE)
		rs_errors_add(errs, RS_ERR_IO, path, 0, 0,
			      "no such device or file; is the card inserted? (lsblk lists the cards)");
	else if (err == EBUSY)
		rs_errors_add(errs, RS_ERR_IO, path, 0, 0,
			      "the card is in use (mounted, or opened by another program); unmount "
			      "(eject) it or close that program, then try again");
	else
		rs_errors_add(errs, RS_ERR_IO, path, 0, 0, "cannot read: %s", strerror(err));
	if (err == EBUSY)
		return RS_SD_BUSY;
	return st == RS_SD_GONE ? RS_SD_NOT_FOUND : st;
}

/* Opens path once. WRITE and FORMAT want it exclusively; a write-protected
 * card is opened read-only so the refusal can say why; for WRITE a device
 * busy because the desktop mounted it is opened shared, and written through
 * the mount point. O_NONBLOCK: a FIFO named as the card must not hang us. */
static int open_once(const char *path, enum rs_sd_access access, bool *shared, bool *ro,
		     int *err)
{
	int base = O_NONBLOCK;
	int fd = rs_sd_device_open(path, access == RS_SD_READ ? base | O_RDONLY
							      : base | O_RDWR | O_EXCL);
	*err = fd < 0 ? errno : 0;
	/* EACCES too: an image file without write permission is a read-only
	 * card to us, said as such when it can at least be read. */
	if (fd < 0 && access != RS_SD_READ && (*err == EROFS || *err == EACCES)) {
		fd = rs_sd_device_open(path, base | O_RDONLY);
		*ro = fd >= 0;
	} else if (fd < 0 && access != RS_SD_READ && *err == EBUSY) {
		/* Opened shared only to say precisely why it is refused, or (a
		 * write to a mounted card) to check the mount point is its. */
		fd = rs_sd_device_open(path, base | (access == RS_SD_FORMAT ? O_RDONLY : O_RDWR));
		*shared = fd >= 0;
	}
	if (fd >= 0)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

enum rs_sd_status rs_sdcard_open(const char *path, enum rs_sd_access access,
				 const char *mountinfo, struct rs_sdcard *out,
				 struct rs_errors *errs)
{
	memset(out, 0, sizeof(*out));
	out->fd = out->mount_fd = -1;
	out->path = rs_xstrdup(path);
	bool shared = false, ro = false;
	int err = 0;
	enum rs_sd_status st;
	/* A disk that must never be used is refused before it is even opened;
	 * the open file is checked again below, which is the check that counts. */
	struct stat pre;
	bool pre_block = stat(path, &pre) == 0 && S_ISBLK(pre.st_mode);
	if (pre_block) {
		out->major = major(pre.st_rdev);
		out->minor = minor(pre.st_rdev);
		if ((st = card_policy(out, mountinfo, access, errs)) != RS_SD_OK)
			return st;
	}
	int fd = open_once(path, access, &shared, &ro, &err);
	if (fd < 0)
		return open_failed(path, err, errs);
	out->fd = fd;
	out->has_fd = true;
	out->exclusive = access != RS_SD_READ && !shared && !ro;

	/* Everything below is about the open file, not about the name. */
	struct stat fst, pst;
	if (fstat(fd, &fst) != 0)
		return open_failed(path, errno, errs);
	out->inode = fst.st_ino;
	out->inode_dev = fst.st_dev;
	dev_t num = fst.st_rdev;
	bool block = S_ISBLK(fst.st_mode);
	/* An emulated device node (umockdev) is a regular file underneath; the
	 * same file seen through its path is then a block device. */
	if (S_ISREG(fst.st_mode) && stat(path, &pst) == 0 && S_ISBLK(pst.st_mode) &&
	    pst.st_dev == fst.st_dev && pst.st_ino == fst.st_ino) {
		block = true;
		num = pst.st_rdev;
	}
	if (!block && !S_ISREG(fst.st_mode)) {
		rs_errors_add(errs, RS_ERR_VALUE, path, 0, 0,
			      "not a block device or an image file; give a card such as /dev/sda1 "
			      "(see lsblk) or an image file");
		return RS_SD_NOT_FOUND;
	}
	if (block) {
		bool same = pre_block && pre.st_rdev == num;
		out->major = major(num);
		out->minor = minor(num);
		if (!same) {
			free(out->serial);
			out->serial = NULL;
			out->read_only = false;
			if ((st = card_policy(out, mountinfo, access, errs)) != RS_SD_OK)
				return st;
		}
		rs_sdinspect_block(out, fd);
	} else {
		out->kind = RS_SD_IMAGE;
		out->size = (uint64_t)fst.st_size;
		out->read_only = (fst.st_mode & 0222) == 0 || faccessat(AT_FDCWD, path, W_OK, 0) != 0;
	}
	if (ro)
		out->read_only = true;
	if (!rs_sdinspect_volume(fd, out, &err))
		return open_failed(path, err, errs);
	unsigned vmaj, vmin;
	rs_sdinspect_mount(out, mountinfo, &vmaj, &vmin);
	if (shared && (access == RS_SD_FORMAT || !out->mountpoint))
		return open_failed(path, EBUSY, errs);
	/* Reading and writing a mounted card go through its filesystem: the
	 * device under it may hold stale or half-written metadata. */
	if (out->mountpoint && access != RS_SD_FORMAT)
		return open_mount(out, vmaj, vmin, errs);
	return RS_SD_OK;
}

void rs_sdcard_close(struct rs_sdcard *c)
{
	if (c->has_fd)
		close(c->fd);
	if (c->has_mount_fd)
		close(c->mount_fd);
	free(c->path);
	free(c->disk);
	free(c->mountpoint);
	free(c->serial);
	memset(c, 0, sizeof(*c));
}

void rs_sdcard_identity(const struct rs_sdcard *c, struct rs_sdcard_id *id)
{
	memset(id, 0, sizeof(*id));
	snprintf(id->serial, sizeof(id->serial), "%s", c->serial ? c->serial : "");
	id->size = c->size;
	id->block = c->block;
}

bool rs_sdcard_is(const struct rs_sdcard *c, const struct rs_sdcard_id *id)
{
	struct rs_sdcard_id now;
	rs_sdcard_identity(c, &now);
	return now.block == id->block && now.size == id->size &&
	       strcmp(now.serial, id->serial) == 0;
}

enum rs_sd_status rs_sdcard_still_there(const struct rs_sdcard *c, struct rs_errors *errs)
{
	struct stat fst, pst;
	bool ok = true;
	if (c->has_fd)
		ok = fstat(c->fd, &fst) == 0 && fst.st_nlink > 0 && stat(c->path, &pst) == 0 &&
		     pst.st_dev == fst.st_dev && pst.st_ino == fst.st_ino;
	if (ok && c->has_mount_fd)
		ok = fstat(c->mount_fd, &fst) == 0 && stat(c->mountpoint, &pst) == 0 &&
		     pst.st_dev == fst.st_dev && pst.st_ino == fst.st_ino;
	if (ok && c->has_fd && c->block) {
		unsigned char b;
		ok = pread(c->fd, &b, 1, 0) == 1;
	}
	if (ok)
		return RS_SD_OK;
	rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0,
		      "the card went away (or %s now names something else) during the write; "
		      "insert it and write again",
		      c->path);
	return RS_SD_GONE;
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
	if (c->bad_table && !rs_fs_kind_usable(c->fs.kind)) {
		rs_errors_add(errs, RS_ERR_VALUE, p, 0, 0,
			      "the card's partition table lists a partition that reaches past the end "
			      "of the card (%" PRIu64 " bytes); reformat it with 'sudo ratos-setup "
			      "sdcard format --device %s'",
			      c->size, p);
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
		[RS_SD_NOT_CARD] = "not-a-card",
		[RS_SD_BUSY] = "busy",
		[RS_SD_CHANGED] = "card-changed",
		[RS_SD_STOPPED] = "stopped",
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
