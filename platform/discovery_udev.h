/* The libudev backend of platform/discovery.h. The monitor is created,
 * filtered and enabled before the first enumeration, so a device plugged in
 * while we enumerate shows up as an event instead of being missed. */
#ifndef RS_PLATFORM_DISCOVERY_UDEV_H
#define RS_PLATFORM_DISCOVERY_UDEV_H

#include "platform/discovery.h"

struct rs_discovery *rs_discovery_udev_open(const struct rs_discovery_config *cfg, char **why);

#endif
