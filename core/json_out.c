#include "core/json_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static void put(struct rs_json_out *j, const char *s, size_t n)
{
	if (j->len + n + 1 > j->cap) {
		j->cap = (j->len + n + 1) * 2;
		j->buf = rs_xrealloc(j->buf, j->cap);
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void puts_(struct rs_json_out *j, const char *s)
{
	put(j, s, strlen(s));
}

static void escaped(struct rs_json_out *j, const char *s)
{
	put(j, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char tmp[8];
		switch (*p) {
		case '"': puts_(j, "\\\""); break;
		case '\\': puts_(j, "\\\\"); break;
		case '\n': puts_(j, "\\n"); break;
		case '\r': puts_(j, "\\r"); break;
		case '\t': puts_(j, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				snprintf(tmp, sizeof(tmp), "\\u%04x", *p);
				puts_(j, tmp);
			} else {
				put(j, (const char *)p, 1);
			}
		}
	}
	put(j, "\"", 1);
}

static void member(struct rs_json_out *j, const char *key)
{
	if (j->depth > 0) {
		if (!j->first[j->depth])
			put(j, ",", 1);
		j->first[j->depth] = false;
	}
	if (key) {
		escaped(j, key);
		put(j, ":", 1);
	}
}

static void open_(struct rs_json_out *j, const char *key, const char *bracket)
{
	member(j, key);
	puts_(j, bracket);
	if (j->depth < RS_JSON_OUT_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

void rs_json_object_begin(struct rs_json_out *j, const char *key) { open_(j, key, "{"); }
void rs_json_array_begin(struct rs_json_out *j, const char *key) { open_(j, key, "["); }

void rs_json_object_end(struct rs_json_out *j)
{
	if (j->depth > 0)
		j->depth--;
	puts_(j, "}");
}

void rs_json_array_end(struct rs_json_out *j)
{
	if (j->depth > 0)
		j->depth--;
	puts_(j, "]");
}

void rs_json_string_member(struct rs_json_out *j, const char *key, const char *val)
{
	member(j, key);
	if (val)
		escaped(j, val);
	else
		puts_(j, "null");
}

void rs_json_int_member(struct rs_json_out *j, const char *key, long long val)
{
	char tmp[32];
	member(j, key);
	snprintf(tmp, sizeof(tmp), "%lld", val);
	puts_(j, tmp);
}

void rs_json_double_member(struct rs_json_out *j, const char *key, double val)
{
	char tmp[64];
	member(j, key);
	if (val != val || val > 1e300 || val < -1e300)
		snprintf(tmp, sizeof(tmp), "null");
	else
		snprintf(tmp, sizeof(tmp), "%.3f", val);
	puts_(j, tmp);
}

void rs_json_bool_member(struct rs_json_out *j, const char *key, bool val)
{
	member(j, key);
	puts_(j, val ? "true" : "false");
}

char *rs_json_finish(struct rs_json_out *j)
{
	put(j, "\n", 1);
	char *out = j->buf;
	memset(j, 0, sizeof(*j));
	return out;
}
