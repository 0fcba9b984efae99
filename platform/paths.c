#include "platform/paths.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"

static const struct passwd *sudo_user(void)
{
	const char *name = getenv("SUDO_USER");
	if (getuid() != 0 || !name || !*name || strcmp(name, "root") == 0)
		return NULL;
	return getpwnam(name);
}

char *rs_path_home(void)
{
	const struct passwd *pw = sudo_user();
	if (pw && pw->pw_dir)
		return rs_xstrdup(pw->pw_dir);
	const char *home = getenv("HOME");
	if (home && *home)
		return rs_xstrdup(home);
	pw = getpwuid(getuid());
	return rs_xstrdup(pw && pw->pw_dir ? pw->pw_dir : "/");
}

void rs_path_invoking_user(uid_t *uid, gid_t *gid)
{
	const struct passwd *pw = sudo_user();
	*uid = pw ? pw->pw_uid : getuid();
	*gid = pw ? pw->pw_gid : getgid();
}

/* XDG variables only count when absolute, as the spec says; under sudo they
 * belong to root's environment, so the invoking user's defaults win. */
static char *xdg_dir(const char *var, const char *fallback)
{
	const char *v = getenv(var);
	if (!sudo_user() && v && v[0] == '/')
		return rs_xasprintf("%s/ratos-setup", v);
	char *home = rs_path_home();
	char *out = rs_xasprintf("%s/%s/ratos-setup", home, fallback);
	free(home);
	return out;
}

char *rs_path_state_dir(void) { return xdg_dir("XDG_STATE_HOME", ".local/state"); }
char *rs_path_cache_dir(void) { return xdg_dir("XDG_CACHE_HOME", ".cache"); }

static char *in_home(const char *rel)
{
	char *home = rs_path_home();
	char *out = rs_xasprintf("%s/%s", home, rel);
	free(home);
	return out;
}

char *rs_path_klipper_dir(void) { return in_home("klipper"); }
char *rs_path_firmware_dir(void) { return in_home("printer_data/config/firmware_binaries"); }

bool rs_path_mkdirs(const char *path)
{
	char *p = rs_xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			free(p);
			return false;
		}
		*s = '/';
	}
	bool ok = mkdir(p, 0755) == 0 || errno == EEXIST;
	struct stat st;
	ok = ok && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
	free(p);
	return ok;
}

char *rs_path_pretty(const char *path)
{
	char *home = rs_path_home();
	size_t n = strlen(home);
	char *out;
	if (n > 1 && strncmp(path, home, n) == 0 && (path[n] == '/' || path[n] == '\0'))
		out = rs_xasprintf("~%s", path + n);
	else
		out = rs_xstrdup(path);
	free(home);
	return out;
}
