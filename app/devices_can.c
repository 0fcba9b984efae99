/* ratos-setup devices --can [--json] [--klipper DIR] [--config FILE]
 *                            [--timeout SECONDS]
 *
 * The nodes on can0, as Klipper's scripts/canbus_query.py and Katapult's
 * flashtool.py -q list them (platform/can_query.h), each marked with the
 * printer.cfg [mcu] that uses its UUID; printer.cfg's UUIDs that did not
 * answer are listed apart (a node Klipper is connected to stays silent).
 * A missing or down can0 is said plainly and nothing is run. */
#include "app/devices_can.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/commands.h"
#include "core/error.h"
#include "core/json_out.h"
#include "core/text_safe.h"
#include "core/xalloc.h"
#include "platform/can_query.h"
#include "platform/doctor_files.h"
#include "platform/loop.h"
#include "platform/mcu_jobs.h"
#include "platform/paths.h"

struct can_run {
	struct rs_can_query_ctx q;
	struct rs_pcfg cfg;
	enum rs_can_link link;
	char *python, *klipper_dir, *script, *tool;
	const char *timed_out; /* the step that ran out of time, or NULL */
	struct rs_status failure; /* a tool that could not be started, or a cancel */
};

static const char *const hint_missing =
	"Set up the CAN interface as Klipper's CANBUS document says (an interfaces.d "
	"file for can0 with the bus's bitrate), then run this again.";
static const char *const hint_down =
	"Bring it up: sudo ip link set can0 up type can bitrate 1000000 (your bus's "
	"bitrate); an interfaces.d file with \"auto can0\" brings it up at boot.";

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The job on a loop of its own, each step given timeout seconds: a tool
 * that hangs on a bus without termination is stopped, not waited for. */
static void run_query(struct can_run *r, long timeout)
{
	static volatile sig_atomic_t interrupted;
	interrupted = 0;
	rs_proc_catch_signals(&interrupted);
	struct rs_job *job = rs_job_new(&rs_can_query_job, &r->q, NULL);
	rs_job_start(job);
	struct rs_loop *loop = rs_loop_new();
	rs_job_attach(job, loop, NULL, NULL);
	const char *step = NULL;
	long step_t0 = now_ms();
	while (!rs_job_finished(job)) {
		struct rs_job_progress p;
		rs_job_get_progress(job, &p);
		if (p.step != step) {
			step = p.step;
			step_t0 = now_ms();
		}
		if (interrupted || now_ms() - step_t0 >= timeout * 1000L) {
			if (!interrupted)
				r->timed_out = step;
			rs_job_cancel(job);
			break;
		}
		rs_loop_wait(loop, -1, -1);
	}
	rs_job_detach(job);
	rs_loop_free(loop);
	const struct rs_job_result *res = rs_job_result(job);
	if (res->state == RS_JOB_FAILED || (res->state == RS_JOB_CANCELLED && !r->timed_out))
		rs_status_copy(&r->failure, &res->status);
	rs_job_free(job);
	rs_proc_restore_signals();
}

static void gather(struct can_run *r, const struct rs_devices_can_opts *o)
{
	char *home = rs_path_home();
	r->python = rs_klipper_python(home);
	r->tool = rs_katapult_find_tool(home);
	free(home);
	r->klipper_dir = o->klipper ? rs_xstrdup(o->klipper) : rs_path_klipper_dir();
	r->script = rs_can_query_script(r->klipper_dir);
	r->q.python = r->python;
	r->q.klipper_script = r->script;
	r->q.katapult_tool = r->tool;
	r->q.interface = RS_CAN_INTERFACE;

	/* printer.cfg is read for its UUIDs only: problems in it are doctor's. */
	char *cfg_path = o->config ? rs_xstrdup(o->config) : rs_doctor_default_config();
	struct rs_errors errs = { 0 };
	rs_pcfg_read_file(cfg_path, &r->cfg, &errs);
	rs_errors_clear(&errs);
	free(cfg_path);

	r->link = rs_can_link_read(o->sys_net, RS_CAN_INTERFACE);
	if (r->link == RS_CAN_LINK_UP && (r->script || r->tool))
		run_query(r, o->timeout);
	rs_can_nodes_mark_config(&r->q.nodes, &r->cfg);
}

static void run_free(struct can_run *r)
{
	free(r->python);
	free(r->klipper_dir);
	free(r->script);
	free(r->tool);
	rs_status_clear(&r->failure);
}

static const char *link_name(enum rs_can_link l)
{
	return l == RS_CAN_LINK_MISSING ? "missing" : l == RS_CAN_LINK_DOWN ? "down" : "up";
}

static const char *not_set_up(enum rs_can_link l)
{
	return l == RS_CAN_LINK_MISSING
		       ? "CAN is not set up: there is no " RS_CAN_INTERFACE " network interface"
		       : "CAN is not set up: " RS_CAN_INTERFACE " is down";
}

/* What became of one tool, in a few words (buf when it needs one). */
static const char *tool_outcome(const struct can_run *r, const char *step, const char *path,
				const struct rs_can_tool_run *t, char *buf, size_t len)
{
	if (!path)
		return "not found";
	if (r->timed_out && strcmp(r->timed_out, step) == 0) {
		snprintf(buf, len, "stopped: no answer within the time limit");
		return buf;
	}
	if (!t->ran)
		return r->failure.message ? "not run" : "not run (CAN is not set up)";
	if (t->code == 0 && t->complete)
		return "ok";
	char *last = rs_text_safe(t->last_line);
	if (t->code == 0)
		snprintf(buf, len, "ended without its closing line%s%s", *last ? ": " : "", last);
	else
		snprintf(buf, len, "failed (exit %d)%s%s", t->code, *last ? ": " : "", last);
	free(last);
	return buf;
}

static bool tool_ok(const struct can_run *r, const char *step, const char *path,
		    const struct rs_can_tool_run *t)
{
	return path && t->ran && t->code == 0 && t->complete &&
	       !(r->timed_out && strcmp(r->timed_out, step) == 0);
}

static bool any_ok(const struct can_run *r)
{
	return tool_ok(r, "canbus-query", r->script, &r->q.klipper) ||
	       tool_ok(r, "katapult-query", r->tool, &r->q.katapult);
}

/* ---- human-readable ---- */

static void print_found_by(unsigned by)
{
	printf("  (%s%s%s)", by & RS_CAN_TOOL_KLIPPER ? "canbus_query.py" : "",
	       by == (RS_CAN_TOOL_KLIPPER | RS_CAN_TOOL_KATAPULT) ? ", " : "",
	       by & RS_CAN_TOOL_KATAPULT ? "flashtool.py" : "");
}

static void print_tools(const struct can_run *r)
{
	char buf[512];
	char *p = r->script ? rs_path_pretty(r->script) : NULL;
	printf("Klipper's canbus_query.py: %s%s%s\n",
	       tool_outcome(r, "canbus-query", r->script, &r->q.klipper, buf, sizeof(buf)),
	       p ? " - " : " (in the Klipper tree's scripts/)", p ? p : "");
	free(p);
	p = r->tool ? rs_path_pretty(r->tool) : NULL;
	printf("Katapult's flashtool.py: %s%s%s\n",
	       tool_outcome(r, "katapult-query", r->tool, &r->q.katapult, buf, sizeof(buf)),
	       p ? " - " : " (git clone https://github.com/Arksine/katapult ~/katapult)",
	       p ? p : "");
	free(p);
}

static void print_human(const struct can_run *r)
{
	if (r->link != RS_CAN_LINK_UP)
		return; /* said on stderr */
	printf("CAN bus %s: %s\n", RS_CAN_INTERFACE, link_name(r->link));
	printf("Nodes that answered:\n");
	const struct rs_can_nodes *n = &r->q.nodes;
	for (size_t i = 0; i < n->count; i++) {
		const struct rs_can_node *x = &n->items[i];
		char mcu[96];
		rs_text_safe_copy(mcu, sizeof(mcu), x->config_mcu, strlen(x->config_mcu));
		printf("  %s  %-9s", x->uuid, x->app_name);
		if (x->config_mcu[0])
			printf("  printer.cfg [%s%s]", strcmp(x->config_mcu, "mcu") ? "mcu " : "",
			       mcu);
		else
			printf("  not in printer.cfg");
		print_found_by(x->found_by);
		printf("\n");
	}
	if (n->count == 0)
		printf("  none\n");
	if (n->full)
		printf("  (more nodes answered than are listed)\n");
	bool header = false;
	for (size_t k = 0; k < r->cfg.mcu_count; k++) {
		const struct rs_pcfg_mcu *m = &r->cfg.mcus[k];
		if (!m->canbus_uuid[0] || rs_can_nodes_find(n, m->canbus_uuid))
			continue;
		if (!header)
			printf("In printer.cfg, not answering (a node Klipper is connected to does "
			       "not answer; stop Klipper to see it):\n");
		header = true;
		char *name = rs_text_safe(m->name), *uuid = rs_text_safe(m->canbus_uuid);
		printf("  [%s%s]  canbus_uuid: %s\n", strcmp(m->name, "mcu") ? "mcu " : "", name,
		       uuid);
		free(name);
		free(uuid);
	}
	print_tools(r);
	if (r->failure.message) {
		char *msg = rs_text_safe(r->failure.message);
		printf("%s\n", msg);
		free(msg);
	}
}

/* ---- JSON ---- */

static void json_tool(struct rs_json *j, const struct can_run *r, const char *key,
		      const char *step, const char *path, const struct rs_can_tool_run *t)
{
	char buf[512];
	rs_json_key(j, key);
	rs_json_object_begin(j);
	rs_json_kv_string(j, "path", path);
	rs_json_kv_bool(j, "ran", t->ran);
	rs_json_kv_bool(j, "ok", tool_ok(r, step, path, t));
	rs_json_kv_string(j, "outcome", tool_outcome(r, step, path, t, buf, sizeof(buf)));
	rs_json_object_end(j);
}

static void print_json(const struct can_run *r)
{
	struct rs_json j;
	rs_json_init(&j, stdout);
	rs_json_object_begin(&j);
	rs_json_kv_string(&j, "interface", RS_CAN_INTERFACE);
	rs_json_kv_string(&j, "state", link_name(r->link));
	rs_json_kv_string(&j, "message", r->link == RS_CAN_LINK_UP ? NULL : not_set_up(r->link));
	rs_json_kv_string(&j, "hint", r->link == RS_CAN_LINK_MISSING ? hint_missing
				      : r->link == RS_CAN_LINK_DOWN  ? hint_down
								     : NULL);
	rs_json_key(&j, "nodes");
	rs_json_array_begin(&j);
	for (size_t i = 0; i < r->q.nodes.count; i++) {
		const struct rs_can_node *x = &r->q.nodes.items[i];
		rs_json_object_begin(&j);
		rs_json_kv_string(&j, "uuid", x->uuid);
		rs_json_kv_string(&j, "application", rs_can_app_name(x->app));
		rs_json_kv_string(&j, "application_name", x->app_name);
		rs_json_key(&j, "found_by");
		rs_json_array_begin(&j);
		if (x->found_by & RS_CAN_TOOL_KLIPPER)
			rs_json_string(&j, rs_can_tool_name(RS_CAN_TOOL_KLIPPER));
		if (x->found_by & RS_CAN_TOOL_KATAPULT)
			rs_json_string(&j, rs_can_tool_name(RS_CAN_TOOL_KATAPULT));
		rs_json_array_end(&j);
		rs_json_kv_string(&j, "config_mcu", x->config_mcu[0] ? x->config_mcu : NULL);
		rs_json_object_end(&j);
	}
	rs_json_array_end(&j);
	rs_json_key(&j, "configured");
	rs_json_array_begin(&j);
	for (size_t k = 0; k < r->cfg.mcu_count; k++) {
		const struct rs_pcfg_mcu *m = &r->cfg.mcus[k];
		if (!m->canbus_uuid[0])
			continue;
		rs_json_object_begin(&j);
		rs_json_kv_string(&j, "mcu", m->name);
		rs_json_kv_string(&j, "uuid", m->canbus_uuid);
		rs_json_kv_bool(&j, "answered", rs_can_nodes_find(&r->q.nodes, m->canbus_uuid));
		rs_json_object_end(&j);
	}
	rs_json_array_end(&j);
	rs_json_key(&j, "tools");
	rs_json_object_begin(&j);
	json_tool(&j, r, "klipper", "canbus-query", r->script, &r->q.klipper);
	json_tool(&j, r, "katapult", "katapult-query", r->tool, &r->q.katapult);
	rs_json_object_end(&j);
	rs_json_kv_string(&j, "error", r->failure.message);
	rs_json_object_end(&j);
	rs_json_finish(&j);
}

int rs_devices_can(const struct rs_devices_can_opts *o)
{
	struct can_run *r = rs_xcalloc(1, sizeof(*r));
	gather(r, o);
	if (o->json)
		print_json(r);
	else
		print_human(r);
	fflush(stdout);
	int rc = RS_EXIT_OK;
	if (r->link != RS_CAN_LINK_UP) {
		fprintf(stderr, "ratos-setup: %s\n  %s\n", not_set_up(r->link),
			r->link == RS_CAN_LINK_MISSING ? hint_missing : hint_down);
		rc = RS_EXIT_FAIL;
	} else if (!r->script && !r->tool) {
		fprintf(stderr, "ratos-setup: nothing can ask the CAN bus: neither Klipper's "
				"scripts/canbus_query.py nor Katapult's flashtool.py was found\n");
		rc = RS_EXIT_FAIL;
	} else if (!any_ok(r)) {
		fprintf(stderr, "ratos-setup: the CAN query did not succeed (see above)\n");
		rc = RS_EXIT_FAIL;
	}
	run_free(r);
	free(r);
	return rc;
}
