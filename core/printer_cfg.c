#include "core/printer_cfg.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

struct parser {
	struct rs_pcfg *cfg;
	const char *file;
	struct rs_pcfg_mcu *cur; /* the [mcu ...] section being read, or NULL */
	char key[32];            /* last option, for continuation lines */
};

static void copy(char *dst, size_t size, const char *src, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static struct rs_pcfg_mcu *mcu(struct rs_pcfg *cfg, const char *name, size_t n)
{
	if (!n || n >= sizeof(cfg->mcus[0].name))
		return NULL;
	for (size_t i = 0; i < cfg->mcu_count; i++)
		if (strlen(cfg->mcus[i].name) == n && strncmp(cfg->mcus[i].name, name, n) == 0)
			return &cfg->mcus[i];
	if (cfg->mcu_count == RS_PCFG_MAX_MCUS)
		return NULL;
	struct rs_pcfg_mcu *m = &cfg->mcus[cfg->mcu_count++];
	memset(m, 0, sizeof(*m));
	copy(m->name, sizeof(m->name), name, n);
	return m;
}

static void header(struct parser *p, const char *s, size_t n, int lineno, rs_pcfg_include_fn inc,
		   void *ctx)
{
	p->cur = NULL;
	p->key[0] = '\0';
	trim(&s, &n);
	if (n > 8 && strncmp(s, "include", 7) == 0 && isspace((unsigned char)s[7])) {
		char pattern[1024];
		const char *v = s + 8;
		size_t vn = n - 8;
		trim(&v, &vn);
		copy(pattern, sizeof(pattern), v, vn);
		if (inc && pattern[0])
			inc(ctx, pattern, p->file, lineno);
		return;
	}
	if (n < 3 || strncmp(s, "mcu", 3) != 0 || (n > 3 && !isspace((unsigned char)s[3])))
		return;
	/* Klipper names an MCU by the last word of its section. */
	const char *w = s + n;
	while (w > s && !isspace((unsigned char)w[-1]))
		w--;
	p->cur = mcu(p->cfg, w, (size_t)(s + n - w));
	if (p->cur && !p->cur->file[0]) {
		snprintf(p->cur->file, sizeof(p->cur->file), "%s", p->file);
		p->cur->line = lineno;
	}
}

static void option(struct parser *p, const char *s, size_t n, int lineno)
{
	/* The text is not NUL-terminated: look only within the line. */
	size_t k = 0;
	while (k < n && s[k] != ':' && s[k] != '=')
		k++;
	if (k >= n || !p->cur)
		return;
	const char *key = s, *val = s + k + 1;
	size_t kn = k, vn = n - k - 1;
	trim(&key, &kn);
	trim(&val, &vn);
	copy(p->key, sizeof(p->key), key, kn);
	if (strcmp(p->key, "serial") == 0) {
		copy(p->cur->serial, sizeof(p->cur->serial), val, vn);
		snprintf(p->cur->file, sizeof(p->cur->file), "%s", p->file);
		p->cur->line = lineno;
	} else if (strcmp(p->key, "canbus_uuid") == 0) {
		copy(p->cur->canbus_uuid, sizeof(p->cur->canbus_uuid), val, vn);
	}
}

void rs_pcfg_parse(struct rs_pcfg *cfg, const char *file, const char *text, size_t len,
		   rs_pcfg_include_fn include, void *ctx)
{
	struct parser p = { .cfg = cfg, .file = file };
	int lineno = 0;
	for (size_t pos = 0; pos < len;) {
		const char *l = text + pos;
		const char *nl = memchr(l, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - l) : len - pos;
		pos += n + 1;
		lineno++;
		/* Comments: a whole line, or from a '#'/';' on (Klipper's
		 * inline_comment_prefixes); a serial path holds neither. */
		size_t c = 0;
		while (c < n && l[c] != '#' && l[c] != ';')
			c++;
		bool indented = n && (l[0] == ' ' || l[0] == '\t');
		const char *s = l;
		size_t sn = c;
		trim(&s, &sn);
		if (!sn)
			continue;
		if (indented)
			continue; /* a continuation of a multi-line value: none we read */
		if (s[0] == '[') {
			const char *close = memchr(s, ']', sn);
			if (close)
				header(&p, s + 1, (size_t)(close - s - 1), lineno, include, ctx);
			else
				p.cur = NULL;
			continue;
		}
		option(&p, s, sn, lineno);
	}
}

bool rs_pcfg_serial_names(const char *serial, char *id, size_t idlen, char *chip, size_t chiplen)
{
	id[0] = chip[0] = '\0';
	static const char ratos[] = "/dev/RatOS/";
	static const char byid[] = "/dev/serial/by-id/usb-Klipper_";
	if (strncmp(serial, ratos, sizeof(ratos) - 1) == 0) {
		const char *v = serial + sizeof(ratos) - 1;
		if (!*v || strchr(v, '/'))
			return false;
		snprintf(id, idlen, "%s", v);
		return true;
	}
	if (strncmp(serial, byid, sizeof(byid) - 1) != 0)
		return false;
	/* usb-Klipper_<mcu>_<serial>-if00: the MCU has no '_', the serial may. */
	const char *m = serial + sizeof(byid) - 1;
	const char *us = strchr(m, '_');
	if (!us)
		return false;
	copy(chip, chiplen, m, (size_t)(us - m));
	const char *v = us + 1;
	size_t n = strlen(v);
	const char *tail = n >= 5 ? v + n - 5 : NULL;
	if (tail && strncmp(tail, "-if", 3) == 0)
		n -= 5;
	if (!n)
		return false;
	copy(id, idlen, v, n);
	return true;
}
