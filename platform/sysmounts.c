#include "platform/sysmounts.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "core/file_read.h"
#include "core/xalloc.h"

#define BTRFS_SYSFS "/sys/fs/btrfs"

static bool block_devnum(const char *path, dev_t *num)
{
	struct stat st;
	if (path[0] != '/' || stat(path, &st) != 0 || !S_ISBLK(st.st_mode))
		return false;
	*num = st.st_rdev;
	return true;
}

/* major:minor of a kernel block device name, from sysfs. */
static bool sysfs_devnum(const char *name, dev_t *num)
{
	char path[PATH_MAX];
	unsigned maj, min;
	if (snprintf(path, sizeof(path), "/sys/class/block/%s/dev", name) >= (int)sizeof(path))
		return false;
	size_t len;
	char *text = rs_file_read(path, 64, &len, NULL);
	bool ok = text && sscanf(text, "%u:%u", &maj, &min) == 2;
	free(text);
	if (ok)
		*num = makedev(maj, min);
	return ok;
}

/* The other devices of the multi-device btrfs that member belongs to. */
static void add_btrfs_members(struct rs_mounts *m, const char *member, const char *mountpoint)
{
	DIR *top = opendir(BTRFS_SYSFS);
	if (!top)
		return;
	struct dirent *fs;
	while ((fs = readdir(top))) {
		if (fs->d_name[0] == '.')
			continue;
		char *devs = rs_xasprintf("%s/%s/devices", BTRFS_SYSFS, fs->d_name);
		char *probe = rs_xasprintf("%s/%s", devs, member);
		struct stat st;
		bool ours = stat(probe, &st) == 0;
		free(probe);
		DIR *d = ours ? opendir(devs) : NULL;
		struct dirent *e;
		while (d && (e = readdir(d))) {
			dev_t num;
			if (e->d_name[0] != '.' && sysfs_devnum(e->d_name, &num)) {
				char *src = rs_xasprintf("/dev/%s", e->d_name);
				rs_mounts_add(m, major(num), minor(num), mountpoint, "btrfs", src);
				free(src);
			}
		}
		if (d)
			closedir(d);
		free(devs);
	}
	closedir(top);
}

static void add_swaps(struct rs_mounts *m)
{
	size_t len;
	char *swaps = rs_file_read("/proc/swaps", 1u << 20, &len, NULL);
	for (char *line = swaps ? strchr(swaps, '\n') : NULL; line; line = strchr(line + 1, '\n')) {
		char dev[PATH_MAX];
		dev_t num;
		if (sscanf(line + 1, "%4095s", dev) == 1 && block_devnum(dev, &num))
			rs_mounts_add(m, major(num), minor(num), "[SWAP]", "swap", dev);
	}
	free(swaps);
}

bool rs_sysmounts_read(const char *path, struct rs_mounts *out)
{
	if (!rs_mountinfo_read(path ? path : "/proc/self/mountinfo", out))
		return false;
	size_t n = out->count;
	for (size_t i = 0; i < n; i++) {
		/* Copies: adding entries moves the array. */
		char *src = rs_xstrdup(out->items[i].source);
		char *mp = rs_xstrdup(out->items[i].mountpoint);
		char *type = rs_xstrdup(out->items[i].fstype);
		dev_t num;
		if (block_devnum(src, &num) &&
		    (major(num) != out->items[i].major || minor(num) != out->items[i].minor))
			rs_mounts_add(out, major(num), minor(num), mp, type, src);
		char link[64], real[PATH_MAX];
		snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(num), minor(num));
		if (strcmp(type, "btrfs") == 0 && block_devnum(src, &num) && realpath(link, real)) {
			const char *slash = strrchr(real, '/');
			add_btrfs_members(out, slash + 1, mp);
		}
		free(src);
		free(mp);
		free(type);
	}
	if (!path) {
		add_swaps(out);
		struct stat st;
		if (stat("/", &st) == 0 && major(st.st_dev) != 0)
			rs_mounts_add(out, major(st.st_dev), minor(st.st_dev), "/", "", "");
	}
	return true;
}
