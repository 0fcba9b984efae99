/* libFuzzer target: any bytes given to the board and driver loaders must give
 * either a board or errors with positions, never a crash or a leak; the same
 * holds for the catalog cache decoder. Board files that load have plain card
 * file names, and error messages are safe to print. */
#include <stddef.h>
#include <stdint.h>

#include "core/board_loader.h"
#include "core/catalog_cache.h"
#include "core/sdcheck.h"
#include "core/text_safe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rs_errors errs = { 0 };
	struct rs_board b;
	if (rs_board_parse("fuzz.yaml", (const char *)data, size, NULL, &b, &errs)) {
		/* Card file names that load are plain 8.3 names, never paths,
		 * wildcards, options or mtools offsets. */
		char why[128];
		if ((b.sd_file && !rs_sd_name_check(b.sd_file, why, sizeof(why))) ||
		    (b.sd_renamed && !rs_sd_name_check(b.sd_renamed, why, sizeof(why))))
			__builtin_trap();
		rs_board_free(&b);
	}
	/* Errors quote the input: what they say is safe to print. */
	for (size_t i = 0; i < errs.count; i++)
		if (errs.items[i].line < 0 || errs.items[i].col < 0 || !errs.items[i].msg[0] ||
		    !rs_text_is_safe(errs.items[i].msg))
			__builtin_trap();
	rs_errors_clear(&errs);

	struct rs_catalog cat = { 0 };
	rs_drivers_parse("fuzz.yaml", (const char *)data, size, &cat, &errs);
	rs_catalog_free(&cat);
	rs_errors_clear(&errs);

	/* The same bytes as a (damaged) catalog cache. */
	if (rs_catalog_cache_decode((const char *)data, size, "fp", &cat))
		rs_catalog_free(&cat);
	return 0;
}
