/* Building one board's Klipper firmware: a step table on the job engine
 * (platform/job.h) that runs the same way from the command line
 * (rs_fwbuild_run) and on the wizard's loop (rs_fwbuild_attach), or pumped
 * by hand:
 *
 *   struct rs_fwbuild *fb = rs_fwbuild_new(board, &opts);
 *   rs_fwbuild_start(fb);                 // quick checks, maybe a cache hit
 *   while (!rs_fwbuild_finished(fb)) {
 *       poll on rs_fwbuild_fd(fb) (POLLIN) plus stdin, with a timeout;
 *       rs_fwbuild_pump(fb);              // on readable fd *and* on timeout
 *       rs_fwbuild_get_progress(fb, &p);  // done/total/current/elapsed/eta
 *   }
 *   rs_fwbuild_cancel(fb) at any time kills make's whole process group.
 *   rs_fwbuild_result(fb) says what happened; rs_fwbuild_free(fb).
 *
 * Steps: tree version (git describe) -> cache check -> olddefconfig in a
 * scratch OUT -> survival check -> stale-output guard -> make -n (object
 * count) -> make -jN -> dictionary checks -> atomic install + sidecar
 * (core/fw_image.h: klipper.bin, or klipper.elf.hex for AVR, and an RP2040's
 * klipper.uf2 beside it).
 * Nothing is ever written into the Klipper tree's own .config or out/. */
#ifndef RS_PLATFORM_FWBUILD_H
#define RS_PLATFORM_FWBUILD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/board.h"
#include "core/sha256.h"

enum rs_fwbuild_step {
	RS_FWB_IDLE,
	RS_FWB_VERSION,     /* git describe */
	RS_FWB_CONFIG,      /* make olddefconfig */
	RS_FWB_COUNT,       /* make -n, counting objects */
	RS_FWB_COMPILE,     /* make -jN */
	RS_FWB_INSTALL,     /* checks and copy (synchronous, brief) */
	RS_FWB_DONE,        /* built and installed */
	RS_FWB_UP_TO_DATE,  /* cache hit, make never ran */
	RS_FWB_FAILED,
	RS_FWB_CANCELLED,
	RS_FWB_NOT_BUILT,   /* check_only: no up-to-date image; nothing was written */
};

enum rs_fwbuild_fail {
	RS_FWF_NONE,
	RS_FWF_NO_TREE,          /* no Klipper directory */
	RS_FWF_BROKEN_TREE,      /* no Makefile / src/Kconfig */
	RS_FWF_TOOLCHAIN,        /* compiler, make or python3 missing */
	RS_FWF_WORKDIR,          /* cache directory not writable */
	RS_FWF_CONFIG,           /* olddefconfig failed */
	RS_FWF_CONFIG_DROPPED,   /* a requested line did not survive */
	RS_FWF_COMPILE,          /* make failed */
	RS_FWF_NO_IMAGE,         /* no klipper.bin (klipper.elf.hex for AVR), or no dictionary */
	RS_FWF_MCU_MISMATCH,
	RS_FWF_VERSION_MISMATCH,
	RS_FWF_INSTALL,          /* firmware dir not writable, disk full */
	RS_FWF_SPAWN,            /* a program could not be started */
	RS_FWF_CANCELLED,
};

struct rs_fwbuild_opts {
	const char *klipper_dir;  /* NULL: ~/klipper of the invoking user */
	const char *firmware_dir; /* NULL: ~/printer_data/config/firmware_binaries */
	const char *cache_dir;    /* NULL: $XDG_CACHE_HOME/ratos-setup */
	unsigned jobs;            /* 0: number of online CPUs */
	bool force;               /* ignore the cache */
	/* Only the quick checks and the cache: ends UP_TO_DATE, NOT_BUILT or
	 * FAILED without creating directories or running make (a screen that
	 * wants to say "up to date" before anyone asks for a build). */
	bool check_only;
	/* Every output line of every child, for a log view or a terminal. */
	void (*on_line)(void *ctx, const char *line);
	void *ctx;
};

struct rs_fwbuild_progress {
	enum rs_fwbuild_step step;
	unsigned done;  /* objects compiled so far */
	unsigned total; /* objects to compile (from make -n); 0 until known */
	char current[256]; /* object being compiled, relative to OUT */
	double elapsed; /* seconds since start */
	double eta;     /* seconds left, < 0 when unknown */
};

struct rs_fwbuild_result {
	enum rs_fwbuild_step step; /* DONE, UP_TO_DATE, FAILED, CANCELLED, NOT_BUILT */
	enum rs_fwbuild_fail fail;
	char *message;        /* what happened (failures), one paragraph */
	char *hint;           /* what to try next, or NULL */
	struct rs_strv error_lines; /* last error lines of the build output */
	char *log_path;       /* full log of this build */
	char *klipper_dir;
	char *config_path;    /* the expanded config */
	char *firmware_path;  /* installed image */
	char *sidecar_path;
	char *uf2_path;       /* RP2040: the UF2 image installed next to the .bin, or NULL */
	char *tree_version;   /* git describe of the tree */
	char *version;        /* in the image's dictionary */
	char *mcu;            /* in the image's dictionary */
	char sha256[RS_SHA256_HEX_LEN];
	char config_sha256[RS_SHA256_HEX_LEN];
	size_t size;
	double seconds;
};

struct rs_fwbuild;
struct rs_loop;

struct rs_fwbuild *rs_fwbuild_new(const struct rs_board *board, const struct rs_fwbuild_opts *opts);
/* Runs the quick checks (tree, toolchain, work directory) and starts the
 * first child. False when it already finished (failure or nothing to do). */
bool rs_fwbuild_start(struct rs_fwbuild *fb);
/* fd to poll for POLLIN, or -1 (then pump on a timer). */
int rs_fwbuild_fd(const struct rs_fwbuild *fb);
/* Reads output, advances steps; never blocks for long. */
enum rs_fwbuild_step rs_fwbuild_pump(struct rs_fwbuild *fb);
bool rs_fwbuild_finished(const struct rs_fwbuild *fb);
void rs_fwbuild_get_progress(const struct rs_fwbuild *fb, struct rs_fwbuild_progress *p);
/* Kills the running child's whole process group, removes temp files. */
void rs_fwbuild_cancel(struct rs_fwbuild *fb);
/* Synchronous: start + pump until finished. Cancels when *cancel becomes
 * non-zero (a signal handler's flag). */
enum rs_fwbuild_step rs_fwbuild_run(struct rs_fwbuild *fb, volatile sig_atomic_t *cancel);
/* On a loop (after rs_fwbuild_start): follows the running child's output
 * and calls changed(data) whenever anything changed; detaches itself when
 * the build is over (changed is called once more then). */
bool rs_fwbuild_attach(struct rs_fwbuild *fb, struct rs_loop *loop, bool (*changed)(void *data),
		       void *data);
void rs_fwbuild_detach(struct rs_fwbuild *fb);
const struct rs_fwbuild_result *rs_fwbuild_result(const struct rs_fwbuild *fb);
void rs_fwbuild_free(struct rs_fwbuild *fb);

const char *rs_fwbuild_step_name(enum rs_fwbuild_step s);
const char *rs_fwbuild_fail_name(enum rs_fwbuild_fail f);

#endif
