#include "platform/sddevice.h"

#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "platform/identity.h"
#include "platform/sysmounts.h"
#include "platform/udev_gather.h"

int rs_sd_device_open(const char *path, int flags)
{
	flags |= O_CLOEXEC | O_NOCTTY;
	int fd = open(path, flags);
	if (fd >= 0 || (errno != EACCES && errno != EPERM))
		return fd;
	/* Under sudo we act as the user: an image file is theirs and opens as
	 * them above. Root opens block devices only, never a file of the
	 * user's choosing that they could not open themselves. */
	fd = rs_identity_open_as_root(path, flags, 0);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISBLK(st.st_mode))) {
		close(fd);
		fd = -1;
		errno = EACCES;
	}
	return fd;
}

bool rs_sd_device_card(unsigned major, unsigned minor, const char *mountinfo,
		       struct rs_hw_card *out, char **serial, char **why)
{
	memset(out, 0, sizeof(*out));
	*serial = NULL;
	*why = NULL;
	struct udev *udev = udev_new();
	if (!udev) {
		*why = rs_xasprintf("cannot use udev: %s", strerror(errno));
		return false;
	}
	struct udev_device *dev = udev_device_new_from_devnum(udev, 'b', makedev(major, minor));
	if (!dev) {
		/* Without MAJOR/MINOR in uevent libudev cannot match the number;
		 * the kernel's own link still names the device. */
		char link[64], real[PATH_MAX];
		snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major, minor);
		if (realpath(link, real))
			dev = udev_device_new_from_syspath(udev, real);
	}
	if (!dev) {
		*why = rs_xasprintf("the kernel does not list block device %u:%u", major, minor);
		udev_unref(udev);
		return false;
	}
	const char *type = udev_device_get_devtype(dev);
	struct udev_device *disk = dev; /* borrowed parent, or dev itself */
	if (type && strcmp(type, "partition") == 0)
		disk = udev_device_get_parent_with_subsystem_devtype(dev, "block", "disk");
	bool ok = disk != NULL;
	if (ok) {
		struct rs_mounts mounts;
		/* An unreadable mount table passes NULL: the gatherer then refuses. */
		bool have = rs_sysmounts_read(mountinfo, &mounts);
		rs_udev_gather_card(udev, disk, have ? &mounts : NULL, out);
		*serial = rs_udev_disk_serial(disk);
		if (have)
			rs_mounts_free(&mounts);
	} else {
		*why = rs_xasprintf("no disk found above block device %u:%u", major, minor);
	}
	udev_device_unref(dev);
	udev_unref(udev);
	return ok;
}
