/* What the terminal tests share: a failure line with the screen as it was,
 * CHECK and EXPECT for scenario functions (they need a `struct vt *t` in
 * scope and WAIT_MS defined), and shell commands. Each test sets
 * harness_name and term before its first scenario. */
#ifndef RS_TEST_HARNESS_H
#define RS_TEST_HARNESS_H

#include "vt.h"

extern const char *harness_name; /* the test's source file, for failure lines */
extern const char *term;         /* the TERM under test */
extern int failures;

#define CHECK(cond, ...)                                                                   \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fail_at(t, __LINE__, __VA_ARGS__);                                 \
			return false;                                                      \
		}                                                                          \
	} while (0)
#define EXPECT(text) CHECK(vt_wait(t, text, WAIT_MS), "expected \"%s\" on screen", text)

/* Counts a failure and prints it with t's screen (t may be NULL). */
void fail_at(struct vt *t, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Runs a shell command: its exit code, 128 + the signal that ended it, or -1. */
int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
