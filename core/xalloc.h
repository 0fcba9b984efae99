/* Allocation that aborts on exhaustion: a setup wizard cannot do anything
 * useful without memory, and checking every small string would hide the logic. */
#ifndef RS_CORE_XALLOC_H
#define RS_CORE_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *rs_xmalloc(size_t size);
void *rs_xcalloc(size_t n, size_t size);
void *rs_xrealloc(void *ptr, size_t size);
char *rs_xstrdup(const char *s);
char *rs_xstrndup(const char *s, size_t n);
char *rs_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *rs_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
