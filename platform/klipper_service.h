/* The Klipper service on this host: is there one, does it run, and the
 * commands that stop and start it. Asked of systemd (`systemctl show`), never
 * assumed: a host without systemd, or without klipper.service, says so, and
 * the routes that need Klipper stopped are refused then. */
#ifndef RS_PLATFORM_KLIPPER_SERVICE_H
#define RS_PLATFORM_KLIPPER_SERVICE_H

#include "core/board.h"
#include "core/flash_route.h"

#define RS_KLIPPER_UNIT "klipper.service"

struct rs_klipper_service {
	enum rs_service_state state;
	char unit[64];
	char detail[200]; /* what systemctl said, for messages */
};

/* Runs `systemctl show` (a read-only query, also in a dry run). */
void rs_klipper_service_detect(struct rs_klipper_service *out);
/* argv of the action: "stop" or "start" (systemctl <verb> <unit>). */
void rs_klipper_service_argv(const struct rs_klipper_service *s, const char *verb,
			     struct rs_strv *argv);

#endif
