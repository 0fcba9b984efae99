/* Asks the running Klipper whether a print is in progress, over the API
 * socket Moonraker has Klipper open (klippy.py -a; Klipper's
 * docs/API_Server.md): RS_KLIPPY_INFO_REQUEST, then, when Klippy is ready,
 * RS_KLIPPY_QUERY_REQUEST (core/print_check.h judges the replies).
 *
 * The socket is only used when it is a Unix socket owned by the user this
 * process acts as (Klipper runs as that user), connected as that user;
 * every step is bounded by the timeout, and a reply is at most 64 KiB. */
#ifndef RS_PLATFORM_KLIPPY_SOCKET_H
#define RS_PLATFORM_KLIPPY_SOCKET_H

#include "core/print_check.h"

#define RS_KLIPPY_TIMEOUT_MS 5000

/* ~/printer_data/comms/klippy.sock, Moonraker's default. Caller frees. */
char *rs_klippy_default_socket(void);
/* Fills out: verdict and why when Klipper answered (out->answered); when
 * it did not, out->answered is false and why says what failed (then
 * rs_print_check_unanswered decides). */
void rs_klippy_ask_print(const char *path, int timeout_ms, struct rs_print_check *out);

#endif
