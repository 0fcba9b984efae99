#include "platform/flash_wait.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/flash_route.h"
#include "platform/discovery.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const struct rs_hw_board *find(const struct rs_hw_list *l, const struct rs_board *b,
				      const char *device)
{
	bool ambiguous;
	return rs_route_find_board(b, l, device, &ambiguous);
}

int rs_flash_wait(enum rs_flash_wait_for what, const struct rs_board *b, const char *device,
		  int seconds, const char *prompt)
{
	char *why = NULL;
	struct rs_discovery *d = rs_discovery_open(NULL, &why);
	if (!d) {
		printf("cannot watch USB devices: %s\n", why ? why : "?");
		free(why);
		return 2;
	}
	if (prompt)
		printf("%s\n", prompt);
	double end = now_s() + seconds;
	double next_note = now_s() + 15;
	bool gone = what != RS_WAIT_POWER_CYCLE;
	int rc = 1;
	for (;;) {
		const struct rs_hw_list *l = rs_discovery_list(d);
		const struct rs_hw_board *h = NULL;
		if (what == RS_WAIT_DFU) {
			if (rs_route_dfu_present(l)) {
				printf("The board is in DFU mode (%s).\n", RS_DFU_DEVICE);
				rc = 0;
				break;
			}
		} else if ((h = find(l, b, device)) != NULL) {
			if (gone) {
				printf("The board is back on USB: %s (%s%s%s).\n",
				       h->by_id ? h->by_id : h->devnode,
				       rs_hw_board_kind_title(h->kind), h->mcu ? ", " : "",
				       h->mcu ? h->mcu : "");
				rc = 0;
				break;
			}
		} else if (!gone) {
			printf("The board left USB; waiting for it to come back.\n");
			gone = true;
		}
		double left = end - now_s();
		if (left <= 0)
			break;
		if (now_s() >= next_note) {
			printf("Still waiting (%d s left).\n", (int)left);
			next_note = now_s() + 15;
		}
		fflush(stdout);
		int fd = rs_discovery_fd(d);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ms = left < 0.5 ? (int)(left * 1000) + 1 : 500;
		if (fd >= 0)
			poll(&p, 1, ms);
		else
			poll(NULL, 0, ms);
		rs_discovery_process(d);
	}
	fflush(stdout);
	rs_discovery_close(d);
	return rc;
}
