/* Reading a settings file that lets root act on its own (the after-update
 * settings, core/after_update_conf.h). Only a file that nobody but root can
 * have written counts: a regular file owned by root, not writable by group
 * or others. (When not running as root at all, the caller's own file counts
 * too: it grants no more than the caller has.) */
#ifndef RS_PLATFORM_ROOT_CONF_H
#define RS_PLATFORM_ROOT_CONF_H

#include <stdbool.h>
#include <stddef.h>

/* The text (NUL-terminated; *len bytes, at most limit) or NULL with *why
 * (caller frees); *missing is set when the file does not exist. */
char *rs_root_conf_read(const char *path, size_t limit, size_t *len, bool *missing, char **why);

#endif
