/* The last good firmware: every install keeps the image it replaces, with
 * its build record, as firmware-<board>.prev.<ext> (+ .meta) next to the
 * new one (.bin, or .hex for AVR boards), and for RP2040 builds the UF2
 * image beside it as firmware-<board>.prev.uf2, so a board can be put back
 * on the firmware of a Klipper the user rolled back to (`sdcard write
 * --previous`, `flash BOARD --previous`).
 *
 * One previous image per board, not a history: it is what the install
 * replaced, unless that was byte for byte the new image (a rebuild of the
 * same tree), which keeps the older one. The previous pair is in place
 * before the current image is replaced, so a crash or a full disk at any
 * moment leaves the current image or the previous one, never neither.
 *
 * The kept record is the replaced one, with its uf2= naming the kept UF2
 * (whose uf2_sha256 it carries): a UF2 is kept only when it is the one the
 * record describes, and a previous UF2 never outlives the image it came
 * with. */
#ifndef RS_PLATFORM_FW_PREVIOUS_H
#define RS_PLATFORM_FW_PREVIOUS_H

#include <stdbool.h>

#define RS_FW_PREVIOUS_INFIX ".prev"

struct rs_fw_previous {
	char *image;  /* <dir>/firmware-<board>.prev.<ext> */
	char *record; /* its .meta, NULL when there is none */
	char *uf2;    /* <dir>/firmware-<board>.prev.uf2, NULL when none was kept */
};

/* Before an install replaces dir/firmware-<board>.<ext> (ext "bin" or
 * "hex", core/fw_image.h) with an image whose sha256 (hex) is new_sha256:
 * keeps the installed image, its record and its UF2 as the previous ones.
 * True when done or nothing needed keeping; false with errno set when they
 * could not be written (nothing was changed then). */
bool rs_fw_previous_keep(const char *dir, const char *board_id, const char *ext,
			 const char *new_sha256);

/* The previous image of a board in dir (NULL: firmware_binaries). True and
 * *out filled (caller frees with rs_fw_previous_free) when there is one;
 * false when none was kept. */
bool rs_fw_previous_find(const char *dir, const char *board_id, const char *ext,
			 struct rs_fw_previous *out);
void rs_fw_previous_free(struct rs_fw_previous *p);

#endif
