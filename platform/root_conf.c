#include "platform/root_conf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/text_safe.h"
#include "core/xalloc.h"

static char *why_path(const char *path, const char *what, const char *detail)
{
	char *shown = rs_text_safe(path);
	char *w = rs_xasprintf("%s: %s%s%s", shown, what, detail ? ": " : "", detail ? detail : "");
	free(shown);
	return w;
}

char *rs_root_conf_read(const char *path, size_t limit, size_t *len, bool *missing, char **why)
{
	*missing = false;
	*why = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		*missing = errno == ENOENT;
		*why = why_path(path, "cannot be read", strerror(errno));
		return NULL;
	}
	struct stat st;
	char *text = NULL;
	if (fstat(fd, &st) != 0) {
		*why = why_path(path, "cannot be read", strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		*why = why_path(path, "is not a regular file", NULL);
	} else if (st.st_uid != 0 && st.st_uid != getuid()) {
		*why = why_path(path, "must belong to root (it gives root permission to flash)",
				NULL);
	} else if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		*why = why_path(path, "must be writable by its owner alone (chmod 644)", NULL);
	} else if ((size_t)st.st_size > limit) {
		*why = why_path(path, "is too large for a settings file", NULL);
	} else {
		text = rs_xmalloc(limit + 1);
		size_t n = 0;
		ssize_t r;
		while (n <= limit && (r = read(fd, text + n, limit + 1 - n)) != 0) {
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				*why = why_path(path, "cannot be read", strerror(errno));
				break;
			}
			n += (size_t)r;
		}
		if (!*why && n > limit)
			*why = why_path(path, "is too large for a settings file", NULL);
		if (*why) {
			free(text);
			text = NULL;
		} else {
			text[n] = '\0';
			*len = n;
		}
	}
	close(fd);
	return text;
}
