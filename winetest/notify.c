/* Conformance test of the iphlpapi MIB notifications: NotifyIpInterfaceChange, NotifyUnicastIpAddressChange,
 * NotifyRouteChange2, NotifyStableUnicastIpAddressTable and CancelMibChangeNotify2 (SPEC.md §2-§4).
 *
 * The same program runs on Windows and under Wine.  Real changes are made the way a Windows program makes them,
 * with CreateUnicastIpAddressEntry, DeleteUnicastIpAddressEntry, CreateIpForwardEntry2 and
 * DeleteIpForwardEntry2, on the interface whose alias is in WINENOTIFY_TEST_IF (tools/wine-test-run makes a
 * veth pair, both ends up, in a private network namespace).  Each change is made by a child process ("notify.exe
 * notify write ...") whose exit code is the function's result: a Wine without these functions aborts the
 * process that calls an unimplemented one, and the test must go on to skip, as it does where the system refuses
 * (ERROR_ACCESS_DENIED without admin rights on Windows, ERROR_NOT_SUPPORTED). */
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
#include "netchange.h"

#define WAIT_MS 10000

typedef DWORD (WINAPI *notify_fn)(ADDRESS_FAMILY family, void *callback, void *context, BOOLEAN initial,
                                  HANDLE *handle);
typedef DWORD (WINAPI *notify_stable_fn)(ADDRESS_FAMILY family, MIB_UNICASTIPADDRESS_TABLE **table,
                                         PSTABLE_UNICAST_IPADDRESS_TABLE_CALLBACK callback, void *context,
                                         HANDLE *handle);

static notify_stable_fn pNotifyStableUnicastIpAddressTable;

enum kind { KIND_INTERFACE, KIND_ADDRESS, KIND_ROUTE };

/* ---- what a registration's callback saw ------------------------------------------------------------------- */

union row
{
    MIB_IPINTERFACE_ROW iface;
    MIB_UNICASTIPADDRESS_ROW addr;
    MIB_IPFORWARD_ROW2 route;
};

struct record
{
    MIB_NOTIFICATION_TYPE type;
    const union row *ptr;     /* the row as given, kept to read again later */
    union row copy;           /* its contents during the callback */
};

struct recorder
{
    enum kind kind;
    CRITICAL_SECTION cs;
    HANDLE signal;            /* auto-reset: set after every callback */
    struct record records[64];
    unsigned int count;
    LONG inside;              /* callbacks running now */
    BOOL overlap;             /* two ran at once */
    DWORD sleep_ms;           /* each change callback sleeps this long */
    HANDLE hold;              /* manual-reset, set unless held: change callbacks wait (3 s at most) for it */
    HANDLE entered;           /* manual-reset: a change callback has started */
    LONG finished;            /* change callbacks that have returned */
    BOOL cancel_inside;       /* the first change callback cancels its own registration */
    HANDLE handle;
    DWORD cancel_ret;
    HANDLE cancel_done;       /* manual-reset: that cancel returned */
};

static void recorder_init(struct recorder *rec, enum kind kind)
{
    memset(rec, 0, sizeof(*rec));
    rec->kind = kind;
    InitializeCriticalSection(&rec->cs);
    rec->signal = CreateEventW(NULL, FALSE, FALSE, NULL);
    rec->entered = CreateEventW(NULL, TRUE, FALSE, NULL);
    rec->cancel_done = CreateEventW(NULL, TRUE, FALSE, NULL);
    rec->hold = CreateEventW(NULL, TRUE, TRUE, NULL);
}

static void recorder_free(struct recorder *rec)
{
    CloseHandle(rec->signal);
    CloseHandle(rec->entered);
    CloseHandle(rec->cancel_done);
    CloseHandle(rec->hold);
    DeleteCriticalSection(&rec->cs);
}

static unsigned int recorder_count(struct recorder *rec)
{
    unsigned int count;

    EnterCriticalSection(&rec->cs);
    count = rec->count;
    LeaveCriticalSection(&rec->cs);
    return count;
}

static void record(struct recorder *rec, const void *row, size_t size, MIB_NOTIFICATION_TYPE type)
{
    struct record *r = NULL;

    if (InterlockedIncrement(&rec->inside) > 1) rec->overlap = TRUE;
    EnterCriticalSection(&rec->cs);
    if (rec->count < ARRAY_SIZE(rec->records))
    {
        r = &rec->records[rec->count++];
        r->type = type;
        r->ptr = row;
        if (row) memcpy(&r->copy, row, size);
    }
    LeaveCriticalSection(&rec->cs);
    if (type != MibInitialNotification)
    {
        SetEvent(rec->entered);
        WaitForSingleObject(rec->hold, 3000);
        if (rec->sleep_ms) Sleep(rec->sleep_ms);
        if (rec->cancel_inside)
        {
            rec->cancel_inside = FALSE;
            rec->cancel_ret = CancelMibChangeNotify2(rec->handle);
            SetEvent(rec->cancel_done);
        }
        InterlockedIncrement(&rec->finished);
    }
    InterlockedDecrement(&rec->inside);
    SetEvent(rec->signal);
}

static void WINAPI interface_callback(void *context, MIB_IPINTERFACE_ROW *row, MIB_NOTIFICATION_TYPE type)
{
    record(context, row, sizeof(*row), type);
}

static void WINAPI address_callback(void *context, MIB_UNICASTIPADDRESS_ROW *row, MIB_NOTIFICATION_TYPE type)
{
    record(context, row, sizeof(*row), type);
}

static void WINAPI route_callback(void *context, MIB_IPFORWARD_ROW2 *row, MIB_NOTIFICATION_TYPE type)
{
    record(context, row, sizeof(*row), type);
}

static const struct
{
    const char *name;
    notify_fn fn;
    void *callback;
}
functions[] =
{
    [KIND_INTERFACE] = { "NotifyIpInterfaceChange", (notify_fn)NotifyIpInterfaceChange, (void *)interface_callback },
    [KIND_ADDRESS] = { "NotifyUnicastIpAddressChange", (notify_fn)NotifyUnicastIpAddressChange,
                       (void *)address_callback },
    [KIND_ROUTE] = { "NotifyRouteChange2", (notify_fn)NotifyRouteChange2, (void *)route_callback },
};

static DWORD notify(struct recorder *rec, ADDRESS_FAMILY family, BOOLEAN initial, HANDLE *handle)
{
    return functions[rec->kind].fn(family, functions[rec->kind].callback, rec, initial, handle);
}

/* ---- rows ------------------------------------------------------------------------------------------------- */

static ADDRESS_FAMILY row_family(const struct recorder *rec, const union row *row)
{
    switch (rec->kind)
    {
    case KIND_INTERFACE: return row->iface.Family;
    case KIND_ADDRESS: return row->addr.Address.si_family;
    case KIND_ROUTE: return row->route.DestinationPrefix.Prefix.si_family;
    }
    return AF_UNSPEC;
}

/* What a wait looks for. */
struct match
{
    MIB_NOTIFICATION_TYPE type;
    SOCKADDR_INET address;    /* Address, or DestinationPrefix.Prefix; for interfaces only its family */
    UINT8 prefix_len;         /* routes */
    NET_IFINDEX index;
};

static BOOL matches(const struct recorder *rec, const struct record *r, const struct match *m)
{
    if (r->type != m->type || !r->ptr) return FALSE;
    if (rec->kind == KIND_ADDRESS)
        return same_address(&r->copy.addr.Address, &m->address) && r->copy.addr.InterfaceIndex == m->index;
    if (rec->kind == KIND_ROUTE)
        return same_address(&r->copy.route.DestinationPrefix.Prefix, &m->address) &&
               r->copy.route.DestinationPrefix.PrefixLength == m->prefix_len &&
               r->copy.route.InterfaceIndex == m->index;
    return r->copy.iface.InterfaceIndex == m->index && r->copy.iface.Family == m->address.si_family;
}

/* Waits (bounded) for a record like m from record number from on; returns its index, or -1. */
static int wait_from(struct recorder *rec, const struct match *m, unsigned int from)
{
    ULONGLONG deadline = GetTickCount64() + WAIT_MS;
    unsigned int i = from;

    for (;;)
    {
        ULONGLONG now;

        EnterCriticalSection(&rec->cs);
        for (; i < rec->count; i++)
        {
            if (!matches(rec, &rec->records[i], m)) continue;
            LeaveCriticalSection(&rec->cs);
            return i;
        }
        LeaveCriticalSection(&rec->cs);
        if ((now = GetTickCount64()) >= deadline) return -1;
        WaitForSingleObject(rec->signal, (DWORD)(deadline - now));
    }
}

static int wait_for(struct recorder *rec, const struct match *m)
{
    return wait_from(rec, m, 0);
}

/* ---- changes, made by a child process --------------------------------------------------------------------- */

/* Whether changes can be made here; the first refusal is reported once. */
static BOOL writes_refused;

/* A change that must work where changes can be made at all: FALSE (after a skip) where they cannot. */
static BOOL write_ok(const char *what, const char *op, int family, const char *address, int prefix_len,
                     NET_IFINDEX index)
{
    DWORD err = run_write(what, op, family, address, prefix_len, index);

    if (err == ERROR_ACCESS_DENIED || err == ERROR_NOT_SUPPORTED)
    {
        if (!writes_refused)
            skip("cannot change the network here (%s %s: error %lu): no real events\n", what, op, err);
        writes_refused = TRUE;
        return FALSE;
    }
    ok(!err, "%s %s %s/%d: error %lu\n", what, op, address, prefix_len, err);
    return !err;
}

/* ---- registration ----------------------------------------------------------------------------------------- */

static void test_parameters(void)
{
    static const ADDRESS_FAMILY good[] = { AF_UNSPEC, AF_INET, AF_INET6 };
    static const ADDRESS_FAMILY bad[] = { 1 /* AF_UNIX */, 7, AF_IPX, AF_APPLETALK, 0xffff };
    struct recorder rec;
    unsigned int k, i;
    HANDLE handle;
    DWORD ret;

    for (k = 0; k < ARRAY_SIZE(functions); k++)
    {
        winetest_push_context("%s", functions[k].name);
        recorder_init(&rec, k);
        for (i = 0; i < ARRAY_SIZE(bad); i++)
        {
            handle = (HANDLE)0xdeadbeef;
            ret = notify(&rec, bad[i], FALSE, &handle);
            ok(ret == ERROR_INVALID_PARAMETER, "family %u: got %lu\n", bad[i], ret);
            ok(handle == NULL, "family %u: handle %p\n", bad[i], handle);
        }
        for (i = 0; i < ARRAY_SIZE(good); i++)
        {
            handle = NULL;
            ret = notify(&rec, good[i], FALSE, &handle);
            ok(ret == NO_ERROR, "family %u: got %lu\n", good[i], ret);
            ok(handle != NULL, "family %u: no handle\n", good[i]);
            if (ret || !handle) continue;
            ret = CancelMibChangeNotify2(handle);
            ok(ret == NO_ERROR, "family %u: cancel gave %lu\n", good[i], ret);
        }
        recorder_free(&rec);
        winetest_pop_context();
    }
}

static void test_initial_notification(void)
{
    struct recorder rec;
    unsigned int k;
    HANDLE handle;
    DWORD ret;
    int initial;

    for (k = 0; k < ARRAY_SIZE(functions); k++)
    {
        for (initial = 0; initial <= 1; initial++)
        {
            winetest_push_context("%s initial %d", functions[k].name, initial);
            recorder_init(&rec, k);
            handle = NULL;
            ret = notify(&rec, AF_UNSPEC, initial, &handle);
            ok(ret == NO_ERROR, "got %lu\n", ret);
            /* The initial callback has run when the call returns; without it, nothing changed, nothing came. */
            EnterCriticalSection(&rec.cs);
            if (initial)
            {
                ok(rec.count >= 1, "no initial notification before the call returned\n");
                if (rec.count)
                {
                    ok(rec.records[0].type == MibInitialNotification, "type %d\n", rec.records[0].type);
                    ok(rec.records[0].ptr == NULL, "row %p\n", rec.records[0].ptr);
                }
            }
            else ok(rec.count == 0, "%u callbacks\n", rec.count);
            LeaveCriticalSection(&rec.cs);
            if (handle)
            {
                ret = CancelMibChangeNotify2(handle);
                ok(ret == NO_ERROR, "cancel gave %lu\n", ret);
            }
            recorder_free(&rec);
            winetest_pop_context();
        }
    }
}

static void test_not_a_kernel_handle(void)
{
    struct recorder rec;
    unsigned int k;
    HANDLE handle;
    DWORD ret;

    for (k = 0; k < ARRAY_SIZE(functions); k++)
    {
        winetest_push_context("%s", functions[k].name);
        recorder_init(&rec, k);
        handle = NULL;
        ret = notify(&rec, AF_UNSPEC, FALSE, &handle);
        ok(ret == NO_ERROR && handle, "got %lu, handle %p\n", ret, handle);
        if (handle)
        {
            ok(!CloseHandle(handle), "CloseHandle succeeded on %p\n", handle);
            ret = CancelMibChangeNotify2(handle);
            ok(ret == NO_ERROR, "cancel gave %lu\n", ret);
        }
        recorder_free(&rec);
        winetest_pop_context();
    }
}

static void test_cancel(void)
{
    struct recorder rec;
    HANDLE handle = NULL;
    DWORD ret;

    ret = CancelMibChangeNotify2(NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "NULL: got %lu\n", ret);
    ret = CancelMibChangeNotify2((HANDLE)0xdeadbeef);
    ok(ret != NO_ERROR, "a garbage handle was cancelled\n");

    recorder_init(&rec, KIND_ROUTE);
    ret = notify(&rec, AF_INET, TRUE, &handle);
    ok(ret == NO_ERROR && handle, "got %lu, handle %p\n", ret, handle);
    ret = CancelMibChangeNotify2(handle);
    ok(ret == NO_ERROR, "cancel gave %lu\n", ret);
    ret = CancelMibChangeNotify2(handle);
    ok(ret != NO_ERROR, "a cancelled handle was cancelled again\n");
    ok(recorder_count(&rec) == 1, "%u callbacks\n", recorder_count(&rec));
    recorder_free(&rec);
}

/* ---- the stable table ------------------------------------------------------------------------------------- */

struct stable_result
{
    HANDLE done;
    LONG calls;
    MIB_UNICASTIPADDRESS_TABLE *table;
};

static void WINAPI stable_callback(void *context, MIB_UNICASTIPADDRESS_TABLE *table)
{
    struct stable_result *res = context;

    if (InterlockedIncrement(&res->calls) == 1) res->table = table;
    else FreeMibTable(table);
    SetEvent(res->done);
}

/* The table holds the same addresses (family, address, interface) as GetUnicastIpAddressTable. */
static void check_table_keys(const MIB_UNICASTIPADDRESS_TABLE *table, ADDRESS_FAMILY family)
{
    MIB_UNICASTIPADDRESS_TABLE *sys = NULL;
    ULONG i, j;
    DWORD ret;

    ret = GetUnicastIpAddressTable(family, &sys);
    ok(ret == NO_ERROR, "GetUnicastIpAddressTable: %lu\n", ret);
    if (ret) return;
    ok(table->NumEntries == sys->NumEntries, "%lu addresses, the system has %lu\n", table->NumEntries,
       sys->NumEntries);
    for (i = 0; i < table->NumEntries; i++)
    {
        const MIB_UNICASTIPADDRESS_ROW *row = &table->Table[i];
        BOOL found = FALSE;

        ok(family == AF_UNSPEC || row->Address.si_family == family, "row %lu: family %u\n", i,
           row->Address.si_family);
        /* The table comes when nothing is tentative any more. */
        ok(row->DadState != IpDadStateTentative, "row %lu (interface %lu) is tentative\n", i, row->InterfaceIndex);
        for (j = 0; j < sys->NumEntries && !found; j++)
            found = same_address(&row->Address, &sys->Table[j].Address) &&
                    row->InterfaceIndex == sys->Table[j].InterfaceIndex &&
                    row->InterfaceLuid.Value == sys->Table[j].InterfaceLuid.Value;
        ok(found, "row %lu (interface %lu) is not in the system's table\n", i, row->InterfaceIndex);
    }
    FreeMibTable(sys);
}

static void test_stable_parameters(void)
{
    struct stable_result res = { 0 };
    MIB_UNICASTIPADDRESS_TABLE *table;
    HANDLE handle;
    DWORD ret;

    ret = pNotifyStableUnicastIpAddressTable(AF_UNSPEC, NULL, stable_callback, &res, &handle);
    ok(ret == ERROR_INVALID_PARAMETER, "no table: got %lu\n", ret);
    ret = pNotifyStableUnicastIpAddressTable(AF_UNSPEC, &table, stable_callback, &res, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "no handle: got %lu\n", ret);
    ret = pNotifyStableUnicastIpAddressTable(7, &table, stable_callback, &res, &handle);
    ok(ret == ERROR_INVALID_PARAMETER, "family 7: got %lu\n", ret);
    ok(res.calls == 0, "%ld callbacks\n", res.calls);
}

static void test_stable_now(void)
{
    static const ADDRESS_FAMILY families[] = { AF_UNSPEC, AF_INET, AF_INET6 };
    struct stable_result res = { 0 };
    MIB_UNICASTIPADDRESS_TABLE *table;
    HANDLE handle;
    unsigned int i;
    DWORD ret;

    res.done = CreateEventW(NULL, TRUE, FALSE, NULL);
    for (i = 0; i < ARRAY_SIZE(families); i++)
    {
        winetest_push_context("family %u", families[i]);
        table = NULL;
        handle = NULL;
        ret = pNotifyStableUnicastIpAddressTable(families[i], &table, stable_callback, &res, &handle);
        /* Windows pends while Teredo is not qualified (SPEC.md §4); nothing here is tentative. */
        ok(ret == NO_ERROR || broken(ret == ERROR_IO_PENDING), "got %lu\n", ret);
        if (ret == NO_ERROR)
        {
            ok(table != NULL, "no table\n");
            if (table)
            {
                check_table_keys(table, families[i]);
                FreeMibTable(table);
            }
        }
        else if (ret == ERROR_IO_PENDING)
        {
            ret = CancelMibChangeNotify2(handle);
            ok(ret == NO_ERROR, "cancel gave %lu\n", ret);
        }
        winetest_pop_context();
    }
    /* The callback is never called when the table came back at once. */
    ok(WaitForSingleObject(res.done, 200) == WAIT_TIMEOUT, "the callback was called\n");
    CloseHandle(res.done);
}

/* An IPv6 address is tentative while duplicate address detection runs: the request pends, a second one is
 * cancelled, and the first completes once DAD is done (or the address is gone). */
static void test_stable_pending(NET_IFINDEX index)
{
    struct stable_result first = { 0 }, second = { 0 };
    MIB_UNICASTIPADDRESS_TABLE *table = NULL;
    HANDLE handle = NULL, handle2 = NULL;
    BOOL deleted = FALSE;
    struct recorder a6;
    HANDLE a6_handle = NULL;
    struct match m;
    int added;
    DWORD ret;

    /* The address's DadState change (tentative to preferred) is a parameter notification. */
    recorder_init(&a6, KIND_ADDRESS);
    ret = notify(&a6, AF_INET6, FALSE, &a6_handle);
    ok(ret == NO_ERROR, "address registration: %lu\n", ret);
    if (!write_ok("addr", "add", 6, "fd77::1", 64, index))
    {
        if (a6_handle) CancelMibChangeNotify2(a6_handle);
        recorder_free(&a6);
        return;
    }
    memset(&m, 0, sizeof(m));
    make_address(&m.address, AF_INET6, "fd77::1");
    m.index = index;
    m.type = MibAddInstance;
    added = wait_for(&a6, &m);
    ok(added >= 0, "no add notification for fd77::1\n");
    first.done = CreateEventW(NULL, TRUE, FALSE, NULL);
    second.done = CreateEventW(NULL, TRUE, FALSE, NULL);

    ret = pNotifyStableUnicastIpAddressTable(AF_INET6, &table, stable_callback, &first, &handle);
    ok(ret == NO_ERROR || ret == ERROR_IO_PENDING, "got %lu\n", ret);
    if (ret == NO_ERROR)
    {
        ok(table != NULL, "no table\n");
        if (table)
        {
            check_table_keys(table, AF_INET6);
            FreeMibTable(table);
        }
        skip("fd77::1 was not tentative (no duplicate address detection on this interface)\n");
    }
    else if (ret == ERROR_IO_PENDING)
    {
        ok(handle != NULL, "no handle\n");
        ret = pNotifyStableUnicastIpAddressTable(AF_INET6, &table, stable_callback, &second, &handle2);
        if (ret == ERROR_IO_PENDING)
        {
            ret = CancelMibChangeNotify2(handle2);
            ok(ret == NO_ERROR, "cancelling the second request gave %lu\n", ret);
        }
        else if (!ret && table) FreeMibTable(table);

        /* DAD takes about a second; where it never ends (a link without carrier), the address goes. */
        if (WaitForSingleObject(first.done, 3000) == WAIT_TIMEOUT)
            deleted = write_ok("addr", "del", 6, "fd77::1", 64, index);
        ok(WaitForSingleObject(first.done, WAIT_MS) == WAIT_OBJECT_0, "no callback\n");
        ok(first.calls == 1, "%ld callbacks\n", first.calls);
        ok(first.table != NULL, "no table\n");
        if (first.table)
        {
            check_table_keys(first.table, AF_INET6);
            FreeMibTable(first.table);
        }
        ok(WaitForSingleObject(second.done, 200) == WAIT_TIMEOUT, "the cancelled request called back\n");
        if (!deleted && added >= 0)
        {
            int changed;

            m.type = MibParameterNotification;
            changed = wait_from(&a6, &m, added + 1);
            ok(changed >= 0, "no parameter notification when fd77::1 became preferred\n");
        }
    }
    if (!deleted) write_ok("addr", "del", 6, "fd77::1", 64, index);
    if (a6_handle) ok(CancelMibChangeNotify2(a6_handle) == NO_ERROR, "cancel the address registration\n");
    recorder_free(&a6);
    CloseHandle(first.done);
    CloseHandle(second.done);
}

/* ---- real events ------------------------------------------------------------------------------------------ */

static void check_families(struct recorder *rec, ADDRESS_FAMILY family, const char *name)
{
    unsigned int i;

    for (i = 0; i < rec->count; i++)
    {
        ADDRESS_FAMILY got;

        if (!rec->records[i].ptr) continue;
        got = row_family(rec, &rec->records[i].copy);
        ok(got == family, "%s: record %u has family %u\n", name, i, got);
    }
}

/* The keys of a live interface's rows are the system's: its LUID for its index. */
static void check_interface_keys(struct recorder *rec, const char *name)
{
    unsigned int i;

    for (i = 0; i < rec->count; i++)
    {
        const MIB_IPINTERFACE_ROW *row = &rec->records[i].copy.iface;
        NET_LUID luid;

        if (!rec->records[i].ptr || rec->records[i].type == MibDeleteInstance) continue;
        if (ConvertInterfaceIndexToLuid(row->InterfaceIndex, &luid)) continue;  /* gone since */
        ok(row->InterfaceLuid.Value == luid.Value, "%s: interface %lu: LUID %#llx, system %#llx\n", name,
           row->InterfaceIndex, (unsigned long long)row->InterfaceLuid.Value, (unsigned long long)luid.Value);
    }
}

/* The row given to a callback still holds what it held then. */
static void check_row_kept(struct recorder *rec, int i, size_t size, const char *what)
{
    if (i < 0) return;
    ok(!memcmp(rec->records[i].ptr, &rec->records[i].copy, size), "%s: the row changed after the callback\n",
       what);
}

static void test_events(void)
{
    struct recorder a0, a4, a6, r0, r6, i4, i6, waiter, self;
    struct recorder *all[] = { &a0, &a4, &a6, &r0, &r6, &i4, &i6, &waiter, &self };
    static const ADDRESS_FAMILY families[] = { AF_UNSPEC, AF_INET, AF_INET6, AF_UNSPEC, AF_INET6, AF_INET,
                                               AF_INET6, AF_INET, AF_INET };
    static const enum kind kinds[] = { KIND_ADDRESS, KIND_ADDRESS, KIND_ADDRESS, KIND_ROUTE, KIND_ROUTE,
                                       KIND_INTERFACE, KIND_INTERFACE, KIND_ADDRESS, KIND_ADDRESS };
    HANDLE handles[ARRAY_SIZE(all)] = { 0 };
    const char *alias = getenv("WINENOTIFY_TEST_IF");
    WCHAR walias[256];
    struct match add_addr, del_addr, add_route, del_route;
    int add4 = -1, del4 = -1, add0 = -1, addr_route = -1, del_r = -1;
    BOOL self_cancel = winetest_platform_is_wine;
    unsigned int i, waiter_before;
    MIB_IPFORWARD_TABLE2 *routes;
    MIB_UNICASTIPADDRESS_ROW entry;
    MIB_IF_ROW2 ifrow;
    NET_LUID luid;
    NET_IFINDEX index = 0;
    DWORD ret;

    if (!alias || !*alias)
    {
        skip("WINENOTIFY_TEST_IF is not set: no interface to change\n");
        return;
    }
    MultiByteToWideChar(CP_ACP, 0, alias, -1, walias, ARRAY_SIZE(walias));
    ret = ConvertInterfaceAliasToLuid(walias, &luid);
    ok(!ret, "no interface %s: %lu\n", alias, ret);
    if (ret) return;
    ret = ConvertInterfaceLuidToIndex(&luid, &index);
    ok(!ret, "no index for %s: %lu\n", alias, ret);
    if (ret) return;
    trace("changing %s (index %lu, LUID %#llx)\n", alias, index, (unsigned long long)luid.Value);

    for (i = 0; i < ARRAY_SIZE(all); i++)
    {
        recorder_init(all[i], kinds[i]);
        ret = notify(all[i], families[i], FALSE, &handles[i]);
        ok(ret == NO_ERROR, "registration %u: %lu\n", i, ret);
        all[i]->handle = handles[i];
    }
    /* Callbacks of one registration never overlap: the first one is held until the next change has come. */
    ResetEvent(a4.hold);
    /* The waiter's first callback is still running when it is cancelled. */
    waiter.sleep_ms = 500;
    /* Windows deadlocks when a callback cancels its own registration (SPEC.md §3); we must not. */
    self.cancel_inside = self_cancel;

    make_address(&add_addr.address, AF_INET, "10.77.0.1");
    add_addr.type = MibAddInstance;
    add_addr.index = index;
    add_addr.prefix_len = 0;
    del_addr = add_addr;
    del_addr.type = MibDeleteInstance;
    make_address(&add_route.address, AF_INET, "10.78.0.0");
    add_route.type = MibAddInstance;
    add_route.prefix_len = 16;
    add_route.index = index;
    del_route = add_route;
    del_route.type = MibDeleteInstance;

    if (!write_ok("addr", "add", 4, "10.77.0.1", 24, index)) goto done;

    add0 = wait_for(&a0, &add_addr);
    ok(add0 >= 0, "AF_UNSPEC: no add notification for 10.77.0.1\n");
    add4 = wait_for(&a4, &add_addr);
    ok(add4 >= 0, "AF_INET: no add notification for 10.77.0.1\n");
    if (add4 >= 0)
    {
        const MIB_UNICASTIPADDRESS_ROW *row = &a4.records[add4].copy.addr;

        ok(row->InterfaceLuid.Value == luid.Value, "LUID %#llx\n", (unsigned long long)row->InterfaceLuid.Value);
        /* The keys are the ones GetUnicastIpAddressEntry takes. */
        memset(&entry, 0, sizeof(entry));
        entry.Address = row->Address;
        entry.InterfaceLuid = row->InterfaceLuid;
        ret = GetUnicastIpAddressEntry(&entry);
        ok(ret == NO_ERROR, "GetUnicastIpAddressEntry: %lu\n", ret);
        ok(entry.InterfaceIndex == index, "GetUnicastIpAddressEntry: index %lu\n", entry.InterfaceIndex);
    }

    /* Cancel waits for the callback in flight; nothing comes after it. */
    ok(WaitForSingleObject(waiter.entered, WAIT_MS) == WAIT_OBJECT_0, "the waiter was not called\n");
    ret = CancelMibChangeNotify2(handles[7]);
    ok(ret == NO_ERROR, "cancelling the waiter gave %lu\n", ret);
    ok(waiter.finished == 1, "cancel returned before the callback in flight (%ld finished)\n", waiter.finished);
    handles[7] = NULL;
    waiter_before = recorder_count(&waiter);

    if (self_cancel)
    {
        ok(WaitForSingleObject(self.cancel_done, WAIT_MS) == WAIT_OBJECT_0,
           "cancelling from its own callback did not return\n");
        ok(self.cancel_ret == NO_ERROR, "cancelling from its own callback gave %lu\n", self.cancel_ret);
        handles[8] = NULL;
    }
    else skip("Windows deadlocks when a callback cancels its own registration\n");

    memset(&ifrow, 0, sizeof(ifrow));
    ifrow.InterfaceLuid = luid;
    /* Linux takes no route through a link that is down (Wine reports that as OperStatus). */
    if (!GetIfEntry2(&ifrow) && (ifrow.AdminStatus != NET_IF_ADMIN_STATUS_UP || ifrow.OperStatus == IfOperStatusDown))
        skip("%s is down: no route can go through it\n", alias);
    else if (write_ok("route", "add", 4, "10.78.0.0", 16, index))
    {
        addr_route = wait_for(&r0, &add_route);
        ok(addr_route >= 0, "no add notification for 10.78.0.0/16\n");
        if (addr_route >= 0)
        {
            const MIB_IPFORWARD_ROW2 *row = &r0.records[addr_route].copy.route;
            BOOL found = FALSE;
            ULONG j;

            ok(row->InterfaceLuid.Value == luid.Value, "route LUID %#llx\n", (unsigned long long)row->InterfaceLuid.Value);
            ok(row->NextHop.si_family == AF_INET && !row->NextHop.Ipv4.sin_addr.s_addr, "next hop family %u\n",
               row->NextHop.si_family);
            ret = GetIpForwardTable2(AF_INET, &routes);
            ok(ret == NO_ERROR, "GetIpForwardTable2: %lu\n", ret);
            for (j = 0; !ret && j < routes->NumEntries && !found; j++)
                found = same_address(&routes->Table[j].DestinationPrefix.Prefix, &row->DestinationPrefix.Prefix) &&
                        routes->Table[j].DestinationPrefix.PrefixLength == row->DestinationPrefix.PrefixLength &&
                        same_address(&routes->Table[j].NextHop, &row->NextHop) &&
                        routes->Table[j].InterfaceIndex == row->InterfaceIndex &&
                        routes->Table[j].InterfaceLuid.Value == row->InterfaceLuid.Value;
            ok(found, "the route's keys are not in GetIpForwardTable2\n");
            if (!ret) FreeMibTable(routes);
        }
        if (write_ok("route", "del", 4, "10.78.0.0", 16, index))
        {
            del_r = wait_for(&r0, &del_route);
            ok(del_r >= 0, "no delete notification for 10.78.0.0/16\n");
            if (del_r >= 0 && addr_route >= 0)
            {
                const MIB_IPFORWARD_ROW2 *a = &r0.records[addr_route].copy.route, *d = &r0.records[del_r].copy.route;

                ok(same_address(&a->NextHop, &d->NextHop) && a->InterfaceLuid.Value == d->InterfaceLuid.Value,
                   "the delete notification's keys differ from the add's\n");
            }
        }
    }

    if (write_ok("addr", "del", 4, "10.77.0.1", 24, index))
    {
        ok(wait_for(&a0, &del_addr) >= 0, "AF_UNSPEC: no delete notification for 10.77.0.1\n");
        Sleep(200);
        SetEvent(a4.hold);
        del4 = wait_for(&a4, &del_addr);
        ok(del4 >= 0, "AF_INET: no delete notification for 10.77.0.1\n");
        if (del4 >= 0 && add4 >= 0)
            ok(a4.records[del4].copy.addr.InterfaceLuid.Value == a4.records[add4].copy.addr.InterfaceLuid.Value,
               "the delete notification's LUID differs from the add's\n");
    }
    ok(recorder_count(&waiter) == waiter_before, "the waiter was called after its cancel\n");
    if (self_cancel) ok(recorder_count(&self) == 1, "%u callbacks after cancelling itself\n", recorder_count(&self));

    check_row_kept(&a4, add4, sizeof(MIB_UNICASTIPADDRESS_ROW), "address add");
    check_row_kept(&r0, addr_route, sizeof(MIB_IPFORWARD_ROW2), "route add");
    ok(!a4.overlap, "callbacks of one registration overlapped\n");

done:
    if (pNotifyStableUnicastIpAddressTable) test_stable_pending(index);
    for (i = 0; i < ARRAY_SIZE(all); i++)
    {
        if (handles[i])
        {
            ret = CancelMibChangeNotify2(handles[i]);
            ok(ret == NO_ERROR, "cancelling registration %u gave %lu\n", i, ret);
        }
    }
    /* Each registration saw only its family. */
    check_families(&a4, AF_INET, "AF_INET addresses");
    check_families(&a6, AF_INET6, "AF_INET6 addresses");
    check_families(&r6, AF_INET6, "AF_INET6 routes");
    check_families(&i4, AF_INET, "AF_INET interfaces");
    check_families(&i6, AF_INET6, "AF_INET6 interfaces");
    check_interface_keys(&i4, "AF_INET interfaces");
    check_interface_keys(&i6, "AF_INET6 interfaces");
    for (i = 0; i < ARRAY_SIZE(all); i++) recorder_free(all[i]);
}

/* ---- interfaces (Wine only) ------------------------------------------------------------------------------- */

static int wait_interface(struct recorder *rec, MIB_NOTIFICATION_TYPE type, ADDRESS_FAMILY family, NET_IFINDEX index,
                          int after)
{
    struct match m;

    memset(&m, 0, sizeof(m));
    m.type = type;
    m.address.si_family = family;
    m.index = index;
    return wait_from(rec, &m, after < 0 ? 0 : after + 1);
}

/* The first parameter notification after record number after that shows forwarding on (others, such as the
 * carrier arriving after up, may come first). */
static int wait_forwarding(struct recorder *rec, ADDRESS_FAMILY family, NET_IFINDEX index, int after)
{
    int i = after;

    while ((i = wait_interface(rec, MibParameterNotification, family, index, i)) >= 0)
        if (rec->records[i].copy.iface.ForwardingEnabled) return i;
    return -1;
}

/* A link added, given another MTU, brought up (it gains IPv6), made to forward, a route through it given another
 * metric, the link taken down and deleted: an add, parameter notifications and a delete, per family.  No Windows API adds a link or takes one down (a driver does), so
 * this part uses the host's own commands and runs under Wine only. */
static void test_interface_events(void)
{
    struct recorder i4, i6;
    HANDLE h4 = NULL, h6 = NULL;
    NET_LUID luid, system_luid;
    NET_IFINDEX index = 0;
    ULONGLONG deadline;
    int add, mtu, up, down, del, add6, del6, fwd4, fwd6, radd, rpar, rdel;
    struct recorder r4;
    HANDLE hr = NULL;
    struct match rm;
    DWORD ret;

    if (!winetest_platform_is_wine)
    {
        skip("links are added and taken down with host commands: Wine only\n");
        return;
    }
    recorder_init(&i4, KIND_INTERFACE);
    recorder_init(&i6, KIND_INTERFACE);
    ret = notify(&i4, AF_INET, FALSE, &h4);
    ok(ret == NO_ERROR, "AF_INET registration: %lu\n", ret);
    ret = notify(&i6, AF_INET6, FALSE, &h6);
    ok(ret == NO_ERROR, "AF_INET6 registration: %lu\n", ret);
    recorder_init(&r4, KIND_ROUTE);
    ret = notify(&r4, AF_INET, FALSE, &hr);
    ok(ret == NO_ERROR, "route registration: %lu\n", ret);

    if (!winetest_run_unix(NULL, "ip link add wnif9 type veth peer name wnif9p")) goto done;
    /* Every interface notification wakes us; the link's index is known once the system's table has it. */
    deadline = GetTickCount64() + WAIT_MS;
    while (ConvertInterfaceAliasToLuid(L"wnif9", &luid) && GetTickCount64() < deadline)
        WaitForSingleObject(i4.signal, 100);
    ret = ConvertInterfaceAliasToLuid(L"wnif9", &luid);
    ok(!ret, "wnif9 did not appear: %lu\n", ret);
    if (ret || ConvertInterfaceLuidToIndex(&luid, &index)) goto done;

    add = wait_interface(&i4, MibAddInstance, AF_INET, index, -1);
    ok(add >= 0, "no IPv4 add notification for wnif9\n");
    if (add < 0) goto done;
    ok(i4.records[add].copy.iface.InterfaceLuid.Value == luid.Value, "LUID %#llx, system %#llx\n",
       (unsigned long long)i4.records[add].copy.iface.InterfaceLuid.Value, (unsigned long long)luid.Value);
    ok(!ConvertInterfaceIndexToLuid(index, &system_luid) && system_luid.Value == luid.Value, "index and LUID\n");

    winetest_run_unix(NULL, "ip link set wnif9 mtu 1400");
    mtu = wait_interface(&i4, MibParameterNotification, AF_INET, index, add);
    ok(mtu >= 0, "no parameter notification for the MTU\n");

    /* With carrier (its peer up), Linux gives it an IPv6 link-local address: it has IPv6 from then on. */
    winetest_run_unix(NULL, "ip link set wnif9p up; ip link set wnif9 up");
    up = wait_interface(&i4, MibParameterNotification, AF_INET, index, mtu);
    ok(up >= 0, "no parameter notification for up\n");
    add6 = wait_interface(&i6, MibAddInstance, AF_INET6, index, -1);
    ok(add6 >= 0, "no IPv6 add notification once it had an IPv6 address\n");

    /* Forwarding is per family: each family's row hears of its own. */
    winetest_run_unix(NULL, "echo 1 > /proc/sys/net/ipv4/conf/wnif9/forwarding");
    fwd4 = wait_forwarding(&i4, AF_INET, index, up);
    ok(fwd4 >= 0, "no parameter notification showing IPv4 forwarding\n");
    if (fwd4 < 0) fwd4 = up;
    winetest_run_unix(NULL, "echo 1 > /proc/sys/net/ipv6/conf/wnif9/forwarding");
    fwd6 = wait_forwarding(&i6, AF_INET6, index, add6);
    ok(fwd6 >= 0, "no parameter notification showing IPv6 forwarding\n");

    /* A route's metric changes: Linux adds a route with the new metric and deletes the old one, which to
     * Windows is one route (prefix, next hop, interface) whose parameter changed. */
    memset(&rm, 0, sizeof(rm));
    make_address(&rm.address, AF_INET, "10.91.0.0");
    rm.prefix_len = 16;
    rm.index = index;
    rm.type = MibAddInstance;
    winetest_run_unix(NULL, "ip route add 10.91.0.0/16 dev wnif9 metric 10");
    radd = wait_for(&r4, &rm);
    ok(radd >= 0, "no add notification for 10.91.0.0/16\n");
    winetest_run_unix(NULL, "ip route add 10.91.0.0/16 dev wnif9 metric 20; ip route del 10.91.0.0/16 dev wnif9 metric 10");
    rm.type = MibParameterNotification;
    rpar = wait_from(&r4, &rm, radd < 0 ? 0 : radd + 1);
    ok(rpar >= 0, "no parameter notification for the metric change\n");
    winetest_run_unix(NULL, "ip route del 10.91.0.0/16 dev wnif9");
    rm.type = MibDeleteInstance;
    rdel = wait_from(&r4, &rm, rpar < 0 ? 0 : rpar + 1);
    ok(rdel >= 0, "no delete notification for 10.91.0.0/16\n");
    rm.type = MibDeleteInstance;
    ok(rpar < 0 || wait_from(&r4, &rm, radd + 1) == rdel, "the metric change was reported as a delete\n");

    winetest_run_unix(NULL, "ip link set wnif9 down");
    down = wait_interface(&i4, MibParameterNotification, AF_INET, index, fwd4);
    ok(down >= 0, "no parameter notification for down\n");

    winetest_run_unix(NULL, "ip link del wnif9");
    del = wait_interface(&i4, MibDeleteInstance, AF_INET, index, down);
    ok(del >= 0, "no IPv4 delete notification\n");
    if (del >= 0)
        ok(i4.records[del].copy.iface.InterfaceLuid.Value == luid.Value, "the delete notification's LUID %#llx\n",
           (unsigned long long)i4.records[del].copy.iface.InterfaceLuid.Value);
    del6 = wait_interface(&i6, MibDeleteInstance, AF_INET6, index, add6);
    ok(del6 >= 0, "no IPv6 delete notification\n");
    check_families(&i4, AF_INET, "AF_INET interfaces");
    check_families(&i6, AF_INET6, "AF_INET6 interfaces");

done:
    winetest_run_unix(NULL, "ip link del wnif9 2>/dev/null");
    if (h4) ok(CancelMibChangeNotify2(h4) == NO_ERROR, "cancel AF_INET\n");
    if (h6) ok(CancelMibChangeNotify2(h6) == NO_ERROR, "cancel AF_INET6\n");
    if (hr) ok(CancelMibChangeNotify2(hr) == NO_ERROR, "cancel routes\n");
    recorder_free(&i4);
    recorder_free(&i6);
    recorder_free(&r4);
}

START_TEST(notify)
{
    if (netchange_start()) return;
    pNotifyStableUnicastIpAddressTable = (notify_stable_fn)(void *)GetProcAddress(GetModuleHandleA("iphlpapi.dll"),
                                                                                  "NotifyStableUnicastIpAddressTable");

    test_parameters();
    test_initial_notification();
    test_not_a_kernel_handle();
    test_cancel();
    if (pNotifyStableUnicastIpAddressTable)
    {
        test_stable_parameters();
        test_stable_now();
    }
    else win_skip("NotifyStableUnicastIpAddressTable is missing\n");
    test_events();
    test_interface_events();
}
