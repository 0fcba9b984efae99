/* Reading a whole small file, the one way every loader does it. */
#ifndef RS_CORE_FILE_READ_H
#define RS_CORE_FILE_READ_H

#include <stddef.h>

#include "core/error.h"

/* Reads path (at most limit bytes) into a NUL-terminated buffer the caller
 * frees; *len gets the size. Reads until EOF, so /proc files (which report
 * size 0) work. On failure returns NULL with errno set and, when errs is not
 * NULL, an RS_ERR_IO or RS_ERR_TOO_LARGE error naming the file. */
char *rs_file_read(const char *path, size_t limit, size_t *len, struct rs_errors *errs);

#endif
