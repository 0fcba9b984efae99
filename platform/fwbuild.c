#include "platform/fwbuild.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/build_output.h"
#include "core/fwinfo.h"
#include "core/fw_current.h"
#include "core/kconfig.h"
#include "core/sidecar.h"
#include "core/xalloc.h"
#include "platform/fsutil.h"
#include "platform/fwbuild_steps.h"
#include "platform/paths.h"
#include "platform/toolchain.h"

#define FW_IMAGE_MAX (16u * 1024 * 1024)
#define VERSION_MAX 256

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct rs_fwbuild *rs_fwbuild_new(const struct rs_board *board, const struct rs_fwbuild_opts *opts)
{
	struct rs_fwbuild *fb = rs_xcalloc(1, sizeof(*fb));
	fb->board_id = rs_xstrdup(board->id);
	fb->mcu = rs_xstrdup(board->mcu);
	rs_kconfig_fragment(board, &fb->fragment);
	rs_fw_fragment_sha256(board, fb->fragment_sha256);
	fb->on_line = opts->on_line;
	fb->ctx = opts->ctx;
	fb->force = opts->force;
	fb->check_only = opts->check_only;
	fb->jobs = opts->jobs;
	if (!fb->jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		fb->jobs = n > 0 ? (unsigned)n : 1;
	}
	fb->tree_arg = opts->klipper_dir ? rs_xstrdup(opts->klipper_dir) : rs_path_klipper_dir();
	fb->fwdir = opts->firmware_dir ? rs_xstrdup(opts->firmware_dir) : rs_path_firmware_dir();
	char *cache = opts->cache_dir ? rs_xstrdup(opts->cache_dir) : rs_path_cache_dir();
	fb->workdir = rs_xasprintf("%s/%s", cache, board->id);
	fb->ccache_dir = rs_xasprintf("%s/ccache", cache);
	free(cache);
	fb->outdir = rs_xasprintf("%s/out/", fb->workdir);
	fb->kconf_out = rs_xasprintf("%s/kconfig-out/", fb->workdir);
	fb->config_new = rs_xasprintf("%s/board.config.new", fb->workdir);
	fb->stamp = rs_xasprintf("%s/out.stamp", fb->workdir);
	fb->fw_name = rs_xasprintf("firmware-%s.bin", board->id);
	fb->sc_name = rs_xasprintf("firmware-%s.bin%s", board->id, RS_SIDECAR_SUFFIX);
	fb->res.log_path = rs_xasprintf("%s/build.log", fb->workdir);
	fb->res.config_path = rs_xasprintf("%s/board.config", fb->workdir);
	fb->res.firmware_path = rs_xasprintf("%s/%s", fb->fwdir, fb->fw_name);
	fb->res.sidecar_path = rs_xasprintf("%s/%s", fb->fwdir, fb->sc_name);
	fb->proc.fd = -1;
	fb->step = RS_FWB_IDLE;
	return fb;
}

/* Until make runs, lines wait in memory: a cache hit must not replace the
 * log of the build that produced the installed image. */
static void log_line(struct rs_fwbuild *fb, const char *line)
{
	if (fb->log) {
		fputs(line, fb->log);
		fputc('\n', fb->log);
	} else {
		rs_strv_push(&fb->pending, line);
	}
}

bool rs_fwbuild_open_log(struct rs_fwbuild *fb)
{
	if (fb->log)
		return true;
	/* The work directory is the user's: a symlink there is never followed. */
	int fd = open(fb->res.log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		      0644);
	if (fd < 0)
		return false;
	fb->log = fdopen(fd, "w");
	if (!fb->log) {
		int e = errno;
		close(fd);
		errno = e;
		return false;
	}
	for (size_t i = 0; i < fb->pending.count; i++)
		log_line(fb, fb->pending.items[i]);
	rs_strv_free(&fb->pending);
	fb->log_used = true;
	return true;
}

void rs_fwbuild_logf(struct rs_fwbuild *fb, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_line(fb, line);
}

void rs_fwbuild_finish(struct rs_fwbuild *fb, enum rs_fwbuild_step step, enum rs_fwbuild_fail fail,
		       char *message, char *hint)
{
	fb->step = step;
	fb->res.step = step;
	fb->res.fail = fail;
	free(fb->res.message);
	free(fb->res.hint);
	fb->res.message = message;
	fb->res.hint = hint;
	fb->res.seconds = now_s() - fb->t0;
	if (message)
		rs_fwbuild_logf(fb, "ratos-setup: %s", message);
	if (hint)
		rs_fwbuild_logf(fb, "ratos-setup: %s", hint);
	if (step == RS_FWB_DONE || step == RS_FWB_UP_TO_DATE)
		rs_fwbuild_logf(fb, "ratos-setup: %s %s (%s, %s)",
				step == RS_FWB_DONE ? "installed" : "up to date:",
				fb->res.firmware_path, fb->res.version, fb->res.mcu);
	if (fb->config_new)
		unlink(fb->config_new);
	if (fb->log) {
		fclose(fb->log);
		fb->log = NULL;
	}
	if (!fb->log_used) {
		/* No log was written for this run; do not point at an old one. */
		free(fb->res.log_path);
		fb->res.log_path = NULL;
	}
}

/* Keeps the last lines of output, so a failure can show where it broke. */
static void remember(struct rs_fwbuild *fb, const char *line)
{
	free(fb->tail[fb->tail_pos]);
	fb->tail[fb->tail_pos] = rs_xstrdup(line);
	fb->tail_pos = (fb->tail_pos + 1) % RS_FWB_TAIL;
}

static void on_line(void *ctx, const char *line)
{
	struct rs_fwbuild *fb = ctx;
	if (fb->step == RS_FWB_COUNT) {
		fb->prog_total += rs_build_output_is_compile_step(line);
		return; /* make -n prints every command; too noisy for the log */
	}
	if (fb->step == RS_FWB_VERSION && !fb->capture)
		fb->capture = rs_xstrdup(line);
	if (fb->step == RS_FWB_COMPILE) {
		struct rs_build_line bl;
		rs_build_output_classify(line, fb->outdir, &bl);
		if (bl.kind == RS_BLINE_COMPILING) {
			fb->prog_done++;
			size_t n = bl.arg_len < sizeof(fb->current) - 1 ? bl.arg_len
									 : sizeof(fb->current) - 1;
			memcpy(fb->current, bl.arg, n);
			fb->current[n] = '\0';
			if (fb->prog_done > fb->prog_total)
				fb->prog_total = fb->prog_done;
		}
		if (bl.kind == RS_BLINE_ERROR && fb->res.error_lines.count < 10)
			rs_strv_push(&fb->res.error_lines, line);
	}
	remember(fb, line);
	log_line(fb, line);
	if (fb->on_line)
		fb->on_line(fb->ctx, line);
}

static void on_data(void *ctx, const char *data, size_t len)
{
	struct rs_fwbuild *fb = ctx;
	rs_linebuf_feed(&fb->lb, data, len, on_line, fb);
}

bool rs_fwbuild_spawn(struct rs_fwbuild *fb, enum rs_fwbuild_step step, char *const argv[])
{
	fb->step = step;
	char cmd[2048] = "$";
	for (size_t i = 0; argv[i]; i++) {
		size_t used = strlen(cmd);
		snprintf(cmd + used, sizeof(cmd) - used, " %s", argv[i]);
	}
	rs_fwbuild_logf(fb, "%s", cmd);
	if (fb->log)
		fflush(fb->log);
	if (!rs_proc_start(&fb->proc, argv, &fb->popts)) {
		int e = errno;
		rs_fwbuild_finish(fb, RS_FWB_FAILED, RS_FWF_SPAWN,
				  rs_xasprintf("cannot run %s: %s", argv[0], strerror(e)),
				  rs_xasprintf("check that %s is installed and on PATH", argv[0]));
		return false;
	}
	fb->running = true;
	return true;
}

bool rs_fwbuild_start(struct rs_fwbuild *fb)
{
	if (fb->step != RS_FWB_IDLE)
		return !rs_fwbuild_finished(fb);
	fb->t0 = now_s();
	rs_fwbuild_begin(fb);
	return !rs_fwbuild_finished(fb);
}

double rs_fwbuild_now(void)
{
	return now_s();
}

int rs_fwbuild_fd(const struct rs_fwbuild *fb)
{
	return fb->running ? rs_proc_fd(&fb->proc) : -1;
}

bool rs_fwbuild_finished(const struct rs_fwbuild *fb)
{
	return fb->step >= RS_FWB_DONE;
}

enum rs_fwbuild_step rs_fwbuild_pump(struct rs_fwbuild *fb)
{
	if (!fb->running)
		return fb->step;
	if (rs_proc_pump(&fb->proc, on_data, fb) != RS_PROC_DONE)
		return fb->step;
	rs_linebuf_flush(&fb->lb, on_line, fb);
	int code = rs_proc_exit_code(&fb->proc);
	rs_proc_close(&fb->proc);
	fb->running = false;
	if (fb->log)
		fflush(fb->log);
	rs_fwbuild_child_done(fb, code);
	return fb->step;
}

void rs_fwbuild_get_progress(const struct rs_fwbuild *fb, struct rs_fwbuild_progress *p)
{
	memset(p, 0, sizeof(*p));
	p->step = fb->step;
	p->done = fb->prog_done;
	p->total = fb->prog_total;
	snprintf(p->current, sizeof(p->current), "%s", fb->current);
	p->elapsed = fb->t0 > 0 ? (fb->step >= RS_FWB_DONE ? fb->res.seconds : now_s() - fb->t0) : 0;
	p->eta = -1;
	if (fb->step == RS_FWB_COMPILE && fb->prog_done > 0 && fb->prog_total >= fb->prog_done) {
		double per = (now_s() - fb->compile_t0) / fb->prog_done;
		p->eta = per * (fb->prog_total - fb->prog_done);
	}
}

void rs_fwbuild_cancel(struct rs_fwbuild *fb)
{
	if (rs_fwbuild_finished(fb))
		return;
	if (fb->running) {
		rs_proc_kill(&fb->proc, 2000);
		rs_proc_close(&fb->proc);
		fb->running = false;
	}
	rs_fwbuild_finish(fb, RS_FWB_CANCELLED, RS_FWF_CANCELLED,
			  rs_xasprintf("build cancelled; %s was not changed", fb->res.firmware_path),
			  NULL);
}

enum rs_fwbuild_step rs_fwbuild_run(struct rs_fwbuild *fb, volatile sig_atomic_t *cancel)
{
	if (fb->step == RS_FWB_IDLE)
		rs_fwbuild_start(fb);
	while (!rs_fwbuild_finished(fb)) {
		if (cancel && *cancel) {
			rs_fwbuild_cancel(fb);
			break;
		}
		int fd = rs_fwbuild_fd(fb);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		/* A signal interrupts poll (no SA_RESTART), so cancel is prompt. */
		poll(&pfd, fd >= 0 ? 1 : 0, fd >= 0 ? 1000 : 2);
		rs_fwbuild_pump(fb);
	}
	return fb->step;
}

const struct rs_fwbuild_result *rs_fwbuild_result(const struct rs_fwbuild *fb)
{
	return &fb->res;
}

void rs_fwbuild_free(struct rs_fwbuild *fb)
{
	if (!fb)
		return;
	if (!rs_fwbuild_finished(fb) && fb->step != RS_FWB_IDLE)
		rs_fwbuild_cancel(fb);
	if (fb->log)
		fclose(fb->log);
	free(fb->board_id);
	free(fb->mcu);
	rs_strv_free(&fb->fragment);
	rs_strv_free(&fb->pending);
	free(fb->tree_arg);
	free(fb->fwdir);
	free(fb->workdir);
	free(fb->outdir);
	free(fb->kconf_out);
	free(fb->config_new);
	free(fb->stamp);
	free(fb->ccache_dir);
	rs_ccache_free(&fb->ccache);
	free(fb->fw_name);
	free(fb->sc_name);
	free(fb->capture);
	free(fb->commit);
	free(fb->jobs_arg);
	for (size_t i = 0; i < RS_FWB_TAIL; i++)
		free(fb->tail[i]);
	struct rs_fwbuild_result *r = &fb->res;
	free(r->message);
	free(r->hint);
	rs_strv_free(&r->error_lines);
	free(r->log_path);
	free(r->klipper_dir);
	free(r->config_path);
	free(r->firmware_path);
	free(r->sidecar_path);
	free(r->tree_version);
	free(r->version);
	free(r->mcu);
	free(fb);
}

const char *rs_fwbuild_step_name(enum rs_fwbuild_step s)
{
	static const char *const names[] = {
		[RS_FWB_IDLE] = "idle",       [RS_FWB_VERSION] = "version",
		[RS_FWB_CONFIG] = "config",   [RS_FWB_COUNT] = "count",
		[RS_FWB_COMPILE] = "compile", [RS_FWB_INSTALL] = "install",
		[RS_FWB_DONE] = "built",      [RS_FWB_UP_TO_DATE] = "up-to-date",
		[RS_FWB_FAILED] = "failed",   [RS_FWB_CANCELLED] = "cancelled",
		[RS_FWB_NOT_BUILT] = "not-built",
	};
	return (size_t)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *rs_fwbuild_fail_name(enum rs_fwbuild_fail f)
{
	static const char *const names[] = {
		[RS_FWF_NONE] = "none",
		[RS_FWF_NO_TREE] = "no-tree",
		[RS_FWF_BROKEN_TREE] = "broken-tree",
		[RS_FWF_TOOLCHAIN] = "toolchain",
		[RS_FWF_WORKDIR] = "workdir",
		[RS_FWF_CONFIG] = "config",
		[RS_FWF_CONFIG_DROPPED] = "config-dropped",
		[RS_FWF_COMPILE] = "compile",
		[RS_FWF_NO_IMAGE] = "no-image",
		[RS_FWF_MCU_MISMATCH] = "mcu-mismatch",
		[RS_FWF_VERSION_MISMATCH] = "version-mismatch",
		[RS_FWF_INSTALL] = "install",
		[RS_FWF_SPAWN] = "spawn",
		[RS_FWF_CANCELLED] = "cancelled",
	};
	return (size_t)f < sizeof(names) / sizeof(names[0]) ? names[f] : "?";
}
