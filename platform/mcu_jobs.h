/* Job tables (platform/job.h) for the MCUs `flash --all` adds beside the
 * board routes of platform/flash_job.h:
 *
 *   katapult   [can0 there] -> [ask the running Klipper to reboot into
 *              Katapult: flashtool.py -i can0 -u UUID -r -> a moment] ->
 *              flashtool.py -d /dev/serial/by-id/usb-katapult_... -f klipper.bin
 *              (USB) or -i can0 -u UUID -f klipper.bin (CAN), with Katapult's
 *              own flashtool.py from the user's checkout (~/katapult, or the
 *              older ~/CanBoot)
 *   host-mcu   the Pi's own MCU (Klipper's linux process), as Klipper's
 *              RPi_microcontroller document says: a build with
 *              CONFIG_MACH_LINUX=y in a directory of its own, then `make
 *              flash`, whose scripts/flash-linux.sh installs klipper_mcu in
 *              /usr/local/bin and restarts the klipper-mcu service
 *
 * Neither stops or starts Klipper: `flash --all` does that once around all
 * MCUs. Klipper's and Katapult's tools run as the invoking user. */
#ifndef RS_PLATFORM_MCU_JOBS_H
#define RS_PLATFORM_MCU_JOBS_H

#include <stdbool.h>

#include "platform/job.h"

#define RS_CAN_INTERFACE "can0"

struct rs_katapult_ctx {
	const char *python;    /* NULL: python3 */
	const char *tool;      /* flashtool.py; NULL: not found (the job says so) */
	const char *firmware;  /* klipper.bin */
	const char *device;    /* USB: the usb-katapult_... by-id link; NULL for CAN */
	const char *uuid;      /* CAN: the node's canbus_uuid */
	const char *interface; /* NULL: can0 */
	const char *sys_net;   /* NULL: /sys/class/net */
	bool request_first;    /* CAN: Klipper runs on it now; ask it into Katapult */
};

struct rs_host_mcu_ctx {
	const char *klipper_dir; /* the Klipper tree */
	const char *work_dir;    /* e.g. ~/.cache/ratos-setup/linux-host */
	unsigned jobs;           /* make -j; 0: 1 */
	/* Filled by the "config" step. */
	char config_path[512];   /* <work_dir>/config (KCONFIG_CONFIG) */
	char out_dir[512];       /* <work_dir>/out/ (OUT) */
};

extern const struct rs_job_table rs_katapult_job;
extern const struct rs_job_table rs_host_mcu_job;

/* Katapult's flashtool.py in home's ~/katapult/scripts, else ~/CanBoot/
 * scripts (flashtool.py, or flash_can.py as CanBoot named it); NULL when
 * there is none. Caller frees. */
char *rs_katapult_find_tool(const char *home);
/* The network interface exists (sys_net NULL: /sys/class/net). */
bool rs_net_interface_exists(const char *sys_net, const char *name);

#endif
