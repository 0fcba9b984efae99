#include "core/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/xalloc.h"

void rs_status_clear(struct rs_status *s)
{
	free(s->message);
	free(s->hint);
	free(s->file);
	*s = RS_STATUS_OK;
}

void rs_status_fail(struct rs_status *s, int code, const char *hint, const char *fmt, ...)
{
	rs_status_clear(s);
	va_list ap;
	va_start(ap, fmt);
	s->message = rs_xvasprintf(fmt, ap);
	va_end(ap);
	s->code = code ? code : -1;
	s->hint = hint ? rs_xstrdup(hint) : NULL;
}

void rs_status_at(struct rs_status *s, const char *file, int line, int col)
{
	free(s->file);
	s->file = file ? rs_xstrdup(file) : NULL;
	s->line = line;
	s->col = col;
}

void rs_status_move(struct rs_status *dst, struct rs_status *src)
{
	if (dst == src)
		return;
	rs_status_clear(dst);
	*dst = *src;
	*src = RS_STATUS_OK;
}

void rs_status_copy(struct rs_status *dst, const struct rs_status *src)
{
	if (dst == src)
		return;
	rs_status_clear(dst);
	dst->code = src->code;
	dst->message = src->message ? rs_xstrdup(src->message) : NULL;
	dst->hint = src->hint ? rs_xstrdup(src->hint) : NULL;
	dst->file = src->file ? rs_xstrdup(src->file) : NULL;
	dst->line = src->line;
	dst->col = src->col;
}

char *rs_status_format(const struct rs_status *s, char *buf, unsigned len)
{
	const char *msg = s->message ? s->message : (s->code ? "failed" : "ok");
	if (s->file && s->line > 0)
		snprintf(buf, len, "%s:%d:%d: %s", s->file, s->line, s->col > 0 ? s->col : 1, msg);
	else if (s->file)
		snprintf(buf, len, "%s: %s", s->file, msg);
	else
		snprintf(buf, len, "%s", msg);
	return buf;
}
