/* File front-ends of the loader: read a whole (size-limited) file, then parse
 * it as a string. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/board_loader.h"
#include "core/file_read.h"
#include "core/xalloc.h"

/* "boards/btt-octopus-pro-429.yaml" -> "btt-octopus-pro-429" */
static char *id_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".yaml") == 0)
		n -= 5;
	return rs_xstrndup(base, n);
}

bool rs_board_load_file(const char *path, struct rs_board *out, struct rs_errors *errs)
{
	size_t len;
	memset(out, 0, sizeof(*out));
	char *buf = rs_file_read(path, RS_BOARD_FILE_MAX, &len, errs);
	if (!buf)
		return false;
	char *id = id_from_path(path);
	bool ok = rs_board_parse(path, buf, len, id, out, errs);
	free(id);
	free(buf);
	return ok;
}

bool rs_drivers_load_file(const char *path, struct rs_catalog *cat, struct rs_errors *errs)
{
	size_t len;
	char *buf = rs_file_read(path, RS_BOARD_FILE_MAX, &len, errs);
	if (!buf)
		return false;
	bool ok = rs_drivers_parse(path, buf, len, cat, errs);
	free(buf);
	return ok;
}
