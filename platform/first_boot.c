#include "platform/first_boot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *rs_first_boot_marker(void)
{
	const char *env = getenv("RATOS_SETUP_FIRST_BOOT_MARKER");
	return env && env[0] == '/' ? env : RS_FIRST_BOOT_MARKER;
}

bool rs_first_boot_done(void)
{
	return access(rs_first_boot_marker(), F_OK) == 0;
}

bool rs_first_boot_mark(const char *why)
{
	/* The directory may be shared by every user (sticky, like /tmp): never
	 * follow a link someone else left under the marker's name. */
	int fd = open(rs_first_boot_marker(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0644);
	if (fd < 0)
		return errno == EEXIST;
	char stamp[32], line[160];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	int n = snprintf(line, sizeof(line), "%s %s\n", stamp, why);
	bool ok = write(fd, line, (size_t)n) == n;
	int e = errno;
	if (close(fd) != 0)
		ok = false;
	errno = e;
	return ok;
}
