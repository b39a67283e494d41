/* Conformance test of NotifyAddrChange, NotifyRouteChange and CancelIPChangeNotify (SPEC.md §5).
 *
 * The same program runs on Windows and under Wine.  Real changes are made the way a Windows program makes them,
 * with CreateUnicastIpAddressEntry, DeleteUnicastIpAddressEntry, CreateIpForwardEntry2 and
 * DeleteIpForwardEntry2, on the interface whose alias is in WINENOTIFY_TEST_IF (tools/wine-test-run makes a
 * veth pair, both ends up, in a private network namespace), each by a child process ("ipchange.exe ipchange
 * write ...") whose exit code is the function's result: a Wine without these functions aborts the process that
 * calls one, and the test must go on to skip, as it does where the system refuses (ERROR_ACCESS_DENIED without
 * admin rights on Windows, ERROR_NOT_SUPPORTED).
 *
 * "A change does not complete a request" needs to know that the change has been seen.  The MIB notifications
 * (NotifyUnicastIpAddressChange, NotifyRouteChange2) tell: the test waits for their callback about the change
 * and then looks at the request.  Under Wine both hear of a change from one ordered stream, and the IP change
 * requests listen to it before the MIB registrations made after them, so the request has had its chance by
 * then.  Route tests come before any IPv4 address change, since adding or removing an address also adds or
 * removes its subnet's route. */
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

#define WAIT_MS 10000

/* ntstatus.h, which does not mix with windows.h. */
#define TEST_STATUS_SUCCESS   0x00000000u
#define TEST_STATUS_CANCELLED 0xc0000120u

enum kind { KIND_ADDR, KIND_ROUTE };

/* Per function: what it is, and the changes the test makes for it. */
static const struct
{
    const char *name;
    DWORD (WINAPI *fn)(HANDLE *handle, OVERLAPPED *overlapped);
    const char *what;        /* for the child: addr or route */
    const char *v4;          /* an IPv4 address, or a route's destination */
    int v4_len;
    const char *v4b;         /* another one */
    const char *v6;
    int v6_len;
}
functions[] =
{
    [KIND_ADDR] = { "NotifyAddrChange", NotifyAddrChange, "addr", "10.77.0.1", 24, "10.77.0.2", "fd77::1", 64 },
    [KIND_ROUTE] = { "NotifyRouteChange", NotifyRouteChange, "route", "10.78.0.0", 16, "10.79.0.0", "fd78::", 48 },
};

/* The interface the changes are made on, and whether the system refused the first one. */
static NET_IFINDEX test_index;
static BOOL writes_refused;

/* ---- what the MIB notifications saw: proof that a change has been seen -------------------------------------- */

struct seen
{
    enum kind kind;
    MIB_NOTIFICATION_TYPE type;
    SOCKADDR_INET address;   /* Address, or DestinationPrefix.Prefix */
    UINT8 prefix_len;        /* routes */
    NET_IFINDEX index;
};

static struct
{
    CRITICAL_SECTION cs;
    HANDLE signal;           /* auto-reset: set after every callback */
    struct seen records[256];
    unsigned int count;
    unsigned int cursor;     /* records before it were waited for already */
    HANDLE addr_handle, route_handle;
} watch;

static void watch_record(const struct seen *s)
{
    EnterCriticalSection(&watch.cs);
    if (watch.count < ARRAY_SIZE(watch.records)) watch.records[watch.count++] = *s;
    LeaveCriticalSection(&watch.cs);
    SetEvent(watch.signal);
}

static void WINAPI watch_address(void *context, MIB_UNICASTIPADDRESS_ROW *row, MIB_NOTIFICATION_TYPE type)
{
    struct seen s = { .kind = KIND_ADDR, .type = type };

    (void)context;
    if (!row) return;
    s.address = row->Address;
    s.index = row->InterfaceIndex;
    watch_record(&s);
}

static void WINAPI watch_route(void *context, MIB_IPFORWARD_ROW2 *row, MIB_NOTIFICATION_TYPE type)
{
    struct seen s = { .kind = KIND_ROUTE, .type = type };

    (void)context;
    if (!row) return;
    s.address = row->DestinationPrefix.Prefix;
    s.prefix_len = row->DestinationPrefix.PrefixLength;
    s.index = row->InterfaceIndex;
    watch_record(&s);
}

/* After the first IP change request of the process (see the top of the file). */
static BOOL watch_start(void)
{
    DWORD ret;

    InitializeCriticalSection(&watch.cs);
    watch.signal = CreateEventW(NULL, FALSE, FALSE, NULL);
    ret = NotifyUnicastIpAddressChange(AF_UNSPEC, watch_address, NULL, FALSE, &watch.addr_handle);
    ok(ret == NO_ERROR, "NotifyUnicastIpAddressChange: %lu\n", ret);
    if (ret) return FALSE;
    ret = NotifyRouteChange2(AF_UNSPEC, watch_route, NULL, FALSE, &watch.route_handle);
    ok(ret == NO_ERROR, "NotifyRouteChange2: %lu\n", ret);
    return !ret;
}

static void watch_stop(void)
{
    if (watch.addr_handle) CancelMibChangeNotify2(watch.addr_handle);
    if (watch.route_handle) CancelMibChangeNotify2(watch.route_handle);
    CloseHandle(watch.signal);
    DeleteCriticalSection(&watch.cs);
}

/* Waits (bounded) for the MIB notification of a change the test made. */
static BOOL watch_wait(enum kind kind, MIB_NOTIFICATION_TYPE type, int family, const char *text, int prefix_len)
{
    ULONGLONG deadline = GetTickCount64() + WAIT_MS;
    SOCKADDR_INET address;

    make_address(&address, family == 6 ? AF_INET6 : AF_INET, text);
    for (;;)
    {
        ULONGLONG now;
        unsigned int i;

        EnterCriticalSection(&watch.cs);
        for (i = watch.cursor; i < watch.count; i++)
        {
            const struct seen *s = &watch.records[i];

            if (s->kind != kind || s->type != type || s->index != test_index || !same_address(&s->address, &address))
                continue;
            if (kind == KIND_ROUTE && s->prefix_len != prefix_len) continue;
            watch.cursor = i + 1;
            LeaveCriticalSection(&watch.cs);
            return TRUE;
        }
        LeaveCriticalSection(&watch.cs);
        if ((now = GetTickCount64()) >= deadline) return FALSE;
        WaitForSingleObject(watch.signal, (DWORD)(deadline - now));
    }
}

/* Makes a change and waits until it has been seen; FALSE (after a skip) where changes cannot be made. */
static BOOL change(enum kind kind, const char *op, int family, const char *address, int prefix_len)
{
    const char *what = functions[kind].what;
    DWORD err = run_write(what, op, family, address, prefix_len, test_index);

    if (err == ERROR_ACCESS_DENIED || err == ERROR_NOT_SUPPORTED)
    {
        if (!writes_refused) skip("cannot change the network here (%s %s: error %lu)\n", what, op, err);
        writes_refused = TRUE;
        return FALSE;
    }
    ok(!err, "%s %s %s/%d: error %lu\n", what, op, address, prefix_len, err);
    if (err) return FALSE;
    ok(watch_wait(kind, strcmp(op, "add") ? MibDeleteInstance : MibAddInstance, family, address, prefix_len),
       "no MIB notification for %s %s %s/%d\n", what, op, address, prefix_len);
    return TRUE;
}

/* ---- requests --------------------------------------------------------------------------------------------- */

static void check_pending(HANDLE handle, OVERLAPPED *ovl, const char *when)
{
    DWORD bytes = 0xdeadbeef;
    BOOL ret;

    SetLastError(0xdeadbeef);
    ret = GetOverlappedResult(handle, ovl, &bytes, FALSE);
    ok(!ret && GetLastError() == ERROR_IO_INCOMPLETE, "%s: got %d, error %lu\n", when, ret, GetLastError());
    if (ovl->hEvent) ok(WaitForSingleObject(ovl->hEvent, 0) == WAIT_TIMEOUT, "%s: the event is set\n", when);
}

/* Arms a request: ERROR_IO_PENDING, also from GetLastError, and a handle. */
static BOOL arm(enum kind kind, HANDLE *handle, OVERLAPPED *ovl)
{
    DWORD ret;

    *handle = NULL;
    SetLastError(0xdeadbeef);
    ret = functions[kind].fn(handle, ovl);
    ok(ret == ERROR_IO_PENDING, "got %lu\n", ret);
    ok(GetLastError() == ERROR_IO_PENDING, "last error %lu\n", GetLastError());
    ok(*handle != NULL && *handle != INVALID_HANDLE_VALUE, "handle %p\n", *handle);
    return ret == ERROR_IO_PENDING;
}

static void test_cancel_unknown(void)
{
    OVERLAPPED ovl;

    ok(!CancelIPChangeNotify(NULL), "NULL was cancelled\n");
    memset(&ovl, 0, sizeof(ovl));
    ok(!CancelIPChangeNotify(&ovl), "an OVERLAPPED never used was cancelled\n");
}

static void test_pending_and_cancel(enum kind kind)
{
    HANDLE handle, handle2, event = CreateEventW(NULL, TRUE, FALSE, NULL);
    OVERLAPPED ovl;
    DWORD bytes, ret;
    BOOL res;

    winetest_push_context("%s", functions[kind].name);
    memset(&ovl, 0, sizeof(ovl));
    ovl.hEvent = event;
    if (arm(kind, &handle, &ovl))
    {
        check_pending(handle, &ovl, "before a change");

        /* The same request again. */
        handle2 = NULL;
        ret = functions[kind].fn(&handle2, &ovl);
        ok(ret == ERROR_INVALID_PARAMETER, "duplicate: got %lu\n", ret);
        check_pending(handle, &ovl, "after the duplicate");

        ok(CancelIPChangeNotify(&ovl), "cancel failed\n");
        ok(ovl.Internal == TEST_STATUS_CANCELLED, "Internal %#llx\n", (unsigned long long)ovl.Internal);
        ok(WaitForSingleObject(ovl.hEvent, 0) == WAIT_OBJECT_0, "the event is not set\n");
        SetLastError(0xdeadbeef);
        res = GetOverlappedResult(handle, &ovl, &bytes, FALSE);
        ok(!res && GetLastError() == ERROR_OPERATION_ABORTED, "after cancel: got %d, error %lu\n", res,
           GetLastError());
        ok(!CancelIPChangeNotify(&ovl), "cancelled twice\n");
    }

    /* Without an event: the wait is on the handle; a cancelled request still fails that way. */
    memset(&ovl, 0, sizeof(ovl));
    if (arm(kind, &handle, &ovl))
    {
        check_pending(handle, &ovl, "no event, before a change");
        res = CancelIPChangeNotify(&ovl);
        ok(res, "cancel failed\n");
        /* Not waiting on a request that is still pending. */
        if (res || ovl.Internal != STATUS_PENDING)
        {
            SetLastError(0xdeadbeef);
            res = GetOverlappedResult(handle, &ovl, &bytes, TRUE);
            ok(!res && GetLastError() == ERROR_OPERATION_ABORTED, "no event, after cancel: got %d, error %lu\n",
               res, GetLastError());
        }
    }
    CloseHandle(event);
    winetest_pop_context();
}

/* IPv6 changes complete nothing; an IPv4 change completes the request once, and the next needs a new one. */
static void test_changes(enum kind kind)
{
    const char *v4 = functions[kind].v4, *v6 = functions[kind].v6;
    int v4_len = functions[kind].v4_len, v6_len = functions[kind].v6_len;
    OVERLAPPED ovl;
    HANDLE handle, event;
    DWORD bytes;
    BOOL res;

    winetest_push_context("%s", functions[kind].name);
    event = CreateEventW(NULL, FALSE, FALSE, NULL);
    memset(&ovl, 0, sizeof(ovl));
    ovl.hEvent = event;
    if (!arm(kind, &handle, &ovl)) goto done;

    if (!change(kind, "add", 6, v6, v6_len))
    {
        CancelIPChangeNotify(&ovl);
        goto done;
    }
    check_pending(handle, &ovl, "after an IPv6 add");
    change(kind, "del", 6, v6, v6_len);
    check_pending(handle, &ovl, "after an IPv6 delete");

    if (!change(kind, "add", 4, v4, v4_len))
    {
        CancelIPChangeNotify(&ovl);
        goto done;
    }
    ok(WaitForSingleObject(event, WAIT_MS) == WAIT_OBJECT_0, "no completion after an IPv4 add\n");
    SetLastError(0xdeadbeef);
    bytes = 0xdeadbeef;
    res = GetOverlappedResult(handle, &ovl, &bytes, FALSE);
    ok(res, "after an IPv4 add: error %lu\n", GetLastError());
    ok(ovl.Internal == TEST_STATUS_SUCCESS, "Internal %#llx\n", (unsigned long long)ovl.Internal);
    ok(!CancelIPChangeNotify(&ovl), "a completed request was cancelled\n");

    /* No second completion without a new request. */
    change(kind, "del", 4, v4, v4_len);
    ok(WaitForSingleObject(event, 0) == WAIT_TIMEOUT, "completed again without a new request\n");
    ok(ovl.Internal == TEST_STATUS_SUCCESS, "Internal %#llx\n", (unsigned long long)ovl.Internal);

    /* The same OVERLAPPED, armed again, completes again. */
    if (arm(kind, &handle, &ovl))
    {
        check_pending(handle, &ovl, "armed again");
        change(kind, "add", 4, v4, v4_len);
        ok(WaitForSingleObject(event, WAIT_MS) == WAIT_OBJECT_0, "no completion of the new request\n");
        res = GetOverlappedResult(handle, &ovl, &bytes, FALSE);
        ok(res, "the new request: error %lu\n", GetLastError());
        change(kind, "del", 4, v4, v4_len);
    }
done:
    CloseHandle(event);
    winetest_pop_context();
}

/* Without an event, GetOverlappedResult waits on the handle, which the completion signals. */
static void test_handle_wait(enum kind kind)
{
    OVERLAPPED ovl;
    HANDLE handle;
    DWORD bytes;
    BOOL res;

    winetest_push_context("%s", functions[kind].name);
    memset(&ovl, 0, sizeof(ovl));
    if (arm(kind, &handle, &ovl))
    {
        /* Earlier completions signalled it; a new request starts unsignalled, as a file's event does. */
        ok(WaitForSingleObject(handle, 0) == WAIT_TIMEOUT, "the handle is signalled before a change\n");
        if (!change(kind, "add", 4, functions[kind].v4b, functions[kind].v4_len))
        {
            CancelIPChangeNotify(&ovl);
            winetest_pop_context();
            return;
        }
        ok(WaitForSingleObject(handle, WAIT_MS) == WAIT_OBJECT_0, "the handle was not signalled\n");
        SetLastError(0xdeadbeef);
        res = GetOverlappedResult(handle, &ovl, &bytes, TRUE);
        ok(res, "error %lu\n", GetLastError());
        ok(ovl.Internal == TEST_STATUS_SUCCESS, "Internal %#llx\n", (unsigned long long)ovl.Internal);
        change(kind, "del", 4, functions[kind].v4b, functions[kind].v4_len);
    }
    winetest_pop_context();
}

struct sync_call
{
    enum kind kind;
    DWORD ret;
};

static DWORD WINAPI sync_thread(void *arg)
{
    struct sync_call *call = arg;

    call->ret = functions[call->kind].fn(NULL, NULL);
    return 0;
}

/* (NULL, NULL) blocks until the next IPv4 change.  The thread cannot say when it has started to wait, so
 * changes are made until it returns (the first one does it, unless the thread was slow to start). */
static void test_sync(enum kind kind)
{
    struct sync_call call = { .kind = kind, .ret = 0xdeadbeef };
    const char *address = functions[kind].v4b;
    int len = functions[kind].v4_len;
    BOOL present = FALSE, returned = FALSE;
    HANDLE thread;
    unsigned int i;

    if (writes_refused) return;
    winetest_push_context("%s synchronous", functions[kind].name);
    thread = CreateThread(NULL, 0, sync_thread, &call, 0, NULL);
    ok(WaitForSingleObject(thread, 200) == WAIT_TIMEOUT, "returned without a change: %lu\n", call.ret);
    for (i = 0; i < 5 && !returned; i++)
    {
        if (!change(kind, present ? "del" : "add", 4, address, len)) break;
        present = !present;
        returned = WaitForSingleObject(thread, 2000) == WAIT_OBJECT_0;
    }
    if (!writes_refused)
    {
        ok(returned, "still waiting after %u changes\n", i);
        if (returned) ok(call.ret == NO_ERROR, "got %lu\n", call.ret);
    }
    if (present) change(kind, "del", 4, address, len);
    /* A thread still blocked in the call ends with the process. */
    CloseHandle(thread);
    winetest_pop_context();
}

/* ---- the test --------------------------------------------------------------------------------------------- */

START_TEST(ipchange)
{
    if (netchange_start()) return;

    test_cancel_unknown();
    test_pending_and_cancel(KIND_ADDR);
    test_pending_and_cancel(KIND_ROUTE);
    if (!netchange_test_interface(&test_index) || !watch_start()) return;

    /* Routes first: an IPv4 address change changes a route too. */
    test_changes(KIND_ROUTE);
    test_handle_wait(KIND_ROUTE);
    test_sync(KIND_ROUTE);
    test_changes(KIND_ADDR);
    test_handle_wait(KIND_ADDR);
    test_sync(KIND_ADDR);
    watch_stop();
}
