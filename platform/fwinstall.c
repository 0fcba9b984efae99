/* The last build step: check the image make produced for the MCU
 * (klipper.bin, or klipper.elf.hex for AVR: its dictionary must name the
 * board's MCU and the tree's version) and install it with its record,
 * atomically, with an RP2040 build's klipper.uf2 beside it. */
#include "platform/fwinstall.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/fw_image.h"
#include "core/fwinfo.h"
#include "core/fw_current.h"
#include "core/sidecar.h"
#include "core/xalloc.h"
#include "platform/fsutil.h"
#include "platform/fw_previous.h"
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

struct file {
	const char *name; /* in the firmware directory */
	const unsigned char *data;
	size_t len;
	char *tmp;
};

/* The images and their record under their final names: every file is
 * written under a temporary name first, the old record goes before any
 * image is replaced (a record must never describe another image), and the
 * new record comes last. */
static struct rs_job_verdict put_files(struct rs_fwb_ctx *c, struct file *files, size_t n)
{
	bool ok = false;
	int e = 0;
	if (!rs_path_mkdirs(c->fwdir)) {
		e = errno;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		files[i].tmp = rs_fs_write_temp(c->fwdir, files[i].name, files[i].data, files[i].len);
		if (!files[i].tmp) {
			e = errno;
			goto out;
		}
	}
	/* The image being replaced becomes the previous one before it goes
	 * (platform/fw_previous.h): one of the two is always there. */
	if (!rs_fw_previous_keep(c->fwdir, c->board_id, rs_fw_image_ext(c->mcu), c->res.sha256)) {
		e = errno;
		goto out;
	}
	/* The old record goes first: a record must never describe another image. */
	unlink(c->res.sidecar_path);
	for (size_t i = 0; i < n; i++) {
		bool done = rs_fs_commit(files[i].tmp, c->fwdir, files[i].name);
		e = errno;
		free(files[i].tmp);
		files[i].tmp = NULL;
		if (!done)
			goto out;
	}
	ok = true;
out:
	for (size_t i = 0; i < n; i++) {
		if (files[i].tmp)
			unlink(files[i].tmp);
		free(files[i].tmp);
		files[i].tmp = NULL;
	}
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

/* An RP2040 build's klipper.uf2, when Klipper made one (another way to
 * flash the same build). Not there: *img stays NULL. */
static struct rs_job_verdict read_uf2(struct rs_fwb_ctx *c, unsigned char **img, size_t *len)
{
	char *path = rs_xasprintf("%s%s", c->outdir, RS_FW_IMAGE_UF2_SOURCE);
	struct rs_job_verdict v = rs_job_next();
	*img = NULL;
	*len = 0;
	if (!rs_fs_read_file(path, FW_IMAGE_MAX, img, len) && errno != ENOENT) {
		int e = errno;
		v = rs_fwb_fail(RS_FWF_NO_IMAGE,
				rs_xasprintf("the build made %s but it cannot be read: %s", path,
					     strerror(e)),
				rs_xstrdup("build again with --force; the log may say more"));
	}
	free(path);
	return v;
}

struct rs_job_verdict rs_fwb_install(void *vc, struct rs_job_progress *p)
{
	struct rs_fwb_ctx *c = vc;
	const char *source = rs_fw_image_source(c->mcu);
	char *path = rs_xasprintf("%s%s", c->outdir, source);
	unsigned char *img = NULL, *uf2 = NULL;
	size_t len = 0, uf2_len = 0;
	char *uf2_name = NULL;
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
	v = read_uf2(c, &uf2, &uf2_len);
	if (v.kind == RS_JOB_FAIL)
		goto out;
	char uf2_sha[RS_SHA256_HEX_LEN] = "";
	if (uf2) {
		rs_sha256_hex(uf2, uf2_len, uf2_sha);
		uf2_name = rs_xasprintf("firmware-%s.uf2", c->board_id);
	}
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
		.image = (char *)source,
		.uf2 = uf2_name,
		.uf2_sha256 = uf2 ? uf2_sha : NULL,
	};
	char *meta = rs_sidecar_format(&sc);
	free(built_at);
	struct file files[3] = {
		{ .name = strrchr(c->res.firmware_path, '/') + 1, .data = img, .len = len },
	};
	size_t n = 1;
	if (uf2)
		files[n++] = (struct file){ .name = uf2_name, .data = uf2, .len = uf2_len };
	files[n++] = (struct file){ .name = strrchr(c->res.sidecar_path, '/') + 1,
				    .data = (const unsigned char *)meta, .len = strlen(meta) };
	v = put_files(c, files, n);
	free(meta);
	if (v.kind != RS_JOB_FAIL) {
		if (uf2)
			c->res.uf2_path = rs_xasprintf("%s/%s", c->fwdir, uf2_name);
		snprintf(p->note, sizeof(p->note), "installed %s%s%s (%s, %s)",
			 c->res.firmware_path, uf2 ? " and " : "", uf2 ? uf2_name : "",
			 c->res.version, c->res.mcu);
		c->outcome = RS_FWB_OUT_INSTALLED;
		v = rs_job_done();
	}
out:
	rs_fwinfo_free(&fw);
	free(img);
	free(uf2);
	free(uf2_name);
	free(path);
	return v;
}
