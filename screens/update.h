/* The wizard after a Klipper update: whether the board's firmware is still
 * current, what a saved run's premises are and whether they still hold, and
 * builds that lead straight on to the card. Internal to screens/. */
#ifndef RS_SCREENS_UPDATE_H
#define RS_SCREENS_UPDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/board.h"
#include "platform/fw_status.h"
#include "tui/screen.h"

struct rs_wizard;

/* Looks at the Klipper tree (again): it may have been updated while the
 * wizard was open. */
void rs_wizard_refresh_tree(struct rs_wizard *w);
/* The board's firmware in firmware_binaries against the wizard's tree. */
void rs_wizard_fw_status(const struct rs_wizard *w, const struct rs_board *b,
			 struct rs_fw_status *out);
/* True when b's firmware must not go on a card as it is (built for another
 * Klipper version or board config); why says so and what Enter does. Looks
 * at the tree again first. */
bool rs_wizard_fw_stale(struct rs_wizard *w, const struct rs_board *b, char *why,
			size_t len);
/* Records in w->st what the choices are made with (Klipper version, board
 * file), so a later run can tell what changed. */
void rs_wizard_note_premises(struct rs_wizard *w);
/* Re-validates the saved run against the tree and board data as they are
 * now (w->resume_plan). Needs the tree looked at first. */
void rs_wizard_plan_resume(struct rs_wizard *w);
/* Asks the firmware step to build at once and, once the firmware is built
 * or up to date, to go on to the next step by itself. */
void rs_wizard_request_build(struct rs_wizard *w);
/* For the manager: a move the wizard asks for by itself. */
enum rs_key_result rs_wizard_take_request(void *ctx);

#endif
