/* sched */
int x;
