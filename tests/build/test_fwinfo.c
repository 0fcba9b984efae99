/* The dictionary reader on generated images: found after decoys, every field
 * read, bad images rejected without crashing, and AVR images (Intel HEX). */
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
#include "core/ihex.h"
#include "core/text_safe.h"

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

/* Strings from the dictionary are stored display-safe: an ESC sequence in
 * the version or a C1 control in a config value never reaches a printer. */
static void strings_are_display_safe(void **state)
{
	(void)state;
	static const char json[] =
		"{\"version\": \"v1\\u001b[2J\\u001b]0;owned\\u0007\", \"build_versions\": "
		"\"gcc\\u009b31m\", \"config\": {\"MCU\": \"stm32f429xx\", "
		"\"EVIL\\u001b\": \"a\\u0085b\\u202ec\"}}";
	size_t len;
	unsigned char *img = image(json, &len);
	struct rs_fwinfo fw;
	struct rs_errors errs = { 0 };
	assert_true(rs_fwinfo_parse("x.bin", img, len, &fw, &errs));
	assert_string_equal(fw.version, "v1\\x1b[2J\\x1b]0;owned\\x07");
	assert_string_equal(fw.build_versions, "gcc\\xc2\\x9b31m");
	assert_string_equal(fw.mcu, "stm32f429xx");
	assert_string_equal(rs_fwinfo_config(&fw, "EVIL\\x1b"), "a\\xc2\\x85b\\xe2\\x80\\xaec");
	rs_fwinfo_free(&fw);
	free(img);
}

/* 16 MiB of the given block, repeated. */
static unsigned char *repeat(const unsigned char *block, size_t blen, size_t *len)
{
	*len = 16u * 1024 * 1024;
	unsigned char *buf = malloc(*len);
	for (size_t i = 0; i < *len; i += blen)
		memcpy(buf + i, block, *len - i < blen ? *len - i : blen);
	return buf;
}

static unsigned char *zblock(const char *head, size_t fill, char c, const char *tail, size_t *zlen)
{
	size_t hl = strlen(head), tl = strlen(tail), n = hl + fill + tl;
	char *plain = malloc(n);
	memcpy(plain, head, hl);
	memset(plain + hl, c, fill);
	memcpy(plain + hl + fill, tail, tl);
	uLongf zl = compressBound(n);
	unsigned char *z = malloc(zl);
	assert_int_equal(compress2(z, &zl, (const Bytef *)plain, n, 9), Z_OK);
	free(plain);
	*zlen = zl;
	return z;
}

/* Crafted 16 MiB files cost a bounded amount of work, counted by the scanner
 * (before the bound, the first of them took over 30 s of CPU). */
static void hostile_files_cost_bounded_work(void **state)
{
	(void)state;
	size_t zl[3];
	unsigned char *z[3] = {
		/* streams that inflate to megabytes of a JSON-looking object */
		zblock("{", 5u << 20, '\0', "", &zl[0]),
		/* complete streams of a 900 KiB valid JSON object, no version */
		zblock("{\"a\": \"", 900u << 10, 'x', "\"}", &zl[1]),
		/* a zlib header at every second byte */
		(unsigned char *)strdup("\x78\x9c"),
	};
	zl[2] = 2;
	for (size_t i = 0; i < 3; i++) {
		size_t len;
		unsigned char *img = repeat(z[i], zl[i], &len);
		struct rs_fwinfo fw;
		struct rs_errors errs = { 0 };
		struct rs_fwinfo_work work;
		assert_false(rs_fwinfo_scan("hostile.bin", img, len, &fw, &errs, &work));
		/* The budget, plus at most one slice in and out past it. */
		if (work.units > RS_FWINFO_WORK_MAX + 2 * 64 * 1024 + RS_FWINFO_CANDIDATE_COST)
			fail_msg("file %zu: %zu units of work", i, work.units);
		assert_true(work.gave_up);
		assert_int_equal(errs.count, 1);
		assert_non_null(strstr(errs.items[0].msg, "gave up"));
		rs_errors_clear(&errs);
		free(img);
		free(z[i]);
	}
}

/* A klipper.bin-like image (44 KiB of pseudo-random code, the dictionary in
 * the middle) is found at a small fraction of the budget. */
static void real_sized_image_is_cheap(void **state)
{
	(void)state;
	uLongf zl = compressBound(sizeof(dict));
	unsigned char *z = malloc(zl);
	assert_int_equal(compress2(z, &zl, (const Bytef *)dict, strlen(dict), 9), Z_OK);
	size_t len = 44528;
	unsigned char *img = malloc(len);
	unsigned x = 2463534242u;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		img[i] = (unsigned char)x;
	}
	memcpy(img + len / 2, z, zl);
	struct rs_fwinfo fw;
	struct rs_errors errs = { 0 };
	struct rs_fwinfo_work work;
	assert_true(rs_fwinfo_scan("fw.bin", img, len, &fw, &errs, &work));
	assert_string_equal(fw.mcu, "stm32f429xx");
	assert_false(work.gave_up);
	assert_true(work.units < 64 * 1024);
	rs_fwinfo_free(&fw);
	free(img);
	free(z);
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

/* The same image as Intel HEX records, 16 bytes each, from address base
 * (an extended linear address record first when base has high bits). */
static char *as_ihex(const unsigned char *img, size_t len, unsigned base)
{
	size_t cap = len * 3 + 64, used = 0;
	char *out = malloc(cap);
	if (base >> 16)
		used += (size_t)sprintf(out + used, ":02000004%04X%02X\n", base >> 16,
					(unsigned)(-(2 + 4 + (base >> 24) + ((base >> 16) & 0xff)) & 0xff));
	for (size_t off = 0; off < len; off += 16) {
		size_t n = len - off < 16 ? len - off : 16;
		unsigned addr = (unsigned)(base + off) & 0xffff;
		unsigned sum = (unsigned)n + (addr >> 8) + (addr & 0xff);
		used += (size_t)sprintf(out + used, ":%02X%04X00", (unsigned)n, addr);
		for (size_t i = 0; i < n; i++) {
			used += (size_t)sprintf(out + used, "%02X", img[off + i]);
			sum += img[off + i];
		}
		used += (size_t)sprintf(out + used, "%02X\r\n", (-sum) & 0xff);
	}
	used += (size_t)sprintf(out + used, ":00000001FF\n");
	return out;
}

/* AVR boards: Klipper makes klipper.elf.hex; its dictionary is read from
 * the bytes the records stand for, and a damaged file is refused by line. */
static void reads_an_intel_hex_image(void **state)
{
	(void)state;
	size_t len;
	unsigned char *img = image(dict, &len);
	char *hex = as_ihex(img, len, 0);
	struct rs_fwinfo fw;
	struct rs_errors errs = { 0 };
	assert_true(rs_fwinfo_parse("klipper.elf.hex", (unsigned char *)hex, strlen(hex), &fw,
				    &errs));
	assert_string_equal(fw.version, "v0.13.0-730-g84104bbbd");
	assert_string_equal(fw.mcu, "stm32f429xx");
	assert_int_equal(fw.size, strlen(hex)); /* the file's size */
	rs_fwinfo_free(&fw);

	/* Decoded bytes land at their addresses; gaps are erased flash. */
	unsigned char *bin;
	size_t bin_len;
	int line;
	char *high = as_ihex(img, len, 0x10010);
	assert_true(rs_ihex_decode((unsigned char *)high, strlen(high), 1 << 20, &bin, &bin_len,
				   &line));
	assert_int_equal(bin_len, 0x10010 + len);
	assert_int_equal(bin[0], 0xff);
	assert_memory_equal(bin + 0x10010, img, len);
	free(bin);
	/* ... but not beyond the limit. */
	assert_false(rs_ihex_decode((unsigned char *)high, strlen(high), 0x10000, &bin, &bin_len,
				    &line));
	free(high);

	/* A wrong checksum on line 3. */
	char *bad = strdup(hex);
	char *l3 = strchr(strchr(bad, '\n') + 1, '\n') + 1;
	l3[1] = l3[1] == '1' ? '0' : '1';
	assert_false(rs_fwinfo_parse("b.hex", (unsigned char *)bad, strlen(bad), &fw, &errs));
	assert_int_equal(errs.items[0].line, 3);
	assert_non_null(strstr(errs.items[0].msg, "not a valid Intel HEX image"));
	rs_errors_clear(&errs);
	free(bad);

	/* No end record: a cut-off file. */
	char *cut = strdup(hex);
	*strstr(cut, ":00000001FF") = '\0';
	assert_false(rs_ihex_decode((unsigned char *)cut, strlen(cut), 1 << 20, &bin, &bin_len,
				    &line));
	free(cut);
	assert_false(rs_ihex_detect((const unsigned char *)"not hex", 7));
	free(hex);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_every_field),
		cmocka_unit_test(reads_an_intel_hex_image),
		cmocka_unit_test(rejects),
		cmocka_unit_test(deep_nesting_is_safe),
		cmocka_unit_test(reads_file),
		cmocka_unit_test(strings_are_display_safe),
		cmocka_unit_test(hostile_files_cost_bounded_work),
		cmocka_unit_test(real_sized_image_is_cheap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
