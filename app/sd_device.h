/* The card `ratos-setup sdcard` works on when no --device is given: the one
 * card discovery offers, never a guess between several. */
#ifndef RS_APP_SD_DEVICE_H
#define RS_APP_SD_DEVICE_H

#include <stdbool.h>

/* device when given, else the only card in a card reader (reading: a
 * write-protected card counts too). NULL after saying on stderr why there
 * is none (or which to choose from). mountinfo: the mount table for finding
 * the system disk, NULL for the real one. Caller frees. */
char *rs_sd_device_choose(const char *device, const char *mountinfo, bool reading);

#endif
