/* The DOS partition table of a whole card (or a whole-card image). The SD
 * bootloaders read the first partition only, so that is the one we write. */
#ifndef RS_CORE_MBR_H
#define RS_CORE_MBR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rs_mbr_part {
	uint8_t type; /* 0 = unused */
	bool bootable;
	uint32_t start; /* first sector (LBA, 512 bytes) */
	uint32_t sectors;
};

struct rs_mbr {
	struct rs_mbr_part part[4];
	bool gpt; /* a protective MBR: the real table is GPT */
};

/* Parses sector 0. False when it is not a partition table (no 55 AA, invalid
 * status bytes, overlapping or empty entries). Check rs_fat_is_volume first:
 * a FAT boot sector also ends in 55 AA. */
bool rs_mbr_parse(const unsigned char *buf, size_t len, struct rs_mbr *out);
/* Index of the first used primary partition, or -1. */
int rs_mbr_first(const struct rs_mbr *mbr);
/* Partition types that announce a FAT filesystem. */
bool rs_mbr_type_is_fat(uint8_t type);
/* A fresh sector 0 with one partition (type 0x0C, FAT32 LBA) from start for
 * sectors, the layout SD cards ship with. buf must hold 512 bytes. */
void rs_mbr_build(unsigned char *buf, uint32_t start, uint32_t sectors);

#endif
