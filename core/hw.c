#include "core/hw.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/text_safe.h"
#include "core/xalloc.h"

static char *dup_or_null(const char *s)
{
	return s ? rs_xstrdup(s) : NULL;
}

void rs_hw_board_free(struct rs_hw_board *b)
{
	if (!b)
		return;
	free(b->syspath);
	free(b->tty_syspath);
	free(b->devnode);
	free(b->by_id);
	free(b->manufacturer);
	free(b->product);
	free(b->serial);
	free(b->mcu);
	free(b->boot_disk);
	free(b->boot_volume);
	free(b->boot_label);
	memset(b, 0, sizeof(*b));
}

void rs_hw_part_free(struct rs_hw_part *p)
{
	free(p->name);
	free(p->devnode);
	free(p->fs_type);
	free(p->fs_version);
	free(p->fs_label);
	free(p->mountpoint);
	memset(p, 0, sizeof(*p));
}

void rs_hw_card_free(struct rs_hw_card *c)
{
	if (!c)
		return;
	free(c->syspath);
	free(c->name);
	free(c->devnode);
	free(c->vendor);
	free(c->model);
	free(c->mountpoint);
	free(c->system_path);
	for (size_t i = 0; i < c->part_count; i++)
		rs_hw_part_free(&c->parts[i]);
	free(c->parts);
	memset(c, 0, sizeof(*c));
}

void rs_hw_list_free(struct rs_hw_list *l)
{
	for (size_t i = 0; i < l->board_count; i++)
		rs_hw_board_free(&l->boards[i]);
	free(l->boards);
	for (size_t i = 0; i < l->card_count; i++)
		rs_hw_card_free(&l->cards[i]);
	free(l->cards);
	memset(l, 0, sizeof(*l));
}

static void board_copy(struct rs_hw_board *dst, const struct rs_hw_board *src,
		       char *(*dup)(const char *))
{
	*dst = *src;
	dst->syspath = dup(src->syspath);
	dst->tty_syspath = dup(src->tty_syspath);
	dst->devnode = dup(src->devnode);
	dst->by_id = dup(src->by_id);
	dst->manufacturer = dup(src->manufacturer);
	dst->product = dup(src->product);
	dst->serial = dup(src->serial);
	dst->mcu = dup(src->mcu);
	dst->boot_disk = dup(src->boot_disk);
	dst->boot_volume = dup(src->boot_volume);
	dst->boot_label = dup(src->boot_label);
}

static void card_copy(struct rs_hw_card *dst, const struct rs_hw_card *src,
		      char *(*dup)(const char *))
{
	*dst = *src;
	dst->syspath = dup(src->syspath);
	dst->name = dup(src->name);
	dst->devnode = dup(src->devnode);
	dst->vendor = dup(src->vendor);
	dst->model = dup(src->model);
	dst->mountpoint = dup(src->mountpoint);
	dst->system_path = dup(src->system_path);
	dst->parts = src->part_count ? rs_xcalloc(src->part_count, sizeof(*dst->parts)) : NULL;
	for (size_t i = 0; i < src->part_count; i++) {
		const struct rs_hw_part *s = &src->parts[i];
		struct rs_hw_part *d = &dst->parts[i];
		*d = *s;
		d->name = dup(s->name);
		d->devnode = dup(s->devnode);
		d->fs_type = dup(s->fs_type);
		d->fs_version = dup(s->fs_version);
		d->fs_label = dup(s->fs_label);
		d->mountpoint = dup(s->mountpoint);
	}
}

void rs_hw_board_copy(struct rs_hw_board *dst, const struct rs_hw_board *src)
{
	board_copy(dst, src, dup_or_null);
}

void rs_hw_card_copy(struct rs_hw_card *dst, const struct rs_hw_card *src)
{
	card_copy(dst, src, dup_or_null);
}

void rs_hw_board_copy_shown(struct rs_hw_board *dst, const struct rs_hw_board *src)
{
	board_copy(dst, src, rs_text_safe);
}

void rs_hw_card_copy_shown(struct rs_hw_card *dst, const struct rs_hw_card *src)
{
	card_copy(dst, src, rs_text_safe);
}

void rs_hw_list_copy(struct rs_hw_list *dst, const struct rs_hw_list *src)
{
	memset(dst, 0, sizeof(*dst));
	if (src->board_count)
		dst->boards = rs_xcalloc(src->board_count, sizeof(*dst->boards));
	for (size_t i = 0; i < src->board_count; i++)
		rs_hw_board_copy(&dst->boards[i], &src->boards[i]);
	dst->board_count = src->board_count;
	if (src->card_count)
		dst->cards = rs_xcalloc(src->card_count, sizeof(*dst->cards));
	for (size_t i = 0; i < src->card_count; i++)
		rs_hw_card_copy(&dst->cards[i], &src->cards[i]);
	dst->card_count = src->card_count;
}

void rs_hw_list_put_board(struct rs_hw_list *l, struct rs_hw_board *b)
{
	for (size_t i = 0; i < l->board_count; i++) {
		if (strcmp(l->boards[i].syspath, b->syspath) == 0) {
			rs_hw_board_free(&l->boards[i]);
			l->boards[i] = *b;
			memset(b, 0, sizeof(*b));
			return;
		}
	}
	l->boards = rs_xrealloc(l->boards, (l->board_count + 1) * sizeof(*l->boards));
	l->boards[l->board_count++] = *b;
	memset(b, 0, sizeof(*b));
}

void rs_hw_list_put_card(struct rs_hw_list *l, struct rs_hw_card *c)
{
	for (size_t i = 0; i < l->card_count; i++) {
		if (strcmp(l->cards[i].syspath, c->syspath) == 0) {
			rs_hw_card_free(&l->cards[i]);
			l->cards[i] = *c;
			memset(c, 0, sizeof(*c));
			return;
		}
	}
	l->cards = rs_xrealloc(l->cards, (l->card_count + 1) * sizeof(*l->cards));
	l->cards[l->card_count++] = *c;
	memset(c, 0, sizeof(*c));
}

/* path is syspath itself or something below it. */
static bool at_or_below(const char *path, const char *syspath)
{
	if (!path)
		return false;
	size_t n = strlen(syspath);
	return strncmp(path, syspath, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

size_t rs_hw_list_remove(struct rs_hw_list *l, const char *syspath)
{
	size_t removed = 0, kept = 0;
	for (size_t i = 0; i < l->board_count; i++) {
		struct rs_hw_board *b = &l->boards[i];
		if (at_or_below(b->syspath, syspath) || at_or_below(b->tty_syspath, syspath)) {
			rs_hw_board_free(b);
			removed++;
		} else {
			l->boards[kept++] = *b;
		}
	}
	l->board_count = kept;
	kept = 0;
	for (size_t i = 0; i < l->card_count; i++) {
		struct rs_hw_card *c = &l->cards[i];
		if (at_or_below(c->syspath, syspath)) {
			rs_hw_card_free(c);
			removed++;
		} else {
			l->cards[kept++] = *c;
		}
	}
	l->card_count = kept;
	return removed;
}

const struct rs_hw_board *rs_hw_list_find_board(const struct rs_hw_list *l, const char *syspath)
{
	for (size_t i = 0; i < l->board_count; i++)
		if (strcmp(l->boards[i].syspath, syspath) == 0)
			return &l->boards[i];
	return NULL;
}

const struct rs_hw_card *rs_hw_list_find_card(const struct rs_hw_list *l, const char *syspath)
{
	for (size_t i = 0; i < l->card_count; i++)
		if (strcmp(l->cards[i].syspath, syspath) == 0)
			return &l->cards[i];
	return NULL;
}

size_t rs_hw_list_candidates(const struct rs_hw_list *l)
{
	size_t n = 0;
	for (size_t i = 0; i < l->card_count; i++)
		n += l->cards[i].refusal == RS_CARD_OK;
	return n;
}

/* The bootloaders read the first FAT partition; a card without a partition
 * table is written as a whole. */
const struct rs_hw_part *rs_hw_card_target_part(const struct rs_hw_card *c)
{
	for (size_t i = 0; i < c->part_count; i++)
		if (c->parts[i].fs_type && strcmp(c->parts[i].fs_type, "vfat") == 0)
			return &c->parts[i];
	return c->part_count ? &c->parts[0] : NULL;
}

const char *rs_hw_card_target(const struct rs_hw_card *c)
{
	const struct rs_hw_part *p = rs_hw_card_target_part(c);
	return p && p->devnode ? p->devnode : c->devnode;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool board_differs(const struct rs_hw_board *a, const struct rs_hw_board *b)
{
	return a->kind != b->kind || !same_str(a->devnode, b->devnode) ||
	       !same_str(a->by_id, b->by_id) || !same_str(a->serial, b->serial) ||
	       !same_str(a->mcu, b->mcu) || !same_str(a->boot_volume, b->boot_volume) ||
	       !same_str(a->boot_label, b->boot_label);
}

static bool part_differs(const struct rs_hw_part *a, const struct rs_hw_part *b)
{
	return !same_str(a->name, b->name) || a->size != b->size ||
	       !same_str(a->fs_type, b->fs_type) || !same_str(a->fs_label, b->fs_label) ||
	       !same_str(a->mountpoint, b->mountpoint);
}

static bool card_differs(const struct rs_hw_card *a, const struct rs_hw_card *b)
{
	if (a->size != b->size || a->refusal != b->refusal || a->read_only != b->read_only ||
	    a->part_count != b->part_count || !same_str(a->mountpoint, b->mountpoint))
		return true;
	for (size_t i = 0; i < a->part_count; i++)
		if (part_differs(&a->parts[i], &b->parts[i]))
			return true;
	return false;
}

void rs_hw_list_diff(const struct rs_hw_list *before, const struct rs_hw_list *after,
		     void (*fn)(void *ctx, const struct rs_hw_event *ev), void *ctx)
{
	for (size_t i = 0; i < before->board_count; i++) {
		const struct rs_hw_board *b = &before->boards[i];
		if (!rs_hw_list_find_board(after, b->syspath))
			fn(ctx, &(struct rs_hw_event){ .change = RS_HW_REMOVED, .board = b });
	}
	for (size_t i = 0; i < before->card_count; i++) {
		const struct rs_hw_card *c = &before->cards[i];
		if (!rs_hw_list_find_card(after, c->syspath))
			fn(ctx, &(struct rs_hw_event){ .change = RS_HW_REMOVED, .card = c });
	}
	for (size_t i = 0; i < after->board_count; i++) {
		const struct rs_hw_board *b = &after->boards[i];
		const struct rs_hw_board *old = rs_hw_list_find_board(before, b->syspath);
		if (!old || board_differs(old, b))
			fn(ctx, &(struct rs_hw_event){ .change = old ? RS_HW_CHANGED : RS_HW_ADDED,
						       .board = b,
						       .old_board = old });
	}
	for (size_t i = 0; i < after->card_count; i++) {
		const struct rs_hw_card *c = &after->cards[i];
		const struct rs_hw_card *old = rs_hw_list_find_card(before, c->syspath);
		if (!old || card_differs(old, c))
			fn(ctx, &(struct rs_hw_event){ .change = old ? RS_HW_CHANGED : RS_HW_ADDED,
						       .card = c,
						       .old_card = old });
	}
}

const char *rs_hw_change_name(enum rs_hw_change c)
{
	switch (c) {
	case RS_HW_ADDED: return "add";
	case RS_HW_REMOVED: return "remove";
	case RS_HW_CHANGED: return "change";
	}
	return "?";
}

static const struct {
	unsigned vid, pid;
	enum rs_hw_board_kind kind;
	const char *name, *title;
	bool tty;
} usb_ids[] = {
	{ 0x1d50, 0x614e, RS_HW_KLIPPER, "klipper", "Klipper firmware", true },
	{ 0x1d50, 0x6177, RS_HW_KATAPULT, "katapult", "Katapult bootloader", true },
	{ 0x1d50, 0x606f, RS_HW_CAN_BRIDGE, "can-bridge", "Klipper USB-to-CAN bridge", false },
	{ 0x0483, 0xdf11, RS_HW_STM32_DFU, "dfu", "STM32 DFU bootloader", false },
	{ 0x2e8a, 0x0003, RS_HW_RP2040_BOOT, "rp2040-boot", "RP2040 boot mode (BOOTSEL)", false },
	{ 0x2c99, 0x0002, RS_HW_EINSY, "einsy", "Prusa Einsy", true },
};
#define USB_ID_COUNT (sizeof(usb_ids) / sizeof(usb_ids[0]))

bool rs_hw_board_kind_from_usb(unsigned vid, unsigned pid, enum rs_hw_board_kind *out)
{
	for (size_t i = 0; i < USB_ID_COUNT; i++) {
		if (usb_ids[i].vid == vid && usb_ids[i].pid == pid) {
			*out = usb_ids[i].kind;
			return true;
		}
	}
	return false;
}

bool rs_hw_board_kind_has_tty(enum rs_hw_board_kind kind)
{
	for (size_t i = 0; i < USB_ID_COUNT; i++)
		if (usb_ids[i].kind == kind)
			return usb_ids[i].tty;
	return false;
}

const char *rs_hw_board_kind_name(enum rs_hw_board_kind kind)
{
	for (size_t i = 0; i < USB_ID_COUNT; i++)
		if (usb_ids[i].kind == kind)
			return usb_ids[i].name;
	return "?";
}

const char *rs_hw_board_kind_title(enum rs_hw_board_kind kind)
{
	for (size_t i = 0; i < USB_ID_COUNT; i++)
		if (usb_ids[i].kind == kind)
			return usb_ids[i].title;
	return "?";
}

/* Klipper's MCU names are [a-z0-9_]; anything else in the product string is
 * not an MCU name we could match, so it is better reported as unknown. */
static char *mcu_from_product(const char *product)
{
	if (!product)
		return NULL;
	while (isspace((unsigned char)*product))
		product++;
	size_t n = strlen(product);
	while (n && isspace((unsigned char)product[n - 1]))
		n--;
	if (n == 0 || n > 32)
		return NULL;
	char *out = rs_xstrndup(product, n);
	for (char *p = out; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
		if (!isalnum((unsigned char)*p) && *p != '_') {
			free(out);
			return NULL;
		}
	}
	return out;
}

char *rs_hw_board_guess_mcu(enum rs_hw_board_kind kind, const char *product)
{
	switch (kind) {
	case RS_HW_KLIPPER:
	case RS_HW_KATAPULT:
	case RS_HW_CAN_BRIDGE:
		return mcu_from_product(product);
	case RS_HW_RP2040_BOOT:
		return rs_xstrdup("rp2040");
	case RS_HW_EINSY:
		return rs_xstrdup("atmega2560");
	case RS_HW_STM32_DFU:
		break; /* the ROM bootloader does not say which STM32 it is */
	}
	return NULL;
}

const char *rs_card_bus_name(enum rs_card_bus bus)
{
	switch (bus) {
	case RS_BUS_USB: return "usb";
	case RS_BUS_MMC: return "mmc";
	case RS_BUS_OTHER: break;
	}
	return "other";
}
