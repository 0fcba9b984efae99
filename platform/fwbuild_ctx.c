/* The firmware build's plain data and the small helpers every step uses. */
#include "platform/fwbuild_ctx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/fw_current.h"
#include "core/fw_image.h"
#include "core/kconfig.h"
#include "core/xalloc.h"
#include "platform/paths.h"

void rs_fwb_ctx_init(struct rs_fwb_ctx *c, const struct rs_board *board,
		     const struct rs_fwbuild_opts *opts)
{
	memset(c, 0, sizeof(*c));
	c->board_id = rs_xstrdup(board->id);
	c->mcu = rs_xstrdup(board->mcu);
	rs_kconfig_fragment(board, &c->fragment);
	rs_fw_fragment_sha256(board, c->fragment_sha256);
	c->force = opts->force;
	c->check_only = opts->check_only;
	c->jobs = opts->jobs;
	if (!c->jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		c->jobs = n > 0 ? (unsigned)n : 1;
	}
	c->describe_code = -1;
	c->tree_arg = opts->klipper_dir ? rs_xstrdup(opts->klipper_dir) : rs_path_klipper_dir();
	c->fwdir = opts->firmware_dir ? rs_xstrdup(opts->firmware_dir) : rs_path_firmware_dir();
	char *cache = opts->cache_dir ? rs_xstrdup(opts->cache_dir) : rs_path_cache_dir();
	c->workdir = rs_xasprintf("%s/%s", cache, board->id);
	c->ccache_dir = rs_xasprintf("%s/ccache", cache);
	free(cache);
	c->outdir = rs_xasprintf("%s/out/", c->workdir);
	c->kconf_out = rs_xasprintf("%s/kconfig-out/", c->workdir);
	c->config_new = rs_xasprintf("%s/board.config.new", c->workdir);
	c->stamp = rs_xasprintf("%s/out.stamp", c->workdir);
	c->log_path = rs_xasprintf("%s/build.log", c->workdir);
	c->res.log_path = rs_xstrdup(c->log_path);
	c->res.config_path = rs_xasprintf("%s/board.config", c->workdir);
	/* Known from the MCU before the build: the cache and the screens look
	 * for the installed image by this name. */
	c->res.firmware_path =
		rs_xasprintf("%s/firmware-%s.%s", c->fwdir, board->id, rs_fw_image_ext(board->mcu));
	c->res.sidecar_path = rs_xasprintf("%s%s", c->res.firmware_path, RS_SIDECAR_SUFFIX);
}

void rs_fwb_ctx_free(struct rs_fwb_ctx *c)
{
	free(c->board_id);
	free(c->mcu);
	rs_strv_free(&c->fragment);
	free(c->tree_arg);
	free(c->fwdir);
	free(c->workdir);
	free(c->outdir);
	free(c->kconf_out);
	free(c->config_new);
	free(c->stamp);
	free(c->log_path);
	free(c->ccache_dir);
	rs_ccache_free(&c->ccache);
	free(c->capture);
	free(c->commit);
	for (size_t i = 0; i < RS_FWB_TAIL; i++)
		free(c->tail[i]);
	struct rs_fwbuild_result *r = &c->res;
	free(r->message);
	free(r->hint);
	rs_strv_free(&r->error_lines);
	free(r->log_path);
	free(r->klipper_dir);
	free(r->config_path);
	free(r->firmware_path);
	free(r->sidecar_path);
	free(r->uf2_path);
	free(r->tree_version);
	free(r->version);
	free(r->mcu);
	memset(c, 0, sizeof(*c));
}

struct rs_job_verdict rs_fwb_fail(enum rs_fwbuild_fail code, char *message, char *hint)
{
	struct rs_job_verdict v = { .kind = RS_JOB_FAIL };
	v.status.code = (int)code;
	v.status.message = message;
	v.status.hint = hint;
	return v;
}

bool rs_fwb_disk_full(int e)
{
	return e == ENOSPC || e == EDQUOT || e == EFBIG;
}

char *rs_fwb_disk_hint(int e, const char *dir)
{
	if (rs_fwb_disk_full(e))
		return rs_xasprintf("the disk holding %s is full: free some space (df -h %s) "
				    "and build again",
				    dir, dir);
	return rs_xstrdup("pass --firmware-dir DIR, or fix the directory's permissions "
			  "(it should belong to the user who runs Klipper)");
}

void rs_fwb_remember(struct rs_fwb_ctx *c, const char *line)
{
	free(c->tail[c->tail_pos]);
	c->tail[c->tail_pos] = rs_xstrdup(line);
	c->tail_pos = (c->tail_pos + 1) % RS_FWB_TAIL;
}

void rs_fwb_tail_as_errors(struct rs_fwb_ctx *c)
{
	if (c->res.error_lines.count)
		return;
	for (size_t i = 0; i < RS_FWB_TAIL; i++) {
		const char *l = c->tail[(c->tail_pos + i) % RS_FWB_TAIL];
		if (l && *l)
			rs_strv_push(&c->res.error_lines, l);
	}
}

bool rs_fwb_any_line(const struct rs_fwb_ctx *c, const char *needle)
{
	for (size_t i = 0; i < RS_FWB_TAIL; i++)
		if (c->tail[i] && strstr(c->tail[i], needle))
			return true;
	for (size_t i = 0; i < c->res.error_lines.count; i++)
		if (strstr(c->res.error_lines.items[i], needle))
			return true;
	return false;
}

double rs_fwb_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
