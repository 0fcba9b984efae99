/* What filesystem a volume's first sector describes. Pure: it is given the
 * bytes, so it works the same on a card, a partition and an image file.
 * Bootloaders that read firmware from SD cards understand FAT16 and FAT32
 * only; exFAT (what cards over 32 GB come with) and NTFS are recognised so the
 * user can be told exactly why the card will not do. */
#ifndef RS_CORE_FAT_H
#define RS_CORE_FAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RS_SECTOR 512

enum rs_fs_kind {
	RS_FS_NONE,  /* no boot signature / blank: unformatted */
	RS_FS_FAT12,
	RS_FS_FAT16,
	RS_FS_FAT32,
	RS_FS_EXFAT,
	RS_FS_NTFS,
	RS_FS_OTHER, /* a boot signature, but no FAT parameters we accept */
};

struct rs_fat_info {
	enum rs_fs_kind kind;
	/* Boot-sector volume label, trailing blanks removed, display-safe
	 * (an escaped byte takes four characters). */
	char label[4 * 11 + 1];
	char oem[4 * 8 + 1];
	uint32_t sector_size;  /* bytes */
	uint32_t cluster_size; /* bytes; 0 for non-FAT */
	uint64_t total_bytes;  /* size of the volume the boot sector describes */
	uint32_t clusters;     /* data clusters */
	uint32_t serial;
};

/* Inspects a volume boot sector (at least 512 bytes). Always fills out;
 * returns out->kind. A FAT whose layout and cluster count disagree (FAT32
 * layout with too few clusters, which tools and bootloaders read differently)
 * is reported as RS_FS_OTHER. */
enum rs_fs_kind rs_fat_inspect(const unsigned char *buf, size_t len, struct rs_fat_info *out);
/* True when this looks like a FAT/exFAT/NTFS volume boot sector rather than a
 * partition table (both end in 55 AA). */
bool rs_fat_is_volume(const unsigned char *buf, size_t len);
/* FAT16 and FAT32: what SD-card bootloaders read. */
bool rs_fs_kind_usable(enum rs_fs_kind kind);
const char *rs_fs_kind_name(enum rs_fs_kind kind);

#endif
