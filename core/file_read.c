#include "core/file_read.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

char *rs_file_read(const char *path, size_t limit, size_t *len, struct rs_errors *errs)
{
	FILE *f = fopen(path, "rbe");
	if (!f) {
		int saved = errno;
		if (errs)
			rs_errors_add(errs, RS_ERR_IO, path, 0, 0, "cannot open: %s", strerror(saved));
		errno = saved;
		return NULL;
	}
	/* Start small: most files read here are a few KiB. */
	size_t cap = limit < 16384 ? limit + 2 : 16384, n = 0, got;
	char *buf = rs_xmalloc(cap);
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n > limit)
			break;
		if (cap - n - 1 == 0) {
			cap = cap * 2 > limit + 2 ? limit + 2 : cap * 2;
			buf = rs_xrealloc(buf, cap);
		}
	}
	int saved = errno;
	bool failed = ferror(f);
	fclose(f);
	if (failed || n > limit) {
		if (errs && failed)
			rs_errors_add(errs, RS_ERR_IO, path, 0, 0, "cannot read: %s", strerror(saved));
		else if (errs)
			rs_errors_add(errs, RS_ERR_TOO_LARGE, path, 1, 1,
				      "file is larger than the limit of %zu bytes", limit);
		free(buf);
		errno = failed ? saved : EFBIG;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}
