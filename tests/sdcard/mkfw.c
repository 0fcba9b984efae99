/* Makes a stand-in for a built klipper.bin: SIZE bytes of deterministic
 * "code" with a zlib-compressed data dictionary (JSON naming the MCU and the
 * version) embedded in the middle, the way Klipper stores it.
 * usage: mkfw OUT MCU [VERSION] [SIZE] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: mkfw OUT MCU [VERSION] [SIZE]\n");
		return 2;
	}
	const char *version = argc > 3 ? argv[3] : "v0.13.0-730-g84104bbbd";
	long size = argc > 4 ? atol(argv[4]) : 44528;
	char json[1024];
	snprintf(json, sizeof(json),
		 "{\"build_versions\": \"gcc: (test) 12.2.1 binutils: (test) 2.40\", "
		 "\"commands\": {\"identify offset=%%u count=%%c\": 1}, "
		 "\"config\": {\"CLOCK_FREQ\": 180000000, \"MCU\": \"%s\", "
		 "\"STATS_SUMMARY_SHIFT\": 2}, \"version\": \"%s\"}",
		 argv[2], version);
	unsigned char z[2048];
	uLongf zlen = sizeof(z);
	if (compress2(z, &zlen, (const unsigned char *)json, strlen(json), 9) != Z_OK)
		return 1;
	if ((long)zlen + 64 > size)
		size = (long)zlen + 64;
	unsigned char *buf = malloc((size_t)size);
	if (!buf)
		return 1;
	unsigned x = 2463534242u;
	for (long i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (unsigned char)x;
	}
	memcpy(buf + size / 2 - (long)zlen / 2, z, zlen);
	FILE *f = fopen(argv[1], "wb");
	if (!f || fwrite(buf, 1, (size_t)size, f) != (size_t)size || fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	free(buf);
	return 0;
}
