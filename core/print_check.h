/* Is a print in progress? Asked of the running Klipper over its API socket
 * (Klipper's docs/API_Server.md: JSON requests and replies, each ended by
 * 0x03) before anything stops Klipper on its own, after a Klipper update.
 * The answer has to be positive to flash: no print runs when Klippy is not
 * ready (startup, error such as "MCU Protocol error", shutdown: nothing can
 * print then), or when it is ready, print_stats says standby, complete,
 * cancelled or error, and idle_timeout does not say "Printing" (a print
 * streamed over the serial port, or a macro, keeps the toolhead busy
 * without print_stats knowing). Everything else (printing, paused, a reply
 * that is not an answer, no answer) means do not flash.
 *
 * Pure: the dialogue is platform/klippy_socket.c's; this judges replies. */
#ifndef RS_CORE_PRINT_CHECK_H
#define RS_CORE_PRINT_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/flash_route.h"

/* The two requests, in this order, each sent followed by 0x03. */
#define RS_KLIPPY_INFO_ID 1
#define RS_KLIPPY_INFO_REQUEST                                                                     \
	"{\"id\":1,\"method\":\"info\",\"params\":{\"client_info\":{\"program\":\"ratos-setup\"}}}"
#define RS_KLIPPY_QUERY_ID 2
#define RS_KLIPPY_QUERY_REQUEST                                                                    \
	"{\"id\":2,\"method\":\"objects/query\",\"params\":{\"objects\":{\"print_stats\":"        \
	"[\"state\"],\"idle_timeout\":[\"state\"]}}}"

enum rs_print_verdict {
	RS_PRINT_NONE,    /* positively no print runs: flashing may go ahead */
	RS_PRINT_RUNNING, /* printing or paused (or the toolhead busy): never flash */
	RS_PRINT_UNKNOWN, /* cannot tell: do not flash */
	RS_PRINT_ASK,     /* Klippy is ready: ask print_stats (RS_KLIPPY_QUERY_REQUEST) */
};

struct rs_print_check {
	enum rs_print_verdict verdict;
	bool answered;   /* a Klipper answered on the socket */
	char why[300];   /* for the log: what decided it */
};

/* The id of a message (a reply carries the request's), or -1 when it has
 * none or is not a JSON object. */
long rs_klippy_message_id(const char *msg, size_t len);
/* The reply to RS_KLIPPY_INFO_REQUEST. */
void rs_print_check_info(const char *reply, size_t len, struct rs_print_check *out);
/* The reply to RS_KLIPPY_QUERY_REQUEST (after RS_PRINT_ASK). */
void rs_print_check_query(const char *reply, size_t len, struct rs_print_check *out);
/* No Klipper answered (out->answered false, why says what failed): no
 * print runs only when the Klipper service is known to be stopped. */
void rs_print_check_unanswered(struct rs_print_check *out, enum rs_service_state klipper);
/* none, running, unknown, ask */
const char *rs_print_verdict_name(enum rs_print_verdict v);

#endif
