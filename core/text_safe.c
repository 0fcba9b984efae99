#include "core/text_safe.h"

#include <string.h>

#include "core/xalloc.h"

/* Strict UTF-8 (RFC 3629): the lead byte fixes the length and the range of
 * the first continuation byte, which rules out overlong forms, surrogates
 * and code points past U+10FFFF. Returns 0 for an invalid sequence. */
static size_t decode(const unsigned char *s, size_t len, unsigned *cp)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t n;
	unsigned lo = 0x80, hi = 0xbf, v;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	*cp = v;
	return n;
}

static bool is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

size_t rs_text_next(const char *s, size_t len, unsigned *cp, enum rs_text_kind *kind)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = decode(u, len, cp);
	if (n == 0) {
		*cp = u[0];
		*kind = RS_TEXT_INVALID;
		return 1;
	}
	*kind = is_control(*cp) ? RS_TEXT_CONTROL : RS_TEXT_SHOWN;
	return n;
}

char *rs_text_safe_copy(char *dst, size_t size, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i = 0;
	while (i < len) {
		unsigned cp;
		enum rs_text_kind kind;
		size_t n = rs_text_next(s + i, len - i, &cp, &kind);
		size_t need = kind == RS_TEXT_SHOWN ? n : 4 * n;
		if (o + need >= size)
			break;
		for (size_t k = 0; k < n; k++) {
			unsigned char b = (unsigned char)s[i + k];
			if (kind == RS_TEXT_SHOWN) {
				dst[o++] = (char)b;
				continue;
			}
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[b >> 4];
			dst[o++] = hex[b & 15];
		}
		i += n;
	}
	dst[o] = '\0';
	return dst;
}

char *rs_text_safe_n(const char *s, size_t len)
{
	/* Every byte becomes at most four characters. */
	size_t size = 4 * len + 1;
	return rs_text_safe_copy(rs_xmalloc(size), size, s, len);
}

char *rs_text_safe(const char *s)
{
	return s ? rs_text_safe_n(s, strlen(s)) : NULL;
}

bool rs_text_is_safe(const char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		unsigned cp;
		enum rs_text_kind kind;
		i += rs_text_next(s + i, len - i, &cp, &kind);
		if (kind != RS_TEXT_SHOWN)
			return false;
	}
	return true;
}
