/* The Windows half of the benchmark (see BENCHMARKS.md): shared declarations. */
#ifndef BENCH_H
#define BENCH_H

#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdint.h>

/* How much to do; --quick shrinks everything for the smoke run (its figures mean nothing). */
struct plan
{
    unsigned int samples;        /* latency samples per event kind */
    unsigned int idle_ms;
    unsigned int idle_regs;      /* registrations during the idle phase */
    unsigned int scale_regs;     /* registrations for the scale phase */
    unsigned int scale_samples;  /* events dispatched to all of them */
    unsigned int burst_adds, burst_lag;  /* burst: adds + (adds - lag) deletes */
    unsigned int startup_runs;   /* processes per start-up figure */
    unsigned int load_runs;      /* processes per load-cost figure */
    unsigned int big_table;      /* addresses for the second start-up figure */
    BOOL quick;
};

extern struct plan plan;
extern const char *test_if;      /* the interface the bench changes (WINENOTIFY_TEST_IF) */

/* ---- clock and statistics (stats.c) ---- */

/* CLOCK_REALTIME in ns, from GetSystemTimePreciseAsFileTime (same clock as the native side's). */
int64_t now_ns(void);
/* A monotonic clock in microseconds (QueryPerformanceCounter). */
double mono_us(void);

struct series
{
    double *v;
    size_t n, cap;
    unsigned int missed;         /* samples that never came */
};

void series_add(struct series *s, double x);
double series_pct(struct series *s, double pct);   /* nearest rank; NAN when empty */
double series_mean(const struct series *s);
double series_max(const struct series *s);
void series_free(struct series *s);

/* ---- output (report.c) ---- */

/* A line of detail (printed at once, before the table). */
void detail(const char *fmt, ...) __attribute__((format(gnu_printf, 1, 2)));
/* A row of the table (printed at the end): name, then the figures. */
void row(const char *name, const char *fmt, ...) __attribute__((format(gnu_printf, 2, 3)));
void print_table(void);

/* ---- the native half (native.c) ---- */

BOOL native_start(void);
/* Sends a command and returns its "ok ..." answer without the "ok " (static buffer), or NULL after an "err"
 * (reported as a detail).  "# " lines before it become details. */
const char *native_cmd(const char *fmt, ...) __attribute__((format(gnu_printf, 1, 2)));
/* The same in two steps, so that nothing of ours waits on the connection while an event travels: the answer
 * stays in the socket until native_reply() reads it. */
BOOL native_send(const char *fmt, ...) __attribute__((format(gnu_printf, 1, 2)));
const char *native_reply(void);

/* ---- phases ---- */

struct results
{
    struct series lat_dll, lat_floor;      /* all event kinds pooled, for the last line */
    double startup_small_ms, startup_big_ms;
    unsigned long idle_wakeups;
    long burst_lost;
    BOOL burst_exact;
    double converge_ms;                    /* NAN: never */
    double mem_per_reg;                    /* bytes, heap in use */
    double load_threads;                   /* most threads a never-registering load started */
    long load_helpers;                     /* most helpers seen meanwhile */
    BOOL idle_ok, burst_ok;
};

extern struct results results;

/* Registration helpers (callbacks.c). */
enum expect_kind { EXPECT_ADDR, EXPECT_ROUTE, EXPECT_LINK };

/* The event the latency callbacks wait for: each kind's callback compares its row with it. */
void expect_arm(enum expect_kind kind, MIB_NOTIFICATION_TYPE type, uint32_t key, LONG count);
/* Waits for the armed event's count-th callback; returns the time of the first and of the last callback, or
 * FALSE when it did not come within ms. */
BOOL expect_wait(DWORD ms, int64_t *first_ns, int64_t *last_ns);
/* Registers a latency callback of kind; returns the handle or NULL. */
HANDLE register_kind(enum expect_kind kind);
LONG other_callbacks(void);

void phase_latency(void);
void phase_idle(unsigned int n_regs);
void phase_scale(void);
void phase_burst(void);
void phase_startup(ULONG addresses, double *median_ms);
void phase_load(void);
void phase_tables(void);
int child_startup(const char *result_file);

/* Fills the table with more addresses until it holds n (counting what GetUnicastIpAddressTable shows); returns
 * how many it holds, 0 on failure. */
ULONG grow_table(unsigned int n, uint32_t first);

/* 10.a.b.c as a host-order number. */
#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

#endif
