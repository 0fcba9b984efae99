#include "core/wizard_model.h"

#include <stdio.h>
#include <string.h>

#include "core/flash_route.h"
#include "core/jumper.h"

const struct rs_board *rs_model_board(const struct rs_catalog *cat,
				      const struct rs_wizard_state *st)
{
	return st->board[0] ? rs_catalog_find(cat, st->board) : NULL;
}

const struct rs_driver *rs_model_driver(const struct rs_catalog *cat,
					const struct rs_wizard_state *st, size_t socket)
{
	const struct rs_board *b = rs_model_board(cat, st);
	const char *fixed = b ? rs_jumper_integrated(b, socket) : NULL;
	if (fixed)
		return rs_catalog_find_driver(cat, fixed);
	if (socket >= RS_MAX_SOCKETS || !st->drivers[socket][0])
		return NULL;
	return rs_catalog_find_driver(cat, st->drivers[socket]);
}

void rs_model_recommend_jumpers(const struct rs_catalog *cat, struct rs_wizard_state *st)
{
	for (size_t i = 0; i < st->socket_count; i++)
		st->jumpers[i] =
			rs_jumper_recommend(rs_model_driver(cat, st, i), st->main_v, st->motor_v);
}

void rs_model_choose_board(const struct rs_catalog *cat, struct rs_wizard_state *st,
			   const struct rs_board *b)
{
	if (strcmp(st->board, b->id) == 0)
		return;
	snprintf(st->board, sizeof(st->board), "%s", b->id);
	rs_wizard_state_clear_board(st);
	st->socket_count = b->driver_count < RS_MAX_SOCKETS ? b->driver_count : RS_MAX_SOCKETS;
	st->main_v = 24;
	st->motor_v = 0;
	for (size_t i = 0; i < st->socket_count; i++) {
		const char *fixed = rs_jumper_integrated(b, i);
		snprintf(st->drivers[i], sizeof(st->drivers[i]), "%s", fixed ? fixed : "");
	}
	rs_model_recommend_jumpers(cat, st);
}

enum rs_model_check rs_model_revalidate(const struct rs_catalog *cat,
					const struct rs_wizard_state *saved,
					struct rs_wizard_state *out)
{
	*out = *saved;
	const struct rs_board *b = rs_model_board(cat, out);
	if (!b) {
		rs_wizard_state_init(out);
		return RS_MODEL_BOARD_GONE;
	}
	if (out->socket_count != b->driver_count) {
		out->board[0] = '\0'; /* chosen anew: the saved sockets do not fit */
		rs_model_choose_board(cat, out, b);
	}
	for (size_t i = 0; i < out->socket_count; i++)
		if (out->drivers[i][0] && !rs_catalog_find_driver(cat, out->drivers[i]))
			out->drivers[i][0] = '\0';
	return RS_MODEL_RESUMABLE;
}

/* The route step only offers a choice when the board has a way onto it
 * other than the card (the card alone is the card step). */
static bool has_route_besides_card(const struct rs_board *b)
{
	struct rs_route_input in = { .board = b, .klipper = RS_SERVICE_UNKNOWN };
	struct rs_route_list l;
	rs_route_list_make(&in, &l);
	for (size_t i = 0; i < l.count; i++)
		if (l.items[i].route != RS_ROUTE_SDCARD)
			return true;
	return false;
}

bool rs_model_step_applies(const struct rs_board *b, enum rs_step s)
{
	if (!b)
		return s < RS_STEP_COUNT;
	switch (s) {
	case RS_STEP_JUMPERS: return b->power_jumpers && b->driver_count > 0;
	case RS_STEP_ENDSTOP: return b->endstop_rail != RS_RAIL_NONE;
	case RS_STEP_FLASH: return has_route_besides_card(b);
	case RS_STEP_SDCARD: return rs_board_uses_sdcard(b);
	case RS_STEP_WELCOME:
	case RS_STEP_BOARD:
	case RS_STEP_SUMMARY:
	case RS_STEP_FIRMWARE: return true;
	case RS_STEP_COUNT: break;
	}
	return false;
}

enum rs_step rs_model_landing_step(const struct rs_board *b, enum rs_step s)
{
	for (unsigned i = s; i < RS_STEP_COUNT; i++)
		if (rs_model_step_applies(b, (enum rs_step)i))
			return (enum rs_step)i;
	return RS_STEP_COUNT;
}

enum rs_step rs_model_next_step(const struct rs_board *b, enum rs_step from)
{
	return from >= RS_STEP_COUNT ? RS_STEP_COUNT
				     : rs_model_landing_step(b, (enum rs_step)(from + 1));
}

enum rs_step rs_model_prev_step(const struct rs_board *b, enum rs_step from)
{
	for (unsigned i = from < RS_STEP_COUNT ? from : RS_STEP_COUNT; i-- > 0;)
		if (rs_model_step_applies(b, (enum rs_step)i))
			return (enum rs_step)i;
	return RS_STEP_COUNT;
}
