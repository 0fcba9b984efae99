/* Errors are values: the core never prints. Each error keeps the position of
 * the input that caused it, 1-based, so it can be shown as file:line:col. */
#ifndef RS_CORE_ERROR_H
#define RS_CORE_ERROR_H

#include <stddef.h>

enum rs_error_code {
	RS_ERR_NONE = 0,
	RS_ERR_IO,          /* file could not be read */
	RS_ERR_TOO_LARGE,   /* file over the size limit */
	RS_ERR_ENCODING,    /* not valid UTF-8 */
	RS_ERR_SYNTAX,      /* YAML syntax error reported by libyaml */
	RS_ERR_ALIAS,       /* anchors and aliases are not allowed */
	RS_ERR_UNKNOWN_KEY,
	RS_ERR_DUPLICATE_KEY,
	RS_ERR_MISSING_KEY,
	RS_ERR_TYPE,        /* wrong YAML node type or unparsable scalar */
	RS_ERR_RANGE,       /* number or list length out of range */
	RS_ERR_EMPTY,       /* required string is empty */
	RS_ERR_VALUE,       /* well-typed but not an allowed value (enum, id, CONFIG line) */
};

struct rs_error {
	enum rs_error_code code;
	char *file;
	int line; /* 1-based; 0 when the error has no position */
	int col;  /* 1-based */
	char *msg;
};

struct rs_errors {
	struct rs_error *items;
	size_t count;
	size_t cap;
};

/* Appends a formatted error; never fails silently (aborts on out-of-memory). */
void rs_errors_add(struct rs_errors *errs, enum rs_error_code code, const char *file,
		   int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void rs_errors_move(struct rs_errors *dst, struct rs_errors *src);
void rs_errors_clear(struct rs_errors *errs);
const char *rs_error_code_name(enum rs_error_code code);

/* "file:line:col: message" into buf (always NUL-terminated); returns buf. */
char *rs_error_format(const struct rs_error *err, char *buf, size_t len);

#endif
