/* The SD screen's list of cards: a copy of what discovery offers, rebuilt
 * when the hardware list changes, with the cursor kept on the same card and
 * the change reported (which card came, whether one went) so the screen can
 * react. Internal to screens/. */
#ifndef RS_SCREENS_SDCARD_LIST_H
#define RS_SCREENS_SDCARD_LIST_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "tui/list.h"

struct rs_wizard;

struct rs_sd_card_row {
	char *syspath;    /* the disk: the same card reader across events */
	char *target;     /* the node written: first FAT partition, else the disk */
	char *text;       /* the line shown */
	const char *note; /* why it cannot be written or a warning; NULL when none */
	bool selectable;  /* read-only cards are shown, never chosen */
};

struct rs_sd_cards {
	struct rs_sd_card_row *rows;
	size_t count;
	struct rs_list list;
	bool synced;
	unsigned long gen;
	char hidden[320]; /* refused devices present right now, or "" */
	int width;        /* of a row, for the row callback (from layout) */
};

struct rs_sd_cards_change {
	char *added;          /* syspath of a writable card that came, or NULL */
	bool removed;         /* some card went */
	char *removed_target; /* the node of one that went */
};

/* Rebuilds from the wizard's hardware list when it changed since the last
 * call; true then. ch (may be NULL) says what changed; the first call after
 * free reports nothing as added. */
bool rs_sd_cards_sync(struct rs_sd_cards *c, struct rs_wizard *w, struct rs_sd_cards_change *ch);
void rs_sd_cards_change_free(struct rs_sd_cards_change *ch);
void rs_sd_cards_free(struct rs_sd_cards *c);

size_t rs_sd_cards_selectable(const struct rs_sd_cards *c);
/* Row of the card with this syspath, SIZE_MAX when it is not there. */
size_t rs_sd_cards_find(const struct rs_sd_cards *c, const char *syspath);
void rs_sd_cards_select(struct rs_sd_cards *c, const char *syspath);
/* The selected card, NULL when none. */
const char *rs_sd_cards_syspath(const struct rs_sd_cards *c);
const char *rs_sd_cards_target(const struct rs_sd_cards *c);
const char *rs_sd_cards_target_at(const struct rs_sd_cards *c, size_t i);

/* The list shows height rows of width columns. */
void rs_sd_cards_layout(struct rs_sd_cards *c, int height, int width);
bool rs_sd_cards_key(struct rs_sd_cards *c, enum rs_request req);
/* The list at row y, then what is not shown and why; problem (discovery
 * trouble) is shown when set. Returns the next free row. */
int rs_sd_cards_draw(const struct rs_sd_cards *c, WINDOW *w, int y, int width,
		     const char *problem);

#endif
