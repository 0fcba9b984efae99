/* Failure reports and shell commands for the terminal tests. */
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

const char *harness_name = "test";
const char *term = "";
int failures;

void fail_at(struct vt *t, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "FAIL [TERM=%s] %s:%d: ", term, harness_name, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	if (t && t->vt) {
		char *s = vt_text(t);
		fprintf(stderr, "---- screen ----\n%s----------------\n", s);
		free(s);
	}
	failures++;
}

int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int st = system(cmd);
	if (st == -1)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
