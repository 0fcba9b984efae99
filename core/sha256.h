/* SHA-256 (FIPS 180-4), used to prove that what was read back from a card is
 * byte for byte what was written, and that the file a bootloader renamed is
 * the firmware that was built. */
#ifndef RS_CORE_SHA256_H
#define RS_CORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define RS_SHA256_LEN 32
#define RS_SHA256_HEX_LEN 65 /* 64 digits + NUL */

struct rs_sha256 {
	uint32_t h[8];
	uint64_t total; /* bytes hashed so far */
	unsigned char block[64];
	size_t fill;
};

void rs_sha256_init(struct rs_sha256 *s);
void rs_sha256_update(struct rs_sha256 *s, const void *data, size_t len);
void rs_sha256_final(struct rs_sha256 *s, unsigned char out[RS_SHA256_LEN]);
/* One-shot digest of a buffer. */
void rs_sha256(const void *data, size_t len, unsigned char out[RS_SHA256_LEN]);
/* Lower-case hex of a buffer's digest, and of a digest. */
void rs_sha256_hex(const void *data, size_t len, char hex[RS_SHA256_HEX_LEN]);
void rs_sha256_to_hex(const unsigned char digest[RS_SHA256_LEN], char hex[RS_SHA256_HEX_LEN]);

#endif
