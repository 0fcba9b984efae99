/* The card write job's reports (platform/sdjob_wire.h) and its words: a
 * field holding tabs, newlines, backslashes or escape sequences (a name
 * from the card, a path) comes back as it was and cannot forge a report;
 * what the card holds after a stop, stage by stage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/board.h"
#include "core/xalloc.h"
#include "platform/sdjob.h"
#include "platform/sdjob_wire.h"

static void a_field_comes_back_as_it_was(void **state)
{
	(void)state;
	const char *odd = "a\tb\nc\\x41\\d\x1b[2J\x7f\xc2\x9b" "end";
	char *e = rs_sdwire_escape(odd);
	assert_null(strchr(e, '\t'));
	assert_null(strchr(e, '\n'));
	assert_null(strchr(e, '\x1b'));
	char *line = rs_xasprintf("sd\tremoved\t%s\tx", e);
	char *f[RS_SDWIRE_MAX_FIELDS];
	assert_int_equal(rs_sdwire_split(line, f), 3);
	assert_string_equal(f[0], "removed");
	assert_string_equal(f[1], odd);
	assert_string_equal(f[2], "x");
	free(line);
	free(e);
}

static void other_lines_are_not_reports(void **state)
{
	(void)state;
	char a[] = "==123==ERROR: AddressSanitizer: heap-use-after-free";
	char b[] = "sdx\tstep\t1\tfwtmp.bin";
	char *f[RS_SDWIRE_MAX_FIELDS];
	assert_int_equal(rs_sdwire_split(a, f), 0);
	assert_int_equal(rs_sdwire_split(b, f), 0);
}

static void the_card_state_follows_the_stage(void **state)
{
	(void)state;
	struct rs_board b = { .id = (char *)"x", .sd_file = (char *)"firmware.bin" };
	struct rs_sdjob j;
	char buf[512];
	rs_sdjob_init(&j, &b, "fw.bin");
	assert_string_equal(rs_sdjob_card_state(&j, buf, sizeof(buf)),
			    "nothing on the card was changed.");
	j.stage = RS_SDJOB_COPIED;
	j.stopped = true;
	assert_non_null(strstr(rs_sdjob_card_state(&j, buf, sizeof(buf)),
			       "may be left as fwtmp.bin, a name no bootloader reads"));
	j.tidied = true;
	assert_string_equal(rs_sdjob_card_state(&j, buf, sizeof(buf)),
			    "the card's old files are as they were; the unfinished copy was removed.");
	/* Killed (no word from the child) after the copy was verified: the
	 * rename may or may not have happened. */
	j.stage = RS_SDJOB_VERIFIED;
	j.stopped = j.tidied = false;
	assert_string_equal(rs_sdjob_card_state(&j, buf, sizeof(buf)),
			    "firmware.bin on the card is the old firmware or the new verified one, "
			    "complete either way.");
	j.stage = RS_SDJOB_RENAMED;
	assert_non_null(strstr(rs_sdjob_card_state(&j, buf, sizeof(buf)),
			       "remove FIRMWARE.CUR by hand"));
	j.stage = RS_SDJOB_DONE;
	assert_string_equal(rs_sdjob_card_state(&j, buf, sizeof(buf)),
			    "the new firmware.bin is on the card and verified.");
	rs_sdjob_free(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_field_comes_back_as_it_was),
		cmocka_unit_test(other_lines_are_not_reports),
		cmocka_unit_test(the_card_state_follows_the_stage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
