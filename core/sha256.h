/* SHA-256 (FIPS 180-4), for firmware and config fingerprints in sidecars. */
#ifndef RS_CORE_SHA256_H
#define RS_CORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define RS_SHA256_LEN 32
#define RS_SHA256_HEX_LEN 65 /* 64 hex digits + NUL */

struct rs_sha256 {
	uint32_t state[8];
	uint64_t total; /* bytes hashed so far */
	unsigned char buf[64];
	size_t used;
};

void rs_sha256_init(struct rs_sha256 *ctx);
void rs_sha256_update(struct rs_sha256 *ctx, const void *data, size_t len);
void rs_sha256_final(struct rs_sha256 *ctx, unsigned char out[RS_SHA256_LEN]);

/* One-shot helpers; hex is lower case. */
void rs_sha256(const void *data, size_t len, unsigned char out[RS_SHA256_LEN]);
void rs_sha256_hex(const void *data, size_t len, char hex[RS_SHA256_HEX_LEN]);
void rs_sha256_to_hex(const unsigned char digest[RS_SHA256_LEN], char hex[RS_SHA256_HEX_LEN]);

#endif
