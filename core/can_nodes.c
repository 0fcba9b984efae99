#include "core/can_nodes.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *skip(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/* Exactly RS_CAN_UUID_LEN lowercase hex digits, as both tools print them. */
static const char *uuid_at(const char *s, char *uuid)
{
	for (int i = 0; i < RS_CAN_UUID_LEN; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return NULL;
		uuid[i] = c;
	}
	uuid[RS_CAN_UUID_LEN] = '\0';
	return s + RS_CAN_UUID_LEN;
}

static enum rs_can_app app_of(const char *name)
{
	if (strcmp(name, "Klipper") == 0)
		return RS_CAN_APP_KLIPPER;
	if (strcmp(name, "Katapult") == 0 || strcmp(name, "CanBoot") == 0)
		return RS_CAN_APP_KATAPULT;
	return RS_CAN_APP_UNKNOWN;
}

/* ", Application: NAME" to the end of the line; NAME is letters only. */
static bool app_at(const char *s, struct rs_can_node *node)
{
	s = skip(s, ", Application: ");
	if (!s)
		return false;
	size_t n = 0;
	while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z'))
		n++;
	if (n == 0 || n >= sizeof(node->app_name) || s[n] != '\0')
		return false;
	memcpy(node->app_name, s, n);
	node->app_name[n] = '\0';
	node->app = app_of(node->app_name);
	return true;
}

/* "Total N uuids found" with N a plain decimal number. */
static bool klipper_total(const char *s)
{
	s = skip(s, "Total ");
	if (!s || *s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	return strcmp(s, " uuids found") == 0;
}

enum rs_can_line rs_can_parse_line(enum rs_can_tool tool, const char *line,
				   struct rs_can_node *node)
{
	const char *end_line = tool == RS_CAN_TOOL_KLIPPER ? NULL : "Query Complete";
	const char *prefix = tool == RS_CAN_TOOL_KLIPPER ? "Found canbus_uuid=" : "Detected UUID: ";
	if (!line)
		return RS_CAN_LINE_OTHER;
	if (tool == RS_CAN_TOOL_KLIPPER ? klipper_total(line) : strcmp(line, end_line) == 0)
		return RS_CAN_LINE_END;
	struct rs_can_node n = { .found_by = (unsigned)tool };
	const char *s = skip(line, prefix);
	if (!s || !(s = uuid_at(s, n.uuid)) || !app_at(s, &n))
		return RS_CAN_LINE_OTHER;
	*node = n;
	return RS_CAN_LINE_NODE;
}

const struct rs_can_node *rs_can_nodes_find(const struct rs_can_nodes *nodes, const char *uuid)
{
	for (size_t i = 0; uuid && i < nodes->count; i++)
		if (strcasecmp(nodes->items[i].uuid, uuid) == 0)
			return &nodes->items[i];
	return NULL;
}

bool rs_can_nodes_add(struct rs_can_nodes *nodes, const struct rs_can_node *node)
{
	struct rs_can_node *old = (struct rs_can_node *)rs_can_nodes_find(nodes, node->uuid);
	if (old) {
		unsigned found_by = old->found_by | node->found_by;
		char mcu[sizeof(old->config_mcu)];
		memcpy(mcu, old->config_mcu, sizeof(mcu));
		*old = *node;
		old->found_by = found_by;
		memcpy(old->config_mcu, mcu, sizeof(mcu));
		return true;
	}
	if (nodes->count >= RS_CAN_MAX_NODES) {
		nodes->full = true;
		return false;
	}
	nodes->items[nodes->count++] = *node;
	return true;
}

void rs_can_nodes_mark_config(struct rs_can_nodes *nodes, const struct rs_pcfg *cfg)
{
	for (size_t i = 0; i < nodes->count; i++) {
		struct rs_can_node *n = &nodes->items[i];
		n->config_mcu[0] = '\0';
		for (size_t k = 0; cfg && k < cfg->mcu_count; k++)
			if (strcasecmp(cfg->mcus[k].canbus_uuid, n->uuid) == 0)
				snprintf(n->config_mcu, sizeof(n->config_mcu), "%s",
					 cfg->mcus[k].name);
	}
}

enum rs_can_link rs_can_link_from_operstate(const char *operstate)
{
	if (!operstate)
		return RS_CAN_LINK_MISSING;
	size_t n = strcspn(operstate, "\n");
	if ((n == 2 && strncmp(operstate, "up", 2) == 0) ||
	    (n == 7 && strncmp(operstate, "unknown", 7) == 0))
		return RS_CAN_LINK_UP;
	return RS_CAN_LINK_DOWN;
}

const char *rs_can_app_name(enum rs_can_app app)
{
	switch (app) {
	case RS_CAN_APP_KLIPPER:
		return "klipper";
	case RS_CAN_APP_KATAPULT:
		return "katapult";
	case RS_CAN_APP_UNKNOWN:
		break;
	}
	return "unknown";
}

const char *rs_can_tool_name(enum rs_can_tool tool)
{
	return tool == RS_CAN_TOOL_KLIPPER ? "klipper" : "katapult";
}
