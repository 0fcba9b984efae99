#include "core/mbr.h"

#include <string.h>

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool rs_mbr_parse(const unsigned char *buf, size_t len, struct rs_mbr *out)
{
	memset(out, 0, sizeof(*out));
	if (len < 512 || buf[510] != 0x55 || buf[511] != 0xAA)
		return false;
	int used = 0;
	for (int i = 0; i < 4; i++) {
		const unsigned char *e = buf + 446 + 16 * i;
		if (e[0] != 0x00 && e[0] != 0x80)
			return false;
		struct rs_mbr_part *p = &out->part[i];
		p->bootable = e[0] == 0x80;
		p->type = e[4];
		p->start = le32(e + 8);
		p->sectors = le32(e + 12);
		if (p->type == 0)
			continue;
		if (p->type == 0xEE)
			out->gpt = true;
		if (p->start == 0 || p->sectors == 0)
			return false;
		used++;
	}
	if (!used)
		return false;
	/* Overlapping entries mean this is not a table (or a broken one). */
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++) {
			const struct rs_mbr_part *a = &out->part[i], *b = &out->part[j];
			if (!a->type || !b->type)
				continue;
			uint64_t a_end = (uint64_t)a->start + a->sectors;
			uint64_t b_end = (uint64_t)b->start + b->sectors;
			if (a->start < b_end && b->start < a_end)
				return false;
		}
	return true;
}

int rs_mbr_first(const struct rs_mbr *mbr)
{
	for (int i = 0; i < 4; i++)
		if (mbr->part[i].type)
			return i;
	return -1;
}

bool rs_mbr_type_is_fat(uint8_t type)
{
	switch (type) {
	case 0x01: /* FAT12 */
	case 0x04: /* FAT16 < 32 MiB */
	case 0x06: /* FAT16 */
	case 0x0B: /* FAT32 CHS */
	case 0x0C: /* FAT32 LBA */
	case 0x0E: /* FAT16 LBA */
		return true;
	default:
		return false;
	}
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

void rs_mbr_build(unsigned char *buf, uint32_t start, uint32_t sectors)
{
	memset(buf, 0, 512);
	unsigned char *e = buf + 446;
	/* CHS fields say "use LBA" (1023/254/63), as every modern tool writes. */
	static const unsigned char chs_max[3] = { 0xFE, 0xFF, 0xFF };
	memcpy(e + 1, chs_max, 3);
	e[4] = 0x0C;
	memcpy(e + 5, chs_max, 3);
	put32(e + 8, start);
	put32(e + 12, sectors);
	buf[510] = 0x55;
	buf[511] = 0xAA;
}
