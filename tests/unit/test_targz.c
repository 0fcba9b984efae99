/* The report's archive writer (core/targz.h): ustar headers with valid
 * checksums and sizes, data padded to blocks, two empty blocks at the end,
 * unsafe names refused, and a gzip stream zlib inflates back to the same
 * bytes. (tests/cli/report_test.sh lists real archives with tar(1).) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/targz.h"

static unsigned long long field_octal(const unsigned char *f, size_t w)
{
	char tmp[16] = { 0 };
	memcpy(tmp, f, w);
	return strtoull(tmp, NULL, 8);
}

static void check_header(const unsigned char *h, const char *name, size_t size)
{
	assert_string_equal((const char *)h, name);
	assert_int_equal(field_octal(h + 124, 12), size);
	assert_memory_equal(h + 257, "ustar", 6);
	unsigned sum = 0;
	for (size_t i = 0; i < 512; i++)
		sum += i >= 148 && i < 156 ? ' ' : h[i];
	assert_int_equal(field_octal(h + 148, 7), sum);
	assert_int_equal(h[156], '0');
}

static void test_layout(void **state)
{
	(void)state;
	struct rs_tar t = { 0 };
	assert_true(rs_tar_add(&t, "report/README.txt", "hello\n", 6, 1764500000));
	assert_true(rs_tar_add(&t, "report/empty", "", 0, 0));
	char big[1300];
	memset(big, 'x', sizeof(big));
	assert_true(rs_tar_add(&t, "report/big.log", big, sizeof(big), 1));
	rs_tar_finish(&t);
	assert_int_equal(t.members, 3);
	/* 512 + 512 | 512 | 512 + 1536 | 1024 */
	assert_int_equal(t.len, 512 * 9);
	check_header(t.data, "report/README.txt", 6);
	assert_memory_equal(t.data + 512, "hello\n", 6);
	assert_int_equal(t.data[512 + 6], 0);
	check_header(t.data + 1024, "report/empty", 0);
	check_header(t.data + 1536, "report/big.log", sizeof(big));
	assert_memory_equal(t.data + 2048, big, sizeof(big));
	for (size_t i = 512 * 7; i < t.len; i++)
		assert_int_equal(t.data[i], 0);

	unsigned char *gz = NULL;
	size_t gzlen = 0;
	assert_true(rs_gzip(t.data, t.len, &gz, &gzlen));
	assert_true(gzlen > 18 && gz[0] == 0x1f && gz[1] == 0x8b);
	unsigned char *back = malloc(t.len + 16);
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = gz;
	z.avail_in = (uInt)gzlen;
	z.next_out = back;
	z.avail_out = (uInt)(t.len + 16);
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, t.len);
	assert_memory_equal(back, t.data, t.len);
	inflateEnd(&z);
	free(back);
	free(gz);
	rs_tar_free(&t);
}

static void test_names(void **state)
{
	(void)state;
	struct rs_tar t = { 0 };
	char longname[RS_TAR_NAME_MAX + 2];
	memset(longname, 'a', sizeof(longname));
	longname[sizeof(longname) - 1] = '\0';
	assert_false(rs_tar_add(&t, "", "x", 1, 0));
	assert_false(rs_tar_add(&t, "/etc/passwd", "x", 1, 0));
	assert_false(rs_tar_add(&t, "../x", "x", 1, 0));
	assert_false(rs_tar_add(&t, "a/../../x", "x", 1, 0));
	assert_false(rs_tar_add(&t, "a/..", "x", 1, 0));
	assert_false(rs_tar_add(&t, longname, "x", 1, 0));
	assert_int_equal(t.len, 0);
	assert_true(rs_tar_add(&t, "a/..b/x..", "x", 1, 0));
	longname[RS_TAR_NAME_MAX] = '\0';
	assert_true(rs_tar_add(&t, longname, "x", 1, 0));
	assert_int_equal(t.members, 2);
	rs_tar_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
