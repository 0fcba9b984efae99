#include "core/yaml_fields.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/board.h"
#include "core/xalloc.h"

_Static_assert(sizeof(enum rs_board_kind) == sizeof(int), "enum fields are stored as int");

void rs_fields_error(struct rs_field_ctx *ctx, const struct rs_ynode *n, enum rs_error_code code,
		     const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rs_errors_add(ctx->errs, code, ctx->file, n->line, n->col, "%s", msg);
	ctx->failures++;
}

static const char *kind_word(const struct rs_ynode *n)
{
	return n->kind == RS_YMAP ? "a mapping" : n->kind == RS_YSEQ ? "a list" : "a scalar";
}

static bool want_scalar(struct rs_field_ctx *ctx, const char *key, const struct rs_ynode *n,
			const char *what)
{
	if (n->kind == RS_YSCALAR)
		return true;
	rs_fields_error(ctx, n, RS_ERR_TYPE, "'%s' must be %s, not %s", key, what, kind_word(n));
	return false;
}

static bool parse_string(struct rs_field_ctx *ctx, const char *key, const struct rs_ynode *n,
			 char **out)
{
	if (!want_scalar(ctx, key, n, "a string"))
		return false;
	const char *v = n->value;
	while (*v == ' ' || *v == '\t')
		v++;
	if (!*v) {
		rs_fields_error(ctx, n, RS_ERR_EMPTY, "'%s' must not be empty", key);
		return false;
	}
	*out = rs_xstrdup(n->value);
	return true;
}

static bool parse_number(struct rs_field_ctx *ctx, const char *key, const struct rs_ynode *n,
			 const struct rs_field *f, bool integer, double *out)
{
	if (!want_scalar(ctx, key, n, "a number"))
		return false;
	const char *v = n->value;
	char *end = NULL;
	errno = 0;
	double d = integer ? (double)strtoull(v, &end, 10) : strtod(v, &end);
	bool digits_only = true;
	for (const char *p = v; integer && *p; p++)
		digits_only &= *p >= '0' && *p <= '9';
	if (!n->plain || !*v || *end || errno == ERANGE || !isfinite(d) || !digits_only ||
	    (!integer && (v[0] == '.' || v[0] == '+' || strpbrk(v, "xXnN"))))
	{
		rs_fields_error(ctx, n, RS_ERR_TYPE, "'%s' must be %s, not \"%s\"", key,
				integer ? "a whole number" : "a number", v);
		return false;
	}
	if (d < f->min || d > f->max) {
		rs_fields_error(ctx, n, RS_ERR_RANGE, "'%s' is %s, outside %g..%g", key, v, f->min,
				f->max);
		return false;
	}
	*out = d;
	return true;
}

static bool load_list(struct rs_field_ctx *ctx, const struct rs_field *f, const struct rs_ynode *n,
		      char *base)
{
	bool strings = f->type == RS_F_STRV;
	if (n->kind != RS_YSEQ) {
		rs_fields_error(ctx, n, RS_ERR_TYPE, "'%s' must be a list, not %s", f->key,
				kind_word(n));
		return false;
	}
	if (n->count > f->max_items || (!strings && n->count == 0)) {
		rs_fields_error(ctx, n, RS_ERR_RANGE, "'%s' has %zu items; allowed: %d..%zu", f->key,
				n->count, strings ? 0 : 1, f->max_items);
		return false;
	}
	struct rs_strv *sv = (struct rs_strv *)(base + f->offset);
	unsigned *uv = (unsigned *)(base + f->offset);
	bool ok = true;
	for (size_t i = 0; i < n->count; i++) {
		char *s = NULL;
		double d;
		if (strings && parse_string(ctx, f->key, n->kids[i], &s)) {
			sv->items = rs_xrealloc(sv->items, (sv->count + 1) * sizeof(*sv->items));
			sv->items[sv->count++] = s;
		} else if (!strings && parse_number(ctx, f->key, n->kids[i], f, true, &d)) {
			uv[i] = (unsigned)d;
		} else {
			ok = false;
		}
	}
	if (!strings)
		*(size_t *)(base + f->count_offset) = ok ? n->count : 0;
	return ok;
}

static bool load_field(struct rs_field_ctx *ctx, const struct rs_field *f, const struct rs_ynode *n,
		       char *base)
{
	void *dst = base + f->offset;
	double d;
	switch (f->type) {
	case RS_F_STRING:
		return parse_string(ctx, f->key, n, (char **)dst);
	case RS_F_BOOL:
		if (!want_scalar(ctx, f->key, n, "true or false"))
			return false;
		if (n->plain && (strcmp(n->value, "true") == 0 || strcmp(n->value, "false") == 0)) {
			*(bool *)dst = n->value[0] == 't';
			return true;
		}
		rs_fields_error(ctx, n, RS_ERR_TYPE, "'%s' must be true or false, not \"%s\"",
				f->key, n->value);
		return false;
	case RS_F_UINT:
		if (!parse_number(ctx, f->key, n, f, true, &d))
			return false;
		*(unsigned *)dst = (unsigned)d;
		return true;
	case RS_F_DOUBLE:
		if (!parse_number(ctx, f->key, n, f, false, &d))
			return false;
		*(double *)dst = d;
		return true;
	case RS_F_ENUM:
		if (!want_scalar(ctx, f->key, n, "a word"))
			return false;
		for (int i = 0; f->names[i]; i++) {
			if (strcmp(f->names[i], n->value) == 0) {
				*(int *)dst = i;
				return true;
			}
		}
		{
			char allowed[200] = "";
			for (int i = 0; f->names[i]; i++)
				snprintf(allowed + strlen(allowed), sizeof(allowed) - strlen(allowed),
					 "%s%s", i ? ", " : "", f->names[i]);
			rs_fields_error(ctx, n, RS_ERR_VALUE, "'%s' must be one of %s, not \"%s\"",
					f->key, allowed, n->value);
		}
		return false;
	case RS_F_STRV:
	case RS_F_UINTV:
		return load_list(ctx, f, n, base);
	case RS_F_MAP:
		if (n->kind != RS_YMAP) {
			rs_fields_error(ctx, n, RS_ERR_TYPE, "'%s' must be a mapping, not %s", f->key,
					kind_word(n));
			return false;
		}
		if (f->count_offset)
			*(bool *)(base + f->count_offset) = true;
		return rs_fields_load(ctx, n, f->sub, base);
	}
	return false;
}

bool rs_fields_load(struct rs_field_ctx *ctx, const struct rs_ynode *map,
		    const struct rs_field *fields, void *base)
{
	unsigned before = ctx->failures;
	if (map->kind != RS_YMAP) {
		rs_fields_error(ctx, map, RS_ERR_TYPE, "expected a mapping of keys, not %s",
				kind_word(map));
		return false;
	}
	size_t nfields = 0;
	while (fields[nfields].key)
		nfields++;
	const struct rs_ynode *seen[64] = { 0 };
	if (nfields > 64)
		abort();

	for (size_t i = 0; i + 1 < map->count; i += 2) {
		const struct rs_ynode *key = map->kids[i], *val = map->kids[i + 1];
		if (key->kind != RS_YSCALAR) {
			rs_fields_error(ctx, key, RS_ERR_TYPE, "keys must be plain words");
			continue;
		}
		size_t f = 0;
		while (f < nfields && strcmp(fields[f].key, key->value) != 0)
			f++;
		if (f == nfields) {
			rs_fields_error(ctx, key, RS_ERR_UNKNOWN_KEY, "unknown key '%s'", key->value);
			continue;
		}
		if (seen[f]) {
			rs_fields_error(ctx, key, RS_ERR_DUPLICATE_KEY,
					"duplicate key '%s' (first at line %d)", key->value,
					seen[f]->line);
			continue;
		}
		seen[f] = key;
		load_field(ctx, &fields[f], val, base);
	}
	for (size_t f = 0; f < nfields; f++)
		if (fields[f].required && !seen[f])
			rs_fields_error(ctx, map, RS_ERR_MISSING_KEY, "missing required key '%s'",
					fields[f].key);
	return ctx->failures == before;
}
