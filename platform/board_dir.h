/* Finding and reading the board directory. */
#ifndef RS_PLATFORM_BOARD_DIR_H
#define RS_PLATFORM_BOARD_DIR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/catalog.h"

/* The boards directory: next to the executable (build tree), then
 * <exe>/../share/ratos-setup/boards, then the install prefix. Caller frees;
 * NULL when none exists. */
char *rs_boards_dir_find(void);

/* Loads every *.yaml of dir (drivers.yaml first) into cat. False only when
 * the directory itself cannot be read; bad files land in cat->errors. */
bool rs_catalog_load_dir(const char *dir, struct rs_catalog *cat);

/* The *.yaml names of dir (drivers.yaml included), sorted so errors come out
 * in a stable order; NULL when dir cannot be read. */
char **rs_boards_dir_list(const char *dir, size_t *count);
void rs_boards_dir_list_free(char **names, size_t n);

/* Validates a file or a directory of board files. Returns the number of files
 * checked; errors are appended. A directory is checked as a catalog (driver
 * references resolved); a lone board file is checked on its own. */
unsigned rs_validate_path(const char *path, struct rs_errors *errs);

#endif
