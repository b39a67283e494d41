/* bench-native: the native half of the benchmark (see BENCHMARKS.md).
 *
 * The Windows bench program starts us (Wine runs a Linux ELF given by its Z:\ path) with the port it listens
 * on, and drives us over that loopback TCP connection, one text command per line: we make the host changes
 * with rtnetlink writes (CLOCK_REALTIME taken just before each write), watch the same events with a native
 * listener (the floor), and read what processes cost from /proc.  Each answer is any number of "# ..." detail
 * lines, then one "ok ..." or "err ..." line.  We exit when the connection closes.
 *
 *   change addr|route|link add|del <key> <ifname>   -> ok <t0_ns> <floor_ns>
 *   fill <first> <count> <ifname> add|del            -> ok <failed> <ms>
 *   burst <first> <adds> <lag> <ifname>              -> ok <t_first_ns> <t_last_ns> <failed> <floor_seen>
 *                                                       <floor_last_ns> <floor_overflows>
 *      adds addresses first, first+1, ...; after each add past the lag, deletes the one added lag earlier
 *   mark <name>        remember the process whose program is <name> (not a "child" one) and its threads
 *   idle <ms>          -> ok wine_all=... wine_ours=... (threads made since mark) helper=... (see cmd_idle)
 *   helpers            -> ok <number of winenotify-host processes>
 * Keys are IPv4 addresses (a /32 on the interface), /24 route destinations (through it), or link indexes (an ifb
 * link is made with that index; the interface is "-"), as host-order numbers. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "floor.h"
#include "nl_change.h"
#include "procstat.h"

#define FLOOR_WAIT_MS 2000
#define MAX_PIDS 16

static int conn = -1;
static struct nl_change *nc;
static pid_t wine_pid;
static struct task_list marked;

static void reply(const char *fmt, ...)
{
    char line[1024];
    va_list args;
    int n;

    va_start(args, fmt);
    n = vsnprintf(line, sizeof(line) - 1, fmt, args);
    va_end(args);
    if (n < 0) return;
    if ((size_t)n > sizeof(line) - 2) n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    if (write(conn, line, (size_t)n) != n) exit(1);
}

/* The interface named, or 0 for "-" (links). */
static int ifindex_of(const char *name)
{
    return strcmp(name, "-") ? (int)if_nametoindex(name) : 0;
}

static int parse_kind(const char *word, enum change_kind *kind)
{
    if (!strcmp(word, "addr")) *kind = CHANGE_ADDR;
    else if (!strcmp(word, "route")) *kind = CHANGE_ROUTE;
    else if (!strcmp(word, "link")) *kind = CHANGE_LINK;
    else return -1;
    return 0;
}

static void cmd_change(const char *args)
{
    char kind[16], op[8], ifname[IF_NAMESIZE + 1];
    unsigned int key;
    int err;
    struct change c;
    int64_t t0, seen;

    if (sscanf(args, "%15s %7s %u %16s", kind, op, &key, ifname) != 4 || parse_kind(kind, &c.kind))
    {
        reply("err usage: change addr|route|link add|del <key> <ifname>|-");
        return;
    }
    c.add = !strcmp(op, "add");
    c.key = key;
    if (!(c.ifindex = ifindex_of(ifname)) && c.kind != CHANGE_LINK)
    {
        reply("err no interface %s", ifname);
        return;
    }
    floor_expect(&c);
    if ((err = nl_change_do(nc, &c, &t0)))
    {
        reply("err %s %s %u: %s", kind, op, key, strerror(-err));
        return;
    }
    seen = floor_wait(FLOOR_WAIT_MS);
    reply("ok %lld %lld", (long long)t0, (long long)seen);
}

static void cmd_fill(const char *args)
{
    unsigned int first, count, i;
    char op[8], ifname[IF_NAMESIZE + 1];
    int64_t t0;
    long before = nl_change_errors(nc);
    int ifindex;

    if (sscanf(args, "%u %u %16s %7s", &first, &count, ifname, op) != 4 || !(ifindex = ifindex_of(ifname)))
    {
        reply("err usage: fill <first> <count> <ifname> add|del");
        return;
    }
    t0 = realtime_ns();
    for (i = 0; i < count; i++)
    {
        struct change c = { CHANGE_ADDR, !strcmp(op, "add"), first + i, ifindex };

        nl_change_post(nc, &c);
    }
    reply("ok %ld %.1f", nl_change_errors(nc) - before, (double)(realtime_ns() - t0) / 1e6);
}

/* routes <first> <count> <ifname> add|del: count /24 routes of the main table from <first> on, one /24 apart,
 * without waiting for them (the tables phase compares listing calls at that size). */
static void cmd_routes(const char *args)
{
    unsigned int first, count, i;
    char op[8], ifname[IF_NAMESIZE + 1];
    int64_t t0;
    long before = nl_change_errors(nc);
    int ifindex;

    if (sscanf(args, "%u %u %16s %7s", &first, &count, ifname, op) != 4 || !(ifindex = ifindex_of(ifname)))
    {
        reply("err usage: routes <first> <count> <ifname> add|del");
        return;
    }
    t0 = realtime_ns();
    for (i = 0; i < count; i++)
    {
        struct change c = { CHANGE_ROUTE, !strcmp(op, "add"), first + (i << 8), ifindex };

        nl_change_post(nc, &c);
    }
    reply("ok %ld %.1f", nl_change_errors(nc) - before, (double)(realtime_ns() - t0) / 1e6);
}

static void cmd_burst(const char *args)
{
    unsigned int first, adds, lag, k;
    char ifname[IF_NAMESIZE + 1];
    int64_t t_first, t_last, floor_last;
    long before = nl_change_errors(nc), ops, seen;
    int ifindex;

    if (sscanf(args, "%u %u %u %16s", &first, &adds, &lag, ifname) != 4 || lag > adds ||
        !(ifindex = ifindex_of(ifname)))
    {
        reply("err usage: burst <first> <adds> <lag> <ifname>");
        return;
    }
    ops = (long)adds + (long)(adds - lag);
    floor_reset_range(first, adds);
    t_first = realtime_ns();
    for (k = 0; k < adds; k++)
    {
        struct change c = { CHANGE_ADDR, 1, first + k, ifindex };

        nl_change_post(nc, &c);
        if (k < lag) continue;
        c.add = 0;
        c.key = first + k - lag;
        nl_change_post(nc, &c);
    }
    t_last = realtime_ns();
    seen = floor_range_wait(ops, FLOOR_WAIT_MS, &floor_last);
    reply("ok %lld %lld %ld %ld %lld %ld", (long long)t_first, (long long)t_last, nl_change_errors(nc) - before,
          seen, (long long)floor_last, floor_overflows());
}

static void cmd_mark(const char *args)
{
    pid_t pids[MAX_PIDS];
    size_t n = procstat_find(args, "child", pids, MAX_PIDS);

    procstat_clear(&marked);
    if (n != 1)
    {
        reply("err %zu processes named %s", n, args);
        return;
    }
    wine_pid = pids[0];
    procstat_read(wine_pid, &marked);
    reply("ok pid=%d threads=%zu", (int)wine_pid, marked.count);
}

/* Switches and run time between two readings, summed over tasks; a task missing from before counts from 0. */
struct cost
{
    uint64_t switches, cpu_ns;
    unsigned int tasks;
};

static void add_cost(struct cost *c, const struct task_stat *before, const struct task_stat *after)
{
    c->switches += after->switches - (before ? before->switches : 0);
    c->cpu_ns += after->cpu_ns - (before ? before->cpu_ns : 0);
    c->tasks++;
}

static void read_helpers(struct task_list *list)
{
    pid_t pids[MAX_PIDS];
    size_t n = procstat_find("winenotify-host", NULL, pids, MAX_PIDS), i;

    for (i = 0; i < n; i++) procstat_read(pids[i], list);
}

static void cmd_idle(const char *args)
{
    struct task_list wine0 = { 0 }, wine1 = { 0 }, help0 = { 0 }, help1 = { 0 };
    struct cost all = { 0 }, ours = { 0 }, helper = { 0 };
    struct timespec ts;
    int ms = atoi(args);
    size_t i;

    if (!wine_pid || ms <= 0)
    {
        reply("err usage: mark first, then idle <ms>");
        return;
    }
    procstat_read(wine_pid, &wine0);
    read_helpers(&help0);
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000;
    while (nanosleep(&ts, &ts) && errno == EINTR) {}
    procstat_read(wine_pid, &wine1);
    read_helpers(&help1);

    for (i = 0; i < wine1.count; i++)
    {
        const struct task_stat *after = &wine1.tasks[i], *before = procstat_lookup(&wine0, after->tid);
        int mine = !procstat_lookup(&marked, after->tid);
        uint64_t d = after->switches - (before ? before->switches : 0);

        add_cost(&all, before, after);
        if (mine) add_cost(&ours, before, after);
        if (d) reply("# wine thread %d (%s)%s: %llu switches", (int)after->tid, after->comm,
                     mine ? " [ours]" : "", (unsigned long long)d);
    }
    for (i = 0; i < help1.count; i++)
    {
        const struct task_stat *after = &help1.tasks[i];

        add_cost(&helper, procstat_lookup(&help0, after->tid), after);
    }
    reply("ok wine_all=%llu wine_threads=%u wine_ours=%llu ours_threads=%u helper=%llu helper_threads=%zu "
          "wine_cpu_us=%llu ours_cpu_us=%llu helper_cpu_us=%llu",
          (unsigned long long)all.switches, all.tasks, (unsigned long long)ours.switches, ours.tasks,
          (unsigned long long)helper.switches, help1.count,
          (unsigned long long)(all.cpu_ns / 1000), (unsigned long long)(ours.cpu_ns / 1000),
          (unsigned long long)(helper.cpu_ns / 1000));
    free(wine0.tasks);
    free(wine1.tasks);
    free(help0.tasks);
    free(help1.tasks);
}

static void cmd_helpers(void)
{
    pid_t pids[MAX_PIDS];

    reply("ok %zu", procstat_find("winenotify-host", NULL, pids, MAX_PIDS));
}

static void serve(char *line)
{
    char *args = strchr(line, ' ');

    if (args) *args++ = 0;
    else args = line + strlen(line);
    if (!strcmp(line, "change")) cmd_change(args);
    else if (!strcmp(line, "fill")) cmd_fill(args);
    else if (!strcmp(line, "routes")) cmd_routes(args);
    else if (!strcmp(line, "burst")) cmd_burst(args);
    else if (!strcmp(line, "mark")) cmd_mark(args);
    else if (!strcmp(line, "idle")) cmd_idle(args);
    else if (!strcmp(line, "helpers")) cmd_helpers();
    else reply("err unknown command '%s'", line);
}

int main(int argc, char **argv)
{
    struct sockaddr_in sa;
    char buf[4096];
    size_t have = 0;
    int err, one = 1;

    if (argc < 2 || !atoi(argv[argc - 1]))
    {
        fprintf(stderr, "usage: bench-native <port>  (started by the Windows bench program)\n");
        return 2;
    }
    if (!(nc = nl_change_open()) || (err = floor_start()))
    {
        fprintf(stderr, "bench-native: rtnetlink: %s\n", strerror(errno));
        return 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)atoi(argv[argc - 1]));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ((conn = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(conn, (struct sockaddr *)&sa, sizeof(sa)))
    {
        fprintf(stderr, "bench-native: cannot connect to port %s: %s\n", argv[argc - 1], strerror(errno));
        return 1;
    }
    setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    reply("hello %d", (int)getpid());

    for (;;)
    {
        ssize_t n = read(conn, buf + have, sizeof(buf) - 1 - have);
        char *nl;

        if (n <= 0) return 0;
        have += (size_t)n;
        buf[have] = 0;
        while ((nl = strchr(buf, '\n')))
        {
            *nl = 0;
            if (nl > buf && nl[-1] == '\r') nl[-1] = 0;
            serve(buf);
            have -= (size_t)(nl + 1 - buf);
            memmove(buf, nl + 1, have + 1);
        }
        if (have == sizeof(buf) - 1) have = 0;
    }
}
