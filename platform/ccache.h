/* The compiler cache for firmware builds. After a Klipper update most of a
 * board's objects are compiled from the same sources with the same config
 * again; ccache hands those back instead of compiling them.
 *
 * How: Debian's masquerade directory (/usr/lib/ccache, links named like
 * the compilers pointing at ccache) goes first on make's PATH. Klipper's
 * $(CC) stays "arm-none-eabi-gcc", so `$(CC) --version`, which Klipper
 * records in the firmware, reads the same; ccache finds the real compiler
 * further down PATH. The image is byte-identical to one built without the
 * cache (tests/build/ccache_test.sh on the fake tree, real_klipper_ccache.sh
 * on a real one), which is the condition for using it at all.
 *
 * Why not make's own incremental build in the kept out/: Klipper's
 * compile_time_request.o, which carries the version, depends only on the
 * objects, so a commit that changes no firmware source would leave the old
 * version in the image. out/ is still emptied whenever the tree moved.
 *
 * The cache lives in the build's cache directory (the invoking user's
 * under sudo: make and ccache run as that user), with settings pinned here
 * so a system-wide ccache.conf cannot make it sloppy. */
#ifndef RS_PLATFORM_CCACHE_H
#define RS_PLATFORM_CCACHE_H

#include <stdbool.h>

/* "off" (or 0, no, never): no compiler cache. An absolute directory: the
 * masquerade directory to use instead of Debian's. Unset, empty or "auto":
 * Debian's, when it has a link for the compiler (ccache installed). */
#define RS_CCACHE_VAR "RATOS_SETUP_CCACHE"
#define RS_CCACHE_DEBIAN_DIR "/usr/lib/ccache"
/* One board's objects for one Klipper version take about 10 MB; older
 * entries go first when the cache is full. */
#define RS_CCACHE_MAX_SIZE "300M"

struct rs_ccache {
	char *path_first; /* directory to put before make's PATH; NULL: no cache */
	char **env;       /* CCACHE_* settings for make, NULL-terminated; NULL: none */
	char *note;       /* one line for the build log: where, or why not */
};

/* Decides for a build with compiler (e.g. "arm-none-eabi-gcc") whose cache
 * goes in cache_dir, from setting (the value of RS_CCACHE_VAR, may be
 * NULL). refresh (--force): compile everything and store it again. */
void rs_ccache_choose(struct rs_ccache *cc, const char *setting, const char *compiler,
		      const char *cache_dir, bool refresh);
/* The same, with the setting read from the environment. */
void rs_ccache_setup(struct rs_ccache *cc, const char *compiler, const char *cache_dir,
		     bool refresh);
void rs_ccache_free(struct rs_ccache *cc);

#endif
