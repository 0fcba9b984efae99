#include "platform/discovery_udev.h"

#include <errno.h>
#include <libudev.h>
#include <stdlib.h>
#include <string.h>

#include "core/mountinfo.h"
#include "core/xalloc.h"
#include "platform/sysmounts.h"
#include "platform/udev_gather.h"

#define DEFAULT_MOUNTINFO "/proc/self/mountinfo"
/* Events handled per call, so a storm cannot starve the user interface. */
#define MAX_EVENTS_PER_CALL 256

struct udev_discovery {
	struct rs_discovery base; /* first: the generic code casts to it */
	struct udev *udev;
	struct udev_monitor *mon;
	char *mountinfo_path;
	bool own_system; /* the table is this system's: its swap and root count too */
};

static struct udev_discovery *from_base(struct rs_discovery *d)
{
	return (struct udev_discovery *)d;
}

/* False when the mount table cannot be read; callers then pass NULL mounts,
 * which makes every disk count as a possible system disk: refusing a card
 * is recoverable, writing over the running system is not. */
static bool load_mounts(const struct udev_discovery *u, struct rs_mounts *m)
{
	return rs_sysmounts_read(u->own_system ? NULL : u->mountinfo_path, m);
}

static bool is(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

static bool put_board_from_usb(struct udev_discovery *u, struct udev_device *usb)
{
	struct rs_hw_board b;
	if (!rs_udev_gather_board(u->udev, usb, &b))
		return false;
	rs_hw_list_put_board(&u->base.list, &b);
	return true;
}

static void put_card(struct udev_discovery *u, struct udev_device *disk,
		     const struct rs_mounts *mounts)
{
	struct rs_hw_card c;
	rs_udev_gather_card(u->udev, disk, mounts, &c);
	rs_hw_list_put_card(&u->base.list, &c);
}

/* Under a running udev daemon a device it has not processed yet lacks its
 * properties (filesystem, by-id links) and will come again as an event, so it
 * is skipped. Without a udev database (containers, umockdev) nothing is ever
 * "initialized"; then every device counts, or nothing would be found. */
static bool udev_has_database(struct udev_enumerate *en, struct udev *udev)
{
	struct udev_list_entry *e;
	udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en))
	{
		struct udev_device *d = udev_device_new_from_syspath(udev, udev_list_entry_get_name(e));
		bool init = d && udev_device_get_is_initialized(d) > 0;
		udev_device_unref(d);
		if (init)
			return true;
	}
	return false;
}

static void enumerate_all(struct udev_discovery *u)
{
	struct rs_mounts mounts;
	const struct rs_mounts *known = load_mounts(u, &mounts) ? &mounts : NULL;
	struct udev_enumerate *en = udev_enumerate_new(u->udev);
	if (!en)
		goto out;
	udev_enumerate_add_match_subsystem(en, "usb");
	udev_enumerate_add_match_subsystem(en, "block");
	udev_enumerate_scan_devices(en);
	bool skip_uninitialized = udev_has_database(en, u->udev);

	struct udev_list_entry *e;
	udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en))
	{
		struct udev_device *d = udev_device_new_from_syspath(u->udev, udev_list_entry_get_name(e));
		if (!d)
			continue;
		if (skip_uninitialized && udev_device_get_is_initialized(d) <= 0) {
			udev_device_unref(d);
			continue;
		}
		const char *sub = udev_device_get_subsystem(d);
		const char *type = udev_device_get_devtype(d);
		if (is(sub, "usb") && is(type, "usb_device"))
			put_board_from_usb(u, d);
		else if (is(sub, "block") && is(type, "disk"))
			put_card(u, d, known);
		udev_device_unref(d);
	}
	udev_enumerate_unref(en);
out:
	rs_mounts_free(&mounts);
}

/* Drops one partition from the card that holds it; the disk itself stays. */
static bool remove_part(struct rs_hw_list *l, const char *syspath, const char *sysname)
{
	for (size_t i = 0; i < l->card_count; i++) {
		struct rs_hw_card *c = &l->cards[i];
		size_t n = strlen(c->syspath);
		if (strncmp(syspath, c->syspath, n) != 0 || syspath[n] != '/')
			continue;
		for (size_t k = 0; k < c->part_count; k++) {
			if (!is(c->parts[k].name, sysname))
				continue;
			rs_hw_part_free(&c->parts[k]);
			memmove(&c->parts[k], &c->parts[k + 1],
				(c->part_count - k - 1) * sizeof(*c->parts));
			c->part_count--;
			return true;
		}
	}
	return false;
}

/* A board whose boot drive this block device is (RP2040 BOOTSEL): the
 * kernel makes the drive after udev announced the board. */
static void refresh_board_above(struct udev_discovery *u, struct udev_device *block)
{
	struct udev_device *usb = rs_udev_usb_parent(block); /* borrowed */
	if (usb && rs_hw_list_find_board(&u->base.list, udev_device_get_syspath(usb)))
		put_board_from_usb(u, usb);
}

/* One event. Removals are applied from the event alone: the sysfs entry may
 * still be there (or already gone), so re-reading it would be racy. */
static bool handle_event(struct udev_discovery *u, struct udev_device *d,
			 const struct rs_mounts *mounts)
{
	const char *action = udev_device_get_action(d);
	const char *sub = udev_device_get_subsystem(d);
	const char *type = udev_device_get_devtype(d);
	const char *syspath = udev_device_get_syspath(d);
	if (!action || !sub || !syspath)
		return false;

	if (is(action, "remove")) {
		if (is(sub, "block") && is(type, "partition"))
			return remove_part(&u->base.list, syspath, udev_device_get_sysname(d));
		return rs_hw_list_remove(&u->base.list, syspath) > 0;
	}
	if (!is(action, "add") && !is(action, "change") && !is(action, "bind") &&
	    !is(action, "move"))
		return false;

	if (is(sub, "usb") && is(type, "usb_device"))
		return put_board_from_usb(u, d);
	if (is(sub, "tty")) {
		struct udev_device *usb = rs_udev_usb_parent(d); /* borrowed */
		return usb && put_board_from_usb(u, usb);
	}
	if (is(sub, "block") && is(type, "disk")) {
		put_card(u, d, mounts);
		refresh_board_above(u, d);
		return true;
	}
	if (is(sub, "block") && is(type, "partition")) {
		/* A partition that arrives before its disk is picked up when the
		 * disk's own event comes. */
		struct udev_device *disk =
			udev_device_get_parent_with_subsystem_devtype(d, "block", "disk");
		if (!disk)
			return false;
		put_card(u, disk, mounts);
		refresh_board_above(u, disk);
		return true;
	}
	return false;
}

static int udev_fd(struct rs_discovery *d)
{
	struct udev_discovery *u = from_base(d);
	return u->mon ? udev_monitor_get_fd(u->mon) : -1;
}

static bool udev_process(struct rs_discovery *d)
{
	struct udev_discovery *u = from_base(d);
	if (!u->mon)
		return false;
	bool changed = false, loaded = false;
	struct rs_mounts mounts = { 0 };
	const struct rs_mounts *known = NULL;
	for (int i = 0; i < MAX_EVENTS_PER_CALL; i++) {
		struct udev_device *dev = udev_monitor_receive_device(u->mon);
		if (!dev)
			break;
		if (!loaded) {
			known = load_mounts(u, &mounts) ? &mounts : NULL;
			loaded = true;
		}
		changed |= handle_event(u, dev, known);
		udev_device_unref(dev);
	}
	rs_mounts_free(&mounts);
	return changed;
}

static void udev_destroy(struct rs_discovery *d)
{
	struct udev_discovery *u = from_base(d);
	udev_monitor_unref(u->mon);
	udev_unref(u->udev);
	free(u->mountinfo_path);
	free(u);
}

static const struct rs_discovery_ops udev_ops = {
	.fd = udev_fd,
	.process = udev_process,
	.destroy = udev_destroy,
};

static struct udev_monitor *make_monitor(struct udev *udev)
{
	struct udev_monitor *mon = udev_monitor_new_from_netlink(udev, "udev");
	if (!mon)
		return NULL;
	if (udev_monitor_filter_add_match_subsystem_devtype(mon, "usb", "usb_device") < 0 ||
	    udev_monitor_filter_add_match_subsystem_devtype(mon, "tty", NULL) < 0 ||
	    udev_monitor_filter_add_match_subsystem_devtype(mon, "block", NULL) < 0 ||
	    udev_monitor_enable_receiving(mon) < 0) {
		udev_monitor_unref(mon);
		return NULL;
	}
	return mon;
}

struct rs_discovery *rs_discovery_udev_open(const struct rs_discovery_config *cfg, char **why)
{
	*why = NULL;
	struct udev_discovery *u = rs_xcalloc(1, sizeof(*u));
	u->base.ops = &udev_ops;
	u->mountinfo_path = rs_xstrdup(cfg && cfg->mountinfo_path ? cfg->mountinfo_path
								 : DEFAULT_MOUNTINFO);
	u->own_system = !cfg || !cfg->mountinfo_path;
	struct rs_mounts probe;
	if (!rs_mountinfo_read(u->mountinfo_path, &probe)) {
		*why = rs_xasprintf("cannot read the mount table %s: %s", u->mountinfo_path,
				    strerror(errno));
		udev_destroy(&u->base);
		return NULL;
	}
	rs_mounts_free(&probe);
	u->udev = udev_new();
	if (!u->udev) {
		*why = rs_xasprintf("cannot use udev: %s", strerror(errno));
		udev_destroy(&u->base);
		return NULL;
	}
	/* Before enumerating, so nothing plugged in meanwhile is missed. Without
	 * a monitor (no netlink, e.g. in a restricted container) the lists are
	 * still right, they just do not update. */
	u->mon = make_monitor(u->udev);
	enumerate_all(u);
	return &u->base;
}
