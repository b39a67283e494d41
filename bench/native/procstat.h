/* What processes cost while nothing happens, from /proc: context switches (voluntary + involuntary: each is a
 * wake-up or a preemption) and CPU time, per thread. */
#ifndef BENCH_PROCSTAT_H
#define BENCH_PROCSTAT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct task_stat
{
    pid_t pid, tid;
    uint64_t switches;       /* voluntary_ctxt_switches + nonvoluntary_ctxt_switches */
    uint64_t cpu_ns;         /* run time (schedstat; utime + stime where that is missing) */
    char comm[16];
};

struct task_list
{
    struct task_stat *tasks;
    size_t count, cap;
};

/* The processes whose program (the last part of argv[0], either slash) is name, whatever the case, and whose
 * command line does not contain skip (NULL: any), except ourselves; up to max.  Returns how many. */
size_t procstat_find(const char *name, const char *skip, pid_t *pids, size_t max);

/* Appends the threads of pid to list.  Returns 0, or -1 when the process is gone. */
int procstat_read(pid_t pid, struct task_list *list);

void procstat_clear(struct task_list *list);

const struct task_stat *procstat_lookup(const struct task_list *list, pid_t tid);


#endif
