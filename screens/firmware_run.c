/* The build screen's build inside the one poll loop: a registration on the
 * build's fd while a child runs, a short timer in between, and the log
 * lines shortened for an 80-column view. */
#include "screens/firmware_run.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "platform/paths.h"
#include "platform/loop.h"
#include "tui/tui.h"

/* "  Compiling /home/pi/.cache/ratos-setup/<board>/out/src/x.o" is shown
 * as "  Compiling out/src/x.o": the long prefix would push the file name off
 * an 80-column screen. */
static char *shorten(const struct rs_fwrun *r, const char *line)
{
	const char *at = r->outdir ? strstr(line, r->outdir) : NULL;
	if (!at)
		return rs_xstrdup(line);
	return rs_xasprintf("%.*sout/%s", (int)(at - line), line, at + strlen(r->outdir));
}

static void on_line(void *ctx, const char *line)
{
	struct rs_fwrun *r = ctx;
	rs_logview_push(&r->log, shorten(r, line));
}

void rs_fwrun_init(struct rs_fwrun *r, void (*ended)(void *ctx), void *ctx)
{
	r->fd_handle = r->timer_handle = r->fd = -1;
	r->ended = ended;
	r->ctx = ctx;
}

void rs_fwrun_unregister(struct rs_fwrun *r)
{
	if (r->fd_handle >= 0)
		rs_loop_remove_fd(rs_tui_loop(), r->fd_handle);
	if (r->timer_handle >= 0)
		rs_loop_remove_timer(rs_tui_loop(), r->timer_handle);
	r->fd_handle = r->timer_handle = r->fd = -1;
}

void rs_fwrun_drop(struct rs_fwrun *r)
{
	rs_fwrun_unregister(r);
	rs_fwbuild_free(r->fb);
	r->fb = NULL;
}

void rs_fwrun_free(struct rs_fwrun *r)
{
	rs_fwrun_drop(r);
	rs_logview_clear(&r->log);
	free(r->outdir);
	r->outdir = NULL;
}

bool rs_fwrun_running(const struct rs_fwrun *r)
{
	return r->fb && !rs_fwbuild_finished(r->fb);
}

static bool pump_cb(struct rs_fwrun *r);

static bool fd_cb(int fd, short revents, void *data)
{
	(void)fd;
	(void)revents;
	return pump_cb(data);
}

static bool timer_cb(void *data)
{
	return pump_cb(data);
}

/* The build's fd changes with every child (git, olddefconfig, make -n,
 * make); between two children, or after end of file while the child is
 * not reaped yet, it is -1 and a short timer keeps things moving. */
static void sync_loop(struct rs_fwrun *r)
{
	if (rs_fwbuild_finished(r->fb)) {
		r->ended(r->ctx);
		return;
	}
	int fd = rs_fwbuild_fd(r->fb);
	if (fd != r->fd) {
		if (r->fd_handle >= 0)
			rs_loop_remove_fd(rs_tui_loop(), r->fd_handle);
		r->fd_handle = fd >= 0 ? rs_loop_add_fd(rs_tui_loop(), fd, POLLIN, fd_cb, r) : -1;
		r->fd = fd;
	}
	if (fd < 0 && r->timer_handle < 0)
		r->timer_handle = rs_loop_add_timer(rs_tui_loop(), 10, true, timer_cb, r);
	else if (fd >= 0 && r->timer_handle >= 0) {
		rs_loop_remove_timer(rs_tui_loop(), r->timer_handle);
		r->timer_handle = -1;
	}
}

void rs_fwrun_pump(struct rs_fwrun *r)
{
	rs_fwbuild_pump(r->fb);
	sync_loop(r);
}

/* True (drop this registration) once no build is running any more: the
 * one that ended, or none when ended started nothing new. */
static bool pump_cb(struct rs_fwrun *r)
{
	if (!rs_fwrun_running(r))
		return false;
	rs_fwrun_pump(r);
	return !rs_fwrun_running(r);
}

void rs_fwrun_start(struct rs_fwrun *r, const struct rs_board *b, const char *klipper_dir,
		    bool check_only, bool force)
{
	struct rs_fwbuild_opts o = {
		.klipper_dir = klipper_dir,
		.force = force,
		.check_only = check_only,
		.on_line = on_line,
		.ctx = r,
	};
	r->fb = rs_fwbuild_new(b, &o);
	const char *log = rs_fwbuild_result(r->fb)->log_path;
	char *p = log ? rs_path_pretty(log) : NULL;
	snprintf(r->log_pretty, sizeof(r->log_pretty), "%s", p ? p : "");
	free(p);
	free(r->outdir);
	const char *cfg = rs_fwbuild_result(r->fb)->config_path;
	const char *slash = cfg ? strrchr(cfg, '/') : NULL;
	r->outdir = slash ? rs_xasprintf("%.*s/out/", (int)(slash - cfg), cfg) : NULL;
	rs_fwbuild_start(r->fb);
	sync_loop(r);
}
