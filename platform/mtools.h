/* Runs one mtools command (mcopy, mdel, mren, mdir, mtype) on a FAT volume
 * without a kernel mount: argv array and execvp, never a shell; stdin from
 * /dev/null; MTOOLS_SKIP_CHECK=1 so image files and cards with unusual
 * geometry are accepted; stdout and stderr captured. */
#ifndef RS_PLATFORM_MTOOLS_H
#define RS_PLATFORM_MTOOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rs_mtools_out {
	int status;       /* exit code; -1 when the tool could not be started */
	int exec_errno;   /* why it could not be started (ENOENT: not installed) */
	unsigned char *out; /* stdout (NUL-terminated for convenience) */
	size_t out_len;
	char *err;        /* stderr, NUL-terminated */
};

/* "-i" argument for a volume at offset inside path: "path" or "path@@N". */
char *rs_mtools_image_spec(const char *path, uint64_t offset);
/* Runs argv (argv[0] looked up in PATH). max_out caps stdout (bytes beyond are
 * dropped and status forced to -1). Always fills out; free with _free. */
void rs_mtools_run(const char *const *argv, size_t max_out, struct rs_mtools_out *out);
void rs_mtools_out_free(struct rs_mtools_out *out);

#endif
