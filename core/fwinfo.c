#include "core/file_read.h"
#include "core/fwinfo.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/json_scan.h"
#include "core/xalloc.h"

/* Firmware images are tens of KiB; anything this large is not one. */
#define FW_FILE_MAX (16u * 1024 * 1024)
/* Klipper's dictionaries inflate to well under 100 KiB. */
#define DICT_MAX (4u * 1024 * 1024)

/* A zlib stream starts with CMF=0x78 (deflate, 32 KiB window) and a FLG byte
 * that makes the pair a multiple of 31. */
static bool zlib_header(const unsigned char *p)
{
	return p[0] == 0x78 && ((p[0] << 8) | p[1]) % 31 == 0 && !(p[1] & 0x20);
}

/* Inflates the stream at data, or returns NULL when it is not a complete one. */
static char *inflate_at(const unsigned char *data, size_t len, size_t *out_len)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK)
		return NULL;
	size_t cap = 16 * 1024, used = 0;
	char *buf = rs_xmalloc(cap);
	zs.next_in = (unsigned char *)data;
	zs.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	int rc;
	do {
		if (used == cap) {
			if (cap >= DICT_MAX)
				break;
			cap *= 2;
			buf = rs_xrealloc(buf, cap);
		}
		zs.next_out = (unsigned char *)buf + used;
		zs.avail_out = (uInt)(cap - used);
		rc = inflate(&zs, Z_NO_FLUSH);
		used = cap - zs.avail_out;
	} while (rc == Z_OK);
	inflateEnd(&zs);
	if (rc != Z_STREAM_END) {
		free(buf);
		return NULL;
	}
	*out_len = used;
	return buf;
}

static void fill(struct rs_fwinfo *out, struct rs_json_span dict)
{
	struct rs_json_span v, cfg;
	if (rs_json_scan_get(dict, "version", &v))
		out->version = rs_json_scan_scalar(v);
	if (rs_json_scan_get(dict, "build_versions", &v))
		out->build_versions = rs_json_scan_scalar(v);
	if (!rs_json_scan_get(dict, "config", &cfg))
		return;
	struct rs_json_scan_iter it;
	struct rs_json_span k;
	if (!rs_json_scan_begin(&it, cfg))
		return;
	while (rs_json_scan_next(&it, &k, &v)) {
		char *key = rs_json_scan_string(k), *val = rs_json_scan_scalar(v);
		if (key && val) {
			char *line = rs_xasprintf("%s=%s", key, val);
			rs_strv_push(&out->config, line);
			free(line);
			if (strcmp(key, "MCU") == 0 && !out->mcu)
				out->mcu = rs_xstrdup(val);
		}
		free(key);
		free(val);
	}
}

/* A dictionary is a well-formed JSON object with the keys Klipper always
 * writes. */
static bool looks_like_dict(struct rs_json_span s)
{
	struct rs_json_scan_iter it;
	struct rs_json_span k, v;
	if (!rs_json_scan_begin(&it, s))
		return false;
	while (rs_json_scan_next(&it, &k, &v))
		;
	return !it.failed && rs_json_scan_get(s, "version", &v) && rs_json_scan_get(s, "config", &v);
}

bool rs_fwinfo_parse(const char *file, const unsigned char *data, size_t len,
		     struct rs_fwinfo *out, struct rs_errors *errs)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i + 2 <= len; i++) {
		if (!zlib_header(data + i))
			continue;
		size_t dlen = 0;
		char *dict = inflate_at(data + i, len - i, &dlen);
		if (!dict)
			continue;
		struct rs_json_span s = { dict, dlen };
		if (looks_like_dict(s)) {
			fill(out, s);
			free(dict);
			out->size = len;
			if (!out->version || !out->mcu) {
				rs_errors_add(errs, RS_ERR_VALUE, file, 0, 0,
					      "the firmware's data dictionary has no %s",
					      out->version ? "MCU" : "version");
				rs_fwinfo_free(out);
				return false;
			}
			return true;
		}
		free(dict);
	}
	rs_errors_add(errs, RS_ERR_VALUE, file, 0, 0,
		      "no Klipper data dictionary found (not a Klipper firmware image?)");
	return false;
}

bool rs_fwinfo_read_file(const char *path, struct rs_fwinfo *out, struct rs_errors *errs)
{
	memset(out, 0, sizeof(*out));
	size_t len;
	char *buf = rs_file_read(path, FW_FILE_MAX, &len, errs);
	if (!buf)
		return false;
	bool ok = rs_fwinfo_parse(path, (const unsigned char *)buf, len, out, errs);
	free(buf);
	return ok;
}

const char *rs_fwinfo_config(const struct rs_fwinfo *fw, const char *key)
{
	size_t klen = strlen(key);
	for (size_t i = 0; i < fw->config.count; i++) {
		const char *l = fw->config.items[i];
		if (strncmp(l, key, klen) == 0 && l[klen] == '=')
			return l + klen + 1;
	}
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
