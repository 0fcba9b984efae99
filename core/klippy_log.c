#include "core/klippy_log.h"

#include <stdio.h>
#include <string.h>

void rs_klog_init(struct rs_klog *k)
{
	memset(k, 0, sizeof(*k));
}

/* Copies at most the field's size, stopping at any of stop (or the end). */
static void take(char *dst, size_t size, const char *src, const char *stop)
{
	size_t n = stop ? strcspn(src, stop) : strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	/* Versions have no blanks; trailing ones come from "\r\n" logs. */
	while (n && (dst[n - 1] == ' ' || dst[n - 1] == '\r' || dst[n - 1] == '\t'))
		dst[--n] = '\0';
}

static struct rs_klog_mcu *mcu(struct rs_klog *k, const char *name, size_t len)
{
	if (!len || len >= sizeof(k->mcus[0].name))
		return NULL;
	for (size_t i = 0; i < k->mcu_count; i++)
		if (strlen(k->mcus[i].name) == len && strncmp(k->mcus[i].name, name, len) == 0)
			return &k->mcus[i];
	if (k->mcu_count == RS_KLOG_MAX_MCUS)
		return NULL;
	struct rs_klog_mcu *m = &k->mcus[k->mcu_count++];
	memset(m, 0, sizeof(*m));
	memcpy(m->name, name, len);
	return m;
}

/* "'name'" at p: the name's length, 0 when it is not quoted there. */
static size_t quoted(const char *p, const char **name)
{
	if (*p != '\'')
		return 0;
	const char *end = strchr(p + 1, '\'');
	if (!end)
		return 0;
	*name = p + 1;
	return (size_t)(end - p - 1);
}

static void new_start(struct rs_klog *k)
{
	k->have_start = true;
	k->starts++;
	k->start_line = k->lines;
	k->odd_at_start = k->odd_bytes;
	k->bytes_at_start = k->fed;
	k->host_version[0] = '\0';
	k->error_host_version[0] = '\0';
	k->mcu_count = 0;
	k->protocol_error = false;
	k->list = 0;
}

/* "<name>: Current version <v>" inside the Protocol error's lists. */
static bool listed(struct rs_klog *k, const char *l)
{
	const char *sep = strstr(l, ": Current version ");
	if (!sep)
		return strcmp(l, "<none>") == 0;
	struct rs_klog_mcu *m = mcu(k, l, (size_t)(sep - l));
	if (!m)
		return true;
	m->listed = k->list == 1 ? RS_KLOG_TO_UPDATE : RS_KLOG_UP_TO_DATE;
	if (!m->version[0])
		take(m->version, sizeof(m->version), sep + strlen(": Current version "), " ");
	return true;
}

static void line(struct rs_klog *k, const char *l)
{
	const char *p, *name;
	size_t n;
	if (strstr(l, "Starting Klippy...")) {
		new_start(k);
		return;
	}
	if (k->list && listed(k, l))
		return;
	k->list = 0;
	if ((p = strstr(l, "Git version: "))) {
		p += strlen("Git version: ");
		take(k->host_version, sizeof(k->host_version), *p == '\'' ? p + 1 : p, "' ");
	} else if ((p = strstr(l, "Loaded MCU ")) && (n = quoted(p + 11, &name))) {
		struct rs_klog_mcu *m = mcu(k, name, n);
		const char *v = strchr(name + n, '(');
		if (m && v)
			take(m->version, sizeof(m->version), v + 1, " )");
	} else if ((p = strstr(l, "MCU ")) && (n = quoted(p + 4, &name)) &&
		   strncmp(name + n + 1, " config: ", 9) == 0) {
		struct rs_klog_mcu *m = mcu(k, name, n);
		const char *c = strstr(name + n, " MCU=");
		if (m && c)
			take(m->chip, sizeof(m->chip), c + 5, " ");
	} else if (strncmp(l, "MCU Protocol error", 18) == 0) {
		k->protocol_error = true;
	} else if ((p = strstr(l, "Your Klipper version is: "))) {
		take(k->error_host_version, sizeof(k->error_host_version), p + 25, " ");
	} else if (strstr(l, "MCU(s) which should be updated:")) {
		k->list = 1;
	} else if (strstr(l, "Up-to-date MCU(s):")) {
		k->list = 2;
	}
}

void rs_klog_feed(struct rs_klog *k, const char *buf, size_t len)
{
	k->bytes += len;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		k->fed++;
		if (c == '\n') {
			k->line[k->line_len] = '\0';
			k->lines++;
			line(k, k->line);
			k->line_len = 0;
			continue;
		}
		if (c == 0 || (c < 0x20 && c != '\t' && c != '\r' && c != 0x1b) || c == 0x7f) {
			k->odd_bytes++;
			c = ' '; /* a NUL would end the line early */
		}
		if (k->line_len < sizeof(k->line) - 1)
			k->line[k->line_len++] = (char)c;
	}
}

void rs_klog_finish(struct rs_klog *k)
{
	if (k->line_len) {
		k->line[k->line_len] = '\0';
		k->lines++;
		line(k, k->line);
		k->line_len = 0;
	}
}

bool rs_klog_looks_binary(const struct rs_klog *k)
{
	/* More than 1 in 20 bytes: no text log looks like that. */
	unsigned long long odd = k->odd_bytes - k->odd_at_start;
	unsigned long long n = k->fed - k->bytes_at_start;
	return n && odd * 20 > n;
}

const struct rs_klog_mcu *rs_klog_find(const struct rs_klog *k, const char *name)
{
	for (size_t i = 0; i < k->mcu_count; i++)
		if (strcmp(k->mcus[i].name, name) == 0)
			return &k->mcus[i];
	return NULL;
}
