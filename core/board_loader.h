/* Strict, table-driven YAML loader for board files and drivers.yaml. Errors
 * are appended to errs with 1-based positions; on failure the output is left
 * empty. */
#ifndef RS_CORE_BOARD_LOADER_H
#define RS_CORE_BOARD_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/board.h"
#include "core/catalog.h"
#include "core/error.h"

#define RS_BOARD_FILE_MAX (256 * 1024)

/* expected_id: the id the file name implies, or NULL to skip that check. */
bool rs_board_parse(const char *file, const char *buf, size_t len, const char *expected_id,
		    struct rs_board *out, struct rs_errors *errs);
/* Adds every driver of a drivers.yaml document to cat (all or nothing). */
bool rs_drivers_parse(const char *file, const char *buf, size_t len, struct rs_catalog *cat,
		      struct rs_errors *errs);

/* File front-ends: read the file (size-limited), then parse. The board id is
 * expected to equal the file's base name without ".yaml". */
bool rs_board_load_file(const char *path, struct rs_board *out, struct rs_errors *errs);
bool rs_drivers_load_file(const char *path, struct rs_catalog *cat, struct rs_errors *errs);

#endif
