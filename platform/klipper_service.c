#include "platform/klipper_service.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/build_output.h"
#include "platform/proc.h"

struct show {
	char load[32], active[32];
};

static void on_line(void *ctx, const char *line)
{
	struct show *s = ctx;
	if (strncmp(line, "LoadState=", 10) == 0)
		snprintf(s->load, sizeof(s->load), "%s", line + 10);
	else if (strncmp(line, "ActiveState=", 12) == 0)
		snprintf(s->active, sizeof(s->active), "%s", line + 12);
}

struct feed {
	struct rs_linebuf lb;
	struct show *show;
};

static void on_data(void *ctx, const char *data, size_t len)
{
	struct feed *f = ctx;
	rs_linebuf_feed(&f->lb, data, len, on_line, f->show);
}

void rs_klipper_service_detect(struct rs_klipper_service *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->unit, sizeof(out->unit), "%s", RS_KLIPPER_UNIT);
	char *argv[] = { "systemctl", "show", "--property=LoadState,ActiveState", out->unit, NULL };
	struct rs_proc p;
	struct rs_proc_opts po = { 0 };
	if (!rs_proc_start(&p, argv, &po)) {
		out->state = RS_SERVICE_UNKNOWN;
		snprintf(out->detail, sizeof(out->detail), "systemctl cannot run: %s", strerror(errno));
		return;
	}
	struct show show = { "", "" };
	struct feed f = { .show = &show };
	memset(&f.lb, 0, sizeof(f.lb));
	rs_proc_wait(&p, on_data, &f, NULL);
	rs_linebuf_flush(&f.lb, on_line, &show);
	int code = rs_proc_exit_code(&p);
	rs_proc_close(&p);
	if (code != 0 || !show.load[0]) {
		/* No systemd running (a container, another init): cannot tell. */
		out->state = RS_SERVICE_UNKNOWN;
		snprintf(out->detail, sizeof(out->detail), "systemctl show %s failed (exit %d)",
			 out->unit, code);
		return;
	}
	snprintf(out->detail, sizeof(out->detail), "%s is %s, %s", out->unit, show.load,
		 show.active[0] ? show.active : "?");
	if (strcmp(show.load, "loaded") != 0)
		out->state = RS_SERVICE_ABSENT;
	else if (strcmp(show.active, "active") == 0 || strcmp(show.active, "activating") == 0 ||
		 strcmp(show.active, "reloading") == 0)
		out->state = RS_SERVICE_RUNNING;
	else
		out->state = RS_SERVICE_STOPPED;
}

void rs_klipper_service_argv(const struct rs_klipper_service *s, const char *verb,
			     struct rs_strv *argv)
{
	rs_strv_push(argv, "systemctl");
	rs_strv_push(argv, verb);
	rs_strv_push(argv, s->unit);
}
