/* Inside the firmware build: what one build knows, as plain data. The
 * driver (fwbuild.c) makes it and runs the step table on the job engine; the
 * steps (fwbuild_steps.c: checks, config, compile; fwbuild_version.c: the
 * tree's version and the cache; fwinstall.c: the image checks and install)
 * read and fill it and return verdicts. Steps never call the driver or the
 * engine; this file's helpers (fwbuild_ctx.c) call nothing of the build.
 * Not for other modules. */
#ifndef RS_PLATFORM_FWBUILD_CTX_H
#define RS_PLATFORM_FWBUILD_CTX_H

#include <stdbool.h>

#include "platform/ccache.h"
#include "platform/fwbuild.h"
#include "platform/job.h"

#define RS_FWB_TAIL 12

/* Which build outcome a step that ends the job with RS_JOB_DONE reached. */
enum rs_fwb_outcome {
	RS_FWB_OUT_NONE,
	RS_FWB_OUT_INSTALLED,  /* RS_FWB_DONE */
	RS_FWB_OUT_UP_TO_DATE, /* RS_FWB_UP_TO_DATE */
	RS_FWB_OUT_NOT_BUILT,  /* RS_FWB_NOT_BUILT (check_only) */
};

struct rs_fwb_ctx {
	/* Given. */
	char *board_id, *mcu;
	struct rs_strv fragment;
	char fragment_sha256[RS_SHA256_HEX_LEN];
	bool force, check_only;
	unsigned jobs;

	/* Paths. */
	char *tree_arg;   /* as given */
	char *fwdir;
	char *workdir;    /* <cache>/<board> */
	char *outdir;     /* <workdir>/out/, only make -n and the build use it */
	char *kconf_out;  /* <workdir>/kconfig-out/, scratch OUT for olddefconfig */
	char *config_new; /* fragment, expanded in place by olddefconfig */
	char *stamp;      /* out_key of the last successful build in out/ */
	char *log_path;   /* <workdir>/build.log, where the engine writes */
	char *ccache_dir; /* <cache>/ccache, shared by all boards */
	struct rs_ccache ccache; /* for make -jN */

	/* Learnt on the way. */
	bool have_git;
	char *capture;    /* first output line of the running git */
	char *commit;     /* HEAD of a git tree, or NULL */
	bool dirty;
	int describe_code; /* exit code of git describe; -1 when it did not run */
	char config_sha256[RS_SHA256_HEX_LEN];
	char out_key[RS_SHA256_HEX_LEN]; /* config + tree + version that out/ is for */
	unsigned objects_total, objects_done;
	char current[256];
	double compile_t0; /* monotonic seconds, when make -jN started */
	char *tail[RS_FWB_TAIL]; /* last output lines, for a failure's message */
	size_t tail_pos;
	enum rs_fwb_outcome outcome;

	/* What the caller sees (step, fail, message, hint and seconds are
	 * filled by the driver at the end). */
	struct rs_fwbuild_result res;
};

void rs_fwb_ctx_init(struct rs_fwb_ctx *c, const struct rs_board *board,
		     const struct rs_fwbuild_opts *opts);
void rs_fwb_ctx_free(struct rs_fwb_ctx *c);

/* A failed verdict that takes ownership of message and hint; code is an
 * enum rs_fwbuild_fail value. */
struct rs_job_verdict rs_fwb_fail(enum rs_fwbuild_fail code, char *message, char *hint);
/* What to do after a write failed with errno e in dir (disk full or not).
 * Caller frees. */
char *rs_fwb_disk_hint(int e, const char *dir);
bool rs_fwb_disk_full(int e);
/* Keeps the last lines of output, so a failure can show where it broke. */
void rs_fwb_remember(struct rs_fwb_ctx *c, const char *line);
/* The remembered lines become the error lines when make printed none. */
void rs_fwb_tail_as_errors(struct rs_fwb_ctx *c);
/* Any remembered or error line contains needle. */
bool rs_fwb_any_line(const struct rs_fwb_ctx *c, const char *needle);
double rs_fwb_now(void);

#endif
