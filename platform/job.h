/* The one engine for work that runs children: the firmware build, the card
 * write and check, flashing. A job is a table of steps run in order; each
 * step either runs a program (argv), runs a function in a child process
 * (long file or device work, so the caller's loop stays responsive and a
 * cancel can stop it anywhere), or calls a brief function in-process. When
 * a step ends, its on_exit looks at the exit code and returns a verdict:
 * go on, jump to a named step, finish, or fail with a status. Steps never
 * call into the engine; they see their own context and a progress record.
 *
 * The engine owns the rest: process groups, cancel (SIGTERM to the group,
 * SIGKILL after a grace period), the log file, progress and timing, and the
 * "finally" steps that run after success, failure and cancel alike (start
 * Klipper again after a flash). The same job runs on the wizard's loop
 * (rs_job_attach) or blocking for the command line (rs_job_run), and can
 * print its plan without running anything (rs_job_plan).
 *
 *   static const struct rs_job_step steps[] = {
 *       { .name = "config", .argv = config_argv, .on_exit = config_done },
 *       { .name = "compile", .argv = make_argv, .on_line = count_objects },
 *       { .name = "install", .call = install },
 *   };
 *   static const struct rs_job_table build = { "build", steps, 3, NULL, 0 };
 */
#ifndef RS_PLATFORM_JOB_H
#define RS_PLATFORM_JOB_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/board.h"
#include "core/status.h"
#include "platform/proc.h"

struct rs_loop;

enum rs_job_verdict_kind {
	RS_JOB_NEXT,  /* the next step of the table (the default) */
	RS_JOB_GOTO,  /* the step named in .step */
	RS_JOB_DONE,  /* finished successfully; later steps are skipped */
	RS_JOB_FAIL,  /* failed with .status (the engine takes ownership) */
};

struct rs_job_verdict {
	enum rs_job_verdict_kind kind;
	const char *step;         /* RS_JOB_GOTO: the name of a step in the table */
	struct rs_status status;  /* RS_JOB_FAIL */
};

/* Verdict helpers for on_exit and call. */
struct rs_job_verdict rs_job_next(void);
struct rs_job_verdict rs_job_goto(const char *step);
struct rs_job_verdict rs_job_done(void);
struct rs_job_verdict rs_job_fail(int code, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* What a step may say about how far it is, for a progress bar. The engine
 * clears it when a step starts and fills in the step and the times. */
struct rs_job_progress {
	const char *step;  /* name of the running step */
	size_t step_index; /* 0-based, of step_count */
	size_t step_count;
	unsigned long long done, total; /* units of the step (objects, bytes); total 0: unknown */
	char current[256]; /* what is being worked on now */
	char note[256];    /* a line for the job's log, written when the step ends */
	double elapsed;    /* seconds since the job started */
	double step_elapsed;
};

struct rs_job_step {
	const char *name; /* for the log, the plan and progress */
	/* Exactly one of argv, child or call. */
	/* Fills argv (argv[0] looked up in the child's PATH) and may adjust the
	 * child's options; false: the step cannot run, *fail says why. */
	bool (*argv)(void *ctx, struct rs_strv *argv, struct rs_proc_opts *opts,
		     struct rs_status *fail);
	/* Runs in a forked child with our identity (it may enter root sections
	 * as we can); its stdout/stderr are the step's output lines; returns
	 * the exit code. It must not touch the terminal or the parent's state:
	 * results come back as output lines and the exit code. */
	int (*child)(void *ctx);
	/* Brief in-process work (a check, an atomic rename); returns a verdict
	 * directly (on_exit is not called). */
	struct rs_job_verdict (*call)(void *ctx, struct rs_job_progress *p);

	/* One line of the step's output (without the newline). */
	void (*on_line)(void *ctx, const char *line, struct rs_job_progress *p);
	/* The step's child ended with code (0..255, 128+signal). NULL: 0 is
	 * RS_JOB_NEXT and anything else fails with "<name> failed (exit N)". */
	struct rs_job_verdict (*on_exit)(void *ctx, int code);
	/* NULL or returns true: the step runs. False: skipped (also in the plan). */
	bool (*wanted)(const void *ctx);
	/* For the plan of a child or call step, one line saying what it does. */
	const char *(*describe)(const void *ctx);

	bool quiet;      /* output goes to on_line only, not to the log or the viewer */
	bool opens_log;  /* the log file is opened (replacing the last one) here:
			  * lines before it wait in memory, and a job that ends
			  * earlier leaves the last log alone */
	bool keep_root;  /* under sudo, the child stays root (device work only,
			  * started inside an as-root section for argv steps) */
};

struct rs_job_table {
	const char *name;
	const struct rs_job_step *steps;
	size_t count;
	/* Run after success, failure and cancel (in order; their failures are
	 * reported but do not replace the first failure). */
	const struct rs_job_step *finally;
	size_t finally_count;
};

struct rs_job_opts {
	const char *log_path;  /* NULL: no log file */
	/* Every output line that is not quiet, for a log view or a terminal. */
	void (*on_output)(void *data, const char *line);
	void *data;
	int kill_grace_ms;     /* 0: 2000 */
};

enum rs_job_state {
	RS_JOB_IDLE,
	RS_JOB_RUNNING,
	RS_JOB_SUCCEEDED,
	RS_JOB_FAILED,
	RS_JOB_CANCELLED,
};

struct rs_job_result {
	enum rs_job_state state;
	struct rs_status status; /* the first failure; code RS_JOB_CANCELLED_CODE on cancel */
	const char *failed_step; /* NULL unless failed */
	bool finally_failed;     /* a finally step failed too (see the log) */
	bool log_written;        /* this run opened the log file */
	double seconds;
};

#define RS_JOB_CANCELLED_CODE (-2)

struct rs_job;

struct rs_job *rs_job_new(const struct rs_job_table *table, void *ctx, const struct rs_job_opts *opts);
void rs_job_free(struct rs_job *job);

/* Runs steps until a child is running or the job is over. */
void rs_job_start(struct rs_job *job);
/* The running child's output fd (POLLIN), or -1 (then pump on a timer). */
int rs_job_fd(const struct rs_job *job);
/* Reads output, ends steps, starts the next ones; never blocks for long.
 * True when anything changed (a line, progress, a step, the end). */
bool rs_job_pump(struct rs_job *job);
bool rs_job_finished(const struct rs_job *job);
enum rs_job_state rs_job_state(const struct rs_job *job);
void rs_job_get_progress(const struct rs_job *job, struct rs_job_progress *p);
/* Stops the running step's whole process group, skips the remaining steps
 * and runs the finally steps (synchronously: they are brief by design). */
void rs_job_cancel(struct rs_job *job);
const struct rs_job_result *rs_job_result(const struct rs_job *job);

/* On a loop: registers the output fd and a timer and calls changed(data)
 * whenever rs_job_pump reported a change; detaches itself when finished
 * (changed is called once more then). Returns false when the loop is full. */
bool rs_job_attach(struct rs_job *job, struct rs_loop *loop, bool (*changed)(void *data),
		   void *data);
void rs_job_detach(struct rs_job *job);

/* Blocking, for the command line: start, then wait on a loop of its own
 * until finished; cancels when *cancel becomes non-zero (a signal flag; see
 * rs_proc_catch_signals). */
enum rs_job_state rs_job_run(struct rs_job *job, volatile sig_atomic_t *cancel);

/* The steps that would run, one line each ("name: argv..." or "name: what
 * it does"), finally steps marked; nothing is run or written. */
void rs_job_plan(const struct rs_job_table *table, void *ctx, struct rs_strv *lines);

const char *rs_job_state_name(enum rs_job_state s);

#endif
