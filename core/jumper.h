/* Driver power jumpers (VIN vs V_MOT). Boards with a separate motor-power
 * input have a jumper above each driver socket that feeds the driver either
 * from the main input (VIN) or from the motor terminal (V_MOT). A driver fed
 * more than it is rated for is destroyed, so these rules decide, per socket,
 * where the jumper goes and whether a chosen position is safe. Pure. */
#ifndef RS_CORE_JUMPER_H
#define RS_CORE_JUMPER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/board.h"

#define RS_MAX_SOCKETS 16

enum rs_jumper_pos {
	RS_JUMPER_NONE, /* no jumper: the socket is empty */
	RS_JUMPER_VIN,
	RS_JUMPER_VMOT,
};

const char *rs_jumper_pos_name(enum rs_jumper_pos p); /* "none", "VIN", "V_MOT" */

/* The highest voltage a driver is rated for (0 when it lists none). */
unsigned rs_jumper_driver_max(const struct rs_driver *d);

/* Where the jumper should go: V_MOT when there is a motor supply the driver
 * is rated for, else VIN; NONE for an empty socket. motor_v 0 means the
 * motor terminal is unused (one supply). */
enum rs_jumper_pos rs_jumper_recommend(const struct rs_driver *d, unsigned main_v,
				       unsigned motor_v);

/* Checks one socket. True when safe; otherwise why[] says which socket, what
 * happens and what to do, in one or two sentences. */
bool rs_jumper_check(const char *socket, const struct rs_driver *d, enum rs_jumper_pos pos,
		     unsigned main_v, unsigned motor_v, char *why, size_t why_len);

/* Motor voltages worth offering: the board's list intersected with the union
 * of what the candidate drivers are rated for. Returns how many were written
 * (at most RS_MAX_VOLTAGES), ascending. */
size_t rs_jumper_offered_voltages(const struct rs_board *b,
				  const struct rs_driver *const *drivers, size_t driver_count,
				  unsigned out[RS_MAX_VOLTAGES]);

/* The board's sockets that can hold a chosen driver. Boards with integrated
 * drivers have them fixed: one id for all sockets, or one per socket. Returns
 * the integrated driver id of a socket, or NULL when the user chooses. */
const char *rs_jumper_integrated(const struct rs_board *b, size_t socket);

/* Socket name: the board's list, else MOTOR<n>. Writes into buf. */
const char *rs_jumper_socket_name(const struct rs_board *b, size_t socket, char *buf,
				  size_t len);

#endif
