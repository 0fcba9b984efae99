/* Is the compiler a board's MCU needs installed? If not, which Debian
 * packages bring it. */
#ifndef RS_PLATFORM_TOOLCHAIN_H
#define RS_PLATFORM_TOOLCHAIN_H

#include <stdbool.h>

#include "core/board.h"

struct rs_toolchain {
	const char *family;   /* "arm", "avr" or "host" */
	const char *packages; /* apt-get install line for everything needed */
	struct rs_strv missing; /* programs not found on PATH */
};

/* Fills tc for the MCU and returns true when nothing is missing. */
bool rs_toolchain_check(const char *mcu, struct rs_toolchain *tc);
void rs_toolchain_free(struct rs_toolchain *tc);
/* The C compiler Klipper's make runs for the MCU ($(CROSS_PREFIX)gcc). */
const char *rs_toolchain_compiler(const char *mcu);
/* True when an executable named prog is on PATH. */
bool rs_toolchain_on_path(const char *prog);

#endif
