#include "platform/state_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file_read.h"
#include "core/xalloc.h"
#include "platform/paths.h"

#define STATE_MAX (64 * 1024)

char *rs_state_file_path(void)
{
	char *dir = rs_path_state_dir();
	char *path = rs_xasprintf("%s/state", dir);
	free(dir);
	return path;
}

static bool write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

bool rs_state_file_save(const struct rs_wizard_state *s, struct rs_errors *errs)
{
	char *dir = rs_path_state_dir();
	char *path = rs_xasprintf("%s/state", dir);
	char *tmp = rs_xasprintf("%s/.state.XXXXXX", dir);
	char *text = rs_wizard_state_serialize(s);
	bool ok = false;
	int fd = -1, saved = 0;

	if (!rs_path_mkdirs(dir)) {
		saved = errno;
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		saved = errno;
		goto out;
	}
	if (!write_all(fd, text, strlen(text)) || fsync(fd) != 0) {
		saved = errno;
		unlink(tmp);
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		saved = errno;
		unlink(tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		saved = errno;
		unlink(tmp);
		goto out;
	}
	/* The rename is durable only once the directory entry is on disk. */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	ok = true;
out:
	if (fd >= 0)
		close(fd);
	if (!ok)
		rs_errors_add(errs, RS_ERR_IO, path, 0, 0, "cannot save the wizard state: %s",
			      strerror(saved ? saved : EIO));
	free(text);
	free(tmp);
	free(path);
	free(dir);
	return ok;
}

enum rs_state_load rs_state_file_load(struct rs_wizard_state *s, struct rs_errors *errs)
{
	char *path = rs_state_file_path();
	enum rs_state_load rc = RS_STATE_BAD;
	size_t n;
	char *buf = rs_file_read(path, STATE_MAX, &n, NULL);
	if (!buf) {
		if (errno == ENOENT)
			rc = RS_STATE_ABSENT;
		else
			rs_errors_add(errs, errno == EFBIG ? RS_ERR_TOO_LARGE : RS_ERR_IO, path, 0, 0,
				      "cannot read the saved state: %s", strerror(errno));
		goto out;
	}
	if (memchr(buf, '\0', n)) {
		rs_errors_add(errs, RS_ERR_ENCODING, path, 0, 0, "not a text file");
		goto out;
	}
	if (rs_wizard_state_parse(path, buf, s, errs))
		rc = RS_STATE_LOADED;
out:
	free(buf);
	free(path);
	return rc;
}

bool rs_state_file_reset(struct rs_errors *errs)
{
	char *path = rs_state_file_path();
	bool ok = unlink(path) == 0 || errno == ENOENT;
	if (!ok)
		rs_errors_add(errs, RS_ERR_IO, path, 0, 0, "cannot remove: %s", strerror(errno));
	free(path);
	return ok;
}
