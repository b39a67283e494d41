/* Start-up: the first Notify call of a fresh process with InitialNotification (our reader thread, the helper's
 * start and its first snapshot), at the table sizes the caller made; and what our DLL costs a program that
 * loads it but never registers, against the system's own DLL.  Each figure comes from fresh processes: this
 * program again ("child startup"), or bench-load.exe, which imports nothing from iphlpapi. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define CHILD_WAIT_MS 60000
#define RESULT_FILE "child-result.txt"

static double initial_us = -1;

static void WINAPI initial_cb(void *ctx, MIB_UNICASTIPADDRESS_ROW *r, MIB_NOTIFICATION_TYPE type)
{
    (void)ctx; (void)r;
    if (type == MibInitialNotification) initial_us = mono_us();
}

/* The child: one registration, timed, and what it saw. */
int child_startup(const char *result_file)
{
    HANDLE h = NULL;
    double t0, t1;
    DWORD err;
    FILE *f;

    t0 = mono_us();
    err = NotifyUnicastIpAddressChange(AF_UNSPEC, initial_cb, NULL, TRUE, &h);
    t1 = mono_us();
    if (!(f = fopen(result_file, "w"))) return 1;
    /* Our handles lie in [0x40000000, 0x80000000) (dlls/iphlpapi/dispatch.h); the system's are elsewhere. */
    fprintf(f, "err=%lu call_us=%.0f initial_us=%.0f ours=%d\n", err, t1 - t0, initial_us < 0 ? -1 : initial_us - t0,
            (ULONG_PTR)h >= 0x40000000 && (ULONG_PTR)h < 0x80000000);
    fclose(f);
    if (!err) CancelMibChangeNotify2(h);
    return 0;
}

/* Runs a program beside us with cmdline and waits for it; FALSE if it could not run. */
static BOOL run_beside(const WCHAR *exe, const WCHAR *args, HANDLE *process)
{
    WCHAR path[MAX_PATH], cmdline[2 * MAX_PATH], *slash;
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;

    GetModuleFileNameW(NULL, path, MAX_PATH);
    if ((slash = wcsrchr(path, '\\'))) slash[1] = 0;
    wcscat(path, exe);
    swprintf(cmdline, ARRAYSIZE(cmdline), L"\"%ls\" %ls", path, args);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    if (!CreateProcessW(path, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
    {
        detail("cannot start %ls: %lu", path, GetLastError());
        return FALSE;
    }
    CloseHandle(pi.hThread);
    *process = pi.hProcess;
    return TRUE;
}

static char *read_result(void)
{
    static char line[512];
    FILE *f = fopen(RESULT_FILE, "r");

    line[0] = 0;
    if (!f) return NULL;
    if (!fgets(line, sizeof(line), f)) line[0] = 0;
    fclose(f);
    return line[0] ? line : NULL;
}

static double field(const char *text, const char *name)
{
    char key[64];
    const char *p;
    double v = -1;

    snprintf(key, sizeof(key), "%s=", name);
    if ((p = strstr(text, key))) sscanf(p + strlen(key), "%lf", &v);
    return v;
}

void phase_startup(ULONG addresses, double *median_ms)
{
    struct series call = { 0 };
    unsigned int i, not_ours = 0;
    char name[64];

    for (i = 0; i < plan.startup_runs; i++)
    {
        HANDLE process;
        char *r;

        DeleteFileA(RESULT_FILE);
        if (!run_beside(L"bench.exe", L"child startup " RESULT_FILE, &process)) return;
        WaitForSingleObject(process, CHILD_WAIT_MS);
        CloseHandle(process);
        if (!(r = read_result()) || field(r, "err") != 0)
        {
            detail("start-up child %u: %s", i, r ? r : "no result");
            call.missed++;
            continue;
        }
        if (field(r, "ours") != 1) not_ours++;
        series_add(&call, field(r, "call_us") / 1000.0);
    }
    snprintf(name, sizeof(name), "start-up, %lu addresses (ms)", addresses);
    row(name, "first Notify call with initial notification: median %.1f, max %.1f | n=%zu%s", series_pct(&call, 50),
        series_max(&call), call.n, not_ours ? " (NOT OURS: no helper?)" : "");
    *median_ms = series_pct(&call, 50);
    series_free(&call);
}

/* bench-load.exe in a fresh process: "ours" loads iphlpapi.dll as a program would (our copy beside it wins by
 * WINEDLLOVERRIDES=n,b), "system" loads the system directory's copy by full path (Wine's builtin). */
static BOOL load_run(BOOL ours, double *load_us, double *call_us, double *threads, BOOL *which_ok, long *helpers)
{
    HANDLE ready = CreateEventW(NULL, TRUE, FALSE, L"bench-load-ready");
    HANDLE go = CreateEventW(NULL, TRUE, FALSE, L"bench-load-exit");
    HANDLE process;
    const char *r;
    char *res;
    BOOL ok;

    DeleteFileA(RESULT_FILE);
    ok = run_beside(L"bench-load.exe", ours ? L"ours " RESULT_FILE : L"system " RESULT_FILE, &process);
    if (ok)
    {
        /* While it lives: does it have a helper? */
        if (WaitForSingleObject(ready, CHILD_WAIT_MS) == WAIT_OBJECT_0 && (r = native_cmd("helpers")))
            *helpers = atol(r);
        SetEvent(go);
        WaitForSingleObject(process, CHILD_WAIT_MS);
        CloseHandle(process);
    }
    CloseHandle(ready);
    CloseHandle(go);
    if (!ok || !(res = read_result())) return FALSE;
    if (field(res, "ours") != (ours ? 1 : 0)) detail("load %s: %s", ours ? "ours" : "system", res);
    *load_us = field(res, "load_us");
    *call_us = field(res, "call_us");
    *threads = field(res, "new_threads");
    *which_ok = field(res, "ours") == (ours ? 1 : 0);
    return TRUE;
}

void phase_load(void)
{
    struct series load[2] = { { 0 } }, call[2] = { { 0 } };
    double max_threads = 0;
    long max_helpers = 0;
    BOOL wrong = FALSE;
    unsigned int i;
    int v;

    for (i = 0; i < plan.load_runs; i++)
        for (v = 0; v < 2; v++)
        {
            double l, c, t;
            BOOL which;
            long helpers = -1;

            if (!load_run(v == 0, &l, &c, &t, &which, &helpers))
            {
                load[v].missed++;
                continue;
            }
            series_add(&load[v], l);
            series_add(&call[v], c);
            if (t > max_threads) max_threads = t;
            if (v == 0 && helpers > max_helpers) max_helpers = helpers;
            if (!which) wrong = TRUE;
        }
    row("load, never registering: ours (us)", "LoadLibrary median %.0f, first forwarded call median %.0f | n=%zu",
        series_pct(&load[0], 50), series_pct(&call[0], 50), load[0].n);
    row("load, never registering: system (us)", "LoadLibrary median %.0f, first call median %.0f | n=%zu",
        series_pct(&load[1], 50), series_pct(&call[1], 50), load[1].n);
    row("load, never registering: started", "%.0f threads, %ld helpers%s", max_threads, max_helpers,
        wrong ? " (WRONG DLL LOADED)" : "");
    results.load_threads = load[0].n ? max_threads : NAN;
    results.load_helpers = max_helpers;
    for (v = 0; v < 2; v++)
    {
        series_free(&load[v]);
        series_free(&call[v]);
    }
}

ULONG grow_table(unsigned int n, uint32_t first)
{
    MIB_UNICASTIPADDRESS_TABLE *table;
    ULONG have;
    const char *r;
    long failed = -1;
    double ms = 0;

    if (GetUnicastIpAddressTable(AF_UNSPEC, &table)) return 0;
    have = table->NumEntries;
    FreeMibTable(table);
    if (have >= n) return have;
    if (!(r = native_cmd("fill %u %lu %s add", first, n - have, test_if))) return 0;
    sscanf(r, "%ld %lf", &failed, &ms);
    detail("added %lu addresses in %.0f ms (%ld failed)", n - have, ms, failed);
    return failed ? 0 : n;
}
