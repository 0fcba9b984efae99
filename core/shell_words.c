#include "core/shell_words.h"

#include <stdbool.h>
#include <string.h>

#include "core/xalloc.h"

static bool plain(const char *arg)
{
	if (!*arg)
		return false;
	for (const char *c = arg; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "-_./=:,+@%", *c))
			return false;
	return true;
}

char *rs_shell_join(const char *const argv[])
{
	size_t need = 1;
	for (size_t i = 0; argv[i]; i++)
		need += 4 * strlen(argv[i]) + 3;
	char *buf = rs_xmalloc(need);
	char *o = buf;
	for (size_t i = 0; argv[i]; i++) {
		if (i)
			*o++ = ' ';
		if (plain(argv[i])) {
			o = stpcpy(o, argv[i]);
			continue;
		}
		*o++ = '\'';
		for (const char *c = argv[i]; *c; c++) {
			if (*c == '\'')
				o = stpcpy(o, "'\\''");
			else
				*o++ = *c;
		}
		*o++ = '\'';
	}
	*o = '\0';
	return buf;
}
