#include "platform/discovery_fixed.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"

struct fixed_discovery {
	struct rs_discovery base; /* first: the generic code casts to it */
	int pipe[2];              /* a byte in it means "pending is new" */
	struct rs_hw_list pending;
	bool has_pending;
};

static struct fixed_discovery *from_base(struct rs_discovery *d)
{
	return (struct fixed_discovery *)d;
}

static int fixed_fd(struct rs_discovery *d)
{
	return from_base(d)->pipe[0];
}

static bool fixed_process(struct rs_discovery *d)
{
	struct fixed_discovery *f = from_base(d);
	char buf[64];
	while (f->pipe[0] >= 0 && read(f->pipe[0], buf, sizeof(buf)) > 0)
		;
	if (!f->has_pending)
		return false;
	rs_hw_list_free(&f->base.list);
	f->base.list = f->pending;
	memset(&f->pending, 0, sizeof(f->pending));
	f->has_pending = false;
	return true;
}

static void fixed_destroy(struct rs_discovery *d)
{
	struct fixed_discovery *f = from_base(d);
	rs_hw_list_free(&f->pending);
	if (f->pipe[0] >= 0) {
		close(f->pipe[0]);
		close(f->pipe[1]);
	}
	free(f);
}

static const struct rs_discovery_ops fixed_ops = {
	.fd = fixed_fd,
	.process = fixed_process,
	.destroy = fixed_destroy,
};

struct rs_discovery *rs_discovery_fixed_new(const struct rs_hw_list *initial)
{
	struct fixed_discovery *f = rs_xcalloc(1, sizeof(*f));
	f->base.ops = &fixed_ops;
	if (pipe2(f->pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		f->pipe[0] = f->pipe[1] = -1;
	if (initial)
		rs_hw_list_copy(&f->base.list, initial);
	return &f->base;
}

void rs_discovery_fixed_set(struct rs_discovery *d, const struct rs_hw_list *list)
{
	struct fixed_discovery *f = from_base(d);
	rs_hw_list_free(&f->pending);
	rs_hw_list_copy(&f->pending, list);
	f->has_pending = true;
	if (f->pipe[1] >= 0) {
		char one = 1;
		if (write(f->pipe[1], &one, 1) < 0) {
			/* Full pipe: already readable, which is all the byte is for. */
		}
	}
}
