/* Reading Klipper's quiet build output: which line is progress, which is an
 * error, and a line splitter for output that arrives in arbitrary chunks. */
#ifndef RS_CORE_BUILD_OUTPUT_H
#define RS_CORE_BUILD_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

enum rs_build_line_kind {
	RS_BLINE_OTHER,
	RS_BLINE_COMPILING, /* "  Compiling <OUT>src/sched.o" */
	RS_BLINE_LINKING,   /* "  Linking <OUT>klipper.elf" */
	RS_BLINE_BIN,       /* "  Creating bin file <OUT>klipper.bin" (or hex file) */
	RS_BLINE_VERSION,   /* "Version: v0.13.0-730-g84104bbbd" */
	RS_BLINE_ERROR,     /* compiler or make error */
};

struct rs_build_line {
	enum rs_build_line_kind kind;
	/* The argument (object, file or version), with the OUT prefix removed;
	 * points into the classified line. Empty for OTHER and ERROR. */
	const char *arg;
	size_t arg_len;
};

/* out_dir: the OUT= value (ending in '/'), or NULL to keep paths whole. */
void rs_build_output_classify(const char *line, const char *out_dir, struct rs_build_line *res);
/* True for lines of `make -n` output that stand for one compiled object. */
bool rs_build_output_is_compile_step(const char *line);

/* Splits a byte stream into lines. Lines longer than the buffer are cut
 * into pieces rather than lost. */
#define RS_LINEBUF_SIZE 4096
struct rs_linebuf {
	char buf[RS_LINEBUF_SIZE];
	size_t len;
};
typedef void (*rs_line_fn)(void *ctx, const char *line);
void rs_linebuf_feed(struct rs_linebuf *lb, const char *data, size_t len, rs_line_fn fn, void *ctx);
/* Delivers a last unterminated line, if any. */
void rs_linebuf_flush(struct rs_linebuf *lb, rs_line_fn fn, void *ctx);

#endif
