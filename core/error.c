#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text_safe.h"
#include "core/xalloc.h"

void rs_errors_add(struct rs_errors *errs, enum rs_error_code code, const char *file,
		   int line, int col, const char *fmt, ...)
{
	if (errs->count == errs->cap) {
		errs->cap = errs->cap ? errs->cap * 2 : 4;
		errs->items = rs_xrealloc(errs->items, errs->cap * sizeof(*errs->items));
	}
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	struct rs_error *e = &errs->items[errs->count++];
	e->code = code;
	/* Messages quote names from cards, firmware images and devices: they are
	 * made safe to show here, once, for every caller that prints them. */
	e->file = rs_text_safe(file ? file : "<input>");
	e->line = line;
	e->col = col;
	e->msg = rs_text_safe(msg);
}

void rs_errors_move(struct rs_errors *dst, struct rs_errors *src)
{
	for (size_t i = 0; i < src->count; i++) {
		struct rs_error *e = &src->items[i];
		rs_errors_add(dst, e->code, e->file, e->line, e->col, "%s", e->msg);
	}
	rs_errors_clear(src);
}

void rs_errors_clear(struct rs_errors *errs)
{
	for (size_t i = 0; i < errs->count; i++) {
		free(errs->items[i].file);
		free(errs->items[i].msg);
	}
	free(errs->items);
	memset(errs, 0, sizeof(*errs));
}

const char *rs_error_code_name(enum rs_error_code code)
{
	static const char *const names[] = {
		[RS_ERR_NONE] = "none",           [RS_ERR_IO] = "io",
		[RS_ERR_TOO_LARGE] = "too-large", [RS_ERR_ENCODING] = "encoding",
		[RS_ERR_SYNTAX] = "syntax",       [RS_ERR_ALIAS] = "alias",
		[RS_ERR_UNKNOWN_KEY] = "unknown-key", [RS_ERR_DUPLICATE_KEY] = "duplicate-key",
		[RS_ERR_MISSING_KEY] = "missing-key", [RS_ERR_TYPE] = "type",
		[RS_ERR_RANGE] = "range",         [RS_ERR_EMPTY] = "empty",
		[RS_ERR_VALUE] = "value",
	};
	if ((size_t)code < sizeof(names) / sizeof(names[0]) && names[code])
		return names[code];
	return "unknown";
}

char *rs_error_format(const struct rs_error *err, char *buf, size_t len)
{
	/* Again here: an error can also be filled in directly (the catalog
	 * cache restores them), and escaping safe text changes nothing. */
	char *file = rs_text_safe(err->file ? err->file : "<input>");
	char *msg = rs_text_safe(err->msg ? err->msg : "");
	if (err->line > 0)
		snprintf(buf, len, "%s:%d:%d: %s", file, err->line, err->col, msg);
	else
		snprintf(buf, len, "%s: %s", file, msg);
	free(file);
	free(msg);
	return buf;
}
