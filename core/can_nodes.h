/* The nodes on a CAN bus, from the answers of the two tools that ask the bus
 * for them:
 *
 *   Klipper's scripts/canbus_query.py IFACE
 *     Found canbus_uuid=0a1b2c3d4e5f, Application: Klipper      (one a node)
 *     Total 1 uuids found                                      (the end)
 *   Katapult's scripts/flashtool.py -i IFACE -q
 *     Detected UUID: 0a1b2c3d4e5f, Application: Katapult
 *     Query Complete
 *
 * Both print the UUID as exactly 12 lowercase hex digits (%012x and
 * bytes.hex() of 6 bytes). Lines are matched exactly; everything else (a
 * traceback, "Checking for Katapult nodes...") is not a node. Both tools
 * list only nodes without a node id: a node Klipper is connected to right
 * now does not answer, so printer.cfg's UUIDs that did not answer are shown
 * apart, not as missing. */
#ifndef RS_CORE_CAN_NODES_H
#define RS_CORE_CAN_NODES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/printer_cfg.h"

#define RS_CAN_MAX_NODES 32
#define RS_CAN_UUID_LEN 12

enum rs_can_tool {
	RS_CAN_TOOL_KLIPPER = 1,  /* scripts/canbus_query.py */
	RS_CAN_TOOL_KATAPULT = 2, /* flashtool.py -q */
};

enum rs_can_app {
	RS_CAN_APP_KLIPPER,
	RS_CAN_APP_KATAPULT, /* "Katapult", or "CanBoot" as Klipper still calls it */
	RS_CAN_APP_UNKNOWN,  /* "Unknown", or a name these tools did not use yet */
};

enum rs_can_line {
	RS_CAN_LINE_OTHER,
	RS_CAN_LINE_NODE, /* *node filled */
	RS_CAN_LINE_END,  /* the tool's last line: its query ran to the end */
};

struct rs_can_node {
	char uuid[RS_CAN_UUID_LEN + 1];
	enum rs_can_app app;
	char app_name[32];     /* as the tool wrote it */
	unsigned found_by;     /* enum rs_can_tool bits */
	char config_mcu[64];   /* the printer.cfg [mcu NAME] with this canbus_uuid, or "" */
};

struct rs_can_nodes {
	struct rs_can_node items[RS_CAN_MAX_NODES];
	size_t count;
	bool full; /* more nodes answered than fit (not expected on a printer) */
};

/* What the bus interface's /sys/class/net/IFACE/operstate says. */
enum rs_can_link {
	RS_CAN_LINK_MISSING, /* no such interface */
	RS_CAN_LINK_DOWN,
	RS_CAN_LINK_UP,
};

enum rs_can_line rs_can_parse_line(enum rs_can_tool tool, const char *line,
				   struct rs_can_node *node);
/* Adds node, or merges it into the node with the same UUID (found_by
 * joined; the later application wins). False when the list is full. */
bool rs_can_nodes_add(struct rs_can_nodes *nodes, const struct rs_can_node *node);
/* Fills config_mcu from printer.cfg's canbus_uuid entries (any case). */
void rs_can_nodes_mark_config(struct rs_can_nodes *nodes, const struct rs_pcfg *cfg);
/* The node with that UUID (any case), or NULL. */
const struct rs_can_node *rs_can_nodes_find(const struct rs_can_nodes *nodes, const char *uuid);

/* operstate's text (NULL: the interface is not there). "unknown" counts as
 * up: virtual CAN interfaces (vcan) report it while they are up. */
enum rs_can_link rs_can_link_from_operstate(const char *operstate);

const char *rs_can_app_name(enum rs_can_app app);   /* "klipper", "katapult", "unknown" */
const char *rs_can_tool_name(enum rs_can_tool tool); /* "klipper", "katapult" */

#endif
