#include "platform/ccache.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/xalloc.h"

static bool is_off(const char *s)
{
	static const char *const off[] = { "off", "0", "no", "never", "false" };
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		if (strcasecmp(s, off[i]) == 0)
			return true;
	return false;
}

static void not_used(struct rs_ccache *cc, char *why)
{
	cc->note = rs_xasprintf("no compiler cache: %s", why);
	free(why);
}

void rs_ccache_choose(struct rs_ccache *cc, const char *setting, const char *compiler,
		      const char *cache_dir, bool refresh)
{
	memset(cc, 0, sizeof(*cc));
	const char *dir = RS_CCACHE_DEBIAN_DIR;
	if (setting && *setting && strcasecmp(setting, "auto") != 0) {
		if (is_off(setting)) {
			not_used(cc, rs_xasprintf("turned off (%s=%s)", RS_CCACHE_VAR, setting));
			return;
		}
		if (setting[0] != '/') {
			not_used(cc, rs_xasprintf("%s=%s is neither off nor an absolute directory",
						  RS_CCACHE_VAR, setting));
			return;
		}
		dir = setting;
	}
	/* The link must lead somewhere executable: a link left behind by a
	 * removed ccache must not break the build. */
	char *link = rs_xasprintf("%s/%s", dir, compiler);
	bool usable = access(link, X_OK) == 0;
	free(link);
	if (!usable) {
		not_used(cc, rs_xasprintf("%s has no %s (sudo apt-get install ccache makes "
					  "rebuilds after a Klipper update faster)",
					  dir, compiler));
		return;
	}
	cc->path_first = rs_xstrdup(dir);
	cc->env = rs_xcalloc(6, sizeof(*cc->env));
	size_t k = 0;
	cc->env[k++] = rs_xasprintf("CCACHE_DIR=%s", cache_dir);
	cc->env[k++] = rs_xstrdup("CCACHE_MAXSIZE=" RS_CCACHE_MAX_SIZE);
	/* ccache's defaults, pinned: a hit only for the same preprocessed
	 * source, command line and compiler (size and mtime: an upgraded
	 * compiler starts afresh). */
	cc->env[k++] = rs_xstrdup("CCACHE_SLOPPINESS=");
	cc->env[k++] = rs_xstrdup("CCACHE_COMPILERCHECK=mtime");
	if (refresh)
		cc->env[k++] = rs_xstrdup("CCACHE_RECACHE=1");
	cc->note = rs_xasprintf("compiler cache: ccache through %s, cache in %s%s", dir, cache_dir,
				refresh ? " (refreshed: --force compiles everything)" : "");
}

void rs_ccache_setup(struct rs_ccache *cc, const char *compiler, const char *cache_dir,
		     bool refresh)
{
	rs_ccache_choose(cc, getenv(RS_CCACHE_VAR), compiler, cache_dir, refresh);
}

void rs_ccache_free(struct rs_ccache *cc)
{
	free(cc->path_first);
	for (size_t i = 0; cc->env && cc->env[i]; i++)
		free(cc->env[i]);
	free(cc->env);
	free(cc->note);
	memset(cc, 0, sizeof(*cc));
}
