#include "platform/paths.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "platform/identity.h"

char *rs_path_home(void)
{
	/* Under sudo, HOME is root's (or whatever sudo kept): the passwd entry
	 * of the checked SUDO_UID is the user's. */
	const char *home = rs_identity_user_home();
	if (home)
		return rs_xstrdup(home);
	home = getenv("HOME");
	if (home && *home)
		return rs_xstrdup(home);
	const struct passwd *pw = getpwuid(getuid());
	return rs_xstrdup(pw && pw->pw_dir ? pw->pw_dir : "/");
}

/* XDG variables only count when absolute, as the spec says; under sudo they
 * belong to root's environment, so the invoking user's defaults win. */
static char *xdg_dir(const char *var, const char *fallback)
{
	const char *v = getenv(var);
	if (!rs_identity_is_sudo() && v && v[0] == '/')
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
