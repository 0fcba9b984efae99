/* For the uf2 shell test: "make OUT BLOCKS [FAMILY]" writes a UF2 file
 * (FAMILY hex, default the RP2040's); "copy VOLUME UF2 [MOUNTINFO]" runs
 * the RP2040 boot-drive copy step and exits with its status (0 copied). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/uf2.h"
#include "platform/uf2copy.h"

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static int make(const char *out, unsigned n, uint32_t family)
{
	FILE *f = fopen(out, "wb");
	if (!f)
		return 1;
	for (unsigned i = 0; i < n; i++) {
		unsigned char b[RS_UF2_BLOCK] = { 0 };
		put32(b, 0x0A324655u);
		put32(b + 4, 0x9E5D5157u);
		put32(b + 8, 0x00002000u);
		put32(b + 12, 0x10000000u + 256u * i);
		put32(b + 16, 256);
		put32(b + 20, i);
		put32(b + 24, n);
		put32(b + 28, family);
		for (unsigned k = 0; k < 256; k++)
			b[32 + k] = (unsigned char)(i * 7 + k);
		put32(b + 508, 0x0AB16F30u);
		fwrite(b, 1, sizeof(b), f);
	}
	return fclose(f) != 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "make") == 0)
		return make(argv[2], (unsigned)atoi(argv[3]),
			    argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 16) : RS_UF2_FAMILY_RP2040);
	if (argc >= 4 && strcmp(argv[1], "copy") == 0) {
		struct rs_uf2_copy o = { .volume = argv[2], .uf2 = argv[3],
					 .mountinfo = argc > 4 ? argv[4] : NULL };
		struct rs_errors errs = { 0 };
		enum rs_sd_status st = rs_uf2_copy_run(&o, &errs);
		for (size_t i = 0; i < errs.count; i++)
			fprintf(stderr, "%s: %s\n", errs.items[i].file, errs.items[i].msg);
		printf("%s%s\n", rs_sd_status_name(st), o.rebooted ? " rebooted" : "");
		rs_errors_clear(&errs);
		return st == RS_SD_OK ? 0 : 1;
	}
	fprintf(stderr, "usage: uf2_tool make OUT BLOCKS [FAMILY] | copy VOLUME UF2 [MOUNTINFO]\n");
	return 2;
}
