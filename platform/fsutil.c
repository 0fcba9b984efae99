#include "platform/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"

bool rs_fs_read_file(const char *path, size_t max, unsigned char **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	size_t cap = 64 * 1024, used = 0;
	unsigned char *buf = rs_xmalloc(cap);
	for (;;) {
		if (used == cap) {
			if (cap > max) {
				free(buf);
				close(fd);
				errno = EFBIG;
				return false;
			}
			cap *= 2;
			buf = rs_xrealloc(buf, cap);
		}
		ssize_t n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			close(fd);
			errno = e;
			return false;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	if (used > max) {
		free(buf);
		errno = EFBIG;
		return false;
	}
	*data = buf;
	*len = used;
	return true;
}

char *rs_fs_write_temp(const char *dir, const char *name, const void *data, size_t len)
{
	char *tmp = rs_xasprintf("%s/.%s.XXXXXX", dir, name);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		errno = e;
		return NULL;
	}
	const unsigned char *p = data;
	size_t left = len;
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			goto fail;
		}
		p += n;
		left -= (size_t)n;
	}
	if (fchmod(fd, 0644) != 0)
		goto fail;
	/* Delayed allocation can report a full disk only here. */
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	return tmp;
fail:;
	int e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	errno = e;
	return NULL;
}

bool rs_fs_commit(const char *temp, const char *dir, const char *name)
{
	char *final = rs_xasprintf("%s/%s", dir, name);
	bool ok = rename(temp, final) == 0;
	int e = errno;
	free(final);
	if (!ok) {
		unlink(temp);
		errno = e;
		return false;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return true;
}

bool rs_fs_write_atomic(const char *dir, const char *name, const void *data, size_t len)
{
	char *tmp = rs_fs_write_temp(dir, name, data, len);
	if (!tmp)
		return false;
	bool ok = rs_fs_commit(tmp, dir, name);
	int e = errno;
	free(tmp);
	errno = e;
	return ok;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	int rc = flag == FTW_DP ? rmdir(path) : unlink(path);
	return rc != 0 && errno != ENOENT ? -1 : 0;
}

bool rs_fs_remove_tree(const char *path)
{
	/* "out/" names the directory a symlink "out" points to: strip the slashes
	 * so a planted symlink is removed, never walked. */
	char *p = rs_xstrdup(path);
	for (size_t n = strlen(p); n > 1 && p[n - 1] == '/'; n--)
		p[n - 1] = '\0';
	struct stat st;
	bool ok;
	if (lstat(p, &st) != 0)
		ok = errno == ENOENT;
	else if (!S_ISDIR(st.st_mode))
		ok = unlink(p) == 0;
	else
		ok = nftw(p, remove_one, 32, FTW_DEPTH | FTW_PHYS) == 0;
	int e = errno;
	free(p);
	errno = e;
	return ok;
}
