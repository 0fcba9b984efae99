/* Processes of the program under test, read from /proc: make's process
 * group and what is left of it, and the fake compilers (which write their
 * pids to a file). The waits poll with a failure deadline only. */
#ifndef RS_TEST_PROCS_H
#define RS_TEST_PROCS_H

#include <stdbool.h>

/* make's process group (make leads it) once parent runs make; 0 if never. */
int make_group(int parent);
/* Live (not zombie) processes in the group. */
int group_alive(int pgrp);
/* True once the group has at least n live processes. */
bool group_at_least(int pgrp, int n);
/* True once no live process is left in the group. */
bool group_gone(int pgrp);
/* True once the pid file has the first compiler in it. */
bool compilers_started(const char *pidfile);
/* Every compiler in the pid file (at least one) has exited. */
bool compilers_gone(const char *pidfile);

#endif
