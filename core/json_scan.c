#include "core/json_scan.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* p at the opening quote; returns the position after the closing quote or NULL. */
static const char *skip_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\') {
			p++;
			continue;
		}
		if (*p == '"')
			return p + 1;
		if ((unsigned char)*p < 0x20)
			return NULL;
	}
	return NULL;
}

static bool is_scalar_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '+' ||
	       c == '.' || c == 'E';
}

/* Skips one value of any kind; NULL when malformed or nested too deep. */
static const char *skip_value(const char *p, const char *end)
{
	p = skip_ws(p, end);
	if (p >= end)
		return NULL;
	if (*p == '"')
		return skip_string(p, end);
	if (*p != '{' && *p != '[') {
		const char *s = p;
		while (p < end && is_scalar_char(*p))
			p++;
		return p > s ? p : NULL;
	}
	/* Containers: a stack of expected closers, kept as bits, checked on close. */
	unsigned char stack[RS_JSON_MAX_DEPTH];
	size_t depth = 0;
	while (p < end) {
		char c = *p;
		if (c == '"') {
			p = skip_string(p, end);
			if (!p)
				return NULL;
			continue;
		}
		if (c == '{' || c == '[') {
			if (depth == RS_JSON_MAX_DEPTH)
				return NULL;
			stack[depth++] = c == '{' ? '}' : ']';
		} else if (c == '}' || c == ']') {
			if (depth == 0 || stack[depth - 1] != (unsigned char)c)
				return NULL;
			if (--depth == 0)
				return p + 1;
		}
		p++;
	}
	return NULL;
}

bool rs_json_scan_begin(struct rs_json_scan_iter *it, struct rs_json_span v)
{
	const char *end = v.p + v.len;
	const char *p = skip_ws(v.p, end);
	memset(it, 0, sizeof(*it));
	if (p >= end || *p != '{')
		return false;
	it->p = p + 1;
	it->end = end;
	return true;
}

bool rs_json_scan_next(struct rs_json_scan_iter *it, struct rs_json_span *key, struct rs_json_span *val)
{
	if (it->failed || !it->p)
		return false;
	const char *p = skip_ws(it->p, it->end);
	if (p < it->end && *p == '}') {
		it->p = NULL;
		return false;
	}
	if (it->started) {
		if (p >= it->end || *p != ',')
			goto bad;
		p = skip_ws(p + 1, it->end);
	}
	if (p >= it->end || *p != '"')
		goto bad;
	const char *kend = skip_string(p, it->end);
	if (!kend)
		goto bad;
	*key = (struct rs_json_span){ p, (size_t)(kend - p) };
	p = skip_ws(kend, it->end);
	if (p >= it->end || *p != ':')
		goto bad;
	p = skip_ws(p + 1, it->end);
	const char *vend = skip_value(p, it->end);
	if (!vend)
		goto bad;
	*val = (struct rs_json_span){ p, (size_t)(vend - p) };
	it->p = vend;
	it->started = true;
	return true;
bad:
	it->failed = true;
	return false;
}

bool rs_json_scan_get(struct rs_json_span v, const char *name, struct rs_json_span *out)
{
	struct rs_json_scan_iter it;
	struct rs_json_span k, val;
	if (!rs_json_scan_begin(&it, v))
		return false;
	while (rs_json_scan_next(&it, &k, &val)) {
		char *kname = rs_json_scan_string(k);
		bool hit = kname && strcmp(kname, name) == 0;
		free(kname);
		if (hit) {
			*out = val;
			return true;
		}
	}
	return false;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool hex4(const char *p, const char *end, unsigned *out)
{
	if (end - p < 4)
		return false;
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return false;
		v = v << 4 | (unsigned)h;
	}
	*out = v;
	return true;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

char *rs_json_scan_string(struct rs_json_span v)
{
	const char *p = v.p, *end = v.p + v.len;
	if (v.len < 2 || *p != '"' || skip_string(p, end) != end)
		return NULL;
	end--; /* closing quote */
	/* Decoded UTF-8 is never longer than the escaped form. */
	char *out = rs_xmalloc(v.len), *o = out;
	for (p++; p < end; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		if (++p >= end)
			goto bad;
		unsigned cp;
		switch (*p) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (!hex4(p + 1, end, &cp))
				goto bad;
			p += 4;
			if (cp >= 0xd800 && cp < 0xdc00) {
				unsigned lo;
				if (end - p < 7 || p[1] != '\\' || p[2] != 'u' || !hex4(p + 3, end, &lo) ||
				    lo < 0xdc00 || lo >= 0xe000)
					goto bad;
				p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				goto bad;
			}
			if (cp == 0)
				goto bad;
			o += put_utf8(o, cp);
			break;
		default:
			goto bad;
		}
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

char *rs_json_scan_scalar(struct rs_json_span v)
{
	if (v.len == 0)
		return NULL;
	if (v.p[0] == '"')
		return rs_json_scan_string(v);
	for (size_t i = 0; i < v.len; i++)
		if (!is_scalar_char(v.p[i]))
			return NULL;
	return rs_xstrndup(v.p, v.len);
}
