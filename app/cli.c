/* Global options and subcommand dispatch. */
#include "app/cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/commands.h"
#include "platform/identity.h"
#include "platform/log.h"

static void usage(FILE *out)
{
	fputs("Usage: ratos-setup [--boards-dir DIR] [COMMAND [ARGS]]\n"
	      "\n"
	      "Without a command, starts the setup wizard: board, driver power jumpers,\n"
	      "endstop cables, firmware build, SD card.\n"
	      "\n"
	      "Commands:\n",
	      out);
	for (unsigned i = 0; i < rs_command_count; i++) {
		char head[64];
		snprintf(head, sizeof(head), "%s %s", rs_commands[i].name, rs_commands[i].args);
		fprintf(out, "  %-34s %s\n", head, rs_commands[i].summary);
	}
	fputs("\nOptions:\n"
	      "  --boards-dir DIR   read board files from DIR\n"
	      "  --log-file FILE    log to FILE instead of ratos-setup.log in\n"
	      "                     ~/printer_data/logs (or the state directory)\n"
	      "  --as-user USER     as root without sudo (a system unit): act as USER,\n"
	      "                     in USER's files, as under sudo\n"
	      "  --help             show this help\n"
	      "  --version          show the version\n"
	      "\nWizard options:\n"
	      "  --reset            forget the saved choices and start over\n"
	      "  --first-boot       offer the wizard unless it was finished or declined\n"
	      "                     before (the first-boot unit and SSH login use this)\n"
	      "  --klipper DIR      build the firmware from the Klipper tree in DIR\n"
	      "                     (default ~/klipper of the invoking user)\n"
	      "\nExit codes: 0 success, 1 failure, 2 usage error or unknown board,\n"
	      "3 another ratos-setup holds the lock.\n",
	      out);
}

/* `ratos-setup CMD --help` for the commands that have no help text of their
 * own: the table's usage line and summary, on stdout, exit 0. Every other
 * command answers --help itself (tests/cli checks that each one does). */
static bool wants_table_help(const char *name, int argc, char **argv)
{
	static const char *const table_help[] = { "boards", "board", "config", "devices",
						  "validate" };
	bool listed = false;
	for (size_t i = 0; i < sizeof(table_help) / sizeof(table_help[0]); i++)
		listed = listed || strcmp(name, table_help[i]) == 0;
	for (int i = 1; listed && i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

static void command_usage(const struct rs_command *cmd)
{
	printf("Usage: ratos-setup %s %s\n\n%c%s.\n\n"
	       "Exit codes: 0 success, 1 failure, 2 usage error or unknown board.\n",
	       cmd->name, cmd->args, toupper((unsigned char)cmd->summary[0]), cmd->summary + 1);
}

int rs_cli_main(int argc, char **argv)
{
	struct rs_app app = { .argv0 = argv[0], .lock = { .main_fd = -1, .res_fd = -1 } };
	const char *log_file = NULL, *as_user = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return RS_EXIT_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("ratos-setup %s\n", RS_VERSION);
			return RS_EXIT_OK;
		} else if (strcmp(argv[i], "--boards-dir") == 0 && i + 1 < argc) {
			app.boards_dir = argv[++i];
		} else if (strncmp(argv[i], "--boards-dir=", 13) == 0) {
			app.boards_dir = argv[i] + 13;
		} else if (strcmp(argv[i], "--log-file") == 0 && i + 1 < argc && argv[i + 1][0]) {
			log_file = argv[++i];
		} else if (strncmp(argv[i], "--log-file=", 11) == 0 && argv[i][11]) {
			log_file = argv[i] + 11;
		} else if (strcmp(argv[i], "--as-user") == 0 && i + 1 < argc) {
			as_user = argv[++i];
		} else {
			break; /* wizard options (e.g. --reset) are the wizard's own */
		}
	}

	/* Before anything touches a file: under sudo, act as the user. */
	char *why = NULL;
	if (!(as_user ? rs_identity_init_as(as_user, &why) : rs_identity_init(&why))) {
		fprintf(stderr, "ratos-setup: %s\n", why);
		free(why);
		return RS_EXIT_FAIL;
	}
	if (!rs_log_open(log_file) && log_file) {
		fprintf(stderr, "ratos-setup: cannot write the log %s: %s\n", log_file, strerror(errno));
		return RS_EXIT_USAGE;
	}
	rs_log_argv("start ratos-setup " RS_VERSION, (const char *const *)argv + 1);
	int rc;
	if (i >= argc || argv[i][0] == '-') {
		rc = rs_cmd_wizard(&app, argc - i + 1, argv + i - 1);
	} else {
		const struct rs_command *cmd = NULL;
		for (unsigned c = 0; c < rs_command_count; c++)
			if (strcmp(rs_commands[c].name, argv[i]) == 0)
				cmd = &rs_commands[c];
		if (!cmd) {
			fprintf(stderr, "ratos-setup: unknown command '%s' (see ratos-setup --help)\n",
				argv[i]);
			rc = RS_EXIT_USAGE;
		} else if (wants_table_help(cmd->name, argc - i, argv + i)) {
			command_usage(cmd);
			rc = RS_EXIT_OK;
		} else {
			rc = cmd->run(&app, argc - i, argv + i);
		}
	}
	rs_lock_release(&app.lock);
	if (app.catalog_loaded)
		rs_catalog_free(&app.catalog);
	rs_log("exit %d", rc);
	rs_log_close();
	return rc;
}
