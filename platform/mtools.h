/* Runs one mtools command (mcopy, mdel, mren, mdir, mtype) on a FAT volume
 * without a kernel mount, through platform/proc.h (rs_proc_capture): argv
 * array and execvp, never a shell; stdin from /dev/null; stdout and stderr
 * captured apart; our identity kept (the card is reopened by its /dev/fd
 * name).
 *
 * The child's mtools configuration is ours, not the caller's: MTOOLSRC and
 * every MTOOLS_* variable are dropped and HOME points nowhere (mtools reads
 * ~/.mtoolsrc, which could redefine drives or name handling), then
 * MTOOLS_SKIP_CHECK=1 is set on purpose so image files and cards with
 * unusual geometry are accepted. Everything else of the environment is the
 * caller's (PATH and locale included). */
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

/* "-i" argument for the volume at offset inside the open file fd:
 * "/dev/fd/N" or "/dev/fd/N@@OFFSET". Never a name the user typed: mtools
 * reads "@@" in a name as an offset and a leading '-' as an option. */
char *rs_mtools_image_spec(int fd, uint64_t offset);
/* "/dev/fd/N", for handing an open file to a child by a name that can only
 * mean that file. */
char *rs_mtools_fd_path(int fd);
/* Runs argv (argv[0] looked up in PATH). max_out caps stdout (bytes beyond are
 * dropped and status forced to -1). keep_fds (n_keep of them, may be NULL)
 * are left open in the child, for /dev/fd/N names. Always fills out; free
 * with _free. */
void rs_mtools_run_fds(const char *const *argv, const int *keep_fds, size_t n_keep,
		       size_t max_out, struct rs_mtools_out *out);
/* rs_mtools_run_fds without inherited files. */
void rs_mtools_run(const char *const *argv, size_t max_out, struct rs_mtools_out *out);
void rs_mtools_out_free(struct rs_mtools_out *out);

#endif
