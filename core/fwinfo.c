/* Reads the data dictionary Klipper embeds in its firmware: a zlib stream
 * somewhere in the binary that inflates to JSON with "version" and
 * "config": {"MCU": ...}. This scanner looks for zlib headers and tries to
 * inflate each candidate; it extracts only the values the SD-card checks need. */
#include "core/fwinfo.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/xalloc.h"

#define FW_MAX (16u * 1024 * 1024)
#define DICT_MAX (4u * 1024 * 1024)

static unsigned char *inflate_at(const unsigned char *p, size_t len, size_t *out_len)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK)
		return NULL;
	size_t cap = 65536;
	unsigned char *buf = rs_xmalloc(cap + 1);
	zs.next_in = (unsigned char *)(uintptr_t)p;
	zs.avail_in = (uInt)(len > UINT32_MAX ? UINT32_MAX : len);
	int rc;
	do {
		if (zs.total_out == cap) {
			if (cap >= DICT_MAX)
				break;
			buf = rs_xrealloc(buf, (cap *= 2) + 1);
		}
		zs.next_out = buf + zs.total_out;
		zs.avail_out = (uInt)(cap - zs.total_out);
		rc = inflate(&zs, Z_NO_FLUSH);
	} while (rc == Z_OK);
	size_t n = zs.total_out;
	inflateEnd(&zs);
	if (rc != Z_STREAM_END) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*out_len = n;
	return buf;
}

/* The string value of "key" after position from (simple JSON strings only). */
static char *json_string_after(const char *json, const char *from, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\"", key);
	const char *p = strstr(from ? from : json, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	if (*p++ != ':')
		return NULL;
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	if (*p++ != '"')
		return NULL;
	const char *end = p;
	while (*end && *end != '"') {
		if (*end == '\\' && end[1])
			end++;
		end++;
	}
	return *end ? rs_xstrndup(p, (size_t)(end - p)) : NULL;
}

bool rs_fwinfo_parse(const char *file, const unsigned char *data, size_t len,
		     struct rs_fwinfo *out, struct rs_errors *errs)
{
	memset(out, 0, sizeof(*out));
	out->size = len;
	for (size_t i = 0; i + 2 <= len; i++) {
		if (data[i] != 0x78 || (data[i + 1] != 0x9c && data[i + 1] != 0xda &&
					data[i + 1] != 0x01 && data[i + 1] != 0x5e))
			continue;
		size_t n;
		char *json = (char *)inflate_at(data + i, len - i, &n);
		if (!json)
			continue;
		const char *config = strstr(json, "\"config\"");
		char *mcu = config ? json_string_after(json, config, "MCU") : NULL;
		if (mcu) {
			out->mcu = mcu;
			out->version = json_string_after(json, NULL, "version");
			out->build_versions = json_string_after(json, NULL, "build_versions");
			char *kv = rs_xasprintf("MCU=%s", mcu);
			rs_strv_push(&out->config, kv);
			free(kv);
			free(json);
			return true;
		}
		free(json);
	}
	rs_errors_add(errs, RS_ERR_VALUE, file, 0, 0, "no Klipper data dictionary found in the file");
	return false;
}

bool rs_fwinfo_read_file(const char *path, struct rs_fwinfo *out, struct rs_errors *errs)
{
	memset(out, 0, sizeof(*out));
	FILE *f = fopen(path, "rb");
	if (!f) {
		rs_errors_add(errs, RS_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
		return false;
	}
	unsigned char *buf = rs_xmalloc(FW_MAX);
	size_t n = fread(buf, 1, FW_MAX, f);
	bool too_big = n == FW_MAX && fgetc(f) != EOF;
	fclose(f);
	bool ok = false;
	if (too_big)
		rs_errors_add(errs, RS_ERR_TOO_LARGE, path, 0, 0, "too large for a firmware image");
	else
		ok = rs_fwinfo_parse(path, buf, n, out, errs);
	free(buf);
	return ok;
}

const char *rs_fwinfo_config(const struct rs_fwinfo *fw, const char *key)
{
	size_t klen = strlen(key);
	for (size_t i = 0; i < fw->config.count; i++)
		if (strncmp(fw->config.items[i], key, klen) == 0 && fw->config.items[i][klen] == '=')
			return fw->config.items[i] + klen + 1;
	return NULL;
}

void rs_fwinfo_free(struct rs_fwinfo *fw)
{
	free(fw->version);
	free(fw->mcu);
	free(fw->build_versions);
	rs_strv_free(&fw->config);
	memset(fw, 0, sizeof(*fw));
}
