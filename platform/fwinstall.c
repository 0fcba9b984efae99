/* The last build step: check the image make produced (dictionary MCU and
 * version) and install it with its record, atomically. */
#include "platform/fwinstall.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/fwinfo.h"
#include "core/fw_current.h"
#include "core/sidecar.h"
#include "core/xalloc.h"
#include "platform/fw_previous.h"
#include "platform/paths.h"

#define FW_IMAGE_MAX (16u * 1024 * 1024)

char *rs_fwinstall_disk_hint(int e, const char *dir)
{
	if (e == ENOSPC || e == EDQUOT || e == EFBIG)
		return rs_xasprintf("the disk holding %s is full: free some space (df -h %s) "
				    "and build again",
				    dir, dir);
	return rs_xstrdup("pass --firmware-dir DIR, or fix the directory's permissions "
			  "(it should belong to the user who runs Klipper)");
}

static char *utc_now(void)
{
	char buf[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return rs_xstrdup(buf);
}

static bool put_files(struct rs_fwbuild *fb, const unsigned char *img, size_t len,
		      const char *meta)
{
	char *tbin = NULL, *tmeta = NULL;
	bool ok = false;
	int e = 0;
	if (!rs_path_mkdirs(fb->fwdir) ||
	    !(tbin = rs_fs_write_temp(fb->fwdir, fb->fw_name, img, len)) ||
	    !(tmeta = rs_fs_write_temp(fb->fwdir, fb->sc_name, meta, strlen(meta)))) {
		e = errno;
		goto out;
	}
	/* The image being replaced becomes the previous one before it goes
	 * (platform/fw_previous.h): one of the two is always there. */
	if (!rs_fw_previous_keep(fb->fwdir, fb->board_id, fb->res.sha256)) {
		e = errno;
		goto out;
	}
	/* The old record goes first: a record must never describe another image. */
	unlink(fb->res.sidecar_path);
	if (!rs_fs_commit(tbin, fb->fwdir, fb->fw_name)) {
		e = errno;
		goto out;
	}
	free(tbin);
	tbin = NULL;
	if (!rs_fs_commit(tmeta, fb->fwdir, fb->sc_name)) {
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
		rs_fwbuild_finish(fb, RS_FWB_FAILED, RS_FWF_INSTALL,
		     rs_xasprintf("cannot write %s: %s", fb->res.firmware_path, strerror(e)),
		     rs_fwinstall_disk_hint(e, fb->fwdir));
	return ok;
}

void rs_fwinstall_image(struct rs_fwbuild *fb)
{
	char *path = rs_xasprintf("%sklipper.bin", fb->outdir);
	unsigned char *img = NULL;
	size_t len = 0;
	struct rs_fwinfo fw;
	struct rs_errors errs = { 0 };
	memset(&fw, 0, sizeof(fw));
	if (!rs_fs_read_file(path, FW_IMAGE_MAX, &img, &len)) {
		int e = errno;
		rs_fwbuild_finish(fb, RS_FWB_FAILED, RS_FWF_NO_IMAGE,
		     rs_xasprintf("the build finished but %s cannot be read: %s", path, strerror(e)),
		     rs_xstrdup("build again with --force; the log may say more"));
		goto out;
	}
	if (!rs_fwinfo_parse(path, img, len, &fw, &errs)) {
		rs_fwbuild_finish(fb, RS_FWB_FAILED, RS_FWF_NO_IMAGE, rs_xasprintf("%s: %s", path, errs.items[0].msg),
		     rs_xstrdup("build again with --force"));
		goto out;
	}
	fb->res.version = rs_xstrdup(fw.version);
	fb->res.mcu = rs_xstrdup(fw.mcu);
	fb->res.size = len;
	rs_sha256_hex(img, len, fb->res.sha256);
	if (strcmp(fw.mcu, fb->mcu) != 0) {
		rs_fwbuild_finish(fb, RS_FWB_FAILED, RS_FWF_MCU_MISMATCH,
		     rs_xasprintf("the built image is for %s but %s has a %s; it was not "
				  "installed",
				  fw.mcu, fb->board_id, fb->mcu),
		     rs_xasprintf("the board's klipper lines select the wrong MCU; compare "
				  "`ratos-setup config %s` with %s",
				  fb->board_id, fb->res.config_path));
		goto out;
	}
	if (!rs_fw_version_matches(fw.version, fb->res.tree_version)) {
		rs_fwbuild_finish(fb, RS_FWB_FAILED, RS_FWF_VERSION_MISMATCH,
		     rs_xasprintf("the built image says version %s but the tree is %s; it was "
				  "not installed",
				  fw.version, fb->res.tree_version),
		     rs_xstrdup("build again with --force"));
		goto out;
	}
	char *built_at = utc_now();
	struct rs_sidecar sc = {
		.board = fb->board_id,
		.version = fw.version,
		.tree_version = fb->res.tree_version,
		.tree_commit = fb->commit,
		.mcu = fw.mcu,
		.fragment_sha256 = fb->fragment_sha256,
		.config_sha256 = fb->config_sha256,
		.sha256 = fb->res.sha256,
		.size = len,
		.built_at = built_at,
	};
	char *meta = rs_sidecar_format(&sc);
	free(built_at);
	if (put_files(fb, img, len, meta))
		rs_fwbuild_finish(fb, RS_FWB_DONE, RS_FWF_NONE, NULL, NULL);
	free(meta);
out:
	rs_fwinfo_free(&fw);
	rs_errors_clear(&errs);
	free(img);
	free(path);
}
