/* The wizard's model: the choices (core/wizard_state.h) against the board
 * data, and which step follows which. Pure: no files, no terminal, no
 * hardware; the screens call it, screens/screens.c saves what it returns
 * (platform/state_file.h) and screens/hw.c says what is plugged in. */
#ifndef RS_CORE_WIZARD_MODEL_H
#define RS_CORE_WIZARD_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/catalog.h"
#include "core/wizard_resume.h"
#include "core/wizard_state.h"

/* The chosen board, or NULL before one is chosen (or when the data no
 * longer has it). */
const struct rs_board *rs_model_board(const struct rs_catalog *cat,
				      const struct rs_wizard_state *st);
/* The driver in a socket (integrated ones included), or NULL when empty. */
const struct rs_driver *rs_model_driver(const struct rs_catalog *cat,
					const struct rs_wizard_state *st, size_t socket);

/* Sets the board. When it changed, the board-specific choices start over:
 * 24 V main supply, no separate motor supply, integrated drivers fitted,
 * the other sockets empty, every jumper where the rules put it. Choosing
 * the board already chosen keeps everything. */
void rs_model_choose_board(const struct rs_catalog *cat, struct rs_wizard_state *st,
			   const struct rs_board *b);
/* Every socket's jumper back to where the rules say it goes for its driver
 * and the chosen voltages (core/jumper.h). */
void rs_model_recommend_jumpers(const struct rs_catalog *cat, struct rs_wizard_state *st);

enum rs_model_check {
	RS_MODEL_RESUMABLE,  /* *out holds the saved choices, fitted to the data */
	RS_MODEL_BOARD_GONE, /* the saved board is not in the data: *out starts over */
};
/* A saved state is only trusted as far as the current data allows: an
 * unknown board starts over, a board whose socket count changed starts its
 * board-specific choices over, a driver the data no longer has leaves its
 * socket empty. The saved step is kept (rs_resume_plan says where to go). */
enum rs_model_check rs_model_revalidate(const struct rs_catalog *cat,
					const struct rs_wizard_state *saved,
					struct rs_wizard_state *out);

/* Whether a step is part of the run for board b. Before a board is chosen
 * (b NULL) every step may still come, so every one applies. No jumper step
 * for boards without power jumpers or sockets, no endstop step for boards
 * without an endstop rail to warn about, no route step for boards whose
 * only route is the card, no card step for boards not flashed from a card. */
bool rs_model_step_applies(const struct rs_board *b, enum rs_step s);
/* The step after from that applies; RS_STEP_COUNT when from is the last. */
enum rs_step rs_model_next_step(const struct rs_board *b, enum rs_step from);
/* The step before from that applies; RS_STEP_COUNT when from is the first. */
enum rs_step rs_model_prev_step(const struct rs_board *b, enum rs_step from);
/* Where a run aimed at step s lands: s when it applies, else the next one
 * that does (RS_STEP_COUNT when none). */
enum rs_step rs_model_landing_step(const struct rs_board *b, enum rs_step s);

#endif
