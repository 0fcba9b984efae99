#include "core/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *check(void *p)
{
	if (!p)
		abort();
	return p;
}

void *rs_xmalloc(size_t size) { return check(malloc(size ? size : 1)); }
void *rs_xcalloc(size_t n, size_t size) { return check(calloc(n ? n : 1, size ? size : 1)); }
void *rs_xrealloc(void *ptr, size_t size) { return check(realloc(ptr, size ? size : 1)); }
char *rs_xstrdup(const char *s) { return check(strdup(s)); }
char *rs_xstrndup(const char *s, size_t n) { return check(strndup(s, n)); }

char *rs_xvasprintf(const char *fmt, va_list ap)
{
	char *out = NULL;
	if (vasprintf(&out, fmt, ap) < 0)
		abort();
	return out;
}

char *rs_xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *out = rs_xvasprintf(fmt, ap);
	va_end(ap);
	return out;
}
