/* The environment of the programs ratos-setup starts (make, git, the
 * compilers). Their output is parsed (progress, error lines, versions), so
 * it must not be translated: LC_ALL=C. Running as root, a PATH inherited
 * from the caller could name a directory the user writes to (sudo keeps the
 * user's PATH when it has no secure_path), so programs are looked up only in
 * the system's own directories then. Under sudo, a child that dropped to the
 * user also gets the user's HOME, USER and LOGNAME, not root's. */
#ifndef RS_PLATFORM_CHILD_ENV_H
#define RS_PLATFORM_CHILD_ENV_H

#include <stdbool.h>

#define RS_CHILD_SYSTEM_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/* As root, this variable replaces the system PATH above (for a toolchain
 * outside it, e.g. in /opt). sudo removes it from the environment unless it
 * is given on purpose; entries that are not absolute make it ignored. */
#define RS_CHILD_ROOT_PATH_VAR "RATOS_SETUP_ROOT_PATH"

/* The PATH children get, and the one to look programs up in before
 * starting them: the caller's when we are not root, else the fixed one. */
const char *rs_child_env_path(void);

struct rs_child_env_opts {
	bool keep_locale; /* output shown as is, never parsed: the caller's locale */
	bool as_user;	  /* the child drops to the sudo user: their HOME, USER */
	const char *path_first;	  /* a directory put before PATH (the compiler cache), or NULL */
};

/* Our environment with those changes, NULL-terminated, for environ/execve
 * in the child. Build it before fork; free with rs_child_env_free. */
char **rs_child_env_new(const struct rs_child_env_opts *o);
void rs_child_env_free(char **env);

#endif
