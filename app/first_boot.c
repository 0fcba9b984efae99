/* The first-boot offer, met on tty1 at the first boot (systemd unit) and at
 * the first interactive SSH login (profile.d snippet). Plain lines on the
 * terminal, no curses: the question must work before anything is set up,
 * and "later" must cost nothing. */
#include "app/first_boot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "platform/first_boot.h"
#include "platform/log.h"

enum answer { START, LATER, NEVER };

static enum answer ask(void)
{
	printf("\nratos-setup: set up your printer's controller board now?\n"
	       "It takes you from \"which board is this?\" to new Klipper firmware on it:\n"
	       "board, driver power jumpers, endstop cables, firmware build, SD card.\n"
	       "\n"
	       "  Enter   start now\n"
	       "  l       later (asked again at the next boot or SSH login)\n"
	       "  n       never ask again (run ratos-setup yourself any time)\n");
	for (int tries = 0; tries < 5; tries++) {
		printf("Your choice [Enter/l/n]: ");
		fflush(stdout);
		char line[64];
		if (!fgets(line, sizeof(line), stdin)) {
			putchar('\n');
			return LATER;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || strcmp(line, "y") == 0 || strcmp(line, "Y") == 0)
			return START;
		if (line[0] == 'l' || line[0] == 'L')
			return LATER;
		if (line[0] == 'n' || line[0] == 'N')
			return NEVER;
	}
	return LATER;
}

static int mark(const char *why)
{
	if (rs_first_boot_mark(why)) {
		rs_log("first boot: marked done (%s) in %s", why, rs_first_boot_marker());
		return 0;
	}
	int e = errno;
	rs_log("first boot: cannot write %s: %s", rs_first_boot_marker(), strerror(e));
	fprintf(stderr,
		"ratos-setup: cannot record that in %s: %s\n"
		"Run 'sudo ratos-setup --first-boot' and answer n to stop being asked.\n",
		rs_first_boot_marker(), strerror(e));
	return 1;
}

int rs_first_boot_run(struct rs_app *app, struct rs_wizard_options *opts)
{
	if (rs_first_boot_done()) {
		rs_log("first boot: %s exists; not starting", rs_first_boot_marker());
		return 0;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		rs_log("first boot: no terminal; not starting");
		return 0;
	}
	enum answer a = ask();
	rs_log("first boot: answer %s", a == START ? "start" : a == LATER ? "later" : "never");
	if (a == NEVER) {
		if (mark("never ask again") != 0)
			return 1;
		printf("Not asked again. Run ratos-setup any time.\n");
		return 0;
	}
	if (a == LATER) {
		printf("Asked again next time. Run ratos-setup any time to start.\n");
		return 0;
	}
	int rc = rs_app_lock(app, NULL, "wizard (first boot)");
	if (rc != 0)
		return rc;
	bool finished = false;
	opts->finished = &finished;
	opts->lock_fd = app->lock.main_fd;
	rc = rs_wizard_run(opts);
	if (finished)
		return mark("finished") ? 1 : rc;
	if (rc == 0)
		printf("ratos-setup will ask again at the next boot or SSH login (answer n there to "
		       "stop that); run ratos-setup any time to go on.\n");
	return rc;
}
