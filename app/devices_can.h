/* ratos-setup devices --can: the nodes on the CAN bus (app/devices_can.c). */
#ifndef RS_APP_DEVICES_CAN_H
#define RS_APP_DEVICES_CAN_H

#include <stdbool.h>

struct rs_devices_can_opts {
	bool json;
	const char *klipper; /* the Klipper tree; NULL: ~/klipper */
	const char *config;  /* printer.cfg; NULL: the usual place */
	const char *sys_net; /* NULL: /sys/class/net (tests give a fake one) */
	long timeout;        /* seconds each tool may take */
};

#define RS_DEVICES_CAN_TIMEOUT 20

int rs_devices_can(const struct rs_devices_can_opts *o);

#endif
