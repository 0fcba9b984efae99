/* What each build step checks and which child comes next. The order is the
 * one make needs, and every check that can fail without running make comes
 * first, so a bad tree or firmware directory fails in milliseconds. */
#include "platform/fwbuild_steps.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kconfig.h"
#include "core/xalloc.h"
#include "platform/fwbuild_version.h"
#include "platform/fwinstall.h"
#include "platform/paths.h"
#include "platform/toolchain.h"

static void fail(struct rs_fwbuild *fb, enum rs_fwbuild_fail why, char *message, char *hint)
{
	rs_fwbuild_finish(fb, RS_FWB_FAILED, why, message, hint);
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *dir, const char *rel)
{
	char *p = rs_xasprintf("%s/%s", dir, rel);
	struct stat st;
	bool ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
	free(p);
	return ok;
}

static bool disk_full(int e)
{
	return e == ENOSPC || e == EDQUOT || e == EFBIG;
}

static bool check_tree(struct rs_fwbuild *fb)
{
	char resolved[PATH_MAX];
	if (!realpath(fb->tree_arg, resolved) || !is_dir(resolved)) {
		int e = errno;
		fail(fb, RS_FWF_NO_TREE,
		     rs_xasprintf("no Klipper tree at %s (%s)", fb->tree_arg,
				  is_dir(fb->tree_arg) ? strerror(e) : "no such directory"),
		     rs_xstrdup("Klipper normally lives in ~/klipper; pass --klipper DIR "
				"when it is elsewhere"));
		return false;
	}
	fb->res.klipper_dir = rs_xstrdup(resolved);
	static const char *const needed[] = { "Makefile", "src/Kconfig" };
	for (size_t i = 0; i < 2; i++) {
		if (!is_file(resolved, needed[i])) {
			fail(fb, RS_FWF_BROKEN_TREE,
			     rs_xasprintf("%s is not a usable Klipper tree: it has no %s", resolved,
					  needed[i]),
			     rs_xasprintf("point --klipper at a Klipper checkout; a damaged one "
					  "can be repaired with `git -C %s checkout -- .` or "
					  "cloned again",
					  resolved));
			return false;
		}
	}
	return true;
}

static bool check_toolchain(struct rs_fwbuild *fb)
{
	struct rs_toolchain tc;
	if (rs_toolchain_check(fb->mcu, &tc)) {
		rs_toolchain_free(&tc);
		return true;
	}
	char *missing = rs_kconfig_join(&tc.missing);
	for (char *p = missing; *p; p++)
		if (*p == '\n')
			*p = p[1] ? ' ' : '\0';
	/* make and python3 are packages of the same name. */
	char *pkgs = rs_xstrdup(tc.packages);
	for (size_t i = 0; i < tc.missing.count; i++) {
		const char *m = tc.missing.items[i];
		if (strcmp(m, "make") == 0 || strcmp(m, "python3") == 0) {
			char *n = rs_xasprintf("%s %s", pkgs, m);
			free(pkgs);
			pkgs = n;
		}
	}
	fail(fb, RS_FWF_TOOLCHAIN,
	     rs_xasprintf("the %s toolchain for %s is not installed (missing: %s)", tc.family,
			  fb->mcu, missing),
	     rs_xasprintf("install it with: sudo apt-get install %s", pkgs));
	free(missing);
	free(pkgs);
	rs_toolchain_free(&tc);
	return false;
}

static bool prepare_dirs(struct rs_fwbuild *fb)
{
	if (!rs_path_mkdirs(fb->workdir)) {
		int e = errno;
		fail(fb, RS_FWF_WORKDIR,
		     rs_xasprintf("cannot create the work directory %s: %s", fb->workdir,
				  strerror(e)),
		     disk_full(e) ? rs_fwinstall_disk_hint(e, fb->workdir)
				  : rs_xstrdup("set XDG_CACHE_HOME to a writable directory"));
		return false;
	}
	/* Probe the firmware directory now rather than after a long build. */
	char *probe = NULL;
	if (rs_path_mkdirs(fb->fwdir))
		probe = rs_fs_write_temp(fb->fwdir, "probe", "", 0);
	if (!probe) {
		int e = errno;
		fail(fb, RS_FWF_INSTALL,
		     rs_xasprintf("cannot write to the firmware directory %s: %s", fb->fwdir,
				  strerror(e)),
		     rs_fwinstall_disk_hint(e, fb->fwdir));
		return false;
	}
	unlink(probe);
	free(probe);
	return true;
}

void rs_fwbuild_begin(struct rs_fwbuild *fb)
{
	if (check_tree(fb) && check_toolchain(fb) && (fb->check_only || prepare_dirs(fb))) {
		rs_fwbuild_logf(fb, "ratos-setup: building %s (%s) from %s", fb->board_id, fb->mcu,
				fb->res.klipper_dir);
		rs_fwbuild_start_version(fb);
	}
}

void rs_fwbuild_start_config(struct rs_fwbuild *fb)
{
	if (!rs_fwbuild_open_log(fb)) {
		int e = errno;
		fail(fb, RS_FWF_WORKDIR,
		     rs_xasprintf("cannot write %s: %s", fb->res.log_path, strerror(e)),
		     disk_full(e) ? rs_fwinstall_disk_hint(e, fb->workdir) : NULL);
		return;
	}
	char *text = rs_kconfig_join(&fb->fragment);
	char *tmp = rs_fs_write_temp(fb->workdir, "board.config.new", text, strlen(text));
	free(text);
	if (!tmp || rename(tmp, fb->config_new) != 0) {
		int e = errno;
		if (tmp)
			unlink(tmp);
		free(tmp);
		fail(fb, RS_FWF_WORKDIR,
		     rs_xasprintf("cannot write %s: %s", fb->config_new, strerror(e)),
		     disk_full(e) ? rs_fwinstall_disk_hint(e, fb->workdir) : NULL);
		return;
	}
	free(tmp);
	/* Both on the command line: Klipper's Makefile assigns KCONFIG_CONFIG
	 * itself, so an environment value would be ignored. A scratch OUT keeps
	 * the board-link rule away from the real out/. */
	char *kc = rs_xasprintf("KCONFIG_CONFIG=%s", fb->config_new);
	char *out = rs_xasprintf("OUT=%s", fb->kconf_out);
	char *argv[] = { "make", "-C", fb->res.klipper_dir, kc, out, "olddefconfig", NULL };
	rs_fwbuild_spawn(fb, RS_FWB_CONFIG, argv);
	free(kc);
	free(out);
}

static void tail_as_errors(struct rs_fwbuild *fb)
{
	if (fb->res.error_lines.count)
		return;
	for (size_t i = 0; i < RS_FWB_TAIL; i++) {
		const char *l = fb->tail[(fb->tail_pos + i) % RS_FWB_TAIL];
		if (l && *l)
			rs_strv_push(&fb->res.error_lines, l);
	}
}

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

static void config_done(struct rs_fwbuild *fb, int code)
{
	if (code != 0) {
		tail_as_errors(fb);
		fail(fb, RS_FWF_CONFIG,
		     rs_xasprintf("make olddefconfig failed (exit %d) in %s", code,
				  fb->res.klipper_dir),
		     rs_xasprintf("the full log is %s; a damaged or very old Klipper tree is the "
				  "usual cause (git -C %s status)",
				  fb->res.log_path, fb->res.klipper_dir));
		return;
	}
	struct rs_kconfig kc;
	struct rs_errors errs = { 0 };
	if (!rs_kconfig_load_file(fb->config_new, &kc, &errs)) {
		char buf[1024];
		fail(fb, RS_FWF_CONFIG, rs_xstrdup(rs_error_format(&errs.items[0], buf, sizeof(buf))),
		     NULL);
		rs_errors_clear(&errs);
		return;
	}
	char *rejected = rs_xasprintf("%s.rejected", fb->res.config_path);
	if (!rs_kconfig_check(&fb->fragment, &kc, rejected, &errs)) {
		char buf[1024];
		for (size_t i = 0; i < errs.count; i++)
			rs_strv_push(&fb->res.error_lines,
				     rs_error_format(&errs.items[i], buf, sizeof(buf)));
		rename(fb->config_new, rejected);
		fail(fb, RS_FWF_CONFIG_DROPPED,
		     rs_xasprintf("Klipper's olddefconfig dropped or changed %zu requested "
				  "setting%s, so the firmware would not match the board: %s",
				  errs.count, errs.count == 1 ? "" : "s", errs.items[0].msg),
		     rs_xasprintf("the expanded config is %s; the board's klipper lines need "
				  "the options they depend on (CONFIG_LOW_LEVEL_OPTIONS=y first) "
				  "and values this Klipper version offers",
				  rejected));
		free(rejected);
		rs_kconfig_free(&kc);
		rs_errors_clear(&errs);
		return;
	}
	unlink(rejected);
	free(rejected);
	rs_kconfig_hash(&kc, fb->config_sha256);
	snprintf(fb->res.config_sha256, sizeof(fb->res.config_sha256), "%s", fb->config_sha256);
	rs_kconfig_free(&kc);

	/* An unchanged config keeps its old mtime, so make rebuilds nothing. */
	if (same_file(fb->config_new, fb->res.config_path))
		unlink(fb->config_new);
	else if (rename(fb->config_new, fb->res.config_path) != 0) {
		int e = errno;
		fail(fb, RS_FWF_WORKDIR,
		     rs_xasprintf("cannot write %s: %s", fb->res.config_path, strerror(e)), NULL);
		return;
	}

	/* Stale-output guard: make trusts mtimes, and an out/ built from another
	 * config, tree or Klipper version can look up to date (and keep the old
	 * version in its dictionary). out/ is kept only when the stamp written
	 * after its last successful build names exactly this combination;
	 * --force always starts from an empty out/. */
	char *key = rs_xasprintf("%s\n%s\n%s\n", fb->config_sha256, fb->res.klipper_dir,
				 fb->res.tree_version);
	rs_sha256_hex(key, strlen(key), fb->out_key);
	free(key);
	unsigned char *stamp = NULL;
	size_t slen = 0;
	bool fresh = !fb->force && rs_fs_read_file(fb->stamp, 256, &stamp, &slen) &&
		     slen == 64 && memcmp(stamp, fb->out_key, 64) == 0;
	free(stamp);
	if (!fresh && is_dir(fb->outdir)) {
		rs_fwbuild_logf(fb, "ratos-setup: %s", fb->force ? "--force: starting from an empty out/"
					: "out/ was built from another config, tree or version; "
					  "removing it");
		if (!rs_fs_remove_tree(fb->outdir)) {
			int e = errno;
			fail(fb, RS_FWF_WORKDIR,
			     rs_xasprintf("cannot remove the stale build output %s: %s", fb->outdir,
					  strerror(e)),
			     NULL);
			return;
		}
	}
	unlink(fb->stamp); /* until this build succeeds, out/ matches nothing */

	char *kcarg = rs_xasprintf("KCONFIG_CONFIG=%s", fb->res.config_path);
	char *out = rs_xasprintf("OUT=%s", fb->outdir);
	char *argv[] = { "make", "-n", "-C", fb->res.klipper_dir, kcarg, out, NULL };
	fb->prog_total = 0;
	rs_fwbuild_spawn(fb, RS_FWB_COUNT, argv);
	free(kcarg);
	free(out);
}

static void start_compile(struct rs_fwbuild *fb)
{
	rs_fwbuild_logf(fb, "ratos-setup: %u objects to compile", fb->prog_total);
	char *kcarg = rs_xasprintf("KCONFIG_CONFIG=%s", fb->res.config_path);
	char *out = rs_xasprintf("OUT=%s", fb->outdir);
	free(fb->jobs_arg);
	fb->jobs_arg = rs_xasprintf("-j%u", fb->jobs);
	char *argv[] = { "make", "-C", fb->res.klipper_dir, fb->jobs_arg, kcarg, out, NULL };
	/* Only the compile goes through ccache (platform/ccache.h says why it
	 * cannot change the image); --force refreshes what it holds. */
	rs_ccache_free(&fb->ccache);
	rs_ccache_setup(&fb->ccache, rs_toolchain_compiler(fb->mcu), fb->ccache_dir, fb->force);
	rs_fwbuild_logf(fb, "ratos-setup: %s", fb->ccache.note);
	fb->popts.path_first = fb->ccache.path_first;
	fb->popts.env_add = fb->ccache.env;
	fb->compile_t0 = rs_fwbuild_now();
	rs_fwbuild_spawn(fb, RS_FWB_COMPILE, argv);
	free(kcarg);
	free(out);
}

static bool any_line(struct rs_fwbuild *fb, const char *needle)
{
	for (size_t i = 0; i < RS_FWB_TAIL; i++)
		if (fb->tail[i] && strstr(fb->tail[i], needle))
			return true;
	for (size_t i = 0; i < fb->res.error_lines.count; i++)
		if (strstr(fb->res.error_lines.items[i], needle))
			return true;
	return false;
}

static char *compile_hint(struct rs_fwbuild *fb)
{
	const char *tree = fb->res.klipper_dir;
	if (any_line(fb, "No space left on device") || any_line(fb, "File too large") ||
	    any_line(fb, "Disk quota exceeded"))
		return rs_fwinstall_disk_hint(ENOSPC, fb->workdir);
	if (any_line(fb, "stdint.h: No such file") || any_line(fb, "string.h: No such file"))
		return rs_xstrdup("the C library for the compiler is missing: sudo apt-get install "
				  "libnewlib-arm-none-eabi (ARM) or avr-libc (AVR)");
	if (strstr(fb->res.tree_version, "dirty"))
		return rs_xasprintf("the Klipper tree has local changes (%s): `git -C %s status` "
				    "shows them, `git -C %s stash` sets them aside; full log: %s",
				    fb->res.tree_version, tree, tree, fb->res.log_path);
	return rs_xasprintf("the full log is %s; an up-to-date toolchain and a clean Klipper "
			    "checkout (git -C %s status) fix most build failures",
			    fb->res.log_path, tree);
}

static void compile_done(struct rs_fwbuild *fb, int code)
{
	if (code != 0) {
		tail_as_errors(fb);
		fail(fb, RS_FWF_COMPILE,
		     rs_xasprintf("the firmware build failed (make exit %d); %s was not changed",
				  code, fb->res.firmware_path),
		     compile_hint(fb));
		return;
	}
	if (!rs_fs_write_atomic(fb->workdir, "out.stamp", fb->out_key, 64))
		rs_fwbuild_logf(fb, "ratos-setup: cannot write %s: %s", fb->stamp,
				strerror(errno));
	fb->step = RS_FWB_INSTALL;
	rs_fwinstall_image(fb);
}

void rs_fwbuild_child_done(struct rs_fwbuild *fb, int code)
{
	switch (fb->step) {
	case RS_FWB_IDLE:
	case RS_FWB_VERSION:
		rs_fwbuild_version_done(fb, code);
		break;
	case RS_FWB_CONFIG:
		config_done(fb, code);
		break;
	case RS_FWB_COUNT:
		start_compile(fb);
		break;
	case RS_FWB_COMPILE:
		compile_done(fb, code);
		break;
	default:
		break;
	}
}
