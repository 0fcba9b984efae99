#include "platform/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/shell_words.h"
#include "core/xalloc.h"
#include "platform/paths.h"

static int log_fd = -1;
static char *log_path;

char *rs_log_default_path(void)
{
	char *home = rs_path_home();
	char *logs = rs_xasprintf("%s/printer_data/logs", home);
	free(home);
	struct stat st;
	if (stat(logs, &st) == 0 && S_ISDIR(st.st_mode)) {
		char *path = rs_xasprintf("%s/ratos-setup.log", logs);
		free(logs);
		return path;
	}
	free(logs);
	char *dir = rs_path_state_dir();
	char *path = rs_xasprintf("%s/ratos-setup.log", dir);
	free(dir);
	return path;
}

/* The one place the log file is created: a plain open() in the calling
 * process, so the file belongs to whoever we act as. */
static int open_file(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
}

/* Keeps the log bounded: a full file becomes FILE.1 (replacing the older
 * copy) and a fresh one starts. Another instance may rotate at the same
 * time; at worst one of them writes a line or two into FILE.1. */
static void rotate_if_full(void)
{
	struct stat st;
	if (log_fd < 0 || fstat(log_fd, &st) != 0 || st.st_size < RS_LOG_MAX_BYTES)
		return;
	char *old = rs_xasprintf("%s.1", log_path);
	struct stat now;
	/* Someone else rotated already when the name points elsewhere. */
	if (stat(log_path, &now) == 0 && now.st_ino == st.st_ino && now.st_dev == st.st_dev)
		(void)rename(log_path, old);
	free(old);
	int fd = open_file(log_path);
	if (fd >= 0) {
		close(log_fd);
		log_fd = fd;
	}
}

bool rs_log_open(const char *path)
{
	rs_log_close();
	char *p = path ? rs_xstrdup(path) : rs_log_default_path();
	char *slash = strrchr(p, '/');
	if (!path && slash && slash != p) {
		*slash = '\0';
		bool made = rs_path_mkdirs(p);
		*slash = '/';
		if (!made) {
			int e = errno;
			free(p);
			errno = e;
			return false;
		}
	}
	int fd = open_file(p);
	if (fd < 0) {
		int e = errno;
		free(p);
		errno = e;
		return false;
	}
	log_fd = fd;
	log_path = p;
	rotate_if_full();
	return true;
}

const char *rs_log_path(void)
{
	return log_path;
}

static void write_line(const char *msg)
{
	char stamp[40];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S%z", localtime_r(&now, &tm));
	char *line = rs_xasprintf("%s [%ld] %s\n", stamp, (long)getpid(), msg);
	/* Control characters from file names or tool output would break the
	 * one-event-per-line shape (and could move a reader's cursor). */
	for (char *c = line + strlen(stamp); c[1]; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	/* One write per line with O_APPEND: lines of two instances never mix. */
	ssize_t n = write(log_fd, line, strlen(line));
	(void)n;
	free(line);
	rotate_if_full();
}

void rs_log(const char *fmt, ...)
{
	if (log_fd < 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg)
		write_line(msg);
	free(msg);
}

void rs_log_argv(const char *what, const char *const argv[])
{
	if (log_fd < 0)
		return;
	char *cmd = rs_shell_join(argv);
	rs_log("%s: %s", what, cmd);
	free(cmd);
}

void rs_log_status(const char *name, long pid, int wait_status)
{
	if (WIFEXITED(wait_status))
		rs_log("%s (pid %ld) exited with %d", name, pid, WEXITSTATUS(wait_status));
	else if (WIFSIGNALED(wait_status))
		rs_log("%s (pid %ld) was killed by signal %d", name, pid, WTERMSIG(wait_status));
}

void rs_log_close(void)
{
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	free(log_path);
	log_path = NULL;
}
