#include "core/board_match.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"

/* "<id>-t<digits>" is how RatOS numbers toolboards (T0, T1, ...). */
static bool is_toolhead_serial(const char *serial, const char *id)
{
	size_t n = strlen(id);
	if (strncmp(serial, id, n) != 0 || strncmp(serial + n, "-t", 2) != 0)
		return false;
	const char *d = serial + n + 2;
	if (!*d)
		return false;
	for (; *d; d++)
		if (!isdigit((unsigned char)*d))
			return false;
	return true;
}

static bool serial_names(const struct rs_board *b, const char *serial)
{
	if (b->usb_serial && strcmp(b->usb_serial, serial) == 0)
		return true;
	if (strcmp(b->id, serial) == 0)
		return true;
	return b->kind == RS_KIND_TOOLBOARD && is_toolhead_serial(serial, b->id);
}

static void push(struct rs_board_match *m, const struct rs_board *b)
{
	m->boards = rs_xrealloc(m->boards, (m->count + 1) * sizeof(*m->boards));
	m->boards[m->count++] = b;
}

void rs_board_match(const struct rs_catalog *cat, const struct rs_hw_board *hw,
		    struct rs_board_match *out)
{
	memset(out, 0, sizeof(*out));
	if (!cat)
		return;
	if (hw->serial && *hw->serial) {
		for (size_t i = 0; i < cat->board_count; i++) {
			const struct rs_board *b = &cat->boards[i];
			if (serial_names(b, hw->serial)) {
				push(out, b);
				out->kind = RS_MATCH_SERIAL;
				out->mcu_conflict =
					hw->mcu && b->mcu && strcasecmp(hw->mcu, b->mcu) != 0;
				return;
			}
		}
	}
	if (!hw->mcu)
		return;
	for (size_t i = 0; i < cat->board_count; i++) {
		const struct rs_board *b = &cat->boards[i];
		if (b->mcu && strcasecmp(b->mcu, hw->mcu) == 0)
			push(out, b);
	}
	if (out->count)
		out->kind = out->count == 1 ? RS_MATCH_MCU : RS_MATCH_MCU_SEVERAL;
}

void rs_board_match_free(struct rs_board_match *m)
{
	free(m->boards);
	memset(m, 0, sizeof(*m));
}

const char *rs_match_kind_name(enum rs_match_kind kind)
{
	switch (kind) {
	case RS_MATCH_NONE: return "none";
	case RS_MATCH_SERIAL: return "serial";
	case RS_MATCH_MCU: return "mcu";
	case RS_MATCH_MCU_SEVERAL: return "mcu-several";
	}
	return "?";
}

/* Lower is better: a serial match on a control board wins over everything. */
static int rank(const struct rs_board_match *m)
{
	switch (m->kind) {
	case RS_MATCH_SERIAL: return m->boards[0]->kind == RS_KIND_CONTROL ? 0 : 1;
	case RS_MATCH_MCU: return m->boards[0]->kind == RS_KIND_CONTROL ? 2 : 3;
	case RS_MATCH_MCU_SEVERAL: return m->boards[0]->kind == RS_KIND_CONTROL ? 4 : 5;
	case RS_MATCH_NONE: break;
	}
	return 99;
}

enum rs_match_kind rs_board_match_best(const struct rs_catalog *cat,
				       const struct rs_hw_board *hw, size_t count,
				       const struct rs_board **out,
				       const struct rs_hw_board **from)
{
	enum rs_match_kind kind = RS_MATCH_NONE;
	int best = 99;
	*out = NULL;
	if (from)
		*from = NULL;
	for (size_t i = 0; i < count; i++) {
		struct rs_board_match m;
		rs_board_match(cat, &hw[i], &m);
		int r = rank(&m);
		if (r < best) {
			best = r;
			kind = m.kind;
			*out = m.boards[0];
			if (from)
				*from = &hw[i];
		}
		rs_board_match_free(&m);
	}
	return kind;
}
