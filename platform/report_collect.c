/* Reading what a help report holds (see report_collect.h). */
#include "platform/report_collect.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "platform/paths.h"
#include "platform/proc.h"

bool rs_report_tail(const char *path, size_t max, struct rs_report_blob *out)
{
	memset(out, 0, sizeof(*out));
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st = { 0 };
	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int e = errno;
		bool regular = S_ISREG(st.st_mode);
		close(fd);
		errno = regular ? e : EINVAL; /* a FIFO or device: nothing to read */
		return false;
	}
	off_t from = st.st_size > (off_t)max ? st.st_size - (off_t)max : 0;
	char *buf = rs_xmalloc(max + 1);
	size_t got = 0;
	while (got < max) {
		ssize_t n = pread(fd, buf + got, max - got, from + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	size_t skip = 0;
	if (from > 0) {
		char *nl = memchr(buf, '\n', got);
		skip = nl ? (size_t)(nl - buf) + 1 : 0;
	}
	if (from > 0) {
		char *note = rs_xasprintf("[... the first %lld bytes are left out ...]\n",
					  (long long)from + (long long)skip);
		size_t nlen = strlen(note);
		out->data = rs_xmalloc(nlen + got - skip + 1);
		memcpy(out->data, note, nlen);
		memcpy(out->data + nlen, buf + skip, got - skip);
		out->len = nlen + got - skip;
		free(note);
		free(buf);
	} else {
		out->data = buf;
		out->len = got;
	}
	out->data[out->len] = '\0';
	return true;
}

struct capture {
	struct rs_report_blob *b;
	size_t max;
	bool cut;
};

static void on_output(void *ctx, const char *data, size_t len)
{
	struct capture *c = ctx;
	if (c->b->len + len > c->max) {
		len = c->max - c->b->len;
		c->cut = true;
	}
	memcpy(c->b->data + c->b->len, data, len);
	c->b->len += len;
}

bool rs_report_run_self(const char *boards_dir, const char *const args[], size_t max,
			struct rs_report_blob *out)
{
	memset(out, 0, sizeof(*out));
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	const char *argv[32];
	size_t k = 0;
	argv[k++] = exe;
	if (boards_dir) {
		argv[k++] = "--boards-dir";
		argv[k++] = boards_dir;
	}
	/* The run is part of the report, not an event of the user's log. */
	argv[k++] = "--log-file";
	argv[k++] = "/dev/null";
	for (size_t i = 0; args[i] && k + 1 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[k++] = args[i];
	argv[k] = NULL;

	struct rs_proc p = { 0 };
	struct rs_proc_opts po = { 0 };
	if (!rs_proc_start(&p, (char *const *)argv, &po))
		return false;
	out->data = rs_xmalloc(max + 128);
	struct capture c = { .b = out, .max = max };
	rs_proc_wait(&p, on_output, &c, NULL);
	int code = rs_proc_exit_code(&p);
	rs_proc_close(&p);
	int w = snprintf(out->data + out->len, 128, "%s[exit %d]\n",
			 c.cut ? "\n[... output cut ...]\n" : "", code);
	out->len += (size_t)(w > 0 ? w : 0);
	return true;
}

struct log_entry {
	char *id;
	long long mtime;
};

static int newest_first(const void *a, const void *b)
{
	const struct log_entry *x = a, *y = b;
	return x->mtime < y->mtime ? 1 : x->mtime > y->mtime ? -1 : strcmp(x->id, y->id);
}

size_t rs_report_build_logs(char **ids, size_t max)
{
	char *cache = rs_path_cache_dir();
	DIR *d = opendir(cache);
	struct log_entry *all = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *log = rs_xasprintf("%s/%s/build.log", cache, de->d_name);
		struct stat st;
		if (lstat(log, &st) == 0 && S_ISREG(st.st_mode)) {
			if (count == cap) {
				cap = cap ? cap * 2 : 8;
				all = rs_xrealloc(all, cap * sizeof(*all));
			}
			all[count].id = rs_xstrdup(de->d_name);
			all[count++].mtime = (long long)st.st_mtime;
		}
		free(log);
	}
	if (d)
		closedir(d);
	free(cache);
	if (count)
		qsort(all, count, sizeof(*all), newest_first);
	size_t used = 0;
	for (size_t i = 0; i < count; i++) {
		if (used < max)
			ids[used++] = all[i].id;
		else
			free(all[i].id);
	}
	free(all);
	return used;
}

void rs_report_blob_free(struct rs_report_blob *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}
