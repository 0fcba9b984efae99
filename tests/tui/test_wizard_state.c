/* Wizard state: text round trip, bad input, and the atomic state file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/wizard_state.h"
#include "platform/state_file.h"

static void sample(struct rs_wizard_state *s)
{
	rs_wizard_state_init(s);
	snprintf(s->step, sizeof(s->step), "endstop");
	snprintf(s->board, sizeof(s->board), "btt-octopus-pro-429");
	s->main_v = 24;
	s->motor_v = 48;
	s->socket_count = 8;
	snprintf(s->drivers[0], sizeof(s->drivers[0]), "BTT-TMC5160-PRO-11");
	s->jumpers[0] = RS_JUMPER_VMOT;
	snprintf(s->drivers[2], sizeof(s->drivers[2]), "BTT-TMC2209-13");
	s->jumpers[2] = RS_JUMPER_VIN;
	s->cable = RS_CABLE_OTHER;
	s->endstop_ack = true;
}

static void test_round_trip(void **state)
{
	(void)state;
	struct rs_wizard_state a, b;
	sample(&a);
	char *text = rs_wizard_state_serialize(&a);
	assert_non_null(strstr(text, "board=btt-octopus-pro-429\n"));
	assert_non_null(strstr(text, "jumper.0=vmot\n"));
	struct rs_errors errs = { 0 };
	assert_true(rs_wizard_state_parse("state", text, &b, &errs));
	assert_int_equal(errs.count, 0);
	assert_memory_equal(&a, &b, sizeof(a));
	free(text);
}

static void test_bad_input(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int line;
	} bad[] = {
		{ "version=1\nboard=x\ncolour=red\n", 3 },      /* unknown key */
		{ "version=1\nmain_v=abc\n", 2 },               /* not a number */
		{ "version=1\nmotor_v=61\n", 2 },               /* out of range */
		{ "version=1\nmotor_v=-5\n", 2 },               /* negative */
		{ "version=1\ndriver.16=X\n", 2 },              /* socket out of range */
		{ "version=1\njumper.0=middle\n", 2 },          /* not a position */
		{ "version=1\nendstop_ack=maybe\n", 2 },        /* not yes/no */
		{ "version=1\nno equals sign\n", 2 },           /* not key=value */
		{ "version=2\n", 1 },                           /* other version */
		{ "version=1\nboard=has space\n", 2 },          /* not an id */
		{ "board=x\n", 0 },                             /* no version */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rs_wizard_state s, before;
		sample(&s);
		before = s;
		struct rs_errors errs = { 0 };
		assert_false(rs_wizard_state_parse("state", bad[i].text, &s, &errs));
		assert_true(errs.count >= 1);
		assert_int_equal(errs.items[0].line, bad[i].line);
		assert_memory_equal(&s, &before, sizeof(s)); /* untouched on failure */
		rs_errors_clear(&errs);
	}
}

static char tmpdir[64];

static void test_file_save_load_reset(void **state)
{
	(void)state;
	struct rs_wizard_state a, b;
	struct rs_errors errs = { 0 };
	sample(&a);
	assert_int_equal(rs_state_file_load(&b, &errs), RS_STATE_ABSENT);
	assert_true(rs_state_file_save(&a, &errs));
	char *path = rs_state_file_path();
	char expect[128];
	snprintf(expect, sizeof(expect), "%s/ratos-setup/state", tmpdir);
	assert_string_equal(path, expect);
	/* No temp file left behind next to it. */
	char dir[128];
	snprintf(dir, sizeof(dir), "%s/ratos-setup", tmpdir);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "test $(ls -A %s | wc -l) -eq 1", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(rs_state_file_load(&b, &errs), RS_STATE_LOADED);
	assert_memory_equal(&a, &b, sizeof(a));
	/* Saving again replaces it whole. */
	a.endstop_ack = false;
	assert_true(rs_state_file_save(&a, &errs));
	assert_int_equal(rs_state_file_load(&b, &errs), RS_STATE_LOADED);
	assert_false(b.endstop_ack);
	/* A damaged file is reported, not half-used. */
	FILE *f = fopen(path, "w");
	fputs("version=1\nboard=\x01\n", f);
	fclose(f);
	assert_int_equal(rs_state_file_load(&b, &errs), RS_STATE_BAD);
	assert_true(errs.count >= 1);
	rs_errors_clear(&errs);
	assert_true(rs_state_file_reset(&errs));
	assert_int_equal(rs_state_file_load(&b, &errs), RS_STATE_ABSENT);
	assert_true(rs_state_file_reset(&errs)); /* nothing to remove is fine */
	free(path);
	rmdir(dir);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/rs-state-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	setenv("XDG_STATE_HOME", tmpdir, 1);
	unsetenv("SUDO_USER");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_file_save_load_reset),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(tmpdir);
	return rc;
}
