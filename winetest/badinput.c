/* The bad-input matrix: every parameter of every export our iphlpapi implements (the -impl entries of
 * dlls/iphlpapi/iphlpapi.spec) given what a careless or hostile caller gives: NULL, a garbage handle, a handle
 * cancelled twice, cancelled after the thread that made it exited, cancelled from inside its own callback, a
 * wrong family, row fields out of range.  Each gets the Windows error and nothing crashes.
 *
 * What the other conformance tests already check is not repeated here: notify.c (bad families, NULL table or
 * handle of NotifyStableUnicastIpAddressTable, CancelMibChangeNotify2 of NULL, of garbage and twice for a route
 * registration), ipchange.c (CancelIPChangeNotify of NULL, of an OVERLAPPED never used and twice; a duplicate
 * request), write.c (NULL rows, no interface, AF_UNSPEC, prefix length 33, valid lifetime below preferred,
 * PrefixOrigin unchanged with SuffixOrigin manual, an interface index that does not exist), reread.c (NULL rows of
 * the Initialize* functions, GetIpForwardEntry2 and GetIpInterfaceEntry; no destination family, no next hop, no
 * interface, an unknown LUID or index, a garbage LUID with a real index, AF_UNSPEC and family 7 interfaces, a
 * route or interface just deleted).
 *
 * Where Microsoft documents the error, the case runs on Windows too.  Where Windows documents nothing or does
 * worse than an error (CancelMibChangeNotify2 from inside the callback deadlocks there; its handles are
 * pointers, so a garbage one is not safe to pass), the case runs under Wine only and says what we return.
 * Create/Delete calls need administrator rights on Windows: ERROR_ACCESS_DENIED there skips the case.
 *
 * cfgmgr32 (CM_Register_Notification, CM_Unregister_Notification, the Sw* functions): only what cfgnotify.c and
 * swdevice.c leave out.  SPEC.md §6 records Windows' CR_INVALID_DATA for a wrong cbSize; for the other filter
 * fields Windows' exact code is not on record, so there any error will do and ours must be CR_INVALID_DATA (as
 * cfgnotify.c does).  Sw* handles are pointers on Windows: the handle cases run under Wine only. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "netchange.h"
#include "rows.h"
#include "winenotify/cfgmgr32_notify.h"
#include "winenotify/connectivity_hint.h"
#include "winenotify/swdevice.h"

#define WAIT_MS 10000

/* ntstatus.h does not mix with windows.h. */
#define TEST_STATUS_CANCELLED 0xc0000120u

typedef DWORD (WINAPI *notify_fn)(ADDRESS_FAMILY family, void *callback, void *context, BOOLEAN initial,
                                  HANDLE *handle);
typedef DWORD (WINAPI *notify_stable_fn)(ADDRESS_FAMILY family, MIB_UNICASTIPADDRESS_TABLE **table,
                                         PSTABLE_UNICAST_IPADDRESS_TABLE_CALLBACK callback, void *context,
                                         HANDLE *handle);

static const struct
{
    const char *name;
    notify_fn fn;
} mib[] = {
    { "NotifyIpInterfaceChange", (notify_fn)NotifyIpInterfaceChange },
    { "NotifyUnicastIpAddressChange", (notify_fn)NotifyUnicastIpAddressChange },
    { "NotifyRouteChange2", (notify_fn)NotifyRouteChange2 },
};

static unsigned int cases;   /* bad inputs tried, for the summary */

/* ---- callbacks -------------------------------------------------------------------------------------------- */

struct counter
{
    LONG calls;
    HANDLE handle;            /* the registration's, for a callback that cancels itself */
    DWORD cancel_result;
    BOOL cancel_inside;
    HANDLE signal;
};

/* Any of the three MIB callbacks: (context, row, type). */
static void WINAPI count_cb(void *context, void *row, MIB_NOTIFICATION_TYPE type)
{
    struct counter *c = context;

    (void)row;
    (void)type;
    InterlockedIncrement(&c->calls);
    if (c->cancel_inside && InterlockedExchange((LONG *)&c->cancel_inside, FALSE))
        c->cancel_result = CancelMibChangeNotify2(c->handle);
    if (c->signal) SetEvent(c->signal);
}

static void WINAPI stable_cb(void *context, MIB_UNICASTIPADDRESS_TABLE *table)
{
    struct counter *c = context;

    InterlockedIncrement(&c->calls);
    FreeMibTable(table);
}

/* ---- MIB registrations ------------------------------------------------------------------------------------ */

/* A NULL callback or a NULL place for the handle: Windows documents neither; we refuse both. */
static void test_mib_null(void)
{
    struct counter c = { 0 };
    unsigned int k;
    HANDLE handle;
    DWORD ret;

    if (!winetest_platform_is_wine) return;
    for (k = 0; k < ARRAY_SIZE(mib); k++)
    {
        winetest_push_context("%s", mib[k].name);
        handle = (HANDLE)0xdeadbeef;
        ret = mib[k].fn(AF_UNSPEC, NULL, &c, TRUE, &handle);
        ok(ret == ERROR_INVALID_PARAMETER, "NULL callback: %lu\n", ret);
        ok(handle == NULL, "NULL callback: handle %p\n", handle);
        ret = mib[k].fn(AF_UNSPEC, count_cb, &c, TRUE, NULL);
        ok(ret == ERROR_INVALID_PARAMETER, "NULL handle pointer: %lu\n", ret);
        ret = mib[k].fn(AF_INET, NULL, NULL, FALSE, NULL);
        ok(ret == ERROR_INVALID_PARAMETER, "all NULL: %lu\n", ret);
        cases += 3;
        winetest_pop_context();
    }
    ok(c.calls == 0, "%ld callbacks\n", c.calls);
}

/* The connectivity hint's callback: (context, hint by value). */
static void WINAPI hint_cb(void *context, NL_NETWORK_CONNECTIVITY_HINT hint)
{
    struct counter *c = context;

    (void)hint;
    InterlockedIncrement(&c->calls);
    if (c->cancel_inside && InterlockedExchange((LONG *)&c->cancel_inside, FALSE))
        c->cancel_result = CancelMibChangeNotify2(c->handle);
}

static DWORD WINAPI hint_register_thread(void *arg)
{
    struct counter *c = arg;

    return NotifyNetworkConnectivityHintChange(hint_cb, c, TRUE, &c->handle);
}

/* GetNetworkConnectivityHint, GetNetworkConnectivityHintForInterface, NotifyNetworkConnectivityHintChange.  Microsoft
 * documents no error codes for them; ours are the NETIO family's (connectivity_hint.c): ERROR_INVALID_PARAMETER for a
 * NULL pointer or callback, ERROR_NOT_FOUND for an interface that does not exist.  The cases with bad arguments run
 * under Wine only; the thread-exit case runs everywhere. */
static void test_connectivity_hint(void)
{
    NL_NETWORK_CONNECTIVITY_HINT hint;
    struct counter c;
    HANDLE handle, thread;
    DWORD ret;

    memset(&c, 0, sizeof(c));
    thread = CreateThread(NULL, 0, hint_register_thread, &c, 0, NULL);
    ok(WaitForSingleObject(thread, WAIT_MS) == WAIT_OBJECT_0, "the thread did not end\n");
    GetExitCodeThread(thread, &ret);
    CloseHandle(thread);
    ok(ret == NO_ERROR && c.handle, "register: %lu, %p\n", ret, c.handle);
    ok(c.calls == 1, "%ld initial callbacks\n", c.calls);
    if (c.handle)
    {
        ret = CancelMibChangeNotify2(c.handle);
        ok(ret == NO_ERROR, "cancel after the registering thread exited: %lu\n", ret);
        cases++;
    }
    if (!winetest_platform_is_wine) return;

    memset(&c, 0, sizeof(c));
    handle = (HANDLE)0xdeadbeef;
    ret = NotifyNetworkConnectivityHintChange(NULL, &c, TRUE, &handle);
    ok(ret == ERROR_INVALID_PARAMETER, "NULL callback: %lu\n", ret);
    ok(handle == NULL, "NULL callback: handle %p\n", handle);
    ret = NotifyNetworkConnectivityHintChange(hint_cb, &c, TRUE, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "NULL handle pointer: %lu\n", ret);
    ret = NotifyNetworkConnectivityHintChange(NULL, NULL, FALSE, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "all NULL: %lu\n", ret);
    ok(c.calls == 0, "%ld callbacks for refused registrations\n", c.calls);
    ret = GetNetworkConnectivityHint(NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "GetNetworkConnectivityHint(NULL): %lu\n", ret);
    ret = GetNetworkConnectivityHintForInterface(1, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "GetNetworkConnectivityHintForInterface(1, NULL): %lu\n", ret);
    ret = GetNetworkConnectivityHintForInterface(0, &hint);
    ok(ret == ERROR_NOT_FOUND, "GetNetworkConnectivityHintForInterface(0): %lu\n", ret);
    ret = GetNetworkConnectivityHintForInterface(0xffffffff, &hint);
    ok(ret == ERROR_NOT_FOUND, "GetNetworkConnectivityHintForInterface(0xffffffff): %lu\n", ret);
    cases += 7;

    /* Cancelled twice. */
    handle = NULL;
    ret = NotifyNetworkConnectivityHintChange(hint_cb, &c, FALSE, &handle);
    ok(ret == NO_ERROR && handle, "register: %lu, %p\n", ret, handle);
    ok(CancelMibChangeNotify2(handle) == NO_ERROR, "first cancel failed\n");
    ret = CancelMibChangeNotify2(handle);
    ok(ret == ERROR_INVALID_HANDLE, "second cancel: %lu\n", ret);

    /* Cancelled from inside its own initial callback (Windows deadlocks there; we end the registration). */
    memset(&c, 0, sizeof(c));
    c.cancel_inside = TRUE;
    c.cancel_result = 0xdeadbeef;
    ret = NotifyNetworkConnectivityHintChange(hint_cb, &c, TRUE, &c.handle);
    ok(ret == NO_ERROR, "register: %lu\n", ret);
    ok(c.calls == 1, "%ld callbacks\n", c.calls);
    ok(c.cancel_result == NO_ERROR, "cancel inside the initial callback: %lu\n", c.cancel_result);
    ret = CancelMibChangeNotify2(c.handle);
    ok(ret == ERROR_INVALID_HANDLE, "cancel again after it: %lu\n", ret);
    cases += 2;
}

/* Handles that are not live registrations of ours: each is ERROR_INVALID_HANDLE and nothing else happens.  Under
 * Wine only: on Windows the handle is a pointer that CancelMibChangeNotify2 follows. */
static void test_cancel_garbage(void)
{
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL), ipchange = NULL;
    OVERLAPPED ovl;
    HANDLE garbage[8];
    unsigned int n = 0, i;
    DWORD ret;

    if (!winetest_platform_is_wine) return;
    garbage[n++] = (HANDLE)0xdeadbeef;
    garbage[n++] = INVALID_HANDLE_VALUE;
    garbage[n++] = GetCurrentProcess();
    garbage[n++] = GetCurrentThread();
    garbage[n++] = event;                                  /* a real kernel handle, not a registration */
    garbage[n++] = (HANDLE)(ULONG_PTR)0x40000000;          /* in our own range; no registration is live */
    garbage[n++] = (HANDLE)(ULONG_PTR)0x7fffffff;
    memset(&ovl, 0, sizeof(ovl));
    if (NotifyAddrChange(&ipchange, &ovl) == ERROR_IO_PENDING) garbage[n++] = ipchange;  /* another kind's */
    for (i = 0; i < n; i++)
    {
        ret = CancelMibChangeNotify2(garbage[i]);
        ok(ret == ERROR_INVALID_HANDLE, "handle %p: %lu\n", garbage[i], ret);
        cases++;
    }
    if (ipchange) ok(CancelIPChangeNotify(&ovl), "the address request was disturbed\n");
    ok(WaitForSingleObject(event, 0) == WAIT_TIMEOUT, "the event was touched\n");
    CloseHandle(event);
}

/* Cancelled twice, for every kind (notify.c does the route registration on Windows too). */
static void test_cancel_twice(void)
{
    struct counter c = { 0 };
    unsigned int k;
    HANDLE handle;
    DWORD ret;

    if (!winetest_platform_is_wine) return;
    for (k = 0; k < ARRAY_SIZE(mib); k++)
    {
        winetest_push_context("%s", mib[k].name);
        handle = NULL;
        ret = mib[k].fn(AF_UNSPEC, count_cb, &c, FALSE, &handle);
        ok(ret == NO_ERROR && handle, "register: %lu, %p\n", ret, handle);
        if (handle)
        {
            ok(CancelMibChangeNotify2(handle) == NO_ERROR, "first cancel failed\n");
            ret = CancelMibChangeNotify2(handle);
            ok(ret == ERROR_INVALID_HANDLE, "second cancel: %lu\n", ret);
            cases++;
        }
        winetest_pop_context();
    }
}

struct registrar
{
    unsigned int kind;
    struct counter *counter;
    HANDLE handle;
    DWORD ret;
};

static DWORD WINAPI register_thread(void *arg)
{
    struct registrar *r = arg;

    r->ret = mib[r->kind].fn(AF_UNSPEC, count_cb, r->counter, TRUE, &r->handle);
    return 0;
}

/* A registration outlives the thread that made it (documented: until cancelled or the process ends); cancelled
 * afterwards from another thread it ends normally.  Runs on Windows too. */
static void test_cancel_after_thread_exit(void)
{
    struct counter c = { 0 };
    struct registrar r;
    unsigned int k;
    HANDLE thread;
    DWORD ret;

    for (k = 0; k < ARRAY_SIZE(mib); k++)
    {
        winetest_push_context("%s", mib[k].name);
        memset(&r, 0, sizeof(r));
        r.kind = k;
        r.counter = &c;
        c.calls = 0;
        thread = CreateThread(NULL, 0, register_thread, &r, 0, NULL);
        ok(WaitForSingleObject(thread, WAIT_MS) == WAIT_OBJECT_0, "the thread did not end\n");
        CloseHandle(thread);
        ok(r.ret == NO_ERROR && r.handle, "register: %lu, %p\n", r.ret, r.handle);
        ok(c.calls == 1, "%ld initial callbacks\n", c.calls);
        if (r.handle)
        {
            ret = CancelMibChangeNotify2(r.handle);
            ok(ret == NO_ERROR, "cancel after the thread exited: %lu\n", ret);
            cases++;
        }
        winetest_pop_context();
    }
}

/* Cancelled from inside its own initial callback, which runs before the registering call returns (the handle is
 * already stored): Windows documents a deadlock, we end the registration.  Wine only. */
static void test_cancel_inside_initial(void)
{
    struct counter c;
    unsigned int k;
    DWORD ret;

    if (!winetest_platform_is_wine) return;
    for (k = 0; k < ARRAY_SIZE(mib); k++)
    {
        winetest_push_context("%s", mib[k].name);
        memset(&c, 0, sizeof(c));
        c.cancel_inside = TRUE;
        c.cancel_result = 0xdeadbeef;
        ret = mib[k].fn(AF_UNSPEC, count_cb, &c, TRUE, &c.handle);
        ok(ret == NO_ERROR, "register: %lu\n", ret);
        ok(c.calls == 1, "%ld callbacks\n", c.calls);
        ok(c.cancel_result == NO_ERROR, "cancel inside the initial callback: %lu\n", c.cancel_result);
        ret = CancelMibChangeNotify2(c.handle);
        ok(ret == ERROR_INVALID_HANDLE, "cancel again after it: %lu\n", ret);
        cases++;
        winetest_pop_context();
    }
}

/* Cancelled from inside a callback for a real change: no callback after that one, while a witness registration
 * made at the same time hears of the next change.  Wine only (Windows deadlocks). */
static void test_cancel_inside_change(NET_IFINDEX index)
{
    struct counter self = { 0 }, witness = { 0 };
    HANDLE witness_handle = NULL;
    DWORD ret;

    if (!winetest_platform_is_wine || !index) return;
    self.signal = CreateEventW(NULL, FALSE, FALSE, NULL);
    witness.signal = CreateEventW(NULL, FALSE, FALSE, NULL);
    self.cancel_inside = TRUE;
    self.cancel_result = 0xdeadbeef;
    ok(mib[1].fn(AF_INET, count_cb, &self, FALSE, &self.handle) == NO_ERROR, "register\n");
    ok(mib[1].fn(AF_INET, count_cb, &witness, FALSE, &witness_handle) == NO_ERROR, "register the witness\n");
    ret = run_write("addr", "add", 4, "10.81.0.1", 24, index);
    if (ret)
    {
        skip("cannot add an address here (%lu)\n", ret);
        goto done;
    }
    ok(WaitForSingleObject(self.signal, WAIT_MS) == WAIT_OBJECT_0, "no callback for the change\n");
    ok(self.cancel_result == NO_ERROR, "cancel inside the callback: %lu\n", self.cancel_result);
    /* The witness hears the delete; by then the cancelled one would have too. */
    run_write("addr", "del", 4, "10.81.0.1", 24, index);
    while (WaitForSingleObject(witness.signal, WAIT_MS) == WAIT_OBJECT_0 && witness.calls < 2) ;
    ok(witness.calls >= 2, "the witness heard %ld callbacks\n", witness.calls);
    ok(self.calls == 1, "%ld callbacks, the last after its cancel\n", self.calls);
    ok(CancelMibChangeNotify2(self.handle) == ERROR_INVALID_HANDLE, "cancelled again after it\n");
    cases++;
done:
    CancelMibChangeNotify2(witness_handle);
    CloseHandle(self.signal);
    CloseHandle(witness.signal);
}

/* NotifyStableUnicastIpAddressTable: a NULL callback (Windows documents nothing) and, the table being stable at
 * once, its handle is no registration to cancel.  Wine only. */
static void test_stable(void)
{
    notify_stable_fn fn = (notify_stable_fn)(void *)GetProcAddress(GetModuleHandleA("iphlpapi.dll"),
                                                                  "NotifyStableUnicastIpAddressTable");
    MIB_UNICASTIPADDRESS_TABLE *table = (void *)0xdeadbeef;
    struct counter c = { 0 };
    HANDLE handle = (HANDLE)0xdeadbeef;
    ULONG i, j;
    DWORD ret;

    if (!winetest_platform_is_wine || !fn) return;
    ret = fn(AF_UNSPEC, &table, NULL, &c, &handle);
    ok(ret == ERROR_INVALID_PARAMETER, "NULL callback: %lu\n", ret);
    ret = fn(AF_UNSPEC, NULL, NULL, NULL, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "all NULL: %lu\n", ret);
    cases += 2;
    table = NULL;
    handle = NULL;
    ret = fn(AF_INET, &table, stable_cb, &c, &handle);
    ok(ret == NO_ERROR || ret == ERROR_IO_PENDING, "AF_INET: %lu\n", ret);
    if (ret == NO_ERROR)
    {
        ok(table != NULL, "no table\n");
        /* The table is the stable one asked for: IPv4 only, no address twice on one interface. */
        for (i = 0; table && i < table->NumEntries; i++)
        {
            ok(table->Table[i].Address.si_family == AF_INET, "row %lu: family %u\n", i,
               table->Table[i].Address.si_family);
            for (j = i + 1; j < table->NumEntries; j++)
                ok(!(same_address(&table->Table[i].Address, &table->Table[j].Address)
                     && table->Table[i].InterfaceIndex == table->Table[j].InterfaceIndex), "row %lu twice\n", i);
        }
        FreeMibTable(table);
    }
    else if (handle) ok(CancelMibChangeNotify2(handle) == NO_ERROR, "cancel the pending one\n");
    ok(c.calls == 0, "%ld callbacks\n", c.calls);
}

/* ---- NotifyAddrChange, NotifyRouteChange -------------------------------------------------------------------- */

static const struct
{
    const char *name;
    DWORD (WINAPI *fn)(HANDLE *, OVERLAPPED *);
} ipchange[] = {
    { "NotifyAddrChange", NotifyAddrChange },
    { "NotifyRouteChange", NotifyRouteChange },
};

/* A handle without an OVERLAPPED or the reverse (documented only as both or neither), and an OVERLAPPED whose
 * event is no handle: refused at once, never a request left pending.  Wine only. */
static void test_ipchange_mismatch(void)
{
    OVERLAPPED ovl;
    HANDLE handle;
    unsigned int k;
    DWORD ret;

    if (!winetest_platform_is_wine) return;
    for (k = 0; k < ARRAY_SIZE(ipchange); k++)
    {
        winetest_push_context("%s", ipchange[k].name);
        memset(&ovl, 0, sizeof(ovl));
        handle = NULL;
        ret = ipchange[k].fn(&handle, NULL);
        ok(ret == ERROR_INVALID_PARAMETER, "handle without OVERLAPPED: %lu\n", ret);
        ret = ipchange[k].fn(NULL, &ovl);
        ok(ret == ERROR_INVALID_PARAMETER, "OVERLAPPED without handle: %lu\n", ret);
        ok(!CancelIPChangeNotify(&ovl), "a request was left pending\n");
        ovl.hEvent = (HANDLE)0xdeadbeef;
        ret = ipchange[k].fn(&handle, &ovl);
        ok(ret == ERROR_INVALID_HANDLE, "garbage event: %lu\n", ret);
        ok(!CancelIPChangeNotify(&ovl), "a request with a garbage event was left pending\n");
        cases += 3;
        winetest_pop_context();
    }
}

struct armer
{
    unsigned int kind;
    OVERLAPPED *ovl;
    HANDLE handle;
    DWORD ret;
};

static DWORD WINAPI arm_thread(void *arg)
{
    struct armer *a = arg;

    a->ret = ipchange[a->kind].fn(&a->handle, a->ovl);
    return 0;
}

/* A request made by a thread that has exited, cancelled afterwards: whether the thread's exit ended it (Windows
 * cancels a thread's I/O when it exits) or the cancel does, it ends aborted and nothing crashes.  Runs on
 * Windows too. */
static void test_ipchange_after_thread_exit(void)
{
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL), thread;
    struct armer a;
    OVERLAPPED ovl;
    unsigned int k;
    DWORD bytes;
    BOOL res;

    for (k = 0; k < ARRAY_SIZE(ipchange); k++)
    {
        winetest_push_context("%s", ipchange[k].name);
        memset(&ovl, 0, sizeof(ovl));
        ovl.hEvent = event;
        ResetEvent(event);
        memset(&a, 0, sizeof(a));
        a.kind = k;
        a.ovl = &ovl;
        thread = CreateThread(NULL, 0, arm_thread, &a, 0, NULL);
        ok(WaitForSingleObject(thread, WAIT_MS) == WAIT_OBJECT_0, "the thread did not end\n");
        CloseHandle(thread);
        ok(a.ret == ERROR_IO_PENDING, "request: %lu\n", a.ret);
        if (a.ret == ERROR_IO_PENDING)
        {
            res = CancelIPChangeNotify(&ovl);
            ok(res || ovl.Internal == TEST_STATUS_CANCELLED, "neither pending nor aborted: %#llx\n",
               (unsigned long long)ovl.Internal);
            ok(WaitForSingleObject(event, WAIT_MS) == WAIT_OBJECT_0, "the request never ended\n");
            SetLastError(0xdeadbeef);
            res = GetOverlappedResult(a.handle, &ovl, &bytes, FALSE);
            ok(!res && GetLastError() == ERROR_OPERATION_ABORTED, "got %d, error %lu\n", res, GetLastError());
            ok(!CancelIPChangeNotify(&ovl), "cancelled once more\n");
            cases++;
        }
        winetest_pop_context();
    }
    CloseHandle(event);
}

/* ---- Create/Delete rows ----------------------------------------------------------------------------------- */

static BOOL admin_refused;

static void check_row(DWORD ret, DWORD want, const char *what)
{
    cases++;
    if (ret == ERROR_ACCESS_DENIED && !winetest_platform_is_wine)
    {
        if (!admin_refused) skip("not an administrator: the row checks past the system's access check\n");
        admin_refused = TRUE;
        return;
    }
    ok(ret == want, "%s: %lu, expected %lu\n", what, ret, want);
}

/* Microsoft's list for CreateUnicastIpAddressEntry/DeleteUnicastIpAddressEntry: ERROR_INVALID_PARAMETER for an
 * address that is not a valid unicast one, a prefix origin or suffix origin outside its enumeration, a suffix
 * origin "unchanged" with another prefix origin, an on-link prefix longer than the address; ERROR_NOT_FOUND for
 * an interface that cannot be found. */
static void test_unicast_rows(NET_LUID luid)
{
    static const struct { ADDRESS_FAMILY family; const char *text; } not_unicast[] = {
        { AF_INET, "0.0.0.0" }, { AF_INET, "224.0.0.1" }, { AF_INET, "239.1.2.3" }, { AF_INET, "255.255.255.255" },
        { AF_INET6, "::" }, { AF_INET6, "ff02::1" }, { AF_INET6, "ff05::1:3" },
    };
    MIB_UNICASTIPADDRESS_ROW row;
    NET_LUID nowhere;
    unsigned int i;
    char what[64];

    address_row(&row, AF_INET, "10.82.0.1", 24, luid);
    row.Address.si_family = 7;
    check_row(CreateUnicastIpAddressEntry(&row), ERROR_INVALID_PARAMETER, "create, family 7");
    check_row(DeleteUnicastIpAddressEntry(&row), ERROR_INVALID_PARAMETER, "delete, family 7");
    row.Address.si_family = 0xffff;
    check_row(CreateUnicastIpAddressEntry(&row), ERROR_INVALID_PARAMETER, "create, family 0xffff");

    address_row(&row, AF_INET6, "fd82::1", 129, luid);
    check_row(CreateUnicastIpAddressEntry(&row), ERROR_INVALID_PARAMETER, "create, IPv6 prefix 129");

    address_row(&row, AF_INET, "10.82.0.1", 24, luid);
    row.PrefixOrigin = 99;
    check_row(CreateUnicastIpAddressEntry(&row), ERROR_INVALID_PARAMETER, "create, prefix origin 99");
    address_row(&row, AF_INET, "10.82.0.1", 24, luid);
    row.SuffixOrigin = 99;
    check_row(CreateUnicastIpAddressEntry(&row), ERROR_INVALID_PARAMETER, "create, suffix origin 99");
    address_row(&row, AF_INET, "10.82.0.1", 24, luid);
    row.SuffixOrigin = IpSuffixOriginUnchanged;
    check_row(CreateUnicastIpAddressEntry(&row), ERROR_INVALID_PARAMETER,
              "create, suffix origin unchanged with prefix origin manual");

    for (i = 0; i < ARRAY_SIZE(not_unicast); i++)
    {
        address_row(&row, not_unicast[i].family, not_unicast[i].text, not_unicast[i].family == AF_INET ? 24 : 64,
                    luid);
        snprintf(what, sizeof(what), "create %s", not_unicast[i].text);
        check_row(CreateUnicastIpAddressEntry(&row), ERROR_INVALID_PARAMETER, what);
    }

    /* A LUID no interface has (type 0xfff, index 0xfffff), with everything else right. */
    nowhere.Value = 0;
    nowhere.Info.IfType = 0xfff;
    nowhere.Info.NetLuidIndex = 0xfffff;
    address_row(&row, AF_INET, "10.82.0.1", 24, nowhere);
    check_row(CreateUnicastIpAddressEntry(&row), ERROR_NOT_FOUND, "create on no interface (LUID)");
    check_row(DeleteUnicastIpAddressEntry(&row), ERROR_NOT_FOUND, "delete on no interface (LUID)");
}

/* Microsoft's list for CreateIpForwardEntry2/DeleteIpForwardEntry2: ERROR_INVALID_PARAMETER for a preferred
 * lifetime above the valid one and for a site prefix longer than the destination prefix; ERROR_NOT_FOUND for an
 * interface that cannot be found.  And a next hop of another family than the destination, a destination prefix
 * longer than its address. */
static void test_forward_rows(NET_LUID luid)
{
    MIB_IPFORWARD_ROW2 row;
    NET_LUID nowhere;

    route_row(&row, AF_INET, "10.83.0.0", 16, luid);
    row.DestinationPrefix.Prefix.si_family = 7;
    row.NextHop.si_family = 7;
    check_row(CreateIpForwardEntry2(&row), ERROR_INVALID_PARAMETER, "create, family 7");
    check_row(DeleteIpForwardEntry2(&row), ERROR_INVALID_PARAMETER, "delete, family 7");

    route_row(&row, AF_INET, "10.83.0.0", 16, luid);
    make_address(&row.NextHop, AF_INET6, "fe80::1");
    check_row(CreateIpForwardEntry2(&row), ERROR_INVALID_PARAMETER, "create, IPv6 next hop for IPv4");

    route_row(&row, AF_INET6, "fd83::", 129, luid);
    check_row(CreateIpForwardEntry2(&row), ERROR_INVALID_PARAMETER, "create, IPv6 prefix 129");

    route_row(&row, AF_INET, "10.83.0.0", 16, luid);
    row.PreferredLifetime = 600;
    row.ValidLifetime = 300;
    check_row(CreateIpForwardEntry2(&row), ERROR_INVALID_PARAMETER, "create, preferred lifetime above valid");

    route_row(&row, AF_INET, "10.83.0.0", 16, luid);
    row.SitePrefixLength = 24;
    check_row(CreateIpForwardEntry2(&row), ERROR_INVALID_PARAMETER, "create, site prefix 24 on a /16");

    nowhere.Value = 0;
    nowhere.Info.IfType = 0xfff;
    nowhere.Info.NetLuidIndex = 0xfffff;
    route_row(&row, AF_INET, "10.83.0.0", 16, nowhere);
    check_row(CreateIpForwardEntry2(&row), ERROR_NOT_FOUND, "create on no interface (LUID)");
    check_row(DeleteIpForwardEntry2(&row), ERROR_NOT_FOUND, "delete on no interface (LUID)");
    row.InterfaceLuid.Value = 0;
    row.InterfaceIndex = 0x7ffffff0;
    check_row(DeleteIpForwardEntry2(&row), ERROR_NOT_FOUND, "delete on no interface (index)");
}

/* ---- Get*Entry rows --------------------------------------------------------------------------------------- */

/* Looked up by name: Wine 8 and 10 lack both in the system DLL. */
static DWORD (WINAPI *pGetIpForwardEntry2)(MIB_IPFORWARD_ROW2 *);
static DWORD (WINAPI *pGetIpInterfaceEntry)(MIB_IPINTERFACE_ROW *);
static DWORD (WINAPI *pGetIpInterfaceTable)(ADDRESS_FAMILY, MIB_IPINTERFACE_TABLE **);

/* Microsoft's lists: ERROR_INVALID_PARAMETER for a destination or address that is no address of a family, and for
 * a family other than AF_INET and AF_INET6 (AF_UNSPEC too for a table); a row of all ones is both.  Under Wine only, what we answer where Windows
 * documents nothing: a next hop of another family than the destination, a prefix longer than its address. */
static void test_get_rows(NET_LUID luid)
{
    MIB_IPFORWARD_ROW2 route;
    MIB_IPINTERFACE_ROW iface;
    MIB_UNICASTIPADDRESS_ROW addr;
    HMODULE iphlpapi = GetModuleHandleA("iphlpapi.dll");

    pGetIpForwardEntry2 = (void *)GetProcAddress(iphlpapi, "GetIpForwardEntry2");
    pGetIpInterfaceEntry = (void *)GetProcAddress(iphlpapi, "GetIpInterfaceEntry");
    pGetIpInterfaceTable = (void *)GetProcAddress(iphlpapi, "GetIpInterfaceTable");
    if (pGetIpForwardEntry2)
    {
        route_row(&route, AF_INET, "10.84.0.0", 16, luid);
        route.DestinationPrefix.Prefix.si_family = 7;
        route.NextHop.si_family = 7;
        check_row(pGetIpForwardEntry2(&route), ERROR_INVALID_PARAMETER, "get route, family 7");
        memset(&route, 0xff, sizeof(route));
        check_row(pGetIpForwardEntry2(&route), ERROR_INVALID_PARAMETER, "get route, all ones");
        if (winetest_platform_is_wine)
        {
            route_row(&route, AF_INET, "10.84.0.0", 16, luid);
            make_address(&route.NextHop, AF_INET6, "fe80::1");
            check_row(pGetIpForwardEntry2(&route), ERROR_INVALID_PARAMETER, "get route, IPv6 next hop for IPv4");
            route_row(&route, AF_INET, "10.84.0.0", 33, luid);
            check_row(pGetIpForwardEntry2(&route), ERROR_INVALID_PARAMETER, "get route, IPv4 prefix 33");
            route_row(&route, AF_INET6, "fd84::", 129, luid);
            check_row(pGetIpForwardEntry2(&route), ERROR_INVALID_PARAMETER, "get route, IPv6 prefix 129");
        }
    }
    else win_skip("GetIpForwardEntry2 is missing\n");

    if (pGetIpInterfaceEntry)
    {
        memset(&iface, 0, sizeof(iface));
        iface.Family = 0xffff;
        iface.InterfaceLuid = luid;
        check_row(pGetIpInterfaceEntry(&iface), ERROR_INVALID_PARAMETER, "get interface, family 0xffff");
        memset(&iface, 0xff, sizeof(iface));
        check_row(pGetIpInterfaceEntry(&iface), ERROR_INVALID_PARAMETER, "get interface, all ones");
    }
    else win_skip("GetIpInterfaceEntry is missing\n");

    if (pGetIpInterfaceTable)
    {
        MIB_IPINTERFACE_TABLE *table = (void *)0xdeadbeef;

        check_row(pGetIpInterfaceTable(0xffff, &table), ERROR_INVALID_PARAMETER, "interface table, family 0xffff");
        check_row(pGetIpInterfaceTable(0xffff, NULL), ERROR_INVALID_PARAMETER, "interface table, both");
    }
    else win_skip("GetIpInterfaceTable is missing\n");

    check_row(GetUnicastIpAddressTable(AF_UNSPEC, NULL), ERROR_INVALID_PARAMETER, "address table, NULL");
    {
        MIB_UNICASTIPADDRESS_TABLE *table = (void *)0xdeadbeef;

        check_row(GetUnicastIpAddressTable(7, &table), ERROR_INVALID_PARAMETER, "address table, family 7");
    }

    /* Wine's own answers these; ours adds the DAD state after it. */
    memset(&addr, 0xff, sizeof(addr));
    check_row(GetUnicastIpAddressEntry(&addr), ERROR_INVALID_PARAMETER, "get address, all ones");
    address_row(&addr, AF_INET, "10.84.0.1", 24, luid);
    addr.Address.si_family = 7;
    check_row(GetUnicastIpAddressEntry(&addr), ERROR_INVALID_PARAMETER, "get address, family 7");
}

/* ---- route and neighbour tables (issue 16) ----------------------------------------------------------------- */

/* Looked up by name: Wine lacks all but GetIpForwardTable2, GetBestRoute2 and GetIpNetTable2. */
static DWORD (WINAPI *pGetIpForwardTable2)(ADDRESS_FAMILY, MIB_IPFORWARD_TABLE2 **);
static DWORD (WINAPI *pSetIpForwardEntry2)(const MIB_IPFORWARD_ROW2 *);
static DWORD (WINAPI *pGetBestRoute2)(NET_LUID *, NET_IFINDEX, const SOCKADDR_INET *, const SOCKADDR_INET *, ULONG,
                                      MIB_IPFORWARD_ROW2 *, SOCKADDR_INET *);
static DWORD (WINAPI *pGetIpNetEntry2)(MIB_IPNET_ROW2 *);
static DWORD (WINAPI *pGetIpNetTable2)(ADDRESS_FAMILY, MIB_IPNET_TABLE2 **);
static DWORD (WINAPI *pCreateIpNetEntry2)(const MIB_IPNET_ROW2 *);
static DWORD (WINAPI *pSetIpNetEntry2)(MIB_IPNET_ROW2 *);
static DWORD (WINAPI *pDeleteIpNetEntry2)(const MIB_IPNET_ROW2 *);
static DWORD (WINAPI *pFlushIpNetTable2)(ADDRESS_FAMILY, NET_IFINDEX);
static DWORD (WINAPI *pResolveIpNetEntry2)(MIB_IPNET_ROW2 *, const SOCKADDR_INET *);

static void neighbour_row(MIB_IPNET_ROW2 *row, ADDRESS_FAMILY family, const char *text, NET_LUID luid)
{
    memset(row, 0, sizeof(*row));
    make_address(&row->Address, family, text);
    row->InterfaceLuid = luid;
    row->PhysicalAddressLength = 6;
    row->PhysicalAddress[0] = 2;
    row->PhysicalAddress[5] = 9;
}

/* Microsoft's lists: ERROR_INVALID_PARAMETER for a NULL row or table, a family other than AF_INET and AF_INET6
 * (AF_UNSPEC too for a table), no interface named; GetIpForwardTable2 and GetIpNetTable2 a NULL table;
 * GetIpNetEntry2 ERROR_FILE_NOT_FOUND for an interface no one has, ERROR_NOT_FOUND for a neighbour it does not
 * have; CreateIpNetEntry2 ERROR_NOT_FOUND for an interface no one has, ERROR_INVALID_PARAMETER for a loopback
 * address and a missing physical address; GetBestRoute2 (Wine's test, run on Windows) ERROR_FILE_NOT_FOUND for an
 * index no interface has.  Under Wine only, what we answer where Windows documents nothing: SetIpForwardEntry2 for
 * a route that is not there, the interface errors of SetIpNetEntry2, DeleteIpNetEntry2, ResolveIpNetEntry2 and
 * FlushIpNetTable2, a physical address longer than IF_MAX_PHYS_ADDRESS_LENGTH, a neighbour on the loopback
 * interface (Linux has one entry for the whole link: ERROR_NOT_SUPPORTED). */
static void test_route_neighbour_rows(NET_LUID luid)
{
    HMODULE iphlpapi = GetModuleHandleA("iphlpapi.dll");
    MIB_IPFORWARD_TABLE2 *routes = (void *)0xdeadbeef;
    MIB_IPNET_TABLE2 *neighbours = (void *)0xdeadbeef;
    MIB_IPFORWARD_ROW2 route;
    MIB_IPNET_ROW2 row;
    SOCKADDR_INET dst, src, best;
    NET_LUID nowhere;

#define LOAD(f) p##f = (void *)GetProcAddress(iphlpapi, #f)
    LOAD(GetIpForwardTable2);
    LOAD(SetIpForwardEntry2);
    LOAD(GetBestRoute2);
    LOAD(GetIpNetEntry2);
    LOAD(GetIpNetTable2);
    LOAD(CreateIpNetEntry2);
    LOAD(SetIpNetEntry2);
    LOAD(DeleteIpNetEntry2);
    LOAD(FlushIpNetTable2);
    LOAD(ResolveIpNetEntry2);
#undef LOAD
    if (!pGetIpForwardTable2 || !pSetIpForwardEntry2 || !pGetBestRoute2 || !pGetIpNetEntry2 || !pGetIpNetTable2
        || !pCreateIpNetEntry2 || !pSetIpNetEntry2 || !pDeleteIpNetEntry2 || !pFlushIpNetTable2 || !pResolveIpNetEntry2)
    {
        win_skip("the route and neighbour functions are missing\n");
        return;
    }
    nowhere.Value = 0;
    nowhere.Info.IfType = 0xfff;
    nowhere.Info.NetLuidIndex = 0xfffff;

    check_row(pGetIpForwardTable2(AF_INET, NULL), ERROR_INVALID_PARAMETER, "route table, NULL");
    check_row(pGetIpForwardTable2(7, &routes), ERROR_INVALID_PARAMETER, "route table, family 7");
    check_row(pGetIpForwardTable2(0xffff, NULL), ERROR_INVALID_PARAMETER, "route table, both");

    check_row(pSetIpForwardEntry2(NULL), ERROR_INVALID_PARAMETER, "set route, NULL");
    route_row(&route, AF_INET, "10.84.0.0", 16, luid);
    route.DestinationPrefix.Prefix.si_family = 7;
    route.NextHop.si_family = 7;
    check_row(pSetIpForwardEntry2(&route), ERROR_INVALID_PARAMETER, "set route, family 7");
    route_row(&route, AF_INET, "10.84.0.0", 16, luid);
    route.InterfaceLuid.Value = 0;
    route.InterfaceIndex = 0;
    check_row(pSetIpForwardEntry2(&route), ERROR_INVALID_PARAMETER, "set route, no interface");
    memset(&route, 0xff, sizeof(route));
    check_row(pSetIpForwardEntry2(&route), ERROR_INVALID_PARAMETER, "set route, all ones");
    if (winetest_platform_is_wine)
    {
        route_row(&route, AF_INET, "10.84.0.0", 16, luid);
        check_row(pSetIpForwardEntry2(&route), ERROR_NOT_FOUND, "set route, no such route");
        route_row(&route, AF_INET, "10.84.0.0", 16, nowhere);
        check_row(pSetIpForwardEntry2(&route), ERROR_NOT_FOUND, "set route, no such interface");
    }

    make_address(&dst, AF_INET, "127.0.0.1");
    check_row(pGetBestRoute2(NULL, 0, NULL, NULL, 0, &route, &best), ERROR_INVALID_PARAMETER, "best route, NULL");
    check_row(pGetBestRoute2(NULL, 0, NULL, &dst, 0, NULL, NULL), ERROR_INVALID_PARAMETER, "best route, no outputs");
    dst.si_family = 7;
    check_row(pGetBestRoute2(NULL, 0, NULL, &dst, 0, &route, &best), ERROR_INVALID_PARAMETER, "best route, family 7");
    make_address(&dst, AF_INET, "127.0.0.1");
    check_row(pGetBestRoute2(NULL, 0xdeadbeef, NULL, &dst, 0, &route, &best), ERROR_FILE_NOT_FOUND,
              "best route, no such index");
    make_address(&src, AF_INET, "10.84.0.99");
    check_row(pGetBestRoute2(NULL, 0, &src, &dst, 0, &route, &best), ERROR_NOT_FOUND,
              "best route, a source no interface has");

    check_row(pGetIpNetTable2(AF_INET, NULL), ERROR_INVALID_PARAMETER, "neighbour table, NULL");
    check_row(pGetIpNetTable2(7, &neighbours), ERROR_INVALID_PARAMETER, "neighbour table, family 7");
    check_row(pGetIpNetEntry2(NULL), ERROR_INVALID_PARAMETER, "get neighbour, NULL");
    neighbour_row(&row, AF_INET, "10.84.0.9", luid);
    row.Address.si_family = 7;
    check_row(pGetIpNetEntry2(&row), ERROR_INVALID_PARAMETER, "get neighbour, family 7");
    neighbour_row(&row, AF_INET, "10.84.0.9", luid);
    row.InterfaceLuid.Value = 0;
    check_row(pGetIpNetEntry2(&row), ERROR_INVALID_PARAMETER, "get neighbour, no interface");
    memset(&row, 0xff, sizeof(row));
    check_row(pGetIpNetEntry2(&row), ERROR_INVALID_PARAMETER, "get neighbour, all ones");
    neighbour_row(&row, AF_INET, "10.84.0.9", nowhere);
    check_row(pGetIpNetEntry2(&row), ERROR_FILE_NOT_FOUND, "get neighbour, no such interface");
    neighbour_row(&row, AF_INET, "10.84.0.9", luid);
    check_row(pGetIpNetEntry2(&row), ERROR_NOT_FOUND, "get neighbour, no such neighbour");

    check_row(pCreateIpNetEntry2(NULL), ERROR_INVALID_PARAMETER, "create neighbour, NULL");
    neighbour_row(&row, AF_INET, "10.84.0.9", luid);
    row.Address.si_family = 7;
    check_row(pCreateIpNetEntry2(&row), ERROR_INVALID_PARAMETER, "create neighbour, family 7");
    neighbour_row(&row, AF_INET, "127.0.0.1", luid);
    check_row(pCreateIpNetEntry2(&row), ERROR_INVALID_PARAMETER, "create neighbour, loopback");
    neighbour_row(&row, AF_INET6, "::1", luid);
    check_row(pCreateIpNetEntry2(&row), ERROR_INVALID_PARAMETER, "create neighbour, ::1");
    neighbour_row(&row, AF_INET, "10.84.0.9", luid);
    row.PhysicalAddressLength = 0;
    check_row(pCreateIpNetEntry2(&row), ERROR_INVALID_PARAMETER, "create neighbour, no physical address");
    neighbour_row(&row, AF_INET, "10.84.0.9", nowhere);
    check_row(pCreateIpNetEntry2(&row), ERROR_NOT_FOUND, "create neighbour, no such interface");

    check_row(pSetIpNetEntry2(NULL), ERROR_INVALID_PARAMETER, "set neighbour, NULL");
    check_row(pDeleteIpNetEntry2(NULL), ERROR_INVALID_PARAMETER, "delete neighbour, NULL");
    check_row(pResolveIpNetEntry2(NULL, NULL), ERROR_INVALID_PARAMETER, "resolve, NULL");
    neighbour_row(&row, AF_INET, "10.84.0.9", luid);
    row.Address.si_family = 7;
    check_row(pSetIpNetEntry2(&row), ERROR_INVALID_PARAMETER, "set neighbour, family 7");
    check_row(pDeleteIpNetEntry2(&row), ERROR_INVALID_PARAMETER, "delete neighbour, family 7");
    check_row(pResolveIpNetEntry2(&row, NULL), ERROR_INVALID_PARAMETER, "resolve, family 7");
    check_row(pFlushIpNetTable2(7, 0), ERROR_INVALID_PARAMETER, "flush, family 7");
    if (winetest_platform_is_wine)
    {
        neighbour_row(&row, AF_INET, "10.84.0.9", luid);
        row.PhysicalAddressLength = 33;
        check_row(pCreateIpNetEntry2(&row), ERROR_INVALID_PARAMETER, "create neighbour, physical address of 33");
        /* Linux keeps one entry for the whole loopback link, whatever the address. */
        neighbour_row(&row, AF_INET, "10.84.0.9", luid);
        check_row(pCreateIpNetEntry2(&row), ERROR_NOT_SUPPORTED, "create neighbour on the loopback interface");
        check_row(pResolveIpNetEntry2(&row, NULL), ERROR_NOT_SUPPORTED, "resolve on the loopback interface");
        neighbour_row(&row, AF_INET, "10.84.0.9", nowhere);
        check_row(pSetIpNetEntry2(&row), ERROR_FILE_NOT_FOUND, "set neighbour, no such interface");
        check_row(pDeleteIpNetEntry2(&row), ERROR_FILE_NOT_FOUND, "delete neighbour, no such interface");
        check_row(pResolveIpNetEntry2(&row, NULL), ERROR_NOT_FOUND, "resolve, no such interface");
        neighbour_row(&row, AF_INET, "10.84.0.9", luid);
        check_row(pSetIpNetEntry2(&row), ERROR_NOT_FOUND, "set neighbour, no such neighbour");
        check_row(pDeleteIpNetEntry2(&row), ERROR_NOT_FOUND, "delete neighbour, no such neighbour");
        check_row(pFlushIpNetTable2(AF_INET, 0x7ffffff0), ERROR_FILE_NOT_FOUND, "flush, no such interface");
    }
}

/* ---- cfgmgr32 --------------------------------------------------------------------------------------------- */

static CONFIGRET (WINAPI *pCM_Register_Notification)(PCM_NOTIFY_FILTER, PVOID, PCM_NOTIFY_CALLBACK,
                                                      PHCMNOTIFICATION);
static CONFIGRET (WINAPI *pCM_Unregister_Notification)(HCMNOTIFICATION);
static HRESULT (WINAPI *pSwDeviceCreate)(PCWSTR, PCWSTR, const SW_DEVICE_CREATE_INFO *, ULONG, const DEVPROPERTY *,
                                         SW_DEVICE_CREATE_CALLBACK, PVOID, PHSWDEVICE);
static HRESULT (WINAPI *pSwDeviceInterfaceRegister)(HSWDEVICE, const GUID *, PCWSTR, ULONG, const DEVPROPERTY *,
                                                    BOOL, PWSTR *);
static HRESULT (WINAPI *pSwDeviceInterfaceSetState)(HSWDEVICE, PCWSTR, BOOL);
static VOID (WINAPI *pSwDeviceClose)(HSWDEVICE);
static VOID (WINAPI *pSwMemFree)(PVOID);

static LONG cm_calls;

static DWORD CALLBACK cm_cb(HCMNOTIFICATION handle, void *context, CM_NOTIFY_ACTION action,
                            CM_NOTIFY_EVENT_DATA *data, DWORD size)
{
    (void)handle; (void)context; (void)action; (void)data; (void)size;
    InterlockedIncrement(&cm_calls);
    return ERROR_SUCCESS;
}

static void WINAPI sw_cb(HSWDEVICE handle, HRESULT result, void *context, PCWSTR id)
{
    (void)handle; (void)result; (void)id;
    InterlockedIncrement((LONG *)context);
}

/* One malformed filter: refused with no handle.  exact: Windows' code is on record (SPEC.md §6). */
static void check_filter(CM_NOTIFY_FILTER *filter, BOOL exact, const char *what)
{
    HCMNOTIFICATION handle = (HCMNOTIFICATION)0xdeadbeef;
    CONFIGRET ret = pCM_Register_Notification(filter, NULL, cm_cb, &handle);

    cases++;
    if (exact || winetest_platform_is_wine) ok(ret == CR_INVALID_DATA, "%s: %#lx\n", what, ret);
    else ok(ret != CR_SUCCESS, "%s: accepted\n", what);
    if (ret == CR_SUCCESS) pCM_Unregister_Notification(handle);
    else ok(!handle, "%s: handle %p\n", what, handle);
}

/* ---- issue 16, interfaces and addresses: SetIpInterfaceEntry, SetUnicastIpAddressEntry, GetAdaptersAddresses --
 * Microsoft's pages: SetIpInterfaceEntry gives ERROR_INVALID_PARAMETER for a NULL row, a family other than AF_INET
 * and AF_INET6, or neither LUID nor index, ERROR_FILE_NOT_FOUND for a LUID or index no interface has;
 * SetUnicastIpAddressEntry ERROR_INVALID_PARAMETER for a NULL row, no unicast address family, no interface, a
 * valid lifetime below the preferred one, ERROR_NOT_FOUND for an interface or address that is not there;
 * GetAdaptersAddresses ERROR_INVALID_PARAMETER for a NULL size or another family, ERROR_BUFFER_OVERFLOW with the
 * size needed for a buffer too small (also with the flags whose answer is ours under Wine). */
static DWORD (WINAPI *pSetIpInterfaceEntry)(MIB_IPINTERFACE_ROW *);

/* The interface's row, as a program gets it before setting it (GetIpInterfaceEntry: the system's or ours). */
static DWORD GetIpInterfaceEntry_for(NET_LUID luid, ADDRESS_FAMILY family, MIB_IPINTERFACE_ROW *row)
{
    DWORD (WINAPI *get)(MIB_IPINTERFACE_ROW *) =
        (void *)GetProcAddress(GetModuleHandleA("iphlpapi.dll"), "GetIpInterfaceEntry");

    memset(row, 0, sizeof(*row));
    row->Family = family;
    row->InterfaceLuid = luid;
    return get ? get(row) : ERROR_NOT_SUPPORTED;
}
static DWORD (WINAPI *pSetUnicastIpAddressEntry)(const MIB_UNICASTIPADDRESS_ROW *);

static void test_set_rows(NET_LUID luid)
{
    HMODULE iphlpapi = GetModuleHandleA("iphlpapi.dll");
    MIB_IPINTERFACE_ROW iface;
    MIB_UNICASTIPADDRESS_ROW addr;
    NET_LUID nowhere;

    pSetIpInterfaceEntry = (void *)GetProcAddress(iphlpapi, "SetIpInterfaceEntry");
    pSetUnicastIpAddressEntry = (void *)GetProcAddress(iphlpapi, "SetUnicastIpAddressEntry");
    nowhere.Value = 0;
    nowhere.Info.IfType = IF_TYPE_ETHERNET_CSMACD;
    nowhere.Info.NetLuidIndex = 0xfff0;
    if (!pSetIpInterfaceEntry || !pSetUnicastIpAddressEntry)
    {
        win_skip("no SetIpInterfaceEntry or SetUnicastIpAddressEntry\n");
        return;
    }
    check_row(pSetIpInterfaceEntry(NULL), ERROR_INVALID_PARAMETER, "set interface NULL");
    memset(&iface, 0, sizeof(iface));
    iface.InterfaceLuid = luid;
    check_row(pSetIpInterfaceEntry(&iface), ERROR_INVALID_PARAMETER, "set interface AF_UNSPEC");
    iface.Family = 7;
    check_row(pSetIpInterfaceEntry(&iface), ERROR_INVALID_PARAMETER, "set interface family 7");
    memset(&iface, 0, sizeof(iface));
    iface.Family = AF_INET;
    check_row(pSetIpInterfaceEntry(&iface), ERROR_INVALID_PARAMETER, "set interface without LUID or index");
    memset(&iface, 0xff, sizeof(iface));
    check_row(pSetIpInterfaceEntry(&iface), ERROR_INVALID_PARAMETER, "set interface all ones");
    memset(&iface, 0, sizeof(iface));
    iface.Family = AF_INET;
    iface.InterfaceLuid = nowhere;
    check_row(pSetIpInterfaceEntry(&iface), ERROR_FILE_NOT_FOUND, "set interface of no LUID");
    memset(&iface, 0, sizeof(iface));
    iface.Family = AF_INET6;
    iface.InterfaceIndex = 0x7ffffff0;
    check_row(pSetIpInterfaceEntry(&iface), ERROR_FILE_NOT_FOUND, "set interface of no index");
    if (!GetIpInterfaceEntry_for(luid, AF_INET, &iface))
    {
        iface.SitePrefixLength = 33;
        check_row(pSetIpInterfaceEntry(&iface), ERROR_INVALID_PARAMETER, "set interface IPv4 site prefix 33");
    }

    check_row(pSetUnicastIpAddressEntry(NULL), ERROR_INVALID_PARAMETER, "set address NULL");
    address_row(&addr, AF_INET, "10.86.0.9", 24, luid);
    addr.Address.si_family = 7;
    check_row(pSetUnicastIpAddressEntry(&addr), ERROR_INVALID_PARAMETER, "set address family 7");
    memset(&nowhere, 0, sizeof(nowhere));
    address_row(&addr, AF_INET, "10.86.0.9", 24, nowhere);
    check_row(pSetUnicastIpAddressEntry(&addr), ERROR_INVALID_PARAMETER, "set address without interface");
    address_row(&addr, AF_INET, "10.86.0.9", 24, luid);
    addr.ValidLifetime = 10;
    addr.PreferredLifetime = 20;
    check_row(pSetUnicastIpAddressEntry(&addr), ERROR_INVALID_PARAMETER, "set address valid below preferred");
    address_row(&addr, AF_INET, "10.86.0.9", 24, luid);
    check_row(pSetUnicastIpAddressEntry(&addr), ERROR_NOT_FOUND, "set address not on the interface");
    nowhere.Info.IfType = IF_TYPE_ETHERNET_CSMACD;
    nowhere.Info.NetLuidIndex = 0xfff0;
    address_row(&addr, AF_INET, "10.86.0.9", 24, nowhere);
    check_row(pSetUnicastIpAddressEntry(&addr), ERROR_NOT_FOUND, "set address of no interface");
}

static void test_adapters_addresses(void)
{
    static const ULONG flags[] = { 0, GAA_FLAG_INCLUDE_PREFIX, GAA_FLAG_INCLUDE_GATEWAYS,
                                   GAA_FLAG_INCLUDE_PREFIX | GAA_FLAG_INCLUDE_GATEWAYS };
    IP_ADAPTER_ADDRESSES small;
    unsigned int i;
    ULONG size, ret;

    for (i = 0; i < ARRAY_SIZE(flags); i++)
    {
        winetest_push_context("flags %#lx", flags[i]);
        ret = GetAdaptersAddresses(AF_UNSPEC, flags[i], NULL, NULL, NULL);
        ok(ret == ERROR_INVALID_PARAMETER, "NULL size: %lu\n", ret);
        size = 0;
        ret = GetAdaptersAddresses(7, flags[i], NULL, NULL, &size);
        ok(ret == ERROR_INVALID_PARAMETER, "family 7: %lu\n", ret);
        size = 0;
        ret = GetAdaptersAddresses(AF_UNSPEC, flags[i], NULL, NULL, &size);
        ok(ret == ERROR_BUFFER_OVERFLOW && size > sizeof(small), "NULL buffer: %lu, size %lu\n", ret, size);
        size = sizeof(small);
        ret = GetAdaptersAddresses(AF_UNSPEC, flags[i], NULL, &small, &size);
        ok(ret == ERROR_BUFFER_OVERFLOW && size > sizeof(small), "one entry's room: %lu, size %lu\n", ret, size);
        cases += 4;
        winetest_pop_context();
    }
}


static void test_cm_filters(void)
{
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);
    CM_NOTIFY_FILTER filter;
    unsigned int i;

    memset(&filter, 0, sizeof(filter));
    filter.cbSize = 0xffffffff;
    filter.Flags = CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES;
    check_filter(&filter, TRUE, "cbSize 0xffffffff");
    filter.cbSize = sizeof(filter) / 2;
    check_filter(&filter, TRUE, "cbSize half");

    memset(&filter, 0, sizeof(filter));
    filter.cbSize = sizeof(filter);
    filter.Flags = CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES;
    filter.Reserved = 0xffffffff;
    check_filter(&filter, FALSE, "interface filter, Reserved 0xffffffff");
    filter.Reserved = 0;
    filter.Flags = 0x80000000 | CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES;
    check_filter(&filter, FALSE, "interface filter, flag 0x80000000");

    memset(&filter, 0, sizeof(filter));
    filter.cbSize = sizeof(filter);
    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE;
    filter.Flags = CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES;
    filter.Reserved = 1;
    check_filter(&filter, FALSE, "instance filter, Reserved 1");
    filter.Reserved = 0;
    filter.Flags = 0x80000000 | CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES;
    check_filter(&filter, FALSE, "instance filter, flag 0x80000000");
    /* An instance ID that fills the field with no terminator. */
    filter.Flags = 0;
    for (i = 0; i < ARRAY_SIZE(filter.u.DeviceInstance.InstanceId); i++) filter.u.DeviceInstance.InstanceId[i] = 'A';
    check_filter(&filter, FALSE, "instance filter, unterminated ID");

    memset(&filter, 0, sizeof(filter));
    filter.cbSize = sizeof(filter);
    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE;
    filter.u.DeviceHandle.hTarget = INVALID_HANDLE_VALUE;
    check_filter(&filter, FALSE, "handle filter, INVALID_HANDLE_VALUE");
    filter.u.DeviceHandle.hTarget = (HANDLE)0xdeadbeec;
    check_filter(&filter, FALSE, "handle filter, a value that is no handle");
    filter.u.DeviceHandle.hTarget = event;
    check_filter(&filter, FALSE, "handle filter, an event");
    filter.u.DeviceHandle.hTarget = (HANDLE)0xdeadbeec;
    filter.Flags = CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES;
    check_filter(&filter, FALSE, "handle filter, an interface flag");
    filter.Flags = 0;
    filter.FilterType = (CM_NOTIFY_FILTER_TYPE)-1;
    check_filter(&filter, FALSE, "filter type -1");

    ok(cm_calls == 0, "%ld callbacks\n", cm_calls);
    CloseHandle(event);
}

/* Handles that are not live registrations of cfgmgr32's: an event, a pseudo-handle, a live iphlpapi
 * registration (which must live on), one unregistered by its thread after that thread exited.  Wine only. */
static void test_cm_unregister(void)
{
    CM_NOTIFY_FILTER filter;
    struct counter c = { 0 };
    HCMNOTIFICATION handle = NULL;
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL), mib_handle = NULL;
    CONFIGRET ret;

    if (!winetest_platform_is_wine) return;
    ret = pCM_Unregister_Notification((HCMNOTIFICATION)event);
    ok(ret == CR_INVALID_DATA, "an event: %#lx\n", ret);
    ret = pCM_Unregister_Notification((HCMNOTIFICATION)GetCurrentProcess());
    ok(ret == CR_INVALID_DATA, "the process pseudo-handle: %#lx\n", ret);
    cases += 2;
    if (!NotifyIpInterfaceChange(AF_UNSPEC, (PIPINTERFACE_CHANGE_CALLBACK)count_cb, &c, FALSE, &mib_handle))
    {
        ret = pCM_Unregister_Notification((HCMNOTIFICATION)mib_handle);
        ok(ret == CR_INVALID_DATA, "an iphlpapi registration: %#lx\n", ret);
        ok(CancelMibChangeNotify2(mib_handle) == NO_ERROR, "the iphlpapi registration did not live on\n");
        cases++;
    }
    memset(&filter, 0, sizeof(filter));
    filter.cbSize = sizeof(filter);
    filter.Flags = CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES;
    ok(pCM_Register_Notification(&filter, NULL, cm_cb, &handle) == CR_SUCCESS, "register\n");
    if (handle)
    {
        ok(pCM_Unregister_Notification(handle) == CR_SUCCESS, "unregister\n");
        ret = CancelMibChangeNotify2((HANDLE)handle);
        ok(ret == ERROR_INVALID_HANDLE, "CancelMibChangeNotify2 of an unregistered cfgmgr32 handle: %lu\n", ret);
        cases++;
    }
    CloseHandle(event);
}

/* The two DLLs' handles never share a number: a cfgmgr32 handle given to CancelMibChangeNotify2 (or the reverse)
 * is no registration of that DLL, even when an iphlpapi registration is live.  Registers and unregisters device
 * notifications until cfgmgr32's numbering has passed iphlpapi's live handle.  Wine only. */
static void test_cross_dll_handles(void)
{
    CM_NOTIFY_FILTER filter;
    struct counter c = { 0 };
    HANDLE mib_handle = NULL;
    HCMNOTIFICATION handle;
    unsigned int i, same = 0, wrong = 0;
    DWORD ret;

    if (!winetest_platform_is_wine) return;
    if (NotifyIpInterfaceChange(AF_UNSPEC, (PIPINTERFACE_CHANGE_CALLBACK)count_cb, &c, FALSE, &mib_handle))
        return;
    memset(&filter, 0, sizeof(filter));
    filter.cbSize = sizeof(filter);
    filter.Flags = CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES;
    for (i = 0; i < 256; i++)
    {
        handle = NULL;
        if (pCM_Register_Notification(&filter, NULL, cm_cb, &handle) != CR_SUCCESS) break;
        same += (HANDLE)handle == mib_handle;
        ret = CancelMibChangeNotify2((HANDLE)handle);
        wrong += ret != ERROR_INVALID_HANDLE;
        if (ret == NO_ERROR)
        {
            /* It cancelled the interface registration; the device one is still there. */
            pCM_Unregister_Notification(handle);
            break;
        }
        if (pCM_Unregister_Notification((HCMNOTIFICATION)mib_handle) != CR_INVALID_DATA) wrong++;
        if (pCM_Unregister_Notification(handle) != CR_SUCCESS) wrong++;
    }
    ok(i == 256, "stopped after %u registrations\n", i);
    ok(!same, "a cfgmgr32 handle had the number of a live iphlpapi one\n");
    ok(!wrong, "%u cancels of the other DLL's handle were not refused, or of its own not done\n", wrong);
    ok(CancelMibChangeNotify2(mib_handle) == NO_ERROR, "the iphlpapi registration did not live on\n");
    cases += 2;
}

/* The Sw* functions given NULLs swdevice.c does not try, and handles that are no software device.  Wine only. */
static void test_sw(void)
{
    static const GUID guid = { 0x53f56307, 0xb6bf, 0x11d0, { 0x94, 0xf2, 0x00, 0xa0, 0xc9, 0x1e, 0xfb, 0x8b } };
    SW_DEVICE_CREATE_INFO info;
    HSWDEVICE handle = (HSWDEVICE)0xdeadbeef;
    LONG calls = 0;
    PWSTR link = (PWSTR)0xdeadbeef;
    HRESULT hr;

    if (!winetest_platform_is_wine || !pSwDeviceCreate) return;
    memset(&info, 0, sizeof(info));
    info.cbSize = sizeof(info);
    info.pszInstanceId = L"wnbad0";
    hr = pSwDeviceCreate(L"WNBAD", NULL, &info, 0, NULL, sw_cb, &calls, &handle);
    ok(hr == E_INVALIDARG, "no parent: %#lx\n", hr);
    hr = pSwDeviceCreate(L"WNBAD", L"HTREE\\ROOT\\0", &info, 0, NULL, sw_cb, &calls, NULL);
    ok(hr == E_INVALIDARG, "no handle pointer: %#lx\n", hr);
    hr = pSwDeviceCreate(L"WNBAD", L"HTREE\\ROOT\\0", &info, 3, NULL, sw_cb, &calls, &handle);
    ok(hr == E_INVALIDARG, "3 properties at NULL: %#lx\n", hr);
    hr = pSwDeviceCreate(L"", L"HTREE\\ROOT\\0", &info, 0, NULL, sw_cb, &calls, &handle);
    ok(hr == E_INVALIDARG, "empty enumerator: %#lx\n", hr);
    hr = pSwDeviceCreate(L"WN\\BAD", L"HTREE\\ROOT\\0", &info, 0, NULL, sw_cb, &calls, &handle);
    ok(hr == E_INVALIDARG, "enumerator with a backslash: %#lx\n", hr);
    info.cbSize = sizeof(info) + 1;
    hr = pSwDeviceCreate(L"WNBAD", L"HTREE\\ROOT\\0", &info, 0, NULL, sw_cb, &calls, &handle);
    ok(hr == E_INVALIDARG, "cbSize + 1: %#lx\n", hr);
    info.cbSize = sizeof(info);
    info.CapabilityFlags = 0x80000000;
    hr = pSwDeviceCreate(L"WNBAD", L"HTREE\\ROOT\\0", &info, 0, NULL, sw_cb, &calls, &handle);
    ok(hr == E_INVALIDARG, "unknown capability: %#lx\n", hr);
    info.CapabilityFlags = 0;
    info.pszInstanceId = L"";
    hr = pSwDeviceCreate(L"WNBAD", L"HTREE\\ROOT\\0", &info, 0, NULL, sw_cb, &calls, &handle);
    ok(hr == E_INVALIDARG, "empty instance ID: %#lx\n", hr);
    cases += 8;

    /* Handles that are no software device: refused, and closing or freeing them is harmless. */
    hr = pSwDeviceInterfaceRegister(NULL, &guid, NULL, 0, NULL, TRUE, &link);
    ok(hr == E_INVALIDARG, "register on NULL: %#lx\n", hr);
    hr = pSwDeviceInterfaceRegister((HSWDEVICE)0xdeadbeef, &guid, NULL, 0, NULL, TRUE, &link);
    ok(hr == E_INVALIDARG, "register on garbage: %#lx\n", hr);
    hr = pSwDeviceInterfaceSetState(NULL, L"\\\\?\\SWD#WNBAD#X#{guid}", FALSE);
    ok(hr == E_INVALIDARG, "set state on NULL: %#lx\n", hr);
    hr = pSwDeviceInterfaceSetState((HSWDEVICE)0xdeadbeef, NULL, TRUE);
    ok(hr == E_INVALIDARG, "set state on garbage: %#lx\n", hr);
    pSwDeviceClose(NULL);
    pSwDeviceClose((HSWDEVICE)0xdeadbeef);
    pSwMemFree(NULL);
    cases += 7;
    ok(calls == 0, "%ld creation callbacks\n", calls);
}

struct sw_created
{
    HANDLE event;
    HRESULT hr;
    LONG calls;
};

static void WINAPI sw_created_cb(HSWDEVICE handle, HRESULT result, void *context, PCWSTR id)
{
    struct sw_created *c = context;

    (void)handle; (void)id;
    c->hr = result;
    InterlockedIncrement(&c->calls);
    SetEvent(c->event);
}

/* A real software device given bad interface arguments, then used after it was closed.  Wine only (a closed
 * device's handle is freed memory on Windows). */
static void test_sw_device(void)
{
    static const GUID guid = { 0x53f56307, 0xb6bf, 0x11d0, { 0x94, 0xf2, 0x00, 0xa0, 0xc9, 0x1e, 0xfb, 0x8b } };
    struct sw_created c = { 0 };
    SW_DEVICE_CREATE_INFO info;
    HSWDEVICE dev = NULL;
    PWSTR link = NULL;
    HRESULT hr;

    if (!winetest_platform_is_wine || !pSwDeviceCreate) return;
    c.event = CreateEventW(NULL, FALSE, FALSE, NULL);
    memset(&info, 0, sizeof(info));
    info.cbSize = sizeof(info);
    info.pszInstanceId = L"wnbad1";
    hr = pSwDeviceCreate(L"WNBADINPUT", L"HTREE\\ROOT\\0", &info, 0, NULL, sw_created_cb, &c, &dev);
    if (hr != S_OK)
    {
        skip("no software device here: %#lx\n", hr);
        CloseHandle(c.event);
        return;
    }
    ok(WaitForSingleObject(c.event, WAIT_MS) == WAIT_OBJECT_0 && c.hr == S_OK, "creation: %#lx\n", c.hr);

    hr = pSwDeviceInterfaceRegister(dev, &guid, L"a\\b", 0, NULL, TRUE, &link);
    ok(hr == E_INVALIDARG, "a refstring with a backslash: %#lx\n", hr);
    hr = pSwDeviceInterfaceRegister(dev, &guid, NULL, 2, NULL, TRUE, &link);
    ok(hr == E_INVALIDARG, "2 properties at NULL: %#lx\n", hr);
    hr = pSwDeviceInterfaceSetState(dev, NULL, TRUE);
    ok(hr == E_INVALIDARG, "set state without a link: %#lx\n", hr);
    hr = pSwDeviceInterfaceSetState(dev, L"\\\\?\\SWD#WNBADINPUT#wnbad1#{00000000-0000-0000-0000-000000000000}", TRUE);
    ok(hr == HRESULT_FROM_WIN32(ERROR_NOT_FOUND), "set state of an interface never registered: %#lx\n", hr);
    cases += 4;

    pSwDeviceClose(dev);
    hr = pSwDeviceInterfaceRegister(dev, &guid, NULL, 0, NULL, TRUE, &link);
    ok(hr == E_INVALIDARG, "register after close: %#lx\n", hr);
    hr = pSwDeviceInterfaceSetState(dev, L"\\\\?\\SWD#WNBADINPUT#wnbad1#{x}", FALSE);
    ok(hr == E_INVALIDARG, "set state after close: %#lx\n", hr);
    pSwDeviceClose(dev);
    cases += 3;
    ok(c.calls == 1, "%ld creation callbacks\n", c.calls);
    CloseHandle(c.event);
}

static void load_cfgmgr32(void)
{
    HMODULE cfgmgr32 = LoadLibraryA("cfgmgr32.dll");

    if (!cfgmgr32) return;
    pCM_Register_Notification = (void *)GetProcAddress(cfgmgr32, "CM_Register_Notification");
    pCM_Unregister_Notification = (void *)GetProcAddress(cfgmgr32, "CM_Unregister_Notification");
    pSwDeviceCreate = (void *)GetProcAddress(cfgmgr32, "SwDeviceCreate");
    pSwDeviceInterfaceRegister = (void *)GetProcAddress(cfgmgr32, "SwDeviceInterfaceRegister");
    pSwDeviceInterfaceSetState = (void *)GetProcAddress(cfgmgr32, "SwDeviceInterfaceSetState");
    pSwDeviceClose = (void *)GetProcAddress(cfgmgr32, "SwDeviceClose");
    pSwMemFree = (void *)GetProcAddress(cfgmgr32, "SwMemFree");
}

/* The loopback interface: every system has one, and no row here is valid enough to change it. */
static BOOL loopback(NET_LUID *luid)
{
    MIB_IF_TABLE2 *table;
    BOOL found = FALSE;
    ULONG i;

    if (GetIfTable2(&table)) return FALSE;
    for (i = 0; i < table->NumEntries && !found; i++)
        if (table->Table[i].Type == IF_TYPE_SOFTWARE_LOOPBACK)
        {
            *luid = table->Table[i].InterfaceLuid;
            found = TRUE;
        }
    FreeMibTable(table);
    return found;
}

START_TEST(badinput)
{
    const char *alias = getenv("WINENOTIFY_TEST_IF");
    NET_IFINDEX index = 0;
    NET_LUID luid;
    WCHAR walias[256];

    if (netchange_start()) return;
    /* The runner's veth end, for the one case that makes a real change. */
    if (alias && MultiByteToWideChar(CP_UTF8, 0, alias, -1, walias, ARRAY_SIZE(walias))
        && !ConvertInterfaceAliasToLuid(walias, &luid))
        ConvertInterfaceLuidToIndex(&luid, &index);

    test_mib_null();
    test_cancel_garbage();
    test_cancel_twice();
    test_cancel_after_thread_exit();
    test_cancel_inside_initial();
    test_cancel_inside_change(index);
    test_connectivity_hint();
    test_stable();
    test_ipchange_mismatch();
    test_ipchange_after_thread_exit();
    test_adapters_addresses();
    if (loopback(&luid))
    {
        test_unicast_rows(luid);
        test_forward_rows(luid);
        test_get_rows(luid);
        test_route_neighbour_rows(luid);
        test_set_rows(luid);
    }
    else ok(0, "no loopback interface\n");
    load_cfgmgr32();
    if (pCM_Register_Notification && pCM_Unregister_Notification)
    {
        test_cm_filters();
        test_cm_unregister();
        test_cross_dll_handles();
    }
    else win_skip("no CM_Register_Notification (before Windows 8)\n");
    test_sw();
    test_sw_device();
    trace("%u bad inputs tried\n", cases);
}
