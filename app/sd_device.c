/* Choosing the card for `ratos-setup sdcard write|check`. */
#include "app/sd_device.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/hw.h"
#include "core/xalloc.h"
#include "platform/discovery.h"
#include "platform/sdformat.h"

static void list_cards(const struct rs_hw_card *const *cards, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char size[32];
		const struct rs_hw_part *p = rs_hw_card_target_part(cards[i]);
		rs_sd_format_size(p && p->size ? p->size : cards[i]->size, size, sizeof(size));
		fprintf(stderr, "  %-12s %s %s, %s%s\n", rs_hw_card_target(cards[i]),
			cards[i]->vendor ? cards[i]->vendor : "", cards[i]->model ? cards[i]->model : "",
			size, cards[i]->refusal == RS_CARD_READ_ONLY ? ", write-protected" : "");
	}
}

/* A card is never picked when there is a choice to make. check also takes
 * a write-protected card (it only reads). */
char *rs_sd_device_choose(const char *device, const char *mountinfo, bool reading)
{
	if (device)
		return rs_xstrdup(device);
	char *why = NULL, *dev = NULL;
	struct rs_discovery_config cfg = { .mountinfo_path = mountinfo };
	struct rs_discovery *d = rs_discovery_open(&cfg, &why);
	if (!d) {
		fprintf(stderr, "ratos-setup sdcard: cannot look for cards (%s); pass --device with "
				"the card's partition (e.g. --device /dev/sda1) or an image file\n",
			why ? why : "unknown error");
		free(why);
		return NULL;
	}
	const struct rs_hw_list *l = rs_discovery_list(d);
	const struct rs_hw_card **ok = rs_xcalloc(l->card_count + 1, sizeof(*ok));
	const struct rs_hw_card **ro = rs_xcalloc(l->card_count + 1, sizeof(*ro));
	size_t n_ok = 0, n_ro = 0;
	for (size_t i = 0; i < l->card_count; i++) {
		if (l->cards[i].refusal == RS_CARD_OK)
			ok[n_ok++] = &l->cards[i];
		else if (l->cards[i].refusal == RS_CARD_READ_ONLY)
			ro[n_ro++] = &l->cards[i];
	}
	if (reading)
		for (size_t i = 0; i < n_ro; i++)
			ok[n_ok++] = ro[i];
	if (n_ok == 1) {
		dev = rs_xstrdup(rs_hw_card_target(ok[0]));
		fprintf(stderr, "Using %s, the only SD card in a card reader.\n", dev);
	} else if (n_ok > 1) {
		fprintf(stderr, "ratos-setup sdcard: %zu SD cards found; pass --device with the one "
				"to use:\n", n_ok);
		list_cards(ok, n_ok);
	} else {
		fprintf(stderr, "ratos-setup sdcard: no SD card found in a card reader. Insert the "
				"card into a USB card reader on the Pi, or pass --device with the card's "
				"partition or an image file.\n");
		if (n_ro) {
			fprintf(stderr, "Write-protected (slide the lock switch away from LOCK):\n");
			list_cards(ro, n_ro);
		}
	}
	free(ok);
	free(ro);
	rs_discovery_close(d);
	return dev;
}
