/* The Klipper source tree the firmware is built from. */
#ifndef RS_PLATFORM_KLIPPER_TREE_H
#define RS_PLATFORM_KLIPPER_TREE_H

#include <stdbool.h>

struct rs_klipper_tree {
	char *path;    /* e.g. /home/pi/klipper; NULL when none was found */
	/* `git describe --always --tags --long --dirty` as Klipper runs it, else
	 * klippy/.version (release tarballs), else NULL. */
	char *version;
};

/* Looks at dir (NULL: ~/klipper of the invoking user). A tree counts as found
 * when it has a Makefile and src/. */
bool rs_klipper_tree_find(const char *dir, struct rs_klipper_tree *out);
/* klippy/.version of the tree at dir (what Klipper uses without git), or
 * NULL. Caller frees. */
char *rs_klipper_tree_version_file(const char *dir);
void rs_klipper_tree_free(struct rs_klipper_tree *t);

#endif
