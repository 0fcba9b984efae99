/* A terminal for tests: the real binary in a pseudo-terminal, its output fed
 * to libvterm, keys sent through libvterm so they match the TERM's modes. */
#ifndef RS_TEST_VT_H
#define RS_TEST_VT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <vterm.h>

struct vt {
	pid_t pid;
	int fd;
	VTerm *vt;
	VTermScreen *scr;
	int rows, cols;
	size_t bytes; /* everything the program wrote so far */
	bool exited;
	int status;   /* wait status once exited */
	long maxrss_kib;
	bool altscreen;      /* the program switched to the alternate screen */
	bool cursor_hidden;  /* ... and hid the cursor */
};

/* Starts argv in a rows x cols pty with env ("NAME=value", NULL-terminated)
 * added to the environment. */
bool vt_spawn(struct vt *t, int rows, int cols, char *const argv[], char *const env[]);
/* Reads what is there, waiting at most ms for the first byte. */
void vt_pump(struct vt *t, int ms);
/* Reads until nothing new arrived for quiet_ms. */
void vt_settle(struct vt *t, int quiet_ms);
/* Pumps until the screen (whitespace collapsed) contains text; false after
 * timeout_ms. */
bool vt_wait(struct vt *t, const char *text, int timeout_ms);
bool vt_wait_gone(struct vt *t, const char *text, int timeout_ms);
bool vt_has(struct vt *t, const char *text);
void vt_key(struct vt *t, VTermKey key);
void vt_char(struct vt *t, unsigned c);
void vt_type(struct vt *t, const char *s);
/* Sends the key whose terminfo capability is cap ("kf1", "kend") for term:
 * libvterm encodes keys as xterm does, the Linux console does not. */
bool vt_key_cap(struct vt *t, const char *term, const char *cap);
void vt_resize(struct vt *t, int rows, int cols);
/* The screen as text: rows joined by '\n', trailing blanks dropped, line
 * drawing as + - |. Caller frees. */
char *vt_text(struct vt *t);
/* Attributes of one cell. */
bool vt_cell(struct vt *t, int row, int col, VTermScreenCell *cell);
/* Waits for the program to end; returns its exit code (or 128+signal), -1
 * on timeout. */
int vt_wait_exit(struct vt *t, int timeout_ms);
void vt_close(struct vt *t);

#endif
