#include "platform/mtools.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "platform/log.h"

extern char **environ;

char *rs_mtools_fd_path(int fd)
{
	return rs_xasprintf("/dev/fd/%d", fd);
}

char *rs_mtools_image_spec(int fd, uint64_t offset)
{
	if (offset == 0)
		return rs_mtools_fd_path(fd);
	return rs_xasprintf("/dev/fd/%d@@%" PRIu64, fd, offset);
}

/* Caller variables that change how mtools reads its configuration or names. */
static bool dropped(const char *var)
{
	return strncmp(var, "MTOOLS", 6) == 0 || strncmp(var, "HOME=", 5) == 0;
}

/* The child's environment: ours without MTOOLSRC, MTOOLS_* and HOME, plus
 * what we choose. Built before fork so the child only calls
 * async-signal-safe functions. */
static char **child_env(void)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = rs_xcalloc(n + 3, sizeof(*env));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!dropped(environ[i]))
			env[k++] = environ[i];
	env[k++] = "HOME=/nonexistent"; /* no ~/.mtoolsrc */
	env[k++] = "MTOOLS_SKIP_CHECK=1";
	env[k] = NULL;
	return env;
}

struct sink {
	unsigned char *buf;
	size_t len, cap, max;
	bool overflow;
};

static bool drain(int fd, struct sink *s)
{
	unsigned char tmp[16384];
	ssize_t n = read(fd, tmp, sizeof(tmp));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	size_t keep = (size_t)n;
	if (s->len + keep > s->max) {
		s->overflow = true;
		keep = s->max > s->len ? s->max - s->len : 0;
	}
	if (s->len + keep + 1 > s->cap) {
		s->cap = (s->len + keep + 1) * 2;
		s->buf = rs_xrealloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, tmp, keep);
	s->len += keep;
	return true;
}

void rs_mtools_run(const char *const *argv, size_t max_out, struct rs_mtools_out *out)
{
	rs_mtools_run_fds(argv, NULL, 0, max_out, out);
}

void rs_mtools_run_fds(const char *const *argv, const int *keep_fds, size_t n_keep,
		       size_t max_out, struct rs_mtools_out *out)
{
	memset(out, 0, sizeof(*out));
	out->status = -1;
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 };
	struct sink so = { .max = max_out }, se = { .max = 64 * 1024 };
	char **env = child_env();
	if (pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0) {
		out->exec_errno = errno;
		goto out;
	}
	/* execvpe reports failure through this pipe: closed on exec, so EOF
	 * means the tool started. */
	int px[2];
	if (pipe2(px, O_CLOEXEC) != 0) {
		out->exec_errno = errno;
		goto out;
	}
	pid_t pid = fork();
	if (pid < 0) {
		out->exec_errno = errno;
		close(px[0]);
		close(px[1]);
		goto out;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		/* Our files are close-on-exec; the ones handed over by name stay. */
		for (size_t i = 0; i < n_keep; i++)
			if (keep_fds[i] > 2 && fcntl(keep_fds[i], F_SETFD, 0) < 0)
				_exit(127);
		execvpe(argv[0], (char *const *)argv, env);
		int e = errno;
		ssize_t w = write(px[1], &e, sizeof(e));
		(void)w;
		_exit(127);
	}
	char what[48];
	snprintf(what, sizeof(what), "run (pid %ld)", (long)pid);
	rs_log_argv(what, argv);
	close(px[1]);
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;

	struct pollfd fds[2] = { { .fd = po[0], .events = POLLIN }, { .fd = pe[0], .events = POLLIN } };
	int open_fds = 2;
	while (open_fds > 0) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (!drain(fds[i].fd, i == 0 ? &so : &se)) {
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	int exec_err = 0;
	if (read(px[0], &exec_err, sizeof(exec_err)) != (ssize_t)sizeof(exec_err))
		exec_err = 0;
	close(px[0]);
	int wst;
	while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
		;
	rs_log_status(argv[0], (long)pid, wst);
	if (exec_err) {
		out->exec_errno = exec_err;
	} else if (WIFEXITED(wst)) {
		out->status = so.overflow ? -1 : WEXITSTATUS(wst);
	}
out:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	free(env);
	if (!so.buf)
		so.buf = rs_xcalloc(1, 1);
	else
		so.buf[so.len] = '\0';
	if (!se.buf)
		se.buf = rs_xcalloc(1, 1);
	else
		se.buf[se.len] = '\0';
	out->out = so.buf;
	out->out_len = so.len;
	out->err = (char *)se.buf;
}

void rs_mtools_out_free(struct rs_mtools_out *out)
{
	free(out->out);
	free(out->err);
	memset(out, 0, sizeof(*out));
}
