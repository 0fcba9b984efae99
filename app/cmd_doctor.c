/* ratos-setup doctor [--klipper DIR] [--log FILE] [--config FILE] [--json]:
 * after a Klipper update, which MCU needs new firmware and the exact next
 * step for each. Exit 0 every MCU current, 1 something to flash (or the log
 * cannot tell), 2 usage error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/commands.h"
#include "core/json_out.h"
#include "core/wizard_state.h"
#include "platform/discovery.h"
#include "platform/doctor.h"
#include "platform/paths.h"
#include "platform/state_file.h"

struct doctor_opts {
	const char *klipper, *log, *config;
	bool json, no_devices;
};

static void usage(FILE *out)
{
	fputs("usage: ratos-setup doctor [--klipper DIR] [--log FILE] [--config FILE] [--json]\n"
	      "Reads the last Klipper start in klippy.log (default "
	      "~/printer_data/logs/klippy.log),\n"
	      "maps each MCU to its board (printer.cfg's serial:, default "
	      "~/printer_data/config/printer.cfg\n"
	      "and its includes; else the board connected now; else the wizard's board), and\n"
	      "says per MCU: current, firmware older than host, new firmware built but not\n"
	      "flashed, or unknown, with the next step.\n"
	      "Exit 0 every MCU current, 1 something to flash or the log cannot tell, 2 usage.\n",
	      out);
}

static int parse(int argc, char **argv, struct doctor_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = strcmp(a, "--klipper") == 0  ? &o->klipper
				    : strcmp(a, "--log") == 0    ? &o->log
				    : strcmp(a, "--config") == 0 ? &o->config
								 : NULL;
		if (slot) {
			if (i + 1 >= argc || !argv[i + 1][0]) {
				fprintf(stderr, "ratos-setup doctor: %s needs a value\n", a);
				return RS_EXIT_USAGE;
			}
			*slot = argv[++i];
		} else if (strcmp(a, "--json") == 0) {
			o->json = true;
		} else if (strcmp(a, "--no-devices") == 0) {
			o->no_devices = true; /* tests: only the files speak */
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return -1;
		} else {
			fprintf(stderr, "ratos-setup doctor: unknown argument '%s'\n", a);
			usage(stderr);
			return RS_EXIT_USAGE;
		}
	}
	return RS_EXIT_OK;
}

static const char *source_text(const struct rs_doctor_entry *e)
{
	switch (e->source) {
	case RS_DOC_BY_SERIAL: return "by its serial in printer.cfg";
	case RS_DOC_BY_CONNECTED: return "connected now";
	case RS_DOC_BY_SAVED: return "the board chosen in the wizard";
	case RS_DOC_BY_NONE: break;
	}
	return "";
}

static void print_text(const struct rs_doctor_report *r)
{
	char buf[600];
	if (r->log != RS_DOCLOG_OK) {
		printf("klippy.log: %s.\n", rs_doctor_log_problem(r, buf, sizeof(buf)));
	} else {
		printf("Klipper %s (the last of %u start%s in %s, line %llu)\n",
		       r->host_version[0] ? r->host_version : "version unknown", r->starts,
		       r->starts == 1 ? "" : "s", r->log_path, r->start_line);
		if (r->protocol_error)
			printf("Klipper stopped with \"MCU Protocol error\": an MCU runs firmware of "
			       "another version.\n");
	}
	if (r->tree_version && r->host_version[0] && strcmp(r->tree_version, r->host_version))
		printf("The Klipper tree is now %s: restart Klipper to run it.\n", r->tree_version);
	if (!r->config_read)
		printf("printer.cfg: cannot read %s; MCUs are matched to boards without it.\n",
		       r->config_path);
	for (size_t i = 0; i < r->config_problems.count; i++)
		printf("printer.cfg: %s\n",
		       rs_error_format(&r->config_problems.items[i], buf, sizeof(buf)));
	if (r->count == 0)
		printf("No MCU found in the log or in printer.cfg.\n");
	for (size_t i = 0; i < r->count; i++) {
		const struct rs_doctor_entry *e = &r->entries[i];
		printf("\nMCU '%s': %s\n", e->name, rs_doctor_verdict_text(e->judged.verdict));
		if (e->board)
			printf("  board     %s (%s), %s\n", e->board->name, e->board->id,
			       source_text(e));
		else
			printf("  board     unknown%s%s\n", e->serial[0] ? ": serial " : "",
			       e->serial);
		printf("  firmware  %s%s%s\n", e->mcu_version[0] ? e->mcu_version : "unknown",
		       e->chip[0] ? ", " : "", e->chip);
		if (e->board)
			printf("  built     %s\n",
			       e->built_version[0] ? e->built_version : "nothing in firmware_binaries");
		if (e->judged.next[0])
			printf("  next      %s\n", e->judged.next);
	}
}

static void print_json(const struct rs_doctor_report *r, int rc)
{
	char buf[600];
	struct rs_json j;
	rs_json_init(&j, stdout);
	rs_json_object_begin(&j);
	rs_json_kv_string(&j, "log", r->log_path);
	rs_json_kv_string(&j, "log_problem",
			  r->log == RS_DOCLOG_OK ? NULL : rs_doctor_log_problem(r, buf, sizeof(buf)));
	rs_json_kv_uint(&j, "starts", r->starts);
	rs_json_kv_string(&j, "host_version", r->host_version[0] ? r->host_version : NULL);
	rs_json_kv_string(&j, "tree_version", r->tree_version);
	rs_json_kv_bool(&j, "protocol_error", r->protocol_error);
	rs_json_kv_string(&j, "config", r->config_path);
	rs_json_kv_bool(&j, "config_read", r->config_read);
	rs_json_key(&j, "mcus");
	rs_json_array_begin(&j);
	for (size_t i = 0; i < r->count; i++) {
		const struct rs_doctor_entry *e = &r->entries[i];
		rs_json_object_begin(&j);
		rs_json_kv_string(&j, "name", e->name);
		rs_json_kv_string(&j, "verdict", rs_doctor_verdict_name(e->judged.verdict));
		rs_json_kv_string(&j, "firmware_version", e->mcu_version[0] ? e->mcu_version : NULL);
		rs_json_kv_string(&j, "mcu", e->chip[0] ? e->chip : NULL);
		rs_json_kv_string(&j, "serial", e->serial[0] ? e->serial : NULL);
		rs_json_kv_string(&j, "board", e->board ? e->board->id : NULL);
		rs_json_kv_string(&j, "board_from", rs_doctor_source_name(e->source));
		rs_json_kv_string(&j, "flash_method",
				  e->board ? rs_flash_method_name(e->board->flash_method) : NULL);
		rs_json_kv_string(&j, "built_version",
				  e->built_version[0] ? e->built_version : NULL);
		rs_json_kv_string(&j, "next", e->judged.next[0] ? e->judged.next : NULL);
		rs_json_object_end(&j);
	}
	rs_json_array_end(&j);
	rs_json_kv_uint(&j, "exit", (unsigned long long)rc);
	rs_json_object_end(&j);
	rs_json_finish(&j);
}

int rs_cmd_doctor(struct rs_app *app, int argc, char **argv)
{
	struct doctor_opts o = { 0 };
	int rc = parse(argc, argv, &o);
	if (rc != RS_EXIT_OK)
		return rc < 0 ? RS_EXIT_OK : rc;
	/* A log named on the command line must be there. */
	if (o.log && access(o.log, R_OK) != 0) {
		fprintf(stderr, "ratos-setup doctor: cannot read %s: %s\n", o.log, strerror(errno));
		return RS_EXIT_USAGE;
	}
	const struct rs_catalog *cat = rs_app_catalog(app);
	if (!cat)
		return RS_EXIT_FAIL;
	struct rs_discovery *d = NULL;
	if (!o.no_devices) {
		char *why = NULL;
		d = rs_discovery_open(NULL, &why);
		free(why); /* without udev, boards are matched by files alone */
	}
	struct rs_wizard_state saved;
	struct rs_errors errs = { 0 };
	bool have_saved = rs_state_file_load(&saved, &errs) == RS_STATE_LOADED;
	rs_errors_clear(&errs);
	struct rs_doctor_opts dopts = {
		.cat = cat,
		.klipper_dir = o.klipper,
		.log_path = o.log,
		.config_path = o.config,
		.hw = d ? rs_discovery_list(d) : NULL,
		.saved_board = have_saved && saved.board[0] ? saved.board : NULL,
	};
	struct rs_doctor_report *r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	rs_doctor_gather(&dopts, r);
	rc = rs_doctor_exit_code(r);
	if (o.json)
		print_json(r, rc);
	else
		print_text(r);
	rs_doctor_report_free(r);
	free(r);
	if (d)
		rs_discovery_close(d);
	return rc;
}
