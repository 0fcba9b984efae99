#include "platform/discovery.h"

#include <stddef.h>

#include "platform/discovery_udev.h"

struct rs_discovery *rs_discovery_open(const struct rs_discovery_config *cfg, char **why)
{
	return rs_discovery_udev_open(cfg, why);
}

int rs_discovery_fd(struct rs_discovery *d)
{
	return d->ops->fd ? d->ops->fd(d) : -1;
}

bool rs_discovery_process(struct rs_discovery *d)
{
	if (!d->ops->process || !d->ops->process(d))
		return false;
	d->generation++;
	return true;
}

const struct rs_hw_list *rs_discovery_list(const struct rs_discovery *d)
{
	return &d->list;
}

unsigned long rs_discovery_generation(const struct rs_discovery *d)
{
	return d->generation;
}

void rs_discovery_close(struct rs_discovery *d)
{
	if (!d)
		return;
	rs_hw_list_free(&d->list);
	d->ops->destroy(d);
}
