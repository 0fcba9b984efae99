#include "platform/klippy_socket.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/text_safe.h"
#include "core/xalloc.h"
#include "platform/paths.h"

#define MAX_REPLY (64 * 1024)
#define MAX_MESSAGES 64 /* others than ours (notifications) before giving up */

struct conn {
	int fd;
	long long deadline_ms;
	int timeout_ms;
	char buf[MAX_REPLY + 1];
	size_t len; /* bytes in buf not yet taken */
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fail(struct rs_print_check *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail(struct rs_print_check *out, const char *fmt, ...)
{
	out->answered = false;
	out->verdict = RS_PRINT_UNKNOWN;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->why, sizeof(out->why), fmt, ap);
	va_end(ap);
}

char *rs_klippy_default_socket(void)
{
	char *home = rs_path_home();
	char *p = rs_xasprintf("%s/printer_data/comms/klippy.sock", home);
	free(home);
	return p;
}

/* Waits for events on the socket until the deadline; false on timeout. */
static bool wait_for(struct conn *c, short events)
{
	for (;;) {
		long long left = c->deadline_ms - now_ms();
		if (left <= 0)
			return false;
		struct pollfd p = { .fd = c->fd, .events = events };
		int n = poll(&p, 1, (int)left);
		if (n > 0)
			return true;
		if (n < 0 && errno != EINTR)
			return false;
	}
}

static bool open_socket(const char *path, struct conn *c, struct rs_print_check *out)
{
	char *shown = rs_text_safe(path);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	bool ok = false;
	if (path[0] != '/' || strlen(path) >= sizeof(sa.sun_path)) {
		fail(out, "the Klipper socket %s is not an absolute path of at most %zu bytes",
		     shown, sizeof(sa.sun_path) - 1);
	} else if (lstat(path, &st) != 0) {
		fail(out, "no Klipper socket %s (%s)", shown, strerror(errno));
	} else if (!S_ISSOCK(st.st_mode)) {
		fail(out, "%s is not a socket", shown);
	} else if (st.st_uid != geteuid()) {
		/* Klipper runs as the user we act as: another owner is not it. */
		fail(out, "the Klipper socket %s belongs to uid %lu, not to this user (uid %lu)",
		     shown, (unsigned long)st.st_uid, (unsigned long)geteuid());
	} else if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
		fail(out, "socket: %s", strerror(errno));
	} else {
		memcpy(sa.sun_path, path, strlen(path) + 1);
		if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			ok = true;
		} else if (errno == EINPROGRESS || errno == EAGAIN) {
			int err = 0;
			socklen_t el = sizeof(err);
			ok = wait_for(c, POLLOUT) &&
			     getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0;
			if (!ok)
				fail(out, "Klipper's socket %s did not accept a connection%s%s", shown,
				     err ? ": " : " in time", err ? strerror(err) : "");
		} else {
			fail(out, "cannot connect to Klipper's socket %s: %s", shown, strerror(errno));
		}
	}
	free(shown);
	return ok;
}

static bool send_all(struct conn *c, const char *request, struct rs_print_check *out)
{
	size_t n = strlen(request) + 1; /* the 0x03 terminator replaces the NUL */
	char *msg = rs_xmalloc(n);
	memcpy(msg, request, n - 1);
	msg[n - 1] = 0x03;
	size_t done = 0;
	while (done < n) {
		ssize_t w = send(c->fd, msg + done, n - done, MSG_NOSIGNAL);
		if (w > 0) {
			done += (size_t)w;
		} else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (!wait_for(c, POLLOUT))
				break;
		} else {
			break;
		}
	}
	free(msg);
	if (done < n)
		fail(out, "Klipper's socket did not take the request");
	return done == n;
}

/* The next message with id want into *msg (NUL-terminated, in c->buf; the
 * rest is kept); other messages are skipped. */
static bool receive(struct conn *c, long want, char **msg, size_t *len, struct rs_print_check *out)
{
	for (int seen = 0; seen < MAX_MESSAGES;) {
		char *end = memchr(c->buf, 0x03, c->len);
		if (end) {
			size_t n = (size_t)(end - c->buf);
			if (rs_klippy_message_id(c->buf, n) == want) {
				*end = '\0';
				*msg = c->buf;
				*len = n;
				return true;
			}
			memmove(c->buf, end + 1, c->len - n - 1);
			c->len -= n + 1;
			seen++;
			continue;
		}
		if (c->len == MAX_REPLY) {
			fail(out, "Klipper's reply is longer than %d bytes", MAX_REPLY);
			return false;
		}
		ssize_t r = recv(c->fd, c->buf + c->len, MAX_REPLY - c->len, 0);
		if (r > 0) {
			c->len += (size_t)r;
		} else if (r == 0) {
			fail(out, "Klipper closed the connection without an answer");
			return false;
		} else if (errno == EAGAIN || errno == EINTR) {
			if (!wait_for(c, POLLIN)) {
				fail(out, "Klipper did not answer within %d ms", c->timeout_ms);
				return false;
			}
		} else {
			fail(out, "reading Klipper's socket: %s", strerror(errno));
			return false;
		}
	}
	fail(out, "Klipper sent %d messages without answering", MAX_MESSAGES);
	return false;
}

/* One request and its reply; the reply is judged by judge. */
static bool ask(struct conn *c, const char *request, long id,
		void (*judge)(const char *, size_t, struct rs_print_check *),
		struct rs_print_check *out)
{
	c->deadline_ms = now_ms() + c->timeout_ms;
	char *msg;
	size_t len;
	if (!send_all(c, request, out) || !receive(c, id, &msg, &len, out))
		return false;
	judge(msg, len, out);
	/* What followed our reply belongs to no one. */
	c->len = 0;
	return true;
}

void rs_klippy_ask_print(const char *path, int timeout_ms, struct rs_print_check *out)
{
	memset(out, 0, sizeof(*out));
	struct conn *c = rs_xcalloc(1, sizeof(*c));
	c->fd = -1;
	c->timeout_ms = timeout_ms;
	c->deadline_ms = now_ms() + timeout_ms;
	bool heard = open_socket(path, c, out) &&
		     ask(c, RS_KLIPPY_INFO_REQUEST, RS_KLIPPY_INFO_ID, rs_print_check_info, out);
	if (heard && out->verdict == RS_PRINT_ASK)
		ask(c, RS_KLIPPY_QUERY_REQUEST, RS_KLIPPY_QUERY_ID, rs_print_check_query, out);
	/* A Klipper that answered at all is running: whatever failed after its
	 * first answer is "cannot tell", never "the service is stopped". */
	if (heard)
		out->answered = true;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}
