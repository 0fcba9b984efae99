#include "core/file_read.h"
#include "core/kconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define KCONFIG_FILE_MAX (1024 * 1024)

void rs_kconfig_fragment(const struct rs_board *b, struct rs_strv *lines)
{
	for (size_t i = 0; i < b->klipper.count; i++)
		rs_strv_push(lines, b->klipper.items[i]);
	if (!b->usb_serial)
		return;
	/* Kconfig strings escape '"' and '\' with a backslash. */
	size_t n = strlen(b->usb_serial);
	char *esc = rs_xmalloc(2 * n + 1), *o = esc;
	for (const char *s = b->usb_serial; *s; s++) {
		if (*s == '"' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	*o = '\0';
	char *line = rs_xasprintf("CONFIG_USB_SERIAL_NUMBER=\"%s\"", esc);
	rs_strv_push(lines, "# CONFIG_USB_SERIAL_NUMBER_CHIPID is not set");
	rs_strv_push(lines, line);
	free(line);
	free(esc);
}

char *rs_kconfig_join(const struct rs_strv *lines)
{
	size_t total = 1;
	for (size_t i = 0; i < lines->count; i++)
		total += strlen(lines->items[i]) + 1;
	char *out = rs_xmalloc(total), *o = out;
	for (size_t i = 0; i < lines->count; i++) {
		size_t n = strlen(lines->items[i]);
		memcpy(o, lines->items[i], n);
		o += n;
		*o++ = '\n';
	}
	*o = '\0';
	return out;
}

static bool key_ok(const char *s, size_t n)
{
	if (n <= 7 || strncmp(s, "CONFIG_", 7) != 0)
		return false;
	for (size_t i = 7; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return false;
	}
	return true;
}

static size_t trimmed_len(const char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

bool rs_kconfig_parse_line(const char *line, char **key, char **value)
{
	static const char notset_head[] = "# ", notset_tail[] = " is not set";
	size_t n = trimmed_len(line);
	size_t hl = sizeof(notset_head) - 1, tl = sizeof(notset_tail) - 1;
	if (n > hl + tl && strncmp(line, notset_head, hl) == 0 &&
	    strncmp(line + n - tl, notset_tail, tl) == 0) {
		if (!key_ok(line + hl, n - hl - tl))
			return false;
		*key = rs_xstrndup(line + hl, n - hl - tl);
		*value = NULL;
		return true;
	}
	const char *eq = memchr(line, '=', n);
	if (!eq || !key_ok(line, (size_t)(eq - line)))
		return false;
	*key = rs_xstrndup(line, (size_t)(eq - line));
	*value = rs_xstrndup(eq + 1, n - (size_t)(eq + 1 - line));
	return true;
}

void rs_kconfig_parse(const char *buf, size_t len, struct rs_kconfig *out)
{
	memset(out, 0, sizeof(*out));
	int lineno = 0;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		char *line = rs_xstrndup(buf + pos, ll);
		char *key, *value;
		lineno++;
		if (strlen(line) == ll && rs_kconfig_parse_line(line, &key, &value)) {
			out->items = rs_xrealloc(out->items, (out->count + 1) * sizeof(*out->items));
			out->items[out->count++] =
				(struct rs_kconfig_entry){ .key = key, .value = value, .line = lineno };
		}
		free(line);
		pos += ll + 1;
	}
}

bool rs_kconfig_load_file(const char *path, struct rs_kconfig *out, struct rs_errors *errs)
{
	memset(out, 0, sizeof(*out));
	size_t len;
	char *buf = rs_file_read(path, KCONFIG_FILE_MAX, &len, errs);
	if (!buf)
		return false;
	rs_kconfig_parse(buf, len, out);
	free(buf);
	return true;
}

const struct rs_kconfig_entry *rs_kconfig_find(const struct rs_kconfig *kc, const char *key)
{
	/* Kconfig keeps the last assignment, so search from the end. */
	for (size_t i = kc->count; i-- > 0;)
		if (strcmp(kc->items[i].key, key) == 0)
			return &kc->items[i];
	return NULL;
}

const char *rs_kconfig_get(const struct rs_kconfig *kc, const char *key)
{
	const struct rs_kconfig_entry *e = rs_kconfig_find(kc, key);
	return e ? (e->value ? e->value : "n") : NULL;
}

void rs_kconfig_free(struct rs_kconfig *kc)
{
	for (size_t i = 0; i < kc->count; i++) {
		free(kc->items[i].key);
		free(kc->items[i].value);
	}
	free(kc->items);
	memset(kc, 0, sizeof(*kc));
}

bool rs_kconfig_check(const struct rs_strv *requested, const struct rs_kconfig *expanded,
		      const char *expanded_file, struct rs_errors *errs)
{
	bool ok = true;
	for (size_t i = 0; i < requested->count; i++) {
		const char *want = requested->items[i];
		char *key, *value;
		if (!rs_kconfig_parse_line(want, &key, &value))
			continue; /* comments in a fragment request nothing */
		const struct rs_kconfig_entry *e = rs_kconfig_find(expanded, key);
		bool same = e && ((!value && !e->value) ||
				  (value && e->value && strcmp(value, e->value) == 0));
		if (!e) {
			rs_errors_add(errs, RS_ERR_VALUE, expanded_file, 0, 0,
				      "requested '%s' did not survive olddefconfig: the expanded "
				      "config has no %s (unknown option in this Klipper, or its "
				      "dependencies are not met)",
				      want, key);
			ok = false;
		} else if (!same) {
			rs_errors_add(errs, RS_ERR_VALUE, expanded_file, e->line, 1,
				      "requested '%s' did not survive olddefconfig: the expanded "
				      "config says '%s%s%s%s'",
				      want, e->value ? "" : "# ", key, e->value ? "=" : " is not set",
				      e->value ? e->value : "");
			ok = false;
		}
		free(key);
		free(value);
	}
	return ok;
}

void rs_kconfig_hash(const struct rs_kconfig *kc, char hex[RS_SHA256_HEX_LEN])
{
	struct rs_sha256 ctx;
	unsigned char d[RS_SHA256_LEN];
	rs_sha256_init(&ctx);
	for (size_t i = 0; i < kc->count; i++) {
		const struct rs_kconfig_entry *e = &kc->items[i];
		if (e->value) {
			rs_sha256_update(&ctx, e->key, strlen(e->key));
			rs_sha256_update(&ctx, "=", 1);
			rs_sha256_update(&ctx, e->value, strlen(e->value));
		} else {
			rs_sha256_update(&ctx, "# ", 2);
			rs_sha256_update(&ctx, e->key, strlen(e->key));
			rs_sha256_update(&ctx, " is not set", 11);
		}
		rs_sha256_update(&ctx, "\n", 1);
	}
	rs_sha256_final(&ctx, d);
	rs_sha256_to_hex(d, hex);
}
