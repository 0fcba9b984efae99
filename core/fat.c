#include "core/fat.h"

#include <string.h>

#include "core/text_safe.h"

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool pow2_in(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v >= lo && v <= hi && (v & (v - 1)) == 0;
}

static void copy_trimmed(char *dst, const unsigned char *src, size_t n)
{
	size_t len = n;
	while (len && (src[len - 1] == ' ' || src[len - 1] == '\0'))
		len--;
	/* Boot-sector bytes are anyone's: kept display-safe. */
	rs_text_safe_copy(dst, 4 * n + 1, (const char *)src, len);
}

/* The BIOS parameter block a FAT volume must have. */
static bool fat_bpb_sane(const unsigned char *b)
{
	if (b[0] != 0xEB && b[0] != 0xE9)
		return false;
	uint32_t bps = le16(b + 11);
	uint32_t spc = b[13];
	return pow2_in(bps, 512, 4096) && pow2_in(spc, 1, 128) && le16(b + 14) > 0 &&
	       (b[16] == 1 || b[16] == 2);
}

bool rs_fat_is_volume(const unsigned char *buf, size_t len)
{
	if (len < RS_SECTOR || buf[510] != 0x55 || buf[511] != 0xAA)
		return false;
	return memcmp(buf + 3, "EXFAT   ", 8) == 0 || memcmp(buf + 3, "NTFS    ", 8) == 0 ||
	       fat_bpb_sane(buf);
}

static enum rs_fs_kind inspect_fat(const unsigned char *b, struct rs_fat_info *out)
{
	uint32_t bps = le16(b + 11);
	uint32_t spc = b[13];
	uint32_t reserved = le16(b + 14);
	uint32_t fats = b[16];
	uint32_t root_entries = le16(b + 17);
	uint32_t total = le16(b + 19) ? le16(b + 19) : le32(b + 32);
	uint32_t fat_size = le16(b + 22) ? le16(b + 22) : le32(b + 36);
	bool fat32_layout = le16(b + 22) == 0;
	uint32_t root_sectors = (root_entries * 32 + bps - 1) / bps;
	uint64_t meta = (uint64_t)reserved + (uint64_t)fats * fat_size + root_sectors;

	out->sector_size = bps;
	out->cluster_size = bps * spc;
	out->total_bytes = (uint64_t)total * bps;
	if (fat_size == 0 || total <= meta)
		return RS_FS_OTHER;
	uint64_t clusters = (total - meta) / spc;
	out->clusters = clusters > UINT32_MAX ? UINT32_MAX : (uint32_t)clusters;

	/* The type follows from the cluster count (Microsoft's FAT spec, and
	 * what FatFs in the bootloaders does); the layout must agree. */
	enum rs_fs_kind kind = clusters < 4085 ? RS_FS_FAT12 : clusters < 65525 ? RS_FS_FAT16 : RS_FS_FAT32;
	if (fat32_layout != (kind == RS_FS_FAT32))
		return RS_FS_OTHER;
	const unsigned char *ext = fat32_layout ? b + 64 : b + 36; /* extended BPB */
	if (ext[2] == 0x29) {
		out->serial = le32(ext + 3);
		copy_trimmed(out->label, ext + 7, 11);
		if (strcmp(out->label, "NO NAME") == 0)
			out->label[0] = '\0';
	}
	return kind;
}

enum rs_fs_kind rs_fat_inspect(const unsigned char *buf, size_t len, struct rs_fat_info *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = RS_FS_NONE;
	if (len < RS_SECTOR || buf[510] != 0x55 || buf[511] != 0xAA)
		return out->kind;
	copy_trimmed(out->oem, buf + 3, 8);
	if (memcmp(buf + 3, "EXFAT   ", 8) == 0) {
		out->kind = RS_FS_EXFAT;
		uint32_t shift = buf[108], cshift = buf[109];
		if (shift >= 9 && shift <= 12 && cshift <= 25 - shift) {
			out->sector_size = 1u << shift;
			out->cluster_size = 1u << (shift + cshift);
			uint64_t sectors = (uint64_t)le32(buf + 72) | (uint64_t)le32(buf + 76) << 32;
			out->total_bytes = sectors << shift;
		}
	} else if (memcmp(buf + 3, "NTFS    ", 8) == 0) {
		out->kind = RS_FS_NTFS;
		out->sector_size = le16(buf + 11);
		uint64_t sectors = (uint64_t)le32(buf + 40) | (uint64_t)le32(buf + 44) << 32;
		out->total_bytes = sectors * out->sector_size;
	} else if (fat_bpb_sane(buf)) {
		out->kind = inspect_fat(buf, out);
	} else {
		out->kind = RS_FS_OTHER;
	}
	return out->kind;
}

bool rs_fs_kind_usable(enum rs_fs_kind kind)
{
	return kind == RS_FS_FAT16 || kind == RS_FS_FAT32;
}

const char *rs_fs_kind_name(enum rs_fs_kind kind)
{
	switch (kind) {
	case RS_FS_NONE: return "unformatted";
	case RS_FS_FAT12: return "FAT12";
	case RS_FS_FAT16: return "FAT16";
	case RS_FS_FAT32: return "FAT32";
	case RS_FS_EXFAT: return "exFAT";
	case RS_FS_NTFS: return "NTFS";
	case RS_FS_OTHER: return "unknown filesystem";
	}
	return "?";
}
