/* A minimal streaming JSON writer for the --json outputs: it tracks commas
 * and escapes strings, so every subcommand emits valid JSON the same way. */
#ifndef RS_CORE_JSON_OUT_H
#define RS_CORE_JSON_OUT_H

#include <stdbool.h>
#include <stdio.h>

#define RS_JSON_MAX_DEPTH 16

struct rs_json {
	FILE *out;
	int depth;
	bool has_items[RS_JSON_MAX_DEPTH];
	bool after_key;
};

void rs_json_init(struct rs_json *j, FILE *out);
void rs_json_object_begin(struct rs_json *j);
void rs_json_object_end(struct rs_json *j);
void rs_json_array_begin(struct rs_json *j);
void rs_json_array_end(struct rs_json *j);
void rs_json_key(struct rs_json *j, const char *key);
void rs_json_string(struct rs_json *j, const char *s); /* NULL writes null */
void rs_json_uint(struct rs_json *j, unsigned long long v);
void rs_json_double(struct rs_json *j, double v);
void rs_json_bool(struct rs_json *j, bool v);
/* Shorthands for "key": value. */
void rs_json_kv_string(struct rs_json *j, const char *key, const char *s);
void rs_json_kv_uint(struct rs_json *j, const char *key, unsigned long long v);
void rs_json_kv_bool(struct rs_json *j, const char *key, bool v);
/* Ends the document with a newline. */
void rs_json_finish(struct rs_json *j);

#endif
