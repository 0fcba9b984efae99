/* A small JSON reader for documents we did not write (the data dictionary
 * inside a firmware image): it walks the members of one object and skips
 * nested values with a depth counter, never by recursion, so hostile input
 * cannot exhaust the stack. Only what the callers need: member lookup,
 * iteration and string decoding. Spans point into the caller's buffer. */
#ifndef RS_CORE_JSON_SCAN_H
#define RS_CORE_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#define RS_JSON_MAX_DEPTH 512

struct rs_json_span {
	const char *p;
	size_t len;
};

struct rs_json_scan_iter {
	const char *p, *end;
	bool started;
	bool failed; /* malformed object: iteration stopped early */
};

/* Starts iterating the object in v (leading whitespace allowed). False when v
 * is not an object. */
bool rs_json_scan_begin(struct rs_json_scan_iter *it, struct rs_json_span v);
/* Next member: key is the raw string token including its quotes, val the raw
 * value. False at the end or on malformed input (then it->failed is set). */
bool rs_json_scan_next(struct rs_json_scan_iter *it, struct rs_json_span *key, struct rs_json_span *val);

/* The value of member `name` of object v. */
bool rs_json_scan_get(struct rs_json_span v, const char *name, struct rs_json_span *out);

/* A string token decoded to UTF-8 (\uXXXX and surrogate pairs included).
 * NULL when v is not a valid string or holds a NUL. Caller frees. */
char *rs_json_scan_string(struct rs_json_span v);
/* A scalar as text: strings decoded, numbers/true/false/null as written.
 * NULL for objects, arrays and malformed input. Caller frees. */
char *rs_json_scan_scalar(struct rs_json_span v);

#endif
