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

/* The device vanished (card pulled, reader unplugged)? */
static bool target_gone(const struct rs_sdcard *c)
{
	struct stat st;
	if (stat(c->path, &st) != 0)
		return true;
	int fd = open(c->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENXIO || errno == ENODEV || errno == ENOMEDIUM || errno == ENOENT;
	close(fd);
	return false;
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
	int fd = open(c->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	fsync(fd);
	if (c->block)
		ioctl(fd, BLKFLSBUF, 0); /* fails harmlessly on emulated or image nodes */
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	int rc = fsync(fd) == 0 || errno == EINVAL ? 0 : errno;
	close(fd);
	return rc;
}

/* ---- mtools backend -------------------------------------------------- */

static bool run(const struct rs_sdcard *c, const char *tool, const char *a1, const char *a2,
		const char *a3, size_t max_out, struct rs_mtools_out *o)
{
	char *spec = rs_mtools_image_spec(c->path, c->offset);
	const char *argv[8] = { tool, "-i", spec };
	size_t n = 3;
	if (a1)
		argv[n++] = a1;
	if (a2)
		argv[n++] = a2;
	if (a3)
		argv[n++] = a3;
	argv[n] = NULL;
	rs_mtools_run(argv, max_out, o);
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
	if (!run(c, "mdir", "-a", "-b", "::/", 4 * 1024 * 1024, &o)) {
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
				   const char *opt, const char *src, const char *dst,
				   const char *name, struct rs_errors *errs)
{
	struct rs_mtools_out o;
	enum rs_sd_status st = RS_SD_OK;
	if (!run(c, tool, opt, src, dst, 0, &o))
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
	if (!run(c, "mtype", src, NULL, NULL, RS_SD_READ_MAX, &o)) {
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

static char *in_mount(const struct rs_sdcard *c, const char *name)
{
	return rs_xasprintf("%s/%s", c->mountpoint, name);
}

static enum rs_sd_status mnt_list(const struct rs_sdcard *c, struct rs_strv *names,
				  struct rs_errors *errs)
{
	DIR *d = opendir(c->mountpoint);
	if (!d)
		return fail_errno(c, errno, "listing", c->mountpoint, errs);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char *p = in_mount(c, e->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISREG(st.st_mode))
			rs_strv_push(names, e->d_name);
		free(p);
	}
	closedir(d);
	return RS_SD_OK;
}

static enum rs_sd_status mnt_put(const struct rs_sdcard *c, const char *local, const char *name,
				 struct rs_errors *errs)
{
	char *dst = in_mount(c, name);
	enum rs_sd_status st = RS_SD_OK;
	int in = open(local, O_RDONLY | O_CLOEXEC), out = -1, err = 0;
	if (in < 0) {
		st = fail_errno(c, errno, "reading", local, errs);
		goto out;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		err = errno;
		goto fail;
	}
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
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
	unlink(dst);
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	free(dst);
	return st;
}

static enum rs_sd_status mnt_read(const struct rs_sdcard *c, const char *name, unsigned char **data,
				  size_t *len, struct rs_errors *errs)
{
	char *p = in_mount(c, name);
	enum rs_sd_status st = RS_SD_OK;
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		st = fail_errno(c, errno, "reading back", name, errs);
		goto out;
	}
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
out:
	free(p);
	return st;
}

/* ---- public ---------------------------------------------------------- */

enum rs_sd_status rs_sdfs_list(const struct rs_sdcard *c, struct rs_strv *names,
			       struct rs_errors *errs)
{
	return c->mountpoint ? mnt_list(c, names, errs) : mt_list(c, names, errs);
}

enum rs_sd_status rs_sdfs_remove(const struct rs_sdcard *c, const char *name,
				 struct rs_errors *errs)
{
	if (c->mountpoint) {
		char *p = in_mount(c, name);
		int rc = unlink(p) == 0 ? fsync_dir(c->mountpoint) : errno;
		free(p);
		return rc ? fail_errno(c, rc, "removing", name, errs) : RS_SD_OK;
	}
	char *target = fat_path(name);
	enum rs_sd_status st = mt_simple(c, "mdel", "removing", target, NULL, NULL, name, errs);
	free(target);
	return st;
}

enum rs_sd_status rs_sdfs_put(const struct rs_sdcard *c, const char *local, const char *name,
			      struct rs_errors *errs)
{
	if (c->mountpoint)
		return mnt_put(c, local, name, errs);
	char *target = fat_path(name);
	/* -o: replace an existing file instead of asking (and failing silently). */
	enum rs_sd_status st = mt_simple(c, "mcopy", "writing", "-o", local, target, name, errs);
	free(target);
	return st;
}

enum rs_sd_status rs_sdfs_rename(const struct rs_sdcard *c, const char *from, const char *to,
				 struct rs_errors *errs)
{
	if (c->mountpoint) {
		char *a = in_mount(c, from), *b = in_mount(c, to);
		int rc = rename(a, b) == 0 ? fsync_dir(c->mountpoint) : errno;
		free(a);
		free(b);
		return rc ? fail_errno(c, rc, "renaming", from, errs) : RS_SD_OK;
	}
	char *a = fat_path(from), *b = fat_path(to);
	enum rs_sd_status st = mt_simple(c, "mren", "renaming", a, b, NULL, from, errs);
	free(a);
	free(b);
	return st;
}

enum rs_sd_status rs_sdfs_read(const struct rs_sdcard *c, const char *name, unsigned char **data,
			       size_t *len, struct rs_errors *errs)
{
	*data = NULL;
	*len = 0;
	return c->mountpoint ? mnt_read(c, name, data, len, errs) : mt_read(c, name, data, len, errs);
}
