/* What a built klipper.bin (or an AVR board's klipper.elf.hex, read as the
 * bytes it stands for) says about itself. Klipper embeds its data
 * dictionary (JSON, zlib-compressed) in the binary; it names the MCU, the
 * Klipper version and the build's config values. */
#ifndef RS_CORE_FWINFO_H
#define RS_CORE_FWINFO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/board.h"
#include "core/error.h"

struct rs_fwinfo {
	char *version;        /* e.g. v0.13.0-730-g84104bbbd */
	char *mcu;            /* e.g. stm32f429xx */
	char *build_versions; /* compiler versions, may be NULL */
	struct rs_strv config; /* "KEY=value" pairs from the dictionary's config */
	size_t size;          /* size of the binary in bytes */
};

/* The scan for the dictionary is bounded in total work, whatever the file:
 * every place that looks like a zlib stream costs RS_FWINFO_CANDIDATE_COST
 * units and every byte that goes through zlib or the JSON check one unit; past
 * RS_FWINFO_WORK_MAX units it gives up. A real klipper.bin needs a few
 * hundred KiB of units at most. */
#define RS_FWINFO_CANDIDATE_COST 64
#define RS_FWINFO_WORK_MAX (48u * 1024 * 1024)

struct rs_fwinfo_work {
	size_t candidates; /* zlib headers tried */
	size_t units;      /* work done, as above */
	bool gave_up;      /* the budget ran out before a dictionary was found */
};

/* Finds and decodes the dictionary in a firmware image. Its strings are
 * stored display-safe (core/text_safe.h): they come from a file anyone can
 * make. work, when not NULL, receives what the scan cost. */
bool rs_fwinfo_scan(const char *file, const unsigned char *data, size_t len,
		    struct rs_fwinfo *out, struct rs_errors *errs, struct rs_fwinfo_work *work);
bool rs_fwinfo_parse(const char *file, const unsigned char *data, size_t len,
		     struct rs_fwinfo *out, struct rs_errors *errs);
bool rs_fwinfo_read_file(const char *path, struct rs_fwinfo *out, struct rs_errors *errs);
const char *rs_fwinfo_config(const struct rs_fwinfo *fw, const char *key);
void rs_fwinfo_free(struct rs_fwinfo *fw);

#endif
