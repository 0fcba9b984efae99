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
/* Reads what the last Klipper start says about each MCU (platform/doctor.h)
 * into w->doctor and picks the board "fix it" leads to. */
void rs_wizard_look_at_klipper_log(struct rs_wizard *w);
/* One line per MCU for the welcome screen, into buf (len bytes); false
 * when i is past the last. */
bool rs_wizard_doctor_line(const struct rs_wizard *w, size_t i, char *buf, size_t len);
/* "Fix it": straight to the build (and on to the card) for w->fix_board,
 * past the hardware steps already confirmed for it. Returns the manager's
 * move. */
enum rs_key_result rs_wizard_fix_it(struct rs_wizard *w);
void rs_wizard_doctor_free(struct rs_wizard *w);
/* For the manager: a move the wizard asks for by itself. */
enum rs_key_result rs_wizard_take_request(void *ctx);

#endif
