/* File helpers for build outputs: whole-file reads, atomic replacement
 * (temp name + fsync + rename, so a crash or a full disk never leaves half a
 * firmware image under the real name) and recursive removal. */
#ifndef RS_PLATFORM_FSUTIL_H
#define RS_PLATFORM_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Reads at most max bytes; false with errno set (EFBIG when larger). */
bool rs_fs_read_file(const char *path, size_t max, unsigned char **data, size_t *len);

/* Writes data to dir/<.name.XXXXXX>, fsyncs it and sets mode 0644; returns
 * the temp path (caller frees) or NULL with errno set. Nothing is left
 * behind on failure. Files belong to whoever we act as (under sudo, the
 * invoking user: platform/identity.h), so nothing here ever chowns. */
char *rs_fs_write_temp(const char *dir, const char *name, const void *data, size_t len);
/* rename(temp, dir/name) and fsync the directory. */
bool rs_fs_commit(const char *temp, const char *dir, const char *name);
/* Convenience: write_temp + commit. */
bool rs_fs_write_atomic(const char *dir, const char *name, const void *data, size_t len);

/* rm -rf without following symlinks, path itself included (a trailing
 * slash does not make a symlink count as its target); true when path is
 * gone. */
bool rs_fs_remove_tree(const char *path);

#endif
