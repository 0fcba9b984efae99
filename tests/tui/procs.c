/* Processes of the program under test, from /proc/<pid>/stat. */
#include "procs.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define WAIT_MS 10000 /* only a failure deadline; nothing sleeps */

struct proc {
	int pid, ppid, pgrp;
	char state;
	char comm[64];
};

static bool read_proc(int pid, struct proc *p)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	if (!open || !close)
		return false;
	p->pid = pid;
	snprintf(p->comm, sizeof(p->comm), "%.*s", (int)(close - open - 1), open + 1);
	return sscanf(close + 2, "%c %d %d", &p->state, &p->ppid, &p->pgrp) == 3;
}

/* Calls fn for every process; stops when it returns true. */
static bool each_proc(bool (*fn)(const struct proc *p, void *data), void *data)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool hit = false;
	while (d && !hit && (e = readdir(d))) {
		struct proc p;
		if (isdigit((unsigned char)e->d_name[0]) && read_proc(atoi(e->d_name), &p))
			hit = fn(&p, data);
	}
	if (d)
		closedir(d);
	return hit;
}

struct find_make {
	int parent, pgrp;
};

static bool is_make(const struct proc *p, void *data)
{
	struct find_make *f = data;
	if (p->ppid != f->parent || strcmp(p->comm, "make") != 0 || p->state == 'Z')
		return false;
	f->pgrp = p->pgrp;
	return true;
}

/* make's process group (make leads it), once make runs. */
int make_group(int parent)
{
	struct timespec step = { 0, 20 * 1000 * 1000 };
	for (int i = 0; i < WAIT_MS / 20; i++) {
		struct find_make f = { parent, 0 };
		if (each_proc(is_make, &f))
			return f.pgrp;
		nanosleep(&step, NULL);
	}
	return 0;
}

struct count {
	int pgrp, n;
};

static bool count_member(const struct proc *p, void *data)
{
	struct count *c = data;
	c->n += p->pgrp == c->pgrp && p->state != 'Z';
	return false;
}

int group_alive(int pgrp)
{
	struct count c = { pgrp, 0 };
	each_proc(count_member, &c);
	return c.n;
}

/* True once the group has at least n live processes (make and compilers
 * start a moment after the progress bar appears). */
bool group_at_least(int pgrp, int n)
{
	struct timespec step = { 0, 20 * 1000 * 1000 };
	for (int i = 0; i < WAIT_MS / 20; i++) {
		if (group_alive(pgrp) >= n)
			return true;
		nanosleep(&step, NULL);
	}
	return false;
}

/* True once no live process is left in the group (deadline WAIT_MS). */
bool group_gone(int pgrp)
{
	struct timespec step = { 0, 20 * 1000 * 1000 };
	for (int i = 0; i < WAIT_MS / 20; i++) {
		if (group_alive(pgrp) == 0)
			return true;
		nanosleep(&step, NULL);
	}
	return false;
}

/* The fake compiler writes its pid as it starts: wait for the first. */
bool compilers_started(const char *pidfile)
{
	struct timespec step = { 0, 20 * 1000 * 1000 };
	for (int i = 0; i < WAIT_MS / 20; i++) {
		struct stat st;
		if (stat(pidfile, &st) == 0 && st.st_size > 0)
			return true;
		nanosleep(&step, NULL);
	}
	return false;
}

/* Every compiler the fake toolchain started (its pid file) has exited. */
bool compilers_gone(const char *pidfile)
{
	FILE *f = fopen(pidfile, "r");
	int pid, n = 0;
	bool gone = true;
	while (f && fscanf(f, "%d", &pid) == 1) {
		struct proc p;
		n++;
		if (read_proc(pid, &p) && p.state != 'Z')
			gone = false;
	}
	if (f)
		fclose(f);
	return gone && n > 0;
}
