#include "core/wizard_state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define STATE_VERSION 1

void rs_wizard_state_init(struct rs_wizard_state *s)
{
	memset(s, 0, sizeof(*s));
}

void rs_wizard_state_clear_board(struct rs_wizard_state *s)
{
	struct rs_wizard_state fresh;
	rs_wizard_state_init(&fresh);
	memcpy(fresh.step, s->step, sizeof(fresh.step));
	memcpy(fresh.board, s->board, sizeof(fresh.board));
	*s = fresh;
}

static const char *const cable_names[] = {
	[RS_CABLE_UNANSWERED] = "unanswered",
	[RS_CABLE_WHITE] = "white",
	[RS_CABLE_OTHER] = "other",
	[RS_CABLE_UNKNOWN] = "unknown",
};

const char *rs_cable_colour_name(enum rs_cable_colour c)
{
	return (size_t)c < sizeof(cable_names) / sizeof(cable_names[0]) ? cable_names[c] : "?";
}

static const char *jumper_key(enum rs_jumper_pos p)
{
	return p == RS_JUMPER_VIN ? "vin" : p == RS_JUMPER_VMOT ? "vmot" : "none";
}

char *rs_wizard_state_serialize(const struct rs_wizard_state *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	fprintf(f, "# ratos-setup wizard state; delete this file to start over\n");
	fprintf(f, "version=%d\nstep=%s\nboard=%s\nmain_v=%u\nmotor_v=%u\nsockets=%zu\n",
		STATE_VERSION, s->step, s->board, s->main_v, s->motor_v, s->socket_count);
	for (size_t i = 0; i < s->socket_count && i < RS_MAX_SOCKETS; i++)
		fprintf(f, "driver.%zu=%s\njumper.%zu=%s\n", i, s->drivers[i], i,
			jumper_key(s->jumpers[i]));
	fprintf(f, "cable=%s\nendstop_ack=%s\n", rs_cable_colour_name(s->cable),
		s->endstop_ack ? "yes" : "no");
	if (s->klipper_version[0])
		fprintf(f, "klipper_version=%s\n", s->klipper_version);
	if (s->board_sha256[0])
		fprintf(f, "board_sha256=%s\n", s->board_sha256);
	if (fclose(f) != 0)
		abort();
	return buf;
}

/* Printable, no spaces, shorter than max. */
static bool token_ok(const char *v, size_t max)
{
	if (strlen(v) >= max)
		return false;
	for (const char *p = v; *p; p++)
		if (*p <= ' ' || *p > '~')
			return false;
	return true;
}

/* Ids in the state are board and driver ids: short, printable, no spaces. */
static bool id_ok(const char *v)
{
	if (strlen(v) >= RS_STATE_ID_MAX)
		return false;
	for (const char *p = v; *p; p++)
		if (*p <= ' ' || *p > '~')
			return false;
	return true;
}

static bool parse_uint(const char *v, unsigned max, unsigned *out)
{
	if (!*v || *v == '-' || *v == '+')
		return false;
	char *end;
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (errno || *end || n > max)
		return false;
	*out = (unsigned)n;
	return true;
}

static bool parse_index(const char *key, const char *prefix, size_t *idx)
{
	size_t plen = strlen(prefix);
	unsigned n;
	if (strncmp(key, prefix, plen) != 0 || !parse_uint(key + plen, RS_MAX_SOCKETS - 1, &n))
		return false;
	*idx = n;
	return true;
}

static bool parse_line(struct rs_wizard_state *s, const char *key, const char *val,
		       bool *have_version)
{
	size_t i;
	unsigned n;
	if (strcmp(key, "version") == 0) {
		*have_version = true;
		return parse_uint(val, 1000, &n) && n == STATE_VERSION;
	}
	if (strcmp(key, "step") == 0 && id_ok(val)) {
		snprintf(s->step, sizeof(s->step), "%s", val);
		return true;
	}
	if (strcmp(key, "board") == 0 && id_ok(val)) {
		snprintf(s->board, sizeof(s->board), "%s", val);
		return true;
	}
	if (strcmp(key, "main_v") == 0)
		return parse_uint(val, 60, &s->main_v);
	if (strcmp(key, "motor_v") == 0)
		return parse_uint(val, 60, &s->motor_v);
	if (strcmp(key, "sockets") == 0 && parse_uint(val, RS_MAX_SOCKETS, &n)) {
		s->socket_count = n;
		return true;
	}
	if (parse_index(key, "driver.", &i) && id_ok(val)) {
		snprintf(s->drivers[i], sizeof(s->drivers[i]), "%s", val);
		return true;
	}
	if (parse_index(key, "jumper.", &i)) {
		for (int p = RS_JUMPER_NONE; p <= RS_JUMPER_VMOT; p++) {
			if (strcmp(val, jumper_key((enum rs_jumper_pos)p)) == 0) {
				s->jumpers[i] = (enum rs_jumper_pos)p;
				return true;
			}
		}
		return false;
	}
	if (strcmp(key, "cable") == 0) {
		for (size_t c = 0; c < sizeof(cable_names) / sizeof(cable_names[0]); c++) {
			if (strcmp(val, cable_names[c]) == 0) {
				s->cable = (enum rs_cable_colour)c;
				return true;
			}
		}
		return false;
	}
	if (strcmp(key, "klipper_version") == 0 &&
	    token_ok(val, sizeof(s->klipper_version))) {
		snprintf(s->klipper_version, sizeof(s->klipper_version), "%s", val);
		return true;
	}
	if (strcmp(key, "board_sha256") == 0 && token_ok(val, sizeof(s->board_sha256))) {
		snprintf(s->board_sha256, sizeof(s->board_sha256), "%s", val);
		return true;
	}
	if (strcmp(key, "endstop_ack") == 0) {
		if (strcmp(val, "yes") != 0 && strcmp(val, "no") != 0)
			return false;
		s->endstop_ack = strcmp(val, "yes") == 0;
		return true;
	}
	return false;
}

bool rs_wizard_state_parse(const char *file, const char *text, struct rs_wizard_state *out,
			   struct rs_errors *errs)
{
	struct rs_wizard_state s;
	rs_wizard_state_init(&s);
	bool ok = true, have_version = false;
	int lineno = 0;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = rs_xstrndup(p, len);
		lineno++;
		p += len + (nl ? 1 : 0);
		if (line[0] == '\0' || line[0] == '#') {
			free(line);
			continue;
		}
		char *eq = strchr(line, '=');
		if (!eq) {
			rs_errors_add(errs, RS_ERR_SYNTAX, file, lineno, 1, "expected key=value");
			ok = false;
		} else {
			*eq = '\0';
			if (!parse_line(&s, line, eq + 1, &have_version)) {
				rs_errors_add(errs, RS_ERR_VALUE, file, lineno, 1,
					      "bad or unknown entry '%s=%s'", line, eq + 1);
				ok = false;
			}
		}
		free(line);
	}
	if (ok && !have_version) {
		rs_errors_add(errs, RS_ERR_MISSING_KEY, file, 0, 0, "no version line");
		ok = false;
	}
	if (ok)
		*out = s;
	return ok;
}
