#include "core/ihex.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

bool rs_ihex_detect(const unsigned char *data, size_t len)
{
	return len >= 11 && data[0] == ':' && strchr("0123456789abcdefABCDEF", data[1]) &&
	       data[1] != '\0';
}

static int nibble(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* n bytes of hex text at p into b; false on a non-hex character. */
static bool hex_bytes(const unsigned char *p, size_t n, unsigned char *b)
{
	for (size_t i = 0; i < n; i++) {
		int hi = nibble(p[2 * i]), lo = nibble(p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

bool rs_ihex_decode(const unsigned char *data, size_t len, size_t max, unsigned char **out,
		    size_t *out_len, int *line)
{
	unsigned char *img = NULL;
	size_t used = 0;
	uint32_t base = 0;
	bool ended = false;
	*line = 0;
	for (size_t pos = 0; pos < len && !ended;) {
		const unsigned char *nl = memchr(data + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (data + pos)) : len - pos;
		const unsigned char *rec = data + pos;
		pos += ll + 1;
		++*line;
		while (ll && (rec[ll - 1] == '\r' || rec[ll - 1] == ' '))
			ll--;
		if (ll == 0)
			continue;
		unsigned char b[4 + 255 + 1];
		if (rec[0] != ':' || ll < 11 || (ll - 1) % 2 || !hex_bytes(rec + 1, 1, b) ||
		    ll != 11 + 2 * (size_t)b[0] || !hex_bytes(rec + 1, (ll - 1) / 2, b))
			goto bad;
		unsigned char sum = 0;
		for (size_t i = 0; i < (ll - 1) / 2; i++)
			sum = (unsigned char)(sum + b[i]);
		if (sum != 0)
			goto bad;
		size_t count = b[0];
		uint32_t addr = base + ((uint32_t)b[1] << 8 | b[2]);
		switch (b[3]) {
		case 0x00: /* data */
			if ((size_t)addr + count > max)
				goto bad;
			if ((size_t)addr + count > used) {
				img = rs_xrealloc(img, (size_t)addr + count);
				memset(img + used, 0xff, (size_t)addr + count - used);
				used = (size_t)addr + count;
			}
			memcpy(img + addr, b + 4, count);
			break;
		case 0x01: /* end of file */
			ended = true;
			break;
		case 0x02: /* extended segment address */
			if (count != 2)
				goto bad;
			base = ((uint32_t)b[4] << 8 | b[5]) << 4;
			break;
		case 0x04: /* extended linear address */
			if (count != 2)
				goto bad;
			base = ((uint32_t)b[4] << 8 | b[5]) << 16;
			break;
		case 0x03: /* start addresses: no bytes of the image */
		case 0x05:
			break;
		default:
			goto bad;
		}
	}
	if (!ended)
		goto bad;
	*out = img ? img : rs_xcalloc(1, 1);
	*out_len = used;
	return true;
bad:
	free(img);
	*out = NULL;
	*out_len = 0;
	return false;
}
