/* A loaded set of boards and drivers plus the errors of the files that did not
 * load. One bad file never stops the others: it shows up in errors instead. */
#ifndef RS_CORE_CATALOG_H
#define RS_CORE_CATALOG_H

#include "core/board.h"
#include "core/error.h"

struct rs_catalog {
	struct rs_board *boards; /* sorted: control boards first, then manufacturer, name */
	size_t board_count;
	struct rs_driver *drivers;
	size_t driver_count;
	struct rs_errors errors; /* files that were rejected */
	char *dir;               /* where the boards came from, if a directory */
};

/* Takes ownership of *b (the caller's struct is cleared). */
void rs_catalog_add_board(struct rs_catalog *cat, struct rs_board *b);
void rs_catalog_add_driver(struct rs_catalog *cat, struct rs_driver *d);
/* Sorts boards for display and checks cross-references (integrated drivers
 * exist, recommended boards exist); problems become errors. */
void rs_catalog_finish(struct rs_catalog *cat);
void rs_catalog_free(struct rs_catalog *cat);

const struct rs_board *rs_catalog_find(const struct rs_catalog *cat, const char *id);
const struct rs_driver *rs_catalog_find_driver(const struct rs_catalog *cat, const char *id);
/* Up to max board ids close to id (edit distance or substring), best first. */
size_t rs_catalog_suggest(const struct rs_catalog *cat, const char *id, const char **out,
			  size_t max);

#endif
