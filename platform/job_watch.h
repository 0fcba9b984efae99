/* Inside the job engine (platform/job.h): what ties a job to a loop. The
 * engine (job.c) runs steps and knows nothing of loops; job_run.c attaches
 * a job to a struct rs_loop, or runs it blocking on a loop of its own, and
 * keeps its registrations here, in the job's record. Not for other
 * modules. */
#ifndef RS_PLATFORM_JOB_WATCH_H
#define RS_PLATFORM_JOB_WATCH_H

#include <stdbool.h>

#include "platform/job.h"

struct rs_job_watch {
	struct rs_loop *loop; /* NULL: not attached */
	int fd_handle, timer_handle;
	int watched_fd;
	bool (*changed)(void *data);
	void *changed_data;
};

/* Not attached (job_run.c). */
void rs_job_watch_init(struct rs_job_watch *w);
/* The job's own (job.c). */
struct rs_job_watch *rs_job_watch_of(struct rs_job *job);

#endif
