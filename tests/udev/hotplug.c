/* Hotplug under an emulated udev tree: starts `ratos-setup devices --watch`,
 * then plugs in a card reader and a Katapult board, pulls the card and the
 * Klipper board, puts media into an empty reader and takes it out again, and
 * checks that each shows up as exactly one add/remove line.
 *
 * Run under umockdev-wrapper (it preloads the emulation):
 *   umockdev-wrapper hotplug DATA_DIR RATOS_SETUP [ARGS...]
 * The harness passes the program everything after DATA_DIR. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <umockdev.h>
#include <unistd.h>

#define TIMEOUT_MS 10000
#define READER "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2"
#define SDA READER "/1-2:1.0/host6/target6:0:0/6:0:0:0/block/sda"
#define KLIPPER "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1"
#define ACM0 KLIPPER "/1-1:1.0/tty/ttyACM0"
#define SDB "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-6/1-6:1.0/host7/target7:0:0/7:0:0:0/block/sdb"

struct child {
	pid_t pid;
	int out; /* its stdout */
	char buf[16384];
	size_t len, seen; /* seen: where the next wait starts looking */
};

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reads the child's output until a line containing want appears after
 * everything matched so far. The output is echoed for the test log. */
static bool wait_for(struct child *c, const char *want)
{
	long end = now_ms() + TIMEOUT_MS;
	for (;;) {
		c->buf[c->len] = '\0';
		char *hit = strstr(c->buf + c->seen, want);
		if (hit) {
			char *eol = strchr(hit, '\n');
			if (eol) {
				c->seen = (size_t)(eol + 1 - c->buf);
				return true;
			}
		}
		long left = end - now_ms();
		if (left <= 0 || c->len + 1 >= sizeof(c->buf)) {
			fprintf(stderr, "FAIL: no line with '%s' in:\n%s\n", want, c->buf);
			return false;
		}
		struct pollfd p = { .fd = c->out, .events = POLLIN };
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		ssize_t n = read(c->out, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
		if (n <= 0) {
			fprintf(stderr, "FAIL: program ended before '%s':\n%s\n", want, c->buf);
			return false;
		}
		fwrite(c->buf + c->len, 1, (size_t)n, stdout);
		fflush(stdout);
		c->len += (size_t)n;
	}
}

static bool start(struct child *c, char **argv)
{
	int fds[2];
	if (pipe(fds) != 0)
		return false;
	c->pid = fork();
	if (c->pid < 0)
		return false;
	if (c->pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	close(fds[1]);
	c->out = fds[0];
	return true;
}

static bool add_file(UMockdevTestbed *tb, const char *dir, const char *name)
{
	GError *err = NULL;
	char *path = g_strdup_printf("%s/%s.umockdev", dir, name);
	bool ok = umockdev_testbed_add_from_file(tb, path, &err);
	if (!ok) {
		fprintf(stderr, "FAIL: cannot load %s: %s\n", path, err ? err->message : "?");
		g_clear_error(&err);
	}
	g_free(path);
	return ok;
}

/* Debian's umockdev 0.17 removes without an event, so send it first. */
static void unplug(UMockdevTestbed *tb, const char *syspath)
{
	umockdev_testbed_uevent(tb, syspath, "remove");
	umockdev_testbed_remove_device(tb, syspath);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s DATA_DIR PROGRAM [ARGS...]\n", argv[0]);
		return 2;
	}
	const char *data = argv[1];
	UMockdevTestbed *tb = umockdev_testbed_new();
	/* Only ask after creating the testbed: the answer is cached, and a
	 * cached "no" silently disables the add events. */
	if (!umockdev_in_mock_environment()) {
		fprintf(stderr, "SKIP: run this under umockdev-wrapper\n");
		g_object_unref(tb);
		return 77;
	}
	int rc = 1;
	struct child c = { .pid = -1, .out = -1 };
	/* There before the program starts: a board, and a reader without media. */
	if (!add_file(tb, data, "klipper-f429") || !add_file(tb, data, "reader-empty"))
		goto out;
	if (!start(&c, argv + 2))
		goto out;

	/* The listing is printed after the monitor is enabled, so once it is
	 * out, every later event reaches the program. */
	if (!wait_for(&c, "/dev/ttyACM0") || !wait_for(&c, "SD cards:") ||
	    !wait_for(&c, "none found"))
		goto out;

	if (!add_file(tb, data, "reader-fat32") || !wait_for(&c, "add card /dev/sda "))
		goto out;
	if (!add_file(tb, data, "katapult") || !wait_for(&c, "add board /dev/ttyACM2 "))
		goto out;

	unplug(tb, SDA "/sda1");
	unplug(tb, SDA);
	if (!wait_for(&c, "remove card /dev/sda "))
		goto out;
	unplug(tb, ACM0);
	if (!wait_for(&c, "remove board /dev/ttyACM0 "))
		goto out;

	/* Media into the empty reader: the kernel only says "change". */
	umockdev_testbed_set_attribute(tb, SDB, "size", "31116288");
	umockdev_testbed_uevent(tb, SDB, "change");
	if (!wait_for(&c, "add card /dev/sdb "))
		goto out;
	umockdev_testbed_set_attribute(tb, SDB, "size", "0");
	umockdev_testbed_uevent(tb, SDB, "change");
	if (!wait_for(&c, "remove card /dev/sdb "))
		goto out;

	/* Ctrl-C ends the watch cleanly (and lets leak checkers run). */
	kill(c.pid, SIGINT);
	int st;
	waitpid(c.pid, &st, 0);
	c.pid = -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "FAIL: program ended with status %d\n", st);
		goto out;
	}
	/* Nothing else was reported: one add and one remove per device. */
	c.buf[c.len] = '\0';
	int adds = 0, removes = 0;
	for (char *p = c.buf; (p = strstr(p, "\nadd ")); p++)
		adds++;
	for (char *p = c.buf; (p = strstr(p, "\nremove ")); p++)
		removes++;
	if (adds != 3 || removes != 3) {
		fprintf(stderr, "FAIL: %d add and %d remove lines, want 3 and 3\n", adds, removes);
		goto out;
	}
	printf("PASS hotplug\n");
	rc = 0;
out:
	if (c.pid > 0) {
		kill(c.pid, SIGKILL);
		waitpid(c.pid, NULL, 0);
	}
	if (c.out >= 0)
		close(c.out);
	g_object_unref(tb);
	return rc;
}
