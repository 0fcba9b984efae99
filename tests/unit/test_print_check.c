/* Is a print in progress: Klipper's replies (as docs/API_Server.md and
 * klippy/webhooks.py write them) judged; only a positive "no print" lets
 * the after-update flash go ahead. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/print_check.h"

struct row {
	const char *reply;
	enum rs_print_verdict want;
	const char *why; /* a part of the reason */
};

static void check_rows(const struct row *rows, size_t n,
		       void (*judge)(const char *, size_t, struct rs_print_check *))
{
	for (size_t i = 0; i < n; i++) {
		struct rs_print_check c;
		memset(&c, 0, sizeof(c));
		judge(rows[i].reply, strlen(rows[i].reply), &c);
		if (c.verdict != rows[i].want || !strstr(c.why, rows[i].why))
			fail_msg("row %zu: %s -> %s '%s', want %s '%s'", i, rows[i].reply,
				 rs_print_verdict_name(c.verdict), c.why,
				 rs_print_verdict_name(rows[i].want), rows[i].why);
		assert_true(c.answered);
	}
}

static void test_info(void **state)
{
	(void)state;
	static const struct row rows[] = {
		/* API_Server.md's example, ready: print_stats must be asked. */
		{ "{\"id\": 1, \"result\": {\"state_message\": \"Printer is ready\", \"klipper_path\": "
		  "\"/home/pi/klipper\", \"state\": \"ready\", \"software_version\": "
		  "\"v0.13.0-731\"}}",
		  RS_PRINT_ASK, "ready" },
		/* After an update: the MCU runs older firmware. */
		{ "{\"id\":1,\"result\":{\"state\":\"error\",\"state_message\":\"MCU Protocol "
		  "error\\n\\nThis is frequently caused by running an older version\"}}",
		  RS_PRINT_NONE, "not ready (error: MCU Protocol error)" },
		{ "{\"id\":1,\"result\":{\"state\":\"shutdown\",\"state_message\":\"Lost "
		  "communication with MCU 'mcu'\"}}",
		  RS_PRINT_NONE, "shutdown" },
		{ "{\"id\":1,\"result\":{\"state\":\"startup\",\"state_message\":\"Printer is not "
		  "ready\"}}",
		  RS_PRINT_NONE, "startup" },
		{ "{\"id\":1,\"result\":{\"state\":\"printing?\"}}", RS_PRINT_UNKNOWN,
		  "'printing?' is not one" },
		{ "{\"id\":1,\"result\":{}}", RS_PRINT_UNKNOWN, "no state" },
		{ "{\"id\":1,\"result\":{\"state\":1}}", RS_PRINT_UNKNOWN, "no state" },
		{ "{\"id\":1,\"result\":{\"state\":\"error\",\"state\":\"ready\"}}", RS_PRINT_UNKNOWN,
		  "no state" }, /* said twice: trusted neither way */
		{ "{\"id\":1,\"error\":{\"error\":\"WebRequestError\",\"message\":\"nope\"}}",
		  RS_PRINT_UNKNOWN, "error: nope" },
		{ "{\"id\":2,\"result\":{\"state\":\"error\"}}", RS_PRINT_UNKNOWN,
		  "not an answer to request 1" },
		{ "{\"result\":{\"state\":\"error\"}}", RS_PRINT_UNKNOWN, "not an answer" },
		{ "{\"id\":1,\"result\":[\"state\",\"error\"]}", RS_PRINT_UNKNOWN, "no result" },
		{ "{\"id\":1,\"result\":{\"state\":\"error\"", RS_PRINT_UNKNOWN, "" }, /* cut */
		{ "", RS_PRINT_UNKNOWN, "not an answer" },
		{ "\"state\": \"error\"", RS_PRINT_UNKNOWN, "not an answer" },
		/* strstr on the whole reply would be fooled by this one. */
		{ "{\"id\":1,\"result\":{\"state_message\":\"\\\"state\\\": \\\"error\\\"\","
		  "\"state\":\"ready\"}}",
		  RS_PRINT_ASK, "ready" },
	};
	check_rows(rows, sizeof(rows) / sizeof(rows[0]), rs_print_check_info);
}

static void test_query(void **state)
{
	(void)state;
#define Q(ps, idle) "{\"id\":2,\"result\":{\"eventtime\":3051555.37,\"status\":{" ps idle "}}}"
	static const struct row rows[] = {
		{ Q("\"print_stats\":{\"state\":\"standby\"},", "\"idle_timeout\":{\"state\":\"Idle\"}"),
		  RS_PRINT_NONE, "no print is in progress (print_stats: standby)" },
		{ Q("\"print_stats\":{\"state\":\"complete\"},",
		    "\"idle_timeout\":{\"state\":\"Ready\"}"),
		  RS_PRINT_NONE, "complete" },
		{ Q("\"idle_timeout\":{\"state\":\"Ready\"},",
		    "\"print_stats\":{\"state\":\"cancelled\"}"),
		  RS_PRINT_NONE, "cancelled" },
		{ Q("\"print_stats\":{\"state\":\"error\"}", ""), RS_PRINT_NONE, "error" },
		{ Q("\"print_stats\":{\"state\":\"printing\"},",
		    "\"idle_timeout\":{\"state\":\"Printing\"}"),
		  RS_PRINT_RUNNING, "a print is in progress (print_stats: printing)" },
		{ Q("\"print_stats\":{\"state\":\"paused\"},", "\"idle_timeout\":{\"state\":\"Ready\"}"),
		  RS_PRINT_RUNNING, "paused" },
		/* Streamed over the serial port, or a long macro: busy all the same. */
		{ Q("\"print_stats\":{\"state\":\"standby\"},",
		    "\"idle_timeout\":{\"state\":\"Printing\"}"),
		  RS_PRINT_RUNNING, "idle_timeout: Printing" },
		/* No [virtual_sdcard]: Klipper answers the unknown object with {} or null. */
		{ Q("\"print_stats\":{},", "\"idle_timeout\":{\"state\":\"Idle\"}"), RS_PRINT_UNKNOWN,
		  "no print_stats state" },
		{ Q("\"print_stats\":{\"state\":null},", "\"idle_timeout\":{\"state\":\"Idle\"}"),
		  RS_PRINT_UNKNOWN, "no print_stats state" },
		{ Q("\"print_stats\":{\"state\":\"resuming\"}", ""), RS_PRINT_UNKNOWN,
		  "'resuming' is not one" },
		{ Q("\"print_stats\":{\"state\":\"standby\"},",
		    "\"print_stats\":{\"state\":\"printing\"}"),
		  RS_PRINT_UNKNOWN, "no print_stats state" },
		{ "{\"id\":2,\"result\":{\"eventtime\":1}}", RS_PRINT_UNKNOWN, "no status" },
		{ "{\"id\":1,\"result\":{\"status\":{\"print_stats\":{\"state\":\"standby\"}}}}",
		  RS_PRINT_UNKNOWN, "not an answer to request 2" },
		{ "{\"id\":2,\"error\":{\"message\":\"Invalid argument\"}}", RS_PRINT_UNKNOWN,
		  "Invalid argument" },
	};
#undef Q
	check_rows(rows, sizeof(rows) / sizeof(rows[0]), rs_print_check_query);
}

static void test_unanswered(void **state)
{
	(void)state;
	static const struct {
		enum rs_service_state svc;
		enum rs_print_verdict want;
		const char *why;
	} rows[] = {
		{ RS_SERVICE_STOPPED, RS_PRINT_NONE, "no Klipper socket x, and the Klipper service "
						     "is stopped: no print can run" },
		{ RS_SERVICE_RUNNING, RS_PRINT_UNKNOWN, "while the Klipper service is running" },
		{ RS_SERVICE_ABSENT, RS_PRINT_UNKNOWN, "cannot be told" },
		{ RS_SERVICE_UNKNOWN, RS_PRINT_UNKNOWN, "cannot be told" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct rs_print_check c = { .verdict = RS_PRINT_UNKNOWN };
		snprintf(c.why, sizeof(c.why), "no Klipper socket x");
		rs_print_check_unanswered(&c, rows[i].svc);
		assert_int_equal(c.verdict, rows[i].want);
		assert_false(c.answered);
		if (!strstr(c.why, rows[i].why))
			fail_msg("row %zu: '%s'", i, c.why);
	}
}

static void test_message_id(void **state)
{
	(void)state;
	assert_int_equal(rs_klippy_message_id("{\"id\":2,\"result\":{}}", 21), 2);
	assert_int_equal(rs_klippy_message_id("{\"params\":{\"id\":1}}", 19), -1);
	assert_int_equal(rs_klippy_message_id("{\"id\":\"1\"}", 10), -1);
	assert_int_equal(rs_klippy_message_id("{\"id\":-1}", 9), -1);
	assert_int_equal(rs_klippy_message_id("{\"id\":1,\"id\":2}", 15), -1);
	assert_int_equal(rs_klippy_message_id("[1]", 3), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_unanswered),
		cmocka_unit_test(test_message_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
