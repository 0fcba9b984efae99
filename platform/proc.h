/* The one place that starts child processes. Without a shell: argv +
 * execvp, stdin from /dev/null, stdout and stderr together into one
 * non-blocking close-on-exec pipe, and a process group of their own, so
 * cancelling kills the whole tree (make -j and its compilers) and a Ctrl-C
 * on the terminal reaches only us. Usable from a poll() loop (rs_proc_fd +
 * rs_proc_pump) or synchronously; rs_proc_capture runs a brief tool to the
 * end with stdout and stderr apart (mtools, git describe). */
#ifndef RS_PLATFORM_PROC_H
#define RS_PLATFORM_PROC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Children get the environment of platform/child_env.h (LC_ALL=C, a fixed
 * PATH as root) and, under sudo, run as the invoking user: they work on the
 * user's files, so that is the default, and root must be asked for. */
struct rs_proc_opts {
	const char *cwd;  /* NULL: ours */
	/* Under sudo, stay root: for a tool that must open a device, started
	 * inside rs_identity_as_root_begin/end (refused outside one). */
	bool keep_root;
	bool keep_locale; /* output is shown as is, never parsed */
	const char *path_first; /* a directory put before PATH (the compiler cache), or NULL */
	/* Keep exactly our identity (no drop to the user, no as-root check):
	 * for a tool that reopens a file we hold by its /dev/fd/N name. */
	bool same_identity;
	/* These of our files stay open in the child (ours are close-on-exec),
	 * so it can be handed /dev/fd/N names. */
	const int *keep_fds;
	size_t n_keep_fds;
	/* The child starts from our environment as it is (PATH and locale
	 * included) instead of platform/child_env.h's. */
	bool caller_env;
	/* NULL-terminated: variables the child does not get ("NAME", or
	 * "PREFIX*" for every name that starts so), then "NAME=value" entries it
	 * gets, replacing any of the same name; both applied to the
	 * environment above. */
	const char *const *env_drop;
	const char *const *env_add;
};

struct rs_proc {
	pid_t pid; /* also the process group id; 0 when not started */
	int fd;    /* read end of the output pipe; -1 once at end of file */
	bool exited;
	int status; /* wait status, valid once exited */
};

/* The callback gets raw output chunks as they arrive. */
typedef void (*rs_proc_data_fn)(void *ctx, const char *data, size_t len);

enum rs_proc_state { RS_PROC_RUNNING, RS_PROC_DONE };

struct rs_proc_output {
	int status;         /* exit code; -1 when not started, killed, or stdout overflowed */
	int exec_errno;     /* why it could not be started (ENOENT: not installed) */
	unsigned char *out; /* stdout, NUL-terminated for convenience */
	size_t out_len;
	bool out_overflow;  /* stdout passed max_out (the rest was dropped) */
	char *err;          /* stderr (up to max_err bytes), NUL-terminated */
};

/* Runs argv to the end (blocking: brief tools only), stdout and stderr
 * captured apart, each capped. Always fills res; free with
 * rs_proc_output_free. */
void rs_proc_capture(char *const argv[], const struct rs_proc_opts *opts, size_t max_out,
		     size_t max_err, struct rs_proc_output *res);
void rs_proc_output_free(struct rs_proc_output *res);

/* Starts argv. On failure returns false with errno set; a program that
 * cannot be executed (not found, not executable) is reported here, not as
 * an exit status. */
bool rs_proc_start(struct rs_proc *p, char *const argv[], const struct rs_proc_opts *opts);
/* Runs fn(ctx) in a forked child of its own process group, its stdout and
 * stderr on the output pipe, exiting with fn's return value. The child keeps
 * our identity (under sudo it may enter root sections as we can) and the
 * environment; it must not touch the terminal. For long file or device work
 * that must not freeze the caller and must be stoppable at any point. */
bool rs_proc_start_fn(struct rs_proc *p, int (*fn)(void *ctx), void *ctx);
/* The fd to poll for POLLIN, or -1 (then poll with a timeout and pump). */
int rs_proc_fd(const struct rs_proc *p);
/* Reads whatever output is ready without blocking and reaps the child once
 * it has exited and its output is drained. */
enum rs_proc_state rs_proc_pump(struct rs_proc *p, rs_proc_data_fn fn, void *ctx);
/* Blocks until done. Returns early (false) when *cancel becomes non-zero;
 * the child is still running then. */
bool rs_proc_wait(struct rs_proc *p, rs_proc_data_fn fn, void *ctx,
		  volatile sig_atomic_t *cancel);
/* Exit code 0..255, or 128 + signal number when killed. */
int rs_proc_exit_code(const struct rs_proc *p);
/* SIGTERM to the whole group, SIGKILL after grace_ms, then reap. */
void rs_proc_kill(struct rs_proc *p, int grace_ms);
/* Kills if still running and closes the pipe. */
void rs_proc_close(struct rs_proc *p);

/* SIGINT, SIGTERM and SIGHUP set *flag (to the signal number) instead of
 * killing us, so a build can stop its children and clean up. Installed
 * without SA_RESTART so a blocking poll() returns. A signal that was ignored
 * when we started (nohup) stays ignored. */
void rs_proc_catch_signals(volatile sig_atomic_t *flag);
void rs_proc_restore_signals(void);

#endif
