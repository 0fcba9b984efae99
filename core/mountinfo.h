/* /proc/self/mountinfo, parsed: which block device is mounted where. The
 * device is named by major:minor (field 3) and by the mount source (after
 * " - "); btrfs reports an anonymous 0:N there, so the source is the fallback. */
#ifndef RS_CORE_MOUNTINFO_H
#define RS_CORE_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>

struct rs_mount {
	unsigned major, minor;
	char *mountpoint; /* unescaped (\040 is a space) */
	char *fstype;
	char *source;     /* e.g. /dev/sda1, /dev/root */
};

struct rs_mounts {
	struct rs_mount *items;
	size_t count;
};

/* Parses mountinfo text; malformed lines are skipped (the kernel writes this
 * file, a line we cannot read is not a reason to know nothing). */
void rs_mountinfo_parse(const char *text, struct rs_mounts *out);
/* Reads and parses path; false (and out empty) when it cannot be read. */
bool rs_mountinfo_read(const char *path, struct rs_mounts *out);
void rs_mounts_free(struct rs_mounts *m);
/* Appends one entry (strings copied). */
void rs_mounts_add(struct rs_mounts *m, unsigned major, unsigned minor, const char *mountpoint,
		   const char *fstype, const char *source);

/* The i-th mount (from 0) of the device major:minor, or whose source is
 * devnode (may be NULL); NULL when there are no more. */
const struct rs_mount *rs_mounts_of(const struct rs_mounts *m, unsigned major, unsigned minor,
				    const char *devnode, size_t i);

#endif
