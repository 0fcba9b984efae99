#include "screens/sdcard_list.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/card_policy.h"
#include "core/sdcheck.h"
#include "core/xalloc.h"
#include "screens/wizard.h"
#include "tui/tui.h"

#define HIDDEN_NAMED 2 /* refused devices named; more are counted */

static void rows_free(struct rs_sd_card_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].syspath);
		free(rows[i].target);
		free(rows[i].text);
	}
	free(rows);
}

void rs_sd_cards_free(struct rs_sd_cards *c)
{
	rows_free(c->rows, c->count);
	memset(c, 0, sizeof(*c));
}

void rs_sd_cards_change_free(struct rs_sd_cards_change *ch)
{
	free(ch->added);
	free(ch->removed_target);
	memset(ch, 0, sizeof(*ch));
}

static bool row_selectable(void *data, size_t i)
{
	struct rs_sd_cards *c = data;
	return c->rows[i].selectable;
}

static const char *note_of(const struct rs_hw_card *hc)
{
	if (hc->refusal == RS_CARD_READ_ONLY)
		return "write-protected: slide the lock switch on the card away from LOCK";
	if (!rs_wizard_hw_card_is_fat(hc))
		return "not FAT32/FAT16, so the board's bootloader cannot read it; Enter says "
		       "how to reformat it";
	if (hc->size > RS_SD_LARGE_CARD)
		return "over 32 GB: many bootloaders cannot read cards this large";
	return NULL;
}

static void describe_hidden(struct rs_sd_cards *c, const struct rs_hw_list *l)
{
	size_t n = 0, named = 0;
	int len = 0;
	c->hidden[0] = '\0';
	for (size_t i = 0; i < l->card_count; i++) {
		const struct rs_hw_card *hc = &l->cards[i];
		if (hc->refusal == RS_CARD_OK || hc->refusal == RS_CARD_READ_ONLY)
			continue;
		n++;
		if (named++ >= HIDDEN_NAMED || len < 0 || (size_t)len >= sizeof(c->hidden))
			continue;
		len += snprintf(c->hidden + len, sizeof(c->hidden) - (size_t)len, "%s%s (%s)",
				len ? ", " : "Hidden here: ", hc->devnode ? hc->devnode : hc->name,
				rs_card_refusal_text(hc->refusal));
	}
	if (n > HIDDEN_NAMED && len >= 0 && (size_t)len < sizeof(c->hidden))
		snprintf(c->hidden + len, sizeof(c->hidden) - (size_t)len, " and %zu more",
			 n - HIDDEN_NAMED);
}

size_t rs_sd_cards_find(const struct rs_sd_cards *c, const char *syspath)
{
	for (size_t i = 0; syspath && i < c->count; i++)
		if (strcmp(c->rows[i].syspath, syspath) == 0)
			return i;
	return SIZE_MAX;
}

static size_t find_in(const struct rs_sd_card_row *rows, size_t n, const char *syspath)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].syspath, syspath) == 0)
			return i;
	return SIZE_MAX;
}

bool rs_sd_cards_sync(struct rs_sd_cards *c, struct rs_wizard *w, struct rs_sd_cards_change *ch)
{
	if (ch)
		memset(ch, 0, sizeof(*ch));
	unsigned long gen = rs_wizard_hw_generation(w);
	if (c->synced && c->gen == gen)
		return false;
	const struct rs_hw_list *l = rs_wizard_hw_list(w);
	struct rs_sd_card_row *rows = rs_xcalloc(l->card_count + 1, sizeof(*rows));
	size_t n = 0;
	for (size_t i = 0; i < l->card_count; i++) {
		const struct rs_hw_card *hc = &l->cards[i];
		if (hc->refusal != RS_CARD_OK && hc->refusal != RS_CARD_READ_ONLY)
			continue;
		char text[300];
		rs_wizard_hw_card_text(hc, text, sizeof(text));
		rows[n++] = (struct rs_sd_card_row){
			.syspath = rs_xstrdup(hc->syspath),
			.target = rs_xstrdup(rs_hw_card_target(hc)),
			.text = rs_xstrdup(text),
			.note = note_of(hc),
			.selectable = hc->refusal == RS_CARD_OK,
		};
	}
	/* What changed, seen from the rows the user had in front of them. */
	if (ch && c->synced) {
		for (size_t i = 0; i < n && !ch->added; i++) {
			size_t old = find_in(c->rows, c->count, rows[i].syspath);
			if (rows[i].selectable && (old == SIZE_MAX || !c->rows[old].selectable))
				ch->added = rs_xstrdup(rows[i].syspath);
		}
		for (size_t i = 0; i < c->count; i++) {
			if (find_in(rows, n, c->rows[i].syspath) != SIZE_MAX)
				continue;
			ch->removed = true;
			if (!ch->removed_target)
				ch->removed_target = rs_xstrdup(c->rows[i].target);
		}
	}
	char *keep = rs_sd_cards_syspath(c) ? rs_xstrdup(rs_sd_cards_syspath(c)) : NULL;
	rows_free(c->rows, c->count);
	c->rows = rows;
	c->count = n;
	c->list.count = n;
	c->list.data = c;
	c->list.selectable = row_selectable;
	size_t at = keep ? rs_sd_cards_find(c, keep) : SIZE_MAX;
	c->list.top = 0;
	rs_list_select(&c->list, at == SIZE_MAX ? 0 : at);
	rs_list_fix(&c->list);
	free(keep);
	describe_hidden(c, l);
	c->synced = true;
	c->gen = gen;
	return true;
}

size_t rs_sd_cards_selectable(const struct rs_sd_cards *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->count; i++)
		n += c->rows[i].selectable;
	return n;
}

void rs_sd_cards_select(struct rs_sd_cards *c, const char *syspath)
{
	size_t i = rs_sd_cards_find(c, syspath);
	if (i != SIZE_MAX) {
		rs_list_select(&c->list, i);
		rs_list_fix(&c->list);
	}
}

static const struct rs_sd_card_row *current(const struct rs_sd_cards *c)
{
	if (c->list.sel >= c->count || !c->rows[c->list.sel].selectable)
		return NULL;
	return &c->rows[c->list.sel];
}

const char *rs_sd_cards_syspath(const struct rs_sd_cards *c)
{
	const struct rs_sd_card_row *r = current(c);
	return r ? r->syspath : NULL;
}

const char *rs_sd_cards_target(const struct rs_sd_cards *c)
{
	const struct rs_sd_card_row *r = current(c);
	return r ? r->target : NULL;
}

const char *rs_sd_cards_target_at(const struct rs_sd_cards *c, size_t i)
{
	return i < c->count ? c->rows[i].target : NULL;
}

void rs_sd_cards_layout(struct rs_sd_cards *c, int height, int width)
{
	c->width = width;
	c->list.height = height > 1 ? height : 1;
	rs_list_fix(&c->list);
}

bool rs_sd_cards_key(struct rs_sd_cards *c, enum rs_request req)
{
	return rs_list_key(&c->list, req);
}

static void draw_row(void *data, size_t i, WINDOW *w, int y, bool selected)
{
	struct rs_sd_cards *c = data;
	const struct rs_sd_card_row *r = &c->rows[i];
	if (selected && r->selectable) {
		wattron(w, rs_tui_style(RS_STYLE_KEY));
		rs_tui_put(w, y, 2, 2, ">");
		wattroff(w, rs_tui_style(RS_STYLE_KEY));
	}
	attr_t a = rs_tui_style(r->selectable ? RS_STYLE_NORMAL : RS_STYLE_DIM);
	wattron(w, a);
	rs_tui_put(w, y, 4, c->width - 2, r->text);
	wattroff(w, a);
}

int rs_sd_cards_draw(const struct rs_sd_cards *c, WINDOW *w, int y, int width,
		     const char *problem)
{
	if (problem) {
		wattron(w, rs_tui_style(RS_STYLE_WARN));
		rs_tui_put(w, y++, 2, width, problem);
		wattroff(w, rs_tui_style(RS_STYLE_WARN));
	}
	if (!c->count) {
		wattron(w, rs_tui_style(RS_STYLE_DIM));
		rs_tui_put(w, y++, 4, width - 2, "(no card yet)");
		wattroff(w, rs_tui_style(RS_STYLE_DIM));
	} else {
		rs_list_draw(&c->list, w, y, draw_row);
		y += (int)c->count < c->list.height ? (int)c->count : c->list.height;
	}
	const struct rs_sd_card_row *r = c->list.sel < c->count ? &c->rows[c->list.sel] : NULL;
	if (r && r->note) {
		wattron(w, rs_tui_style(RS_STYLE_WARN));
		rs_tui_put(w, y++, 4, width - 2, r->note);
		wattroff(w, rs_tui_style(RS_STYLE_WARN));
	}
	y++;
	wattron(w, rs_tui_style(RS_STYLE_DIM));
	rs_tui_put(w, y++, 2, width,
		   "Not shown: the Pi's own boot card, internal disks, empty reader slots.");
	if (c->hidden[0])
		rs_tui_put(w, y++, 2, width, c->hidden);
	wattroff(w, rs_tui_style(RS_STYLE_DIM));
	return y;
}
