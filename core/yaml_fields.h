/* Table-driven mapping of a YAML tree onto a C struct: each field names its
 * key, type, where it lands (offsetof) and its limits. Unknown, duplicate,
 * missing and ill-typed keys become errors at the node's position. */
#ifndef RS_CORE_YAML_FIELDS_H
#define RS_CORE_YAML_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/yaml_tree.h"

enum rs_field_type {
	RS_F_STRING,  /* char *; non-empty */
	RS_F_BOOL,    /* bool; plain true/false */
	RS_F_UINT,    /* unsigned; min..max */
	RS_F_DOUBLE,  /* double; min..max */
	RS_F_ENUM,    /* int-sized enum; index into names */
	RS_F_STRV,    /* struct rs_strv; at most max_items, each a non-empty string */
	RS_F_UINTV,   /* unsigned[]; count at count_offset; 1..max_items, each min..max */
	RS_F_MAP,     /* nested mapping, fields in sub, same base struct */
};

struct rs_field {
	const char *key;
	enum rs_field_type type;
	size_t offset;
	bool required;
	double min, max;
	const char *const *names; /* RS_F_ENUM, NULL-terminated */
	const struct rs_field *sub; /* RS_F_MAP, terminated by key == NULL */
	size_t count_offset;      /* RS_F_UINTV: size_t count; RS_F_MAP: bool "present", or 0 */
	size_t max_items;         /* RS_F_STRV, RS_F_UINTV */
};

struct rs_field_ctx {
	const char *file;
	struct rs_errors *errs;
	unsigned failures;
};

/* Fills base from a mapping node. Returns false when any error was added. */
bool rs_fields_load(struct rs_field_ctx *ctx, const struct rs_ynode *map,
		    const struct rs_field *fields, void *base);
/* Adds an error positioned at node n. */
void rs_fields_error(struct rs_field_ctx *ctx, const struct rs_ynode *n, enum rs_error_code code,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
