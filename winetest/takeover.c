/* Our DLLs in front of a system DLL that has implementations of its own.
 *
 * Wine 10's iphlpapi has a working NotifyAddrChange and its cfgmgr32 exports CM_Register_Notification; on
 * Windows the system has everything.  With our DLLs imported and WINENOTIFY_EXPECT=ours under Wine, what
 * winenotify implements must be answered by our code, the system's own copy (loaded by full path, as our
 * forwarder loads it) must go on working beside ours without either seeing the other's requests, and what we
 * forward must reach the system's code, including exports that only newer systems have (and what the system
 * lacks, ours lacks too, to a run-time lookup).  Against the system DLLs
 * (a run on Windows) both sides are one module and every check still holds.
 *
 * Changes are made the Windows way, by a child process (netchange.h), on the interface named by
 * WINENOTIFY_TEST_IF. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <cfgmgr32.h>
#include <wchar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "sysdir.h"
#include "netchange.h"
#include "unix.h"
#include "winenotify/cfgmgr32_notify.h"
#include "winenotify/devguids.h"

#define WAIT_MS 10000

static HMODULE ours_iphlpapi, ours_cfgmgr32, sys_iphlpapi, sys_cfgmgr32;
static NET_IFINDEX test_index;

static BOOL expect_ours(void)
{
    char value[16];
    return GetEnvironmentVariableA("WINENOTIFY_EXPECT", value, sizeof(value)) && !strcmp(value, "ours");
}

/* Under Wine with our DLLs: the requests made through the system's copy are Wine's own, apart from ours. */
static BOOL two_implementations(void)
{
    return winetest_platform_is_wine && expect_ours() && ours_iphlpapi != sys_iphlpapi;
}

/* Wine's major version, 0 elsewhere. */
static int wine_major(void)
{
    const char *(CDECL *get_version)(void) = (void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version");
    return get_version ? atoi(get_version()) : 0;
}

/* ---- forwarded exports reach the system's code -------------------------------------------------------------- */

/* Exports Wine 8 lacks and Wine 10 has: where the system has one, ours gives the system's answers (the
 * forwarder found it at run time); where it lacks one, ours lacks it too to a run-time lookup, as the system's
 * does (issue #15; a program importing it statically gets the spec's documented value, see forward.c). */
static void test_forwarded_newer_exports(void)
{
    static const CONFIGRET codes[] = { CR_SUCCESS, CR_OUT_OF_MEMORY, CR_INVALID_POINTER, CR_NO_SUCH_DEVNODE,
                                       CR_ACCESS_DENIED, CR_BUFFER_SMALL, 0x4242 };
    DWORD (WINAPI *ours_map)(CONFIGRET, DWORD) = (void *)GetProcAddress(ours_cfgmgr32, "CM_MapCrToWin32Err");
    DWORD (WINAPI *sys_map)(CONFIGRET, DWORD) = (void *)GetProcAddress(sys_cfgmgr32, "CM_MapCrToWin32Err");
    ULONG (WINAPI *ours_compartment)(void) = (void *)GetProcAddress(ours_iphlpapi, "GetCurrentThreadCompartmentId");
    ULONG (WINAPI *sys_compartment)(void) = (void *)GetProcAddress(sys_iphlpapi, "GetCurrentThreadCompartmentId");
    unsigned int i;

    ok(!ours_map == !sys_map, "CM_MapCrToWin32Err: ours %p, the system's %p\n", ours_map, sys_map);
    if (ours_map && sys_map)
    {
        trace("the system has CM_MapCrToWin32Err: forwarded\n");
        for (i = 0; i < ARRAY_SIZE(codes); i++)
        {
            DWORD mine = ours_map(codes[i], 0xdead), theirs = sys_map(codes[i], 0xdead);
            ok(mine == theirs, "CM_MapCrToWin32Err(%#lx): %lu, system %lu\n", codes[i], mine, theirs);
        }
        ok(ours_map(CR_SUCCESS, 0xdead) == ERROR_SUCCESS, "CR_SUCCESS maps to %lu\n", ours_map(CR_SUCCESS, 0xdead));
        ok(ours_map(CR_OUT_OF_MEMORY, 0xdead) == ERROR_NOT_ENOUGH_MEMORY, "CR_OUT_OF_MEMORY maps to %lu\n",
           ours_map(CR_OUT_OF_MEMORY, 0xdead));
    }
    else if (!sys_map) trace("the system lacks CM_MapCrToWin32Err, and so does ours to a lookup\n");

    ok(!ours_compartment == !sys_compartment, "GetCurrentThreadCompartmentId: ours %p, the system's %p\n",
       ours_compartment, sys_compartment);
    if (ours_compartment && sys_compartment)
    {
        trace("the system has GetCurrentThreadCompartmentId: forwarded\n");
        ok(ours_compartment() == sys_compartment(), "compartment %lu, system %lu\n", ours_compartment(),
           sys_compartment());
        /* DEFAULT_COMPARTMENT_ID */
        ok(ours_compartment() == 1, "compartment %lu\n", ours_compartment());
    }
    else if (!sys_compartment) trace("the system lacks GetCurrentThreadCompartmentId, and so does ours to a lookup\n");
}

/* Exports Wine 11 has and Wine 8 and 10 lack (GetIpInterfaceEntry; cfgmgr32's DevGetObjects family): ours
 * reaches the system's code where it has them.  cfgmgr32 is loaded from the system directory under its own name,
 * never setupapi: Wine 11.0's cfgmgr32 forwards some CM_* functions to setupapi, and from 11.3 on setupapi
 * forwards them back to cfgmgr32, which (by name) is ours: forwarding to setupapi would then loop. */
static void test_forwarded_wine11_exports(void)
{
    DWORD (WINAPI *ours_get)(MIB_IPINTERFACE_ROW *) = (void *)GetProcAddress(ours_iphlpapi, "GetIpInterfaceEntry");
    DWORD (WINAPI *sys_get)(MIB_IPINTERFACE_ROW *) = (void *)GetProcAddress(sys_iphlpapi, "GetIpInterfaceEntry");
    HRESULT (WINAPI *ours_objects)(int, ULONG, ULONG, const void *, ULONG, const void *, ULONG *, const void **) =
        (void *)GetProcAddress(ours_cfgmgr32, "DevGetObjects");
    HRESULT (WINAPI *sys_objects)(int, ULONG, ULONG, const void *, ULONG, const void *, ULONG *, const void **) =
        (void *)GetProcAddress(sys_cfgmgr32, "DevGetObjects");
    /* A CM_* function we forward (the device queries are ours since issue 17). */
    CONFIGRET (WINAPI *ours_classes)(ULONG, GUID *, ULONG) =
        (void *)GetProcAddress(ours_cfgmgr32, "CM_Enumerate_Classes");
    CONFIGRET (WINAPI *sys_classes)(ULONG, GUID *, ULONG) =
        (void *)GetProcAddress(sys_cfgmgr32, "CM_Enumerate_Classes");
    MIB_IPINTERFACE_ROW mine, theirs;
    GUID ours_guid, sys_guid;

    /* What the system lacks, ours may hide from GetProcAddress as the system's DLL would (issue 15). */
    ok(ours_get != NULL || !sys_get, "ours lacks GetIpInterfaceEntry, which the system has\n");
    ok(ours_objects != NULL || !sys_objects, "ours lacks DevGetObjects, which the system has\n");
    ok(ours_classes != NULL, "ours lacks CM_Enumerate_Classes\n");
    if (!ours_classes) return;

    if (sys_get && ours_get)
    {
        DWORD a, b;

        trace("the system has GetIpInterfaceEntry: ours and the system's agree\n");
        memset(&mine, 0, sizeof(mine));
        mine.Family = AF_INET;
        mine.InterfaceIndex = 1;
        theirs = mine;
        a = ours_get(&mine);
        b = sys_get(&theirs);
        ok(a == b, "GetIpInterfaceEntry: %lu, system %lu\n", a, b);
        if (!a && !b)
            ok(mine.InterfaceLuid.Value == theirs.InterfaceLuid.Value && mine.NlMtu == theirs.NlMtu,
               "GetIpInterfaceEntry: LUID %#llx MTU %lu, system %#llx %lu\n", mine.InterfaceLuid.Value, mine.NlMtu,
               theirs.InterfaceLuid.Value, theirs.NlMtu);
    }
    else if (ours_get)
    {
        NET_LUID luid;
        DWORD a;

        /* Ours answers from the network view (winetest/reread.c tests it field by field). */
        trace("the system lacks GetIpInterfaceEntry: ours answers\n");
        memset(&mine, 0, sizeof(mine));
        mine.Family = AF_INET;
        mine.InterfaceIndex = 1;
        a = ours_get(&mine);
        ok(a == NO_ERROR, "GetIpInterfaceEntry of index 1: %lu\n", a);
        ok(!a && !ConvertInterfaceIndexToLuid(1, &luid) && mine.InterfaceLuid.Value == luid.Value,
           "GetIpInterfaceEntry of index 1: LUID %#llx\n", (unsigned long long)mine.InterfaceLuid.Value);
    }

    if (sys_objects && ours_objects)
    {
        ULONG n1 = 0xdead, n2 = 0xdead;
        const void *o1 = NULL, *o2 = NULL;
        /* No object type (DevObjectTypeUnknown): an argument error, the same from both. */
        HRESULT a = ours_objects(0, 0, 0, NULL, 0, NULL, &n1, &o1), b = sys_objects(0, 0, 0, NULL, 0, NULL, &n2, &o2);

        trace("the system has DevGetObjects: forwarded\n");
        ok(a == b, "DevGetObjects: %#lx, system %#lx\n", a, b);
    }
    else trace("the system lacks DevGetObjects\n");

    /* Present in every Wine of the matrix, in Wine 11.0 through setupapi: the same answer, and no loop. */
    ok(sys_classes != NULL, "the system's cfgmgr32 lacks CM_Enumerate_Classes\n");
    if (sys_classes)
    {
        CONFIGRET a = ours_classes(0, &ours_guid, 0), b = sys_classes(0, &sys_guid, 0);

        ok(a == b, "CM_Enumerate_Classes: %#lx, system %#lx\n", a, b);
        if (!a && !b) ok(!memcmp(&ours_guid, &sys_guid, sizeof(GUID)), "the first class differs from the system's\n");
    }
}

/* ---- what we implement is answered by our code -------------------------------------------------------------- */

struct request
{
    HANDLE handle;
    OVERLAPPED ovl;
    DWORD ret;
};

static void request_start(struct request *req, DWORD (WINAPI *fn)(HANDLE *, OVERLAPPED *))
{
    memset(req, 0, sizeof(*req));
    req->ovl.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    req->ret = fn ? fn(&req->handle, &req->ovl) : ERROR_PROC_NOT_FOUND;
}

static void request_end(struct request *req, BOOL (WINAPI *cancel)(OVERLAPPED *))
{
    if (req->ret == ERROR_IO_PENDING && WaitForSingleObject(req->ovl.hEvent, 0) != WAIT_OBJECT_0 && cancel)
        cancel(&req->ovl);
    CloseHandle(req->ovl.hEvent);
}

/* Per function: what it is and the change the test makes for it. */
static const struct
{
    const char *name;
    DWORD (WINAPI *ours)(HANDLE *handle, OVERLAPPED *overlapped);
    const char *what;        /* for the child: addr or route */
    const char *v4;
    int v4_len;
}
functions[] =
{
    { "NotifyRouteChange", NotifyRouteChange, "route", "10.86.0.0", 16 },
    { "NotifyAddrChange", NotifyAddrChange, "addr", "10.87.0.1", 24 },
};

/* A change completes our request.  A request made at the same time through the system's copy is Wine's own,
 * apart from ours (another handle), and where Wine implements the function (Wine 10's NotifyAddrChange) it
 * completes too; Wine 10's NotifyRouteChange answers ERROR_NOT_SUPPORTED, so route changes reach a program only
 * through ours. */
static void test_change(unsigned int f)
{
    DWORD (WINAPI *sys_notify)(HANDLE *, OVERLAPPED *) = (void *)GetProcAddress(sys_iphlpapi, functions[f].name);
    BOOL (WINAPI *sys_cancel)(OVERLAPPED *) = (void *)GetProcAddress(sys_iphlpapi, "CancelIPChangeNotify");
    struct request ours, sys;
    DWORD err;

    winetest_push_context("%s", functions[f].name);
    request_start(&ours, functions[f].ours);
    request_start(&sys, two_implementations() ? sys_notify : NULL);
    ok(ours.ret == ERROR_IO_PENDING, "returned %lu\n", ours.ret);
    ok(ours.handle != NULL, "no handle\n");
    if (two_implementations())
    {
        trace("the system's own answered %lu\n", sys.ret);
        if (sys.ret == ERROR_IO_PENDING) ok(sys.handle != ours.handle, "the same handle from both\n");
    }

    err = run_write(functions[f].what, "add", 4, functions[f].v4, functions[f].v4_len, test_index);
    if (err == ERROR_ACCESS_DENIED || err == ERROR_NOT_SUPPORTED)
    {
        skip("cannot make the change (%lu)\n", err);
        goto done;
    }
    ok(!err, "the change failed: %lu\n", err);
    ok(WaitForSingleObject(ours.ovl.hEvent, WAIT_MS) == WAIT_OBJECT_0, "our request did not complete\n");
    ok(ours.ovl.Internal == 0, "ours completed with status %#lx\n", (unsigned long)ours.ovl.Internal);
    /* Wine 8's own NotifyAddrChange pends for ever (a stub), Wine 10's completes (both seen); 9 was not tried. */
    if (sys.ret == ERROR_IO_PENDING && wine_major() < 10)
        trace("Wine %d's own never completes: not waited for\n", wine_major());
    else if (sys.ret == ERROR_IO_PENDING)
    {
        ok(WaitForSingleObject(sys.ovl.hEvent, WAIT_MS) == WAIT_OBJECT_0, "the system's request did not complete\n");
        ok(sys.ovl.Internal == 0, "the system's completed with status %#lx\n", (unsigned long)sys.ovl.Internal);
    }
    ok(!run_write(functions[f].what, "del", 4, functions[f].v4, functions[f].v4_len, test_index),
       "undoing the change failed\n");
done:
    request_end(&ours, CancelIPChangeNotify);
    request_end(&sys, sys_cancel);
    winetest_pop_context();
}

/* ---- CM_Register_Notification: ours, beside the system's export ------------------------------------------- */

struct arrival
{
    HANDLE event;
    const WCHAR *name;       /* part of the symbolic link waited for */
};

static DWORD CALLBACK on_arrival(HCMNOTIFICATION handle, void *context, CM_NOTIFY_ACTION action,
                                 CM_NOTIFY_EVENT_DATA *data, DWORD size)
{
    struct arrival *a = context;
    WCHAR link[256];

    (void)handle; (void)size;
    if (action != CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL ||
        !IsEqualGUID(&data->u.DeviceInterface.ClassGuid, &WINENOTIFY_GUID_DEVINTERFACE_NET))
        return ERROR_SUCCESS;
    /* The link's case is Windows' (SPEC §6), not the interface name's. */
    lstrcpynW(link, data->u.DeviceInterface.SymbolicLink, ARRAY_SIZE(link));
    if (wcsstr(_wcslwr(link), a->name)) SetEvent(a->event);
    return ERROR_SUCCESS;
}

/* A DLL's CM_Register_Notification and CM_Unregister_Notification, either NULL where it lacks them. */
struct cm_api
{
    CONFIGRET (WINAPI *reg)(CM_NOTIFY_FILTER *, void *, PCM_NOTIFY_CALLBACK, HCMNOTIFICATION *);
    CONFIGRET (WINAPI *unreg)(HCMNOTIFICATION);
};

static struct cm_api cm_api(HMODULE module)
{
    struct cm_api api;

    api.reg = (void *)GetProcAddress(module, "CM_Register_Notification");
    api.unreg = (void *)GetProcAddress(module, "CM_Unregister_Notification");
    return api;
}

/* Wine 10 exports a CM_Register_Notification of its own (Wine 8 none).  Ours registers for network interfaces
 * and hears a veth pair arrive; the system's, called with the same filter, answers what it answers (traced) and
 * its registration, if any, is its own.  Wine only: the host command makes the device. */
static void test_cm_notification(void)
{
    struct cm_api ours_cm = cm_api(ours_cfgmgr32), sys_cm = cm_api(sys_cfgmgr32);
    CM_NOTIFY_FILTER filter = { .cbSize = sizeof(filter) };
    struct arrival ours = { .name = L"wntake0" }, sys = { .name = L"wntake0" };
    HCMNOTIFICATION hours = NULL, hsys = NULL;
    CONFIGRET ret, sys_ret = CR_CALL_NOT_IMPLEMENTED;

    if (!two_implementations())
    {
        skip("our CM_Register_Notification beside the system's: Wine with our DLLs only\n");
        return;
    }
    ok(ours_cm.reg && ours_cm.unreg, "our cfgmgr32 lacks the notification functions\n");
    if (!ours_cm.reg || !ours_cm.unreg) return;
    ours.event = CreateEventW(NULL, TRUE, FALSE, NULL);
    sys.event = CreateEventW(NULL, TRUE, FALSE, NULL);
    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    filter.u.DeviceInterface.ClassGuid = WINENOTIFY_GUID_DEVINTERFACE_NET;

    ret = ours_cm.reg(&filter, &ours, on_arrival, &hours);
    ok(ret == CR_SUCCESS, "ours: %#lx\n", ret);
    if (sys_cm.reg)
    {
        sys_ret = sys_cm.reg(&filter, &sys, on_arrival, &hsys);
        trace("the system's own CM_Register_Notification answered %#lx\n", sys_ret);
        if (!sys_ret) ok(hsys != hours, "the same registration handle from both\n");
    }
    else trace("the system has no CM_Register_Notification\n");
    if (ret) goto done;

    winetest_run_unix(NULL, "ip link add wntake0 type veth peer name wntake0p");
    ok(WaitForSingleObject(ours.event, WAIT_MS) == WAIT_OBJECT_0, "no arrival of wntake0 through ours\n");
    trace("the system's registration %s the arrival\n",
          sys_ret ? "does not exist for" : WaitForSingleObject(sys.event, 0) == WAIT_OBJECT_0 ? "saw" : "did not see");
    winetest_run_unix(NULL, "ip link del wntake0");
done:
    if (hours) ok(ours_cm.unreg(hours) == CR_SUCCESS, "unregistering ours failed\n");
    if (!sys_ret && sys_cm.unreg) sys_cm.unreg(hsys);
    CloseHandle(ours.event);
    CloseHandle(sys.event);
}

/* Never worse than the system: every interface arrival and removal that the system's own CM_Register_Notification
 * (Wine 11: sechost and plugplay) delivers for a filter of all interface classes, ours delivers too, with the same
 * link.  The changes here are the host's (a veth pair comes and goes); no device of Wine's own model can be made
 * to come or go here (no HID or USB device; winebus, which has the two virtual ones, does not stop when asked),
 * so Wine's registration may hear nothing.  Ours carries Wine's own events too where the system gives a
 * registration (dlls/cfgmgr32/wine_devices.c), and each arrival and removal once. */
struct heard_events
{
    CRITICAL_SECTION lock;
    unsigned int count;
    struct { CM_NOTIFY_ACTION action; WCHAR link[160]; } at[64];
};

static DWORD CALLBACK record_event(HCMNOTIFICATION handle, void *context, CM_NOTIFY_ACTION action,
                                   CM_NOTIFY_EVENT_DATA *data, DWORD size)
{
    struct heard_events *heard = context;

    (void)handle; (void)size;
    if (action > CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL) return ERROR_SUCCESS;
    EnterCriticalSection(&heard->lock);
    if (heard->count < ARRAY_SIZE(heard->at))
    {
        heard->at[heard->count].action = action;
        lstrcpynW(heard->at[heard->count].link, data->u.DeviceInterface.SymbolicLink,
                  ARRAY_SIZE(heard->at[0].link));
        heard->count++;
    }
    LeaveCriticalSection(&heard->lock);
    return ERROR_SUCCESS;
}

static void test_cm_superset(void)
{
    struct cm_api ours_cm = cm_api(ours_cfgmgr32), sys_cm = cm_api(sys_cfgmgr32);
    CM_NOTIFY_FILTER filter = { .cbSize = sizeof(filter) };
    static struct heard_events ours, sys;
    HCMNOTIFICATION hours = NULL, hsys = NULL;
    unsigned int i, j;

    if (!two_implementations() || !sys_cm.reg || !sys_cm.unreg || !ours_cm.reg || !ours_cm.unreg)
    {
        skip("ours as a superset of the system's CM_Register_Notification: Wine 10.4 or later, with our DLLs\n");
        return;
    }
    InitializeCriticalSection(&ours.lock);
    InitializeCriticalSection(&sys.lock);
    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    filter.Flags = CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES;
    ok(ours_cm.reg(&filter, &ours, record_event, &hours) == CR_SUCCESS, "ours: no registration\n");
    if (sys_cm.reg(&filter, &sys, record_event, &hsys) != CR_SUCCESS)
    {
        trace("the system's CM_Register_Notification has no registration for all interface classes\n");
        hsys = NULL;
    }
    winetest_run_unix(NULL, "ip link add wnsup0 type veth peer name wnsup0p; sleep 0.5; ip link del wnsup0");
    /* Two arrivals and two removals through ours; then as long again for the system's to have its say. */
    for (i = 0; i < WAIT_MS / 50 && ours.count < 4; i++) Sleep(50);
    Sleep(i * 50 + 500);
    if (hours) ok(ours_cm.unreg(hours) == CR_SUCCESS, "unregistering ours failed\n");
    if (hsys) sys_cm.unreg(hsys);
    ok(ours.count >= 4, "ours heard %u events of the veth pair\n", ours.count);
    /* One device, one arrival: ours merges Wine's own events with the host's (issue 17), never twice the same. */
    for (i = 0; i < ours.count; i++)
        for (j = i + 1; j < ours.count; j++)
            ok(ours.at[i].action != ours.at[j].action || _wcsicmp(ours.at[i].link, ours.at[j].link),
               "ours told the %s of %ls twice\n",
               ours.at[i].action == CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL ? "arrival" : "removal", ours.at[i].link);
    trace("the system's registration heard %u events, ours %u\n", sys.count, ours.count);
    for (i = 0; i < sys.count; i++)
    {
        for (j = 0; j < ours.count; j++)
            if (ours.at[j].action == sys.at[i].action && !_wcsicmp(ours.at[j].link, sys.at[i].link)) break;
        ok(j < ours.count, "the system's %s of %ls did not come through ours\n",
           sys.at[i].action == CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL ? "arrival" : "removal", sys.at[i].link);
    }
    DeleteCriticalSection(&ours.lock);
    DeleteCriticalSection(&sys.lock);
}

START_TEST(takeover)
{
    if (netchange_start()) return;

    ours_iphlpapi = GetModuleHandleW(L"iphlpapi.dll");
    ours_cfgmgr32 = LoadLibraryW(L"cfgmgr32.dll");
    sys_iphlpapi = load_system_copy(L"iphlpapi.dll");
    sys_cfgmgr32 = load_system_copy(L"cfgmgr32.dll");
    ok(ours_iphlpapi && ours_cfgmgr32, "our DLLs are not loaded\n");
    ok(sys_iphlpapi && sys_cfgmgr32, "cannot load the system DLLs: %lu\n", GetLastError());
    if (!ours_iphlpapi || !ours_cfgmgr32 || !sys_iphlpapi || !sys_cfgmgr32) return;
    if (winetest_platform_is_wine && expect_ours())
    {
        ok(ours_iphlpapi != sys_iphlpapi, "the system's iphlpapi answers, not ours\n");
        ok(ours_cfgmgr32 != sys_cfgmgr32, "the system's cfgmgr32 answers, not ours\n");
    }

    test_forwarded_newer_exports();
    test_forwarded_wine11_exports();
    test_cm_notification();
    test_cm_superset();
    if (!netchange_test_interface(&test_index)) return;
    /* The route first: an IPv4 address change changes a route too. */
    test_change(0);
    test_change(1);
}
