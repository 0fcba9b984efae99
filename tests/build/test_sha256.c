/* SHA-256 against the FIPS 180-4 / NIST example vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/sha256.h"

static void vectors(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *hex;
	} t[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char hex[RS_SHA256_HEX_LEN];
		rs_sha256_hex(t[i].in, strlen(t[i].in), hex);
		assert_string_equal(hex, t[i].hex);
	}
}

static void million_a_in_odd_chunks(void **state)
{
	(void)state;
	char *buf = malloc(1000000);
	memset(buf, 'a', 1000000);
	struct rs_sha256 ctx;
	unsigned char d[RS_SHA256_LEN];
	char hex[RS_SHA256_HEX_LEN];
	rs_sha256_init(&ctx);
	/* Chunk sizes that straddle block boundaries in every way. */
	for (size_t pos = 0, step = 1; pos < 1000000; pos += step, step = step % 131 + 1)
		rs_sha256_update(&ctx, buf + pos, pos + step > 1000000 ? 1000000 - pos : step);
	rs_sha256_final(&ctx, d);
	rs_sha256_to_hex(d, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(buf);
}

static void padding_edges(void **state)
{
	(void)state;
	/* 55, 56 and 64 bytes: the length field fits, just does not, and a full block. */
	static const struct {
		size_t n;
		const char *hex;
	} t[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
	};
	char buf[64];
	memset(buf, 'a', sizeof(buf));
	for (size_t i = 0; i < 3; i++) {
		char hex[RS_SHA256_HEX_LEN];
		rs_sha256_hex(buf, t[i].n, hex);
		assert_string_equal(hex, t[i].hex);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors),
		cmocka_unit_test(million_a_in_odd_chunks),
		cmocka_unit_test(padding_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
