/* The "is this firmware current" rule, table-driven: versions, the build
 * record, the board's present config, and the words it gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/fw_current.h"

#define V730 "v0.13.0-730-g84104bbbd"
#define V731 "v0.13.0-731-g1a2b3c4d5"

static const struct rs_sidecar rec = {
	.board = "btt-octopus-pro-429",
	.version = V730,
	.fragment_sha256 = "frag-a",
	.sha256 = "img-a",
	.mcu = "stm32f429xx",
};

static void verdicts(void **state)
{
	(void)state;
	static const struct {
		struct rs_fw_facts f;
		enum rs_fw_verdict want;
		bool checked;
	} t[] = {
		/* same version, same config */
		{ { true, V730, "img-a", &rec, V730, "btt-octopus-pro-429", "frag-a" },
		  RS_FWCUR_CURRENT, true },
		/* Klipper moved on */
		{ { true, V730, "img-a", &rec, V731, "btt-octopus-pro-429", "frag-a" },
		  RS_FWCUR_OLD_KLIPPER, false },
		/* the board's config changed since the build */
		{ { true, V730, "img-a", &rec, V730, "btt-octopus-pro-429", "frag-b" },
		  RS_FWCUR_OTHER_CONFIG, true },
		/* a record of another board's build */
		{ { true, V730, "img-a", &rec, V730, "btt-skr-2-429", "frag-a" },
		  RS_FWCUR_OTHER_CONFIG, true },
		/* the record belongs to another image: config not compared */
		{ { true, V730, "img-b", &rec, V730, "btt-octopus-pro-429", "frag-b" },
		  RS_FWCUR_CURRENT, false },
		/* no record at all (RatOS's own build, a file copied by hand) */
		{ { true, V730, "img-a", NULL, V730, "btt-octopus-pro-429", "frag-a" },
		  RS_FWCUR_CURRENT, false },
		/* a modified tree: Klipper appends -<date>-<host> */
		{ { true, V730 "-dirty-20261130_101010-pi", "img-a", NULL, V730 "-dirty", "x", "y" },
		  RS_FWCUR_CURRENT, false },
		/* ...but a prefix is not a match */
		{ { true, "v0.13.0-7300-gabcdef0", "img-a", NULL, "v0.13.0-730", "x", "y" },
		  RS_FWCUR_OLD_KLIPPER, false },
		{ { false, NULL, NULL, NULL, V730, "x", "y" }, RS_FWCUR_NO_FIRMWARE, false },
		{ { true, NULL, "img-a", NULL, V730, "x", "y" }, RS_FWCUR_UNREADABLE, false },
		{ { true, V730, "img-a", &rec, NULL, "x", "y" }, RS_FWCUR_NO_TREE, false },
		{ { true, V730, "img-a", &rec, "?", "x", "y" }, RS_FWCUR_NO_TREE, false },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct rs_fw_currency c;
		rs_fw_current_judge(&t[i].f, &c);
		if (c.verdict != t[i].want || c.config_checked != t[i].checked)
			fail_msg("row %zu: verdict %s checked %d, want %s %d", i,
				 rs_fw_verdict_name(c.verdict), c.config_checked,
				 rs_fw_verdict_name(t[i].want), t[i].checked);
	}
	assert_false(rs_fw_current_blocks(RS_FWCUR_CURRENT));
	assert_false(rs_fw_current_blocks(RS_FWCUR_NO_TREE));
	assert_true(rs_fw_current_blocks(RS_FWCUR_OLD_KLIPPER));
	assert_true(rs_fw_current_blocks(RS_FWCUR_OTHER_CONFIG));
}

static void words(void **state)
{
	(void)state;
	struct rs_fw_facts f = { true, V730, "img-a", &rec, V731, "btt-octopus-pro-429", "frag-a" };
	struct rs_fw_currency c;
	char buf[200];
	rs_fw_current_judge(&f, &c);
	rs_fw_current_reason(&f, &c, buf, sizeof(buf));
	assert_string_equal(buf, "built for v0.13.0-730, Klipper is now v0.13.0-731");
	/* Same count, other commit: the hashes are the difference, so kept. */
	f.tree_version = "v0.13.0-730-gdeadbeef0";
	rs_fw_current_judge(&f, &c);
	rs_fw_current_reason(&f, &c, buf, sizeof(buf));
	assert_string_equal(buf, "built for " V730 ", Klipper is now v0.13.0-730-gdeadbeef0");
	char a[64], b[64];
	rs_fw_versions_short("v0.13.0-730-g84104bbbd-dirty", "v0.12.0-1-gabcd", a, b, sizeof(a));
	assert_string_equal(a, "v0.13.0-730-dirty");
	assert_string_equal(b, "v0.12.0-1");
	rs_fw_versions_short("v0.0.1-0-gfake", "weird", a, b, sizeof(a));
	assert_string_equal(a, "v0.0.1-0-gfake"); /* "fake" is no hex hash */
	f.tree_version = V730;
	rs_fw_current_judge(&f, &c);
	rs_fw_current_reason(&f, &c, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verdicts),
		cmocka_unit_test(words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
