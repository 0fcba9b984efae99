/* What goes into a help report, read from the system: the end of a file,
 * the output of ratos-setup's own commands (run as a child through
 * platform/proc.h, so they print exactly what the user would see), and the
 * build logs in the cache. Nothing here redacts: platform/report.c passes
 * everything through core/redact.h before it is archived. */
#ifndef RS_PLATFORM_REPORT_COLLECT_H
#define RS_PLATFORM_REPORT_COLLECT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/board.h"

struct rs_report_blob {
	char *data;
	size_t len;
};

/* The last max bytes of path, starting at a line (the first partial line is
 * dropped, with a note saying how much came before). False with errno set
 * when it cannot be read. */
bool rs_report_tail(const char *path, size_t max, struct rs_report_blob *out);
/* `ratos-setup [--boards-dir DIR] ARGS...` (this very binary), stdout and
 * stderr together, at most max bytes, and its exit status appended as a
 * last line. False with errno set when it could not be started. */
bool rs_report_run_self(const char *boards_dir, const char *const args[], size_t max,
			struct rs_report_blob *out);
/* The boards that have a build.log in the cache (~/.cache/ratos-setup/<id>/),
 * newest first, at most max; their ids are the caller's (free each). */
size_t rs_report_build_logs(char **ids, size_t max);

void rs_report_blob_free(struct rs_report_blob *b);

#endif
