/* `ratos-setup report`: one tar.gz to post when asking for help, with the
 * doctor's verdict, `devices --all`, versions (ratos-setup, the Klipper
 * tree, the host and each MCU from klippy.log), the configured boards' data
 * and firmware records, the last build logs, the end of klippy.log and of
 * ratos-setup's own log, and the wizard's state. Every file passes through
 * core/redact.h: homes become ~, serials of devices that are not the
 * configured boards' are masked, lines that may hold a secret are dropped.
 *
 * Written as whoever we act as (under sudo, the invoking user:
 * platform/identity.h), mode 0600, under a temporary name and then linked
 * to its name, so it is complete or absent and never replaces a file unless
 * asked to. */
#ifndef RS_PLATFORM_REPORT_H
#define RS_PLATFORM_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/catalog.h"
#include "core/hw.h"

struct rs_report_opts {
	const struct rs_catalog *cat;
	const char *version;    /* ratos-setup's own */
	const char *boards_dir; /* --boards-dir, passed on to the doctor and devices runs */
	const char *klipper_dir, *klippy_log, *config; /* NULL: the defaults */
	const struct rs_hw_list *hw; /* connected now, NULL: unknown */
	const char *saved_board;     /* the wizard's, or NULL */
	/* A file, or a directory to put the default name in; NULL: the
	 * default name in the current directory, or in the home when that
	 * cannot be written. */
	const char *output;
	bool force; /* replace an existing output file */
};

enum rs_report_status { RS_REPORT_OK, RS_REPORT_EXISTS, RS_REPORT_FAILED };

struct rs_report_result {
	char *path;    /* where it went (OK), or what exists (EXISTS) */
	char *why;     /* FAILED: what went wrong */
	size_t members;
	size_t bytes;
};

/* ratos-setup-report-YYYYMMDD-HHMMSS.tar.gz, local time. Caller frees. */
char *rs_report_default_name(void);
enum rs_report_status rs_report_make(const struct rs_report_opts *o, struct rs_report_result *res);
void rs_report_result_free(struct rs_report_result *r);

#endif
