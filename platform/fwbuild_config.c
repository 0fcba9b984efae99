/* The build step after olddefconfig: every requested config line must have
 * survived the expansion, the expanded config is kept (unchanged files keep
 * their mtime, so make rebuilds nothing), and out/ is emptied when it was
 * built from something else. A step function for the table in fwbuild.c. */
#include "platform/fwbuild_steps.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kconfig.h"
#include "core/xalloc.h"
#include "platform/fsutil.h"

static bool same_file(const char *a, const char *b)
{
	unsigned char *da = NULL, *db = NULL;
	size_t la = 0, lb = 0;
	bool same = rs_fs_read_file(a, 1 << 20, &da, &la) && rs_fs_read_file(b, 1 << 20, &db, &lb) &&
		    la == lb && memcmp(da, db, la) == 0;
	free(da);
	free(db);
	return same;
}

static struct rs_job_verdict dropped(struct rs_fwb_ctx *c, struct rs_errors *errs,
				     const char *rejected)
{
	char buf[1024];
	for (size_t i = 0; i < errs->count; i++)
		rs_strv_push(&c->res.error_lines, rs_error_format(&errs->items[i], buf, sizeof(buf)));
	rename(c->config_new, rejected);
	return rs_fwb_fail(
		RS_FWF_CONFIG_DROPPED,
		rs_xasprintf("Klipper's olddefconfig dropped or changed %zu requested "
			     "setting%s, so the firmware would not match the board: %s",
			     errs->count, errs->count == 1 ? "" : "s", errs->items[0].msg),
		rs_xasprintf("the expanded config is %s; the board's klipper lines need "
			     "the options they depend on (CONFIG_LOW_LEVEL_OPTIONS=y first) "
			     "and values this Klipper version offers",
			     rejected));
}

/* Stale-output guard: make trusts mtimes, and an out/ built from another
 * config, tree or Klipper version can look up to date (and keep the old
 * version in its dictionary). out/ is kept only when the stamp written after
 * its last successful build names exactly this combination; --force always
 * starts from an empty out/. */
static struct rs_job_verdict guard_out(struct rs_fwb_ctx *c, struct rs_job_progress *p)
{
	char *key = rs_xasprintf("%s\n%s\n%s\n", c->config_sha256, c->res.klipper_dir,
				 c->res.tree_version);
	rs_sha256_hex(key, strlen(key), c->out_key);
	free(key);
	unsigned char *stamp = NULL;
	size_t slen = 0;
	bool fresh = !c->force && rs_fs_read_file(c->stamp, 256, &stamp, &slen) && slen == 64 &&
		     memcmp(stamp, c->out_key, 64) == 0;
	free(stamp);
	struct stat st;
	if (!fresh && stat(c->outdir, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(p->note, sizeof(p->note), "%s",
			 c->force ? "--force: starting from an empty out/"
				  : "out/ was built from another config, tree or version; "
				    "removing it");
		if (!rs_fs_remove_tree(c->outdir)) {
			int e = errno;
			return rs_fwb_fail(RS_FWF_WORKDIR,
					   rs_xasprintf("cannot remove the stale build output %s: %s",
							c->outdir, strerror(e)),
					   NULL);
		}
	}
	unlink(c->stamp); /* until this build succeeds, out/ matches nothing */
	return rs_job_next();
}

struct rs_job_verdict rs_fwb_check_config(void *vc, struct rs_job_progress *p)
{
	struct rs_fwb_ctx *c = vc;
	struct rs_kconfig kc;
	struct rs_errors errs = { 0 };
	if (!rs_kconfig_load_file(c->config_new, &kc, &errs)) {
		char buf[1024];
		struct rs_job_verdict v = rs_fwb_fail(
			RS_FWF_CONFIG, rs_xstrdup(rs_error_format(&errs.items[0], buf, sizeof(buf))),
			NULL);
		rs_errors_clear(&errs);
		return v;
	}
	char *rejected = rs_xasprintf("%s.rejected", c->res.config_path);
	if (!rs_kconfig_check(&c->fragment, &kc, rejected, &errs)) {
		struct rs_job_verdict v = dropped(c, &errs, rejected);
		free(rejected);
		rs_kconfig_free(&kc);
		rs_errors_clear(&errs);
		return v;
	}
	unlink(rejected);
	free(rejected);
	rs_kconfig_hash(&kc, c->config_sha256);
	snprintf(c->res.config_sha256, sizeof(c->res.config_sha256), "%s", c->config_sha256);
	rs_kconfig_free(&kc);

	/* An unchanged config keeps its old mtime, so make rebuilds nothing. */
	if (same_file(c->config_new, c->res.config_path)) {
		unlink(c->config_new);
	} else if (rename(c->config_new, c->res.config_path) != 0) {
		int e = errno;
		return rs_fwb_fail(RS_FWF_WORKDIR,
				   rs_xasprintf("cannot write %s: %s", c->res.config_path,
						strerror(e)),
				   NULL);
	}
	return guard_out(c, p);
}
