/* The Klipper tree's version and the cache: which commit and version the
 * tree is, and whether the installed image was built from exactly that, so
 * an unchanged tree needs no make at all.
 *
 * The version takes up to three quick git runs: HEAD and whether the tree
 * is modified first (a few ms), which is all a cache hit needs; `git
 * describe` (tens of ms: it walks history to the last tag) only when make
 * is going to run. Without git, or outside a git checkout, the version is
 * klippy/.version, as Klipper's own build does. */
#include "platform/fwbuild_version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sidecar.h"
#include "core/xalloc.h"
#include "platform/fsutil.h"
#include "platform/klipper_tree.h"

#define FW_IMAGE_MAX (16u * 1024 * 1024)

static void git_argv(struct rs_fwb_ctx *c, struct rs_strv *argv, const char *const *args)
{
	rs_strv_push(argv, "git");
	rs_strv_push(argv, "-C");
	rs_strv_push(argv, c->res.klipper_dir);
	for (size_t i = 0; args[i]; i++)
		rs_strv_push(argv, args[i]);
	free(c->capture);
	c->capture = NULL;
}

/* The first line a git run prints is its answer. */
void rs_fwb_git_line(void *vc, const char *line, struct rs_job_progress *p)
{
	(void)p;
	struct rs_fwb_ctx *c = vc;
	if (!c->capture)
		c->capture = rs_xstrdup(line);
	rs_fwb_remember(c, line);
}

bool rs_fwb_git_wanted(const void *vc)
{
	return ((const struct rs_fwb_ctx *)vc)->have_git;
}

bool rs_fwb_head_argv(void *vc, struct rs_strv *argv, struct rs_proc_opts *o, struct rs_status *f)
{
	(void)o;
	(void)f;
	static const char *const args[] = { "rev-parse", "--verify", "-q", "HEAD", NULL };
	git_argv(vc, argv, args);
	return true;
}

struct rs_job_verdict rs_fwb_head_done(void *vc, int code)
{
	struct rs_fwb_ctx *c = vc;
	if (code == 0 && c->capture && strlen(c->capture) >= 40) {
		c->commit = rs_xstrdup(c->capture);
		return rs_job_next();
	}
	return rs_job_goto("version"); /* not a git checkout: klippy/.version */
}

bool rs_fwb_status_argv(void *vc, struct rs_strv *argv, struct rs_proc_opts *o,
			struct rs_status *f)
{
	(void)o;
	(void)f;
	static const char *const args[] = { "status", "--porcelain", "--untracked-files=no", NULL };
	git_argv(vc, argv, args);
	return true;
}

struct rs_job_verdict rs_fwb_status_done(void *vc, int code)
{
	struct rs_fwb_ctx *c = vc;
	/* Any line is a modified file; a failure counts as modified. */
	c->dirty = code != 0 || (c->capture && c->capture[0]);
	return rs_job_next();
}

/* Same board, same fragment, same tree (by commit when it is a clean git
 * checkout, else by version) and an image whose checksum still matches.
 * why_not: why the cache cannot be used at all, or NULL. */
static bool cache_hit(struct rs_fwb_ctx *c, bool by_commit, const char **why_not)
{
	const char *why = NULL;
	if (c->force)
		why = "--force given";
	else if (c->dirty || (c->res.tree_version && strstr(c->res.tree_version, "dirty")))
		why = "the tree has local changes";
	else if (!by_commit && strcmp(c->res.tree_version, "?") == 0)
		why = "the tree has no version";
	*why_not = why;
	if (why)
		return false;
	struct rs_sidecar sc;
	struct rs_errors errs = { 0 };
	unsigned char *img = NULL;
	size_t len = 0;
	bool hit = false;
	if (!rs_sidecar_load_file(c->res.sidecar_path, &sc, &errs))
		goto out;
	bool same_tree = by_commit ? sc.tree_commit && strcmp(sc.tree_commit, c->commit) == 0
				   : sc.tree_version &&
					     strcmp(sc.tree_version, c->res.tree_version) == 0;
	if (!sc.board || strcmp(sc.board, c->board_id) != 0 || !same_tree || !sc.tree_version ||
	    !sc.fragment_sha256 || strcmp(sc.fragment_sha256, c->fragment_sha256) != 0)
		goto out_sc;
	if (!rs_fs_read_file(c->res.firmware_path, FW_IMAGE_MAX, &img, &len))
		goto out_sc;
	char hex[RS_SHA256_HEX_LEN];
	rs_sha256_hex(img, len, hex);
	if (len != sc.size || strcmp(hex, sc.sha256) != 0)
		goto out_sc;
	hit = true;
	if (!c->res.tree_version)
		c->res.tree_version = rs_xstrdup(sc.tree_version);
	c->res.version = rs_xstrdup(sc.version);
	c->res.mcu = rs_xstrdup(sc.mcu);
	c->res.size = len;
	snprintf(c->res.sha256, sizeof(c->res.sha256), "%s", hex);
	snprintf(c->res.config_sha256, sizeof(c->res.config_sha256), "%s",
		 sc.config_sha256 ? sc.config_sha256 : "");
out_sc:
	rs_sidecar_free(&sc);
out:
	free(img);
	rs_errors_clear(&errs);
	return hit;
}

static struct rs_job_verdict up_to_date(struct rs_fwb_ctx *c)
{
	c->outcome = RS_FWB_OUT_UP_TO_DATE;
	return rs_job_done();
}

/* A clean checkout at the commit the installed image was built from. */
struct rs_job_verdict rs_fwb_commit_cache(void *vc, struct rs_job_progress *p)
{
	struct rs_fwb_ctx *c = vc;
	const char *why_not;
	if (!cache_hit(c, true, &why_not))
		return rs_job_next(); /* the version check that follows says why */
	snprintf(p->note, sizeof(p->note), "Klipper %s (commit %s)", c->res.tree_version,
		 c->commit);
	return up_to_date(c);
}

bool rs_fwb_describe_wanted(const void *vc)
{
	return ((const struct rs_fwb_ctx *)vc)->commit != NULL;
}

/* Klipper's own command, so the string equals the one it puts in the
 * firmware's dictionary and in klippy.log. */
bool rs_fwb_describe_argv(void *vc, struct rs_strv *argv, struct rs_proc_opts *o,
			  struct rs_status *f)
{
	(void)o;
	(void)f;
	static const char *const args[] = { "describe", "--always", "--tags", "--long", "--dirty",
					    NULL };
	git_argv(vc, argv, args);
	return true;
}

struct rs_job_verdict rs_fwb_describe_done(void *vc, int code)
{
	((struct rs_fwb_ctx *)vc)->describe_code = code;
	return rs_job_next();
}

/* As Klipper's own build: git describe, else klippy/.version, else "?". */
struct rs_job_verdict rs_fwb_version(void *vc, struct rs_job_progress *p)
{
	struct rs_fwb_ctx *c = vc;
	if (c->describe_code == 0 && c->capture && c->capture[0] && !strchr(c->capture, ' ')) {
		c->res.tree_version = rs_xstrdup(c->capture);
	} else {
		char *file = rs_klipper_tree_version_file(c->res.klipper_dir);
		c->res.tree_version = file ? file : rs_xstrdup("?");
	}
	free(c->capture);
	c->capture = NULL;
	snprintf(p->note, sizeof(p->note), "Klipper version %s", c->res.tree_version);
	return rs_job_next();
}

/* By version, for trees that are no clean git checkout (and to say why make
 * runs); a check-only run ends here either way. */
struct rs_job_verdict rs_fwb_version_cache(void *vc, struct rs_job_progress *p)
{
	struct rs_fwb_ctx *c = vc;
	const char *why_not;
	if (cache_hit(c, false, &why_not))
		return up_to_date(c);
	if (why_not)
		snprintf(p->note, sizeof(p->note), "not using the cache: %s", why_not);
	if (c->check_only) {
		c->outcome = RS_FWB_OUT_NOT_BUILT;
		return rs_job_done();
	}
	return rs_job_next();
}
