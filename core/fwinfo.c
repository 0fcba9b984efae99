#include "core/file_read.h"
#include "core/fwinfo.h"
#include "core/ihex.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/json_scan.h"
#include "core/text_safe.h"
#include "core/xalloc.h"

/* Firmware images are tens of KiB; anything this large is not one. */
#define FW_FILE_MAX (16u * 1024 * 1024)
/* Klipper's dictionaries inflate to well under 100 KiB. */
#define DICT_MAX (1u * 1024 * 1024)
/* zlib is fed and drained in slices this big, so the budget is checked
 * between bounded steps. */
#define SLICE (64u * 1024)

/* A zlib stream starts with CMF=0x78 (deflate, 32 KiB window) and a FLG byte
 * that makes the pair a multiple of 31. */
static bool zlib_header(const unsigned char *p)
{
	return p[0] == 0x78 && ((p[0] << 8) | p[1]) % 31 == 0 && !(p[1] & 0x20);
}

/* One scan: a single inflate state and output buffer reused for every
 * candidate, and the work done so far. */
struct scan {
	z_stream zs;
	char *buf;
	size_t cap;
	struct rs_fwinfo_work *work;
};

static bool spend(struct scan *sc, size_t units)
{
	sc->work->units += units;
	if (sc->work->units > RS_FWINFO_WORK_MAX)
		sc->work->gave_up = true;
	return !sc->work->gave_up;
}

/* The first byte that is not JSON whitespace, or -1 when there is none yet. */
static int first_char(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
			return (unsigned char)p[i];
	return -1;
}

/* Inflates the stream at data into sc->buf. False when it is not a complete
 * stream of at most DICT_MAX bytes that starts like a JSON object, or when
 * the budget ran out (then sc->work->gave_up is set). */
static bool inflate_at(struct scan *sc, const unsigned char *data, size_t len, size_t *out_len)
{
	if (inflateReset(&sc->zs) != Z_OK)
		return false;
	size_t used = 0, in = 0;
	bool checked = false;
	int rc;
	do {
		if (used == sc->cap) {
			if (sc->cap >= DICT_MAX)
				return false;
			sc->cap *= 2;
			sc->buf = rs_xrealloc(sc->buf, sc->cap);
		}
		size_t in_slice = len - in < SLICE ? len - in : SLICE;
		/* Until the first byte is seen, a little output is enough to judge. */
		size_t want = checked ? SLICE : 256;
		size_t out_slice = sc->cap - used < want ? sc->cap - used : want;
		sc->zs.next_in = (unsigned char *)data + in;
		sc->zs.avail_in = (uInt)in_slice;
		sc->zs.next_out = (unsigned char *)sc->buf + used;
		sc->zs.avail_out = (uInt)out_slice;
		rc = inflate(&sc->zs, Z_NO_FLUSH);
		size_t ate = in_slice - sc->zs.avail_in, made = out_slice - sc->zs.avail_out;
		in += ate;
		used += made;
		if (!spend(sc, ate + made))
			return false;
		if (!checked && used > 0) {
			/* Klipper's dictionary is a JSON object: anything else is
			 * dropped at its first byte, not inflated to the end. */
			int c = first_char(sc->buf, used);
			if (c >= 0 && c != '{')
				return false;
			checked = c >= 0;
		}
		if (rc == Z_BUF_ERROR && ate == 0 && made == 0)
			return false; /* no progress: the input ended mid-stream */
	} while (rc == Z_OK || rc == Z_BUF_ERROR);
	if (rc != Z_STREAM_END)
		return false;
	*out_len = used;
	return true;
}

/* Dictionary strings end up on the terminal: stored display-safe. Real
 * values (versions, MCU names, numbers) are plain ASCII and stay unchanged,
 * so comparing the MCU with a board's still works. */
static char *safe_owned(char *s)
{
	char *out = rs_text_safe(s);
	free(s);
	return out;
}

static void fill(struct rs_fwinfo *out, struct rs_json_span dict)
{
	struct rs_json_span v, cfg;
	if (rs_json_scan_get(dict, "version", &v))
		out->version = safe_owned(rs_json_scan_scalar(v));
	if (rs_json_scan_get(dict, "build_versions", &v))
		out->build_versions = safe_owned(rs_json_scan_scalar(v));
	if (!rs_json_scan_get(dict, "config", &cfg))
		return;
	struct rs_json_scan_iter it;
	struct rs_json_span k;
	if (!rs_json_scan_begin(&it, cfg))
		return;
	while (rs_json_scan_next(&it, &k, &v)) {
		char *key = safe_owned(rs_json_scan_string(k)), *val = safe_owned(rs_json_scan_scalar(v));
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

/* Tries every zlib header in the image until one inflates to a dictionary.
 * Each candidate costs RS_FWINFO_CANDIDATE_COST units, each byte through
 * zlib or the JSON check one unit; past RS_FWINFO_WORK_MAX the scan stops,
 * so no file makes this slow (a 16 MiB file of streams that each inflate to
 * megabytes once cost half a minute of CPU). */
static bool find_dict(struct scan *sc, const unsigned char *data, size_t len,
		      struct rs_fwinfo *out)
{
	for (size_t i = 0; i + 2 <= len; i++) {
		if (!zlib_header(data + i))
			continue;
		sc->work->candidates++;
		if (!spend(sc, RS_FWINFO_CANDIDATE_COST))
			return false;
		size_t dlen = 0;
		if (!inflate_at(sc, data + i, len - i, &dlen)) {
			if (sc->work->gave_up)
				return false;
			continue;
		}
		struct rs_json_span s = { sc->buf, dlen };
		if (!spend(sc, dlen))
			return false;
		if (looks_like_dict(s)) {
			fill(out, s);
			return true;
		}
	}
	return false;
}

static bool scan_bytes(const char *file, const unsigned char *data, size_t len,
		       struct rs_fwinfo *out, struct rs_errors *errs, struct rs_fwinfo_work *work);

/* An AVR image (Intel HEX text) is read as the bytes it stands for. */
bool rs_fwinfo_scan(const char *file, const unsigned char *data, size_t len,
		    struct rs_fwinfo *out, struct rs_errors *errs, struct rs_fwinfo_work *work)
{
	if (!rs_ihex_detect(data, len))
		return scan_bytes(file, data, len, out, errs, work);
	unsigned char *bin;
	size_t bin_len;
	int line;
	memset(out, 0, sizeof(*out));
	if (!rs_ihex_decode(data, len, FW_FILE_MAX, &bin, &bin_len, &line)) {
		rs_errors_add(errs, RS_ERR_SYNTAX, file, line, 1,
			      "not a valid Intel HEX image (a malformed record, a bad checksum, "
			      "or no end record)");
		return false;
	}
	bool ok = scan_bytes(file, bin, bin_len, out, errs, work);
	free(bin);
	if (ok)
		out->size = len; /* the file's size, as for a klipper.bin */
	return ok;
}

static bool scan_bytes(const char *file, const unsigned char *data, size_t len,
		       struct rs_fwinfo *out, struct rs_errors *errs, struct rs_fwinfo_work *work)
{
	struct rs_fwinfo_work local;
	struct scan sc = { .cap = 16 * 1024, .work = work ? work : &local };
	memset(out, 0, sizeof(*out));
	memset(sc.work, 0, sizeof(*sc.work));
	if (inflateInit(&sc.zs) != Z_OK) {
		rs_errors_add(errs, RS_ERR_IO, file, 0, 0, "out of memory starting zlib");
		return false;
	}
	sc.buf = rs_xmalloc(sc.cap);
	bool found = find_dict(&sc, data, len, out);
	inflateEnd(&sc.zs);
	free(sc.buf);
	if (!found) {
		if (sc.work->gave_up)
			rs_errors_add(errs, RS_ERR_VALUE, file, 0, 0,
				      "no Klipper data dictionary found in the first %zu places that "
				      "looked compressed; gave up (not a Klipper firmware image?)",
				      sc.work->candidates);
		else
			rs_errors_add(errs, RS_ERR_VALUE, file, 0, 0,
				      "no Klipper data dictionary found (not a Klipper firmware image?)");
		return false;
	}
	out->size = len;
	if (!out->version || !out->mcu) {
		rs_errors_add(errs, RS_ERR_VALUE, file, 0, 0, "the firmware's data dictionary has no %s",
			      out->version ? "MCU" : "version");
		rs_fwinfo_free(out);
		return false;
	}
	return true;
}

bool rs_fwinfo_parse(const char *file, const unsigned char *data, size_t len,
		     struct rs_fwinfo *out, struct rs_errors *errs)
{
	return rs_fwinfo_scan(file, data, len, out, errs, NULL);
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
