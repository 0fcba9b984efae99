/* The JSON writer escapes strings and places commas correctly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_out.h"

static void test_document(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct rs_json j;
	rs_json_init(&j, f);
	rs_json_object_begin(&j);
	rs_json_kv_string(&j, "a", "q\"b\\s\n\x01");
	rs_json_key(&j, "list");
	rs_json_array_begin(&j);
	rs_json_uint(&j, 1);
	rs_json_double(&j, 0.11);
	rs_json_string(&j, NULL);
	rs_json_object_begin(&j);
	rs_json_object_end(&j);
	rs_json_array_end(&j);
	rs_json_kv_bool(&j, "ok", true);
	rs_json_object_end(&j);
	rs_json_finish(&j);
	fclose(f);
	assert_string_equal(buf, "{\"a\":\"q\\\"b\\\\s\\n\\u0001\",\"list\":[1,0.11,null,{}],\"ok\":true}\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_document) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
