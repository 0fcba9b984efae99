#include "core/json_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/text_safe.h"

void rs_json_init(struct rs_json *j, FILE *out)
{
	*j = (struct rs_json){ .out = out };
}

/* Separator before a value: none after a key, a comma after a sibling. */
static void before_value(struct rs_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0 && j->has_items[j->depth - 1])
		fputc(',', j->out);
	if (j->depth > 0)
		j->has_items[j->depth - 1] = true;
}

static void open(struct rs_json *j, char c)
{
	before_value(j);
	fputc(c, j->out);
	if (j->depth < RS_JSON_MAX_DEPTH)
		j->has_items[j->depth] = false;
	j->depth++;
}

static void close(struct rs_json *j, char c)
{
	fputc(c, j->out);
	j->depth--;
}

void rs_json_object_begin(struct rs_json *j) { open(j, '{'); }
void rs_json_object_end(struct rs_json *j) { close(j, '}'); }
void rs_json_array_begin(struct rs_json *j) { open(j, '['); }
void rs_json_array_end(struct rs_json *j) { close(j, ']'); }

/* JSON needs " and \ escaped, every C0 control as \uXXXX, and valid UTF-8.
 * Beyond that, the characters the display rule (core/text_safe.h) escapes are
 * written as \uXXXX too, so the document stays safe when it is shown on a
 * terminal and still decodes to the same text; a byte that is not UTF-8
 * cannot be held by JSON at all and becomes U+FFFD. */
static void write_escaped(FILE *out, const char *s)
{
	size_t len = strlen(s);
	fputc('"', out);
	for (size_t i = 0; i < len;) {
		unsigned cp;
		enum rs_text_kind kind;
		size_t n = rs_text_next(s + i, len - i, &cp, &kind);
		if (kind == RS_TEXT_INVALID) {
			fputs("\\ufffd", out);
		} else if (kind == RS_TEXT_CONTROL) {
			switch (cp) {
			case '\n': fputs("\\n", out); break;
			case '\r': fputs("\\r", out); break;
			case '\t': fputs("\\t", out); break;
			default: fprintf(out, "\\u%04x", cp);
			}
		} else if (cp == '"' || cp == '\\') {
			fputc('\\', out);
			fputc((int)cp, out);
		} else {
			fwrite(s + i, 1, n, out);
		}
		i += n;
	}
	fputc('"', out);
}

void rs_json_key(struct rs_json *j, const char *key)
{
	before_value(j);
	write_escaped(j->out, key);
	fputc(':', j->out);
	j->after_key = true;
}

void rs_json_string(struct rs_json *j, const char *s)
{
	before_value(j);
	if (s)
		write_escaped(j->out, s);
	else
		fputs("null", j->out);
}

void rs_json_uint(struct rs_json *j, unsigned long long v)
{
	before_value(j);
	fprintf(j->out, "%llu", v);
}

void rs_json_double(struct rs_json *j, double v)
{
	before_value(j);
	char buf[32];
	/* Shortest form that reads back exactly: 0.11, not 0.11000000000000001. */
	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	if (isfinite(v))
		fputs(buf, j->out);
	else
		fputs("null", j->out);
}

void rs_json_bool(struct rs_json *j, bool v)
{
	before_value(j);
	fputs(v ? "true" : "false", j->out);
}

void rs_json_kv_string(struct rs_json *j, const char *key, const char *s)
{
	rs_json_key(j, key);
	rs_json_string(j, s);
}

void rs_json_kv_uint(struct rs_json *j, const char *key, unsigned long long v)
{
	rs_json_key(j, key);
	rs_json_uint(j, v);
}

void rs_json_kv_bool(struct rs_json *j, const char *key, bool v)
{
	rs_json_key(j, key);
	rs_json_bool(j, v);
}

void rs_json_finish(struct rs_json *j)
{
	fputc('\n', j->out);
	fflush(j->out);
}
