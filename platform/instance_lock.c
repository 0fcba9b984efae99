#include "platform/instance_lock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "platform/paths.h"

#define MAIN_NAME "ratos-setup"
#define SUFFIX ".lock"

static char *lock_path(const char *dir, const char *name)
{
	return rs_xasprintf("%s/%s" SUFFIX, dir, name);
}

/* flock()s path with op (LOCK_EX or LOCK_SH), never waiting. A lock file
 * unlinked by a take-over between our open and our flock is not the lock any
 * more: open the new one. */
static enum rs_lock_result lock_file(const char *path, int op, int *out, int *err)
{
	for (int attempt = 0; attempt < 5; attempt++) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd < 0) {
			*err = errno;
			return RS_LOCK_ERROR;
		}
		if (flock(fd, op | LOCK_NB) != 0) {
			int e = errno;
			close(fd);
			if (e == EWOULDBLOCK)
				return RS_LOCK_BUSY;
			*err = e;
			return RS_LOCK_ERROR;
		}
		struct stat held, now;
		if (fstat(fd, &held) == 0 && stat(path, &now) == 0 && held.st_ino == now.st_ino &&
		    held.st_dev == now.st_dev) {
			*out = fd;
			return RS_LOCK_TAKEN;
		}
		close(fd);
	}
	*err = EAGAIN;
	return RS_LOCK_ERROR;
}

static bool pid_gone(long pid)
{
	return pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH);
}

static void copy_field(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%.*s", (int)strcspn(src, "\n"), src);
}

static void read_holder(const char *path, struct rs_lock_holder *h)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->path, sizeof(h->path), "%s", path);
	char buf[1024];
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	for (char *line = buf; *line; line += strcspn(line, "\n") + (line[strcspn(line, "\n")] != 0)) {
		if (strncmp(line, "pid ", 4) == 0)
			h->pid = strtol(line + 4, NULL, 10);
		else if (strncmp(line, "tty ", 4) == 0)
			copy_field(h->tty, sizeof(h->tty), line + 4);
		else if (strncmp(line, "command ", 8) == 0)
			copy_field(h->command, sizeof(h->command), line + 8);
		else if (strncmp(line, "since ", 6) == 0)
			copy_field(h->since, sizeof(h->since), line + 6);
	}
	h->gone = pid_gone(h->pid);
}

static const char *our_tty(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		const char *name = ttyname(fd);
		if (name)
			return name;
	}
	return "no terminal";
}

static void write_record(int fd, const char *command)
{
	char since[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	char *text = rs_xasprintf("pid %ld\ntty %s\ncommand %s\nsince %s\n", (long)getpid(),
				  our_tty(), command, since);
	/* The record only informs; the flock is the lock, so a failed write
	 * changes nothing about who holds it. */
	if (ftruncate(fd, 0) == 0 && pwrite(fd, text, strlen(text), 0) < 0)
		(void)0;
	free(text);
}

/* The wizard found ratos-setup.lock held but its record names no live
 * process: commands hold it shared and record themselves in their own
 * files, so look for a live one there. */
static bool find_live_command(const char *dir, struct rs_lock_holder *h)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n <= strlen(SUFFIX) || strcmp(e->d_name + n - strlen(SUFFIX), SUFFIX) != 0 ||
		    strcmp(e->d_name, MAIN_NAME SUFFIX) == 0)
			continue;
		char *path = rs_xasprintf("%s/%s", dir, e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
			read_holder(path, h);
			found = !h->gone;
		}
		if (fd >= 0)
			close(fd);
		free(path);
	}
	closedir(d);
	return found;
}

/* The lock the parent handed on (RS_LOCK_FD_ENV), or -1. */
static int handed_lock(const char *main_path)
{
	const char *v = getenv(RS_LOCK_FD_ENV);
	char *end = NULL;
	long fd = v ? strtol(v, &end, 10) : -1;
	bool named = v && *v && end && *end == '\0' && fd > 2 && fd < 65536;
	unsetenv(RS_LOCK_FD_ENV);
	if (!named)
		return -1;
	struct stat held, file;
	if (fstat((int)fd, &held) != 0 || !S_ISREG(held.st_mode) || lstat(main_path, &file) != 0 ||
	    held.st_dev != file.st_dev || held.st_ino != file.st_ino)
		return -1;
	/* Checked before flock: converting a shared lock someone else handed
	 * us by mistake would drop it. The record is only written by an
	 * exclusive holder. */
	struct rs_lock_holder h;
	read_holder(main_path, &h);
	if (h.pid != (long)getppid() || flock((int)fd, LOCK_EX | LOCK_NB) != 0)
		return -1;
	if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) != 0)
		return -1;
	return (int)fd;
}

enum rs_lock_result rs_lock_take(struct rs_lock *l, const char *resource, const char *command,
				 struct rs_lock_holder *holder, struct rs_errors *errs)
{
	*l = (struct rs_lock){ .main_fd = -1, .res_fd = -1 };
	char *dir = rs_path_state_dir();
	char *main_path = lock_path(dir, MAIN_NAME);
	char *res_path = resource ? lock_path(dir, resource) : NULL;
	const char *failed = main_path;
	int err = 0;
	enum rs_lock_result rc = RS_LOCK_ERROR;

	if (!rs_path_mkdirs(dir)) {
		err = errno;
		failed = dir;
		goto out;
	}
	if (resource && (l->main_fd = handed_lock(main_path)) >= 0)
		rc = RS_LOCK_TAKEN; /* the wizard that runs us holds it for us */
	else
		rc = lock_file(main_path, resource ? LOCK_SH : LOCK_EX, &l->main_fd, &err);
	if (rc == RS_LOCK_BUSY) {
		read_holder(main_path, holder);
		struct rs_lock_holder cmd;
		if (!resource && holder->gone && find_live_command(dir, &cmd))
			*holder = cmd;
		goto out;
	}
	if (rc != RS_LOCK_TAKEN)
		goto out;
	if (!resource) {
		l->main_exclusive = true;
		write_record(l->main_fd, command);
		goto out;
	}
	failed = res_path;
	rc = lock_file(res_path, LOCK_EX, &l->res_fd, &err);
	if (rc == RS_LOCK_BUSY)
		read_holder(res_path, holder);
	if (rc != RS_LOCK_TAKEN)
		goto out;
	write_record(l->res_fd, command);
	l->res_path = res_path;
	res_path = NULL;
out:
	if (rc == RS_LOCK_ERROR)
		rs_errors_add(errs, RS_ERR_IO, failed, 0, 0, "cannot take the lock: %s",
			      strerror(err ? err : EIO));
	if (rc != RS_LOCK_TAKEN)
		rs_lock_release(l);
	free(res_path);
	free(main_path);
	free(dir);
	return rc;
}

bool rs_lock_take_over(const struct rs_lock_holder *holder)
{
	if (!holder->gone) {
		errno = EBUSY;
		return false;
	}
	return unlink(holder->path) == 0 || errno == ENOENT;
}

void rs_lock_release(struct rs_lock *l)
{
	/* An empty record says "nobody" to whoever reads it next. */
	if (l->res_fd >= 0) {
		if (ftruncate(l->res_fd, 0) != 0)
			(void)0;
		close(l->res_fd);
	} else if (l->main_exclusive && ftruncate(l->main_fd, 0) != 0) {
		(void)0;
	}
	if (l->main_fd >= 0)
		close(l->main_fd);
	free(l->res_path);
	*l = (struct rs_lock){ .main_fd = -1, .res_fd = -1 };
}

void rs_lock_holder_describe(const struct rs_lock_holder *h, char *buf, size_t len)
{
	if (h->pid <= 0) {
		snprintf(buf, len, "a process that left no record (%s)", h->path);
		return;
	}
	snprintf(buf, len, "PID %ld on %s (%s, since %s)", h->pid, h->tty[0] ? h->tty : "?",
		 h->command[0] ? h->command : "?", h->since[0] ? h->since : "?");
}
