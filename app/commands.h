/* The subcommand table. Each subcommand lives in app/cmd_<name>.c. */
#ifndef RS_APP_COMMANDS_H
#define RS_APP_COMMANDS_H

#include "app/app.h"

struct rs_command {
	const char *name;
	const char *args;    /* usage after the name, for --help */
	const char *summary; /* one line for --help */
	int (*run)(struct rs_app *app, int argc, char **argv); /* argv[0] is the name */
};

extern const struct rs_command rs_commands[];
extern const unsigned rs_command_count;

int rs_cmd_wizard(struct rs_app *app, int argc, char **argv);
int rs_cmd_boards(struct rs_app *app, int argc, char **argv);
int rs_cmd_board(struct rs_app *app, int argc, char **argv);
int rs_cmd_config(struct rs_app *app, int argc, char **argv);
int rs_cmd_devices(struct rs_app *app, int argc, char **argv);
int rs_cmd_validate(struct rs_app *app, int argc, char **argv);
int rs_cmd_build(struct rs_app *app, int argc, char **argv);
int rs_cmd_fwinfo(struct rs_app *app, int argc, char **argv);
int rs_cmd_sdcard(struct rs_app *app, int argc, char **argv);
int rs_cmd_flash(struct rs_app *app, int argc, char **argv);
int rs_cmd_doctor(struct rs_app *app, int argc, char **argv);
int rs_cmd_report(struct rs_app *app, int argc, char **argv);

#endif
