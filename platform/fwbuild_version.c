/* The Klipper tree's version and the cache: which commit and version the
 * tree is, and whether the installed image was built from exactly that, so
 * an unchanged tree needs no make at all. */
#include "platform/fwbuild_version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sidecar.h"
#include "core/xalloc.h"
#include "platform/klipper_tree.h"
#include "platform/toolchain.h"

#define FW_IMAGE_MAX (16u * 1024 * 1024)

/* The version takes up to three quick git runs: HEAD and whether the tree
 * is modified first (a few ms), which is all a cache hit needs; `git
 * describe` (tens of ms: it walks history to the last tag) only when make
 * is going to run. */
static void run_git(struct rs_fwbuild *fb, const char *a1, const char *a2, const char *a3,
		    const char *a4, const char *a5)
{
	char *argv[] = { "git", "-C", fb->res.klipper_dir, (char *)a1, (char *)a2, (char *)a3,
			 (char *)a4, (char *)a5, NULL };
	free(fb->capture);
	fb->capture = NULL;
	rs_fwbuild_spawn(fb, RS_FWB_VERSION, argv);
}

void rs_fwbuild_start_version(struct rs_fwbuild *fb)
{
	fb->step = RS_FWB_VERSION;
	fb->version_phase = RS_FWV_HEAD;
	if (!rs_toolchain_on_path("git")) {
		fb->version_phase = RS_FWV_DESCRIBE;
		rs_fwbuild_child_done(fb, -1);
		return;
	}
	run_git(fb, "rev-parse", "--verify", "-q", "HEAD", NULL);
}

/* As Klipper's own build: git describe, else klippy/.version, else "?". */
static char *tree_version(struct rs_fwbuild *fb, int code)
{
	if (code == 0 && fb->capture && fb->capture[0] && !strchr(fb->capture, ' '))
		return rs_xstrdup(fb->capture);
	char *out = rs_klipper_tree_version_file(fb->res.klipper_dir);
	return out ? out : rs_xstrdup("?");
}

/* Same board, same fragment, same tree (by commit when it is a clean git
 * checkout, else by version) and an image whose checksum still matches. */
static bool cache_hit(struct rs_fwbuild *fb, bool by_commit)
{
	const char *why = NULL;
	if (fb->force)
		why = "--force given";
	else if (fb->dirty || (fb->res.tree_version && strstr(fb->res.tree_version, "dirty")))
		why = "the tree has local changes";
	else if (!by_commit && strcmp(fb->res.tree_version, "?") == 0)
		why = "the tree has no version";
	if (why) {
		if (!by_commit) /* the version check that follows says it */
			rs_fwbuild_logf(fb, "ratos-setup: not using the cache: %s", why);
		return false;
	}
	struct rs_sidecar sc;
	struct rs_errors errs = { 0 };
	unsigned char *img = NULL;
	size_t len = 0;
	bool hit = false;
	if (!rs_sidecar_load_file(fb->res.sidecar_path, &sc, &errs))
		goto out;
	bool same_tree = by_commit ? sc.tree_commit && strcmp(sc.tree_commit, fb->commit) == 0
				   : sc.tree_version &&
					     strcmp(sc.tree_version, fb->res.tree_version) == 0;
	if (!sc.board || strcmp(sc.board, fb->board_id) != 0 || !same_tree || !sc.tree_version ||
	    !sc.fragment_sha256 || strcmp(sc.fragment_sha256, fb->fragment_sha256) != 0)
		goto out_sc;
	if (!rs_fs_read_file(fb->res.firmware_path, FW_IMAGE_MAX, &img, &len))
		goto out_sc;
	char hex[RS_SHA256_HEX_LEN];
	rs_sha256_hex(img, len, hex);
	if (len != sc.size || strcmp(hex, sc.sha256) != 0)
		goto out_sc;
	hit = true;
	if (!fb->res.tree_version)
		fb->res.tree_version = rs_xstrdup(sc.tree_version);
	fb->res.version = rs_xstrdup(sc.version);
	fb->res.mcu = rs_xstrdup(sc.mcu);
	fb->res.size = len;
	snprintf(fb->res.sha256, sizeof(fb->res.sha256), "%s", hex);
	snprintf(fb->res.config_sha256, sizeof(fb->res.config_sha256), "%s",
		 sc.config_sha256 ? sc.config_sha256 : "");
out_sc:
	rs_sidecar_free(&sc);
out:
	free(img);
	rs_errors_clear(&errs);
	return hit;
}

void rs_fwbuild_version_done(struct rs_fwbuild *fb, int code)
{
	switch (fb->version_phase) {
	case RS_FWV_HEAD:
		if (code == 0 && fb->capture && strlen(fb->capture) >= 40) {
			fb->commit = rs_xstrdup(fb->capture);
			fb->version_phase = RS_FWV_STATUS;
			run_git(fb, "status", "--porcelain", "--untracked-files=no", NULL, NULL);
			return;
		}
		break; /* not a git checkout: klippy/.version, as Klipper does */
	case RS_FWV_STATUS:
		/* Any line is a modified file; a failure counts as modified. */
		fb->dirty = code != 0 || (fb->capture && fb->capture[0]);
		if (cache_hit(fb, true)) {
			rs_fwbuild_logf(fb, "ratos-setup: Klipper %s (commit %s)",
					fb->res.tree_version, fb->commit);
			rs_fwbuild_finish(fb, RS_FWB_UP_TO_DATE, RS_FWF_NONE, NULL, NULL);
			return;
		}
		fb->version_phase = RS_FWV_DESCRIBE;
		run_git(fb, "describe", "--always", "--tags", "--long", "--dirty");
		return;
	case RS_FWV_DESCRIBE:
		break;
	}
	fb->res.tree_version = tree_version(fb, fb->version_phase == RS_FWV_DESCRIBE ? code : -1);
	free(fb->capture);
	fb->capture = NULL;
	rs_fwbuild_logf(fb, "ratos-setup: Klipper version %s", fb->res.tree_version);
	if (cache_hit(fb, false))
		rs_fwbuild_finish(fb, RS_FWB_UP_TO_DATE, RS_FWF_NONE, NULL, NULL);
	else if (fb->check_only)
		rs_fwbuild_finish(fb, RS_FWB_NOT_BUILT, RS_FWF_NONE, NULL, NULL);
	else
		rs_fwbuild_start_config(fb);
}
