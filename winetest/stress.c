/* Stress: 8 threads register and cancel, thousands of times, with every notification API (NotifyIpInterfaceChange,
 * NotifyUnicastIpAddressChange, NotifyRouteChange2, NotifyStableUnicastIpAddressTable, NotifyAddrChange and
 * NotifyRouteChange with CancelIPChangeNotify, and CM_Register_Notification where the DLL exports it), while a
 * shell script storms the host with address, route, MTU and link changes (Wine only; on Windows the threads run
 * without the storm).
 *
 * Checked:
 * - nothing crashes and nothing hangs: every wait is bounded, and a watchdog thread fails the run, naming each
 *   thread that made no progress for STALL_MS and the call it is in;
 * - no callback starts after its cancel returned, and none is still running then: each registration has its
 *   own context with a "cancelled" flag, set when the cancel returns and checked when a callback starts and ends;
 * - an OVERLAPPED of NotifyAddrChange/NotifyRouteChange is complete when its cancel returns or soon after, with
 *   the right status, and is never written again (a marker left in it must survive to the end);
 * - handles and heap return to their baseline: our entries in the system handle list exactly, and the bytes in busy
 *   heap blocks within BURST_SLACK after phase 1 and HEAP_SLACK more after phase 2 (see there), measured with the
 *   storm stopped and its changes undone, after a warm-up.
 *
 * "stress.exe stress" is the short run of `make check`; "stress.exe stress long" the long one of `make stress`;
 * "stress.exe stress <cycles>" any number of cycles per thread and phase. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "unix.h"
#include "storm.h"
#include "winenotify/cfgmgr32_notify.h"

#define THREADS 8
#define SHORT_CYCLES 1000
#define LONG_CYCLES 20000
#define WARMUP_CYCLES 40
#define WAIT_MS 10000
/* A thread that has not finished one cycle in this long is stuck (a cycle takes well under a millisecond, a few
 * under heavy load).  Reported between STALL_MS and twice that after it stopped. */
#define STALL_MS 30000
/* What may stay allocated after a phase without being a leak: the event source's queue of changes waiting for
 * dispatch grows to the largest burst and is kept (one entry is a few hundred bytes; a 64 KiB read of small
 * records can hold a few hundred changes), and the hash tables of the view keep their size.  The largest burst
 * may first come in phase 1: BURST_SLACK (measured once in CI's long run: +413,648 bytes after phase 1 and not a
 * byte more after phase 2).  A leak of even 8 bytes per registration is 8 * THREADS * cycles bytes a phase:
 * 64 KiB in the short run, 1.25 MiB in the long one, and it grows again in phase 2, which must stay within
 * HEAP_SLACK of phase 1. */
#define BURST_SLACK (1024 * 1024)
#define HEAP_SLACK (256 * 1024)
#define ONCE_SLACK 4   /* handles Wine may keep ahead of the Linux programs counted (see below) */

#define STATUS_CANCELLED_ ((ULONG_PTR)0xc0000120u)
#define OVL_MARK ((ULONG_PTR)0x5a5a5a5au)

enum api { API_IFACE, API_ADDR, API_ROUTE, API_STABLE, API_ADDRCHANGE, API_ROUTECHANGE, API_CM, API_COUNT };

static const char *const api_names[API_COUNT] =
{
    "NotifyIpInterfaceChange", "NotifyUnicastIpAddressChange", "NotifyRouteChange2",
    "NotifyStableUnicastIpAddressTable", "NotifyAddrChange", "NotifyRouteChange", "CM_Register_Notification",
};

typedef DWORD (WINAPI *notify_stable_fn)(ADDRESS_FAMILY, MIB_UNICASTIPADDRESS_TABLE **,
                                         PSTABLE_UNICAST_IPADDRESS_TABLE_CALLBACK, void *, HANDLE *);
typedef CONFIGRET (WINAPI *cm_register_fn)(CM_NOTIFY_FILTER *, void *, PCM_NOTIFY_CALLBACK, HCMNOTIFICATION *);
typedef CONFIGRET (WINAPI *cm_unregister_fn)(HCMNOTIFICATION);

static notify_stable_fn pNotifyStableUnicastIpAddressTable;
static cm_register_fn pCM_Register_Notification;
static cm_unregister_fn pCM_Unregister_Notification;
static BOOL api_available[API_COUNT];

/* One registration. */
struct reg_ctx
{
    enum api api;
    LONG id;
    volatile LONG cancelled;  /* its cancel has returned */
    volatile LONG inside;     /* its callbacks running now */
    OVERLAPPED ovl;           /* NotifyAddrChange/NotifyRouteChange */
    BOOL ovl_used;
};

/* Per API. */
static volatile LONG calls[API_COUNT], late_starts[API_COUNT], late_ends[API_COUNT], errors[API_COUNT],
    last_error[API_COUNT], cycles_done[API_COUNT], pending_cancelled[API_COUNT];

/* Per thread, for the watchdog. */
struct worker
{
    HANDLE thread;
    unsigned int index, cycles;
    struct reg_ctx *ctx;
    HANDLE event;
    volatile LONG progress;        /* cycles done */
    const char *volatile where;    /* the call it is in */
    volatile LONG api;
};

static struct worker workers[THREADS];
static HANDLE phase_done;

/* ---- callbacks -------------------------------------------------------------------------------------------- */

static void enter(struct reg_ctx *ctx)
{
    InterlockedIncrement(&ctx->inside);
    InterlockedIncrement(&calls[ctx->api]);
    if (ctx->cancelled) InterlockedIncrement(&late_starts[ctx->api]);
    /* Some callbacks are still running when their cancel is called: the cancel must wait for them. */
    if ((ctx->id & 7) == 3) Sleep(1);
}

static void leave(struct reg_ctx *ctx)
{
    if (ctx->cancelled) InterlockedIncrement(&late_ends[ctx->api]);
    InterlockedDecrement(&ctx->inside);
}

static void WINAPI iface_cb(void *context, MIB_IPINTERFACE_ROW *row, MIB_NOTIFICATION_TYPE type)
{
    (void)row; (void)type;
    enter(context);
    leave(context);
}

static void WINAPI addr_cb(void *context, MIB_UNICASTIPADDRESS_ROW *row, MIB_NOTIFICATION_TYPE type)
{
    (void)row; (void)type;
    enter(context);
    leave(context);
}

static void WINAPI route_cb(void *context, MIB_IPFORWARD_ROW2 *row, MIB_NOTIFICATION_TYPE type)
{
    (void)row; (void)type;
    enter(context);
    leave(context);
}

static void WINAPI stable_cb(void *context, MIB_UNICASTIPADDRESS_TABLE *table)
{
    enter(context);
    if (table) FreeMibTable(table);
    leave(context);
}

static DWORD WINAPI cm_cb(HCMNOTIFICATION notify, void *context, CM_NOTIFY_ACTION action, CM_NOTIFY_EVENT_DATA *data,
                          DWORD size)
{
    (void)notify; (void)action; (void)data; (void)size;
    enter(context);
    leave(context);
    return ERROR_SUCCESS;
}

/* ---- one cycle -------------------------------------------------------------------------------------------- */

static void failed(enum api api, DWORD err)
{
    InterlockedIncrement(&errors[api]);
    InterlockedExchange(&last_error[api], (LONG)err);
}

static void mib_cycle(struct worker *w, struct reg_ctx *ctx, unsigned int c)
{
    BOOLEAN initial = (c & 1) != 0;
    ADDRESS_FAMILY family = (c & 2) ? AF_UNSPEC : (c & 4) ? AF_INET6 : AF_INET;
    HANDLE handle = NULL;
    DWORD err = ERROR_INVALID_FUNCTION;
    MIB_UNICASTIPADDRESS_TABLE *table = NULL;

    w->where = api_names[ctx->api];
    switch (ctx->api)
    {
    case API_IFACE: err = NotifyIpInterfaceChange(family, iface_cb, ctx, initial, &handle); break;
    case API_ADDR: err = NotifyUnicastIpAddressChange(family, addr_cb, ctx, initial, &handle); break;
    case API_ROUTE: err = NotifyRouteChange2(family, route_cb, ctx, initial, &handle); break;
    case API_STABLE:
        err = pNotifyStableUnicastIpAddressTable(family, &table, stable_cb, ctx, &handle);
        if (err == NO_ERROR)
        {
            /* Stable now: the table is ours and no callback may come. */
            if (!table) failed(ctx->api, ERROR_INVALID_DATA);
            else FreeMibTable(table);
            ctx->cancelled = 1;
            return;
        }
        if (err == ERROR_IO_PENDING) err = NO_ERROR;
        break;
    default: break;
    }
    if (err != NO_ERROR)
    {
        failed(ctx->api, err);
        ctx->cancelled = 1;
        return;
    }
    if ((c & 3) == 0) Sleep(c & 4 ? 1 : 0);
    w->where = "CancelMibChangeNotify2";
    err = CancelMibChangeNotify2(handle);
    /* A stable registration ends by itself after its one callback; its handle is unknown then. */
    if (err != NO_ERROR && !(ctx->api == API_STABLE && err == ERROR_INVALID_HANDLE && calls[API_STABLE]))
        failed(ctx->api, err);
    ctx->cancelled = 1;
    if (ctx->inside) InterlockedIncrement(&late_ends[ctx->api]);
}

static void ipchange_cycle(struct worker *w, struct reg_ctx *ctx, unsigned int c)
{
    HANDLE handle = NULL;
    DWORD err;
    BOOL cancelled;

    ctx->ovl_used = TRUE;
    ctx->ovl.hEvent = w->event;
    ResetEvent(w->event);
    w->where = api_names[ctx->api];
    err = ctx->api == API_ADDRCHANGE ? NotifyAddrChange(&handle, &ctx->ovl) : NotifyRouteChange(&handle, &ctx->ovl);
    if (err != ERROR_IO_PENDING)
    {
        failed(ctx->api, err);
        ctx->ovl_used = FALSE;
        return;
    }
    if ((c & 3) == 0) Sleep(c & 4 ? 1 : 0);
    w->where = "CancelIPChangeNotify";
    cancelled = CancelIPChangeNotify(&ctx->ovl);
    w->where = "waiting for the OVERLAPPED";
    if (WaitForSingleObject(w->event, WAIT_MS) != WAIT_OBJECT_0)
    {
        failed(ctx->api, WAIT_TIMEOUT);
        ctx->ovl_used = FALSE;  /* it may still be written: leave it out of the final check */
        return;
    }
    if (cancelled)
    {
        InterlockedIncrement(&pending_cancelled[ctx->api]);
        if (ctx->ovl.Internal != STATUS_CANCELLED_) failed(ctx->api, (DWORD)ctx->ovl.Internal);
    }
    else if (ctx->ovl.Internal != 0) failed(ctx->api, (DWORD)ctx->ovl.Internal);
    /* Complete: nobody may write it any more. */
    ctx->ovl.Internal = OVL_MARK;
    ctx->ovl.InternalHigh = OVL_MARK;
}

static void cm_cycle(struct worker *w, struct reg_ctx *ctx, unsigned int c)
{
    CM_NOTIFY_FILTER filter;
    HCMNOTIFICATION notify = NULL;
    CONFIGRET cr;

    memset(&filter, 0, sizeof(filter));
    filter.cbSize = sizeof(filter);
    filter.Flags = CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES;
    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    w->where = "CM_Register_Notification";
    if ((cr = pCM_Register_Notification(&filter, ctx, cm_cb, &notify)) != CR_SUCCESS)
    {
        failed(ctx->api, cr);
        ctx->cancelled = 1;
        return;
    }
    if ((c & 3) == 0) Sleep(c & 4 ? 1 : 0);
    w->where = "CM_Unregister_Notification";
    if ((cr = pCM_Unregister_Notification(notify)) != CR_SUCCESS) failed(ctx->api, cr);
    ctx->cancelled = 1;
    if (ctx->inside) InterlockedIncrement(&late_ends[ctx->api]);
}

static DWORD WINAPI worker_main(void *arg)
{
    struct worker *w = arg;
    unsigned int c, k;

    for (c = 0; c < w->cycles; c++)
    {
        struct reg_ctx *ctx = &w->ctx[c];
        enum api api = (enum api)((c + w->index) % API_COUNT);

        for (k = 0; !api_available[api] && k < API_COUNT; k++) api = (enum api)((api + 1) % API_COUNT);
        ctx->api = api;
        ctx->id = (LONG)(c * THREADS + w->index);
        w->api = api;
        if (api == API_ADDRCHANGE || api == API_ROUTECHANGE) ipchange_cycle(w, ctx, c);
        else if (api == API_CM) cm_cycle(w, ctx, c);
        else mib_cycle(w, ctx, c);
        InterlockedIncrement(&cycles_done[api]);
        w->where = "between cycles";
        InterlockedIncrement(&w->progress);
    }
    w->where = "done";
    return 0;
}

/* ---- the watchdog ----------------------------------------------------------------------------------------- */

static volatile LONG watchdog_stop;

/* Wakes every STALL_MS (no sooner) while a phase runs; a thread that made no progress since is stuck.  Stops the
 * program with the report: a hung thread would otherwise keep it from ever printing one. */
static DWORD WINAPI watchdog_main(void *arg)
{
    LONG seen[THREADS];
    unsigned int i, stuck;

    (void)arg;
    for (i = 0; i < THREADS; i++) seen[i] = workers[i].progress;
    while (!watchdog_stop)
    {
        if (WaitForSingleObject(phase_done, STALL_MS) == WAIT_OBJECT_0) continue;
        if (watchdog_stop) break;
        for (i = 0, stuck = 0; i < THREADS; i++)
        {
            struct worker *w = &workers[i];

            if (!w->thread || !strcmp(w->where, "done") || w->progress != seen[i])
            {
                seen[i] = w->progress;
                continue;
            }
            ok(0, "thread %u stuck for %u ms in %s (cycle %ld, %s)\n", i, STALL_MS, w->where, w->progress,
               api_names[w->api]);
            stuck++;
        }
        if (stuck)
        {
            ok(0, "%u threads hung: stopping the run\n", stuck);
            if (storming) winetest_write_file("stop", "");
            ExitProcess(winetest_finish());
        }
    }
    return 0;
}

/* Held for the whole run: hears the storm's acknowledgement. */
static HANDLE sentinel;
static volatile LONG sentinel_calls;

static void WINAPI sentinel_cb(void *context, MIB_UNICASTIPADDRESS_ROW *row, MIB_NOTIFICATION_TYPE type)
{
    (void)context;
    InterlockedIncrement(&sentinel_calls);
    storm_seen(row, type);
}

/* ---- measures --------------------------------------------------------------------------------------------- */

static SIZE_T busy_heap_bytes(void)
{
    HANDLE heaps[256];
    DWORD count = GetProcessHeaps(ARRAY_SIZE(heaps), heaps), h;
    SIZE_T sum = 0;

    for (h = 0; h < count && h < ARRAY_SIZE(heaps); h++)
    {
        PROCESS_HEAP_ENTRY entry;

        if (!HeapLock(heaps[h])) continue;
        memset(&entry, 0, sizeof(entry));
        while (HeapWalk(heaps[h], &entry))
            if (entry.wFlags & PROCESS_HEAP_ENTRY_BUSY) sum += entry.cbData;
        HeapUnlock(heaps[h]);
    }
    return sum;
}

/* Wine 10 or newer (ntdll's wine_get_version), whose HeapWalk reports low-fragmentation heap groups. */
static BOOL lfh_groups_walked(void)
{
    const char *(CDECL *get_version)(void) =
        (void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version");
    return get_version && atoi(get_version()) >= 10;
}

/* GetProcessHandleCount answers 0 under Wine 8: count our entries in the system's handle list instead. */
struct handle_entry
{
    ULONG pid;
    UCHAR type, flags;
    USHORT value;
    void *object;
    ACCESS_MASK access;
};

struct handle_list
{
    ULONG count;
    struct handle_entry entries[1];
};

/* Our entries in the system's handle list; per object type too, when types is not NULL (256 counters). */
static DWORD handle_count_by_type(DWORD *types)
{
    LONG (WINAPI *query)(int, void *, ULONG, ULONG *) =
        (void *)GetProcAddress(GetModuleHandleA("ntdll.dll"), "NtQuerySystemInformation");
    ULONG size = 1 << 16, got = 0, i;
    struct handle_list *list = NULL;
    DWORD n = 0, pid = GetCurrentProcessId();
    LONG status = -1;

    if (!query) return 0;
    for (; size <= (1u << 26); size *= 2)
    {
        free(list);
        if (!(list = malloc(size))) return 0;
        /* SystemHandleInformation; 0xc0000004 is STATUS_INFO_LENGTH_MISMATCH. */
        if ((status = query(16, list, size, &got)) != (LONG)0xc0000004) break;
    }
    if (types) memset(types, 0, 256 * sizeof(*types));
    if (!status)
        for (i = 0; i < list->count; i++)
            if (list->entries[i].pid == pid)
            {
                n++;
                if (types) types[list->entries[i].type]++;
            }
    free(list);
    return n;
}

static DWORD handle_count(void)
{
    return handle_count_by_type(NULL);
}

/* ---- phases ----------------------------------------------------------------------------------------------- */

static void run_phase(const char *name, unsigned int cycles)
{
    HANDLE watchdog;
    ULONGLONG t0 = GetTickCount64();
    unsigned int i;
    LONG before = 0, after = 0;

    for (i = 0; i < API_COUNT; i++) before += cycles_done[i];
    storm_start(0);
    ResetEvent(phase_done);
    watchdog_stop = 0;
    for (i = 0; i < THREADS; i++)
    {
        struct worker *w = &workers[i];

        w->index = i;
        w->cycles = cycles;
        w->progress = 0;
        w->where = "starting";
        w->event = CreateEventW(NULL, TRUE, FALSE, NULL);
        memset(w->ctx, 0, cycles * sizeof(*w->ctx));
        w->thread = CreateThread(NULL, 0, worker_main, w, 0, NULL);
        ok(w->thread != NULL, "cannot start thread %u: %lu\n", i, GetLastError());
    }
    watchdog = CreateThread(NULL, 0, watchdog_main, NULL, 0, NULL);
    for (i = 0; i < THREADS; i++)
    {
        struct worker *w = &workers[i];
        unsigned int c;

        if (!w->thread) continue;
        /* The watchdog ends a hung run. */
        WaitForSingleObject(w->thread, INFINITE);
        CloseHandle(w->thread);
        w->thread = NULL;
        CloseHandle(w->event);
        for (c = 0; c < cycles; c++)
        {
            struct reg_ctx *ctx = &w->ctx[c];

            if (!ctx->ovl_used) continue;
            if (ctx->ovl.Internal != OVL_MARK || ctx->ovl.InternalHigh != OVL_MARK)
                failed(ctx->api, ERROR_INVALID_DATA);
        }
    }
    watchdog_stop = 1;
    SetEvent(phase_done);
    WaitForSingleObject(watchdog, INFINITE);
    CloseHandle(watchdog);
    storm_stop(3 * WAIT_MS);
    for (i = 0; i < API_COUNT; i++) after += cycles_done[i];
    trace("%s: %ld register/cancel cycles in %llu ms\n", name, after - before, GetTickCount64() - t0);
}

START_TEST(stress)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);
    unsigned int cycles = SHORT_CYCLES, i;
    HMODULE cfgmgr32 = LoadLibraryA("cfgmgr32.dll");
    DWORD h0, h1, h2, err;
    static DWORD types0[256], types2[256];
    unsigned int r0, r1, r2;
    SIZE_T m0, m1, m2;
    WSADATA wsa;

    WSAStartup(MAKEWORD(2, 2), &wsa);
    if (argc >= 3) cycles = !strcmp(argv[2], "long") ? LONG_CYCLES : (unsigned int)atoi(argv[2]);
    if (cycles < WARMUP_CYCLES) cycles = WARMUP_CYCLES;

    pNotifyStableUnicastIpAddressTable =
        (void *)GetProcAddress(GetModuleHandleA("iphlpapi.dll"), "NotifyStableUnicastIpAddressTable");
    pCM_Register_Notification = (void *)GetProcAddress(cfgmgr32, "CM_Register_Notification");
    pCM_Unregister_Notification = (void *)GetProcAddress(cfgmgr32, "CM_Unregister_Notification");
    for (i = 0; i < API_COUNT; i++) api_available[i] = TRUE;
    api_available[API_STABLE] = pNotifyStableUnicastIpAddressTable != NULL;
    api_available[API_CM] = pCM_Register_Notification && pCM_Unregister_Notification;
    if (api_available[API_CM])
    {
        /* Wine 8's own cfgmgr32 has the export but not the function. */
        struct reg_ctx probe;
        struct worker w;

        memset(&probe, 0, sizeof(probe));
        memset(&w, 0, sizeof(w));
        probe.api = API_CM;
        cm_cycle(&w, &probe, 1);
        if (errors[API_CM] && last_error[API_CM] == CR_CALL_NOT_IMPLEMENTED)
        {
            api_available[API_CM] = FALSE;
            errors[API_CM] = 0;
        }
    }
    if (!api_available[API_CM]) skip("no working CM_Register_Notification in cfgmgr32.dll: stressing the others\n");

    phase_done = CreateEventW(NULL, TRUE, FALSE, NULL);
    err = NotifyUnicastIpAddressChange(AF_INET, sentinel_cb, NULL, FALSE, &sentinel);
    ok(err == NO_ERROR, "sentinel registration: %lu\n", err);
    if (err) return;

    if (!storm_init()) skip("no storm of host changes (Wine only, in tools/wine-test-run's namespace): threads alone\n");

    for (i = 0; i < THREADS; i++) workers[i].ctx = malloc(cycles * sizeof(*workers[i].ctx));

    /* Warm-up: the reader, the workers, the helper, the events of NotifyAddrChange and the queues all exist
     * afterwards, at the size a storm gives them. */
    run_phase("warm-up", WARMUP_CYCLES);
    h0 = handle_count_by_type(types0);
    r0 = storm_unix_runs;
    m0 = busy_heap_bytes();
    run_phase("phase 1", cycles);
    h1 = handle_count();
    r1 = storm_unix_runs;
    m1 = busy_heap_bytes();
    run_phase("phase 2", cycles);
    h2 = handle_count_by_type(types2);
    r2 = storm_unix_runs;
    m2 = busy_heap_bytes();

    trace("handles: %lu after the warm-up, %lu after phase 1, %lu after phase 2\n", h0, h1, h2);
    trace("heap in use: %lu bytes after the warm-up, %+ld after phase 1, %+ld after phase 2\n", (unsigned long)m0,
          (long)(m1 - m0), (long)(m2 - m0));
    for (i = 0; i < 256; i++)
        if (types0[i] != types2[i]) trace("handles of object type %u: %lu after the warm-up, %lu at the end\n", i,
                                          types0[i], types2[i]);
    /* Wine keeps up to one file handle for each Linux program it starts (Wine 8: one `true` took the count from
     * 18 to 19; not every time, and not always at once): ours are the storms' shells, one a phase.  In Wine 10's
     * i386 cell both handles of type 17 may already be there after phase 1 (seen in two runs of five: 23, then 25
     * with one program started, then 25 with two), so a few more than the programs started are allowed at any
     * point.  A leak of ours would be one a registration: thousands. */
    ok(h1 >= h0 && h1 - h0 <= r1 - r0 + ONCE_SLACK && h2 >= h0 && h2 - h0 <= r2 - r0 + ONCE_SLACK,
       "handles: %lu after the warm-up, %lu and %lu after the phases, with %u and %u Linux programs started\n",
       h0, h1, h2, r1 - r0, r2 - r0);
    /* Wine 10's HeapWalk shows its low-fragmentation heap's groups as single busy blocks of 8-40 KB (seen: 160
     * busy entries, of which 3 then 31 then 39 such groups in the process heap over warm-up and two phases), so
     * the sum counts groups the storm's threads made, not bytes in use: it passes or fails with how many groups
     * they happened to make, so it is marked flaky there (reported, not judged) until measured otherwise. */
    flaky_wine_if(lfh_groups_walked())
    ok((SSIZE_T)(m1 - m0) <= BURST_SLACK && (SSIZE_T)(m2 - m1) <= HEAP_SLACK,
       "heap grew by %ld bytes in phase 1 (slack %u) and %ld more in phase 2 (slack %u)\n", (long)(m1 - m0),
       BURST_SLACK, (long)(m2 - m1), HEAP_SLACK);
    if (storming) trace("storm: %lu rounds of %u changes\n", storm_rounds, STORM_CHANGES_PER_ROUND);

    for (i = 0; i < API_COUNT; i++)
    {
        if (!api_available[i]) continue;
        trace("%s: %ld cycles, %ld callbacks%s\n", api_names[i], cycles_done[i], calls[i],
              i == API_ADDRCHANGE || i == API_ROUTECHANGE ? "" : "");
        if (i == API_ADDRCHANGE || i == API_ROUTECHANGE)
            trace("%s: %ld requests still pending at their cancel\n", api_names[i], pending_cancelled[i]);
        ok(cycles_done[i] > 0, "%s: never ran\n", api_names[i]);
        ok(!errors[i], "%s: %ld errors, the last %#lx\n", api_names[i], errors[i], last_error[i]);
        ok(!late_starts[i], "%s: %ld callbacks started after their cancel returned\n", api_names[i], late_starts[i]);
        ok(!late_ends[i], "%s: %ld callbacks still running when their cancel returned\n", api_names[i],
           late_ends[i]);
    }
    ok(!storming || sentinel_calls > 0, "the sentinel registration saw nothing of the storm\n");
    err = CancelMibChangeNotify2(sentinel);
    ok(err == NO_ERROR, "cancelling the sentinel: %lu\n", err);
    for (i = 0; i < THREADS; i++) free(workers[i].ctx);
    CloseHandle(storm_ack);
    CloseHandle(phase_done);
}
