/* Boards that come and go while `ratos-setup flash` runs: a libumockdev
 * testbed in this process (the program inherits it through
 * umockdev-wrapper's preload) and a script of actions, in order:
 *
 *   add:NAME     add DATA_DIR/NAME.umockdev (a board appears); NAME with a
 *                '/' is a path (without .umockdev)
 *   del:SYSPATH  remove a device (with its remove event), e.g. a board's tty
 *   unlink:LINK  remove /dev/LINK of a removed device (a by-id link)
 *   start        start the program (everything after "--")
 *   out:TEXT     wait until the program's output (stdout+stderr) has TEXT
 *   rec:TEXT     wait until the file $FAKE_FLASH_LOG has TEXT (the fakes' record)
 *   int          send the program SIGINT (Ctrl-C)
 *
 * The program's output is echoed; the exit code is the program's, 100 when
 * an action failed, 77 outside umockdev-wrapper.
 *   umockdev-wrapper flash_harness DATA_DIR ACTION... -- PROGRAM ARGS... */
#define _DEFAULT_SOURCE
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

#define TIMEOUT_MS 20000

static char out[65536];
static size_t out_len;
static int out_fd = -1;
static pid_t pid = -1;

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reads what the program printed, for up to ms; false at end of output. */
static bool pump(int ms)
{
	if (out_fd < 0) {
		usleep((useconds_t)ms * 1000);
		return false;
	}
	struct pollfd p = { .fd = out_fd, .events = POLLIN };
	if (poll(&p, 1, ms) <= 0)
		return true;
	ssize_t n = read(out_fd, out + out_len, sizeof(out) - 1 - out_len);
	if (n <= 0) {
		close(out_fd);
		out_fd = -1;
		return false;
	}
	fwrite(out + out_len, 1, (size_t)n, stdout);
	fflush(stdout);
	out_len += (size_t)n;
	out[out_len] = '\0';
	return true;
}

static bool record_has(const char *text)
{
	const char *path = getenv("FAKE_FLASH_LOG");
	FILE *f = path ? fopen(path, "r") : NULL;
	if (!f)
		return false;
	char buf[16384];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

static bool wait_for(bool in_record, const char *text)
{
	long end = now_ms() + TIMEOUT_MS;
	while (now_ms() < end) {
		if (in_record ? record_has(text) : strstr(out, text) != NULL)
			return true;
		if (!pump(100) && !in_record)
			break;
	}
	fprintf(stdout, "\nHARNESS FAIL: no '%s' in the %s\n", text,
		in_record ? "record" : "output");
	return false;
}

static bool start(char **argv)
{
	int fds[2];
	if (pipe(fds) != 0)
		return false;
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		int null = open("/dev/null", 0);
		dup2(null, STDIN_FILENO);
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	close(fds[1]);
	out_fd = fds[0];
	return true;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s DATA_DIR ACTION... -- PROGRAM [ARGS...]\n", argv[0]);
		return 2;
	}
	UMockdevTestbed *tb = umockdev_testbed_new();
	if (!umockdev_in_mock_environment()) {
		fprintf(stderr, "SKIP: run this under umockdev-wrapper\n");
		g_object_unref(tb);
		return 77;
	}
	const char *data = argv[1];
	int prog = 2;
	while (prog < argc && strcmp(argv[prog], "--") != 0)
		prog++;
	int rc = 100;
	for (int i = 2; i < prog; i++) {
		const char *a = argv[i];
		bool ok = true;
		if (strncmp(a, "add:", 4) == 0) {
			GError *err = NULL;
			char *path = strchr(a + 4, '/') ? g_strdup_printf("%s.umockdev", a + 4)
							: g_strdup_printf("%s/%s.umockdev", data, a + 4);
			ok = umockdev_testbed_add_from_file(tb, path, &err);
			if (!ok)
				printf("HARNESS FAIL: %s: %s\n", path, err ? err->message : "?");
			g_clear_error(&err);
			g_free(path);
		} else if (strncmp(a, "del:", 4) == 0) {
			umockdev_testbed_uevent(tb, a + 4, "remove");
			umockdev_testbed_remove_device(tb, a + 4);
		} else if (strncmp(a, "unlink:", 7) == 0) {
			/* Debian's umockdev leaves a removed device's /dev links. */
			gchar *root = umockdev_testbed_get_root_dir(tb); /* ours to free */
			char *path = g_strdup_printf("%s/dev/%s", root, a + 7);
			unlink(path);
			g_free(path);
			g_free(root);
		} else if (strcmp(a, "start") == 0) {
			ok = prog + 1 < argc && start(argv + prog + 1);
		} else if (strncmp(a, "out:", 4) == 0 || strncmp(a, "rec:", 4) == 0) {
			ok = wait_for(a[0] == 'r', a + 4);
		} else if (strcmp(a, "int") == 0) {
			ok = pid > 0 && kill(pid, SIGINT) == 0;
		} else {
			printf("HARNESS FAIL: unknown action %s\n", a);
			ok = false;
		}
		if (!ok)
			goto out;
	}
	/* The rest of the output, and the end, within the time limit. */
	for (long end = now_ms() + 3 * TIMEOUT_MS; now_ms() < end && pump(1000);)
		;
	int st;
	if (pid > 0 && waitpid(pid, &st, 0) == pid) {
		pid = -1;
		rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	g_object_unref(tb);
	return rc;
}
