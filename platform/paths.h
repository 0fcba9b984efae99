/* Where things live for the user who runs the wizard. Under sudo that is the
 * invoking user (platform/identity.h), not root: ~/klipper and ~/printer_data
 * are theirs. */
#ifndef RS_PLATFORM_PATHS_H
#define RS_PLATFORM_PATHS_H

#include <stdbool.h>
#include <sys/types.h>

/* Home of the invoking user. Caller frees. */
char *rs_path_home(void);
/* $XDG_STATE_HOME/ratos-setup, default ~/.local/state/ratos-setup. Caller frees. */
char *rs_path_state_dir(void);
/* $XDG_CACHE_HOME/ratos-setup, default ~/.cache/ratos-setup. Caller frees. */
char *rs_path_cache_dir(void);
/* ~/klipper of the invoking user. Caller frees. */
char *rs_path_klipper_dir(void);
/* ~/printer_data/config/firmware_binaries. Caller frees. */
char *rs_path_firmware_dir(void);
/* mkdir -p with mode 0755; true when the directory exists afterwards. */
bool rs_path_mkdirs(const char *path);
/* Replaces a leading $HOME with ~ for display. Caller frees. */
char *rs_path_pretty(const char *path);

#endif
