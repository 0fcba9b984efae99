/* The second instance's side of the one-instance lock: say who holds it;
 * the wizard on a terminal offers to quit or, only when the holder is gone,
 * to take over. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "platform/log.h"

static bool ask_take_over(const char *who)
{
	fprintf(stderr,
		"ratos-setup: the ratos-setup that held the lock, %s, no longer runs, but a\n"
		"process it left behind still holds the lock. Take over only if nothing is\n"
		"building firmware or writing an SD card now.\n"
		"[t] take over, [q] quit (default): ",
		who);
	fflush(stderr);
	char answer[32];
	if (!fgets(answer, sizeof(answer), stdin))
		return false;
	return answer[0] == 't' || answer[0] == 'T';
}

static void wait_to_quit(const char *who)
{
	fprintf(stderr,
		"ratos-setup is already running: %s.\n"
		"Only one can run at a time: finish or quit that one first.\n"
		"Press Enter to quit. ",
		who);
	fflush(stderr);
	char answer[32];
	if (!fgets(answer, sizeof(answer), stdin))
		fputc('\n', stderr);
}

int rs_app_lock(struct rs_app *app, const char *resource, const char *command)
{
	bool took_over = false;
	for (;;) {
		struct rs_lock_holder who = { 0 };
		struct rs_errors errs = { 0 };
		enum rs_lock_result r = rs_lock_take(&app->lock, resource, command, &who, &errs);
		if (r == RS_LOCK_TAKEN) {
			rs_log("lock taken for %s", command);
			return RS_EXIT_OK;
		}
		if (r == RS_LOCK_ERROR) {
			/* A state directory this user cannot write (a read-only home,
			 * another user's HOME) must not stop the work: the lock only
			 * guards against a second instance, so go on without it. */
			char line[1024];
			rs_error_format(&errs.items[0], line, sizeof(line));
			fprintf(stderr, "ratos-setup: warning: %s; going on without the one-instance "
					"lock\n", line);
			rs_log("lock not taken: %s", line);
			rs_errors_clear(&errs);
			return RS_EXIT_OK;
		}
		char desc[512];
		rs_lock_holder_describe(&who, desc, sizeof(desc));
		rs_log("lock held by %s; %s refused", desc, command);
		bool interactive = !resource && isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
		if (interactive && who.gone && !took_over) {
			if (ask_take_over(desc) && rs_lock_take_over(&who)) {
				rs_log("took over the lock from %s", desc);
				took_over = true;
				continue;
			}
			return RS_EXIT_BUSY;
		}
		if (interactive) {
			wait_to_quit(desc);
			return RS_EXIT_BUSY;
		}
		fprintf(stderr,
			"ratos-setup: another ratos-setup is busy: %s.\n"
			"Nothing was changed. Finish or quit that one first, then try again.\n",
			desc);
		if (who.gone)
			fprintf(stderr, "(It no longer runs; a process it started still holds %s. "
					"Run the wizard, ratos-setup, on a terminal to take over.)\n",
				who.path);
		return RS_EXIT_BUSY;
	}
}
