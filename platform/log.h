/* The log a user can post when asking for help: every run with its
 * arguments, each wizard step, each program started with its argv and how
 * it ended, each result. One line per event, appended; the file is rotated
 * (to FILE.1, one old copy kept) once it reaches RS_LOG_MAX_BYTES.
 *
 * Where: --log-file FILE; else ~/printer_data/logs/ratos-setup.log when
 * ~/printer_data/logs exists (Moonraker shows and serves that folder); else
 * ratos-setup.log in the state directory. Logging is best effort: a log
 * that cannot be written never stops the work. Until rs_log_open succeeds
 * every rs_log call does nothing. */
#ifndef RS_PLATFORM_LOG_H
#define RS_PLATFORM_LOG_H

#include <stdbool.h>

#define RS_LOG_MAX_BYTES (1024L * 1024L)

/* The default log path (see above). Caller frees. */
char *rs_log_default_path(void);
/* Opens path (NULL: the default) for appending; false with errno set. */
bool rs_log_open(const char *path);
/* The open log's path, or NULL. */
const char *rs_log_path(void);
void rs_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "what: arg arg 'arg with space'" */
void rs_log_argv(const char *what, const char *const argv[]);
/* "<name> (pid N) exited with N" / "was killed by signal N", from a wait status. */
void rs_log_status(const char *name, long pid, int wait_status);
void rs_log_close(void);

#endif
