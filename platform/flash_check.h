/* The first step of every flash route: make flash and flash-sdcard.sh write
 * what is in the build's OUT, so OUT must hold the current build for the
 * board's MCU: the very image that was checked as current and installed as
 * firmware-<id>.bin (AVR: built from the tree's Klipper version). */
#ifndef RS_PLATFORM_FLASH_CHECK_H
#define RS_PLATFORM_FLASH_CHECK_H

#include "platform/flash_job.h"

/* A job call step; ctx is a struct rs_flash_ctx. */
struct rs_job_verdict rs_flash_check_build(void *ctx, struct rs_job_progress *p);
const char *rs_flash_describe_build(const void *ctx);

#endif
