#include "core/file_read.h"
#include "core/sidecar.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text_safe.h"
#include "core/xalloc.h"

#define SIDECAR_MAX (64 * 1024)

struct field {
	const char *key;
	size_t offset; /* of a char * in struct rs_sidecar */
	bool required;
};

static const struct field fields[] = {
	{ "board", offsetof(struct rs_sidecar, board), false },
	{ "version", offsetof(struct rs_sidecar, version), true },
	{ "tree_version", offsetof(struct rs_sidecar, tree_version), false },
	{ "tree_commit", offsetof(struct rs_sidecar, tree_commit), false },
	{ "mcu", offsetof(struct rs_sidecar, mcu), true },
	{ "fragment_sha256", offsetof(struct rs_sidecar, fragment_sha256), false },
	{ "config_sha256", offsetof(struct rs_sidecar, config_sha256), false },
	{ "sha256", offsetof(struct rs_sidecar, sha256), true },
	{ "built_at", offsetof(struct rs_sidecar, built_at), false },
	{ "image", offsetof(struct rs_sidecar, image), false },
	{ "uf2", offsetof(struct rs_sidecar, uf2), false },
	{ "uf2_sha256", offsetof(struct rs_sidecar, uf2_sha256), false },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static char **slot(struct rs_sidecar *sc, const struct field *f)
{
	return (char **)((char *)sc + f->offset);
}

char *rs_sidecar_format(const struct rs_sidecar *sc)
{
	char *out = rs_xstrdup("# ratos-setup firmware build record\n");
	for (size_t i = 0; i < NFIELDS; i++) {
		const char *v = *slot((struct rs_sidecar *)sc, &fields[i]);
		if (!v)
			continue;
		char *clean = rs_xstrdup(v);
		for (char *p = clean; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		char *next = rs_xasprintf("%s%s=%s\n", out, fields[i].key, clean);
		free(clean);
		free(out);
		out = next;
		if (strcmp(fields[i].key, "sha256") == 0) {
			next = rs_xasprintf("%ssize=%llu\n", out, sc->size);
			free(out);
			out = next;
		}
	}
	return out;
}

bool rs_sidecar_parse(const char *file, const char *buf, size_t len, struct rs_sidecar *out,
		      struct rs_errors *errs)
{
	struct rs_sidecar sc;
	memset(&sc, 0, sizeof(sc));
	memset(out, 0, sizeof(*out));
	bool have_size = false, ok = true;
	int lineno = 0;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		char *line = rs_xstrndup(buf + pos, ll);
		pos += ll + 1;
		lineno++;
		size_t n = strlen(line);
		while (n && line[n - 1] == '\r')
			line[--n] = '\0';
		char *eq = strchr(line, '=');
		if (n == 0 || line[0] == '#' || !eq) {
			if (n && line[0] != '#') {
				rs_errors_add(errs, RS_ERR_SYNTAX, file, lineno, 1,
					      "expected key=value");
				ok = false;
			}
			free(line);
			continue;
		}
		*eq = '\0';
		const char *val = eq + 1;
		if (strcmp(line, "size") == 0) {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(val, &end, 10);
			if (!*val || *end || errno || *val == '-') {
				rs_errors_add(errs, RS_ERR_TYPE, file, lineno, 6,
					      "size must be a number of bytes");
				ok = false;
			} else {
				sc.size = v;
				have_size = true;
			}
		}
		for (size_t i = 0; i < NFIELDS; i++) {
			if (strcmp(line, fields[i].key) == 0) {
				char **s = slot(&sc, &fields[i]);
				free(*s);
				/* The file sits in the user's folder: its text is
				 * kept display-safe (real values are plain ASCII). */
				*s = rs_text_safe(val);
			}
		}
		free(line);
	}
	for (size_t i = 0; i < NFIELDS; i++) {
		if (fields[i].required && !*slot(&sc, &fields[i])) {
			rs_errors_add(errs, RS_ERR_MISSING_KEY, file, 0, 0, "no %s", fields[i].key);
			ok = false;
		}
	}
	if (!have_size) {
		rs_errors_add(errs, RS_ERR_MISSING_KEY, file, 0, 0, "no size");
		ok = false;
	}
	if (!ok) {
		rs_sidecar_free(&sc);
		return false;
	}
	*out = sc;
	return true;
}

bool rs_sidecar_load_file(const char *path, struct rs_sidecar *out, struct rs_errors *errs)
{
	memset(out, 0, sizeof(*out));
	size_t len;
	char *buf = rs_file_read(path, SIDECAR_MAX, &len, errs);
	if (!buf)
		return false;
	bool ok = rs_sidecar_parse(path, buf, len, out, errs);
	free(buf);
	return ok;
}

void rs_sidecar_free(struct rs_sidecar *sc)
{
	for (size_t i = 0; i < NFIELDS; i++)
		free(*slot(sc, &fields[i]));
	memset(sc, 0, sizeof(*sc));
}
