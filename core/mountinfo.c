#include "core/file_read.h"
#include "core/mountinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* The kernel escapes space, tab, newline and backslash as \ooo. */
static char *unescape(const char *s, size_t n)
{
	char *out = rs_xmalloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' &&
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

/* Splits line into at most max space-separated fields (pointers + lengths). */
static size_t split(const char *line, size_t len, const char **f, size_t *fl, size_t max)
{
	size_t n = 0, i = 0;
	while (i < len && n < max) {
		while (i < len && line[i] == ' ')
			i++;
		if (i >= len)
			break;
		f[n] = line + i;
		while (i < len && line[i] != ' ')
			i++;
		fl[n] = (size_t)(line + i - f[n]);
		n++;
	}
	return n;
}

static void parse_line(const char *line, size_t len, struct rs_mounts *out)
{
	const char *f[64];
	size_t fl[64];
	size_t n = split(line, len, f, fl, 64);
	size_t sep = 0;
	for (size_t i = 6; i < n; i++) {
		if (fl[i] == 1 && f[i][0] == '-') {
			sep = i;
			break;
		}
	}
	if (!sep || sep + 1 >= n)
		return;
	unsigned major, minor;
	char devbuf[32];
	if (fl[2] >= sizeof(devbuf))
		return;
	memcpy(devbuf, f[2], fl[2]);
	devbuf[fl[2]] = '\0';
	char tail;
	if (sscanf(devbuf, "%u:%u%c", &major, &minor, &tail) != 2)
		return;
	out->items = rs_xrealloc(out->items, (out->count + 1) * sizeof(*out->items));
	struct rs_mount *m = &out->items[out->count++];
	m->major = major;
	m->minor = minor;
	m->mountpoint = unescape(f[4], fl[4]);
	m->fstype = unescape(f[sep + 1], fl[sep + 1]);
	m->source = sep + 2 < n ? unescape(f[sep + 2], fl[sep + 2]) : rs_xstrdup("");
}

void rs_mountinfo_parse(const char *text, struct rs_mounts *out)
{
	memset(out, 0, sizeof(*out));
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		parse_line(text, len, out);
		text += len + (nl != NULL);
	}
}

bool rs_mountinfo_read(const char *path, struct rs_mounts *out)
{
	memset(out, 0, sizeof(*out));
	size_t len;
	/* A mount table of thousands of lines is still far below 4 MiB. */
	char *buf = rs_file_read(path, 4u << 20, &len, NULL);
	if (!buf)
		return false;
	rs_mountinfo_parse(buf, out);
	free(buf);
	return true;
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

void rs_mounts_add(struct rs_mounts *m, unsigned major, unsigned minor, const char *mountpoint,
		   const char *fstype, const char *source)
{
	m->items = rs_xrealloc(m->items, (m->count + 1) * sizeof(*m->items));
	struct rs_mount *e = &m->items[m->count++];
	e->major = major;
	e->minor = minor;
	e->mountpoint = rs_xstrdup(mountpoint);
	e->fstype = rs_xstrdup(fstype);
	e->source = rs_xstrdup(source);
}

const struct rs_mount *rs_mounts_of(const struct rs_mounts *m, unsigned major, unsigned minor,
				    const char *devnode, size_t i)
{
	for (size_t k = 0; k < m->count; k++) {
		const struct rs_mount *mt = &m->items[k];
		bool same = (mt->major == major && mt->minor == minor && major != 0) ||
			    (devnode && strcmp(mt->source, devnode) == 0);
		if (same && i-- == 0)
			return mt;
	}
	return NULL;
}
