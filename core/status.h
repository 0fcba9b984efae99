/* One way to say how something went, shared by every layer: a code (0 is
 * success; otherwise the failing module's own enum value), what happened,
 * what to do about it, and where in an input file when the failure is about
 * one. The core never prints: whoever shows a status decides how. */
#ifndef RS_CORE_STATUS_H
#define RS_CORE_STATUS_H

#include <stdbool.h>

struct rs_status {
	int code;      /* 0: success */
	char *message; /* what happened, one paragraph; NULL on success */
	char *hint;    /* what to do next, or NULL */
	char *file;    /* the input the failure is about, or NULL */
	int line, col; /* 1-based position in file; 0 when none */
};

#define RS_STATUS_OK ((struct rs_status){ 0 })

static inline bool rs_status_ok(const struct rs_status *s)
{
	return s->code == 0;
}

/* Sets a failure (code must not be 0), replacing what s held. hint may be
 * NULL. */
void rs_status_fail(struct rs_status *s, int code, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Adds the position of the input that caused the failure. */
void rs_status_at(struct rs_status *s, const char *file, int line, int col);
/* Moves src into dst (dst's old contents freed); src becomes success. */
void rs_status_move(struct rs_status *dst, struct rs_status *src);
void rs_status_copy(struct rs_status *dst, const struct rs_status *src);
/* Frees the strings; s becomes success. */
void rs_status_clear(struct rs_status *s);
/* "file:line:col: message" (the parts that exist) into buf; returns buf. */
char *rs_status_format(const struct rs_status *s, char *buf, unsigned len);

#endif
