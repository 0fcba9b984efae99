#include "platform/mtools.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "platform/proc.h"

char *rs_mtools_fd_path(int fd)
{
	return rs_xasprintf("/dev/fd/%d", fd);
}

char *rs_mtools_image_spec(int fd, uint64_t offset)
{
	if (offset == 0)
		return rs_mtools_fd_path(fd);
	return rs_xasprintf("/dev/fd/%d@@%" PRIu64, fd, offset);
}

/* Caller variables that change how mtools reads its configuration or
 * names are not passed on; HOME points nowhere (no ~/.mtoolsrc); image
 * files and cards with unusual geometry are accepted on purpose. */
static const char *const env_drop[] = { "MTOOLS*", "HOME", NULL };
static const char *const env_add[] = { "HOME=/nonexistent", "MTOOLS_SKIP_CHECK=1", NULL };

void rs_mtools_run(const char *const *argv, size_t max_out, struct rs_mtools_out *out)
{
	rs_mtools_run_fds(argv, NULL, 0, max_out, out);
}

void rs_mtools_run_fds(const char *const *argv, const int *keep_fds, size_t n_keep,
		       size_t max_out, struct rs_mtools_out *out)
{
	/* The tool reopens the card we hold by its /dev/fd name, so it runs as
	 * we are (root for a device), in our environment but for its own
	 * configuration variables. */
	struct rs_proc_opts o = {
		.same_identity = true,
		.caller_env = true,
		.keep_fds = keep_fds,
		.n_keep_fds = n_keep,
		.env_drop = env_drop,
		.env_add = env_add,
	};
	struct rs_proc_output res;
	rs_proc_capture((char *const *)argv, &o, max_out, 64 * 1024, &res);
	out->status = res.status;
	out->exec_errno = res.exec_errno;
	out->out = res.out;
	out->out_len = res.out_len;
	out->err = res.err;
}

void rs_mtools_out_free(struct rs_mtools_out *out)
{
	free(out->out);
	free(out->err);
	memset(out, 0, sizeof(*out));
}
