/* A small tar.gz writer for the help report: regular files only, built in
 * memory (a report is a few megabytes at most), POSIX ustar headers that
 * GNU tar, bsdtar and Python's tarfile read, gzip through zlib. */
#ifndef RS_CORE_TARGZ_H
#define RS_CORE_TARGZ_H

#include <stdbool.h>
#include <stddef.h>

#define RS_TAR_NAME_MAX 99 /* ustar's name field, without a prefix */

struct rs_tar {
	unsigned char *data;
	size_t len, cap;
	size_t members;
};

/* Appends a regular file (mode 0644, owner 0/0, the given time). False when
 * the name is empty, too long or absolute, or holds "..". */
bool rs_tar_add(struct rs_tar *t, const char *name, const void *data, size_t len,
		long long mtime);
/* The two empty blocks that end an archive. */
void rs_tar_finish(struct rs_tar *t);
void rs_tar_free(struct rs_tar *t);

/* The gzip stream of in; *out is the caller's to free. False when zlib fails. */
bool rs_gzip(const void *in, size_t len, unsigned char **out, size_t *out_len);

#endif
