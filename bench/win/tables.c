/* Tables: GetIpForwardTable2 and GetUnicastIpAddressTable at the big table's size (10,000 rows), ours and the
 * system DLL's own call side by side in the same process and the same network namespace.
 *
 * The start-up phase has left plan.big_table addresses (each with its host route in Linux's local table, which
 * our route table lists as Windows does); this phase adds as many /24 routes of the main table, which Wine's own
 * table lists too, so that both tables have at least that many rows.  Ours answers from the view in memory;
 * Wine's asks its nsiproxy driver, which reads the kernel's tables each time. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define WAIT_MS 60000

typedef DWORD (WINAPI *route_table_fn)(ADDRESS_FAMILY, MIB_IPFORWARD_TABLE2 **);
typedef DWORD (WINAPI *addr_table_fn)(ADDRESS_FAMILY, MIB_UNICASTIPADDRESS_TABLE **);

/* The system's own copy, loaded by full path: with ours loaded under the same name, a second module. */
static HMODULE system_iphlpapi(void)
{
    WCHAR path[MAX_PATH + 32];
    UINT len = GetSystemDirectoryW(path, MAX_PATH);

    path[len++] = '\\';
    lstrcpyW(path + len, L"iphlpapi.dll");
    return LoadLibraryExW(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
}

static ULONG route_rows(route_table_fn fn)
{
    MIB_IPFORWARD_TABLE2 *t;
    ULONG n;

    if (fn(AF_UNSPEC, &t)) return 0;
    n = t->NumEntries;
    FreeMibTable(t);
    return n;
}

/* Median and p90 of runs calls, in ms, and the rows of the last one. */
static void time_routes(const char *name, route_table_fn fn, unsigned int runs)
{
    struct series s = { 0 };
    ULONG rows = 0;
    unsigned int i;

    for (i = 0; i < runs; i++)
    {
        MIB_IPFORWARD_TABLE2 *t;
        double t0 = mono_us();
        DWORD err = fn(AF_UNSPEC, &t);

        series_add(&s, (mono_us() - t0) / 1000);
        if (err)
        {
            detail("%s: error %lu", name, err);
            break;
        }
        rows = t->NumEntries;
        FreeMibTable(t);
    }
    row(name, "median %8.2f ms, p90 %8.2f ms | %lu rows, n=%u", series_pct(&s, 50), series_pct(&s, 90), rows, i);
    series_free(&s);
}

static void time_addresses(const char *name, addr_table_fn fn, unsigned int runs)
{
    struct series s = { 0 };
    ULONG rows = 0;
    unsigned int i;

    for (i = 0; i < runs; i++)
    {
        MIB_UNICASTIPADDRESS_TABLE *t;
        double t0 = mono_us();
        DWORD err = fn(AF_UNSPEC, &t);

        series_add(&s, (mono_us() - t0) / 1000);
        if (err)
        {
            detail("%s: error %lu", name, err);
            break;
        }
        rows = t->NumEntries;
        FreeMibTable(t);
    }
    row(name, "median %8.2f ms, p90 %8.2f ms | %lu rows, n=%u", series_pct(&s, 50), series_pct(&s, 90), rows, i);
    series_free(&s);
}

void phase_tables(void)
{
    HMODULE ours = GetModuleHandleW(L"iphlpapi.dll"), sys = system_iphlpapi();
    route_table_fn our_routes = (route_table_fn)(void *)GetProcAddress(ours, "GetIpForwardTable2");
    addr_table_fn our_addrs = (addr_table_fn)(void *)GetProcAddress(ours, "GetUnicastIpAddressTable");
    route_table_fn sys_routes = sys ? (route_table_fn)(void *)GetProcAddress(sys, "GetIpForwardTable2") : NULL;
    addr_table_fn sys_addrs = sys ? (addr_table_fn)(void *)GetProcAddress(sys, "GetUnicastIpAddressTable") : NULL;
    unsigned int runs = plan.quick ? 2 : 10;
    ULONGLONG deadline;
    const char *r;
    long failed = -1;
    double ms = 0;

    if (!our_routes || !our_addrs || !sys || sys == ours || !sys_routes || !sys_addrs)
    {
        detail("no system copy to compare with (%p, ours %p)", (void *)sys, (void *)ours);
        return;
    }
    if (!(r = native_cmd("routes %u %u %s add", IP4(10, 160, 0, 0), plan.big_table, test_if))) return;
    sscanf(r, "%ld %lf", &failed, &ms);
    detail("added %u routes in %.0f ms (%ld failed)", plan.big_table, ms, failed);
    /* Until our view (and so the kernel) has them all: the helper's events come at their own pace. */
    deadline = GetTickCount64() + WAIT_MS;
    while (route_rows(our_routes) < 2 * plan.big_table && GetTickCount64() < deadline) Sleep(50);

    time_routes("GetIpForwardTable2: ours", our_routes, runs);
    time_routes("GetIpForwardTable2: system", sys_routes, runs);
    time_addresses("GetUnicastIpAddressTable: ours", our_addrs, runs);
    time_addresses("GetUnicastIpAddressTable: system", sys_addrs, runs);
}
