#include "core/build_output.h"

#include <string.h>

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void set_arg(struct rs_build_line *res, const char *arg, const char *out_dir)
{
	size_t on = out_dir ? strlen(out_dir) : 0;
	if (on && strncmp(arg, out_dir, on) == 0)
		arg += on;
	size_t n = strlen(arg);
	while (n && (arg[n - 1] == '\r' || arg[n - 1] == ' '))
		n--;
	res->arg = arg;
	res->arg_len = n;
}

void rs_build_output_classify(const char *line, const char *out_dir, struct rs_build_line *res)
{
	static const struct {
		const char *prefix;
		enum rs_build_line_kind kind;
	} table[] = {
		{ "  Compiling ", RS_BLINE_COMPILING },
		{ "  Linking ", RS_BLINE_LINKING },
		{ "  Creating bin file ", RS_BLINE_BIN },
		{ "  Creating hex file ", RS_BLINE_BIN },
		{ "  Creating uf2 file ", RS_BLINE_BIN },
		{ "Version: ", RS_BLINE_VERSION },
	};
	res->kind = RS_BLINE_OTHER;
	res->arg = line + strlen(line);
	res->arg_len = 0;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (starts(line, table[i].prefix)) {
			res->kind = table[i].kind;
			set_arg(res, line + strlen(table[i].prefix),
				table[i].kind == RS_BLINE_VERSION ? NULL : out_dir);
			return;
		}
	}
	/* gcc: "file:line:col: error: ...", "fatal error:"; ld: "undefined
	 * reference"; make: "make: *** [...] Error 1"; python: "Error:". */
	if (strstr(line, "error:") || strstr(line, "Error:") || strstr(line, "undefined reference") ||
	    (strstr(line, "*** ") && (starts(line, "make") || strstr(line, "Error "))))
		res->kind = RS_BLINE_ERROR;
}

bool rs_build_output_is_compile_step(const char *line)
{
	/* make -n prints the recipe: echo "  Compiling <OUT>src/x.o" */
	return strstr(line, "  Compiling ") != NULL;
}

void rs_linebuf_feed(struct rs_linebuf *lb, const char *data, size_t len, rs_line_fn fn, void *ctx)
{
	for (size_t i = 0; i < len; i++) {
		char c = data[i];
		if (c == '\n' || lb->len == RS_LINEBUF_SIZE - 1) {
			lb->buf[lb->len] = '\0';
			fn(ctx, lb->buf);
			lb->len = 0;
			if (c == '\n')
				continue;
		}
		lb->buf[lb->len++] = c == '\0' ? ' ' : c;
	}
}

void rs_linebuf_flush(struct rs_linebuf *lb, rs_line_fn fn, void *ctx)
{
	if (!lb->len)
		return;
	lb->buf[lb->len] = '\0';
	fn(ctx, lb->buf);
	lb->len = 0;
}
