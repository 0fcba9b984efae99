/* The Klipper source tree the firmware is built from. */
#ifndef RS_PLATFORM_KLIPPER_TREE_H
#define RS_PLATFORM_KLIPPER_TREE_H

#include <stdbool.h>

struct rs_klipper_tree {
	char *path;    /* e.g. /home/pi/klipper; NULL when none was found */
	char *version; /* `git describe` output, or NULL when git could not tell */
};

/* Looks at dir (NULL: ~/klipper of the invoking user). A tree counts as found
 * when it has a Makefile and src/. */
bool rs_klipper_tree_find(const char *dir, struct rs_klipper_tree *out);
void rs_klipper_tree_free(struct rs_klipper_tree *t);

#endif
