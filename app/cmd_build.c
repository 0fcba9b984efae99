/* ratos-setup build BOARD: the firmware build from the command line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/build_configured.h"
#include "app/commands.h"
#include "core/build_output.h"
#include "core/json_out.h"
#include "platform/fwbuild.h"
#include "platform/proc.h"

struct cli_ctx {
	struct rs_fwbuild *fb;
	bool quiet;
};

static void usage(FILE *out)
{
	fputs("Usage: ratos-setup build BOARD [--klipper DIR] [--firmware-dir DIR] [--jobs N]\n"
	      "                         [--force] [--json]\n"
	      "       ratos-setup build --configured [--config FILE] [same options]\n"
	      "Builds Klipper firmware for BOARD in its own work directory and installs it as\n"
	      "<firmware-dir>/firmware-BOARD.bin (default ~/printer_data/config/firmware_binaries)\n"
	      "with a .meta record. An unchanged build is reported as up to date without\n"
	      "running make; --force rebuilds.\n"
	      "--configured builds every board the printer uses (printer.cfg's [mcu] serials,\n"
	      "else the wizard's board), quietly: one line per board.\n",
	      out);
}

/* Progress on stderr, one line per object, plus the compiler's complaints. */
static void on_line(void *ctx, const char *line)
{
	struct cli_ctx *c = ctx;
	if (c->quiet || !c->fb)
		return;
	struct rs_build_line bl;
	rs_build_output_classify(line, NULL, &bl);
	if (bl.kind == RS_BLINE_COMPILING) {
		struct rs_fwbuild_progress p;
		rs_fwbuild_get_progress(c->fb, &p);
		int w = 1;
		for (unsigned t = p.total; t >= 10; t /= 10)
			w++;
		fprintf(stderr, "[%*u/%*u] %s\n", w, p.done, w, p.total, p.current);
	} else if (bl.kind == RS_BLINE_LINKING) {
		fputs("linking\n", stderr);
	} else if (bl.kind == RS_BLINE_ERROR) {
		fprintf(stderr, "%s\n", line);
	}
}

static void print_json(const struct rs_fwbuild_result *r, const char *board)
{
	struct rs_json j;
	bool ok = r->step == RS_FWB_DONE || r->step == RS_FWB_UP_TO_DATE;
	rs_json_init(&j, stdout);
	rs_json_object_begin(&j);
	rs_json_kv_string(&j, "board", board);
	rs_json_kv_string(&j, "status", rs_fwbuild_step_name(r->step));
	rs_json_kv_string(&j, "error", ok ? NULL : rs_fwbuild_fail_name(r->fail));
	rs_json_kv_string(&j, "message", r->message);
	rs_json_kv_string(&j, "hint", r->hint);
	rs_json_key(&j, "error_lines");
	rs_json_array_begin(&j);
	for (size_t i = 0; i < r->error_lines.count; i++)
		rs_json_string(&j, r->error_lines.items[i]);
	rs_json_array_end(&j);
	rs_json_kv_string(&j, "klipper_dir", r->klipper_dir);
	rs_json_kv_string(&j, "tree_version", r->tree_version);
	rs_json_kv_string(&j, "version", r->version);
	rs_json_kv_string(&j, "mcu", r->mcu);
	rs_json_kv_string(&j, "firmware", ok ? r->firmware_path : NULL);
	rs_json_kv_string(&j, "sidecar", ok ? r->sidecar_path : NULL);
	if (ok)
		rs_json_kv_uint(&j, "size", r->size);
	rs_json_kv_string(&j, "sha256", r->sha256[0] ? r->sha256 : NULL);
	rs_json_kv_string(&j, "config_sha256", r->config_sha256[0] ? r->config_sha256 : NULL);
	rs_json_kv_string(&j, "config", r->config_path);
	rs_json_kv_string(&j, "log", r->log_path);
	rs_json_kv_uint(&j, "milliseconds", (unsigned long long)(r->seconds * 1000));
	rs_json_object_end(&j);
	rs_json_finish(&j);
}

static void print_human(const struct rs_fwbuild_result *r, const char *board)
{
	switch (r->step) {
	case RS_FWB_DONE:
		printf("Built %s for %s: %s, %s, %zu bytes in %.1f s\n", r->firmware_path, board,
		       r->version, r->mcu, r->size, r->seconds);
		printf("  sha256 %s\n  record %s\n  log    %s\n", r->sha256, r->sidecar_path,
		       r->log_path);
		break;
	case RS_FWB_UP_TO_DATE:
		printf("%s is up to date (%s, %s); --force rebuilds\n", r->firmware_path, r->version,
		       r->mcu);
		break;
	default:
		fprintf(stderr, "ratos-setup: %s%s\n",
			r->step == RS_FWB_CANCELLED ? "" : "build failed: ", r->message);
		for (size_t i = 0; i < r->error_lines.count; i++)
			fprintf(stderr, "  | %s\n", r->error_lines.items[i]);
		if (r->hint)
			fprintf(stderr, "  what to do: %s\n", r->hint);
		if (r->log_path && r->fail != RS_FWF_NO_TREE && r->fail != RS_FWF_BROKEN_TREE &&
		    r->fail != RS_FWF_TOOLCHAIN)
			fprintf(stderr, "  full log: %s\n", r->log_path);
		break;
	}
}

static bool parse_jobs(const char *s, unsigned *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 1 || v > 1024)
		return false;
	*out = (unsigned)v;
	return true;
}

int rs_cmd_build(struct rs_app *app, int argc, char **argv)
{
	struct rs_fwbuild_opts opts = { 0 };
	const char *board_id = NULL, *config = NULL;
	bool json = false, configured = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **target = NULL;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return RS_EXIT_OK;
		} else if (strcmp(a, "--json") == 0) {
			json = true;
		} else if (strcmp(a, "--force") == 0) {
			opts.force = true;
		} else if (strcmp(a, "--configured") == 0) {
			configured = true;
		} else if (strcmp(a, "--config") == 0) {
			target = &config;
		} else if (strcmp(a, "--klipper") == 0) {
			target = &opts.klipper_dir;
		} else if (strcmp(a, "--firmware-dir") == 0) {
			target = &opts.firmware_dir;
		} else if (strcmp(a, "--jobs") == 0 || strcmp(a, "-j") == 0) {
			if (i + 1 >= argc || !parse_jobs(argv[++i], &opts.jobs)) {
				fprintf(stderr, "ratos-setup build: --jobs needs a number 1..1024\n");
				return RS_EXIT_USAGE;
			}
		} else if (strncmp(a, "--klipper=", 10) == 0) {
			opts.klipper_dir = a + 10;
		} else if (strncmp(a, "--firmware-dir=", 15) == 0) {
			opts.firmware_dir = a + 15;
		} else if (strncmp(a, "--jobs=", 7) == 0) {
			if (!parse_jobs(a + 7, &opts.jobs)) {
				fprintf(stderr, "ratos-setup build: --jobs needs a number 1..1024\n");
				return RS_EXIT_USAGE;
			}
		} else if (a[0] == '-' || board_id) {
			fprintf(stderr, "ratos-setup build: unexpected '%s'\n", a);
			usage(stderr);
			return RS_EXIT_USAGE;
		} else {
			board_id = a;
		}
		if (target) {
			if (i + 1 >= argc || !argv[i + 1][0]) {
				fprintf(stderr, "ratos-setup build: %s needs a directory\n", a);
				return RS_EXIT_USAGE;
			}
			*target = argv[++i];
		}
	}
	if (configured && !board_id)
		return rs_build_configured(app, &opts, config, json);
	if (!board_id || configured || config) {
		usage(stderr);
		return RS_EXIT_USAGE;
	}
	const struct rs_board *board = rs_app_board(app, board_id);
	if (!board)
		return RS_EXIT_USAGE;
	/* Two builds of one board would share its work directory. */
	char lock_name[160], lock_what[160];
	snprintf(lock_name, sizeof(lock_name), "build-%s", board->id);
	snprintf(lock_what, sizeof(lock_what), "build %s", board->id);
	int lock_rc = rs_app_lock(app, lock_name, lock_what);
	if (lock_rc != RS_EXIT_OK)
		return lock_rc;

	struct cli_ctx ctx = { .quiet = json };
	opts.on_line = on_line;
	opts.ctx = &ctx;
	struct rs_fwbuild *fb = rs_fwbuild_new(board, &opts);
	ctx.fb = fb;
	static volatile sig_atomic_t cancel;
	cancel = 0;
	rs_proc_catch_signals(&cancel);
	enum rs_fwbuild_step step = rs_fwbuild_run(fb, &cancel);
	rs_proc_restore_signals();
	const struct rs_fwbuild_result *r = rs_fwbuild_result(fb);
	if (json)
		print_json(r, board->id);
	else
		print_human(r, board->id);
	rs_fwbuild_free(fb);
	return step == RS_FWB_DONE || step == RS_FWB_UP_TO_DATE ? RS_EXIT_OK : RS_EXIT_FAIL;
}
