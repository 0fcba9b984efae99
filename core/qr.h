/* A QR code as data, and how it is written as text. The matrix comes from
 * platform/qrcode.c (the encoder library lives there); this file only holds
 * modules and turns them into characters, so the command line and the
 * wizard draw the very same code. */
#ifndef RS_CORE_QR_H
#define RS_CORE_QR_H

#include <stdbool.h>
#include <stddef.h>

/* Light modules the code needs on every side (ISO/IEC 18004: 4). */
#define RS_QR_QUIET 4

struct rs_qr {
	int size;             /* modules per side, without the quiet zone */
	unsigned char *dark;  /* size * size, row by row: 1 dark, 0 light */
};

enum rs_qr_style {
	/* Two modules per character row: ▀ ▄ █ and space (needs UTF-8). */
	RS_QR_HALF_BLOCKS,
	/* One module per row, two characters wide: "##" dark, "  " light. */
	RS_QR_ASCII,
};

/* Characters are ink for dark modules: the code reads right when drawn
 * dark on light (the caller sees to the colours). Every line is exactly
 * cols columns wide, quiet zone included. */
void rs_qr_text_size(const struct rs_qr *qr, enum rs_qr_style style, int *rows, int *cols);
/* The code as rows lines of text, each ending in '\n'. Caller frees. */
char *rs_qr_text(const struct rs_qr *qr, enum rs_qr_style style);
/* One line (0 <= row < rows) without '\n', into a buffer the caller frees. */
char *rs_qr_text_line(const struct rs_qr *qr, enum rs_qr_style style, int row);
bool rs_qr_dark(const struct rs_qr *qr, int x, int y); /* false outside the matrix */
void rs_qr_free(struct rs_qr *qr);

#endif
