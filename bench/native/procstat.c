/* /proc readers (see procstat.h). */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "procstat.h"

static size_t read_small(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n;

    if (!f) return 0;
    n = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[n] = 0;
    return n;
}

size_t procstat_find(const char *name, const char *skip, pid_t *pids, size_t max)
{
    DIR *dir = opendir("/proc");
    struct dirent *de;
    size_t found = 0;

    if (!dir) return 0;
    while ((de = readdir(dir)) && found < max)
    {
        char path[64], cmd[4096], *base;
        size_t n, i;
        pid_t pid;

        if (!isdigit((unsigned char)de->d_name[0])) continue;
        pid = (pid_t)atoi(de->d_name);
        if (pid == getpid()) continue;
        snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
        if (!(n = read_small(path, cmd, sizeof(cmd)))) continue;
        /* argv[0]: a Unix path, or under Wine the program's Windows path, padded with spaces. */
        base = cmd + strcspn(cmd, " ");
        *base = 0;
        while (base > cmd && base[-1] != '/' && base[-1] != '\\') base--;
        if (strcasecmp(base, name)) continue;
        for (i = 0; i + 1 < n; i++) if (!cmd[i]) cmd[i] = ' ';
        if (skip && strstr(cmd, skip)) continue;
        pids[found++] = pid;
    }
    closedir(dir);
    return found;
}

static int read_task(pid_t pid, pid_t tid, struct task_stat *t)
{
    char path[96], buf[4096], *p;
    unsigned long long utime, stime, vol = 0, invol = 0, run;
    long hz = sysconf(_SC_CLK_TCK);

    memset(t, 0, sizeof(*t));
    t->pid = pid;
    t->tid = tid;
    snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
    if (!read_small(path, buf, sizeof(buf))) return -1;
    /* The name is in parentheses and may hold spaces: fields go on after the last ')'. */
    if (!(p = strrchr(buf, ')'))) return -1;
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return -1;
    t->cpu_ns = (utime + stime) * (1000000000ull / (unsigned long long)(hz > 0 ? hz : 100));
    /* Ticks are 10 ms: the scheduler's own count is exact where it is kept. */
    snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid, (int)tid);
    if (read_small(path, buf, sizeof(buf)) && sscanf(buf, "%llu", &run) == 1) t->cpu_ns = run;
    snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid, (int)tid);
    if (!read_small(path, buf, sizeof(buf))) return -1;
    if ((p = strstr(buf, "\nvoluntary_ctxt_switches:"))) vol = strtoull(strchr(p, ':') + 1, NULL, 10);
    if ((p = strstr(buf, "\nnonvoluntary_ctxt_switches:"))) invol = strtoull(strchr(p, ':') + 1, NULL, 10);
    t->switches = vol + invol;
    snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", (int)pid, (int)tid);
    if (read_small(path, t->comm, sizeof(t->comm))) t->comm[strcspn(t->comm, "\n")] = 0;
    return 0;
}

int procstat_read(pid_t pid, struct task_list *list)
{
    char path[64];
    DIR *dir;
    struct dirent *de;

    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    if (!(dir = opendir(path))) return -1;
    while ((de = readdir(dir)))
    {
        struct task_stat t;

        if (!isdigit((unsigned char)de->d_name[0])) continue;
        if (read_task(pid, (pid_t)atoi(de->d_name), &t)) continue;
        if (list->count == list->cap)
        {
            size_t cap = list->cap ? list->cap * 2 : 64;
            struct task_stat *bigger = realloc(list->tasks, cap * sizeof(*bigger));

            if (!bigger) break;
            list->tasks = bigger;
            list->cap = cap;
        }
        list->tasks[list->count++] = t;
    }
    closedir(dir);
    return 0;
}

void procstat_clear(struct task_list *list)
{
    list->count = 0;
}

const struct task_stat *procstat_lookup(const struct task_list *list, pid_t tid)
{
    size_t i;

    for (i = 0; i < list->count; i++)
        if (list->tasks[i].tid == tid) return &list->tasks[i];
    return NULL;
}
