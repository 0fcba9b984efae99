/* /proc/self/mountinfo, parsed. Pure, so the rules that use it (is this card
 * mounted? is this the system disk?) can be tested on crafted text. */
#ifndef RS_CORE_MOUNTINFO_H
#define RS_CORE_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>

struct rs_mount {
	unsigned major, minor;
	char *mountpoint; /* octal escapes (\040) decoded */
	char *fstype;
	char *source;
};

struct rs_mounts {
	struct rs_mount *items;
	size_t count;
};

/* Parses the whole text; malformed lines are skipped. */
void rs_mountinfo_parse(const char *text, struct rs_mounts *out);
void rs_mounts_free(struct rs_mounts *m);
/* The first mount of device major:minor, or of a source equal to source
 * (may be NULL), or NULL. */
const struct rs_mount *rs_mounts_find(const struct rs_mounts *m, unsigned major, unsigned minor,
				      const char *source);
/* Mount points whose device holds the running system. */
bool rs_mount_is_system(const struct rs_mount *m);

#endif
