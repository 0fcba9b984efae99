#include "platform/udev_gather.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/card_policy.h"
#include "core/text_safe.h"
#include "core/xalloc.h"

/* Device strings come from USB descriptors anyone can program: stored
 * display-safe (core/text_safe.h) so they cannot move the cursor or break
 * the terminal. */
static char *clean(const char *s)
{
	if (!s)
		return NULL;
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	if (n == 0)
		return NULL;
	return rs_text_safe_n(s, n);
}

static char *dup_or_null(const char *s)
{
	return s ? rs_xstrdup(s) : NULL;
}

static const char *attr_or_prop(struct udev_device *dev, const char *attr, const char *prop)
{
	const char *v = attr ? udev_device_get_sysattr_value(dev, attr) : NULL;
	if (!v || !*v)
		v = prop ? udev_device_get_property_value(dev, prop) : NULL;
	return v;
}

static bool hex_value(struct udev_device *dev, const char *attr, const char *prop, unsigned *out)
{
	const char *v = attr_or_prop(dev, attr, prop);
	if (!v || !*v)
		return false;
	char *end;
	unsigned long n = strtoul(v, &end, 16);
	if (*end || n > 0xffff)
		return false;
	*out = (unsigned)n;
	return true;
}

static bool attr_is(struct udev_device *dev, const char *attr, const char *want)
{
	const char *v = udev_device_get_sysattr_value(dev, attr);
	return v && strcmp(v, want) == 0;
}

char *rs_udev_disk_serial(struct udev_device *disk)
{
	const char *v = udev_device_get_property_value(disk, "ID_SERIAL");
	struct udev_device *p = rs_udev_usb_parent(disk);
	if ((!v || !*v) && p)
		v = udev_device_get_sysattr_value(p, "serial");
	p = udev_device_get_parent_with_subsystem_devtype(disk, "mmc", NULL);
	if ((!v || !*v) && p)
		v = udev_device_get_sysattr_value(p, "serial");
	return clean(v);
}

struct udev_device *rs_udev_usb_parent(struct udev_device *dev)
{
	return udev_device_get_parent_with_subsystem_devtype(dev, "usb", "usb_device");
}

/* udev takes the number from MAJOR/MINOR in uevent; the sysfs "dev"
 * attribute says the same and is there even when uevent is sparse. */
static dev_t devnum_of(struct udev_device *dev)
{
	dev_t num = udev_device_get_devnum(dev);
	unsigned maj, min;
	const char *v;
	if (major(num) == 0 && (v = udev_device_get_sysattr_value(dev, "dev")) &&
	    sscanf(v, "%u:%u", &maj, &min) == 2)
		num = makedev(maj, min);
	return num;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* udev's by-id link: from DEVLINKS (set in events and in the udev database),
 * else by looking at the links themselves, which exist even when the
 * database is unavailable. Links there are always ../../ttyXXX. */
static char *serial_by_id(struct udev_device *tty, const char *devnode)
{
	static const char dir[] = "/dev/serial/by-id/";
	const char *links = udev_device_get_property_value(tty, "DEVLINKS");
	for (const char *p = links; p && *p;) {
		size_t n = strcspn(p, " ");
		if (n > sizeof(dir) - 1 && strncmp(p, dir, sizeof(dir) - 1) == 0)
			return rs_xstrndup(p, n);
		p += n + (p[n] == ' ');
	}
	struct udev_list_entry *e;
	udev_list_entry_foreach(e, udev_device_get_devlinks_list_entry(tty))
	{
		const char *l = udev_list_entry_get_name(e);
		if (strncmp(l, dir, sizeof(dir) - 1) == 0)
			return rs_xstrdup(l);
	}
	if (!devnode)
		return NULL;
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char *found = NULL;
	struct dirent *ent;
	while (!found && (ent = readdir(d))) {
		if (ent->d_name[0] == '.')
			continue;
		char *path = rs_xasprintf("%s%s", dir, ent->d_name);
		char target[512];
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			if (strcmp(base_name(target), base_name(devnode)) == 0)
				found = path;
		}
		if (found != path)
			free(path);
	}
	closedir(d);
	return found;
}

/* Calls visit(child, data) for each device below parent in subsystem, in
 * udev's order, until visit returns false. The child is borrowed for the
 * call only (unreffed after it). */
static void each_child(struct udev *udev, struct udev_device *parent, const char *subsystem,
		       bool (*visit)(struct udev_device *child, void *data), void *data)
{
	struct udev_enumerate *en = udev_enumerate_new(udev);
	if (!en)
		return;
	udev_enumerate_add_match_parent(en, parent);
	udev_enumerate_add_match_subsystem(en, subsystem);
	udev_enumerate_scan_devices(en);
	struct udev_list_entry *e;
	udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en))
	{
		struct udev_device *d = udev_device_new_from_syspath(udev, udev_list_entry_get_name(e));
		if (!d)
			continue;
		bool more = visit(d, data);
		udev_device_unref(d);
		if (!more)
			break;
	}
	udev_enumerate_unref(en);
}

/* The first tty below the USB device with a device node is the board's. */
static bool visit_tty(struct udev_device *tty, void *data)
{
	struct rs_hw_board *b = data;
	const char *node = udev_device_get_devnode(tty);
	if (node) {
		b->tty_syspath = rs_xstrdup(udev_device_get_syspath(tty));
		free(b->devnode);
		b->devnode = rs_xstrdup(node);
		b->by_id = serial_by_id(tty, node);
	}
	return !b->tty_syspath;
}

/* The RP2040 ROM's mass-storage drive: the disk below the USB device and
 * the node carrying its FAT volume (a partition, or the disk itself). */
static bool visit_boot_drive(struct udev_device *d, void *data)
{
	struct rs_hw_board *b = data;
	const char *type = udev_device_get_devtype(d);
	const char *node = udev_device_get_devnode(d);
	const char *fs = udev_device_get_property_value(d, "ID_FS_TYPE");
	if (node && type && strcmp(type, "disk") == 0 && !b->boot_disk)
		b->boot_disk = rs_xstrdup(node);
	/* The partition wins over a disk that also reports the volume. */
	if (node && fs && *fs && (!b->boot_volume || strcmp(type ? type : "", "partition") == 0)) {
		free(b->boot_volume);
		free(b->boot_label);
		b->boot_volume = rs_xstrdup(node);
		b->boot_label = clean(udev_device_get_property_value(d, "ID_FS_LABEL"));
	}
	return true;
}

bool rs_udev_gather_board(struct udev *udev, struct udev_device *dev, struct rs_hw_board *out)
{
	memset(out, 0, sizeof(*out));
	unsigned vid, pid;
	enum rs_hw_board_kind kind;
	if (!hex_value(dev, "idVendor", "ID_VENDOR_ID", &vid) ||
	    !hex_value(dev, "idProduct", "ID_MODEL_ID", &pid) ||
	    !rs_hw_board_kind_from_usb(vid, pid, &kind))
		return false;
	out->kind = kind;
	out->vid = vid;
	out->pid = pid;
	out->syspath = rs_xstrdup(udev_device_get_syspath(dev));
	out->manufacturer = clean(attr_or_prop(dev, "manufacturer", "ID_VENDOR"));
	out->product = clean(attr_or_prop(dev, "product", "ID_MODEL"));
	out->serial = clean(attr_or_prop(dev, "serial", "ID_SERIAL_SHORT"));
	out->mcu = rs_hw_board_guess_mcu(kind, out->product);
	out->devnode = dup_or_null(udev_device_get_devnode(dev));
	/* These kinds are only usable through their tty, and udev announces the
	 * USB device before the tty: listing it at that point would show a
	 * board without its port that changes a moment later. */
	if (rs_hw_board_kind_has_tty(kind)) {
		each_child(udev, dev, "tty", visit_tty, out);
		if (!out->tty_syspath) {
			rs_hw_board_free(out);
			return false;
		}
	}
	if (kind == RS_HW_RP2040_BOOT)
		each_child(udev, dev, "block", visit_boot_drive, out);
	return true;
}

#define UNKNOWN_MOUNTS "(unknown: mount table unreadable)"

/* A ZFS vdev names its pool only in its label (blkid: zfs_member, LABEL =
 * pool), and a ZFS mount names only its dataset ("rpool/ROOT/debian"). */
static const char *zfs_system_mount(struct udev_device *dev, const struct rs_mounts *mounts)
{
	const char *type = udev_device_get_property_value(dev, "ID_FS_TYPE");
	const char *pool = udev_device_get_property_value(dev, "ID_FS_LABEL");
	if (!type || strcmp(type, "zfs_member") != 0 || !pool || !*pool)
		return NULL;
	size_t n = strlen(pool);
	for (size_t i = 0; i < mounts->count; i++) {
		const struct rs_mount *m = &mounts->items[i];
		if (strcmp(m->fstype, "zfs") == 0 && strncmp(m->source, pool, n) == 0 &&
		    (m->source[n] == '\0' || m->source[n] == '/') && rs_mount_is_system(m->mountpoint))
			return m->mountpoint;
	}
	return NULL;
}

/* The first system mount point of a block device, following device-mapper
 * and md holders a few levels up (root on LVM or LUKS lives there). The
 * result points into mounts. */
static const char *system_mount(struct udev *udev, const struct rs_mounts *mounts,
				struct udev_device *dev, int depth)
{
	if (!mounts)
		return UNKNOWN_MOUNTS;
	dev_t num = devnum_of(dev);
	const char *node = udev_device_get_devnode(dev);
	const struct rs_mount *m;
	for (size_t i = 0; (m = rs_mounts_of(mounts, major(num), minor(num), node, i)); i++)
		if (rs_mount_is_system(m->mountpoint))
			return m->mountpoint;
	const char *zfs = zfs_system_mount(dev, mounts);
	if (zfs)
		return zfs;
	if (depth >= 3)
		return NULL;
	char *dir = rs_xasprintf("%s/holders", udev_device_get_syspath(dev));
	DIR *d = opendir(dir);
	free(dir);
	if (!d)
		return NULL;
	const char *found = NULL;
	struct dirent *ent;
	while (!found && (ent = readdir(d))) {
		if (ent->d_name[0] == '.')
			continue;
		struct udev_device *h =
			udev_device_new_from_subsystem_sysname(udev, "block", ent->d_name);
		if (h) {
			found = system_mount(udev, mounts, h, depth + 1);
			udev_device_unref(h);
		}
	}
	closedir(d);
	return found;
}

static char *first_mount(const struct rs_mounts *mounts, struct udev_device *dev)
{
	if (!mounts)
		return NULL;
	dev_t num = devnum_of(dev);
	const struct rs_mount *m =
		rs_mounts_of(mounts, major(num), minor(num), udev_device_get_devnode(dev), 0);
	return m ? rs_xstrdup(m->mountpoint) : NULL;
}

static unsigned long long sectors_attr(struct udev_device *dev)
{
	const char *v = udev_device_get_sysattr_value(dev, "size");
	return v ? strtoull(v, NULL, 10) * 512ull : 0;
}

static void fill_part(struct rs_hw_part *p, struct udev_device *dev,
		      const struct rs_mounts *mounts)
{
	dev_t num = devnum_of(dev);
	p->name = rs_xstrdup(udev_device_get_sysname(dev));
	p->devnode = dup_or_null(udev_device_get_devnode(dev));
	p->major = major(num);
	p->minor = minor(num);
	p->size = sectors_attr(dev);
	const char *n = attr_or_prop(dev, "partition", "PARTN");
	p->number = n ? (unsigned)strtoul(n, NULL, 10) : 0;
	p->fs_type = clean(udev_device_get_property_value(dev, "ID_FS_TYPE"));
	p->fs_version = clean(udev_device_get_property_value(dev, "ID_FS_VERSION"));
	p->fs_label = clean(udev_device_get_property_value(dev, "ID_FS_LABEL"));
	p->mountpoint = first_mount(mounts, dev);
}

static int part_order(const void *pa, const void *pb)
{
	const struct rs_hw_part *a = pa, *b = pb;
	return a->number < b->number ? -1 : a->number > b->number;
}

struct parts_walk {
	struct udev *udev;
	const struct rs_mounts *mounts;
	struct rs_hw_card *c;
	const char *sys;
};

static bool visit_part(struct udev_device *d, void *data)
{
	struct parts_walk *w = data;
	const char *type = udev_device_get_devtype(d);
	if (type && strcmp(type, "partition") == 0) {
		struct rs_hw_card *c = w->c;
		c->parts = rs_xrealloc(c->parts, (c->part_count + 1) * sizeof(*c->parts));
		struct rs_hw_part *p = &c->parts[c->part_count++];
		memset(p, 0, sizeof(*p));
		fill_part(p, d, w->mounts);
		/* "/" says most about why; other system paths only if no "/". */
		const char *s = w->sys && strcmp(w->sys, "/") == 0
					? NULL
					: system_mount(w->udev, w->mounts, d, 0);
		if (s && (!w->sys || strcmp(s, "/") == 0))
			w->sys = s;
	}
	return true;
}

/* Partitions, plus a facts record of whether any of them holds the system. */
static const char *gather_parts(struct udev *udev, struct udev_device *disk,
				const struct rs_mounts *mounts, struct rs_hw_card *c)
{
	struct parts_walk w = { .udev = udev, .mounts = mounts, .c = c };
	each_child(udev, disk, "block", visit_part, &w);
	if (c->part_count > 1)
		qsort(c->parts, c->part_count, sizeof(*c->parts), part_order);
	return w.sys;
}

/* How the disk is attached; walks parents (borrowed, never unreferenced). */
static void find_bus(struct udev_device *disk, struct rs_hw_card *c, const char **mmc_type)
{
	struct udev_device *usb = rs_udev_usb_parent(disk);
	if (usb) {
		c->bus = RS_BUS_USB;
		/* An internal port says "fixed"; the media may still be removable. */
		c->hotplug = !attr_is(usb, "removable", "fixed");
		return;
	}
	struct udev_device *mmc = udev_device_get_parent_with_subsystem_devtype(disk, "mmc", NULL);
	if (mmc) {
		c->bus = RS_BUS_MMC;
		*mmc_type = udev_device_get_sysattr_value(mmc, "type");
		/* SD cards sit in a slot; eMMC (type MMC) is soldered on. */
		c->hotplug = *mmc_type && strcmp(*mmc_type, "SD") == 0;
		if (!c->model)
			c->model = clean(udev_device_get_sysattr_value(mmc, "name"));
		return;
	}
	const char *bus = udev_device_get_property_value(disk, "ID_BUS");
	if (bus && strcmp(bus, "usb") == 0) {
		c->bus = RS_BUS_USB;
		c->hotplug = true;
	}
}

void rs_udev_gather_card(struct udev *udev, struct udev_device *dev,
			 const struct rs_mounts *mounts, struct rs_hw_card *out)
{
	memset(out, 0, sizeof(*out));
	dev_t num = devnum_of(dev);
	out->syspath = rs_xstrdup(udev_device_get_syspath(dev));
	out->name = rs_xstrdup(udev_device_get_sysname(dev));
	out->devnode = dup_or_null(udev_device_get_devnode(dev));
	out->major = major(num);
	out->minor = minor(num);
	out->size = sectors_attr(dev);
	out->read_only = attr_is(dev, "ro", "1");
	out->removable = attr_is(dev, "removable", "1");
	/* udev's ID_VENDOR/ID_MODEL are the tidied form of the SCSI inquiry. */
	out->vendor = clean(attr_or_prop(dev, NULL, "ID_VENDOR"));
	if (!out->vendor)
		out->vendor = clean(udev_device_get_sysattr_value(dev, "device/vendor"));
	out->model = clean(attr_or_prop(dev, NULL, "ID_MODEL"));
	if (!out->model)
		out->model = clean(udev_device_get_sysattr_value(dev, "device/model"));
	if (!out->model)
		out->model = clean(udev_device_get_property_value(dev, "ID_NAME"));
	const char *mmc_type = NULL;
	find_bus(dev, out, &mmc_type);
	out->mountpoint = first_mount(mounts, dev);

	const char *sys = system_mount(udev, mounts, dev, 0);
	const char *part_sys = gather_parts(udev, dev, mounts, out);
	if (!sys)
		sys = part_sys;
	out->system_path = dup_or_null(sys);

	/* A card formatted without a partition table carries the filesystem on
	 * the disk itself; show it as partition 0 so writers find it. */
	if (out->part_count == 0 && udev_device_get_property_value(dev, "ID_FS_TYPE")) {
		out->parts = rs_xcalloc(1, sizeof(*out->parts));
		out->part_count = 1;
		fill_part(&out->parts[0], dev, mounts);
	}

	const char *cdrom = udev_device_get_property_value(dev, "ID_CDROM");
	struct udev_device *usb = rs_udev_usb_parent(dev);
	unsigned vid = 0, pid = 0;
	enum rs_hw_board_kind kind;
	bool board_boot = usb && hex_value(usb, "idVendor", "ID_VENDOR_ID", &vid) &&
			  hex_value(usb, "idProduct", "ID_MODEL_ID", &pid) &&
			  rs_hw_board_kind_from_usb(vid, pid, &kind) && kind == RS_HW_RP2040_BOOT;
	struct rs_card_facts f = {
		.name = out->name,
		.bus = out->bus,
		.removable = out->removable,
		.hotplug = out->hotplug,
		.cdrom = cdrom && strcmp(cdrom, "1") == 0,
		.read_only = out->read_only,
		.size = out->size,
		.holds_system = sys != NULL,
		.board_boot = board_boot,
	};
	out->refusal = rs_card_decide(&f, &out->refusal_mask);
}
