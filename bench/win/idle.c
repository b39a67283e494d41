/* Idle cost: nothing changes for a while; the native side reads from /proc how often each thread of this
 * process and the helper were switched in (context switches, voluntary and not) and how much CPU they used.
 * "Ours" are the threads made since the native side's mark, taken before the first registration: the reader
 * and the workers of our DLL. */
#include <stdio.h>
#include <string.h>

#include "bench.h"

static unsigned long field(const char *text, const char *name)
{
    char key[64];
    const char *p;
    unsigned long v = 0;

    snprintf(key, sizeof(key), "%s=", name);
    if ((p = strstr(text, key))) sscanf(p + strlen(key), "%lu", &v);
    return v;
}

void phase_idle(unsigned int n_regs)
{
    const char *r;
    char name[64];
    unsigned long all, ours, helper;

    if (!(r = native_cmd("idle %u", plan.idle_ms))) return;
    all = field(r, "wine_all");
    ours = field(r, "wine_ours");
    helper = field(r, "helper");
    if (!n_regs)
    {
        snprintf(name, sizeof(name), "idle %.0f s, no registration", plan.idle_ms / 1000.0);
        row(name, "wine process %lu switches (%lu threads, %lu us CPU)", all, field(r, "wine_threads"),
            field(r, "wine_cpu_us"));
        return;
    }
    snprintf(name, sizeof(name), "idle %.0f s, %u registrations", plan.idle_ms / 1000.0, n_regs);
    row(name, "wine process %lu switches (%lu threads, %lu us CPU)", all, field(r, "wine_threads"),
        field(r, "wine_cpu_us"));
    row("  of which our threads", "%lu switches (%lu threads: reader + workers, %lu us CPU)", ours,
        field(r, "ours_threads"), field(r, "ours_cpu_us"));
    row("  helper", "%lu switches (%lu threads, %lu us CPU)", helper, field(r, "helper_threads"),
        field(r, "helper_cpu_us"));
    results.idle_wakeups = ours + helper;
    results.idle_ok = field(r, "helper_threads") > 0;
}
