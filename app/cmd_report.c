/* ratos-setup report [--output FILE|DIR] [--force] [--klipper DIR] [--log FILE]
 * [--config FILE]: one tar.gz to post when asking for help, secrets left out
 * (platform/report.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/commands.h"
#include "core/wizard_state.h"
#include "platform/discovery.h"
#include "platform/paths.h"
#include "platform/report.h"
#include "platform/state_file.h"

struct report_opts {
	const char *output, *klipper, *log, *config;
	bool force;
};

static void usage(FILE *out)
{
	fputs("usage: ratos-setup report [--output FILE] [--force] [--klipper DIR] [--log FILE]\n"
	      "                          [--config FILE]\n"
	      "Writes one archive to post when asking for help: the doctor's verdict,\n"
	      "`devices --all`, the versions of ratos-setup, the Klipper tree and each MCU,\n"
	      "the configured boards' data and firmware records, the last build logs, the\n"
	      "end of klippy.log and of ratos-setup's log, and the wizard's state.\n"
	      "Home paths (as ~), serial numbers of devices that are not the configured\n"
	      "boards', lines that may hold a password, Wi-Fi key or token, IPv4 and MAC\n"
	      "addresses are left out.\n"
	      "Default: ratos-setup-report-DATE-TIME.tar.gz in the current directory (in\n"
	      "your home when that cannot be written). --output FILE names it (a directory:\n"
	      "the default name in it); an existing FILE is replaced only with --force.\n"
	      "--klipper, --log and --config are the doctor's.\n"
	      "Exit 0 written, 1 not written, 2 usage.\n",
	      out);
}

static int parse(int argc, char **argv, struct report_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = strcmp(a, "--output") == 0 || strcmp(a, "-o") == 0 ? &o->output
				    : strcmp(a, "--klipper") == 0			? &o->klipper
				    : strcmp(a, "--log") == 0				? &o->log
				    : strcmp(a, "--config") == 0			? &o->config
											: NULL;
		if (slot) {
			if (i + 1 >= argc || !argv[i + 1][0]) {
				fprintf(stderr, "ratos-setup report: %s needs a value\n", a);
				return RS_EXIT_USAGE;
			}
			*slot = argv[++i];
		} else if (strcmp(a, "--force") == 0) {
			o->force = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return -1;
		} else {
			fprintf(stderr, "ratos-setup report: unknown argument '%s'\n", a);
			usage(stderr);
			return RS_EXIT_USAGE;
		}
	}
	return RS_EXIT_OK;
}

int rs_cmd_report(struct rs_app *app, int argc, char **argv)
{
	struct report_opts o = { 0 };
	int rc = parse(argc, argv, &o);
	if (rc != RS_EXIT_OK)
		return rc < 0 ? RS_EXIT_OK : rc;
	struct stat st;
	/* Say it before the work, not after. */
	if (o.output && !o.force && lstat(o.output, &st) == 0 && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "ratos-setup report: %s already exists; nothing was written "
				"(--force replaces it, or name another file)\n", o.output);
		return RS_EXIT_FAIL;
	}
	const struct rs_catalog *cat = rs_app_catalog(app);
	if (!cat)
		return RS_EXIT_FAIL;
	char *why = NULL;
	struct rs_discovery *d = rs_discovery_open(NULL, &why);
	free(why); /* without udev the report still has everything else */
	struct rs_wizard_state saved;
	struct rs_errors errs = { 0 };
	bool have_saved = rs_state_file_load(&saved, &errs) == RS_STATE_LOADED;
	rs_errors_clear(&errs);
	struct rs_report_opts ro = {
		.cat = cat,
		.version = RS_VERSION,
		.boards_dir = app->boards_dir,
		.klipper_dir = o.klipper,
		.klippy_log = o.log,
		.config = o.config,
		.hw = d ? rs_discovery_list(d) : NULL,
		.saved_board = have_saved && saved.board[0] ? saved.board : NULL,
		.output = o.output,
		.force = o.force,
	};
	struct rs_report_result res;
	enum rs_report_status s = rs_report_make(&ro, &res);
	if (s == RS_REPORT_OK) {
		char *shown = rs_path_pretty(res.path);
		printf("Report written to %s (%zu files, %zu bytes).\n"
		       "Home paths, serial numbers of other devices and lines that may hold a\n"
		       "secret were left out; look inside before posting it: tar tzvf %s\n",
		       shown, res.members, res.bytes, shown);
		free(shown);
		rc = RS_EXIT_OK;
	} else if (s == RS_REPORT_EXISTS) {
		fprintf(stderr, "ratos-setup report: %s already exists; nothing was written "
				"(--force replaces it, or name another file)\n", res.path);
		rc = RS_EXIT_FAIL;
	} else {
		fprintf(stderr, "ratos-setup report: %s; nothing was written (--output FILE writes "
				"it elsewhere)\n", res.why);
		rc = RS_EXIT_FAIL;
	}
	rs_report_result_free(&res);
	if (d)
		rs_discovery_close(d);
	return rc;
}
