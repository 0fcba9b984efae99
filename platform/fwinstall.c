/* The last build step: check the image make produced (dictionary MCU and
 * version) and install it with its record, atomically. */
#include "platform/fwinstall.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/fwinfo.h"
#include "core/fw_current.h"
#include "core/sidecar.h"
#include "core/xalloc.h"
#include "platform/fsutil.h"
#include "platform/paths.h"

#define FW_IMAGE_MAX (16u * 1024 * 1024)

static char *utc_now(void)
{
	char buf[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return rs_xstrdup(buf);
}

/* The image and its record under their final names, or neither changed. */
static struct rs_job_verdict put_files(struct rs_fwb_ctx *c, const char *fw_name,
				       const char *sc_name, const unsigned char *img, size_t len,
				       const char *meta)
{
	char *tbin = NULL, *tmeta = NULL;
	bool ok = false;
	int e = 0;
	if (!rs_path_mkdirs(c->fwdir) ||
	    !(tbin = rs_fs_write_temp(c->fwdir, fw_name, img, len)) ||
	    !(tmeta = rs_fs_write_temp(c->fwdir, sc_name, meta, strlen(meta)))) {
		e = errno;
		goto out;
	}
	/* The old record goes first: a record must never describe another image. */
	unlink(c->res.sidecar_path);
	if (!rs_fs_commit(tbin, c->fwdir, fw_name)) {
		e = errno;
		goto out;
	}
	free(tbin);
	tbin = NULL;
	if (!rs_fs_commit(tmeta, c->fwdir, sc_name)) {
		e = errno;
		free(tmeta);
		tmeta = NULL;
		goto out;
	}
	ok = true;
out:
	if (tbin)
		unlink(tbin);
	if (tmeta)
		unlink(tmeta);
	free(tbin);
	free(tmeta);
	if (!ok)
		return rs_fwb_fail(RS_FWF_INSTALL,
				   rs_xasprintf("cannot write %s: %s", c->res.firmware_path,
						strerror(e)),
				   rs_fwb_disk_hint(e, c->fwdir));
	return rs_job_next();
}

/* The image's dictionary names the board's MCU and the tree's version. */
static struct rs_job_verdict check_image(struct rs_fwb_ctx *c, const char *path,
					 const unsigned char *img, size_t len, struct rs_fwinfo *fw)
{
	struct rs_errors errs = { 0 };
	if (!rs_fwinfo_parse(path, img, len, fw, &errs)) {
		struct rs_job_verdict v =
			rs_fwb_fail(RS_FWF_NO_IMAGE, rs_xasprintf("%s: %s", path, errs.items[0].msg),
				    rs_xstrdup("build again with --force"));
		rs_errors_clear(&errs);
		return v;
	}
	c->res.version = rs_xstrdup(fw->version);
	c->res.mcu = rs_xstrdup(fw->mcu);
	c->res.size = len;
	rs_sha256_hex(img, len, c->res.sha256);
	if (strcmp(fw->mcu, c->mcu) != 0)
		return rs_fwb_fail(RS_FWF_MCU_MISMATCH,
				   rs_xasprintf("the built image is for %s but %s has a %s; it was "
						"not installed",
						fw->mcu, c->board_id, c->mcu),
				   rs_xasprintf("the board's klipper lines select the wrong MCU; "
						"compare `ratos-setup config %s` with %s",
						c->board_id, c->res.config_path));
	if (!rs_fw_version_matches(fw->version, c->res.tree_version))
		return rs_fwb_fail(RS_FWF_VERSION_MISMATCH,
				   rs_xasprintf("the built image says version %s but the tree is "
						"%s; it was not installed",
						fw->version, c->res.tree_version),
				   rs_xstrdup("build again with --force"));
	return rs_job_next();
}

struct rs_job_verdict rs_fwb_install(void *vc, struct rs_job_progress *p)
{
	struct rs_fwb_ctx *c = vc;
	char *path = rs_xasprintf("%sklipper.bin", c->outdir);
	unsigned char *img = NULL;
	size_t len = 0;
	struct rs_fwinfo fw;
	memset(&fw, 0, sizeof(fw));
	struct rs_job_verdict v;
	if (!rs_fs_read_file(path, FW_IMAGE_MAX, &img, &len)) {
		int e = errno;
		v = rs_fwb_fail(RS_FWF_NO_IMAGE,
				rs_xasprintf("the build finished but %s cannot be read: %s", path,
					     strerror(e)),
				rs_xstrdup("build again with --force; the log may say more"));
		goto out;
	}
	v = check_image(c, path, img, len, &fw);
	if (v.kind == RS_JOB_FAIL)
		goto out;
	char *built_at = utc_now();
	struct rs_sidecar sc = {
		.board = c->board_id,
		.version = fw.version,
		.tree_version = c->res.tree_version,
		.tree_commit = c->commit,
		.mcu = fw.mcu,
		.fragment_sha256 = c->fragment_sha256,
		.config_sha256 = c->config_sha256,
		.sha256 = c->res.sha256,
		.size = len,
		.built_at = built_at,
	};
	char *meta = rs_sidecar_format(&sc);
	free(built_at);
	const char *fw_name = strrchr(c->res.firmware_path, '/') + 1;
	const char *sc_name = strrchr(c->res.sidecar_path, '/') + 1;
	v = put_files(c, fw_name, sc_name, img, len, meta);
	free(meta);
	if (v.kind != RS_JOB_FAIL) {
		snprintf(p->note, sizeof(p->note), "installed %s (%s, %s)", c->res.firmware_path,
			 c->res.version, c->res.mcu);
		c->outcome = RS_FWB_OUT_INSTALLED;
		v = rs_job_done();
	}
out:
	rs_fwinfo_free(&fw);
	free(img);
	free(path);
	return v;
}
