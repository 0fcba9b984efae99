#include "tui/tui.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "core/text_safe.h"
#include "platform/loop.h"

static SCREEN *screen;
static bool active, colour, utf8;
static attr_t styles[RS_STYLE_COUNT];
static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t pending_signal;

/* What a crash handler may use: saved termios and reset strings captured at
 * init, written with write(2) only. */
static struct termios saved_termios;
static bool have_termios;
static char reset_seq[256];
static size_t reset_len;

static const int term_signals[] = { SIGINT, SIGTERM, SIGHUP };
static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

static void on_term_signal(int sig)
{
	int saved = errno;
	pending_signal = sig;
	unsigned char b = (unsigned char)sig;
	if (sig_pipe[1] >= 0 && write(sig_pipe[1], &b, 1) < 0) {
		/* pipe full: the flag alone is enough */
	}
	errno = saved;
}

static void write_str(const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(STDERR_FILENO, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void on_crash(int sig)
{
	if (active) {
		write_str(reset_seq, reset_len);
		if (have_termios)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
	}
	static const char msg[] = "\nratos-setup: internal error (crash); the terminal was "
				  "restored. Your choices up to the last finished step are saved.\n";
	write_str(msg, sizeof(msg) - 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void append_cap(const char *name)
{
	char *s = tigetstr((char *)name);
	if (!s || s == (char *)-1)
		return;
	size_t n = strlen(s);
	if (reset_len + n < sizeof(reset_seq)) {
		memcpy(reset_seq + reset_len, s, n);
		reset_len += n;
	}
}

static void install_signals(void)
{
	if (sig_pipe[0] < 0 && pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		sig_pipe[0] = sig_pipe[1] = -1;
	struct sigaction sa = { 0 };
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_term_signal;
	for (size_t i = 0; i < sizeof(term_signals) / sizeof(term_signals[0]); i++)
		sigaction(term_signals[i], &sa, NULL);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		sigaction(crash_signals[i], &sa, NULL);
}

static void restore_signals(void)
{
	for (size_t i = 0; i < sizeof(term_signals) / sizeof(term_signals[0]); i++)
		signal(term_signals[i], SIG_DFL);
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		signal(crash_signals[i], SIG_DFL);
}

static void setup_styles(void)
{
	const char *no_color = getenv("NO_COLOR");
	colour = has_colors() && !(no_color && *no_color);
	if (colour && start_color() != OK)
		colour = false;
	/* Monochrome: reverse and bold carry all the meaning, and every error
	 * or warning also has a text marker ("!!"), so nothing depends on hue. */
	styles[RS_STYLE_NORMAL] = A_NORMAL;
	styles[RS_STYLE_HEADER] = A_REVERSE;
	styles[RS_STYLE_SELECTED] = A_REVERSE;
	styles[RS_STYLE_TITLE] = A_BOLD;
	styles[RS_STYLE_KEY] = A_BOLD;
	styles[RS_STYLE_ERROR] = A_BOLD;
	styles[RS_STYLE_WARN] = A_BOLD;
	styles[RS_STYLE_OK] = A_NORMAL;
	styles[RS_STYLE_DIM] = A_NORMAL;
	/* Without colours, reverse video: consoles draw light text on dark. */
	styles[RS_STYLE_QR] = A_REVERSE;
	if (!colour)
		return;
	int bg = COLOR_BLACK;
	if (use_default_colors() == OK)
		bg = -1;
	init_pair(1, COLOR_WHITE, COLOR_BLUE);
	init_pair(2, COLOR_RED, bg);
	init_pair(3, COLOR_YELLOW, bg);
	init_pair(4, COLOR_GREEN, bg);
	init_pair(5, COLOR_CYAN, bg);
	init_pair(6, COLOR_BLACK, COLOR_WHITE);
	styles[RS_STYLE_HEADER] = COLOR_PAIR(1) | A_BOLD;
	styles[RS_STYLE_ERROR] = COLOR_PAIR(2) | A_BOLD;
	styles[RS_STYLE_WARN] = COLOR_PAIR(3) | A_BOLD;
	styles[RS_STYLE_OK] = COLOR_PAIR(4);
	styles[RS_STYLE_TITLE] = COLOR_PAIR(5) | A_BOLD;
	styles[RS_STYLE_QR] = COLOR_PAIR(6);
}

bool rs_tui_init(char *why, size_t why_len)
{
	if (active)
		return true;
	setlocale(LC_ALL, "");
	const char *cs = nl_langinfo(CODESET);
	utf8 = cs && strcmp(cs, "UTF-8") == 0;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(why, why_len, "the wizard needs a terminal (stdin and stdout are not "
				       "one); the subcommands work without");
		return false;
	}
	const char *term = getenv("TERM");
	if (!term || !*term) {
		snprintf(why, why_len, "TERM is not set; try TERM=linux or TERM=xterm-256color");
		return false;
	}
	have_termios = tcgetattr(STDIN_FILENO, &saved_termios) == 0;
	/* Our handlers go in before curses starts, so it keeps its hands off
	 * SIGINT/SIGTERM (it only installs its own where they are default). */
	install_signals();
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		restore_signals();
		snprintf(why, why_len, "cannot use terminal type '%s'; try TERM=linux or "
				       "TERM=xterm-256color", term);
		return false;
	}
	set_term(screen);
	active = true;
	reset_len = 0;
	append_cap("sgr0");
	append_cap("cnorm");
	append_cap("rmkx");
	append_cap("rmcup");
	cbreak(); /* not raw(): Ctrl-C must still raise SIGINT */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	leaveok(stdscr, TRUE); /* hidden cursor: never move it back after an update */
	setup_styles();
	return true;
}

void rs_tui_done(void)
{
	if (!active)
		return;
	active = false;
	curs_set(1);
	endwin();
	fflush(stdout);
	delscreen(screen);
	screen = NULL;
	restore_signals();
}

void rs_tui_fatal(const char *fmt, ...)
{
	rs_tui_done();
	va_list ap;
	va_start(ap, fmt);
	fputs("ratos-setup: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

bool rs_tui_active(void) { return active; }
bool rs_tui_colour(void) { return colour; }
bool rs_tui_utf8(void) { return utf8; }
const char *rs_tui_dash(void) { return utf8 ? "\xe2\x80\x94" : "-"; }
struct rs_loop *rs_tui_loop(void)
{
	static struct rs_loop *loop;
	if (!loop)
		loop = rs_loop_new();
	return loop;
}

int rs_tui_signal_fd(void) { return sig_pipe[0]; }
int rs_tui_pending_signal(void) { return pending_signal; }

attr_t rs_tui_style(enum rs_style s)
{
	return (size_t)s < RS_STYLE_COUNT ? styles[s] : A_NORMAL;
}

/* Decodes one character: its byte length and column width. */
static size_t next_char(const char *s, int *cols)
{
	unsigned char c = (unsigned char)*s;
	if (c < 0x80 || !utf8) {
		*cols = 1;
		return 1;
	}
	/* C1 controls, line/bidi format characters and bad bytes are drawn as
	 * one '?' by rs_tui_put (core/text_safe.h decides which they are). */
	unsigned cp;
	enum rs_text_kind kind;
	size_t k = rs_text_next(s, strnlen(s, 4), &cp, &kind);
	if (kind != RS_TEXT_SHOWN) {
		*cols = 1;
		return k;
	}
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	wchar_t wc;
	size_t n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*cols = 1;
		return 1;
	}
	int w = wcwidth(wc);
	*cols = w < 0 ? 1 : w;
	return n;
}

int rs_tui_width(const char *s)
{
	int total = 0, cols;
	while (*s) {
		s += next_char(s, &cols);
		total += cols;
	}
	return total;
}

int rs_tui_put(WINDOW *w, int y, int x, int width, const char *s)
{
	int used = 0, cols;
	if (width <= 0)
		return 0;
	wmove(w, y, x);
	while (*s && *s != '\n') {
		size_t n = next_char(s, &cols);
		if (used + cols > width)
			break;
		unsigned char c = (unsigned char)*s;
		unsigned cp;
		enum rs_text_kind kind;
		rs_text_next(s, n, &cp, &kind);
		/* The last guard before the terminal, whatever the caller passed. */
		if (c < 0x20 || c == 0x7f)
			waddch(w, ' ');
		else if ((c >= 0x80 && !utf8) || kind != RS_TEXT_SHOWN)
			waddch(w, '?');
		else
			waddnstr(w, s, (int)n);
		s += n;
		used += cols;
	}
	return used;
}

void rs_tui_put_pad(WINDOW *w, int y, int x, int width, const char *s)
{
	int used = rs_tui_put(w, y, x, width, s);
	for (; used < width; used++)
		waddch(w, ' ');
}
