#include "core/mcu_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/board_match.h"
#include "core/board_rules.h"
#include "core/xalloc.h"

bool rs_mcu_serial_is_host(const char *serial)
{
	return serial && strcmp(serial, RS_HOST_MCU_SERIAL) == 0;
}

bool rs_board_is_usb_can_bridge(const struct rs_board *b)
{
	for (size_t i = 0; b && i < b->klipper.count; i++) {
		const char *l = b->klipper.items[i];
		if (strncmp(l, "CONFIG_", 7) != 0)
			continue;
		const char *name = l + 7;
		const char *eq = strchr(name, '=');
		if (!eq || strcmp(eq, "=y") != 0 || strncmp(name, "HAVE_", 5) == 0)
			continue;
		/* USBCANBUS itself, or a choice named <CHIP>_USBCANBUS[_PINS]. */
		size_t n = (size_t)(eq - name);
		for (const char *p = name; p + 9 <= name + n; p++)
			if (strncmp(p, "USBCANBUS", 9) == 0 && (p == name || p[-1] == '_') &&
			    (p + 9 == eq || p[9] == '_'))
				return true;
	}
	return false;
}

static enum rs_mcu_link link_of(const struct rs_pcfg_mcu *m)
{
	if (m->canbus_uuid[0])
		return RS_MCU_LINK_CAN;
	if (rs_mcu_serial_is_host(m->serial))
		return RS_MCU_LINK_HOST;
	if (strncmp(m->serial, "/dev/serial/by-id/usb-", 22) == 0 ||
	    strncmp(m->serial, "/dev/RatOS/", 11) == 0 || strncmp(m->serial, "/dev/ttyACM", 11) == 0)
		return RS_MCU_LINK_USB;
	return RS_MCU_LINK_OTHER;
}

static const struct rs_mcu_running *running_of(const struct rs_mcu_plan_in *in, const char *name)
{
	for (size_t i = 0; i < in->running_count; i++)
		if (in->running[i].name && strcmp(in->running[i].name, name) == 0)
			return &in->running[i];
	return NULL;
}

static bool is_boot_kind(enum rs_hw_board_kind k)
{
	return k == RS_HW_RP2040_BOOT || k == RS_HW_KATAPULT || k == RS_HW_STM32_DFU;
}

static bool serial_is_board(const char *serial, const struct rs_board *b)
{
	return serial && b &&
	       ((b->usb_serial && strcmp(serial, b->usb_serial) == 0) || strcmp(serial, b->id) == 0);
}

/* The connected device an MCU with a USB serial: is, among those not yet
 * claimed: its port by name, its USB serial, or, when it sits in its
 * bootloader now (no Klipper serial to go by), the one bootloader device of
 * its board's chip. */
static const struct rs_hw_board *usb_device(const struct rs_mcu_plan_in *in, const char *serial,
					    const struct rs_board *b, const bool *claimed)
{
	const struct rs_hw_list *hw = in->hw;
	char id[256] = "", chip[64] = "";
	bool named = rs_pcfg_serial_names(serial, id, sizeof(id), chip, sizeof(chip));
	for (size_t i = 0; hw && i < hw->board_count; i++) {
		const struct rs_hw_board *h = &hw->boards[i];
		if (claimed[i])
			continue;
		if ((h->by_id && strcmp(h->by_id, serial) == 0) ||
		    (h->devnode && strcmp(h->devnode, serial) == 0) ||
		    (named && h->serial && strcmp(h->serial, id) == 0) ||
		    (h->kind != RS_HW_STM32_DFU && serial_is_board(h->serial, b)))
			return h;
	}
	const struct rs_hw_board *found = NULL;
	size_t n = 0;
	for (size_t i = 0; b && b->mcu && hw && i < hw->board_count; i++) {
		const struct rs_hw_board *h = &hw->boards[i];
		if (!claimed[i] && (h->kind == RS_HW_RP2040_BOOT || h->kind == RS_HW_KATAPULT) &&
		    h->mcu && strcasecmp(h->mcu, b->mcu) == 0) {
			found = h;
			n++;
		}
	}
	return n == 1 ? found : NULL;
}

/* A USB-to-CAN bridge board shows up as 1d50:606f with its USB serial. */
static const struct rs_hw_board *bridge_device(const struct rs_mcu_plan_in *in,
					       const struct rs_board *b, const bool *claimed)
{
	for (size_t i = 0; in->hw && b && i < in->hw->board_count; i++) {
		const struct rs_hw_board *h = &in->hw->boards[i];
		if (!claimed[i] && (h->kind == RS_HW_CAN_BRIDGE || h->kind == RS_HW_KATAPULT) &&
		    serial_is_board(h->serial, b))
			return h;
	}
	return NULL;
}

static void claim(const struct rs_mcu_plan_in *in, const struct rs_hw_board *d, bool *claimed)
{
	if (d)
		claimed[d - in->hw->boards] = true;
}

/* The route and whether it can run now; note says what to do when not. */
/* Katapult writes the image at its own offset: only a board whose data
 * says it carries Katapult (flash.katapult, held by the loader to the
 * build's start) gets a build that boots there. True when refused. */
static bool katapult_room(struct rs_mcu_plan_item *it)
{
	if (it->board->katapult_offset)
		return false;
	unsigned start = rs_board_rules_app_offset(&it->board->klipper);
	it->blocked = true;
	snprintf(it->note, sizeof(it->note),
		 "not flashed through Katapult: %s's build has no room for it (the firmware "
		 "starts at 0x%x and its board data has no flash.katapult), so Katapult would "
		 "write an image that does not boot; flash it %s",
		 it->board->id, start,
		 it->link == RS_MCU_LINK_CAN ? "over USB (ratos-setup flash BOARD) or as its "
					       "maker documents"
					     : "with ratos-setup flash BOARD (USB or DFU)");
	return true;
}

static void choose_route(const struct rs_mcu_plan_in *in, struct rs_mcu_plan_item *it)
{
	it->blocked = false;
	it->note[0] = '\0';
	if (it->link == RS_MCU_LINK_HOST) {
		it->route = RS_MCU_ROUTE_HOST;
		return;
	}
	if (!it->board) {
		it->route = RS_MCU_ROUTE_NONE;
		it->blocked = true;
		snprintf(it->note, sizeof(it->note),
			 it->link == RS_MCU_LINK_CAN
				 ? "which board this is is unknown (printer.cfg gives only its CAN "
				   "UUID): flash it with ratos-setup flash BOARD"
				 : "which board this is is unknown: flash it with ratos-setup flash "
				   "BOARD, or choose it in ratos-setup");
		return;
	}
	const struct rs_hw_board *d = it->device;
	if (d && d->kind == RS_HW_RP2040_BOOT) {
		it->route = RS_MCU_ROUTE_RP2040_UF2;
		if (!d->boot_volume) {
			it->blocked = true;
			snprintf(it->note, sizeof(it->note),
				 "in BOOTSEL, but its RPI-RP2 drive is not there (yet): unplug it, "
				 "hold BOOT, plug it in again");
		}
		return;
	}
	if (d && d->kind == RS_HW_KATAPULT) {
		it->route = RS_MCU_ROUTE_KATAPULT_USB;
		katapult_room(it);
		return;
	}
	/* Klipper running on CAN can only be replaced over CAN by Katapult; a
	 * bridge has no serial port for make flash either. */
	if (it->link == RS_MCU_LINK_CAN) {
		it->route = RS_MCU_ROUTE_KATAPULT_CAN;
		if (katapult_room(it))
			return;
		if (!in->can_up) {
			it->blocked = true;
			snprintf(it->note, sizeof(it->note),
				 "CAN is not set up: there is no can0 network interface "
				 "(/sys/class/net/can0); set up can0 as Klipper's CANBUS document "
				 "says and run this again");
		} else if (it->role == RS_MCU_ROLE_BRIDGE) {
			snprintf(it->note, sizeof(it->note),
				 "the bridge is asked to reboot into Katapult, then flashed; the CAN "
				 "bus is down until it runs Klipper again");
		}
		return;
	}
	struct rs_route_input ri = {
		.board = it->board,
		.hw = in->hw,
		.klipper = in->klipper,
		.device = d && d->kind == RS_HW_KLIPPER ? (d->by_id ? d->by_id : d->devnode) : NULL,
	};
	struct rs_route_list rl;
	rs_route_list_make(&ri, &rl);
	const struct rs_route_option *best = rs_route_list_best(&rl);
	const struct rs_route_option *first = rl.count ? &rl.items[0] : NULL;
	const struct rs_route_option *o = best ? best : first;
	it->route = RS_MCU_ROUTE_BOARD;
	it->board_route = o ? o->route : RS_ROUTE_SDCARD;
	if (rl.manual) {
		it->blocked = true;
		snprintf(it->note, sizeof(it->note),
			 "marked for flashing by hand: ratos-setup flash %s shows its notes",
			 it->board->id);
	} else if (it->board_route == RS_ROUTE_SDCARD) {
		snprintf(it->note, sizeof(it->note),
			 "flashed from an SD card: the firmware is prepared; then sudo ratos-setup "
			 "sdcard write --board %s",
			 it->board->id);
	} else if (!best) {
		it->blocked = true;
		snprintf(it->note, sizeof(it->note), "%s: %s",
			 o ? rs_route_title(o->route) : "no route",
			 o && o->why_not[0] ? o->why_not : "not possible now");
	}
}

static void judge(const struct rs_mcu_plan_in *in, struct rs_mcu_plan_item *it)
{
	bool in_boot = it->device && is_boot_kind(it->device->kind);
	if (in_boot || !in->tree_version || !it->running_version)
		it->needs_flash = true; /* Klipper not running on it, or no way to tell */
	else
		it->needs_flash = !rs_fw_version_matches(it->running_version, in->tree_version);
	it->built = RS_FWCUR_NO_FIRMWARE;
	if (it->board && in->built)
		it->built = in->built(in->ctx, it->board);
	if (it->link == RS_MCU_LINK_HOST)
		it->needs_build = it->needs_flash;
	else
		it->needs_build = it->board && it->needs_flash && rs_fw_current_blocks(it->built);
}

static void add_configured(const struct rs_mcu_plan_in *in, const struct rs_pcfg_mcu *m,
			   struct rs_mcu_plan *out, bool *claimed)
{
	struct rs_mcu_plan_item *it = &out->items[out->count++];
	memset(it, 0, sizeof(*it));
	snprintf(it->name, sizeof(it->name), "%s", m->name);
	it->in_config = true;
	it->link = link_of(m);
	snprintf(it->address, sizeof(it->address), "%s",
		 it->link == RS_MCU_LINK_CAN ? m->canbus_uuid : m->serial);
	const struct rs_mcu_running *r = running_of(in, m->name);
	it->running_version = r && r->version && *r->version ? r->version : NULL;
	const char *chip = r && r->chip && *r->chip ? r->chip : NULL;
	if (it->link == RS_MCU_LINK_HOST) {
		it->role = RS_MCU_ROLE_HOST;
	} else if (it->link == RS_MCU_LINK_CAN) {
		/* Connected USB boards are not this node; the saved board only
		 * when the log names a chip that fits it. */
		it->board = rs_doctor_map_board(in->cat, NULL, chip, NULL,
						chip ? in->saved_board : NULL, &it->source);
		if (rs_board_is_usb_can_bridge(it->board))
			it->device = bridge_device(in, it->board, claimed);
	} else {
		it->board = rs_doctor_map_board(in->cat, m->serial[0] ? m->serial : NULL, chip,
						in->hw, in->saved_board, &it->source);
		if (m->serial[0])
			it->device = usb_device(in, m->serial, it->board, claimed);
		if (!it->board && it->device) {
			/* Found by its port but not named (a chip-id serial, or a
			 * bootloader): the device's own match, when it is sure. */
			struct rs_board_match bm;
			rs_board_match(in->cat, it->device, &bm);
			if (bm.count == 1 && !bm.mcu_conflict &&
			    (bm.kind == RS_MATCH_SERIAL || bm.kind == RS_MATCH_MCU)) {
				it->board = bm.boards[0];
				it->source = RS_DOC_BY_CONNECTED;
			}
			rs_board_match_free(&bm);
		}
	}
	claim(in, it->device, claimed);
}

/* A board connected now that no [mcu] section accounts for: one running
 * Klipper that its USB serial names, or one waiting in a bootloader. */
static void add_connected(const struct rs_mcu_plan_in *in, size_t i, struct rs_mcu_plan *out)
{
	const struct rs_hw_board *h = &in->hw->boards[i];
	if (h->kind == RS_HW_EINSY || out->count >= RS_MCU_PLAN_MAX)
		return;
	struct rs_board_match m;
	rs_board_match(in->cat, h, &m);
	const struct rs_board *b = NULL;
	if (m.count == 1 && !m.mcu_conflict &&
	    (m.kind == RS_MATCH_SERIAL || (is_boot_kind(h->kind) && m.kind == RS_MATCH_MCU)))
		b = m.boards[0];
	rs_board_match_free(&m);
	if (!b && !is_boot_kind(h->kind))
		return; /* Klipper running on something we cannot name: doctor's job */
	struct rs_mcu_plan_item *it = &out->items[out->count++];
	memset(it, 0, sizeof(*it));
	snprintf(it->name, sizeof(it->name), "%s", b ? b->id : rs_hw_board_kind_name(h->kind));
	it->link = RS_MCU_LINK_USB;
	snprintf(it->address, sizeof(it->address), "%s",
		 h->by_id ? h->by_id : h->devnode ? h->devnode : "");
	it->board = b;
	it->source = RS_DOC_BY_CONNECTED;
	it->device = h;
}

static int rank(const struct rs_mcu_plan_item *it)
{
	if (it->role == RS_MCU_ROLE_BEHIND_BRIDGE || (it->link == RS_MCU_LINK_CAN &&
						      it->role != RS_MCU_ROLE_BRIDGE))
		return 0;
	if (it->role == RS_MCU_ROLE_BRIDGE)
		return 1;
	if (it->role == RS_MCU_ROLE_HOST)
		return 4;
	if (it->route == RS_MCU_ROUTE_NONE ||
	    (it->route == RS_MCU_ROUTE_BOARD && it->board_route == RS_ROUTE_SDCARD))
		return 3;
	return 2;
}

static void order(struct rs_mcu_plan *p)
{
	/* Insertion sort: stable, so printer.cfg's order holds within a rank. */
	for (size_t i = 1; i < p->count; i++) {
		struct rs_mcu_plan_item t = p->items[i];
		size_t j = i;
		while (j > 0 && rank(&p->items[j - 1]) > rank(&t)) {
			p->items[j] = p->items[j - 1];
			j--;
		}
		p->items[j] = t;
	}
}

void rs_mcu_plan_make(const struct rs_mcu_plan_in *in, struct rs_mcu_plan *out)
{
	memset(out, 0, sizeof(*out));
	size_t hw_count = in->hw ? in->hw->board_count : 0;
	bool *claimed = rs_xcalloc(hw_count + 1, sizeof(*claimed));
	for (size_t i = 0; in->cfg && i < in->cfg->mcu_count && out->count < RS_MCU_PLAN_MAX; i++)
		add_configured(in, &in->cfg->mcus[i], out, claimed);
	for (size_t i = 0; i < hw_count; i++)
		if (!claimed[i])
			add_connected(in, i, out);
	free(claimed);
	for (size_t i = 0; i < out->count; i++) {
		struct rs_mcu_plan_item *it = &out->items[i];
		if (it->link == RS_MCU_LINK_CAN && rs_board_is_usb_can_bridge(it->board)) {
			it->role = RS_MCU_ROLE_BRIDGE;
			out->bridges++;
		}
	}
	for (size_t i = 0; i < out->count; i++) {
		struct rs_mcu_plan_item *it = &out->items[i];
		if (it->link == RS_MCU_LINK_CAN && it->role != RS_MCU_ROLE_BRIDGE && out->bridges)
			it->role = RS_MCU_ROLE_BEHIND_BRIDGE;
		judge(in, it);
		choose_route(in, it);
	}
	order(out);
}

size_t rs_mcu_plan_pending(const struct rs_mcu_plan *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->count; i++)
		n += p->items[i].needs_build || p->items[i].needs_flash;
	return n;
}

const char *rs_mcu_link_name(enum rs_mcu_link l)
{
	static const char *const n[] = { "usb", "can", "host", "other" };
	return (size_t)l < 4 ? n[l] : "?";
}

const char *rs_mcu_role_name(enum rs_mcu_role r)
{
	static const char *const n[] = { "plain", "behind-bridge", "bridge", "host" };
	return (size_t)r < 4 ? n[r] : "?";
}

static const char *const route_names[][2] = {
	{ "none", "no route: board unknown" },
	{ "board", "the board's own route" },
	{ "rp2040-uf2", "klipper.uf2 onto the RP2040 boot drive (BOOTSEL)" },
	{ "katapult-usb", "Katapult over USB" },
	{ "katapult-can", "Katapult over CAN (can0)" },
	{ "host", "the Pi's own MCU: make flash of the linux target, klipper-mcu restarted" },
};

const char *rs_mcu_route_name(const struct rs_mcu_plan_item *it)
{
	if (it->route == RS_MCU_ROUTE_BOARD)
		return rs_route_name(it->board_route);
	return (size_t)it->route < sizeof(route_names) / sizeof(route_names[0])
		       ? route_names[it->route][0] : "?";
}

const char *rs_mcu_route_title(const struct rs_mcu_plan_item *it)
{
	if (it->route == RS_MCU_ROUTE_BOARD)
		return rs_route_title(it->board_route);
	return (size_t)it->route < sizeof(route_names) / sizeof(route_names[0])
		       ? route_names[it->route][1] : "?";
}
