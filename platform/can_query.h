/* Asking the CAN bus which nodes are on it, as a job table (platform/
 * job.h) of two steps, each skipped when its tool is not there:
 *
 *   canbus-query    PYTHON <klipper>/scripts/canbus_query.py can0
 *   katapult-query  PYTHON ~/katapult/scripts/flashtool.py -i can0 -q
 *
 * PYTHON is Klipper's own (~/klippy-env/bin/python, which has python-can),
 * else python3. The tools run as the invoking user, like every child; their
 * node lines are read with core/can_nodes.h. A tool that fails does not stop
 * the other: each one's outcome is kept apart. Neither tool is given a
 * deadline here: the caller runs the job with one (they take about two
 * seconds each). */
#ifndef RS_PLATFORM_CAN_QUERY_H
#define RS_PLATFORM_CAN_QUERY_H

#include <stdbool.h>

#include "core/can_nodes.h"
#include "platform/job.h"

struct rs_can_tool_run {
	bool ran;
	int code;            /* exit code once ran */
	bool complete;       /* its closing line came ("Total N uuids found", "Query Complete") */
	char last_line[256]; /* its last line that was not a node: why it failed */
};

struct rs_can_query_ctx {
	const char *python;         /* NULL: python3 */
	const char *klipper_script; /* scripts/canbus_query.py; NULL: that step is skipped */
	const char *katapult_tool;  /* flashtool.py; NULL: that step is skipped */
	const char *interface;      /* NULL: can0 */
	/* Filled while the job runs. */
	struct rs_can_nodes nodes;
	struct rs_can_tool_run klipper, katapult;
};

extern const struct rs_job_table rs_can_query_job;

/* The interface's state from <sys_net>/<name>/operstate (sys_net NULL:
 * /sys/class/net). */
enum rs_can_link rs_can_link_read(const char *sys_net, const char *name);
/* <home>/klippy-env/bin/python when it is there and executable, else
 * "python3". Caller frees. */
char *rs_klipper_python(const char *home);
/* <klipper_dir>/scripts/canbus_query.py when it is a file; NULL otherwise.
 * Caller frees. */
char *rs_can_query_script(const char *klipper_dir);

#endif
