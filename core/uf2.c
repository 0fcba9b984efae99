#include "core/uf2.h"

#include <stdio.h>
#include <string.h>

#define MAGIC_START0 0x0A324655u /* "UF2\n" */
#define MAGIC_START1 0x9E5D5157u
#define MAGIC_END 0x0AB16F30u
#define FLAG_NOT_MAIN_FLASH 0x00000001u
#define FLAG_FAMILY_ID 0x00002000u

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool rs_uf2_check(const unsigned char *data, size_t len, uint32_t family,
		  struct rs_uf2_info *info, char *why, size_t whylen)
{
	memset(info, 0, sizeof(*info));
	why[0] = '\0';
	if (len == 0 || len % RS_UF2_BLOCK != 0) {
		snprintf(why, whylen, "not a UF2 file: %zu bytes is not a whole number of "
				      "512-byte blocks", len);
		return false;
	}
	size_t n = len / RS_UF2_BLOCK;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *b = data + i * RS_UF2_BLOCK;
		if (le32(b) != MAGIC_START0 || le32(b + 4) != MAGIC_START1 ||
		    le32(b + 508) != MAGIC_END) {
			snprintf(why, whylen, "not a UF2 file: block %zu has no UF2 magic numbers",
				 i);
			return false;
		}
		uint32_t flags = le32(b + 8), size = le32(b + 16), no = le32(b + 20),
			 count = le32(b + 24), fam = le32(b + 28);
		if (no != i || count != n) {
			snprintf(why, whylen, "incomplete UF2 file: block %zu says it is %u of %u, "
					      "the file has %zu",
				 i, (unsigned)no, (unsigned)count, n);
			return false;
		}
		if (size > 476) {
			snprintf(why, whylen, "broken UF2 file: block %zu carries %u bytes (476 at "
					      "most)", i, (unsigned)size);
			return false;
		}
		if (flags & FLAG_FAMILY_ID) {
			if (family && fam != family) {
				snprintf(why, whylen, "UF2 file for another chip family (0x%08x, "
						      "the RP2040 is 0x%08x)",
					 (unsigned)fam, (unsigned)family);
				return false;
			}
			info->family = fam;
		}
		if (i == 0)
			info->first_addr = le32(b + 12);
		if (!(flags & FLAG_NOT_MAIN_FLASH))
			info->payload += size;
	}
	info->blocks = (uint32_t)n;
	return true;
}
