/* Faults, under Wine: what happens to the notifications when the helper is killed during a storm of host
 * changes, sends malformed or truncated records, loses events to a netlink overflow, has been removed, or cannot
 * connect because loopback is down.  Each case ends either in the exact state (what the program was told equals
 * the system's table) or in the honest fallback to the system's functions, never in a crash or a hang; the time
 * to recover is traced.
 *
 * "What the program was told": an address registration (NotifyUnicastIpAddressChange, AF_UNSPEC) logs every
 * notification; the system's own GetUnicastIpAddressTable, read once after registering, with the log replayed
 * over it (an add inserts, a delete removes: the last notification of an address decides), must equal the
 * system's table read at the end.  Waits are bounded; host changes are made with ip(8) through /bin/sh, and a
 * marker address on lo tells when a command has run and been heard.
 *
 * "faults.exe faults" is the short run of `make check`, "faults.exe faults long" the long one of `make stress`;
 * the program re-runs itself as "faults.exe faults child <mode>" for what needs a fresh process. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "fakehelper.h"
#include "unix.h"
#include "storm.h"
#include "winenotify/wire.h"

#define WAIT_MS 10000
/* The DLL's own bounds: 10 s for the first view (source_wine.c), so a fallback comes within this. */
#define FALLBACK_MS 20000

static char unix_cwd[1024];
static DWORD (WINAPI *pGetUnicastIpAddressTable)(ADDRESS_FAMILY, MIB_UNICASTIPADDRESS_TABLE **);
static void (WINAPI *pFreeMibTable)(void *);

/* ---- what the program was told ---------------------------------------------------------------------------- */

struct note
{
    MIB_NOTIFICATION_TYPE type;
    SOCKADDR_INET addr;
    NET_IFINDEX index;
};

static CRITICAL_SECTION log_cs;
static HANDLE log_signal;
static struct note *notes;
static size_t n_notes, cap_notes;
static MIB_UNICASTIPADDRESS_TABLE *start_table;
static HANDLE tracker;

static void WINAPI tracker_cb(void *context, MIB_UNICASTIPADDRESS_ROW *row, MIB_NOTIFICATION_TYPE type)
{
    (void)context;
    if (!row) return;
    EnterCriticalSection(&log_cs);
    if (n_notes == cap_notes)
    {
        cap_notes = cap_notes ? cap_notes * 2 : 1024;
        notes = realloc(notes, cap_notes * sizeof(*notes));
    }
    notes[n_notes].type = type;
    notes[n_notes].addr = row->Address;
    notes[n_notes].index = row->InterfaceIndex;
    n_notes++;
    LeaveCriticalSection(&log_cs);
    storm_seen(row, type);
    SetEvent(log_signal);
}

static BOOL same_addr(const SOCKADDR_INET *a, NET_IFINDEX ia, const SOCKADDR_INET *b, NET_IFINDEX ib)
{
    if (a->si_family != b->si_family || ia != ib) return FALSE;
    if (a->si_family == AF_INET) return a->Ipv4.sin_addr.s_addr == b->Ipv4.sin_addr.s_addr;
    return !memcmp(&a->Ipv6.sin6_addr, &b->Ipv6.sin6_addr, 16);
}

static const char *addr_text(const SOCKADDR_INET *a, NET_IFINDEX index)
{
    static char buf[80];
    char ip[64] = "?";

    if (a->si_family == AF_INET) inet_ntop(AF_INET, &a->Ipv4.sin_addr, ip, sizeof(ip));
    else inet_ntop(AF_INET6, &a->Ipv6.sin6_addr, ip, sizeof(ip));
    snprintf(buf, sizeof(buf), "%s on %lu", ip, index);
    return buf;
}

static DWORD track_start(void)
{
    DWORD err;

    InitializeCriticalSection(&log_cs);
    log_signal = CreateEventW(NULL, FALSE, FALSE, NULL);
    err = NotifyUnicastIpAddressChange(AF_UNSPEC, tracker_cb, NULL, FALSE, &tracker);
    if (!err) ok(!pGetUnicastIpAddressTable(AF_UNSPEC, &start_table), "cannot read the system's table\n");
    return err;
}

/* Waits (bounded) for the notification of an IPv4 address added to lo; returns the ms it took from t0, or -1. */
static LONG wait_marker(const char *text, size_t from, ULONGLONG t0, DWORD wait_ms)
{
    SOCKADDR_INET want;
    size_t i;

    memset(&want, 0, sizeof(want));
    want.si_family = AF_INET;
    inet_pton(AF_INET, text, &want.Ipv4.sin_addr);
    for (;;)
    {
        EnterCriticalSection(&log_cs);
        for (i = from; i < n_notes; i++)
            if (notes[i].type == MibAddInstance && notes[i].addr.si_family == AF_INET &&
                notes[i].addr.Ipv4.sin_addr.s_addr == want.Ipv4.sin_addr.s_addr)
                break;
        from = n_notes;
        LeaveCriticalSection(&log_cs);
        if (i < from) return (LONG)(GetTickCount64() - t0);
        if (GetTickCount64() - t0 >= wait_ms) return -1;
        WaitForSingleObject(log_signal, (DWORD)(wait_ms - (GetTickCount64() - t0)));
    }
}

/* Runs a command and then adds the marker address; returns the ms until the marker was heard, or -1. */
static LONG run_marked(const char *script, unsigned int a, unsigned int b, DWORD wait_ms)
{
    char cmd[1536], marker[32];
    ULONGLONG t0;
    size_t from;

    snprintf(marker, sizeof(marker), "127.78.%u.%u", a, b);
    snprintf(cmd, sizeof(cmd), "%s%sip addr add %s/32 dev lo", script, *script ? "; " : "", marker);
    EnterCriticalSection(&log_cs);
    from = n_notes;
    LeaveCriticalSection(&log_cs);
    t0 = GetTickCount64();
    storm_unix_runs++;
    if (!winetest_run_unix(unix_cwd, cmd)) return -1;
    return wait_marker(marker, from, t0, wait_ms);
}

/* The start table with every notification replayed over it, against the system's table now. */
static void track_compare(const char *when)
{
    MIB_UNICASTIPADDRESS_TABLE *now = NULL;
    struct note *set;
    size_t n = 0, i, j, missing = 0, extra = 0;

    if (!start_table || pGetUnicastIpAddressTable(AF_UNSPEC, &now)) return;
    EnterCriticalSection(&log_cs);
    set = malloc((start_table->NumEntries + n_notes + 1) * sizeof(*set));
    for (i = 0; i < start_table->NumEntries; i++)
    {
        set[n].addr = start_table->Table[i].Address;
        set[n++].index = start_table->Table[i].InterfaceIndex;
    }
    for (i = 0; i < n_notes; i++)
    {
        for (j = 0; j < n && !same_addr(&set[j].addr, set[j].index, &notes[i].addr, notes[i].index); j++) ;
        if (notes[i].type == MibDeleteInstance)
        {
            if (j < n) set[j] = set[--n];
        }
        else if (j == n) set[n++] = notes[i];
    }
    LeaveCriticalSection(&log_cs);
    for (i = 0; i < now->NumEntries; i++)
    {
        for (j = 0; j < n && !same_addr(&set[j].addr, set[j].index, &now->Table[i].Address,
                                       now->Table[i].InterfaceIndex); j++) ;
        if (j < n) continue;
        if (missing++ < 5) ok(0, "%s: %s is in the system's table, the notifications never said so\n", when,
                              addr_text(&now->Table[i].Address, now->Table[i].InterfaceIndex));
    }
    for (j = 0; j < n; j++)
    {
        for (i = 0; i < now->NumEntries && !same_addr(&set[j].addr, set[j].index, &now->Table[i].Address,
                                                      now->Table[i].InterfaceIndex); i++) ;
        if (i < now->NumEntries) continue;
        if (extra++ < 5) ok(0, "%s: %s is gone from the system's table, the notifications never said so\n", when,
                            addr_text(&set[j].addr, set[j].index));
    }
    ok(!missing && !extra, "%s: %u addresses missed, %u not removed, of %lu\n", when, (unsigned)missing,
       (unsigned)extra, now->NumEntries);
    trace("%s: the notifications agree with the system's %lu addresses (%u notifications)\n", when,
          now->NumEntries, (unsigned)n_notes);
    free(set);
    pFreeMibTable(now);
}

/* ---- helpers of the tests --------------------------------------------------------------------------------- */

static int compare_long(const void *a, const void *b)
{
    LONG x = *(const LONG *)a, y = *(const LONG *)b;

    return x < y ? -1 : x > y;
}

static void report_times(const char *what, LONG *ms, unsigned int n)
{
    if (!n) return;
    qsort(ms, n, sizeof(*ms), compare_long);
    trace("%s: median %ld ms, max %ld ms (n=%u)\n", what, ms[n / 2], ms[n - 1], n);
}

static HANDLE start_child(const char *mode)
{
    char exe[MAX_PATH], cmdline[MAX_PATH + 64];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;

    GetModuleFileNameA(NULL, exe, sizeof(exe));
    snprintf(cmdline, sizeof(cmdline), "\"%s\" faults child %s", exe, mode);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    if (!CreateProcessA(exe, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
    {
        ok(0, "cannot start the %s child: %lu\n", mode, GetLastError());
        return NULL;
    }
    CloseHandle(pi.hThread);
    return pi.hProcess;
}

/* Runs a child with WINENOTIFY_HOST (when host is not NULL) and waits for it (bounded). */
static void run_child(const char *mode, const char *host, DWORD wait_ms)
{
    HANDLE child;

    if (host) SetEnvironmentVariableA("WINENOTIFY_HOST", host);
    child = start_child(mode);
    SetEnvironmentVariableA("WINENOTIFY_HOST", NULL);
    if (!child) return;
    ok(WaitForSingleObject(child, wait_ms) == WAIT_OBJECT_0, "the %s child hung\n", mode);
    CloseHandle(child);
}

/* ---- the faults ------------------------------------------------------------------------------------------- */

/* kill -9 of the helper, again and again, during a storm: each time a new helper is started and its first view
 * diffed against ours.  Recovery: from the kill to the notification of an address added right after it (so
 * while no helper runs); the same without a kill is the floor (a Linux program started by Wine, ip, the path
 * of one notification). */
static void test_kill_during_storm(unsigned int kills)
{
    LONG *recover = calloc(kills, sizeof(LONG)), *floor_ms = calloc(kills, sizeof(LONG));
    unsigned int k, n_recover = 0, n_floor = 0, helpers = 0, zombies = 0;
    char *text;

    winetest_push_context("kill");
    storm_start(0);
    for (k = 0; k < kills; k++)
    {
        LONG ms = run_marked("pkill -KILL -f 'winenotify-hos[t]'", 0, k % 250 + 1, 3 * WAIT_MS);

        ok(ms >= 0, "kill %u: not recovered within %u ms\n", k, 3 * WAIT_MS);
        if (ms >= 0) recover[n_recover++] = ms;
        ms = run_marked("", 1, k % 250 + 1, WAIT_MS);
        ok(ms >= 0, "kill %u: the next marker was not heard\n", k);
        if (ms >= 0) floor_ms[n_floor++] = ms;
    }
    storm_stop(3 * WAIT_MS);
    trace("%u kills during a storm of %lu rounds (%u changes each)\n", kills, storm_rounds, STORM_CHANGES_PER_ROUND);
    report_times("kill -9 to the notification of a change made while no helper ran", recover, n_recover);
    report_times("the same without a kill", floor_ms, n_floor);
    track_compare("after the kills");
    /* Restarts leave nothing behind: one helper runs, and no killed one lingers as a zombie. */
    DeleteFileA("helpers.txt");
    ok(run_marked("ps -e -o stat=,comm= | grep -c ' winenotify-host$' > helpers.txt; "
                  "ps -e -o stat=,comm= | grep -c '^Z' >> helpers.txt", 0, 251, WAIT_MS) >= 0, "ps\n");
    text = winetest_read_file("helpers.txt", NULL);
    ok(text && sscanf(text, "%u %u", &helpers, &zombies) == 2 && helpers == 1 && !zombies,
       "after the kills: helpers and zombies: %s\n", text ? text : "?");
    free(text);
    free(recover);
    free(floor_ms);
    winetest_pop_context();
}

/* A fake helper (WINENOTIFY_HOST=<dir>/<name>.sh): launch n sends what line n of <name>.kinds says after a valid HELLO, or execs the
 * real helper when there is no line n.  "snapshot" before a kind first sends an empty but complete snapshot, so
 * that the DLL counts the connection as working and restarts at once. */
static const char fake_script[] = /* %s our directory, %u the wire version, %u WN_TABLE_ALL, %u WN_REASON_INITIAL */
    "#!/bin/bash\n"
    "cd '%s' || exit 1\n"
    "base=${0##*/} base=${base%%.sh}\n"
    "n=$(($(cat $base.count 2>/dev/null || echo 0) + 1)); echo $n > $base.count\n"
    "kind=$(sed -n ${n}p $base.kinds)\n"
    "[ -n \"$kind\" ] || exec ./winenotify-host \"$@\"\n"
    "[ $kind = always ] && echo $((n - 1)) > $base.count\n"
    FAKE_HELPER_HANDSHAKE
    "exec 3<>/dev/tcp/127.0.0.1/$port || exit 1\n"
    "le32() { printf '\\\\x%%02x\\\\x%%02x\\\\x%%02x\\\\x%%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) "
    "$(($1 >> 24 & 255)); }\n"
    "{ printf '\\x20\\x00\\x00\\x00\\x01\\x00\\x00\\x00'\n"
    "  printf \"$(hello_token)\"\n"
    "  printf \"$(le32 %u)$(le32 $$)\"\n"
    "  case $kind in snapshot-*)\n"
    "    printf \"\\x10\\x00\\x00\\x00\\x02\\x00\\x00\\x00$(le32 %u)$(le32 %u)\"\n"
    "    printf \"\\x10\\x00\\x00\\x00\\x03\\x00\\x00\\x00$(le32 %u)$(le32 %u)\";;\n"
    "  esac\n"
    "  case $kind in\n"
    "  *short) printf '\\x04\\x00\\x00\\x00\\x05\\x00\\x00\\x00';;\n"
    "  *huge) printf '\\xff\\xff\\xff\\x7f\\x05\\x00\\x01\\x00';;\n"
    "  *type) printf '\\x08\\x00\\x00\\x00\\xc8\\x00\\x00\\x00';;\n"
    "  *body) printf '\\x12\\x00\\x00\\x00\\x05\\x00\\x01\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\x09\\x0a';;\n"
    "  *trunc) printf '\\x30\\x00\\x00\\x00\\x05\\x00\\x01\\x00\\x04\\x18\\x00\\x00';;\n"
    "  *) head -c 256 /dev/urandom;;\n"
    "  esac\n"
    "} >&3\n"
    "case $kind in *trunc) exit 0;; esac\n"
    "timeout 5 cat <&3 >/dev/null\n";

static const char *const corrupt_kinds[] = { "short", "huge", "type", "body", "trunc", "garbage" };

/* Writes <name>.sh and <name>.kinds; path gets the script's Unix path. */
static void prepare_fake(const char *name, const char *kinds, char *path, size_t size)
{
    char script[4096], file[64], cmd[128];

    snprintf(script, sizeof(script), fake_script, unix_cwd, WN_WIRE_VERSION, WN_TABLE_ALL, WN_REASON_INITIAL,
             WN_TABLE_ALL, WN_REASON_INITIAL);
    snprintf(file, sizeof(file), "%s.sh", name);
    ok(winetest_write_file(file, script), "cannot write %s\n", file);
    snprintf(file, sizeof(file), "%s.kinds", name);
    ok(winetest_write_file(file, kinds), "cannot write %s\n", file);
    snprintf(cmd, sizeof(cmd), "chmod +x %s.sh", name);
    ok(run_marked(cmd, 2, 1 + storm_unix_runs % 250, WAIT_MS) >= 0, "%s\n", cmd);
    snprintf(path, size, "%s/%s.sh", unix_cwd, name);
}

/* Malformed and truncated records: first before any snapshot (the DLL retries with its back-off), then after
 * a complete one (it restarts at once); then the real helper, whose view must be exact. */
static void test_corrupt(void)
{
    char kinds[512] = "", path[1100];
    unsigned int i;

    winetest_push_context("corrupt");
    for (i = 0; i < 3; i++) snprintf(kinds + strlen(kinds), sizeof(kinds) - strlen(kinds), "%s\n", corrupt_kinds[i]);
    for (i = 0; i < ARRAY_SIZE(corrupt_kinds); i++)
        snprintf(kinds + strlen(kinds), sizeof(kinds) - strlen(kinds), "snapshot-%s\n", corrupt_kinds[i]);
    prepare_fake("corrupt", kinds, path, sizeof(path));
    run_child("corrupt", path, 3 * WAIT_MS);
    winetest_pop_context();
}

/* A helper that never works: the registration gets the system's answer within the DLL's bound. */
static void test_always_bad(void)
{
    char path[1100];

    winetest_push_context("always bad");
    prepare_fake("always", "always\n", path, sizeof(path));
    run_child("fallback", path, FALLBACK_MS + WAIT_MS);
    winetest_pop_context();
}

static void child_fallback(void)
{
    ULONGLONG t0 = GetTickCount64();
    HANDLE handle = NULL, addr_handle = NULL;
    OVERLAPPED ovl;
    DWORD err;

    err = NotifyUnicastIpAddressChange(AF_UNSPEC, tracker_cb, NULL, FALSE, &handle);
    trace("NotifyUnicastIpAddressChange without a working helper: %lu after %llu ms\n", err, GetTickCount64() - t0);
    ok(GetTickCount64() - t0 < FALLBACK_MS, "took %llu ms\n", GetTickCount64() - t0);
    /* The system's answer: Wine 8's function, or ERROR_NOT_SUPPORTED where the system has none. */
    ok(err == NO_ERROR || err == ERROR_NOT_SUPPORTED, "NotifyUnicastIpAddressChange: %lu\n", err);
    if (!err && handle) ok(CancelMibChangeNotify2(handle) == NO_ERROR, "cancel of the system's handle\n");
    memset(&ovl, 0, sizeof(ovl));
    ovl.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    t0 = GetTickCount64();
    err = NotifyAddrChange(&addr_handle, &ovl);
    trace("NotifyAddrChange without a working helper: %lu after %llu ms\n", err, GetTickCount64() - t0);
    ok(err == ERROR_IO_PENDING || err == ERROR_NOT_SUPPORTED, "NotifyAddrChange: %lu\n", err);
    if (err == ERROR_IO_PENDING) CancelIPChangeNotify(&ovl);
    CloseHandle(ovl.hEvent);
}

/* Netlink overflow: the helper's receive buffer at the kernel's minimum (WINENOTIFY_HOST_RCVBUF), a storm, and
 * the view must still end exact. */
static void test_overflow(void)
{
    winetest_push_context("overflow");
    SetEnvironmentVariableA("WINENOTIFY_HOST_RCVBUF", "1");
    run_child("overflow", NULL, 6 * WAIT_MS);
    SetEnvironmentVariableA("WINENOTIFY_HOST_RCVBUF", NULL);
    winetest_pop_context();
}

/* A route's metric changed while events are lost: the helper resyncs, its dump has the new route and not the old
 * one, and the program must still hear one route whose parameter changed, never a deletion (as notify.c's metric
 * change under load once did). */
static void test_metric_overflow(void)
{
    winetest_push_context("metric");
    SetEnvironmentVariableA("WINENOTIFY_HOST_RCVBUF", "1");
    run_child("metric", NULL, 6 * WAIT_MS);
    SetEnvironmentVariableA("WINENOTIFY_HOST_RCVBUF", NULL);
    winetest_pop_context();
}

/* The helper binary removed while it runs, then the helper killed: no new one can start.  The DLL gives up with
 * its ERR trace; new registrations get the system's answer; the old one can still be cancelled. */
static void test_removed(void)
{
    char path[1100];

    winetest_push_context("removed");
    ok(run_marked("cp winenotify-host removable-host", 2, 251, WAIT_MS) >= 0, "cp\n");
    snprintf(path, sizeof(path), "%s/removable-host", unix_cwd);
    run_child("removed", path, FALLBACK_MS + 2 * WAIT_MS);
    winetest_pop_context();
}

/* Loopback down while the process starts: the helper cannot connect back; the registration gets the system's
 * answer within the DLL's bound.  Run last: this process's own connection goes through lo too. */
static void test_loopback_down(void)
{
    LONG ms;

    winetest_push_context("loopback down");
    /* The marker on lo is heard once lo is up again: the parent's connection is over lo. */
    run_child("lodown", NULL, FALLBACK_MS + 2 * WAIT_MS);
    ms = run_marked("ip link set lo up", 2, 252, 6 * WAIT_MS);
    ok(ms >= 0, "nothing heard after lo came back up\n");
    trace("from lo up to the notification of a change made then: %ld ms\n", ms);
    track_compare("after loopback came back");
    winetest_pop_context();
}

/* ---- the children ----------------------------------------------------------------------------------------- */

static CRITICAL_SECTION route_cs;
static HANDLE route_signal;
static struct { MIB_NOTIFICATION_TYPE type; ULONG metric; } route_notes[64];
static unsigned int n_route_notes;

/* Routes to 10.92.0.0/16, the one the metric child changes. */
static void WINAPI route_cb(void *context, MIB_IPFORWARD_ROW2 *row, MIB_NOTIFICATION_TYPE type)
{
    (void)context;
    if (!row || row->DestinationPrefix.Prefix.si_family != AF_INET || row->DestinationPrefix.PrefixLength != 16 ||
        row->DestinationPrefix.Prefix.Ipv4.sin_addr.s_addr != htonl(0x0a5c0000))
        return;
    EnterCriticalSection(&route_cs);
    if (n_route_notes < ARRAY_SIZE(route_notes))
    {
        route_notes[n_route_notes].type = type;
        route_notes[n_route_notes].metric = row->Metric;
        n_route_notes++;
    }
    LeaveCriticalSection(&route_cs);
    SetEvent(route_signal);
}

/* Waits (bounded) for a notification of the route with that metric from note number from on; its number or -1. */
static int wait_route(unsigned int from, ULONG metric)
{
    ULONGLONG t0 = GetTickCount64();

    for (;;)
    {
        unsigned int i, n;

        EnterCriticalSection(&route_cs);
        for (i = from, n = n_route_notes; i < n; i++)
            if (route_notes[i].metric == metric) break;
        LeaveCriticalSection(&route_cs);
        if (i < n) return (int)i;
        if (GetTickCount64() - t0 >= WAIT_MS) return -1;
        WaitForSingleObject(route_signal, (DWORD)(WAIT_MS - (GetTickCount64() - t0)));
    }
}

/* The helper (this child's, with the smallest receive buffer, and the parent's) is stopped while a burst of
 * address changes overflows its netlink queue and the route's metric goes from 10 to 20 (Linux: add the new
 * route, delete the old).  Continued, it reads the overflow, drops what was queued and dumps: the dump has the
 * route with metric 20 only. */
static void child_metric(void)
{
    char cmd[1024];
    HANDLE handle = NULL;
    unsigned int i;
    int add, first;
    DWORD err;

    InitializeCriticalSection(&route_cs);
    route_signal = CreateEventA(NULL, FALSE, FALSE, NULL);
    err = NotifyRouteChange2(AF_INET, route_cb, NULL, FALSE, &handle);
    ok(!err, "NotifyRouteChange2: %lu\n", err);
    if (err) return;
    snprintf(cmd, sizeof(cmd), "ip route add 10.92.0.0/16 dev %s metric 10", storm_if);
    winetest_run_unix(unix_cwd, cmd);
    add = wait_route(0, 10);
    ok(add >= 0 && route_notes[add].type == MibAddInstance, "no add notification for the route\n");
    if (add >= 0)
    {
        snprintf(cmd, sizeof(cmd), "pkill -STOP -x winenotify-host; "
                 "for i in $(seq 1 60); do echo addr add 10.93.0.$i/32 dev lo; done | ip -batch -; "
                 "for i in $(seq 1 60); do echo addr del 10.93.0.$i/32 dev lo; done | ip -batch -; "
                 "ip route add 10.92.0.0/16 dev %s metric 20; ip route del 10.92.0.0/16 dev %s metric 10; "
                 "pkill -CONT -x winenotify-host", storm_if, storm_if);
        winetest_run_unix(unix_cwd, cmd);
        first = wait_route(add + 1, 20);
        ok(first >= 0, "no notification of the route with metric 20\n");
        if (first >= 0)
            ok(route_notes[first].type == MibParameterNotification, "the metric change was notified as %d\n",
               route_notes[first].type);
        for (i = add + 1; first >= 0 && i < (unsigned int)first; i++)
            ok(route_notes[i].type != MibDeleteInstance, "the metric change was reported as a delete\n");
    }
    snprintf(cmd, sizeof(cmd), "pkill -CONT -x winenotify-host; ip route del 10.92.0.0/16 dev %s 2>/dev/null; "
             "ip route del 10.92.0.0/16 dev %s 2>/dev/null", storm_if, storm_if);
    winetest_run_unix(unix_cwd, cmd);
    ok(CancelMibChangeNotify2(handle) == NO_ERROR, "cancel\n");
}

static void child_main(const char *mode)
{
    ULONGLONG t0 = GetTickCount64();
    DWORD err;
    LONG ms;

    storm_init();
    /* The parent's storms have used the first acknowledgement addresses. */
    storm_gen = 100;
    if (!strcmp(mode, "fallback"))
    {
        child_fallback();
        return;
    }
    if (!strcmp(mode, "metric"))
    {
        child_metric();
        return;
    }
    if (!strcmp(mode, "lodown"))
    {
        /* Our own helper must not be running yet: lo goes down first, then we register. */
        winetest_run_unix(unix_cwd, "ip link set lo down; touch lo.down");
        while (GetFileAttributesA("lo.down") == INVALID_FILE_ATTRIBUTES && GetTickCount64() - t0 < WAIT_MS) Sleep(10);
        ok(GetFileAttributesA("lo.down") != INVALID_FILE_ATTRIBUTES, "lo did not go down\n");
        DeleteFileA("lo.down");
        child_fallback();
        return;
    }
    err = track_start();
    ok(!err, "%s: registration failed: %lu\n", mode, err);
    if (err) return;
    trace("%s: registered after %llu ms\n", mode, GetTickCount64() - t0);
    if (!strcmp(mode, "corrupt"))
    {
        ms = run_marked("", 3, 1, 3 * WAIT_MS);
        ok(ms >= 0, "no notification from the real helper after the corrupt ones\n");
        trace("corrupt: the real helper's notifications %llu ms after the start, through %u bad helpers\n",
              GetTickCount64() - t0, (unsigned)(3 + ARRAY_SIZE(corrupt_kinds)));
        track_compare("after the corrupt helpers");
    }
    else if (!strcmp(mode, "overflow"))
    {
        storm_start(200);
        storm_wait(6 * WAIT_MS);
        trace("overflow: %lu rounds against the smallest receive buffer\n", storm_rounds);
        track_compare("after the overflows");
    }
    else if (!strcmp(mode, "removed"))
    {
        HANDLE handle = NULL;

        /* No marker can be heard without a helper: a file says that the command ran. */
        winetest_run_unix(unix_cwd, "rm removable-host; pkill -KILL -x removable-host; touch removed.done");
        while (GetFileAttributesA("removed.done") == INVALID_FILE_ATTRIBUTES && GetTickCount64() - t0 < WAIT_MS)
            Sleep(10);
        ok(GetFileAttributesA("removed.done") != INVALID_FILE_ATTRIBUTES, "the helper was not removed\n");
        t0 = GetTickCount64();
        err = NotifyIpInterfaceChange(AF_UNSPEC, (PIPINTERFACE_CHANGE_CALLBACK)tracker_cb, NULL, FALSE, &handle);
        trace("removed: NotifyIpInterfaceChange without a helper: %lu after %llu ms\n", err, GetTickCount64() - t0);
        ok(err == NO_ERROR || err == ERROR_NOT_SUPPORTED, "NotifyIpInterfaceChange: %lu\n", err);
        if (!err && handle) CancelMibChangeNotify2(handle);
    }
    err = CancelMibChangeNotify2(tracker);
    ok(err == NO_ERROR, "%s: cancel: %lu\n", mode, err);
}

START_TEST(faults)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);
    unsigned int kills = argc >= 3 && !strcmp(argv[2], "long") ? 100 : 5;
    HMODULE sys;
    WCHAR path[MAX_PATH + 32];
    DWORD err;

    if (!winetest_platform_is_wine)
    {
        skip("the fault tests break the helper, which exists under Wine only\n");
        return;
    }
    if (!winetest_unix_cwd(unix_cwd, sizeof(unix_cwd))) return;
    GetSystemDirectoryW(path, MAX_PATH);
    wcscat(path, L"\\iphlpapi.dll");
    sys = LoadLibraryExW(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    pGetUnicastIpAddressTable = (void *)GetProcAddress(sys, "GetUnicastIpAddressTable");
    pFreeMibTable = (void *)GetProcAddress(sys, "FreeMibTable");
    ok(pGetUnicastIpAddressTable && pFreeMibTable, "no system GetUnicastIpAddressTable\n");
    if (!pGetUnicastIpAddressTable || !pFreeMibTable) return;

    if (argc >= 4 && !strcmp(argv[2], "child"))
    {
        child_main(argv[3]);
        return;
    }
    if (!storm_init())
    {
        skip("no test interface (run by tools/wine-test-run)\n");
        return;
    }
    err = track_start();
    ok(!err, "registration failed: %lu\n", err);
    if (err) return;

    test_kill_during_storm(kills);
    test_corrupt();
    test_always_bad();
    test_overflow();
    test_metric_overflow();
    test_removed();
    test_loopback_down();
    ok(CancelMibChangeNotify2(tracker) == NO_ERROR, "cancel\n");
}
