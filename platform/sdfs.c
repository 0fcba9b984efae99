#include "platform/sdfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "platform/identity.h"
#include "platform/mtools.h"

#define RS_SD_READ_MAX (64u * 1024 * 1024) /* no firmware comes near this */

/* ---- errors ---------------------------------------------------------- */

static enum rs_sd_status fail_errno(const struct rs_sdcard *c, int err, const char *what,
				    const char *name, struct rs_errors *errs)
{
	enum rs_sd_status st = rs_sd_status_from_errno(err);
	const char *hint = "";
	switch (st) {
	case RS_SD_PERMISSION: hint = "; run with sudo"; break;
	case RS_SD_READ_ONLY: hint = "; the card is write-protected or mounted read-only"; break;
	case RS_SD_FULL: hint = "; the card is full: delete files from it or use another card"; break;
	case RS_SD_GONE: hint = "; was the card removed? Insert it and try again"; break;
	case RS_SD_IO: hint = "; the card or reader may be failing: try again or use another card"; break;
	default: break;
	}
	rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0, "%s %s: %s%s", what, name, strerror(err), hint);
	return st;
}

/* The card vanished (pulled, reader unplugged) or the image was removed? */
static bool target_gone(const struct rs_sdcard *c)
{
	struct rs_errors ignored = { 0 };
	bool gone = rs_sdcard_still_there(c, &ignored) != RS_SD_OK;
	rs_errors_clear(&ignored);
	return gone;
}

/* mtools says what went wrong only in words; map its messages. */
static enum rs_sd_status fail_mtools(const struct rs_sdcard *c, const struct rs_mtools_out *o,
				     const char *tool, const char *what, const char *name,
				     struct rs_errors *errs)
{
	char msg[512];
	snprintf(msg, sizeof(msg), "%s", o->err);
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = *(p + 1) ? ' ' : '\0';
	if (o->status < 0 && o->exec_errno == ENOENT) {
		rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0,
			      "%s is not installed; install mtools (sudo apt install mtools)", tool);
		return RS_SD_TOOL;
	}
	if (target_gone(c)) {
		rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0,
			      "the card went away while %s %s; insert it and write again", what, name);
		return RS_SD_GONE;
	}
	if (strstr(o->err, "Disk full")) {
		rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0,
			      "the card is full while %s %s; delete files from it or use another card",
			      what, name);
		return RS_SD_FULL;
	}
	if (strstr(o->err, "Read-only file system")) {
		rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0,
			      "the card is write-protected; slide the lock switch away from LOCK");
		return RS_SD_READ_ONLY;
	}
	if (strstr(o->err, "Permission denied")) {
		rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0,
			      "permission denied while %s %s; run with sudo", what, name);
		return RS_SD_PERMISSION;
	}
	if (strstr(o->err, "Input/output error")) {
		rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0,
			      "I/O error while %s %s: the card or reader may be failing (%s)", what,
			      name, msg);
		return RS_SD_IO;
	}
	rs_errors_add(errs, RS_ERR_IO, c->path, 0, 0, "%s failed while %s %s (exit %d): %s", tool,
		      what, name, o->status, msg[0] ? msg : "no message");
	return RS_SD_TOOL;
}

/* ---- flushing -------------------------------------------------------- */

/* After mtools wrote to a block device: push the data to the card and drop
 * the cached copy, so a read-back really reads the card. */
static void flush_device(const struct rs_sdcard *c)
{
	if (!c->has_fd)
		return;
	fsync(c->fd);
	if (c->block)
		ioctl(c->fd, BLKFLSBUF, 0); /* fails harmlessly on emulated or image nodes */
	posix_fadvise(c->fd, 0, 0, POSIX_FADV_DONTNEED);
}

static int fsync_dir(const struct rs_sdcard *c)
{
	return fsync(c->mount_fd) == 0 || errno == EINVAL ? 0 : errno;
}

/* ---- mtools backend -------------------------------------------------- */

/* Runs tool on the card's open file (never its name: mtools would read "@@"
 * in it as an offset and a leading '-' as an option). extra_fd, when >= 0,
 * is handed over too (the firmware being copied). */
static bool run(const struct rs_sdcard *c, const char *tool, const char *a1, const char *a2,
		const char *a3, int extra_fd, size_t max_out, struct rs_mtools_out *o)
{
	if (!c->has_fd) {
		memset(o, 0, sizeof(*o));
		o->status = -1;
		o->exec_errno = EBADF;
		o->out = rs_xcalloc(1, 1);
		o->err = rs_xstrdup("the card is not open");
		return false;
	}
	char *spec = rs_mtools_image_spec(c->fd, c->offset);
	const char *argv[8] = { tool, "-i", spec };
	size_t n = 3;
	if (a1)
		argv[n++] = a1;
	if (a2)
		argv[n++] = a2;
	if (a3)
		argv[n++] = a3;
	argv[n] = NULL;
	int keep[2] = { c->fd, extra_fd };
	rs_mtools_run_fds(argv, keep, extra_fd >= 0 ? 2 : 1, max_out, o);
	free(spec);
	return o->status == 0;
}

static char *fat_path(const char *name)
{
	return rs_xasprintf("::/%s", name);
}

static enum rs_sd_status mt_list(const struct rs_sdcard *c, struct rs_strv *names,
				 struct rs_errors *errs)
{
	struct rs_mtools_out o;
	enum rs_sd_status st = RS_SD_OK;
	/* -b: bare "::/name" lines, directories end in '/'; -a: hidden too. */
	if (!run(c, "mdir", "-a", "-b", "::/", -1, 4 * 1024 * 1024, &o)) {
		/* An empty volume makes mdir say "No files" with exit 1. */
		if (o.status == 1 && o.out_len == 0 && strstr(o.err, "No files"))
			goto out;
		st = fail_mtools(c, &o, "mdir", "listing", "the card", errs);
		goto out;
	}
	for (char *line = (char *)o.out; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		size_t len = strlen(line);
		if (len > 3 && strncmp(line, "::/", 3) == 0 && line[len - 1] != '/')
			rs_strv_push(names, line + 3);
		line = nl ? nl + 1 : NULL;
	}
out:
	rs_mtools_out_free(&o);
	return st;
}

static enum rs_sd_status mt_simple(const struct rs_sdcard *c, const char *tool, const char *what,
				   const char *opt, const char *src, const char *dst, int extra_fd,
				   const char *name, struct rs_errors *errs)
{
	struct rs_mtools_out o;
	enum rs_sd_status st = RS_SD_OK;
	if (!run(c, tool, opt, src, dst, extra_fd, 0, &o))
		st = fail_mtools(c, &o, tool, what, name, errs);
	rs_mtools_out_free(&o);
	if (st == RS_SD_OK)
		flush_device(c);
	return st;
}

static enum rs_sd_status mt_read(const struct rs_sdcard *c, const char *name, unsigned char **data,
				 size_t *len, struct rs_errors *errs)
{
	struct rs_mtools_out o;
	char *src = fat_path(name);
	enum rs_sd_status st = RS_SD_OK;
	flush_device(c);
	if (!run(c, "mtype", src, NULL, NULL, -1, RS_SD_READ_MAX, &o)) {
		st = fail_mtools(c, &o, "mtype", "reading back", name, errs);
		rs_mtools_out_free(&o);
	} else {
		*data = o.out;
		*len = o.out_len;
		free(o.err);
	}
	free(src);
	return st;
}

/* ---- mounted backend ------------------------------------------------- */

/* Names in the card's root only: they come from the board file or the card's
 * own listing, and must not climb out of the mount point. */
static bool plain_name(const char *name)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

static enum rs_sd_status mnt_list(const struct rs_sdcard *c, struct rs_strv *names,
				  struct rs_errors *errs)
{
	int fd = dup(c->mount_fd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		return fail_errno(c, err, "listing", c->mountpoint, errs);
	}
	rewinddir(d);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		if (fstatat(c->mount_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode))
			rs_strv_push(names, e->d_name);
	}
	closedir(d);
	return RS_SD_OK;
}

static enum rs_sd_status mnt_put(const struct rs_sdcard *c, int in, const char *name,
				 struct rs_errors *errs)
{
	enum rs_sd_status st = RS_SD_OK;
	int out = -1, err = 0;
	if (!plain_name(name)) {
		err = EINVAL;
		goto fail;
	}
	out = openat(c->mount_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (out < 0) {
		err = errno;
		goto fail;
	}
	char buf[65536];
	ssize_t n;
	off_t pos = 0;
	while ((n = pread(in, buf, sizeof(buf), pos)) > 0) {
		pos += n;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0) {
				if (errno == EINTR)
					continue;
				err = errno;
				goto fail;
			}
			off += w;
		}
	}
	if (n < 0 || fsync(out) != 0) {
		err = errno;
		goto fail;
	}
	if (close(out) != 0) {
		out = -1;
		err = errno;
		goto fail;
	}
	out = -1;
	goto out;
fail:
	st = fail_errno(c, err, "writing", name, errs);
	if (st == RS_SD_NOT_FOUND)
		st = RS_SD_GONE;
	if (out >= 0)
		unlinkat(c->mount_fd, name, 0);
out:
	if (out >= 0)
		close(out);
	return st;
}

static enum rs_sd_status mnt_read(const struct rs_sdcard *c, const char *name, unsigned char **data,
				  size_t *len, struct rs_errors *errs)
{
	enum rs_sd_status st = RS_SD_OK;
	int fd = plain_name(name)
		? openat(c->mount_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : (errno = EINVAL, -1);
	if (fd < 0)
		return fail_errno(c, errno, "reading back", name, errs);
	/* Drop the cached pages so the read comes from the card. */
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	size_t cap = 65536, n = 0;
	unsigned char *buf = rs_xmalloc(cap + 1);
	ssize_t r;
	while ((r = read(fd, buf + n, cap - n)) > 0) {
		n += (size_t)r;
		if (n == cap) {
			if (cap >= RS_SD_READ_MAX)
				break;
			buf = rs_xrealloc(buf, (cap *= 2) + 1);
		}
	}
	if (r < 0) {
		st = fail_errno(c, errno, "reading back", name, errs);
		free(buf);
	} else {
		*data = buf;
		*len = n;
	}
	close(fd);
	return st;
}

/* ---- on the card ---------------------------------------------------------- */

static enum rs_sd_status on_card_list(const struct rs_sdcard *c, struct rs_strv *names,
			       struct rs_errors *errs)
{
	return c->has_mount_fd ? mnt_list(c, names, errs) : mt_list(c, names, errs);
}

static enum rs_sd_status on_card_remove(const struct rs_sdcard *c, const char *name,
				 struct rs_errors *errs)
{
	if (c->has_mount_fd) {
		int rc = !plain_name(name) ? EINVAL
			 : unlinkat(c->mount_fd, name, 0) == 0 ? fsync_dir(c) : errno;
		return rc ? fail_errno(c, rc, "removing", name, errs) : RS_SD_OK;
	}
	char *target = fat_path(name);
	enum rs_sd_status st = mt_simple(c, "mdel", "removing", target, NULL, NULL, -1, name, errs);
	free(target);
	return st;
}

static enum rs_sd_status on_card_put(const struct rs_sdcard *c, int local, const char *name,
			      struct rs_errors *errs)
{
	if (c->has_mount_fd)
		return mnt_put(c, local, name, errs);
	char *target = fat_path(name);
	char *src = rs_mtools_fd_path(local);
	/* -o: replace an existing file instead of asking (and failing silently). */
	enum rs_sd_status st =
		mt_simple(c, "mcopy", "writing", "-o", src, target, local, name, errs);
	free(src);
	free(target);
	return st;
}

static enum rs_sd_status on_card_rename(const struct rs_sdcard *c, const char *from, const char *to,
				 struct rs_errors *errs)
{
	if (c->has_mount_fd) {
		int rc = !plain_name(from) || !plain_name(to) ? EINVAL
			 : renameat(c->mount_fd, from, c->mount_fd, to) == 0 ? fsync_dir(c) : errno;
		return rc ? fail_errno(c, rc, "renaming", from, errs) : RS_SD_OK;
	}
	char *a = fat_path(from), *b = fat_path(to);
	/* -o: an existing file of the new name is replaced in the same
	 * directory update, so the name never stands empty. */
	enum rs_sd_status st = mt_simple(c, "mren", "renaming", "-o", a, b, -1, from, errs);
	free(a);
	free(b);
	return st;
}

static enum rs_sd_status on_card_read(const struct rs_sdcard *c, const char *name, unsigned char **data,
			       size_t *len, struct rs_errors *errs)
{
	*data = NULL;
	*len = 0;
	return c->has_mount_fd ? mnt_read(c, name, data, len, errs)
			       : mt_read(c, name, data, len, errs);
}

/* ---- public ----------------------------------------------------------- */

/* Each operation on the card runs as root under sudo (platform/identity.h):
 * the device node and a card mounted by root need it. Nothing here touches
 * the user's files: the firmware comes in as an open file. */
static bool as_root(const struct rs_sdcard *c, struct rs_errors *errs, enum rs_sd_status *st)
{
	if (rs_identity_as_root_begin())
		return true;
	*st = fail_errno(c, errno, "switching to root for", c->path, errs);
	return false;
}

enum rs_sd_status rs_sdfs_list(const struct rs_sdcard *c, struct rs_strv *names,
			       struct rs_errors *errs)
{
	enum rs_sd_status st;
	if (!as_root(c, errs, &st))
		return st;
	st = on_card_list(c, names, errs);
	rs_identity_as_root_end();
	return st;
}

enum rs_sd_status rs_sdfs_remove(const struct rs_sdcard *c, const char *name,
				 struct rs_errors *errs)
{
	enum rs_sd_status st;
	if (!as_root(c, errs, &st))
		return st;
	st = on_card_remove(c, name, errs);
	rs_identity_as_root_end();
	return st;
}

enum rs_sd_status rs_sdfs_put(const struct rs_sdcard *c, int local, const char *name,
			      struct rs_errors *errs)
{
	enum rs_sd_status st;
	if (!as_root(c, errs, &st))
		return st;
	st = on_card_put(c, local, name, errs);
	rs_identity_as_root_end();
	return st;
}

enum rs_sd_status rs_sdfs_rename(const struct rs_sdcard *c, const char *from, const char *to,
				 struct rs_errors *errs)
{
	enum rs_sd_status st;
	if (!as_root(c, errs, &st))
		return st;
	st = on_card_rename(c, from, to, errs);
	rs_identity_as_root_end();
	return st;
}

enum rs_sd_status rs_sdfs_read(const struct rs_sdcard *c, const char *name, unsigned char **data,
			       size_t *len, struct rs_errors *errs)
{
	enum rs_sd_status st;
	if (!as_root(c, errs, &st))
		return st;
	st = on_card_read(c, name, data, len, errs);
	rs_identity_as_root_end();
	return st;
}
