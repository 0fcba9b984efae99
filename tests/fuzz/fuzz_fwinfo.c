/* libFuzzer target: the firmware dictionary reader. The input is used twice:
 * as a raw image (zlib scanning of arbitrary bytes) and as the JSON inside a
 * well-formed zlib stream (the JSON scanner). Never a crash, leak or hang,
 * and every string kept is safe to print. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/fwinfo.h"
#include "core/kconfig.h"
#include "core/text_safe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse(const unsigned char *img, size_t len)
{
	struct rs_fwinfo fw;
	struct rs_errors errs = { 0 };
	if (rs_fwinfo_parse("fuzz.bin", img, len, &fw, &errs)) {
		if (!fw.version || !fw.mcu)
			__builtin_trap();
		/* Whatever the dictionary holds, what is kept is safe to show. */
		if (!rs_text_is_safe(fw.version) || !rs_text_is_safe(fw.mcu) ||
		    (fw.build_versions && !rs_text_is_safe(fw.build_versions)))
			__builtin_trap();
		for (size_t i = 0; i < fw.config.count; i++)
			if (!rs_text_is_safe(fw.config.items[i]))
				__builtin_trap();
		rs_fwinfo_free(&fw);
	} else if (errs.count == 0) {
		__builtin_trap();
	}
	rs_errors_clear(&errs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	parse(data, size);
	uLongf zlen = compressBound(size);
	unsigned char *z = malloc(zlen + 8);
	memset(z, 0xff, 8); /* some code bytes before the stream */
	if (compress2(z + 8, &zlen, data, size, 6) == Z_OK)
		parse(z, zlen + 8);
	free(z);
	/* The same bytes as an expanded Kconfig file. */
	struct rs_kconfig kc;
	char hex[RS_SHA256_HEX_LEN];
	rs_kconfig_parse((const char *)data, size, &kc);
	rs_kconfig_hash(&kc, hex);
	rs_kconfig_free(&kc);
	return 0;
}
