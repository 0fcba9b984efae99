/* Inside the firmware build: the state shared by the driver (fwbuild.c:
 * children, output, progress, cancel) and the steps (fwbuild_steps.c: what
 * each step checks and which child comes next; fwbuild_version.c: the
 * version step and the cache). Not for other modules. */
#ifndef RS_PLATFORM_FWBUILD_STEPS_H
#define RS_PLATFORM_FWBUILD_STEPS_H

#include <stdio.h>

#include "core/build_output.h"
#include "platform/ccache.h"
#include "platform/fsutil.h"
#include "platform/fwbuild.h"
#include "platform/proc.h"

#define RS_FWB_TAIL 12

struct rs_fwbuild {
	char *board_id, *mcu;
	struct rs_strv fragment;
	char fragment_sha256[RS_SHA256_HEX_LEN];
	char config_sha256[RS_SHA256_HEX_LEN];
	char out_key[RS_SHA256_HEX_LEN]; /* config + tree + version that out/ is for */
	void (*on_line)(void *ctx, const char *line);
	void *ctx;
	bool force;
	bool check_only;
	unsigned jobs;
	char *jobs_arg;

	char *tree_arg;   /* as given */
	char *fwdir;
	char *workdir;    /* <cache>/<board> */
	char *outdir;     /* <workdir>/out/, only make -n and the build use it */
	char *kconf_out;  /* <workdir>/kconfig-out/, scratch OUT for olddefconfig */
	char *config_new; /* fragment, expanded in place by olddefconfig */
	char *stamp;      /* out_key of the last successful build in out/ */
	char *ccache_dir; /* <cache>/ccache, shared by all boards */
	struct rs_ccache ccache; /* for make -jN */
	char *fw_name, *sc_name;

	struct rs_proc proc;
	struct rs_proc_opts popts; /* make, git: run as the user under sudo */
	bool running;
	struct rs_linebuf lb;
	char *capture; /* first output line of the current child (git) */
	enum { RS_FWV_HEAD, RS_FWV_STATUS, RS_FWV_DESCRIBE } version_phase;
	char *commit;  /* HEAD of a git tree, or NULL */
	bool dirty;

	enum rs_fwbuild_step step;
	struct rs_fwbuild_result res;
	unsigned prog_done, prog_total;
	char current[256];
	double t0, compile_t0;
	FILE *log;
	bool log_used;          /* this run wrote build.log */
	struct rs_strv pending; /* log lines before the log is opened */
	char *tail[RS_FWB_TAIL];
	size_t tail_pos;
};

/* fwbuild.c */
void rs_fwbuild_logf(struct rs_fwbuild *fb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Opens build.log (replacing the last one) and writes what waited. */
bool rs_fwbuild_open_log(struct rs_fwbuild *fb);
/* Ends the build; takes ownership of message and hint. */
void rs_fwbuild_finish(struct rs_fwbuild *fb, enum rs_fwbuild_step step, enum rs_fwbuild_fail fail,
		       char *message, char *hint);
/* Starts a child for a step; on failure the build is finished. */
bool rs_fwbuild_spawn(struct rs_fwbuild *fb, enum rs_fwbuild_step step, char *const argv[]);

double rs_fwbuild_now(void);

/* fwbuild_steps.c: the quick checks, then the first child. */
void rs_fwbuild_begin(struct rs_fwbuild *fb);
/* fwbuild_steps.c: a child of the current step exited with code. */
void rs_fwbuild_child_done(struct rs_fwbuild *fb, int code);
/* fwbuild_steps.c: the version is known and out of date: make olddefconfig. */
void rs_fwbuild_start_config(struct rs_fwbuild *fb);

#endif
