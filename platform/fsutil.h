/* File helpers for build outputs: whole-file reads, atomic replacement
 * (temp name + fsync + rename, so a crash or a full disk never leaves half a
 * firmware image under the real name) and recursive removal. */
#ifndef RS_PLATFORM_FSUTIL_H
#define RS_PLATFORM_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Reads at most max bytes; false with errno set (EFBIG when larger). */
bool rs_fs_read_file(const char *path, size_t max, unsigned char **data, size_t *len);

/* Writes data to dir/<.name.XXXXXX>, fsyncs it, sets mode 0644 and, when
 * chown_to is set, the owner; returns the temp path (caller frees) or NULL
 * with errno set. Nothing is left behind on failure. */
struct rs_fs_owner {
	bool set;
	uid_t uid;
	gid_t gid;
};
char *rs_fs_write_temp(const char *dir, const char *name, const void *data, size_t len,
		       const struct rs_fs_owner *owner);
/* rename(temp, dir/name) and fsync the directory. */
bool rs_fs_commit(const char *temp, const char *dir, const char *name);
/* Convenience: write_temp + commit. */
bool rs_fs_write_atomic(const char *dir, const char *name, const void *data, size_t len,
			const struct rs_fs_owner *owner);

/* rm -rf without following symlinks; true when path is gone. */
bool rs_fs_remove_tree(const char *path);
/* mkdir -p, then chown every directory it created when owner is set. */
bool rs_fs_mkdirs_owned(const char *path, const struct rs_fs_owner *owner);

#endif
