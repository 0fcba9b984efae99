#include "platform/child_env.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "platform/identity.h"

extern char **environ;

static bool all_absolute(const char *path)
{
	if (!path || !*path)
		return false;
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		if (n == 0 || p[0] != '/')
			return false;
		p += n + (p[n] == ':');
	}
	return true;
}

const char *rs_child_env_path(void)
{
	/* The real uid: under sudo we act as the user but are still root. */
	if (getuid() != 0) {
		const char *path = getenv("PATH");
		return path ? path : "/bin:/usr/bin"; /* execvp's own default */
	}
	const char *own = getenv(RS_CHILD_ROOT_PATH_VAR);
	return all_absolute(own) ? own : RS_CHILD_SYSTEM_PATH;
}

static bool is_var(const char *entry, const char *name)
{
	size_t n = strlen(name);
	return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

char **rs_child_env_new(const struct rs_child_env_opts *o)
{
	static const char *const replaced[] = {"PATH", "LC_ALL", "LANGUAGE",
					       "HOME", "USER",	 "LOGNAME"};
	bool user = o->as_user && rs_identity_is_sudo();
	size_t n = 0;
	while (environ && environ[n])
		n++;
	char **env = rs_xcalloc(n + 7, sizeof(*env));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		bool drop = false;
		for (size_t r = 0; r < sizeof(replaced) / sizeof(replaced[0]) && !drop; r++) {
			bool ours = r == 0 || (r <= 2 && !o->keep_locale) || (r > 2 && user);
			drop = ours && is_var(environ[i], replaced[r]);
		}
		if (!drop)
			env[k++] = rs_xstrdup(environ[i]);
	}
	if (o->path_first)
		env[k++] = rs_xasprintf("PATH=%s:%s", o->path_first, rs_child_env_path());
	else
		env[k++] = rs_xasprintf("PATH=%s", rs_child_env_path());
	if (!o->keep_locale)
		env[k++] = rs_xstrdup("LC_ALL=C");
	if (user) {
		env[k++] = rs_xasprintf("HOME=%s", rs_identity_user_home());
		env[k++] = rs_xasprintf("USER=%s", rs_identity_user_name());
		env[k++] = rs_xasprintf("LOGNAME=%s", rs_identity_user_name());
	}
	env[k] = NULL;
	return env;
}

void rs_child_env_free(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}
