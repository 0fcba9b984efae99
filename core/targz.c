/* ustar + gzip, in memory (see targz.h). */
#include "core/targz.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/xalloc.h"

#define BLOCK 512

static unsigned char *grow(struct rs_tar *t, size_t n)
{
	if (t->len + n > t->cap) {
		t->cap = (t->len + n) * 2;
		t->data = rs_xrealloc(t->data, t->cap);
	}
	unsigned char *p = t->data + t->len;
	memset(p, 0, n);
	t->len += n;
	return p;
}

static void octal(unsigned char *field, size_t width, unsigned long long v)
{
	/* width - 1 digits, then NUL */
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%0*llo", (int)(width - 1), v);
	memcpy(field, tmp, width - 1);
	field[width - 1] = '\0';
}

static bool name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > RS_TAR_NAME_MAX || name[0] == '/')
		return false;
	for (const char *p = name; (p = strstr(p, "..")); p += 2)
		if ((p == name || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return false;
	return true;
}

bool rs_tar_add(struct rs_tar *t, const char *name, const void *data, size_t len,
		long long mtime)
{
	if (!name_ok(name))
		return false;
	unsigned char *h = grow(t, BLOCK);
	memcpy(h, name, strlen(name));       /* name */
	octal(h + 100, 8, 0644);             /* mode */
	octal(h + 108, 8, 0);                /* uid */
	octal(h + 116, 8, 0);                /* gid */
	octal(h + 124, 12, len);             /* size */
	octal(h + 136, 12, mtime > 0 ? (unsigned long long)mtime : 0);
	memset(h + 148, ' ', 8);             /* checksum counts as blanks */
	h[156] = '0';                        /* regular file */
	memcpy(h + 257, "ustar", 6);         /* magic, NUL included */
	memcpy(h + 263, "00", 2);            /* version */
	memcpy(h + 265, "root", 4);          /* uname */
	memcpy(h + 297, "root", 4);          /* gname */
	unsigned sum = 0;
	for (size_t i = 0; i < BLOCK; i++)
		sum += h[i];
	char ck[8];
	snprintf(ck, sizeof(ck), "%06o", sum);
	memcpy(h + 148, ck, 6);
	h[154] = '\0';
	h[155] = ' ';
	if (len) {
		size_t padded = (len + BLOCK - 1) / BLOCK * BLOCK;
		unsigned char *body = grow(t, padded);
		memcpy(body, data, len);
	}
	t->members++;
	return true;
}

void rs_tar_finish(struct rs_tar *t)
{
	grow(t, 2 * BLOCK);
}

void rs_tar_free(struct rs_tar *t)
{
	free(t->data);
	memset(t, 0, sizeof(*t));
}

bool rs_gzip(const void *in, size_t len, unsigned char **out, size_t *out_len)
{
	if (len > 0x7fffffffu)
		return false; /* zlib counts in uInt; a report is megabytes */
	z_stream z;
	memset(&z, 0, sizeof(z));
	/* 15 window bits + 16: a gzip header and trailer, not zlib's. */
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return false;
	size_t cap = deflateBound(&z, (uLong)len) + 64;
	unsigned char *buf = rs_xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	size_t produced = cap - z.avail_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return false;
	}
	*out = buf;
	*out_len = produced;
	return true;
}
