#include "platform/catalog_cache_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/catalog_cache.h"
#include "core/file_read.h"
#include "core/xalloc.h"
#include "platform/board_dir.h"
#include "platform/identity.h"
#include "platform/paths.h"

#define CACHE_MAX (4u << 20)

static void append_stat(char **fp, size_t *len, const char *name, const struct stat *st)
{
	char *line = rs_xasprintf("%s %lld %lld.%09ld %llu\n", name, (long long)st->st_size,
				  (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
				  (unsigned long long)st->st_ino);
	size_t n = strlen(line);
	*fp = rs_xrealloc(*fp, *len + n + 1);
	memcpy(*fp + *len, line, n + 1);
	*len += n;
	free(line);
}

/* What the cache must have been made from: this program and every *.yaml of
 * dir. NULL when anything cannot be examined. */
static char *fingerprint(const char *dir)
{
	struct stat st;
	if (stat("/proc/self/exe", &st) != 0)
		return NULL;
	char *fp = NULL;
	size_t len = 0;
	append_stat(&fp, &len, dir, &st); /* the program itself, under the dir name */

	size_t n = 0;
	char **names = rs_boards_dir_list(dir, &n);
	if (!names) {
		free(fp);
		return NULL;
	}
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		char *path = rs_xasprintf("%s/%s", dir, names[i]);
		if (ok && stat(path, &st) == 0)
			append_stat(&fp, &len, names[i], &st);
		else
			ok = false;
		free(path);
	}
	rs_boards_dir_list_free(names, n);
	if (!ok) {
		free(fp);
		return NULL;
	}
	return fp;
}

static char *cache_path(const char *dir)
{
	/* FNV-1a of the directory: one cache per boards directory. */
	unsigned long long h = 1469598103934665603ull;
	for (const unsigned char *p = (const unsigned char *)dir; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	char *base = rs_path_cache_dir();
	char *path = rs_xasprintf("%s/catalog-%016llx.bin", base, h);
	free(base);
	return path;
}

/* Best effort: a cache that cannot be written only costs the next start a
 * parse. */
static void store(const char *path, const struct rs_catalog *cat, const char *fp)
{
	char *dir = rs_xstrdup(path);
	*strrchr(dir, '/') = '\0';
	bool ok = rs_path_mkdirs(dir);
	free(dir);
	if (!ok)
		return;
	size_t len;
	char *data = rs_catalog_cache_encode(cat, fp, &len);
	char *tmp = rs_xasprintf("%s.%ld.tmp", path, (long)getpid());
	FILE *f = fopen(tmp, "wbe");
	if (f) {
		ok = fwrite(data, 1, len, f) == len;
		ok = (fclose(f) == 0) && ok;
		if (!ok || rename(tmp, path) != 0)
			unlink(tmp);
	}
	free(tmp);
	free(data);
}

bool rs_catalog_load_dir_cached(const char *dir, struct rs_catalog *cat)
{
	/* Under sudo the cache is the user's file and the catalog decides which
	 * folders root works in: not worth a doubt for a few milliseconds. */
	if (rs_identity_is_sudo())
		return rs_catalog_load_dir(dir, cat);
	char *fp = fingerprint(dir);
	if (!fp)
		return rs_catalog_load_dir(dir, cat);
	char *path = cache_path(dir);
	size_t len;
	char *data = rs_file_read(path, CACHE_MAX, &len, NULL);
	bool hit = data && rs_catalog_cache_decode(data, len, fp, cat);
	if (hit && (!cat->dir || strcmp(cat->dir, dir) != 0)) {
		rs_catalog_free(cat);
		hit = false;
	}
	free(data);
	bool ok = true;
	if (!hit) {
		ok = rs_catalog_load_dir(dir, cat);
		if (ok)
			store(path, cat, fp);
	}
	free(path);
	free(fp);
	return ok;
}
