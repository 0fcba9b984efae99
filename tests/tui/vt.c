#include "vt.h"

#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>
#include <term.h>

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void to_pty(const char *s, size_t len, void *user)
{
	struct vt *t = user;
	while (len) {
		ssize_t n = write(t->fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

/* Terminal modes the program sets: whether it left them as it found them
 * is what "the terminal was restored" means. */
static int on_termprop(VTermProp prop, VTermValue *val, void *user)
{
	struct vt *t = user;
	if (prop == VTERM_PROP_ALTSCREEN)
		t->altscreen = val->boolean;
	else if (prop == VTERM_PROP_CURSORVISIBLE)
		t->cursor_hidden = !val->boolean;
	return 1;
}

static const VTermScreenCallbacks screen_cbs = { .settermprop = on_termprop };

bool vt_spawn(struct vt *t, int rows, int cols, char *const argv[], char *const env[])
{
	memset(t, 0, sizeof(*t));
	t->rows = rows;
	t->cols = cols;
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	t->pid = forkpty(&t->fd, NULL, NULL, &ws);
	if (t->pid < 0)
		return false;
	if (t->pid == 0) {
		for (size_t i = 0; env && env[i]; i++)
			putenv(env[i]);
		execv(argv[0], argv);
		_exit(127);
	}
	t->vt = vterm_new(rows, cols);
	vterm_set_utf8(t->vt, 1);
	vterm_output_set_callback(t->vt, to_pty, t);
	t->scr = vterm_obtain_screen(t->vt);
	vterm_screen_set_callbacks(t->scr, &screen_cbs, t);
	vterm_screen_reset(t->scr, 1);
	return true;
}

static void reap(struct vt *t)
{
	if (t->exited)
		return;
	struct rusage ru;
	int st;
	if (wait4(t->pid, &st, WNOHANG, &ru) == t->pid) {
		t->exited = true;
		t->status = st;
		t->maxrss_kib = ru.ru_maxrss;
	}
}

void vt_pump(struct vt *t, int ms)
{
	char buf[8192];
	struct pollfd p = { .fd = t->fd, .events = POLLIN };
	int wait = ms;
	while (poll(&p, 1, wait) > 0) {
		ssize_t n = read(t->fd, buf, sizeof(buf));
		if (n <= 0) {
			reap(t);
			return; /* EIO: the program closed the terminal */
		}
		t->bytes += (size_t)n;
		vterm_input_write(t->vt, buf, (size_t)n);
		wait = 0;
	}
	reap(t);
}

void vt_settle(struct vt *t, int quiet_ms)
{
	size_t before;
	do {
		before = t->bytes;
		vt_pump(t, quiet_ms);
	} while (t->bytes != before && !t->exited);
}

static char *collapsed(struct vt *t)
{
	char *s = vt_text(t);
	char *o = s;
	bool space = false;
	for (char *p = s; *p; p++) {
		/* Box borders split wrapped text; they count as blanks here. */
		if (*p == ' ' || *p == '\n' || *p == '|') {
			space = true;
			continue;
		}
		if (space && o != s)
			*o++ = ' ';
		space = false;
		*o++ = *p;
	}
	*o = '\0';
	return s;
}

bool vt_has(struct vt *t, const char *text)
{
	char *s = collapsed(t);
	bool hit = strstr(s, text) != NULL;
	free(s);
	return hit;
}

static bool wait_for(struct vt *t, const char *text, int timeout_ms, bool present)
{
	long end = now_ms() + timeout_ms;
	for (;;) {
		if (vt_has(t, text) == present)
			return true;
		long left = end - now_ms();
		if (left <= 0 || t->exited)
			return vt_has(t, text) == present;
		vt_pump(t, left < 50 ? (int)left : 50);
	}
}

bool vt_wait(struct vt *t, const char *text, int timeout_ms)
{
	return wait_for(t, text, timeout_ms, true);
}

bool vt_wait_gone(struct vt *t, const char *text, int timeout_ms)
{
	return wait_for(t, text, timeout_ms, false);
}

void vt_key(struct vt *t, VTermKey key)
{
	vterm_keyboard_key(t->vt, key, VTERM_MOD_NONE);
}

void vt_char(struct vt *t, unsigned c)
{
	vterm_keyboard_unichar(t->vt, c, VTERM_MOD_NONE);
}

void vt_type(struct vt *t, const char *s)
{
	for (; *s; s++)
		vt_char(t, (unsigned char)*s);
}

bool vt_key_cap(struct vt *t, const char *term, const char *cap)
{
	static char loaded[64];
	int err;
	if (strcmp(loaded, term) != 0) {
		if (setupterm((char *)term, -1, &err) != OK)
			return false;
		snprintf(loaded, sizeof(loaded), "%s", term);
	}
	const char *seq = tigetstr((char *)cap);
	if (!seq || seq == (char *)-1)
		return false;
	to_pty(seq, strlen(seq), t);
	return true;
}

void vt_resize(struct vt *t, int rows, int cols)
{
	t->rows = rows;
	t->cols = cols;
	vterm_set_size(t->vt, rows, cols);
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	ioctl(t->fd, TIOCSWINSZ, &ws); /* the kernel sends SIGWINCH */
}

static size_t put_utf8(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	o[0] = (char)(0xE0 | (c >> 12));
	o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
	o[2] = (char)(0x80 | (c & 0x3F));
	return 3;
}

/* Line drawing comes out as DEC graphics or Unicode depending on TERM and
 * locale; fold both to ASCII so one golden file fits every TERM. */
static uint32_t fold(uint32_t c)
{
	if (c == 0x2500 || c == 0x2501)
		return '-';
	if (c == 0x2502 || c == 0x2503)
		return '|';
	if (c >= 0x250C && c <= 0x254B)
		return '+';
	return c;
}

char *vt_text(struct vt *t)
{
	size_t cap = (size_t)t->rows * ((size_t)t->cols * 4 + 1) + 1;
	char *out = malloc(cap);
	size_t len = 0;
	for (int r = 0; r < t->rows; r++) {
		size_t row_start = len, last = len;
		for (int c = 0; c < t->cols; c++) {
			VTermScreenCell cell;
			vterm_screen_get_cell(t->scr, (VTermPos){ r, c }, &cell);
			uint32_t ch = cell.chars[0] ? fold(cell.chars[0]) : ' ';
			if (cell.width == 0)
				continue; /* right half of a wide char */
			len += put_utf8(out + len, ch);
			if (ch != ' ')
				last = len;
		}
		len = last > row_start ? last : row_start;
		out[len++] = '\n';
	}
	out[len] = '\0';
	return out;
}

bool vt_cell(struct vt *t, int row, int col, VTermScreenCell *cell)
{
	return vterm_screen_get_cell(t->scr, (VTermPos){ row, col }, cell) != 0;
}

int vt_wait_exit(struct vt *t, int timeout_ms)
{
	long end = now_ms() + timeout_ms;
	while (!t->exited && now_ms() < end) {
		vt_pump(t, 20);
		reap(t);
	}
	if (!t->exited)
		return -1;
	if (WIFEXITED(t->status))
		return WEXITSTATUS(t->status);
	return 128 + WTERMSIG(t->status);
}

void vt_close(struct vt *t)
{
	if (!t->exited) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, NULL, 0);
	}
	if (t->fd > 0)
		close(t->fd);
	if (t->vt)
		vterm_free(t->vt);
	memset(t, 0, sizeof(*t));
}
