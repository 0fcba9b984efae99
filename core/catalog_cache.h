/* A parsed catalog stored as bytes, so a start-up can skip parsing YAML when
 * no board file changed. The fingerprint (names, sizes, times of the files,
 * chosen by the caller) must match byte for byte, or the cache is not used.
 * Decoding checks every length, and every board and driver against the
 * loader's rules (core/board_rules.h): a damaged or hand-edited cache is
 * rejected, never trusted. */
#ifndef RS_CORE_CATALOG_CACHE_H
#define RS_CORE_CATALOG_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/catalog.h"

/* The encoded catalog (caller frees). */
char *rs_catalog_cache_encode(const struct rs_catalog *cat, const char *fingerprint,
			      size_t *len);
/* Fills out (which must be empty) when buf is a cache of this fingerprint;
 * on false out is left empty. */
bool rs_catalog_cache_decode(const char *buf, size_t len, const char *fingerprint,
			     struct rs_catalog *out);

#endif
