/* Inside the firmware build: the version step (git HEAD, whether the tree
 * is modified, git describe) and the cache check it ends with. Not for
 * other modules. */
#ifndef RS_PLATFORM_FWBUILD_VERSION_H
#define RS_PLATFORM_FWBUILD_VERSION_H

#include "platform/fwbuild_steps.h"

/* The first child of the version step (or straight to its end without git). */
void rs_fwbuild_start_version(struct rs_fwbuild *fb);
/* A child of the version step exited with code: the next git run, the end
 * (up to date, or not built for a check-only run), or the config step. */
void rs_fwbuild_version_done(struct rs_fwbuild *fb, int code);

#endif
