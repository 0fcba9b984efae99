/* UF2, the file format the RP2040's boot ROM takes on its RPI-RP2 drive
 * (Klipper's `out/klipper.uf2`): 512-byte blocks, each with its own magic
 * numbers, block number and block count, and (flag 0x2000) a family id,
 * 0xe48bff56 for the RP2040. A file the ROM would ignore or take only in
 * part is refused before anything is copied. */
#ifndef RS_CORE_UF2_H
#define RS_CORE_UF2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RS_UF2_BLOCK 512u
#define RS_UF2_FAMILY_RP2040 0xe48bff56u

struct rs_uf2_info {
	uint32_t blocks;
	uint32_t family;       /* 0 when no block states one */
	uint32_t first_addr;   /* target address of block 0 */
	uint64_t payload;      /* bytes of flash it writes */
};

/* True when data is a complete UF2 file for family (0: any). Otherwise why
 * says what is wrong (one sentence, no final full stop). */
bool rs_uf2_check(const unsigned char *data, size_t len, uint32_t family,
		  struct rs_uf2_info *info, char *why, size_t whylen);

#endif
