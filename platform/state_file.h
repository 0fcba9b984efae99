/* The wizard's state file: rs_path_state_dir()/state, written atomically
 * (temp file, fsync, rename) so a crash or a dropped session never leaves a
 * half-written file behind. */
#ifndef RS_PLATFORM_STATE_FILE_H
#define RS_PLATFORM_STATE_FILE_H

#include <stdbool.h>

#include "core/error.h"
#include "core/wizard_state.h"

enum rs_state_load {
	RS_STATE_ABSENT, /* no saved state: start fresh */
	RS_STATE_LOADED,
	RS_STATE_BAD, /* unreadable or malformed: errs says why */
};

/* Full path of the state file. Caller frees. */
char *rs_state_file_path(void);
bool rs_state_file_save(const struct rs_wizard_state *s, struct rs_errors *errs);
enum rs_state_load rs_state_file_load(struct rs_wizard_state *s, struct rs_errors *errs);
/* Removes the saved state; true when none is left. */
bool rs_state_file_reset(struct rs_errors *errs);

#endif
