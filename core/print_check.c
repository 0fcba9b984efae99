#include "core/print_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_scan.h"
#include "core/text_safe.h"

static void set(struct rs_print_check *c, enum rs_print_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set(struct rs_print_check *c, enum rs_print_verdict v, const char *fmt, ...)
{
	c->verdict = v;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

/* Member `name` of object v, present exactly once in a well-formed object:
 * a reply that names a field twice is not trusted to mean either. */
static bool get_once(struct rs_json_span v, const char *name, struct rs_json_span *out)
{
	struct rs_json_scan_iter it;
	if (!rs_json_scan_begin(&it, v))
		return false;
	struct rs_json_span k, val;
	int found = 0;
	size_t n = strlen(name);
	while (rs_json_scan_next(&it, &k, &val)) {
		char *key = rs_json_scan_string(k);
		if (key && strlen(key) == n && memcmp(key, name, n) == 0) {
			found++;
			*out = val;
		}
		free(key);
	}
	return !it.failed && found == 1;
}

/* A string member, decoded, its first line only (Klipper's error messages
 * run over many), made safe to log; NULL when it is not there or not a
 * string. Caller frees. */
static char *get_string(struct rs_json_span v, const char *name)
{
	struct rs_json_span s;
	if (!get_once(v, name, &s))
		return NULL;
	char *raw = rs_json_scan_string(s);
	if (!raw)
		return NULL;
	raw[strcspn(raw, "\r\n")] = '\0';
	char *safe = rs_text_safe(raw);
	free(raw);
	return safe;
}

long rs_klippy_message_id(const char *msg, size_t len)
{
	struct rs_json_span doc = { msg, len }, id;
	/* Ours are numbers: a string "1" is someone else's id. */
	if (!get_once(doc, "id", &id) || !id.len || id.p[0] < '0' || id.p[0] > '9')
		return -1;
	char *t = rs_json_scan_scalar(id);
	long v = -1;
	if (t && t[0] >= '0' && t[0] <= '9' && strlen(t) <= 9 && strspn(t, "0123456789") == strlen(t))
		v = strtol(t, NULL, 10);
	free(t);
	return v;
}

/* The "result" object of a reply, or false with why set (an error reply,
 * or no reply at all). */
static bool result_of(const char *reply, size_t len, long want_id, struct rs_print_check *c,
		      struct rs_json_span *result)
{
	struct rs_json_span doc = { reply, len }, err;
	c->answered = true;
	if (rs_klippy_message_id(reply, len) != want_id) {
		set(c, RS_PRINT_UNKNOWN, "Klipper's reply is not an answer to request %ld", want_id);
		return false;
	}
	if (get_once(doc, "error", &err)) {
		char *msg = get_string(err, "message");
		set(c, RS_PRINT_UNKNOWN, "Klipper answered with an error: %s",
		    msg ? msg : "(no message)");
		free(msg);
		return false;
	}
	struct rs_json_scan_iter probe;
	if (!get_once(doc, "result", result) || !rs_json_scan_begin(&probe, *result)) {
		set(c, RS_PRINT_UNKNOWN, "Klipper's reply has no result");
		return false;
	}
	return true;
}

void rs_print_check_info(const char *reply, size_t len, struct rs_print_check *out)
{
	struct rs_json_span result;
	if (!result_of(reply, len, RS_KLIPPY_INFO_ID, out, &result))
		return;
	char *state = get_string(result, "state");
	char *msg = get_string(result, "state_message");
	if (!state)
		set(out, RS_PRINT_UNKNOWN, "Klipper's info reply has no state");
	else if (strcmp(state, "ready") == 0)
		set(out, RS_PRINT_ASK, "Klipper is ready");
	else if (strcmp(state, "startup") == 0 || strcmp(state, "error") == 0 ||
		 strcmp(state, "shutdown") == 0)
		set(out, RS_PRINT_NONE, "Klipper is not ready (%s: %s): no print can run", state,
		    msg ? msg : "");
	else
		set(out, RS_PRINT_UNKNOWN, "Klipper's state '%s' is not one this program knows",
		    state);
	free(state);
	free(msg);
}

void rs_print_check_query(const char *reply, size_t len, struct rs_print_check *out)
{
	struct rs_json_span result, status, ps, idle;
	if (!result_of(reply, len, RS_KLIPPY_QUERY_ID, out, &result))
		return;
	if (!get_once(result, "status", &status)) {
		set(out, RS_PRINT_UNKNOWN, "Klipper's objects/query reply has no status");
		return;
	}
	char *state = get_once(status, "print_stats", &ps) ? get_string(ps, "state") : NULL;
	char *busy = get_once(status, "idle_timeout", &idle) ? get_string(idle, "state") : NULL;
	if (!state)
		set(out, RS_PRINT_UNKNOWN,
		    "Klipper has no print_stats state (no [virtual_sdcard] in printer.cfg?): "
		    "whether a print runs cannot be told");
	else if (strcmp(state, "printing") == 0 || strcmp(state, "paused") == 0)
		set(out, RS_PRINT_RUNNING, "a print is in progress (print_stats: %s)", state);
	else if (strcmp(state, "standby") != 0 && strcmp(state, "complete") != 0 &&
		 strcmp(state, "cancelled") != 0 && strcmp(state, "error") != 0)
		set(out, RS_PRINT_UNKNOWN, "print_stats state '%s' is not one this program knows",
		    state);
	else if (busy && strcmp(busy, "Printing") == 0)
		set(out, RS_PRINT_RUNNING,
		    "Klipper is busy (print_stats: %s, idle_timeout: Printing): a print sent over "
		    "the serial port or a macro is running",
		    state);
	else
		set(out, RS_PRINT_NONE, "no print is in progress (print_stats: %s)", state);
	free(state);
	free(busy);
}

void rs_print_check_unanswered(struct rs_print_check *out, enum rs_service_state klipper)
{
	out->answered = false;
	char why[sizeof(out->why)];
	snprintf(why, sizeof(why), "%s", out->why[0] ? out->why : "Klipper did not answer");
	if (klipper == RS_SERVICE_STOPPED)
		set(out, RS_PRINT_NONE, "%s, and the Klipper service is stopped: no print can run",
		    why);
	else
		set(out, RS_PRINT_UNKNOWN, "%s while the Klipper service is %s: whether a print "
					   "runs cannot be told",
		    why, rs_service_state_name(klipper));
}

const char *rs_print_verdict_name(enum rs_print_verdict v)
{
	switch (v) {
	case RS_PRINT_NONE:
		return "none";
	case RS_PRINT_RUNNING:
		return "running";
	case RS_PRINT_UNKNOWN:
		return "unknown";
	case RS_PRINT_ASK:
		return "ask";
	}
	return "?";
}
