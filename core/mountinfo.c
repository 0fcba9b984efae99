#include "core/mountinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape(const char *s, size_t n)
{
	char *out = rs_xmalloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n + 1 && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			*o++ = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* Splits one line into space-separated fields (at most max). */
static size_t fields(const char *line, size_t len, const char **f, size_t *flen, size_t max)
{
	size_t n = 0, i = 0;
	while (i < len && n < max) {
		while (i < len && line[i] == ' ')
			i++;
		if (i >= len)
			break;
		size_t start = i;
		while (i < len && line[i] != ' ')
			i++;
		f[n] = line + start;
		flen[n++] = i - start;
	}
	return n;
}

static void parse_line(const char *line, size_t len, struct rs_mounts *out)
{
	const char *f[32];
	size_t fl[32];
	size_t n = fields(line, len, f, fl, 32);
	/* id parent major:minor root mountpoint options [optional...] - fstype source super */
	if (n < 10)
		return;
	unsigned major, minor;
	char mm[32];
	if (fl[2] >= sizeof(mm))
		return;
	memcpy(mm, f[2], fl[2]);
	mm[fl[2]] = '\0';
	if (sscanf(mm, "%u:%u", &major, &minor) != 2)
		return;
	size_t sep = 6;
	while (sep < n && !(fl[sep] == 1 && f[sep][0] == '-'))
		sep++;
	if (sep + 2 >= n)
		return;
	out->items = rs_xrealloc(out->items, (out->count + 1) * sizeof(*out->items));
	struct rs_mount *m = &out->items[out->count++];
	m->major = major;
	m->minor = minor;
	m->mountpoint = unescape(f[4], fl[4]);
	m->fstype = unescape(f[sep + 1], fl[sep + 1]);
	m->source = unescape(f[sep + 2], fl[sep + 2]);
}

void rs_mountinfo_parse(const char *text, struct rs_mounts *out)
{
	memset(out, 0, sizeof(*out));
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		parse_line(text, len, out);
		text += len + (nl ? 1 : 0);
	}
}

void rs_mounts_free(struct rs_mounts *m)
{
	for (size_t i = 0; i < m->count; i++) {
		free(m->items[i].mountpoint);
		free(m->items[i].fstype);
		free(m->items[i].source);
	}
	free(m->items);
	memset(m, 0, sizeof(*m));
}

const struct rs_mount *rs_mounts_find(const struct rs_mounts *m, unsigned major, unsigned minor,
				      const char *source)
{
	for (size_t i = 0; i < m->count; i++) {
		const struct rs_mount *e = &m->items[i];
		/* major 0 is for virtual filesystems, never a card. */
		if (major != 0 && e->major == major && e->minor == minor)
			return e;
		if (source && strcmp(e->source, source) == 0)
			return e;
	}
	return NULL;
}

bool rs_mount_is_system(const struct rs_mount *m)
{
	static const char *const system[] = { "/", "/boot", "/boot/firmware", "/boot/efi",
					      "/usr", "/var", "/home" };
	if (m->major == 0)
		return false;
	for (size_t i = 0; i < sizeof(system) / sizeof(system[0]); i++)
		if (strcmp(m->mountpoint, system[i]) == 0)
			return true;
	return false;
}
