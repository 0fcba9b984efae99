#include "core/card_policy.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

/* name is prefix followed by one or more digits and nothing else. */
static bool prefix_digits(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(name, prefix, n) != 0 || !name[n])
		return false;
	for (const char *p = name + n; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

bool rs_card_name_is_virtual(const char *name)
{
	static const char *const prefixes[] = { "loop", "ram", "zram", "dm-", "md", "nbd" };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (prefix_digits(name, prefixes[i]))
			return true;
	return strncmp(name, "md_", 3) == 0;
}

bool rs_card_name_is_optical(const char *name)
{
	return prefix_digits(name, "sr") || prefix_digits(name, "scd");
}

bool rs_card_name_is_mmc_hw_part(const char *name)
{
	if (strncmp(name, "mmcblk", 6) != 0)
		return false;
	const char *p = name + 6;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (strcmp(p, "rpmb") == 0)
		return true;
	return prefix_digits(p, "boot");
}

bool rs_mount_is_system(const char *mp)
{
	static const char *const exact[] = {
		"/", "/boot", "/boot/firmware", "/boot/efi", "/usr", "/var", "/home",
		"/etc", "/opt", "/srv", "/root", "/tmp", "[SWAP]",
	};
	static const char *const below[] = { "/boot/", "/usr/", "/var/", "/etc/" };
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strcmp(mp, exact[i]) == 0)
			return true;
	for (size_t i = 0; i < sizeof(below) / sizeof(below[0]); i++)
		if (strncmp(mp, below[i], strlen(below[i])) == 0)
			return true;
	return false;
}

enum rs_card_refusal rs_card_decide(const struct rs_card_facts *f, unsigned *mask)
{
	unsigned m = 0;
	const char *name = f->name ? f->name : "";
	if (f->holds_system)
		m |= 1u << RS_CARD_SYSTEM;
	if (rs_card_name_is_virtual(name))
		m |= 1u << RS_CARD_VIRTUAL;
	if (f->cdrom || rs_card_name_is_optical(name))
		m |= 1u << RS_CARD_OPTICAL;
	if (rs_card_name_is_mmc_hw_part(name))
		m |= 1u << RS_CARD_MMC_HW_PART;
	if (f->board_boot)
		m |= 1u << RS_CARD_BOARD_BOOT;
	if (!f->removable && !f->hotplug)
		m |= 1u << RS_CARD_NOT_REMOVABLE;
	if (f->bus == RS_BUS_OTHER)
		m |= 1u << RS_CARD_WRONG_BUS;
	if (f->size == 0)
		m |= 1u << RS_CARD_EMPTY;
	if (f->read_only)
		m |= 1u << RS_CARD_READ_ONLY;
	if (mask)
		*mask = m;
	for (int r = RS_CARD_SYSTEM; r < RS_CARD_REFUSAL_COUNT; r++)
		if (m & (1u << r))
			return (enum rs_card_refusal)r;
	return RS_CARD_OK;
}

const char *rs_card_refusal_name(enum rs_card_refusal r)
{
	switch (r) {
	case RS_CARD_OK: return "ok";
	case RS_CARD_SYSTEM: return "system-disk";
	case RS_CARD_VIRTUAL: return "virtual";
	case RS_CARD_OPTICAL: return "optical";
	case RS_CARD_MMC_HW_PART: return "mmc-hw-partition";
	case RS_CARD_BOARD_BOOT: return "board-boot-drive";
	case RS_CARD_NOT_REMOVABLE: return "not-removable";
	case RS_CARD_WRONG_BUS: return "wrong-bus";
	case RS_CARD_EMPTY: return "empty";
	case RS_CARD_READ_ONLY: return "read-only";
	}
	return "?";
}

const char *rs_card_refusal_text(enum rs_card_refusal r)
{
	switch (r) {
	case RS_CARD_OK: return "can be written";
	case RS_CARD_SYSTEM: return "holds the running system";
	case RS_CARD_VIRTUAL: return "virtual device (loop, ram, zram, device-mapper)";
	case RS_CARD_OPTICAL: return "optical drive";
	case RS_CARD_MMC_HW_PART: return "eMMC boot/RPMB area";
	case RS_CARD_BOARD_BOOT: return "an RP2040 board in boot mode (BOOTSEL), not an SD card";
	case RS_CARD_NOT_REMOVABLE: return "fixed disk, not removable";
	case RS_CARD_WRONG_BUS: return "not on a USB or SD card reader";
	case RS_CARD_EMPTY: return "no card in the reader (size 0)";
	case RS_CARD_READ_ONLY: return "read-only (write-protect switch?)";
	}
	return "?";
}
