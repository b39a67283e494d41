/* bench.exe: the benchmark of our notifications under Wine (see BENCHMARKS.md; tools/bench runs it).
 *
 *   bench.exe [--quick]           the whole run: a table, then the last line for tracking
 *   bench.exe --profile           the latency phase only (tools/bench --profile records it with perf)
 *   bench.exe --tables            the big tables phase only (tools/bench --tables)
 *   bench.exe child startup FILE  one start-up measurement, for the run (a fresh process each)
 *
 * It runs in a private network namespace (tools/wine-test-run) with bench-native, bench-load.exe, our DLLs and
 * the helper beside it, and changes the interface named by WINENOTIFY_TEST_IF.  --quick shrinks every phase
 * for make check's smoke run: its figures mean nothing, only that every phase ran. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

struct plan plan =
{
    .samples = 300, .idle_ms = 10000, .idle_regs = 100, .scale_regs = 1000, .scale_samples = 20,
    .burst_adds = 6000, .burst_lag = 2000, .startup_runs = 5, .load_runs = 10, .big_table = 10000,
};

static const struct plan quick_plan =
{
    .samples = 20, .idle_ms = 1000, .idle_regs = 10, .scale_regs = 50, .scale_samples = 3,
    .burst_adds = 150, .burst_lag = 50, .startup_runs = 1, .load_runs = 1, .big_table = 100, .quick = TRUE,
};

struct results results;
const char *test_if;

/* tools/bench puts a wrapper beside us that starts the helper with its traces on, into helper.log: the burst
 * counts its resyncs there.  Start-up children go without it (it costs a shell). */
static void helper_traces(BOOL on)
{
    WCHAR path[MAX_PATH], *slash;

    GetModuleFileNameW(NULL, path, MAX_PATH);
    if ((slash = wcsrchr(path, '\\'))) slash[1] = 0;
    wcscat(path, L"winenotify-host-traced");
    if (on && GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES) return;
    SetEnvironmentVariableW(L"WINENOTIFY_HOST", on ? path : NULL);
    SetEnvironmentVariableW(L"WINENOTIFY_HOST_DEBUG", on ? L"1" : NULL);
}

static void phase(const char *name)
{
    static double start;
    double now = mono_us();

    if (start) detail("took %.1f s", (now - start) / 1e6);
    start = now;
    if (name) printf("%s\n", name);
    fflush(stdout);
}

static void target(const char *name, BOOL met, const char *fmt, ...)
{
    char text[64];
    va_list args;

    va_start(args, fmt);
    vsnprintf(text, sizeof(text), fmt, args);
    va_end(args);
    row(name, "%-10s %s", text, met ? "met" : "MISSED");
}

int main(int argc, char **argv)
{
    BOOL profile = FALSE, tables = FALSE;
    HANDLE *regs;
    double ratio, p99, startup_big = NAN;
    unsigned int i, n;
    const char *r;
    ULONG count;

    if (argc == 4 && !strcmp(argv[1], "child") && !strcmp(argv[2], "startup")) return child_startup(argv[3]);
    if (argc == 2 && !strcmp(argv[1], "--quick")) plan = quick_plan;
    else if (argc == 2 && !strcmp(argv[1], "--profile")) profile = TRUE;
    else if (argc == 2 && !strcmp(argv[1], "--tables")) tables = TRUE;
    else if (argc != 1)
    {
        fprintf(stderr, "usage: bench.exe [--quick|--profile|--tables]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    results.startup_small_ms = results.converge_ms = results.mem_per_reg = results.load_threads = NAN;
    if (!(test_if = getenv("WINENOTIFY_TEST_IF")) || !*test_if) test_if = "wntest0";

    phase("native side");
    if (!native_start())
    {
        printf("bench: FAILED (no native side)\n");
        return 1;
    }
    if (tables)
    {
        /* The big tables alone, at full size: a short run for this one comparison. */
        phase("tables, big");
        if (grow_table(plan.big_table, IP4(10, 91, 0, 1))) phase_tables();
        phase(NULL);
        print_table();
        return 0;
    }
    if (profile)
    {
        phase("latency");
        phase_latency();
        phase(NULL);
        print_table();
        return 0;
    }
    /* Threads made after this are ours: the process has registered nothing yet. */
    if ((r = native_cmd("mark bench.exe"))) detail("this process: %s", r);

    phase("idle, before any registration");
    phase_idle(0);

    phase("load cost, never registering");
    phase_load();

    phase("start-up, small table");
    if ((count = grow_table(10, IP4(10, 90, 0, 1)))) phase_startup(count, &results.startup_small_ms);

    helper_traces(TRUE);
    phase("latency");
    phase_latency();

    phase("idle, with registrations");
    regs = calloc(plan.idle_regs, sizeof(*regs));
    for (i = n = 0; i < plan.idle_regs; i++)
        if ((regs[i] = register_kind((enum expect_kind)(i % 3)))) n++;
    phase_idle(n);
    for (i = 0; i < plan.idle_regs; i++) if (regs[i]) CancelMibChangeNotify2(regs[i]);
    free(regs);

    phase("scale");
    phase_scale();

    phase("burst");
    phase_burst();

    helper_traces(FALSE);
    phase("start-up, big table");
    if ((count = grow_table(plan.big_table, IP4(10, 91, 0, 1)))) phase_startup(count, &startup_big);
    phase("tables, big");
    if (count) phase_tables();
    phase(NULL);

    ratio = series_pct(&results.lat_dll, 50) / series_pct(&results.lat_floor, 50);
    p99 = series_pct(&results.lat_dll, 99);
    row("", "%s", "");
    row("targets (issue 6)", "%s", "value      verdict");
    target("  p50 ratio, all kinds pooled <= 2.5", ratio <= 2.5, "%.2f", ratio);
    target("  p99 latency, all kinds pooled <= 1000 us", p99 <= 1000, "%.0f us", p99);
    target("  burst lost = 0", results.burst_lost == 0, "%ld", results.burst_lost);
    target("  burst exact", results.burst_exact, "%s", results.burst_exact ? "yes" : "no");
    target("  burst convergence <= 100 ms", results.converge_ms <= 100, "%.1f ms", results.converge_ms);
    target("  idle wake-ups (ours + helper) = 0", results.idle_wakeups == 0, "%lu", results.idle_wakeups);
    target("  start-up, small table <= 20 ms", results.startup_small_ms <= 20, "%.1f ms", results.startup_small_ms);
    target("  start-up, big table <= 100 ms", startup_big <= 100, "%.1f ms", startup_big);
    target("  never registering: no thread, no helper", results.load_threads == 0 && results.load_helpers == 0,
           "%.0f/%ld", results.load_threads, results.load_helpers);
    target("  memory per registration <= 1 KiB", results.mem_per_reg <= 1024, "%.0f B", results.mem_per_reg);
    print_table();

    if (!results.lat_dll.n || !results.burst_ok || !results.idle_ok || isnan(results.startup_small_ms))
    {
        printf("bench: FAILED (a phase did not run; see above)\n");
        return 1;
    }
    printf("bench: p50_ratio=%.2f p99_us=%.0f burst_lost=%ld burst_exact=%s idle_wakeups=%lu startup_ms=%.1f\n",
           ratio, p99, results.burst_lost, results.burst_exact ? "yes" : "no", results.idle_wakeups,
           results.startup_small_ms);
    fflush(stdout);
    return 0;
}
