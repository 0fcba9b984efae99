/* Redaction for help reports (see redact.h). Line by line: a line that may
 * hold a secret is dropped whole; any other is copied with homes, unrelated
 * serials and network addresses masked, left to right. */
#include "core/redact.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = rs_xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static bool is_word(char c)
{
	return isalnum((unsigned char)c);
}

static bool is_name(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

/* Case-insensitive search for needle (lower case) in s[0..len). */
static const char *find_ci(const char *s, size_t len, const char *needle, size_t from)
{
	size_t n = strlen(needle);
	for (size_t i = from; i + n <= len; i++) {
		size_t k = 0;
		while (k < n && tolower((unsigned char)s[i + k]) == needle[k])
			k++;
		if (k == n)
			return s + i;
	}
	return NULL;
}

/* After a key word: the rest of the key's name, quotes and blanks, then '='
 * or ':' means a value follows. */
static bool value_follows(const char *p, const char *end)
{
	while (p < end && (isalnum((unsigned char)*p) || *p == '_' || *p == '-'))
		p++;
	while (p < end && (*p == '"' || *p == '\'' || *p == ' ' || *p == '\t'))
		p++;
	return p < end && (*p == '=' || *p == ':');
}

bool rs_redact_line_is_secret(const char *line, size_t len)
{
	static const char *const keys[] = { "psk",	  "passwd",	 "password",
					     "passphrase", "secret",	 "token",
					     "api_key",	  "apikey",	 "api-key",
					     "credential", "private_key", "authorization" };
	const char *end = line + len;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		size_t from = 0;
		const char *hit;
		while ((hit = find_ci(line, len, keys[k], from))) {
			if (value_follows(hit + strlen(keys[k]), end))
				return true;
			from = (size_t)(hit - line) + 1;
		}
	}
	if (find_ci(line, len, "wpa-psk", 0) || find_ci(line, len, "bearer ", 0))
		return true;
	/* scheme://user:password@host */
	for (const char *p = find_ci(line, len, "://", 0); p; p = find_ci(line, len, "://",
									  (size_t)(p - line) + 3)) {
		const char *q = p + 3;
		bool colon = false;
		while (q < end && *q != '/' && *q != ' ' && *q != '\t' && *q != '@') {
			colon = colon || *q == ':';
			q++;
		}
		if (q < end && *q == '@' && colon)
			return true;
	}
	return false;
}

bool rs_redact_serial_of(const char *path, char *buf, size_t len)
{
	const char *name = strrchr(path, '/');
	name = name ? name + 1 : path;
	const char *end = strstr(name, "-if");
	if (!end)
		return false;
	const char *start = end;
	while (start > name && start[-1] != '_')
		start--;
	if (start == name || start == end || (size_t)(end - start) >= len)
		return false;
	memcpy(buf, start, (size_t)(end - start));
	buf[end - start] = '\0';
	return true;
}

static bool listed(const char *const *list, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] && strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
			return true;
	return false;
}

/* Each matcher looks at s[i..len) with a word boundary before it, and
 * returns how many bytes it consumed (0: no match), having written the
 * replacement. */

static size_t m_home(const struct rs_redact_rules *r, const char *s, size_t i, size_t len,
		     struct buf *b)
{
	if (r->home && r->home[0] && strcmp(r->home, "/") != 0) {
		size_t h = strlen(r->home);
		while (h > 1 && r->home[h - 1] == '/')
			h--;
		if (i + h <= len && memcmp(s + i, r->home, h) == 0 &&
		    (i + h == len || !is_name(s[i + h]))) {
			puts_(b, "~");
			return h;
		}
	}
	if (i + 6 < len && memcmp(s + i, "/home/", 6) == 0 && is_name(s[i + 6])) {
		size_t j = i + 6;
		while (j < len && is_name(s[j]))
			j++;
		puts_(b, "~");
		return j - i;
	}
	return 0;
}

/* A serial in a by-id name: a word after '_' and before "-if<digit>". */
static size_t m_byid(const struct rs_redact_rules *r, const char *s, size_t i, size_t len,
		     struct buf *b)
{
	if (i == 0 || s[i - 1] != '_')
		return 0;
	size_t j = i;
	while (j < len && is_word(s[j]))
		j++;
	if (j == i || j + 3 >= len || memcmp(s + j, "-if", 3) != 0 ||
	    !isdigit((unsigned char)s[j + 3]))
		return 0;
	if (listed(r->keep_serials, r->keep_count, s + i, j - i)) {
		put(b, s + i, j - i);
		return j - i;
	}
	puts_(b, RS_REDACT_SERIAL);
	return j - i;
}

static size_t m_listed(const struct rs_redact_rules *r, const char *s, size_t i, size_t len,
		       struct buf *b)
{
	for (size_t k = 0; k < r->mask_count; k++) {
		const char *m = r->mask_serials[k];
		size_t n = m ? strlen(m) : 0;
		if (n < 4 || i + n > len || memcmp(s + i, m, n) != 0 ||
		    (i + n < len && is_word(s[i + n])))
			continue;
		if (listed(r->keep_serials, r->keep_count, m, n))
			continue;
		puts_(b, RS_REDACT_SERIAL);
		return n;
	}
	return 0;
}

static size_t m_ipv4(const char *s, size_t i, size_t len, struct buf *b)
{
	size_t j = i;
	unsigned octets[4];
	for (int k = 0; k < 4; k++) {
		if (k && (j >= len || s[j++] != '.'))
			return 0;
		size_t d = 0;
		unsigned v = 0;
		while (j < len && isdigit((unsigned char)s[j]) && d < 4) {
			v = v * 10 + (unsigned)(s[j++] - '0');
			d++;
		}
		if (d == 0 || d > 3 || v > 255)
			return 0;
		octets[k] = v;
	}
	if (j < len && (isalnum((unsigned char)s[j]) ||
			(s[j] == '.' && j + 1 < len && isdigit((unsigned char)s[j + 1]))))
		return 0; /* a longer dotted number: a version, not an address */
	if (i > 0 && s[i - 1] == '.')
		return 0;
	if (octets[0] == 127 || (octets[0] | octets[1] | octets[2] | octets[3]) == 0)
		put(b, s + i, j - i);
	else
		puts_(b, "<ip>");
	return j - i;
}

static size_t m_mac(const char *s, size_t i, size_t len, struct buf *b)
{
	if (i + 17 > len)
		return 0;
	for (size_t k = 0; k < 17; k++) {
		char c = s[i + k];
		if (k % 3 == 2 ? c != ':' : !isxdigit((unsigned char)c))
			return 0;
	}
	if (i + 17 < len && (isxdigit((unsigned char)s[i + 17]) || s[i + 17] == ':'))
		return 0;
	puts_(b, "<mac>");
	return 17;
}

static void copy_line(const struct rs_redact_rules *r, const char *s, size_t len, struct buf *b)
{
	size_t i = 0;
	while (i < len) {
		size_t used = 0;
		if (s[i] == '/')
			used = m_home(r, s, i, len, b);
		if (!used && (i == 0 || !is_word(s[i - 1]))) {
			if (is_word(s[i]))
				used = m_byid(r, s, i, len, b);
			if (!used)
				used = m_listed(r, s, i, len, b);
			if (!used && isdigit((unsigned char)s[i]))
				used = m_ipv4(s, i, len, b);
			if (!used && isxdigit((unsigned char)s[i]))
				used = m_mac(s, i, len, b);
		}
		if (used) {
			i += used;
		} else {
			put(b, s + i, 1);
			i++;
		}
	}
}

char *rs_redact(const struct rs_redact_rules *r, const char *text, size_t len, size_t *out_len)
{
	struct buf b = { 0 };
	put(&b, "", 0);
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		if (rs_redact_line_is_secret(text + i, n))
			puts_(&b, RS_REDACT_REMOVED_LINE);
		else
			copy_line(r, text + i, n, &b);
		if (nl)
			put(&b, "\n", 1);
		i += n + (nl ? 1 : 0);
	}
	if (out_len)
		*out_len = b.len;
	return b.p;
}
