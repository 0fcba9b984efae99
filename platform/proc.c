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
		  int err_fd)
{
	child_defaults();
	int in = open("/dev/null", O_RDONLY);
	if (in < 0 || dup2(in, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		goto fail;
	if (opts && opts->keep_root) {
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
	ssize_t w = write(err_fd, &e, sizeof(e));
	(void)w;
	_exit(127);
}

bool rs_proc_start(struct rs_proc *p, char *const argv[], const struct rs_proc_opts *opts)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	struct rs_child_env_opts eo = { .keep_locale = opts && opts->keep_locale,
					.as_user = !(opts && opts->keep_root),
					.path_first = opts ? opts->path_first : NULL,
					.env_add = opts ? opts->env_add : NULL };
	char **env = rs_child_env_new(&eo);
	if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
		goto fail;
	pid_t pid = fork();
	if (pid < 0)
		goto fail;
	if (pid == 0)
		child(argv, opts, env, out[1], err[1]);
	rs_child_env_free(env);
	env = NULL;
	/* Both sides set the group, whichever runs first wins the race. */
	setpgid(pid, pid);
	close(out[1]);
	close(err[1]);
	out[1] = err[1] = -1;
	int child_errno = 0;
	ssize_t n;
	do
		n = read(err[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(err[0]);
	err[0] = -1;
	if (n == (ssize_t)sizeof(child_errno)) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		close(out[0]);
		errno = child_errno;
		return false;
	}
	fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
	char what[48];
	snprintf(what, sizeof(what), "run (pid %ld)", (long)pid);
	rs_log_argv(what, (const char *const *)argv);
	p->pid = pid;
	p->fd = out[0];
	return true;
fail:;
	int e = errno;
	rs_child_env_free(env);
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	errno = e;
	return false;
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
