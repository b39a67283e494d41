/* The network connectivity hint: GetNetworkConnectivityHint, GetNetworkConnectivityHintForInterface,
 * NotifyNetworkConnectivityHintChange and CancelMibChangeNotify2 (dlls/iphlpapi/connectivity_hint.c).
 *
 * Everywhere: the structure's layout and the documented contract (NO_ERROR, a level and cost in range, the
 * initial notification made before the registering call returns, cancel ending the callbacks).
 *
 * Under Wine, two children, each with a helper of its own and the bus addresses set in its environment before
 * Wine starts it (see run_child):
 *   - "nobus": no D-Bus at all.  The hint is the routing view's: None with nothing but loopback addressed,
 *     LocalAccess with an address on the test interface, InternetAccess with a default route through it; removing
 *     the last non-loopback address gives None, adding it back LocalAccess; an MTU change gives no callback.
 *   - "bus": a private dbus-daemon with tests/fake-nm owning NetworkManager's name.  The registration starts at
 *     the fake's Connectivity and Metered, follows each change it announces, hears nothing of a property that is
 *     not ours (State), takes NetworkManager's NONE only while the view agrees (an address on the test
 *     interface outweighs it), and falls back to the view when NetworkManager leaves the bus.
 * In both, a second registration shows that CancelMibChangeNotify2 ends the first one's callbacks: after the
 * cancel, a change reaches the second and not the first. */
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "unix.h"
#include "winenotify/connectivity_hint.h"

#define WAIT_MS 10000
#define TEST_ADDRESS "10.77.0.1/24"
#define TEST_GATEWAY "10.77.0.2"

#ifndef WINETEST_FAKE_NM
#define WINETEST_FAKE_NM "fake-nm"
#endif

static const char *const level_names[] = { "Unknown", "None", "LocalAccess", "InternetAccess",
                                           "ConstrainedInternetAccess", "Hidden" };
static const char *const cost_names[] = { "Unknown", "Unrestricted", "Fixed", "Variable" };

static const char *level_name(NL_NETWORK_CONNECTIVITY_LEVEL_HINT level)
{
    return (unsigned)level < ARRAY_SIZE(level_names) ? level_names[level] : "?";
}

static const char *cost_name(NL_NETWORK_CONNECTIVITY_COST_HINT cost)
{
    return (unsigned)cost < ARRAY_SIZE(cost_names) ? cost_names[cost] : "?";
}

/* ---- what a registration heard ---------------------------------------------------------------------------- */

#define MAX_HINTS 64

struct heard
{
    CRITICAL_SECTION lock;
    HANDLE event;                 /* auto-reset: a callback came */
    NL_NETWORK_CONNECTIVITY_HINT hints[MAX_HINTS];
    LONG count, consumed;
    DWORD thread;                 /* of the last callback */
    const char *name;
};

static void heard_init(struct heard *h, const char *name)
{
    memset(h, 0, sizeof(*h));
    InitializeCriticalSection(&h->lock);
    h->event = CreateEventW(NULL, FALSE, FALSE, NULL);
    h->name = name;
}

static void WINAPI hint_cb(void *context, NL_NETWORK_CONNECTIVITY_HINT hint)
{
    struct heard *h = context;

    EnterCriticalSection(&h->lock);
    if (h->count < MAX_HINTS) h->hints[h->count] = hint;
    h->count++;
    h->thread = GetCurrentThreadId();
    LeaveCriticalSection(&h->lock);
    trace("%s: hint %s, cost %s, approaching %u, over %u, roaming %u\n", h->name, level_name(hint.ConnectivityLevel),
          cost_name(hint.ConnectivityCost), hint.ApproachingDataLimit, hint.OverDataLimit, hint.Roaming);
    SetEvent(h->event);
}

/* Takes the next callback's hint, waiting for it; FALSE (and a failure) when none comes. */
static BOOL next_hint(struct heard *h, NL_NETWORK_CONNECTIVITY_HINT *hint, const char *what)
{
    DWORD start = GetTickCount();

    for (;;)
    {
        BOOL have;

        EnterCriticalSection(&h->lock);
        have = h->consumed < h->count && h->consumed < MAX_HINTS;
        if (have) *hint = h->hints[h->consumed++];
        LeaveCriticalSection(&h->lock);
        if (have) return TRUE;
        if (GetTickCount() - start > WAIT_MS || WaitForSingleObject(h->event, WAIT_MS) == WAIT_TIMEOUT) break;
    }
    ok(0, "%s: no callback after %s\n", h->name, what);
    return FALSE;
}

static void expect_hint(struct heard *h, NL_NETWORK_CONNECTIVITY_LEVEL_HINT level,
                        NL_NETWORK_CONNECTIVITY_COST_HINT cost, const char *what)
{
    NL_NETWORK_CONNECTIVITY_HINT hint;

    if (!next_hint(h, &hint, what)) return;
    ok(hint.ConnectivityLevel == level, "%s: after %s: level %s, expected %s\n", h->name, what,
       level_name(hint.ConnectivityLevel), level_name(level));
    ok(hint.ConnectivityCost == cost, "%s: after %s: cost %s, expected %s\n", h->name, what,
       cost_name(hint.ConnectivityCost), cost_name(cost));
    ok(!hint.ApproachingDataLimit && !hint.OverDataLimit && !hint.Roaming,
       "%s: after %s: flags %u %u %u, no host source sets them\n", h->name, what, hint.ApproachingDataLimit,
       hint.OverDataLimit, hint.Roaming);
}

static LONG heard_count(struct heard *h)
{
    LONG n;

    EnterCriticalSection(&h->lock);
    n = h->count;
    LeaveCriticalSection(&h->lock);
    return n;
}

static void check_get(NL_NETWORK_CONNECTIVITY_LEVEL_HINT level, NL_NETWORK_CONNECTIVITY_COST_HINT cost,
                      const char *what)
{
    NL_NETWORK_CONNECTIVITY_HINT hint;
    DWORD ret;

    memset(&hint, 0xcc, sizeof(hint));
    ret = GetNetworkConnectivityHint(&hint);
    ok(ret == NO_ERROR, "GetNetworkConnectivityHint: %lu\n", ret);
    ok(hint.ConnectivityLevel == level && hint.ConnectivityCost == cost,
       "GetNetworkConnectivityHint after %s: %s/%s, expected %s/%s\n", what, level_name(hint.ConnectivityLevel),
       cost_name(hint.ConnectivityCost), level_name(level), cost_name(cost));
}

static void check_get_interface(NET_IFINDEX index, NL_NETWORK_CONNECTIVITY_LEVEL_HINT level, const char *what)
{
    NL_NETWORK_CONNECTIVITY_HINT hint;
    DWORD ret;

    memset(&hint, 0xcc, sizeof(hint));
    ret = GetNetworkConnectivityHintForInterface(index, &hint);
    ok(ret == NO_ERROR, "GetNetworkConnectivityHintForInterface(%lu): %lu\n", index, ret);
    ok(hint.ConnectivityLevel == level, "GetNetworkConnectivityHintForInterface(%lu) after %s: %s, expected %s\n",
       index, what, level_name(hint.ConnectivityLevel), level_name(level));
}

/* Registers h; with initial, its first callback must have run when the call returns, on this thread. */
static HANDLE register_hint(struct heard *h, BOOLEAN initial)
{
    HANDLE handle = NULL;
    DWORD ret;

    ret = NotifyNetworkConnectivityHintChange(hint_cb, h, initial, &handle);
    ok(ret == NO_ERROR, "NotifyNetworkConnectivityHintChange: %lu\n", ret);
    ok(handle != NULL, "no handle\n");
    if (initial)
    {
        ok(heard_count(h) == 1, "%s: %ld callbacks when the call returned, expected the initial one\n", h->name,
           heard_count(h));
        ok(h->thread == GetCurrentThreadId(), "%s: the initial callback ran on another thread\n", h->name);
    }
    else ok(heard_count(h) == 0, "%s: %ld callbacks without an initial notification\n", h->name, heard_count(h));
    return handle;
}

/* ---- Unix commands ---------------------------------------------------------------------------------------- */

static char unix_cwd[1024];
static unsigned int marks;

/* Runs a shell command in our directory and waits up to timeout ms for it to end (a marker file it leaves last). */
static BOOL run_wait_va(DWORD timeout, const char *fmt, va_list args)
{
    char script[4096], mark[32];
    DWORD start = GetTickCount();
    int n;

    n = vsnprintf(script, sizeof(script) - 64, fmt, args);
    /* Named for this process too: the children share our directory. */
    snprintf(mark, sizeof(mark), "done.%lu.%u", GetCurrentProcessId(), ++marks);
    snprintf(script + n, sizeof(script) - n, "; touch %s", mark);
    if (!winetest_run_unix(unix_cwd, script)) return FALSE;
    while (GetFileAttributesA(mark) == INVALID_FILE_ATTRIBUTES)
    {
        if (GetTickCount() - start > timeout)
        {
            ok(0, "the command did not finish: %s\n", script);
            return FALSE;
        }
        Sleep(20);
    }
    DeleteFileA(mark);
    return TRUE;
}

static BOOL run_wait(const char *fmt, ...) WINETEST_PRINTF_ATTR(1, 2);
static BOOL run_wait(const char *fmt, ...)
{
    va_list args;
    BOOL ret;

    va_start(args, fmt);
    ret = run_wait_va(WAIT_MS, fmt, args);
    va_end(args);
    return ret;
}

static BOOL run_wait_long(const char *fmt, ...) WINETEST_PRINTF_ATTR(1, 2);
static BOOL run_wait_long(const char *fmt, ...)
{
    va_list args;
    BOOL ret;

    va_start(args, fmt);
    ret = run_wait_va(8 * WAIT_MS, fmt, args);
    va_end(args);
    return ret;
}

/* A command whose effect a callback reports: started, not waited for. */
static void run(const char *script)
{
    winetest_run_unix(unix_cwd, script);
}

/* Whether a file the commands wrote holds "yes". */
static BOOL file_says_yes(const char *name)
{
    char *text = winetest_read_file(name, NULL);
    BOOL yes = text && !strncmp(text, "yes", 3);

    free(text);
    return yes;
}

static BOOL test_interface(NET_IFINDEX *index)
{
    const char *alias = getenv("WINENOTIFY_TEST_IF");
    WCHAR walias[64];
    NET_LUID luid;

    if (!alias || !*alias)
    {
        skip("WINENOTIFY_TEST_IF is not set: no interface to change\n");
        return FALSE;
    }
    MultiByteToWideChar(CP_ACP, 0, alias, -1, walias, ARRAY_SIZE(walias));
    if (ConvertInterfaceAliasToLuid(walias, &luid) || ConvertInterfaceLuidToIndex(&luid, index))
    {
        ok(0, "no interface %s\n", alias);
        return FALSE;
    }
    return TRUE;
}

/* ---- the children ------------------------------------------------------------------------------------------ */

static const char *test_dev;          /* WINENOTIFY_TEST_IF */

/* "ip addr add|del" of the test address on the test interface, after an optional command of its own. */
static void change_address(const char *before, const char *op)
{
    char cmd[256];

    snprintf(cmd, sizeof(cmd), "%s%sip addr %s %s dev %s", before ? before : "", before ? "; " : "", op,
             TEST_ADDRESS, test_dev);
    run(cmd);
}

/* Both registrations hear the same change. */
static void expect_both(struct heard *a, struct heard *b, NL_NETWORK_CONNECTIVITY_LEVEL_HINT level,
                        NL_NETWORK_CONNECTIVITY_COST_HINT cost, const char *what)
{
    expect_hint(a, level, cost, what);
    expect_hint(b, level, cost, what);
}

/* A with the initial notification, which must say level and cost; B without. */
static BOOL start_pair(struct heard *a, struct heard *b, const char *child, NET_IFINDEX *index, HANDLE *ha, HANDLE *hb,
                       NL_NETWORK_CONNECTIVITY_LEVEL_HINT level, NL_NETWORK_CONNECTIVITY_COST_HINT cost,
                       const char *what)
{
    static char names[2][32];

    if (!test_interface(index)) return FALSE;
    test_dev = getenv("WINENOTIFY_TEST_IF");
    snprintf(names[0], sizeof(names[0]), "%s A", child);
    snprintf(names[1], sizeof(names[1]), "%s B", child);
    heard_init(a, names[0]);
    heard_init(b, names[1]);
    *ha = register_hint(a, TRUE);
    expect_hint(a, level, cost, what);
    *hb = register_hint(b, FALSE);
    check_get(level, cost, "registering");
    return TRUE;
}

/* A cancelled: the next change (adding the test address, which the view turns into LocalAccess) reaches B only;
 * A had heard `heard` callbacks.  Then B cancelled and the address removed again. */
static void cancel_first(struct heard *a, struct heard *b, HANDLE ha, HANDLE hb, LONG heard,
                         NL_NETWORK_CONNECTIVITY_LEVEL_HINT level, const char *op)
{
    DWORD ret;

    b->consumed = heard_count(b);
    ret = CancelMibChangeNotify2(ha);
    ok(ret == NO_ERROR, "CancelMibChangeNotify2: %lu\n", ret);
    change_address(NULL, op);
    expect_hint(b, level, NetworkConnectivityCostHintUnknown, "the change after A's cancel");
    ok(heard_count(a) == heard, "%s heard %ld callbacks, %ld before its cancel\n", a->name, heard_count(a), heard);
    ret = CancelMibChangeNotify2(hb);
    ok(ret == NO_ERROR, "CancelMibChangeNotify2: %lu\n", ret);
}

static void child_nobus(void)
{
    struct heard a, b;
    NL_NETWORK_CONNECTIVITY_HINT hint;
    NET_IFINDEX index;
    HANDLE ha, hb;
    char cmd[256];
    DWORD ret;

    if (!start_pair(&a, &b, "nobus", &index, &ha, &hb, NetworkConnectivityLevelHintNone,
                    NetworkConnectivityCostHintUnknown, "registering with nothing but loopback addressed"))
        return;

    /* The MTU first: a change that moves nothing, so the address's is the next callback. */
    snprintf(cmd, sizeof(cmd), "ip link set %s mtu 1400", test_dev);
    change_address(cmd, "add");
    expect_both(&a, &b, NetworkConnectivityLevelHintLocalAccess, NetworkConnectivityCostHintUnknown, "an address");
    check_get(NetworkConnectivityLevelHintLocalAccess, NetworkConnectivityCostHintUnknown, "an address");
    check_get_interface(index, NetworkConnectivityLevelHintLocalAccess, "an address");
    memset(&hint, 0xcc, sizeof(hint));
    ret = GetNetworkConnectivityHintForInterface(0x7ffffff0, &hint);
    ok(ret == ERROR_NOT_FOUND, "an interface that does not exist: %lu\n", ret);

    snprintf(cmd, sizeof(cmd), "ip route add default via %s dev %s", TEST_GATEWAY, test_dev);
    run(cmd);
    expect_both(&a, &b, NetworkConnectivityLevelHintInternetAccess, NetworkConnectivityCostHintUnknown,
                "a default route");
    check_get_interface(index, NetworkConnectivityLevelHintInternetAccess, "a default route");

    run("ip route del default");
    expect_both(&a, &b, NetworkConnectivityLevelHintLocalAccess, NetworkConnectivityCostHintUnknown,
                "deleting the default route");
    change_address(NULL, "del");
    expect_both(&a, &b, NetworkConnectivityLevelHintNone, NetworkConnectivityCostHintUnknown,
                "removing the last non-loopback address");
    check_get_interface(index, NetworkConnectivityLevelHintNone, "removing its address");
    change_address(NULL, "add");
    expect_both(&a, &b, NetworkConnectivityLevelHintLocalAccess, NetworkConnectivityCostHintUnknown,
                "adding the address back");

    cancel_first(&a, &b, ha, hb, 6, NetworkConnectivityLevelHintNone, "del");
    snprintf(cmd, sizeof(cmd), "ip link set %s mtu 1500", test_dev);
    run_wait("%s", cmd);
}

static void child_bus(void)
{
    struct heard a, b;
    NET_IFINDEX index;
    HANDLE ha, hb;

    /* NetworkManager's FULL and GUESS_NO, although the view has no address: its probe is believed. */
    if (!start_pair(&a, &b, "bus", &index, &ha, &hb, NetworkConnectivityLevelHintInternetAccess,
                    NetworkConnectivityCostHintUnrestricted, "registering with NetworkManager at FULL, not metered"))
        return;

    run("echo set Metered 1 > nm.ctl");
    expect_both(&a, &b, NetworkConnectivityLevelHintInternetAccess, NetworkConnectivityCostHintFixed, "Metered YES");
    run("echo set Connectivity 2 > nm.ctl");
    expect_both(&a, &b, NetworkConnectivityLevelHintConstrainedInternetAccess, NetworkConnectivityCostHintFixed,
                "Connectivity PORTAL");
    /* State is not ours: no callback, so LIMITED's is the next. */
    run("echo set State 20 > nm.ctl; echo set Connectivity 3 > nm.ctl");
    expect_both(&a, &b, NetworkConnectivityLevelHintLocalAccess, NetworkConnectivityCostHintFixed,
                "State changing, then Connectivity LIMITED");
    run("echo set Connectivity 1 > nm.ctl");
    expect_both(&a, &b, NetworkConnectivityLevelHintNone, NetworkConnectivityCostHintFixed,
                "Connectivity NONE with nothing but loopback addressed");
    check_get(NetworkConnectivityLevelHintNone, NetworkConnectivityCostHintFixed, "Connectivity NONE");
    /* NetworkManager's NONE against an interface of ours with an address: never None. */
    change_address(NULL, "add");
    expect_both(&a, &b, NetworkConnectivityLevelHintLocalAccess, NetworkConnectivityCostHintFixed,
                "an address while NetworkManager says NONE");
    change_address(NULL, "del");
    expect_both(&a, &b, NetworkConnectivityLevelHintNone, NetworkConnectivityCostHintFixed, "the address gone again");
    run("echo set Connectivity 4 > nm.ctl");
    expect_both(&a, &b, NetworkConnectivityLevelHintInternetAccess, NetworkConnectivityCostHintFixed,
                "Connectivity FULL");
    /* NetworkManager leaves: the view alone (nothing but loopback addressed), no cost. */
    run("echo quit > nm.ctl");
    expect_both(&a, &b, NetworkConnectivityLevelHintNone, NetworkConnectivityCostHintUnknown,
                "NetworkManager leaving the bus");

    cancel_first(&a, &b, ha, hb, 9, NetworkConnectivityLevelHintLocalAccess, "add");
    run_wait("ip addr del %s dev %s", TEST_ADDRESS, test_dev);
}

/* ---- the parent ----------------------------------------------------------------------------------------------- */

/* Runs "connhint <mode>" with the given bus addresses, and its verdict.  The helper runs with the Unix
 * environment of its Wine process, not the Windows one (helper_launch.c), and a Wine process started by another
 * gets the Unix environment its parent started with: a variable a Windows program sets reaches neither.  So the
 * child is started as a user starts Wine, from a shell with the variables set; its output, read from a file,
 * goes into ours (with its summary line, which the runner counts). */
static void run_child(const char *mode, const char *system_bus)
{
    const char *wine = getenv("WINE"), *overrides = getenv("WINEDLLOVERRIDES");
    char log[32], status[32], *text, *line, *next;
    WCHAR exe[MAX_PATH], *name;

    if (!wine || !*wine || strchr(wine, ' ') || !overrides || strchr(overrides, '\''))
    {
        skip("WINE or WINEDLLOVERRIDES unset or unusable (run by tools/wine-test-run): no %s child\n", mode);
        return;
    }
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    name = wcsrchr(exe, '\\') ? wcsrchr(exe, '\\') + 1 : exe;
    snprintf(log, sizeof(log), "%s-child.log", mode);
    snprintf(status, sizeof(status), "%s-child.status", mode);
    /* No session bus, whatever the caller's desktop has: the portal would answer for the host. */
    run_wait_long("DBUS_SYSTEM_BUS_ADDRESS=%s DBUS_SESSION_BUS_ADDRESS=unix:path=%s/no-session-bus "
                  "WINEDLLOVERRIDES='%s' %s %ls connhint %s > %s 2>&1; echo $? > %s",
                  system_bus, unix_cwd, overrides, wine, name, mode, log, status);
    if ((text = winetest_read_file(log, NULL)))
    {
        for (line = text; *line; line = next)
        {
            size_t len = strcspn(line, "\r\n");

            next = line + len + strspn(line + len, "\r\n");
            printf("%.*s\n", (int)len, line);
        }
        fflush(stdout);
    }
    free(text);
    text = winetest_read_file(status, NULL);
    ok(text && atoi(text) == 0, "the %s child failed %s checks\n", mode, text ? text : "(no status)");
    free(text);
}

static const char bus_config[] =
    "<busconfig>\n"
    "  <listen>unix:path=%s/bus.sock</listen>\n"
    "  <auth>EXTERNAL</auth>\n"
    "  <policy context=\"default\">\n"
    "    <allow user=\"*\"/>\n"
    "    <allow own=\"*\"/>\n"
    "    <allow send_destination=\"*\"/>\n"
    "    <allow receive_sender=\"*\"/>\n"
    "  </policy>\n"
    "</busconfig>\n";

static void test_with_bus(void)
{
    char text[2048], address[1100];

    run_wait("if command -v dbus-daemon >/dev/null && test -x %s; then echo yes; else echo no; fi > have-bus.txt",
             WINETEST_FAKE_NM);
    if (!file_says_yes("have-bus.txt"))
    {
        skip("no dbus-daemon here, or no %s: the private bus cannot be made\n", WINETEST_FAKE_NM);
        return;
    }
    snprintf(text, sizeof(text), bus_config, unix_cwd);
    ok(winetest_write_file("bus.conf", text), "cannot write bus.conf\n");
    snprintf(address, sizeof(address), "unix:path=%s/bus.sock", unix_cwd);
    run_wait("dbus-daemon --config-file=bus.conf --fork --print-pid > bus.pid 2> bus.log; mkfifo nm.ctl; "
             "%s %s nm.ctl nm.ready > nm.log 2>&1 & echo $! > nm.pid; "
             "i=0; while [ ! -f nm.ready ] && [ $i -lt 80 ]; do sleep 0.1; i=$((i+1)); done",
             WINETEST_FAKE_NM, address);
    if (GetFileAttributesA("nm.ready") == INVALID_FILE_ATTRIBUTES)
    {
        char *log = winetest_read_file("nm.log", NULL), *bus_log = winetest_read_file("bus.log", NULL);

        ok(0, "the fake NetworkManager did not come up: %s %s\n", log ? log : "", bus_log ? bus_log : "");
        free(log);
        free(bus_log);
    }
    else run_child("bus", address);
    /* The fake has left by itself when the child got that far; a FIFO without its reader would block a writer. */
    run_wait("kill $(cat nm.pid) $(cat bus.pid) 2>/dev/null");
}

/* The documented contract, wherever this runs. */
static void test_contract(void)
{
    NL_NETWORK_CONNECTIVITY_HINT hint;
    struct heard h;
    HANDLE handle;
    DWORD ret;

    ok(sizeof(NL_NETWORK_CONNECTIVITY_HINT) == 12, "sizeof(NL_NETWORK_CONNECTIVITY_HINT) = %u\n",
       (unsigned)sizeof(NL_NETWORK_CONNECTIVITY_HINT));
    memset(&hint, 0xcc, sizeof(hint));
    ret = GetNetworkConnectivityHint(&hint);
    ok(ret == NO_ERROR, "GetNetworkConnectivityHint: %lu\n", ret);
    ok((unsigned)hint.ConnectivityLevel <= NetworkConnectivityLevelHintHidden, "level %d\n", hint.ConnectivityLevel);
    ok((unsigned)hint.ConnectivityCost <= NetworkConnectivityCostHintVariable, "cost %d\n", hint.ConnectivityCost);
    heard_init(&h, "contract");
    handle = register_hint(&h, TRUE);
    ret = CancelMibChangeNotify2(handle);
    ok(ret == NO_ERROR, "CancelMibChangeNotify2: %lu\n", ret);
}

START_TEST(connhint)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);
    char address[1100];

    if (argc >= 3 && !strcmp(argv[2], "nobus"))
    {
        child_nobus();
        return;
    }
    if (argc >= 3 && !strcmp(argv[2], "bus"))
    {
        child_bus();
        return;
    }
    if (!winetest_platform_is_wine)
    {
        test_contract();
        skip("the host's changes are made under Wine only\n");
        return;
    }
    if (!winetest_unix_cwd(unix_cwd, sizeof(unix_cwd))) return;
    /* Both children: a bus address where there is none, so that no real bus of the machine answers. */
    snprintf(address, sizeof(address), "unix:path=%s/no-bus", unix_cwd);
    run_child("nobus", address);
    test_with_bus();
    /* Last, in this process, with whatever bus the machine has: the contract holds whoever answers. */
    test_contract();
}
