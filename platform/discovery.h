/* What is plugged in, kept up to date: USB boards and SD-card candidates.
 *
 * A discovery is an object with a backend behind it: the real one uses libudev
 * (platform/discovery_udev.h); a fixed one lets screen tests feed lists by hand
 * (platform/discovery_fixed.h). Callers only use the functions below.
 *
 * Use in a poll() loop:
 *     struct rs_discovery *d = rs_discovery_open(&cfg, &why);
 *     pfd.fd = rs_discovery_fd(d); pfd.events = POLLIN;   // -1: no live updates
 *     ... poll ...
 *     if (pfd.revents & POLLIN && rs_discovery_process(d))
 *             redraw from rs_discovery_list(d);
 *     rs_discovery_close(d);
 * The list pointer stays valid until the next rs_discovery_process() or close;
 * copy what must outlive that (rs_hw_list_copy). */
#ifndef RS_PLATFORM_DISCOVERY_H
#define RS_PLATFORM_DISCOVERY_H

#include <stdbool.h>

#include "core/hw.h"

struct rs_discovery_config {
	/* The mount table used to find the system disk; NULL means
	 * /proc/self/mountinfo. Tests pass a file describing a fake system. */
	const char *mountinfo_path;
};

struct rs_discovery;

struct rs_discovery_ops {
	int (*fd)(struct rs_discovery *d);
	bool (*process)(struct rs_discovery *d);
	void (*destroy)(struct rs_discovery *d);
};

/* Backends embed this as their first member. */
struct rs_discovery {
	const struct rs_discovery_ops *ops;
	struct rs_hw_list list;
	unsigned long generation; /* bumped on every change of list */
};

/* The libudev backend. NULL on failure, with *why (caller frees) saying what
 * went wrong. cfg may be NULL. */
struct rs_discovery *rs_discovery_open(const struct rs_discovery_config *cfg, char **why);

/* File descriptor that becomes readable when devices come or go; -1 when the
 * backend cannot watch (then the list is a one-time snapshot). */
int rs_discovery_fd(struct rs_discovery *d);
/* Handles whatever is pending without blocking; true when the list changed. */
bool rs_discovery_process(struct rs_discovery *d);
const struct rs_hw_list *rs_discovery_list(const struct rs_discovery *d);
unsigned long rs_discovery_generation(const struct rs_discovery *d);
void rs_discovery_close(struct rs_discovery *d);

#endif
