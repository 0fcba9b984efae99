/* The small file saved next to every built firmware image
 * (firmware-<board>.bin.meta, firmware-<board>.hex.meta): what was built, from what, and its checksum.
 * The build cache and `doctor` read it. Format: "key=value" lines, '#'
 * comments, unknown keys ignored so newer files stay readable. */
#ifndef RS_CORE_SIDECAR_H
#define RS_CORE_SIDECAR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define RS_SIDECAR_SUFFIX ".meta"

struct rs_sidecar {
	char *board;           /* board id */
	char *version;         /* Klipper version in the image's dictionary */
	char *tree_version;    /* git describe of the tree it was built from */
	char *tree_commit;     /* its HEAD commit, when it is a git checkout */
	char *mcu;             /* MCU in the image's dictionary */
	char *fragment_sha256; /* of the requested fragment */
	char *config_sha256;   /* of the expanded config (rs_kconfig_hash) */
	char *sha256;          /* of the image */
	unsigned long long size;
	char *built_at; /* UTC, ISO 8601 */
	char *image;      /* the file of Klipper's build it is ("klipper.bin", "klipper.elf.hex") */
	char *uf2;        /* name of the UF2 image installed next to it (RP2040), or NULL */
	char *uf2_sha256; /* of that UF2 image */
};

/* Text of the file. Newlines in values become spaces. Caller frees. */
char *rs_sidecar_format(const struct rs_sidecar *sc);
/* version, mcu, sha256 and size are required. */
bool rs_sidecar_parse(const char *file, const char *buf, size_t len, struct rs_sidecar *out,
		      struct rs_errors *errs);
bool rs_sidecar_load_file(const char *path, struct rs_sidecar *out, struct rs_errors *errs);
void rs_sidecar_free(struct rs_sidecar *sc);

#endif
