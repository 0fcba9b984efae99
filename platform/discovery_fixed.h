/* A discovery backend fed by hand, for tests of screens that show devices:
 * no udev, but the same fd / process / list contract as the real one. */
#ifndef RS_PLATFORM_DISCOVERY_FIXED_H
#define RS_PLATFORM_DISCOVERY_FIXED_H

#include "platform/discovery.h"

/* Starts with a copy of initial (NULL: empty). Close with rs_discovery_close. */
struct rs_discovery *rs_discovery_fixed_new(const struct rs_hw_list *initial);
/* Queues a copy of list as the new state: the fd becomes readable and the
 * next rs_discovery_process() installs it and returns true. */
void rs_discovery_fixed_set(struct rs_discovery *d, const struct rs_hw_list *list);

#endif
