/* File front-ends of the loader: read a whole (size-limited) file, then parse
 * it as a string. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/board_loader.h"
#include "core/xalloc.h"

static char *read_limited(const char *path, size_t *len, struct rs_errors *errs)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		rs_errors_add(errs, RS_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	/* Board files are a few KiB: size the buffer by the file rather than by the
	 * limit (a 256 KiB buffer per file costs an mmap each). One byte past the
	 * limit is enough to know a file is too large. */
	size_t cap = RS_BOARD_FILE_MAX + 1;
	if (fseek(f, 0, SEEK_END) == 0) {
		long size = ftell(f);
		if (size >= 0 && (size_t)size < cap)
			cap = (size_t)size + 1;
		rewind(f);
	}
	char *buf = rs_xmalloc(cap);
	*len = fread(buf, 1, cap, f);
	bool bad = ferror(f);
	int saved = errno;
	fclose(f);
	if (bad) {
		rs_errors_add(errs, RS_ERR_IO, path, 0, 0, "cannot read: %s", strerror(saved));
		free(buf);
		return NULL;
	}
	return buf;
}

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
	char *buf = read_limited(path, &len, errs);
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
	char *buf = read_limited(path, &len, errs);
	if (!buf)
		return false;
	bool ok = rs_drivers_parse(path, buf, len, cat, errs);
	free(buf);
	return ok;
}
