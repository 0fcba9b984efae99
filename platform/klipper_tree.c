#include "platform/klipper_tree.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/text_safe.h"
#include "core/xalloc.h"
#include "platform/fsutil.h"
#include "platform/paths.h"
#include "platform/proc.h"

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

struct first_line {
	char buf[256];
	size_t len;
};

static void keep_first(void *ctx, const char *data, size_t len)
{
	struct first_line *f = ctx;
	size_t room = sizeof(f->buf) - 1 - f->len;
	size_t n = len < room ? len : room;
	memcpy(f->buf + f->len, data, n);
	f->len += n;
	f->buf[f->len] = '\0';
}

/* git describe, through platform/proc.h: argv and no shell, stdin from
 * /dev/null. Returns the first output line or NULL (a failure prints only
 * to stderr, and its exit code is not 0). */
static char *git_describe(const char *dir)
{
	/* The tree is the user's: git runs as the user, in platform/child_env.h's
	 * environment (its output is parsed; as root, the system PATH). Klipper's
	 * own command, so the string equals the one it puts in the firmware's
	 * dictionary and in klippy.log. */
	char *const argv[] = { "git", "-C", (char *)dir, "describe", "--always", "--tags",
			       "--long", "--dirty", NULL };
	struct rs_proc p;
	struct first_line f = { .len = 0 };
	if (!rs_proc_start(&p, argv, NULL))
		return NULL;
	rs_proc_wait(&p, keep_first, &f, NULL);
	int code = rs_proc_exit_code(&p);
	rs_proc_close(&p);
	f.buf[strcspn(f.buf, "\r\n")] = '\0';
	if (code != 0 || !f.buf[0])
		return NULL;
	return rs_text_safe(f.buf); /* tag names are the tree owner's: shown, kept safe */
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
