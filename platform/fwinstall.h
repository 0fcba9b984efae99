/* The last firmware build step: the image make produced must name the
 * board's MCU and the tree's version in its dictionary, then image and
 * record are installed atomically. A step function for the table in
 * fwbuild.c; not for other modules. */
#ifndef RS_PLATFORM_FWINSTALL_H
#define RS_PLATFORM_FWINSTALL_H

#include "platform/fwbuild_ctx.h"

struct rs_job_verdict rs_fwb_install(void *c, struct rs_job_progress *p);

#endif
