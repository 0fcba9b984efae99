/* The dictionary reader on generated images: found after decoys, every field
 * read, and bad images rejected without crashing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/fwinfo.h"

/* code bytes (with zlib-looking decoys) + compressed JSON + padding */
static unsigned char *image(const char *json, size_t *len)
{
	uLong bound = compressBound(strlen(json));
	unsigned char *z = malloc(bound);
	uLongf zlen = bound;
	assert_int_equal(compress2(z, &zlen, (const Bytef *)json, strlen(json), 9), Z_OK);
	static const unsigned char code[] = { 0x00, 0x20, 0x78, 0x9c, 0x78, 0x01, 0x78, 0xda, 0xff };
	*len = sizeof(code) * 10 + zlen + 32;
	unsigned char *img = calloc(1, *len);
	for (int i = 0; i < 10; i++)
		memcpy(img + i * sizeof(code), code, sizeof(code));
	memcpy(img + sizeof(code) * 10, z, zlen);
	free(z);
	return img;
}

static const char dict[] =
	"{\"build_versions\": \"gcc: (15:12.2.rel1-1) 12.2.1 binutils: 2.40\", \"commands\": "
	"{\"identify offset=%u count=%c\": 1, \"nested\": [[{\"a\": \"}]\"}]]}, \"config\": "
	"{\"ADC_MAX\": 4095, \"CLOCK_FREQ\": 180000000, \"MCU\": \"stm32f429xx\", "
	"\"RESERVE_PINS_USB\": \"PA11,PA12\", \"NAME\": \"caf\\u00e9 \\ud83d\\ude00\"}, "
	"\"version\": \"v0.13.0-730-g84104bbbd\"}";

static void reads_every_field(void **state)
{
	(void)state;
	size_t len;
	unsigned char *img = image(dict, &len);
	struct rs_fwinfo fw;
	struct rs_errors errs = { 0 };
	assert_true(rs_fwinfo_parse("x.bin", img, len, &fw, &errs));
	assert_string_equal(fw.version, "v0.13.0-730-g84104bbbd");
	assert_string_equal(fw.mcu, "stm32f429xx");
	assert_string_equal(fw.build_versions, "gcc: (15:12.2.rel1-1) 12.2.1 binutils: 2.40");
	assert_int_equal(fw.size, len);
	assert_int_equal(fw.config.count, 5);
	assert_string_equal(rs_fwinfo_config(&fw, "CLOCK_FREQ"), "180000000");
	assert_string_equal(rs_fwinfo_config(&fw, "RESERVE_PINS_USB"), "PA11,PA12");
	assert_string_equal(rs_fwinfo_config(&fw, "NAME"), "caf\xc3\xa9 \xf0\x9f\x98\x80");
	assert_null(rs_fwinfo_config(&fw, "CLOCK"));
	rs_fwinfo_free(&fw);
	free(img);
}

static void rejects(void **state)
{
	(void)state;
	const char *bad[] = {
		"{\"version\": \"v1\"}",                    /* no config */
		"{\"config\": {\"MCU\": \"x\"}}",           /* no version */
		"{\"version\": \"v1\", \"config\": {}}",    /* no MCU */
		"[\"version\", \"config\"]",                /* not an object */
		"{\"version\": \"v1\", \"config\": {\"MCU\": \"x\"}", /* truncated JSON */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len;
		unsigned char *img = image(bad[i], &len);
		struct rs_fwinfo fw;
		struct rs_errors errs = { 0 };
		assert_false(rs_fwinfo_parse("x.bin", img, len, &fw, &errs));
		assert_int_equal(errs.count, 1);
		assert_null(fw.version);
		rs_errors_clear(&errs);
		free(img);
	}
	/* Random bytes and a truncated stream. */
	unsigned char junk[4096];
	unsigned seed = 1;
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)((seed = seed * 1103515245 + 12345) >> 16);
	struct rs_fwinfo fw;
	struct rs_errors errs = { 0 };
	assert_false(rs_fwinfo_parse("junk", junk, sizeof(junk), &fw, &errs));
	size_t len;
	unsigned char *img = image(dict, &len);
	assert_false(rs_fwinfo_parse("cut", img, 90 + 40, &fw, &errs));
	assert_int_equal(errs.count, 2);
	assert_non_null(strstr(errs.items[0].msg, "no Klipper data dictionary found"));
	rs_errors_clear(&errs);
	free(img);
}

static void deep_nesting_is_safe(void **state)
{
	(void)state;
	/* 100k nested arrays inside the dictionary: skipped, never recursed. */
	size_t depth = 100000;
	size_t n = depth * 2 + 128;
	char *json = malloc(n);
	char *p = json + sprintf(json, "{\"x\": ");
	memset(p, '[', depth);
	p += depth;
	memset(p, ']', depth);
	p += depth;
	strcpy(p, ", \"version\": \"v1\", \"config\": {\"MCU\": \"m\"}}");
	size_t len;
	unsigned char *img = image(json, &len);
	struct rs_fwinfo fw;
	struct rs_errors errs = { 0 };
	/* Deeper than the scanner's limit: the member is malformed to it. */
	assert_false(rs_fwinfo_parse("deep", img, len, &fw, &errs));
	rs_errors_clear(&errs);
	free(img);
	free(json);
}

static void reads_file(void **state)
{
	(void)state;
	size_t len;
	unsigned char *img = image(dict, &len);
	char path[] = "/tmp/rs-fwinfo-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	fwrite(img, 1, len, f);
	fclose(f);
	struct rs_fwinfo fw;
	struct rs_errors errs = { 0 };
	assert_true(rs_fwinfo_read_file(path, &fw, &errs));
	assert_string_equal(fw.mcu, "stm32f429xx");
	rs_fwinfo_free(&fw);
	remove(path);
	assert_false(rs_fwinfo_read_file(path, &fw, &errs));
	assert_int_equal(errs.items[0].code, RS_ERR_IO);
	rs_errors_clear(&errs);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_every_field),
		cmocka_unit_test(rejects),
		cmocka_unit_test(deep_nesting_is_safe),
		cmocka_unit_test(reads_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
