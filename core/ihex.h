/* Intel HEX, the image format Klipper makes for AVR boards
 * (out/klipper.elf.hex): text records ":LLAAAATT<data>CC". Decoded to the
 * bytes it describes, so the image's data dictionary can be read the same
 * way as from a klipper.bin. */
#ifndef RS_CORE_IHEX_H
#define RS_CORE_IHEX_H

#include <stdbool.h>
#include <stddef.h>

/* Looks like Intel HEX: starts with ':' and a hex digit. */
bool rs_ihex_detect(const unsigned char *data, size_t len);
/* The bytes of the data records, placed at their addresses (gaps filled
 * with 0xff, as erased flash) and at most max bytes in all. False on a
 * malformed record, a bad checksum, no end record, or an image over max;
 * *line is then the 1-based line of the problem. */
bool rs_ihex_decode(const unsigned char *data, size_t len, size_t max, unsigned char **out,
		    size_t *out_len, int *line);

#endif
