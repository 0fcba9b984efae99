#include "platform/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "platform/child_env.h"
#include "platform/identity.h"
#include "platform/log.h"

extern char **environ;

static void child_defaults(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD };
	sigset_t none;
	setpgid(0, 0);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void child(char *const argv[], const struct rs_proc_opts *opts, char **env, int out_fd,
		  int err_fd, int report_fd)
{
	child_defaults();
	int in = open("/dev/null", O_RDONLY);
	if (in < 0 || dup2(in, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		goto fail;
	/* Our files are close-on-exec; the ones handed over by name stay. */
	for (size_t i = 0; opts && i < opts->n_keep_fds; i++)
		if (opts->keep_fds[i] > 2 && fcntl(opts->keep_fds[i], F_SETFD, 0) < 0)
			goto fail;
	if (opts && opts->same_identity) {
		/* as we are: it reopens files we hold, by their /dev/fd name */
	} else if (opts && opts->keep_root) {
		if (rs_identity_is_sudo() && geteuid() != 0) {
			errno = EPERM; /* keep_root outside an as-root section */
			goto fail;
		}
	} else if (!rs_identity_drop_in_child()) {
		goto fail;
	}
	if (opts && opts->cwd && chdir(opts->cwd) != 0)
		goto fail;
	/* execvp looks the program up in the PATH of environ: the child's own. */
	environ = env;
	execvp(argv[0], argv);
fail:;
	int e = errno;
	ssize_t w = write(report_fd, &e, sizeof(e));
	(void)w;
	_exit(127);
}

static bool listed(const char *entry, const char *const *names)
{
	for (size_t i = 0; names && names[i]; i++) {
		size_t n = strlen(names[i]);
		if (n && names[i][n - 1] == '*') {
			if (strncmp(entry, names[i], n - 1) == 0)
				return true;
		} else if (strncmp(entry, names[i], n) == 0 && entry[n] == '=') {
			return true;
		}
	}
	return false;
}

/* An added "NAME=value" replaces an inherited NAME. */
static bool replaced(const char *entry, const char *const *add)
{
	for (size_t i = 0; add && add[i]; i++) {
		const char *eq = strchr(add[i], '=');
		size_t n = eq ? (size_t)(eq - add[i]) : strlen(add[i]);
		if (strncmp(entry, add[i], n) == 0 && entry[n] == '=')
			return true;
	}
	return false;
}

/* platform/child_env.h's environment (or ours as it is), with the caller's removals and
 * additions. Built before fork: the child only calls async-signal-safe
 * functions. */
static char **env_for(const struct rs_proc_opts *opts)
{
	bool own = opts && (opts->keep_root || opts->same_identity);
	struct rs_child_env_opts eo = { .keep_locale = opts && opts->keep_locale, .as_user = !own,
					.path_first = opts ? opts->path_first : NULL };
	char **base;
	if (opts && opts->caller_env) {
		size_t n = 0;
		while (environ && environ[n])
			n++;
		base = rs_xcalloc(n + 1, sizeof(*base));
		for (size_t i = 0; i < n; i++)
			base[i] = rs_xstrdup(environ[i]);
	} else {
		base = rs_child_env_new(&eo);
	}
	if (!opts || (!opts->env_drop && !opts->env_add))
		return base;
	size_t n = 0, add = 0;
	while (base[n])
		n++;
	while (opts->env_add && opts->env_add[add])
		add++;
	char **env = rs_xcalloc(n + add + 1, sizeof(*env));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (listed(base[i], opts->env_drop) || replaced(base[i], opts->env_add))
			free(base[i]);
		else
			env[k++] = base[i];
	}
	for (size_t i = 0; i < add; i++)
		env[k++] = rs_xstrdup(opts->env_add[i]);
	free(base); /* the strings moved to env */
	return env;
}

/* Forks argv with stdout on out_fd and stderr on err_fd (the child's ends;
 * the caller closes them). Returns the pid, or -1 with errno set, also when
 * the program could not be executed. */
static pid_t spawn(char *const argv[], const struct rs_proc_opts *opts, int out_fd, int err_fd)
{
	int rep[2] = { -1, -1 };
	char **env = env_for(opts);
	if (pipe2(rep, O_CLOEXEC) != 0) {
		int e = errno;
		rs_child_env_free(env);
		errno = e;
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0)
		child(argv, opts, env, out_fd, err_fd, rep[1]);
	int e = errno;
	rs_child_env_free(env);
	close(rep[1]);
	if (pid < 0) {
		close(rep[0]);
		errno = e;
		return -1;
	}
	/* Both sides set the group, whichever runs first wins the race. */
	setpgid(pid, pid);
	int child_errno = 0;
	ssize_t n;
	do
		n = read(rep[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(rep[0]);
	if (n == (ssize_t)sizeof(child_errno)) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		errno = child_errno;
		return -1;
	}
	char what[48];
	snprintf(what, sizeof(what), "run (pid %ld)", (long)pid);
	rs_log_argv(what, (const char *const *)argv);
	return pid;
}

bool rs_proc_start(struct rs_proc *p, char *const argv[], const struct rs_proc_opts *opts)
{
	int out[2];
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	if (pipe2(out, O_CLOEXEC) != 0)
		return false;
	pid_t pid = spawn(argv, opts, out[1], out[1]);
	int e = errno;
	close(out[1]);
	if (pid < 0) {
		close(out[0]);
		errno = e;
		return false;
	}
	fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
	p->pid = pid;
	p->fd = out[0];
	return true;
}

struct sink {
	unsigned char *buf;
	size_t len, cap, max;
	bool overflow;
};

/* False at end of file. */
static bool fill(int fd, struct sink *s)
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

static unsigned char *terminated(struct sink *s)
{
	if (!s->buf)
		return rs_xcalloc(1, 1);
	s->buf[s->len] = '\0';
	return s->buf;
}

void rs_proc_capture(char *const argv[], const struct rs_proc_opts *opts, size_t max_out,
		     size_t max_err, struct rs_proc_output *res)
{
	memset(res, 0, sizeof(*res));
	res->status = -1;
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 };
	struct sink so = { .max = max_out }, se = { .max = max_err };
	if (pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0) {
		res->exec_errno = errno;
		goto out;
	}
	pid_t pid = spawn(argv, opts, po[1], pe[1]);
	int e = errno;
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	if (pid < 0) {
		res->exec_errno = e;
		goto out;
	}
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
			if (!fill(fds[i].fd, i == 0 ? &so : &se)) {
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	int wst = 0;
	while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
		;
	rs_log_status(argv[0], (long)pid, wst);
	if (WIFEXITED(wst))
		res->status = so.overflow ? -1 : WEXITSTATUS(wst);
	res->out_overflow = so.overflow;
out:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	res->out = terminated(&so);
	res->out_len = so.len;
	res->err = (char *)terminated(&se);
}

void rs_proc_output_free(struct rs_proc_output *res)
{
	free(res->out);
	free(res->err);
	memset(res, 0, sizeof(*res));
}

bool rs_proc_start_fn(struct rs_proc *p, int (*fn)(void *ctx), void *ctx)
{
	int out[2];
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	if (pipe2(out, O_CLOEXEC) != 0)
		return false;
	/* Whatever waits in our stdio buffers must not be written twice. */
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(out[0]);
		close(out[1]);
		errno = e;
		return false;
	}
	if (pid == 0) {
		child_defaults();
		int in = open("/dev/null", O_RDONLY);
		if (in < 0 || dup2(in, 0) < 0 || dup2(out[1], 1) < 0 || dup2(out[1], 2) < 0)
			_exit(127);
		int code = fn(ctx);
		fflush(NULL);
		_exit(code);
	}
	setpgid(pid, pid);
	close(out[1]);
	fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
	rs_log("run (pid %ld): a function in a child process", (long)pid);
	p->pid = pid;
	p->fd = out[0];
	return true;
}

int rs_proc_fd(const struct rs_proc *p)
{
	return p->fd;
}

static void drain(struct rs_proc *p, rs_proc_data_fn fn, void *ctx)
{
	char buf[4096];
	while (p->fd >= 0) {
		ssize_t n = read(p->fd, buf, sizeof(buf));
		if (n > 0) {
			if (fn)
				fn(ctx, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		close(p->fd); /* end of file, or an error we cannot recover from */
		p->fd = -1;
	}
}

static bool reap(struct rs_proc *p, int flags)
{
	if (p->exited || p->pid <= 0)
		return true;
	pid_t r;
	do
		r = waitpid(p->pid, &p->status, flags);
	while (r < 0 && errno == EINTR);
	if (r == p->pid)
		rs_log_status("child", (long)p->pid, p->status);
	if (r == p->pid || (r < 0 && errno == ECHILD))
		p->exited = true;
	return p->exited;
}

enum rs_proc_state rs_proc_pump(struct rs_proc *p, rs_proc_data_fn fn, void *ctx)
{
	drain(p, fn, ctx);
	if (p->fd >= 0)
		return RS_PROC_RUNNING;
	return reap(p, WNOHANG) ? RS_PROC_DONE : RS_PROC_RUNNING;
}

bool rs_proc_wait(struct rs_proc *p, rs_proc_data_fn fn, void *ctx,
		  volatile sig_atomic_t *cancel)
{
	while (!(cancel && *cancel)) {
		if (rs_proc_pump(p, fn, ctx) == RS_PROC_DONE)
			return true;
		struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
		/* Without a pipe (a grandchild closed it late) wait in short steps. */
		poll(p->fd >= 0 ? &pfd : NULL, p->fd >= 0 ? 1 : 0, p->fd >= 0 ? 1000 : 2);
	}
	return false;
}

int rs_proc_exit_code(const struct rs_proc *p)
{
	if (!p->exited)
		return -1;
	if (WIFEXITED(p->status))
		return WEXITSTATUS(p->status);
	if (WIFSIGNALED(p->status))
		return 128 + WTERMSIG(p->status);
	return -1;
}

/* Has the leader exited? Checked without reaping it: while it is a zombie its
 * pid, and so the group id, cannot be reused, so signalling the group can
 * never reach a stranger. */
static bool leader_gone(const struct rs_proc *p)
{
	siginfo_t info;
	memset(&info, 0, sizeof(info));
	return waitid(P_PID, (id_t)p->pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	       info.si_pid == p->pid;
}

void rs_proc_kill(struct rs_proc *p, int grace_ms)
{
	if (p->pid <= 0 || p->exited)
		return;
	kill(-p->pid, SIGTERM);
	struct timespec step = { 0, 10 * 1000 * 1000 };
	for (int waited = 0; waited < grace_ms && !leader_gone(p); waited += 10)
		nanosleep(&step, NULL);
	/* Compilers that ignored SIGTERM, or outlived make, go now. */
	kill(-p->pid, SIGKILL);
	reap(p, 0);
}

void rs_proc_close(struct rs_proc *p)
{
	if (p->pid > 0 && !p->exited)
		rs_proc_kill(p, 2000);
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

static volatile sig_atomic_t *signal_flag;
static struct sigaction saved[3];
static const int caught[3] = { SIGINT, SIGTERM, SIGHUP };

static void on_signal(int sig)
{
	if (signal_flag)
		*signal_flag = sig;
}

void rs_proc_catch_signals(volatile sig_atomic_t *flag)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	signal_flag = flag;
	for (int i = 0; i < 3; i++) {
		sigaction(caught[i], &sa, &saved[i]);
		/* Ignored when we started (nohup, a background job): stay so. */
		if (saved[i].sa_handler == SIG_IGN)
			sigaction(caught[i], &saved[i], NULL);
	}
}

void rs_proc_restore_signals(void)
{
	for (int i = 0; i < 3; i++)
		sigaction(caught[i], &saved[i], NULL);
	signal_flag = NULL;
}
