#include "platform/doctor_files.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "platform/fsutil.h"
#include "platform/paths.h"

#define CHUNK (64 * 1024)
#define CFG_MAX (4 * 1024 * 1024)
#define MAX_DEPTH 8
#define MAX_FILES 100

char *rs_doctor_default_log(void)
{
	char *home = rs_path_home();
	char *p = rs_xasprintf("%s/printer_data/logs/klippy.log", home);
	free(home);
	return p;
}

char *rs_doctor_default_config(void)
{
	char *home = rs_path_home();
	char *p = rs_xasprintf("%s/printer_data/config/printer.cfg", home);
	free(home);
	return p;
}

bool rs_klog_read_file(const char *path, unsigned long long window, struct rs_klog *k,
		       bool *cut)
{
	rs_klog_init(k);
	*cut = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return false;
	struct stat st;
	if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
		int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
		close(fd);
		errno = e;
		return false;
	}
	bool skip_partial = false;
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > window) {
		if (lseek(fd, (off_t)((unsigned long long)st.st_size - window), SEEK_SET) < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return false;
		}
		*cut = skip_partial = true;
	}
	char *buf = rs_xmalloc(CHUNK);
	unsigned long long total = 0;
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			/* A FIFO with no writer yet: nothing to read. */
			break;
		}
		if (n <= 0)
			break;
		const char *p = buf;
		size_t len = (size_t)n;
		if (skip_partial) {
			/* The window starts mid-line: drop that line's tail. */
			const char *nl = memchr(p, '\n', len);
			if (!nl)
				continue;
			len -= (size_t)(nl + 1 - p);
			p = nl + 1;
			skip_partial = false;
		}
		rs_klog_feed(k, p, len);
		total += (unsigned long long)n;
		if (total > window)
			break; /* a file still growing (or a device): enough */
	}
	free(buf);
	close(fd);
	rs_klog_finish(k);
	return true;
}

struct walk {
	struct rs_pcfg *cfg;
	struct rs_errors *errs;
	int depth;
	unsigned files;
	char *stack[MAX_DEPTH + 1]; /* real paths being read, for loops */
};

static bool parse_file(struct walk *w, const char *path);

static void include(void *ctx, const char *pattern, const char *file, int line)
{
	struct walk *w = ctx;
	char *full;
	if (pattern[0] == '/') {
		full = rs_xstrdup(pattern);
	} else {
		char *dir = rs_xstrdup(file);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		full = slash ? rs_xasprintf("%s/%s", dir, pattern) : rs_xstrdup(pattern);
		free(dir);
	}
	glob_t g;
	int rc = glob(full, 0, NULL, &g);
	bool has_glob = strpbrk(pattern, "*?[") != NULL;
	if (rc == GLOB_NOMATCH || (rc == 0 && g.gl_pathc == 0)) {
		if (!has_glob)
			rs_errors_add(w->errs, RS_ERR_IO, file, line, 1,
				      "include file '%s' does not exist", pattern);
	} else if (rc == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			parse_file(w, g.gl_pathv[i]);
	}
	if (rc == 0 || rc == GLOB_NOMATCH)
		globfree(&g);
	free(full);
}

static bool parse_file(struct walk *w, const char *path)
{
	char real[PATH_MAX];
	if (!realpath(path, real)) {
		if (w->depth)
			rs_errors_add(w->errs, RS_ERR_IO, path, 0, 0, "%s", strerror(errno));
		return false;
	}
	for (int i = 0; i < w->depth; i++) {
		if (strcmp(w->stack[i], real) == 0) {
			rs_errors_add(w->errs, RS_ERR_VALUE, path, 0, 0,
				      "includes itself (through its includes); not read again");
			return true;
		}
	}
	if (w->depth >= MAX_DEPTH || w->files >= MAX_FILES) {
		rs_errors_add(w->errs, RS_ERR_RANGE, path, 0, 0,
			      "too many nested or included files; the rest is not read");
		return true;
	}
	unsigned char *data = NULL;
	size_t len = 0;
	if (!rs_fs_read_file(real, CFG_MAX, &data, &len)) {
		int e = errno;
		if (w->depth)
			rs_errors_add(w->errs, RS_ERR_IO, path, 0, 0, "%s", strerror(e));
		errno = e;
		return false;
	}
	w->files++;
	w->stack[w->depth++] = real;
	rs_pcfg_parse(w->cfg, path, (const char *)data, len, include, w);
	w->depth--;
	free(data);
	return true;
}

bool rs_pcfg_read_file(const char *path, struct rs_pcfg *cfg, struct rs_errors *errs)
{
	memset(cfg, 0, sizeof(*cfg));
	struct walk w = { .cfg = cfg, .errs = errs };
	return parse_file(&w, path);
}
