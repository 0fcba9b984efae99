/* Wizard benchmark, next to `dialog --menu` with the same items, both run
 * through the same pty + libvterm harness as the terminal tests:
 *   - time to the first complete frame (all bundled boards parsed),
 *   - bytes written to the terminal per cursor move in the board list,
 *   - peak RSS.
 * Usage: tui_bench RATOS_SETUP BOARDS_DIR [RUNS] */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../tests/tui/vt.h"

#define MOVES 20

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct result {
	double first_frame_ms; /* median */
	double bytes_per_move;
	long rss_kib;          /* max over runs */
	size_t items;
};

static char home_env[128], state_env[160];
static char *env[] = { home_env, state_env, "TERM=xterm-256color", "LC_ALL=C.UTF-8", NULL };

/* The board ids and names, for dialog's menu. */
static size_t read_boards(const char *bin, const char *dir, char ***argv_out)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "'%s' --boards-dir '%s' boards 2>/dev/null", bin, dir);
	FILE *p = popen(cmd, "r");
	char **items = NULL;
	size_t n = 0;
	char line[512];
	while (p && fgets(line, sizeof(line), p)) {
		char id[128];
		if (sscanf(line, "%127s", id) != 1)
			continue;
		items = realloc(items, (n + 2) * 2 * sizeof(*items));
		items[2 * n] = strdup(id);
		/* The name is the second column; use the rest of the line trimmed. */
		char *name = line + strlen(id);
		while (*name == ' ')
			name++;
		name[strcspn(name, "\n")] = '\0';
		name[30 < strlen(name) ? 30 : strlen(name)] = '\0';
		items[2 * n + 1] = strdup(name);
		n++;
	}
	if (p)
		pclose(p);
	*argv_out = items;
	return n;
}

static double bytes_per_move(struct vt *t, int down_after_settle)
{
	(void)down_after_settle;
	vt_settle(t, 60);
	size_t total = 0;
	for (int i = 0; i < MOVES; i++) {
		size_t before = t->bytes;
		vt_key(t, VTERM_KEY_DOWN);
		vt_pump(t, 1000); /* the first byte of the redraw */
		vt_settle(t, 30);
		total += t->bytes - before;
	}
	return (double)total / MOVES;
}

static struct result bench_wizard(const char *bin, const char *dir, int runs)
{
	struct result r = { 0 };
	double *times = calloc((size_t)runs, sizeof(*times));
	for (int i = 0; i < runs; i++) {
		struct vt t;
		char *argv[] = { (char *)bin, "--boards-dir", (char *)dir, "--reset", NULL };
		double t0 = now_ms();
		vt_spawn(&t, 24, 80, argv, env);
		vt_wait(&t, "Enter start", 10000);
		times[i] = now_ms() - t0;
		if (i == 0) {
			vt_settle(&t, 60);
			vt_key(&t, VTERM_KEY_ENTER);
			vt_wait(&t, "Controller board", 5000);
			r.bytes_per_move = bytes_per_move(&t, 1);
		}
		vt_char(&t, 'q');
		vt_wait(&t, "Quit ratos-setup?", 5000);
		vt_char(&t, 'y');
		vt_wait_exit(&t, 5000);
		if (t.maxrss_kib > r.rss_kib)
			r.rss_kib = t.maxrss_kib;
		vt_close(&t);
	}
	qsort(times, (size_t)runs, sizeof(*times), cmp);
	r.first_frame_ms = times[runs / 2];
	free(times);
	return r;
}

static struct result bench_dialog(char **items, size_t n, int runs)
{
	struct result r = { .items = n };
	double *times = calloc((size_t)runs, sizeof(*times));
	size_t argc = 0;
	char **argv = calloc(2 * n + 12, sizeof(*argv));
	argv[argc++] = "/usr/bin/dialog";
	argv[argc++] = "--menu";
	argv[argc++] = "Choose the controller board";
	argv[argc++] = "22";
	argv[argc++] = "76";
	argv[argc++] = "14";
	for (size_t i = 0; i < 2 * n; i++)
		argv[argc++] = items[i];
	argv[argc] = NULL;
	for (int i = 0; i < runs; i++) {
		struct vt t;
		double t0 = now_ms();
		vt_spawn(&t, 24, 80, argv, env);
		vt_wait(&t, "<Cancel>", 10000);
		times[i] = now_ms() - t0;
		if (i == 0)
			r.bytes_per_move = bytes_per_move(&t, 1);
		vt_key(&t, VTERM_KEY_ESCAPE);
		vt_wait_exit(&t, 5000);
		if (t.maxrss_kib > r.rss_kib)
			r.rss_kib = t.maxrss_kib;
		vt_close(&t);
	}
	qsort(times, (size_t)runs, sizeof(*times), cmp);
	r.first_frame_ms = times[runs / 2];
	free(times);
	free(argv);
	return r;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: tui_bench RATOS_SETUP BOARDS_DIR [RUNS]\n");
		return 2;
	}
	int runs = argc > 3 ? atoi(argv[3]) : 21;
	char home[] = "/tmp/rs-bench-XXXXXX";
	if (!mkdtemp(home))
		return 1;
	snprintf(home_env, sizeof(home_env), "HOME=%s", home);
	snprintf(state_env, sizeof(state_env), "XDG_STATE_HOME=%s/state", home);
	char **items;
	size_t n = read_boards(argv[1], argv[2], &items);
	struct result w = bench_wizard(argv[1], argv[2], runs);
	struct result d = bench_dialog(items, n, runs);
	printf("items (boards)                 %zu\n", n);
	printf("runs                           %d (median first frame)\n", runs);
	printf("                               ratos-setup   dialog --menu\n");
	printf("first complete frame (ms)      %11.1f   %13.1f\n", w.first_frame_ms,
	       d.first_frame_ms);
	printf("bytes per cursor move          %11.1f   %13.1f\n", w.bytes_per_move,
	       d.bytes_per_move);
	printf("peak RSS (KiB)                 %11ld   %13ld\n", w.rss_kib, d.rss_kib);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", home);
	return system(cmd) == 0 ? 0 : 1;
}
