#include "platform/klipper_tree.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/text_safe.h"
#include "core/xalloc.h"
#include "platform/child_env.h"
#include "platform/fsutil.h"
#include "platform/identity.h"
#include "platform/paths.h"

extern char **environ;

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* git describe, with argv and no shell; stdin from /dev/null, stderr
 * dropped. Returns the first output line or NULL. */
static char *git_describe(const char *dir)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		return NULL;
	/* The tree is the user's: git runs as the user, in platform/child_env.h's
	 * environment (its output is parsed; as root, the system PATH). */
	struct rs_child_env_opts eo = { .as_user = true };
	char **env = rs_child_env_new(&eo);
	pid_t pid = fork();
	if (pid < 0) {
		rs_child_env_free(env);
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (pid == 0) {
		if (!rs_identity_drop_in_child())
			_exit(127);
		environ = env;
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDERR_FILENO);
		}
		dup2(fds[1], STDOUT_FILENO);
		/* Klipper's own command, so the string equals the one it puts
		 * in the firmware's dictionary and in klippy.log. */
		char *const argv[] = { "git", "-C", (char *)dir, "describe", "--always", "--tags",
				       "--long", "--dirty", NULL };
		execvp("git", argv);
		_exit(127);
	}
	rs_child_env_free(env);
	close(fds[1]);
	char buf[256];
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fds[0], buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof(buf) - 1)
			break;
	}
	close(fds[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || !buf[0])
		return NULL;
	return rs_text_safe(buf); /* tag names are the tree owner's: shown, kept safe */
}

char *rs_klipper_tree_version_file(const char *dir)
{
	char *path = rs_xasprintf("%s/klippy/.version", dir);
	unsigned char *data = NULL;
	size_t len = 0;
	char *out = NULL;
	if (rs_fs_read_file(path, 256, &data, &len)) {
		size_t n = 0;
		while (n < len && data[n] != '\n' && data[n] != '\r' && data[n] != ' ')
			n++;
		if (n) {
			char *raw = rs_xstrndup((char *)data, n);
			out = rs_text_safe(raw); /* the tree owner's file: shown, kept safe */
			free(raw);
		}
		free(data);
	}
	free(path);
	return out;
}

bool rs_klipper_tree_find(const char *dir, struct rs_klipper_tree *out)
{
	memset(out, 0, sizeof(*out));
	char *path = dir ? rs_xstrdup(dir) : rs_path_klipper_dir();
	char *makefile = rs_xasprintf("%s/Makefile", path);
	char *src = rs_xasprintf("%s/src", path);
	bool found = is_file(makefile) && is_dir(src);
	free(makefile);
	free(src);
	if (!found) {
		free(path);
		return false;
	}
	out->path = path;
	out->version = git_describe(path);
	if (!out->version)
		out->version = rs_klipper_tree_version_file(path);
	return true;
}

void rs_klipper_tree_free(struct rs_klipper_tree *t)
{
	free(t->path);
	free(t->version);
	memset(t, 0, sizeof(*t));
}
