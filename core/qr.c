#include "core/qr.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

bool rs_qr_dark(const struct rs_qr *qr, int x, int y)
{
	return x >= 0 && y >= 0 && x < qr->size && y < qr->size &&
	       qr->dark[(size_t)y * (size_t)qr->size + (size_t)x];
}

void rs_qr_text_size(const struct rs_qr *qr, enum rs_qr_style style, int *rows, int *cols)
{
	int n = qr->size + 2 * RS_QR_QUIET;
	if (style == RS_QR_HALF_BLOCKS) {
		*rows = (n + 1) / 2;
		*cols = n;
	} else {
		*rows = n;
		*cols = 2 * n;
	}
}

/* Module coordinates count from the outer edge of the quiet zone. */
static bool dark_at(const struct rs_qr *qr, int x, int y)
{
	return rs_qr_dark(qr, x - RS_QR_QUIET, y - RS_QR_QUIET);
}

char *rs_qr_text_line(const struct rs_qr *qr, enum rs_qr_style style, int row)
{
	int rows, cols;
	rs_qr_text_size(qr, style, &rows, &cols);
	/* A half block is 3 bytes of UTF-8. */
	char *line = rs_xmalloc((size_t)cols * 3 + 1), *o = line;
	if (style == RS_QR_ASCII) {
		for (int x = 0; x < cols / 2; x++) {
			const char *cell = dark_at(qr, x, row) ? "##" : "  ";
			memcpy(o, cell, 2);
			o += 2;
		}
	} else {
		for (int x = 0; x < cols; x++) {
			bool top = dark_at(qr, x, 2 * row), bottom = dark_at(qr, x, 2 * row + 1);
			const char *cell = top && bottom ? "\xe2\x96\x88"   /* █ */
					   : top	    ? "\xe2\x96\x80" /* ▀ */
					   : bottom	    ? "\xe2\x96\x84" /* ▄ */
							    : " ";
			size_t n = strlen(cell);
			memcpy(o, cell, n);
			o += n;
		}
	}
	*o = '\0';
	return line;
}

char *rs_qr_text(const struct rs_qr *qr, enum rs_qr_style style)
{
	int rows, cols;
	rs_qr_text_size(qr, style, &rows, &cols);
	size_t cap = (size_t)rows * ((size_t)cols * 3 + 1) + 1, len = 0;
	char *out = rs_xmalloc(cap);
	for (int r = 0; r < rows; r++) {
		char *line = rs_qr_text_line(qr, style, r);
		size_t n = strlen(line);
		memcpy(out + len, line, n);
		len += n;
		out[len++] = '\n';
		free(line);
	}
	out[len] = '\0';
	return out;
}

void rs_qr_free(struct rs_qr *qr)
{
	free(qr->dark);
	qr->dark = NULL;
	qr->size = 0;
}
