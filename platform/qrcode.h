/* Text to a QR code matrix with libqrencode, when this build has it: the
 * library is optional (found by pkg-config), and without it the program
 * works the same, it just cannot draw codes. */
#ifndef RS_PLATFORM_QRCODE_H
#define RS_PLATFORM_QRCODE_H

#include <stdbool.h>

#include "core/qr.h"

/* False when the program was built without libqrencode. */
bool rs_qrcode_available(void);
/* Encodes text (byte mode, case kept) at the smallest size, with as much
 * error correction as that size holds. False with *why (caller frees) when
 * it cannot: no libqrencode in this build, or text too long. */
bool rs_qrcode_encode(const char *text, struct rs_qr *out, char **why);

#endif
