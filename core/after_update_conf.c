#include "core/after_update_conf.h"

#include <string.h>

struct key {
	const char *name;
	size_t offset; /* of the bool in struct rs_after_update_conf */
};

static const struct key keys[] = {
	{ "auto_flash_usb", offsetof(struct rs_after_update_conf, auto_flash_usb) },
};
#define KEY_COUNT (sizeof(keys) / sizeof(keys[0]))

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

void rs_after_update_conf_defaults(struct rs_after_update_conf *c)
{
	memset(c, 0, sizeof(*c));
}

/* One line without its newline: "key = value", a comment, or blank. */
static void parse_line(const char *s, size_t n, const char *file, int lineno,
		       struct rs_after_update_conf *c, bool *seen, struct rs_errors *errs)
{
	size_t i = 0;
	while (i < n && blank(s[i]))
		i++;
	if (i == n || s[i] == '#')
		return;
	size_t k0 = i;
	while (i < n && key_char(s[i]))
		i++;
	size_t k1 = i;
	while (i < n && blank(s[i]))
		i++;
	if (k1 == k0 || i == n || s[i] != '=') {
		rs_errors_add(errs, RS_ERR_SYNTAX, file, lineno, (int)(k1 == k0 ? k0 : i) + 1,
			      "expected 'key = value' (for example: auto_flash_usb = no)");
		return;
	}
	i++;
	while (i < n && blank(s[i]))
		i++;
	size_t v0 = i, v1 = n;
	while (v1 > v0 && blank(s[v1 - 1]))
		v1--;
	const struct key *key = NULL;
	for (size_t j = 0; j < KEY_COUNT; j++)
		if (strlen(keys[j].name) == k1 - k0 && memcmp(keys[j].name, s + k0, k1 - k0) == 0)
			key = &keys[j];
	if (!key) {
		rs_errors_add(errs, RS_ERR_UNKNOWN_KEY, file, lineno, (int)k0 + 1,
			      "unknown setting '%.*s' (known: auto_flash_usb)", (int)(k1 - k0),
			      s + k0);
		return;
	}
	size_t idx = (size_t)(key - keys);
	if (seen[idx]) {
		rs_errors_add(errs, RS_ERR_DUPLICATE_KEY, file, lineno, (int)k0 + 1,
			      "%s is set twice", key->name);
		return;
	}
	seen[idx] = true;
	bool v;
	if (v1 - v0 == 3 && memcmp(s + v0, "yes", 3) == 0) {
		v = true;
	} else if (v1 - v0 == 2 && memcmp(s + v0, "no", 2) == 0) {
		v = false;
	} else {
		rs_errors_add(errs, RS_ERR_VALUE, file, lineno, (int)v0 + 1,
			      "%s takes yes or no, not '%.*s'", key->name, (int)(v1 - v0), s + v0);
		return;
	}
	*(bool *)((char *)c + key->offset) = v;
}

bool rs_after_update_conf_parse(const char *text, size_t len, const char *file,
				struct rs_after_update_conf *out, struct rs_errors *errs)
{
	size_t before = errs->count;
	struct rs_after_update_conf c = *out;
	bool seen[KEY_COUNT] = { false };
	if (memchr(text, '\0', len)) {
		rs_errors_add(errs, RS_ERR_ENCODING, file, 0, 0, "holds a NUL byte: not a text file");
		return false;
	}
	int lineno = 1;
	for (size_t pos = 0; pos < len; lineno++) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		size_t m = n;
		if (m && text[pos + m - 1] == '\r')
			m--;
		parse_line(text + pos, m, file, lineno, &c, seen, errs);
		pos += n + (nl ? 1 : 0);
	}
	if (errs->count != before)
		return false;
	*out = c;
	return true;
}
