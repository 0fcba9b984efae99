/* The catalog cache on disk: ~/.cache/ratos-setup/catalog-<dir hash>.bin,
 * used only when every board file's name, size, time and inode, and the
 * program itself, are unchanged since it was written. */
#ifndef RS_PLATFORM_CATALOG_CACHE_FILE_H
#define RS_PLATFORM_CATALOG_CACHE_FILE_H

#include <stdbool.h>

#include "core/catalog.h"

/* Loads dir like rs_catalog_load_dir, from the cache when it is current, and
 * refreshes the cache after a parse. The cache is an optimisation only: any
 * problem with it falls back to parsing. */
bool rs_catalog_load_dir_cached(const char *dir, struct rs_catalog *cat);

#endif
