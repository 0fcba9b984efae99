#include "platform/sdjob_wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"

char *rs_sdwire_escape(const char *s)
{
	size_t n = strlen(s);
	char *out = rs_xmalloc(n * 4 + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			o += sprintf(o, "\\x%02x", *p);
		else
			*o++ = (char)*p;
	}
	*o = '\0';
	return out;
}

void rs_sdwire_emit(const char *what, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *fields = rs_xvasprintf(fmt, ap);
	va_end(ap);
	char *line = rs_xasprintf("sd\t%s\t%s\n", what, fields);
	size_t len = strlen(line), off = 0;
	while (off < len) {
		ssize_t w = write(STDOUT_FILENO, line + off, len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(line);
	free(fields);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

static void unescape(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		int hi, lo;
		if (p[0] == '\\' && p[1] == 'x' && (hi = hexval(p[2])) >= 0 && (lo = hexval(p[3])) >= 0 &&
		    (hi || lo)) {
			*o++ = (char)(hi * 16 + lo);
			p += 3;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

size_t rs_sdwire_split(char *line, char *fields[RS_SDWIRE_MAX_FIELDS])
{
	if (strncmp(line, "sd\t", 3) != 0)
		return 0;
	size_t n = 0;
	for (char *p = line + 3; p && n < RS_SDWIRE_MAX_FIELDS;) {
		char *tab = strchr(p, '\t');
		if (tab)
			*tab = '\0';
		unescape(p);
		fields[n++] = p;
		p = tab ? tab + 1 : NULL;
	}
	return n;
}
