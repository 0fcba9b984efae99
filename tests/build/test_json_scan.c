/* The JSON scanner: members, strings, malformed input, and a mutation run
 * that must never crash (run it under ASan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_scan.h"

static struct rs_json_span S(const char *s)
{
	return (struct rs_json_span){ s, strlen(s) };
}

static void members(void **state)
{
	(void)state;
	const char *doc = " { \"a\" : 1 , \"b\":[1,{\"c\":\"]}\"}], \"d\":{\"e\":null},\"f\":-1.5e3 } ";
	struct rs_json_scan_iter it;
	struct rs_json_span k, v;
	assert_true(rs_json_scan_begin(&it, S(doc)));
	const char *keys[] = { "\"a\"", "\"b\"", "\"d\"", "\"f\"" };
	int n = 0;
	while (rs_json_scan_next(&it, &k, &v)) {
		assert_true(n < 4);
		assert_int_equal(k.len, strlen(keys[n]));
		assert_memory_equal(k.p, keys[n], k.len);
		n++;
	}
	assert_int_equal(n, 4);
	assert_false(it.failed);
	assert_true(rs_json_scan_get(S(doc), "d", &v));
	assert_int_equal(v.len, strlen("{\"e\":null}"));
	char *f = NULL;
	assert_true(rs_json_scan_get(S(doc), "f", &v));
	assert_string_equal(f = rs_json_scan_scalar(v), "-1.5e3");
	free(f);
	assert_true(rs_json_scan_get(S(doc), "b", &v));
	assert_null(rs_json_scan_scalar(v)); /* arrays are not scalars */
	assert_false(rs_json_scan_get(S(doc), "c", &v)); /* only top-level members */
	assert_false(rs_json_scan_begin(&it, S("[1]")));
	assert_true(rs_json_scan_begin(&it, S("{}")));
	assert_false(rs_json_scan_next(&it, &k, &v));
	assert_false(it.failed);
}

static void malformed(void **state)
{
	(void)state;
	const char *bad[] = { "{\"a\":1,}", "{\"a\" 1}", "{\"a\":}", "{\"a\":[1,2}", "{\"a\":{]}",
			      "{\"a\":\"x}", "{a:1}", "{\"a\":1 \"b\":2}", "{\"a\":\"\x01\"}", "{",
			      "{\"a\":1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rs_json_scan_iter it;
		struct rs_json_span k, v;
		assert_true(rs_json_scan_begin(&it, S(bad[i])));
		while (rs_json_scan_next(&it, &k, &v))
			;
		if (!it.failed)
			fail_msg("accepted %s", bad[i]);
	}
}

static void strings(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out; /* out NULL: rejected */
	} t[] = {
		{ "\"plain\"", "plain" },
		{ "\"q\\\"b\\\\s\\/n\\nt\\tr\\rb\\bf\\f\"", "q\"b\\s/n\nt\tr\rb\bf\f" },
		{ "\"\\u00e9\\u20ac\"", "\xc3\xa9\xe2\x82\xac" },
		{ "\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80" },
		{ "\"\\ud83d\"", NULL },      /* lone high surrogate */
		{ "\"\\ude00\"", NULL },      /* lone low surrogate */
		{ "\"\\u0000\"", NULL },      /* would truncate */
		{ "\"\\u12\"", NULL },
		{ "\"\\x\"", NULL },
		{ "\"open", NULL },
		{ "\"a\"b\"", NULL },
		{ "nope", NULL },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *s = rs_json_scan_string(S(t[i].in));
		if (t[i].out)
			assert_string_equal(s, t[i].out);
		else
			assert_null(s);
		free(s);
	}
}

static void mutations_do_not_crash(void **state)
{
	(void)state;
	const char *seed = "{\"version\":\"v1\\u00e9\",\"config\":{\"MCU\":\"m\",\"N\":[1,{\"x\":[]}]},"
			   "\"c\":{\"k\":\"v\\\"\"}}";
	size_t n = strlen(seed);
	char *buf = malloc(n);
	unsigned r = 7;
	const char alphabet[] = "{}[]\":,\\u0a ";
	for (int round = 0; round < 20000; round++) {
		memcpy(buf, seed, n);
		for (int m = 0; m < 3; m++) {
			r = r * 1103515245 + 12345;
			buf[(r >> 8) % n] = alphabet[(r >> 20) % (sizeof(alphabet) - 1)];
		}
		size_t len = round % 5 == 0 ? (r >> 4) % n : n; /* also truncated */
		struct rs_json_span v;
		struct rs_json_span doc = { buf, len };
		if (rs_json_scan_get(doc, "config", &v)) {
			struct rs_json_scan_iter it;
			struct rs_json_span k, val;
			if (rs_json_scan_begin(&it, v))
				while (rs_json_scan_next(&it, &k, &val)) {
					free(rs_json_scan_string(k));
					free(rs_json_scan_scalar(val));
				}
		}
		if (rs_json_scan_get(doc, "version", &v))
			free(rs_json_scan_scalar(v));
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(members),
		cmocka_unit_test(malformed),
		cmocka_unit_test(strings),
		cmocka_unit_test(mutations_do_not_crash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
