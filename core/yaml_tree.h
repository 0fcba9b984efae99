/* A small, strict YAML document tree built from libyaml events. Anything the
 * board format does not use (anchors, aliases, tags, several documents) is
 * rejected here, with the position of the offending node. */
#ifndef RS_CORE_YAML_TREE_H
#define RS_CORE_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

enum rs_ynode_kind { RS_YSCALAR, RS_YMAP, RS_YSEQ };

struct rs_ynode {
	enum rs_ynode_kind kind;
	int line, col;  /* 1-based */
	char *value;    /* scalars: NUL-terminated text */
	bool plain;     /* scalar written without quotes */
	struct rs_ynode **kids; /* maps: key, value, key, value ...; sequences: items */
	size_t count;
};

/* Parses one YAML document. On failure returns NULL and appends errors. */
struct rs_ynode *rs_ytree_parse(const char *file, const char *buf, size_t len,
				struct rs_errors *errs);
void rs_ytree_free(struct rs_ynode *n);

/* Checks that buf is UTF-8 without control characters other than tab and
 * newlines; on failure reports the 1-based line:col of the first bad byte. */
bool rs_utf8_check(const char *file, const char *buf, size_t len, struct rs_errors *errs);

#endif
