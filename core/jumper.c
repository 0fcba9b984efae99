#include "core/jumper.h"

#include <stdio.h>

const char *rs_jumper_pos_name(enum rs_jumper_pos p)
{
	switch (p) {
	case RS_JUMPER_NONE: return "none";
	case RS_JUMPER_VIN: return "VIN";
	case RS_JUMPER_VMOT: return "V_MOT";
	}
	return "?";
}

unsigned rs_jumper_driver_max(const struct rs_driver *d)
{
	unsigned max = 0;
	for (size_t i = 0; d && i < d->voltage_count; i++)
		if (d->voltages[i] > max)
			max = d->voltages[i];
	return max;
}

/* A driver's list names the supplies it is rated for; anything up to the
 * highest of them is within its rating (a 24 V driver on 12 V is fine). */
static bool rated_for(const struct rs_driver *d, unsigned volts)
{
	return volts > 0 && volts <= rs_jumper_driver_max(d);
}

enum rs_jumper_pos rs_jumper_recommend(const struct rs_driver *d, unsigned main_v,
				       unsigned motor_v)
{
	if (!d)
		return RS_JUMPER_NONE;
	if (motor_v && motor_v != main_v && rated_for(d, motor_v))
		return RS_JUMPER_VMOT;
	return RS_JUMPER_VIN;
}

static void rating_text(const struct rs_driver *d, char *buf, size_t len)
{
	if (d->voltage_count <= 1)
		snprintf(buf, len, "rated for %u V", rs_jumper_driver_max(d));
	else
		snprintf(buf, len, "rated for up to %u V", rs_jumper_driver_max(d));
}

bool rs_jumper_check(const char *socket, const struct rs_driver *d, enum rs_jumper_pos pos,
		     unsigned main_v, unsigned motor_v, char *why, size_t why_len)
{
	char rating[48];
	if (!d) {
		if (pos == RS_JUMPER_NONE)
			return true;
		snprintf(why, why_len, "%s: the socket is empty. Remove its jumper.", socket);
		return false;
	}
	rating_text(d, rating, sizeof(rating));
	switch (pos) {
	case RS_JUMPER_NONE:
		snprintf(why, why_len,
			 "%s: the %s gets no power without a jumper. Put it on %s.", socket,
			 d->chip, rs_jumper_pos_name(rs_jumper_recommend(d, main_v, motor_v)));
		return false;
	case RS_JUMPER_VIN:
		if (rated_for(d, main_v))
			return true;
		snprintf(why, why_len,
			 "%s: a %s is %s; on VIN at %u V it is destroyed. Fit a driver rated "
			 "for %u V.",
			 socket, d->chip, rating, main_v, main_v);
		return false;
	case RS_JUMPER_VMOT:
		if (!motor_v) {
			snprintf(why, why_len,
				 "%s: nothing feeds the V_MOT terminal, so the %s gets no power. "
				 "Move its jumper to VIN.",
				 socket, d->chip);
			return false;
		}
		if (rated_for(d, motor_v))
			return true;
		if (rated_for(d, main_v))
			snprintf(why, why_len,
				 "%s: a %s is %s; on V_MOT at %u V it is destroyed. Move its "
				 "jumper to VIN or fit a driver rated for %u V.",
				 socket, d->chip, rating, motor_v, motor_v);
		else
			snprintf(why, why_len,
				 "%s: a %s is %s; on V_MOT at %u V it is destroyed. Fit a driver "
				 "rated for %u V.",
				 socket, d->chip, rating, motor_v, motor_v);
		return false;
	}
	snprintf(why, why_len, "%s: unknown jumper position.", socket);
	return false;
}

size_t rs_jumper_offered_voltages(const struct rs_board *b,
				  const struct rs_driver *const *drivers, size_t driver_count,
				  unsigned out[RS_MAX_VOLTAGES])
{
	size_t n = 0;
	/* The board list is short and usually sorted; keep it ascending anyway. */
	for (unsigned v = 1; v <= 60 && n < RS_MAX_VOLTAGES; v++) {
		bool on_board = false, by_driver = false;
		for (size_t i = 0; i < b->motor_voltage_count; i++)
			on_board |= b->motor_voltages[i] == v;
		for (size_t i = 0; on_board && i < driver_count && !by_driver; i++)
			for (size_t j = 0; drivers[i] && j < drivers[i]->voltage_count; j++)
				by_driver |= drivers[i]->voltages[j] == v;
		if (on_board && by_driver)
			out[n++] = v;
	}
	return n;
}

const char *rs_jumper_integrated(const struct rs_board *b, size_t socket)
{
	const struct rs_strv *in = &b->integrated_drivers;
	if (in->count == 0)
		return NULL;
	if (in->count == 1)
		return in->items[0];
	return socket < in->count ? in->items[socket] : NULL;
}

const char *rs_jumper_socket_name(const struct rs_board *b, size_t socket, char *buf,
				  size_t len)
{
	if (socket < b->sockets.count)
		snprintf(buf, len, "%s", b->sockets.items[socket]);
	else
		snprintf(buf, len, "MOTOR%zu", socket);
	return buf;
}
