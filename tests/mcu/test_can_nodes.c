/* core/can_nodes.c: the lines Klipper's scripts/canbus_query.py and
 * Katapult's flashtool.py -q print, exactly as their format strings make
 * them ("Found canbus_uuid=%012x, Application: %s", "Total %d uuids found";
 * f"Detected UUID: {data.hex()}, Application: {app}", "Query Complete"),
 * near misses that must not count as nodes, merging, printer.cfg marks and
 * the interface state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/can_nodes.h"

static enum rs_can_line parse(enum rs_can_tool t, const char *line, struct rs_can_node *n)
{
	memset(n, 0x5a, sizeof(*n));
	return rs_can_parse_line(t, line, n);
}

static void test_klipper_lines(void **state)
{
	(void)state;
	struct rs_can_node n;
	assert_int_equal(parse(RS_CAN_TOOL_KLIPPER, "Found canbus_uuid=0a1b2c3d4e5f, Application: Klipper", &n),
			 RS_CAN_LINE_NODE);
	assert_string_equal(n.uuid, "0a1b2c3d4e5f");
	assert_int_equal(n.app, RS_CAN_APP_KLIPPER);
	assert_string_equal(n.app_name, "Klipper");
	assert_int_equal(n.found_by, RS_CAN_TOOL_KLIPPER);
	assert_string_equal(n.config_mcu, "");
	/* Klipper still calls Katapult by its old name. */
	assert_int_equal(parse(RS_CAN_TOOL_KLIPPER, "Found canbus_uuid=000000000001, Application: CanBoot", &n),
			 RS_CAN_LINE_NODE);
	assert_string_equal(n.uuid, "000000000001");
	assert_int_equal(n.app, RS_CAN_APP_KATAPULT);
	assert_int_equal(parse(RS_CAN_TOOL_KLIPPER, "Found canbus_uuid=ffffffffffff, Application: Unknown", &n),
			 RS_CAN_LINE_NODE);
	assert_int_equal(n.app, RS_CAN_APP_UNKNOWN);
	assert_int_equal(parse(RS_CAN_TOOL_KLIPPER, "Found canbus_uuid=ffffffffffff, Application: Katapult", &n),
			 RS_CAN_LINE_NODE);
	assert_int_equal(n.app, RS_CAN_APP_KATAPULT);
	/* A name a later version may add is still a node, of an unknown kind. */
	assert_int_equal(parse(RS_CAN_TOOL_KLIPPER, "Found canbus_uuid=123456abcdef, Application: Bridge", &n),
			 RS_CAN_LINE_NODE);
	assert_int_equal(n.app, RS_CAN_APP_UNKNOWN);
	assert_string_equal(n.app_name, "Bridge");
	assert_int_equal(parse(RS_CAN_TOOL_KLIPPER, "Total 2 uuids found", &n), RS_CAN_LINE_END);
	assert_int_equal(parse(RS_CAN_TOOL_KLIPPER, "Total 0 uuids found", &n), RS_CAN_LINE_END);
}

static void test_katapult_lines(void **state)
{
	(void)state;
	struct rs_can_node n;
	assert_int_equal(parse(RS_CAN_TOOL_KATAPULT, "Detected UUID: 11aa22bb33cc, Application: Katapult", &n),
			 RS_CAN_LINE_NODE);
	assert_string_equal(n.uuid, "11aa22bb33cc");
	assert_int_equal(n.app, RS_CAN_APP_KATAPULT);
	assert_int_equal(n.found_by, RS_CAN_TOOL_KATAPULT);
	assert_int_equal(parse(RS_CAN_TOOL_KATAPULT, "Detected UUID: 33fdea008eda, Application: Klipper", &n),
			 RS_CAN_LINE_NODE);
	assert_int_equal(n.app, RS_CAN_APP_KLIPPER);
	assert_int_equal(parse(RS_CAN_TOOL_KATAPULT, "Query Complete", &n), RS_CAN_LINE_END);
	/* Its other lines are not nodes. */
	assert_int_equal(parse(RS_CAN_TOOL_KATAPULT, "Resetting all bootloader node IDs...", &n),
			 RS_CAN_LINE_OTHER);
	assert_int_equal(parse(RS_CAN_TOOL_KATAPULT, "Checking for Katapult nodes...", &n),
			 RS_CAN_LINE_OTHER);
	/* Each tool's lines only count from that tool. */
	assert_int_equal(parse(RS_CAN_TOOL_KATAPULT, "Found canbus_uuid=0a1b2c3d4e5f, Application: Klipper", &n),
			 RS_CAN_LINE_OTHER);
	assert_int_equal(parse(RS_CAN_TOOL_KLIPPER, "Detected UUID: 11aa22bb33cc, Application: Katapult", &n),
			 RS_CAN_LINE_OTHER);
	assert_int_equal(parse(RS_CAN_TOOL_KLIPPER, "Query Complete", &n), RS_CAN_LINE_OTHER);
	assert_int_equal(parse(RS_CAN_TOOL_KATAPULT, "Total 2 uuids found", &n), RS_CAN_LINE_OTHER);
}

static void test_near_misses(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"Found canbus_uuid=0a1b2c3d4e5, Application: Klipper",     /* 11 digits */
		"Found canbus_uuid=0a1b2c3d4e5f0, Application: Klipper",   /* 13 digits */
		"Found canbus_uuid=0A1B2C3D4E5F, Application: Klipper",    /* not as printed */
		"Found canbus_uuid=0a1b2c3d4e5g, Application: Klipper",
		"Found canbus_uuid=0a1b2c3d4e5f, Application: ",
		"Found canbus_uuid=0a1b2c3d4e5f, Application: Klipper ",
		"Found canbus_uuid=0a1b2c3d4e5f, Application: Klipper\r",
		"Found canbus_uuid=0a1b2c3d4e5f Application: Klipper",
		"Found canbus_uuid=0a1b2c3d4e5f",
		" Found canbus_uuid=0a1b2c3d4e5f, Application: Klipper",
		"found canbus_uuid=0a1b2c3d4e5f, Application: Klipper",
		"Found canbus_uuid=0a1b2c3d4e5f, Application: Klip-per",
		"Found canbus_uuid=0a1b2c3d4e5f, Application: ThisNameIsFarTooLongToBeAnAppName",
		"Total uuids found",
		"Total 2 uuids found.",
		"Total -1 uuids found",
		"OSError: [Errno 19] No such device",
	};
	struct rs_can_node n;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&n, 0x5a, sizeof(n));
		if (rs_can_parse_line(RS_CAN_TOOL_KLIPPER, bad[i], &n) != RS_CAN_LINE_OTHER)
			fail_msg("taken as a node or the end: \"%s\"", bad[i]);
		assert_int_equal(((unsigned char *)&n)[0], 0x5a); /* untouched */
	}
	static const char *const bad_katapult[] = {
		"Detected UUID: 11aa22bb33c, Application: Katapult",
		"Detected UUID: 11AA22BB33CC, Application: Katapult",
		"Detected UUID:11aa22bb33cc, Application: Katapult",
		"Detected UUID: 11aa22bb33cc, Application: Katapult extra",
		"Query Complete ",
		"Query complete",
	};
	for (size_t i = 0; i < sizeof(bad_katapult) / sizeof(bad_katapult[0]); i++)
		if (rs_can_parse_line(RS_CAN_TOOL_KATAPULT, bad_katapult[i], &n) != RS_CAN_LINE_OTHER)
			fail_msg("taken as a node or the end: \"%s\"", bad_katapult[i]);
	assert_int_equal(rs_can_parse_line(RS_CAN_TOOL_KATAPULT, NULL, &n), RS_CAN_LINE_OTHER);
}

static void test_merge_and_config(void **state)
{
	(void)state;
	struct rs_can_nodes nodes = { 0 };
	struct rs_can_node n;
	rs_can_parse_line(RS_CAN_TOOL_KLIPPER, "Found canbus_uuid=0a1b2c3d4e5f, Application: Klipper", &n);
	assert_true(rs_can_nodes_add(&nodes, &n));
	rs_can_parse_line(RS_CAN_TOOL_KLIPPER, "Found canbus_uuid=11aa22bb33cc, Application: CanBoot", &n);
	assert_true(rs_can_nodes_add(&nodes, &n));
	rs_can_parse_line(RS_CAN_TOOL_KATAPULT, "Detected UUID: 11aa22bb33cc, Application: Katapult", &n);
	assert_true(rs_can_nodes_add(&nodes, &n));
	assert_int_equal(nodes.count, 2);
	assert_int_equal(nodes.items[1].found_by, RS_CAN_TOOL_KLIPPER | RS_CAN_TOOL_KATAPULT);
	assert_string_equal(nodes.items[1].app_name, "Katapult");
	assert_int_equal(nodes.items[0].found_by, RS_CAN_TOOL_KLIPPER);

	/* printer.cfg, with the UUID written in capitals for one of them. */
	static const char cfg_text[] = "[mcu]\ncanbus_uuid: 0A1B2C3D4E5F\n"
				       "[mcu EBBCan]\ncanbus_uuid: 998877665544\n";
	struct rs_pcfg cfg = { 0 };
	rs_pcfg_parse(&cfg, "printer.cfg", cfg_text, sizeof(cfg_text) - 1, NULL, NULL);
	assert_int_equal(cfg.mcu_count, 2);
	rs_can_nodes_mark_config(&nodes, &cfg);
	assert_string_equal(nodes.items[0].config_mcu, "mcu");
	assert_string_equal(nodes.items[1].config_mcu, "");
	assert_non_null(rs_can_nodes_find(&nodes, "0A1B2C3D4E5F"));
	assert_null(rs_can_nodes_find(&nodes, "998877665544"));
	/* A later answer keeps the mark. */
	rs_can_parse_line(RS_CAN_TOOL_KATAPULT, "Detected UUID: 0a1b2c3d4e5f, Application: Klipper", &n);
	rs_can_nodes_add(&nodes, &n);
	assert_string_equal(nodes.items[0].config_mcu, "mcu");

	struct rs_can_nodes many = { 0 };
	for (int i = 0; i < RS_CAN_MAX_NODES + 1; i++) {
		char line[80];
		snprintf(line, sizeof(line), "Found canbus_uuid=%012x, Application: Klipper", i);
		assert_int_equal(rs_can_parse_line(RS_CAN_TOOL_KLIPPER, line, &n), RS_CAN_LINE_NODE);
		assert_int_equal(rs_can_nodes_add(&many, &n), i < RS_CAN_MAX_NODES);
	}
	assert_true(many.full);
	assert_int_equal(many.count, RS_CAN_MAX_NODES);
}

static void test_link(void **state)
{
	(void)state;
	assert_int_equal(rs_can_link_from_operstate(NULL), RS_CAN_LINK_MISSING);
	assert_int_equal(rs_can_link_from_operstate("up\n"), RS_CAN_LINK_UP);
	assert_int_equal(rs_can_link_from_operstate("unknown\n"), RS_CAN_LINK_UP);
	assert_int_equal(rs_can_link_from_operstate("down\n"), RS_CAN_LINK_DOWN);
	assert_int_equal(rs_can_link_from_operstate("lowerlayerdown\n"), RS_CAN_LINK_DOWN);
	assert_int_equal(rs_can_link_from_operstate("upper\n"), RS_CAN_LINK_DOWN);
	assert_int_equal(rs_can_link_from_operstate(""), RS_CAN_LINK_DOWN);
	assert_string_equal(rs_can_app_name(RS_CAN_APP_KATAPULT), "katapult");
	assert_string_equal(rs_can_tool_name(RS_CAN_TOOL_KLIPPER), "klipper");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_klipper_lines),
		cmocka_unit_test(test_katapult_lines),
		cmocka_unit_test(test_near_misses),
		cmocka_unit_test(test_merge_and_config),
		cmocka_unit_test(test_link),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
