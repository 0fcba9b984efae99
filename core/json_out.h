/* Building JSON text for --json output: proper string escaping (control
 * characters, quotes, backslashes; UTF-8 passed through), commas handled by
 * the writer. The text accumulates in memory; the caller prints it. */
#ifndef RS_CORE_JSON_OUT_H
#define RS_CORE_JSON_OUT_H

#include <stdbool.h>
#include <stddef.h>

#define RS_JSON_OUT_DEPTH 32

struct rs_json_out {
	char *buf;
	size_t len, cap;
	int depth;
	bool first[RS_JSON_OUT_DEPTH]; /* no member written yet at this depth */
};

/* key is the member name inside objects and NULL inside arrays / at the top. */
void rs_json_object_begin(struct rs_json_out *j, const char *key);
void rs_json_object_end(struct rs_json_out *j);
void rs_json_array_begin(struct rs_json_out *j, const char *key);
void rs_json_array_end(struct rs_json_out *j);
void rs_json_string_member(struct rs_json_out *j, const char *key, const char *val); /* NULL -> null */
void rs_json_int_member(struct rs_json_out *j, const char *key, long long val);
void rs_json_double_member(struct rs_json_out *j, const char *key, double val);
void rs_json_bool_member(struct rs_json_out *j, const char *key, bool val);
/* The finished text with a trailing newline; the writer is reset. Caller frees. */
char *rs_json_finish(struct rs_json_out *j);

#endif
