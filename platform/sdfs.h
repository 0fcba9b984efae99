/* File operations in the root of a card's FAT volume. Without a mount they go
 * through mtools on the card's open file (/dev/fd/N); when the card is
 * mounted (desktop automount) they go through the mount point's open
 * directory, because writing the device under a mounted filesystem would
 * corrupt it. Each call flushes what it wrote before it returns. */
#ifndef RS_PLATFORM_SDFS_H
#define RS_PLATFORM_SDFS_H

#include <stddef.h>

#include "core/board.h"
#include "platform/sdcard.h"

/* Names of the regular files in the root directory (long names when there
 * are any). */
enum rs_sd_status rs_sdfs_list(const struct rs_sdcard *c, struct rs_strv *names,
			       struct rs_errors *errs);
enum rs_sd_status rs_sdfs_remove(const struct rs_sdcard *c, const char *name,
				 struct rs_errors *errs);
/* Copies the open local file (from its start) to name (replacing it), then
 * flushes. */
enum rs_sd_status rs_sdfs_put(const struct rs_sdcard *c, int local, const char *name,
			      struct rs_errors *errs);
/* Renames from to to, replacing an existing to in the same directory
 * update, then flushes. */
enum rs_sd_status rs_sdfs_rename(const struct rs_sdcard *c, const char *from, const char *to,
				 struct rs_errors *errs);
/* Reads a whole file back from the card, not from the page cache. */
enum rs_sd_status rs_sdfs_read(const struct rs_sdcard *c, const char *name, unsigned char **data,
			       size_t *len, struct rs_errors *errs);

#endif
