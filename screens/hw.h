/* What is plugged in, for the wizard's screens. The discovery is opened once
 * per run and its file descriptor sits in the event loop; every change bumps
 * a generation that screens compare with the one they last acted on. Screens
 * only read from here. Internal to screens/. */
#ifndef RS_SCREENS_HW_H
#define RS_SCREENS_HW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/board.h"
#include "core/hw.h"
#include "platform/discovery.h"

struct rs_wizard;

/* How sure the wizard is that a board in the list is the one connected. */
enum rs_hw_mark {
	RS_HW_MARK_NONE,
	RS_HW_MARK_MAYBE,     /* same MCU as a connected device, like other boards */
	RS_HW_MARK_CONNECTED, /* its serial names it, or it is the only one with that MCU */
};

struct rs_wizard_hw {
	struct rs_discovery *disc; /* NULL when discovery is not available */
	bool owned;                /* opened here, closed here */
	char *problem;             /* why there is no discovery, or NULL */
	int loop_handle;           /* -1: not in the loop */
	/* Derived from the list, recomputed when the generation moved. */
	bool derived;
	unsigned long derived_gen;
	unsigned char *marks;  /* enum rs_hw_mark per catalog board */
	size_t *device_of;     /* index into list->boards per catalog board, or SIZE_MAX */
	const struct rs_board *best;
};

/* Opens the udev discovery (or uses given, which stays the caller's) and
 * registers it with the event loop. A failure is not fatal: the wizard runs
 * without hardware and says why (rs_wizard_hw_problem). */
void rs_wizard_hw_start(struct rs_wizard *w, struct rs_discovery *given,
			const struct rs_discovery_config *cfg);
void rs_wizard_hw_stop(struct rs_wizard *w);

const char *rs_wizard_hw_problem(const struct rs_wizard *w);
/* Never NULL: an empty list without discovery. Valid until the loop runs a
 * callback again (the end of the current draw or key). */
const struct rs_hw_list *rs_wizard_hw_list(const struct rs_wizard *w);
/* Changes whenever the list did. */
unsigned long rs_wizard_hw_generation(const struct rs_wizard *w);

/* The "[connected]" marker of a board in the list. */
enum rs_hw_mark rs_wizard_hw_mark(struct rs_wizard *w, const struct rs_board *b);
/* The connected device a board was matched to, or NULL. */
const struct rs_hw_board *rs_wizard_hw_device(struct rs_wizard *w, const struct rs_board *b);
/* The board to put the cursor on, or NULL (rs_board_match_best). */
const struct rs_board *rs_wizard_hw_best(struct rs_wizard *w);

/* One line per device, for lists: "/dev/ttyACM0  Klipper firmware, stm32f429xx:
 * Octopus Pro 429" and "/dev/sdf1  Generic STORAGE DEVICE  66.1 MB  FAT32 "RATOS"". */
void rs_wizard_hw_board_text(const struct rs_wizard *w, const struct rs_hw_board *hb, char *buf,
			     size_t len);
void rs_wizard_hw_card_text(const struct rs_hw_card *c, char *buf, size_t len);
/* "FAT32", "exFAT", "NTFS", "unformatted", ... of the card's target. */
const char *rs_wizard_hw_card_fs(const struct rs_hw_card *c);
/* True when the card's target is FAT16 or FAT32, as the bootloaders need. */
bool rs_wizard_hw_card_is_fat(const struct rs_hw_card *c);

#endif
