/* What each build step checks and runs: the quick checks, the config
 * (olddefconfig and the survival check), counting and compiling. The order
 * is the one make needs, and every check that can fail without running make
 * comes first, so a bad tree or firmware directory fails in milliseconds.
 * Step functions for the table in fwbuild.c; they only read and fill the
 * build's context. Nothing is ever written into the Klipper tree's own
 * .config or out/. */
#include "platform/fwbuild_steps.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/build_output.h"
#include "core/kconfig.h"
#include "core/xalloc.h"
#include "platform/fsutil.h"
#include "platform/paths.h"
#include "platform/toolchain.h"

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

struct rs_job_verdict rs_fwb_check_tree(void *vc, struct rs_job_progress *p)
{
	(void)p;
	struct rs_fwb_ctx *c = vc;
	char resolved[PATH_MAX];
	if (!realpath(c->tree_arg, resolved) || !is_dir(resolved)) {
		int e = errno;
		return rs_fwb_fail(RS_FWF_NO_TREE,
				   rs_xasprintf("no Klipper tree at %s (%s)", c->tree_arg,
						is_dir(c->tree_arg) ? strerror(e)
								    : "no such directory"),
				   rs_xstrdup("Klipper normally lives in ~/klipper; pass --klipper "
					      "DIR when it is elsewhere"));
	}
	c->res.klipper_dir = rs_xstrdup(resolved);
	static const char *const needed[] = { "Makefile", "src/Kconfig" };
	for (size_t i = 0; i < 2; i++) {
		if (!is_file(resolved, needed[i]))
			return rs_fwb_fail(
				RS_FWF_BROKEN_TREE,
				rs_xasprintf("%s is not a usable Klipper tree: it has no %s",
					     resolved, needed[i]),
				rs_xasprintf("point --klipper at a Klipper checkout; a damaged one "
					     "can be repaired with `git -C %s checkout -- .` or "
					     "cloned again",
					     resolved));
	}
	c->have_git = rs_toolchain_on_path("git");
	return rs_job_next();
}

struct rs_job_verdict rs_fwb_check_toolchain(void *vc, struct rs_job_progress *p)
{
	struct rs_fwb_ctx *c = vc;
	struct rs_toolchain tc;
	if (rs_toolchain_check(c->mcu, &tc)) {
		rs_toolchain_free(&tc);
		snprintf(p->note, sizeof(p->note), "building %s (%s) from %s", c->board_id, c->mcu,
			 c->res.klipper_dir);
		return rs_job_next();
	}
	char *missing = rs_kconfig_join(&tc.missing);
	for (char *s = missing; *s; s++)
		if (*s == '\n')
			*s = s[1] ? ' ' : '\0';
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
	struct rs_job_verdict v =
		rs_fwb_fail(RS_FWF_TOOLCHAIN,
			    rs_xasprintf("the %s toolchain for %s is not installed (missing: %s)",
					 tc.family, c->mcu, missing),
			    rs_xasprintf("install it with: sudo apt-get install %s", pkgs));
	free(missing);
	free(pkgs);
	rs_toolchain_free(&tc);
	return v;
}

bool rs_fwb_writes_wanted(const void *vc)
{
	return !((const struct rs_fwb_ctx *)vc)->check_only;
}

/* The work directory, and a probe of the firmware directory now rather
 * than after a long build. */
struct rs_job_verdict rs_fwb_prepare_dirs(void *vc, struct rs_job_progress *p)
{
	(void)p;
	struct rs_fwb_ctx *c = vc;
	if (!rs_path_mkdirs(c->workdir)) {
		int e = errno;
		return rs_fwb_fail(RS_FWF_WORKDIR,
				   rs_xasprintf("cannot create the work directory %s: %s",
						c->workdir, strerror(e)),
				   rs_fwb_disk_full(e)
					   ? rs_fwb_disk_hint(e, c->workdir)
					   : rs_xstrdup("set XDG_CACHE_HOME to a writable directory"));
	}
	char *probe = NULL;
	if (rs_path_mkdirs(c->fwdir))
		probe = rs_fs_write_temp(c->fwdir, "probe", "", 0);
	if (!probe) {
		int e = errno;
		return rs_fwb_fail(RS_FWF_INSTALL,
				   rs_xasprintf("cannot write to the firmware directory %s: %s",
						c->fwdir, strerror(e)),
				   rs_fwb_disk_hint(e, c->fwdir));
	}
	unlink(probe);
	free(probe);
	return rs_job_next();
}

static struct rs_job_verdict write_failed(struct rs_fwb_ctx *c, const char *path, int e)
{
	return rs_fwb_fail(RS_FWF_WORKDIR, rs_xasprintf("cannot write %s: %s", path, strerror(e)),
			   rs_fwb_disk_full(e) ? rs_fwb_disk_hint(e, c->workdir) : NULL);
}

/* The log opens with this step (replacing the last build's): a cache hit
 * never gets here, so the log of the build that made the installed image
 * stays. The fragment is written where olddefconfig expands it. */
struct rs_job_verdict rs_fwb_write_config(void *vc, struct rs_job_progress *p)
{
	(void)p;
	struct rs_fwb_ctx *c = vc;
	/* The engine opened the log; a log that cannot be written fails here,
	 * before make spends minutes. A symlink is never followed. */
	int fd = open(c->log_path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return write_failed(c, c->log_path, errno);
	close(fd);
	char *text = rs_kconfig_join(&c->fragment);
	char *tmp = rs_fs_write_temp(c->workdir, "board.config.new", text, strlen(text));
	free(text);
	if (!tmp || rename(tmp, c->config_new) != 0) {
		int e = errno;
		if (tmp)
			unlink(tmp);
		free(tmp);
		return write_failed(c, c->config_new, e);
	}
	free(tmp);
	return rs_job_next();
}

/* Both on the command line: Klipper's Makefile assigns KCONFIG_CONFIG
 * itself, so an environment value would be ignored. A scratch OUT keeps the
 * board-link rule away from the real out/. */
bool rs_fwb_olddefconfig_argv(void *vc, struct rs_strv *argv, struct rs_proc_opts *o,
			      struct rs_status *f)
{
	(void)o;
	(void)f;
	struct rs_fwb_ctx *c = vc;
	char *kc = rs_xasprintf("KCONFIG_CONFIG=%s", c->config_new);
	char *out = rs_xasprintf("OUT=%s", c->kconf_out);
	const char *const args[] = { "make", "-C", c->res.klipper_dir, kc, out, "olddefconfig" };
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		rs_strv_push(argv, args[i]);
	free(kc);
	free(out);
	return true;
}

void rs_fwb_output_line(void *vc, const char *line, struct rs_job_progress *p)
{
	(void)p;
	rs_fwb_remember(vc, line);
}

struct rs_job_verdict rs_fwb_olddefconfig_done(void *vc, int code)
{
	struct rs_fwb_ctx *c = vc;
	if (code == 0)
		return rs_job_next();
	rs_fwb_tail_as_errors(c);
	return rs_fwb_fail(RS_FWF_CONFIG,
			   rs_xasprintf("make olddefconfig failed (exit %d) in %s", code,
					c->res.klipper_dir),
			   rs_xasprintf("the full log is %s; a damaged or very old Klipper tree "
					"is the usual cause (git -C %s status)",
					c->log_path, c->res.klipper_dir));
}

bool rs_fwb_count_argv(void *vc, struct rs_strv *argv, struct rs_proc_opts *o,
		       struct rs_status *f)
{
	(void)o;
	(void)f;
	struct rs_fwb_ctx *c = vc;
	char *kc = rs_xasprintf("KCONFIG_CONFIG=%s", c->res.config_path);
	char *out = rs_xasprintf("OUT=%s", c->outdir);
	const char *const args[] = { "make", "-n", "-C", c->res.klipper_dir, kc, out };
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		rs_strv_push(argv, args[i]);
	free(kc);
	free(out);
	c->objects_total = 0;
	return true;
}

/* make -n prints every command (too noisy for the log): count the objects. */
void rs_fwb_count_line(void *vc, const char *line, struct rs_job_progress *p)
{
	struct rs_fwb_ctx *c = vc;
	c->objects_total += rs_build_output_is_compile_step(line);
	p->total = c->objects_total;
}

/* The count is only for the progress bar: make -n failing is not a reason
 * to stop, the build itself says what is wrong. */
struct rs_job_verdict rs_fwb_count_done(void *vc, int code)
{
	(void)vc;
	(void)code;
	return rs_job_next();
}

struct rs_job_verdict rs_fwb_plan_compile(void *vc, struct rs_job_progress *p)
{
	struct rs_fwb_ctx *c = vc;
	snprintf(p->note, sizeof(p->note), "%u objects to compile", c->objects_total);
	c->objects_done = 0;
	c->current[0] = '\0';
	c->compile_t0 = rs_fwb_now();
	return rs_job_next();
}

/* Only the compile goes through ccache (platform/ccache.h says why it cannot
 * change the image); --force refreshes what it holds. */
struct rs_job_verdict rs_fwb_compiler_cache(void *vc, struct rs_job_progress *p)
{
	struct rs_fwb_ctx *c = vc;
	rs_ccache_free(&c->ccache);
	rs_ccache_setup(&c->ccache, rs_toolchain_compiler(c->mcu), c->ccache_dir, c->force);
	snprintf(p->note, sizeof(p->note), "%s", c->ccache.note);
	return rs_job_next();
}

bool rs_fwb_compile_argv(void *vc, struct rs_strv *argv, struct rs_proc_opts *o,
			 struct rs_status *f)
{
	(void)f;
	struct rs_fwb_ctx *c = vc;
	o->path_first = c->ccache.path_first;
	o->env_add = (const char *const *)c->ccache.env;
	char *jobs = rs_xasprintf("-j%u", c->jobs);
	char *kc = rs_xasprintf("KCONFIG_CONFIG=%s", c->res.config_path);
	char *out = rs_xasprintf("OUT=%s", c->outdir);
	const char *const args[] = { "make", "-C", c->res.klipper_dir, jobs, kc, out };
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		rs_strv_push(argv, args[i]);
	free(jobs);
	free(kc);
	free(out);
	return true;
}

void rs_fwb_compile_line(void *vc, const char *line, struct rs_job_progress *p)
{
	struct rs_fwb_ctx *c = vc;
	struct rs_build_line bl;
	rs_build_output_classify(line, c->outdir, &bl);
	if (bl.kind == RS_BLINE_COMPILING) {
		c->objects_done++;
		size_t n = bl.arg_len < sizeof(c->current) - 1 ? bl.arg_len : sizeof(c->current) - 1;
		memcpy(c->current, bl.arg, n);
		c->current[n] = '\0';
		if (c->objects_done > c->objects_total)
			c->objects_total = c->objects_done;
	}
	if (bl.kind == RS_BLINE_ERROR && c->res.error_lines.count < 10)
		rs_strv_push(&c->res.error_lines, line);
	rs_fwb_remember(c, line);
	p->done = c->objects_done;
	p->total = c->objects_total;
	snprintf(p->current, sizeof(p->current), "%s", c->current);
}

static char *compile_hint(struct rs_fwb_ctx *c)
{
	const char *tree = c->res.klipper_dir;
	if (rs_fwb_any_line(c, "No space left on device") || rs_fwb_any_line(c, "File too large") ||
	    rs_fwb_any_line(c, "Disk quota exceeded"))
		return rs_fwb_disk_hint(ENOSPC, c->workdir);
	if (rs_fwb_any_line(c, "stdint.h: No such file") ||
	    rs_fwb_any_line(c, "string.h: No such file"))
		return rs_xstrdup("the C library for the compiler is missing: sudo apt-get install "
				  "libnewlib-arm-none-eabi (ARM) or avr-libc (AVR)");
	if (strstr(c->res.tree_version, "dirty"))
		return rs_xasprintf("the Klipper tree has local changes (%s): `git -C %s status` "
				    "shows them, `git -C %s stash` sets them aside; full log: %s",
				    c->res.tree_version, tree, tree, c->log_path);
	return rs_xasprintf("the full log is %s; an up-to-date toolchain and a clean Klipper "
			    "checkout (git -C %s status) fix most build failures",
			    c->log_path, tree);
}

struct rs_job_verdict rs_fwb_compile_done(void *vc, int code)
{
	struct rs_fwb_ctx *c = vc;
	if (code == 0)
		return rs_job_next();
	rs_fwb_tail_as_errors(c);
	return rs_fwb_fail(RS_FWF_COMPILE,
			   rs_xasprintf("the firmware build failed (make exit %d); %s was not "
					"changed",
					code, c->res.firmware_path),
			   compile_hint(c));
}

/* out/ now matches this config, tree and version (see rs_fwb_check_config). */
struct rs_job_verdict rs_fwb_write_stamp(void *vc, struct rs_job_progress *p)
{
	struct rs_fwb_ctx *c = vc;
	if (!rs_fs_write_atomic(c->workdir, "out.stamp", c->out_key, 64))
		snprintf(p->note, sizeof(p->note), "cannot write %s: %s", c->stamp,
			 strerror(errno));
	return rs_job_next();
}

/* After success, failure and cancel: the half-expanded fragment goes. */
struct rs_job_verdict rs_fwb_cleanup(void *vc, struct rs_job_progress *p)
{
	(void)p;
	unlink(((struct rs_fwb_ctx *)vc)->config_new);
	return rs_job_next();
}
