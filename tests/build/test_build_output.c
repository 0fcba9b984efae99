/* Classifying Klipper's build output and splitting a stream into lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/build_output.h"

static void classify(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		enum rs_build_line_kind kind;
		const char *arg;
	} t[] = {
		{ "  Compiling /c/out/src/sched.o", RS_BLINE_COMPILING, "src/sched.o" },
		{ "  Compiling /elsewhere/src/sched.o", RS_BLINE_COMPILING, "/elsewhere/src/sched.o" },
		{ "  Linking /c/out/klipper.elf", RS_BLINE_LINKING, "klipper.elf" },
		{ "  Creating bin file /c/out/klipper.bin\r", RS_BLINE_BIN, "klipper.bin" },
		{ "Version: v0.13.0-730-g84104bbbd", RS_BLINE_VERSION, "v0.13.0-730-g84104bbbd" },
		{ "src/sched.c:12:5: error: 'x' undeclared", RS_BLINE_ERROR, "" },
		{ "src/a.c:1:10: fatal error: stdint.h: No such file or directory", RS_BLINE_ERROR, "" },
		{ "make: *** [Makefile:64: /c/out/src/sched.o] Error 1", RS_BLINE_ERROR, "" },
		{ "klipper.elf: undefined reference to `foo'", RS_BLINE_ERROR, "" },
		{ "  Preprocessing /c/out/src/generic/armcm_link.ld", RS_BLINE_OTHER, "" },
		{ "Compiling without indent", RS_BLINE_OTHER, "" },
		{ "", RS_BLINE_OTHER, "" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct rs_build_line bl;
		rs_build_output_classify(t[i].line, "/c/out/", &bl);
		assert_int_equal(bl.kind, t[i].kind);
		assert_int_equal(bl.arg_len, strlen(t[i].arg));
		assert_memory_equal(bl.arg, t[i].arg, bl.arg_len);
	}
	assert_true(rs_build_output_is_compile_step("echo \"  Compiling /c/out/src/sched.o\""));
	assert_false(rs_build_output_is_compile_step("echo \"  Linking /c/out/klipper.elf\""));
}

struct lines {
	char got[8][RS_LINEBUF_SIZE];
	int n;
};

static void collect(void *ctx, const char *line)
{
	struct lines *l = ctx;
	if (l->n < 8)
		strcpy(l->got[l->n], line);
	l->n++;
}

static void linebuf(void **state)
{
	(void)state;
	struct rs_linebuf lb = { 0 };
	struct lines l = { 0 };
	const char *chunks[] = { "  Comp", "iling a.o\n  Compiling b.o\n\npartial", " end" };
	for (int i = 0; i < 3; i++)
		rs_linebuf_feed(&lb, chunks[i], strlen(chunks[i]), collect, &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.got[0], "  Compiling a.o");
	assert_string_equal(l.got[1], "  Compiling b.o");
	assert_string_equal(l.got[2], "");
	rs_linebuf_flush(&lb, collect, &l);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.got[3], "partial end");
	rs_linebuf_flush(&lb, collect, &l);
	assert_int_equal(l.n, 4);

	/* A line longer than the buffer arrives in pieces, nothing lost. */
	size_t big = RS_LINEBUF_SIZE * 2;
	char *data = malloc(big + 1);
	memset(data, 'x', big);
	data[big] = '\n';
	data[10] = '\0'; /* NULs do not cut lines short */
	memset(&l, 0, sizeof(l));
	rs_linebuf_feed(&lb, data, big + 1, collect, &l);
	assert_int_equal(l.n, 3);
	size_t total = 0;
	for (int i = 0; i < l.n; i++)
		total += strlen(l.got[i]);
	assert_int_equal(total, big);
	assert_int_equal(l.got[0][10], ' ');
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classify),
		cmocka_unit_test(linebuf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
