/* CM_Register_Notification and CM_Unregister_Notification (SPEC.md §6-§8): the validation table, the rundown
 * (no callback after Unregister returns, Unregister from inside a callback), and, under Wine, the device events
 * that host changes cause: network devices (tun, veth) and loop block devices come and go while registrations
 * for GUID_DEVINTERFACE_NET, for all interface classes and for all device instances watch.  Software devices
 * (SwDeviceCreate) cause the same events on Windows (as administrator) and under Wine with our SwDevice. */
#include <winsock2.h>
#include <windows.h>
#include <stddef.h>
#include <stdio.h>

#include "test.h"
#include "sysdir.h"
#include "devtest.h"
#include "unix.h"
#include "winenotify/cfgmgr32_notify.h"
#include "winenotify/devguids.h"
#include "winenotify/swdevice.h"

/* Generous: a change reaches us in milliseconds; this only bounds a run where it never comes. */
#define WAIT_MS 10000
#define MAX_RECORDS 512

static CONFIGRET (WINAPI *pCM_Register_Notification)(PCM_NOTIFY_FILTER, PVOID, PCM_NOTIFY_CALLBACK,
                                                     PHCMNOTIFICATION);
static CONFIGRET (WINAPI *pCM_Unregister_Notification)(HCMNOTIFICATION);
static HRESULT (WINAPI *pSwDeviceCreate)(PCWSTR, PCWSTR, const SW_DEVICE_CREATE_INFO *, ULONG,
                                         const DEVPROPERTY *, SW_DEVICE_CREATE_CALLBACK, PVOID, PHSWDEVICE);
static HRESULT (WINAPI *pSwDeviceInterfaceRegister)(HSWDEVICE, const GUID *, PCWSTR, ULONG, const DEVPROPERTY *,
                                                    BOOL, PWSTR *);
static VOID (WINAPI *pSwDeviceClose)(HSWDEVICE);
static VOID (WINAPI *pSwMemFree)(PVOID);

/* Printable copies, in a few rotating buffers (callers print at most two per message). */
static const char *wine_dbgstr_w(const WCHAR *text)
{
    static char buffers[4][600];
    static LONG next;
    char *buf = buffers[InterlockedIncrement(&next) % 4];

    if (!text) return "(null)";
    buf[0] = '"';
    WideCharToMultiByte(CP_UTF8, 0, text, -1, buf + 1, sizeof(buffers[0]) - 2, NULL, NULL);
    lstrcatA(buf, "\"");
    return buf;
}

static const char *wine_dbgstr_guid(const GUID *g)
{
    static char buffers[4][40];
    static LONG next;
    char *buf = buffers[InterlockedIncrement(&next) % 4];

    sprintf(buf, "{%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", g->Data1, g->Data2, g->Data3,
            g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
    return buf;
}

struct record
{
    CM_NOTIFY_ACTION action;
    CM_NOTIFY_FILTER_TYPE type;
    GUID guid;
    WCHAR text[MAX_DEVICE_ID_LEN + 64];   /* the link or the instance ID */
    DWORD size, expected_size;
    HCMNOTIFICATION handle;
};

struct recorder
{
    CRITICAL_SECTION cs;
    HANDLE signal;
    struct record records[MAX_RECORDS];
    LONG count;
    /* Behaviour. */
    BOOL unregister_self;                 /* the first callback unregisters its own handle */
    CONFIGRET self_ret;
    HANDLE entered, release;              /* the first callback says it runs, then waits for release */
    LONG returned;                        /* callbacks that have returned */
};

static void recorder_init(struct recorder *r)
{
    memset(r, 0, sizeof(*r));
    InitializeCriticalSection(&r->cs);
    r->signal = CreateEventW(NULL, FALSE, FALSE, NULL);
    r->self_ret = 0xdead;
}

static void recorder_free(struct recorder *r)
{
    CloseHandle(r->signal);
    if (r->entered) CloseHandle(r->entered);
    if (r->release) CloseHandle(r->release);
    DeleteCriticalSection(&r->cs);
}

static DWORD expected_size(CM_NOTIFY_ACTION action, const CM_NOTIFY_EVENT_DATA *data)
{
    switch (action)
    {
    case CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL:
    case CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL:
        return offsetof(CM_NOTIFY_EVENT_DATA,
                        u.DeviceInterface.SymbolicLink[wcslen(data->u.DeviceInterface.SymbolicLink) + 1]);
    case CM_NOTIFY_ACTION_DEVICEINSTANCEENUMERATED:
    case CM_NOTIFY_ACTION_DEVICEINSTANCESTARTED:
    case CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED:
        return offsetof(CM_NOTIFY_EVENT_DATA,
                        u.DeviceInstance.InstanceId[wcslen(data->u.DeviceInstance.InstanceId) + 1]);
    case CM_NOTIFY_ACTION_DEVICECUSTOMEVENT:
        return offsetof(CM_NOTIFY_EVENT_DATA, u.DeviceHandle.Data[data->u.DeviceHandle.DataSize]);
    default:
        return sizeof(CM_NOTIFY_EVENT_DATA);
    }
}

static DWORD CALLBACK record_callback(HCMNOTIFICATION handle, void *context, CM_NOTIFY_ACTION action,
                                      CM_NOTIFY_EVENT_DATA *data, DWORD size)
{
    struct recorder *r = context;
    struct record *rec;
    LONG n;

    EnterCriticalSection(&r->cs);
    n = r->count;
    if (n < MAX_RECORDS)
    {
        rec = &r->records[n];
        rec->action = action;
        rec->type = data->FilterType;
        rec->size = size;
        rec->expected_size = expected_size(action, data);
        rec->handle = handle;
        if (data->FilterType == CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE)
        {
            rec->guid = data->u.DeviceInterface.ClassGuid;
            lstrcpynW(rec->text, data->u.DeviceInterface.SymbolicLink, ARRAY_SIZE(rec->text));
        }
        else if (data->FilterType == CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE)
            lstrcpynW(rec->text, data->u.DeviceInstance.InstanceId, ARRAY_SIZE(rec->text));
        r->count = n + 1;
    }
    LeaveCriticalSection(&r->cs);

    if (n == 0 && r->unregister_self) r->self_ret = pCM_Unregister_Notification(handle);
    if (n == 0 && r->entered)
    {
        SetEvent(r->entered);
        WaitForSingleObject(r->release, WAIT_MS);
    }
    InterlockedIncrement(&r->returned);
    SetEvent(r->signal);
    return ERROR_SUCCESS;
}

static BOOL contains_nocase(const WCHAR *text, const WCHAR *part)
{
    size_t n = wcslen(part);

    if (!n) return TRUE;
    for (; *text; text++)
        if (!_wcsnicmp(text, part, n)) return TRUE;
    return FALSE;
}

/* The index of the first record from `from` on with this action whose text contains `part` (any case), waiting
 * for it up to WAIT_MS; -1 if none came. */
static int wait_record(struct recorder *r, CM_NOTIFY_ACTION action, const WCHAR *part, int from)
{
    ULONGLONG deadline = GetTickCount64() + WAIT_MS;
    int i;

    for (;;)
    {
        EnterCriticalSection(&r->cs);
        for (i = from; i < r->count; i++)
            if (r->records[i].action == action && contains_nocase(r->records[i].text, part)) break;
        if (i < r->count)
        {
            LeaveCriticalSection(&r->cs);
            return i;
        }
        LeaveCriticalSection(&r->cs);
        if (GetTickCount64() >= deadline) return -1;
        WaitForSingleObject(r->signal, (DWORD)(deadline - GetTickCount64()));
    }
}

static HCMNOTIFICATION register_filter(struct recorder *r, CM_NOTIFY_FILTER *filter)
{
    HCMNOTIFICATION handle = NULL;
    CONFIGRET ret = pCM_Register_Notification(filter, r, record_callback, &handle);

    ok(ret == CR_SUCCESS, "registration failed: %#lx\n", ret);
    return ret == CR_SUCCESS ? handle : NULL;
}

static HCMNOTIFICATION register_class(struct recorder *r, const GUID *guid)
{
    CM_NOTIFY_FILTER filter = { .cbSize = sizeof(filter) };

    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    if (guid) filter.u.DeviceInterface.ClassGuid = *guid;
    else filter.Flags = CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES;
    return register_filter(r, &filter);
}

static HCMNOTIFICATION register_instance(struct recorder *r, const WCHAR *instance_id)
{
    CM_NOTIFY_FILTER filter = { .cbSize = sizeof(filter) };

    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE;
    if (instance_id) lstrcpynW(filter.u.DeviceInstance.InstanceId, instance_id, MAX_DEVICE_ID_LEN);
    else filter.Flags = CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES;
    return register_filter(r, &filter);
}

static void unregister(HCMNOTIFICATION handle)
{
    CONFIGRET ret;

    if (!handle) return;
    ret = pCM_Unregister_Notification(handle);
    ok(ret == CR_SUCCESS, "unregister %p: %#lx\n", handle, ret);
}

/* Every record of r: its size is exact. */
static void check_sizes(struct recorder *r, const char *what)
{
    LONG i;

    for (i = 0; i < r->count; i++)
        ok(r->records[i].size == r->records[i].expected_size,
           "%s record %ld (action %d, %s): size %lu, expected %lu\n",
           what, i, r->records[i].action, wine_dbgstr_w(r->records[i].text), r->records[i].size,
           r->records[i].expected_size);
}

/* ---- validation ----------------------------------------------------------------------------------------- */

static DWORD CALLBACK quiet_callback(HCMNOTIFICATION handle, void *context, CM_NOTIFY_ACTION action,
                                     CM_NOTIFY_EVENT_DATA *data, DWORD size)
{
    (void)handle; (void)context; (void)action; (void)data; (void)size;
    return ERROR_SUCCESS;
}

static void test_validation(void)
{
    /* exact: the code SPEC.md records for Windows; otherwise Windows' exact code is not on record and any error
     * is accepted there, while ours must be CR_INVALID_DATA. */
    static const struct
    {
        DWORD size, flags, type, reserved;
        const GUID *guid;
        const WCHAR *instance;
        CONFIGRET ret;
        BOOL exact;
    } tests[] =
    {
        { 0, CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES, CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE, 0, NULL, NULL,
          CR_INVALID_DATA, TRUE },
        { sizeof(CM_NOTIFY_FILTER) + 1, 0, CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE, 0,
          &WINENOTIFY_GUID_DEVINTERFACE_NET, NULL, CR_INVALID_DATA, TRUE },
        { sizeof(CM_NOTIFY_FILTER) - 1, 0, CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE, 0,
          &WINENOTIFY_GUID_DEVINTERFACE_NET, NULL, CR_INVALID_DATA, TRUE },
        { sizeof(CM_NOTIFY_FILTER), CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES,
          CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE, 0, &WINENOTIFY_GUID_DEVINTERFACE_NET, NULL, CR_INVALID_DATA, TRUE },
        { sizeof(CM_NOTIFY_FILTER), CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES,
          CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE, 0, NULL, NULL, CR_SUCCESS, TRUE },
        { sizeof(CM_NOTIFY_FILTER), 0, CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE, 0, &WINENOTIFY_GUID_DEVINTERFACE_NET,
          NULL, CR_SUCCESS, TRUE },
        { sizeof(CM_NOTIFY_FILTER), 0, CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE, 0, &WINENOTIFY_GUID_DEVINTERFACE_DISK,
          NULL, CR_SUCCESS, TRUE },
        /* Reserved must be 0. */
        { sizeof(CM_NOTIFY_FILTER), 0, CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE, 1, &WINENOTIFY_GUID_DEVINTERFACE_NET,
          NULL, CR_INVALID_DATA, FALSE },
        /* Unknown flags, both flags, a flag of the other filter type. */
        { sizeof(CM_NOTIFY_FILTER), 0x4, CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE, 0, &WINENOTIFY_GUID_DEVINTERFACE_NET,
          NULL, CR_INVALID_DATA, FALSE },
        { sizeof(CM_NOTIFY_FILTER), CM_NOTIFY_FILTER_VALID_FLAGS, CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE, 0, NULL,
          NULL, CR_INVALID_DATA, FALSE },
        { sizeof(CM_NOTIFY_FILTER), CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES, CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE,
          0, NULL, NULL, CR_INVALID_DATA, FALSE },
        { sizeof(CM_NOTIFY_FILTER), CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES, CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE,
          0, NULL, NULL, CR_INVALID_DATA, FALSE },
        /* Instance filters: all (empty ID), one ID, neither. */
        { sizeof(CM_NOTIFY_FILTER), CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES, CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE,
          0, NULL, NULL, CR_SUCCESS, TRUE },
        { sizeof(CM_NOTIFY_FILTER), CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES, CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE,
          0, NULL, L"ROOT\\NET\\0000", CR_INVALID_DATA, FALSE },
        { sizeof(CM_NOTIFY_FILTER), 0, CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE, 0, NULL, L"ROOT\\NET\\0000",
          CR_SUCCESS, TRUE },
        { sizeof(CM_NOTIFY_FILTER), 0, CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE, 0, NULL, NULL, CR_INVALID_DATA, FALSE },
        /* Filter types past the last; a handle filter without a handle. */
        { sizeof(CM_NOTIFY_FILTER), 0, CM_NOTIFY_FILTER_TYPE_MAX, 0, NULL, NULL, CR_INVALID_DATA, FALSE },
        { sizeof(CM_NOTIFY_FILTER), 0, 0x100, 0, NULL, NULL, CR_INVALID_DATA, FALSE },
        { sizeof(CM_NOTIFY_FILTER), 0, CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE, 0, NULL, NULL, CR_INVALID_DATA, FALSE },
    };
    CM_NOTIFY_FILTER filter;
    HCMNOTIFICATION handle;
    CONFIGRET ret;
    unsigned int i;

    ret = pCM_Register_Notification(NULL, NULL, NULL, NULL);
    ok(ret == CR_FAILURE, "all NULL: %#lx\n", ret);
    memset(&filter, 0, sizeof(filter));
    filter.cbSize = sizeof(filter);
    filter.Flags = CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES;
    ret = pCM_Register_Notification(&filter, NULL, quiet_callback, NULL);
    ok(ret == CR_FAILURE, "NULL handle pointer with a good filter: %#lx\n", ret);

    handle = (HCMNOTIFICATION)0xdeadbeef;
    ret = pCM_Register_Notification(NULL, NULL, NULL, &handle);
    ok(ret == CR_INVALID_DATA, "NULL filter and callback: %#lx\n", ret);
    ok(!handle, "handle %p\n", handle);
    handle = (HCMNOTIFICATION)0xdeadbeef;
    ret = pCM_Register_Notification(NULL, NULL, quiet_callback, &handle);
    ok(ret == CR_INVALID_DATA, "NULL filter: %#lx\n", ret);
    ok(!handle, "handle %p\n", handle);
    handle = (HCMNOTIFICATION)0xdeadbeef;
    ret = pCM_Register_Notification(&filter, NULL, NULL, &handle);
    ok(ret == CR_INVALID_DATA, "NULL callback: %#lx\n", ret);
    ok(!handle, "handle %p\n", handle);

    for (i = 0; i < ARRAY_SIZE(tests); i++)
    {
        winetest_push_context("filter %u", i);
        memset(&filter, 0, sizeof(filter));
        filter.cbSize = tests[i].size;
        filter.Flags = tests[i].flags;
        filter.FilterType = tests[i].type;
        filter.Reserved = tests[i].reserved;
        if (tests[i].guid) filter.u.DeviceInterface.ClassGuid = *tests[i].guid;
        if (tests[i].instance) lstrcpynW(filter.u.DeviceInstance.InstanceId, tests[i].instance, MAX_DEVICE_ID_LEN);
        handle = (HCMNOTIFICATION)0xdeadbeef;
        ret = pCM_Register_Notification(&filter, NULL, quiet_callback, &handle);
        if (tests[i].exact) ok(ret == tests[i].ret, "got %#lx, expected %#lx\n", ret, tests[i].ret);
        else ok(ret == tests[i].ret || broken(ret != CR_SUCCESS), "got %#lx, expected %#lx\n", ret, tests[i].ret);
        if (ret != CR_SUCCESS) ok(!handle, "handle %p\n", handle);
        else
        {
            ok(handle != NULL, "no handle\n");
            unregister(handle);
        }
        winetest_pop_context();
    }
}

/* A handle filter on a plain file: Windows follows the volume it is on; we follow device nodes only and say so
 * with the honest error. */
static void test_handle_on_file(void)
{
    CM_NOTIFY_FILTER filter = { .cbSize = sizeof(filter) };
    HCMNOTIFICATION handle = NULL;
    WCHAR path[MAX_PATH];
    CONFIGRET ret;
    HANDLE file;

    GetTempPathW(ARRAY_SIZE(path), path);
    lstrcatW(path, L"cfgnotify.tmp");
    file = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS,
                       FILE_FLAG_DELETE_ON_CLOSE, NULL);
    ok(file != INVALID_HANDLE_VALUE, "cannot create %s: %lu\n", wine_dbgstr_w(path), GetLastError());
    if (file == INVALID_HANDLE_VALUE) return;
    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE;
    filter.u.DeviceHandle.hTarget = file;
    ret = pCM_Register_Notification(&filter, NULL, quiet_callback, &handle);
    if (winetest_platform_is_wine)
    {
        /* No device node of ours: the system's answer, whose handle filter (Wine 10.4 and later) follows any
         * handle, as Windows' does; Wine 8 has none and 10.0's is a stub. */
        HMODULE sys = load_system_copy(L"cfgmgr32.dll");
        CONFIGRET (WINAPI *sys_register)(PCM_NOTIFY_FILTER, PVOID, PCM_NOTIFY_CALLBACK, PHCMNOTIFICATION) =
            sys ? (void *)GetProcAddress(sys, "CM_Register_Notification") : NULL;
        CONFIGRET (WINAPI *sys_unregister)(HCMNOTIFICATION) =
            sys ? (void *)GetProcAddress(sys, "CM_Unregister_Notification") : NULL;
        HCMNOTIFICATION sys_handle = NULL;
        CONFIGRET expect = CR_CALL_NOT_IMPLEMENTED;

        if (sys_register && sys_unregister && (expect = sys_register(&filter, NULL, quiet_callback, &sys_handle)))
            sys_handle = NULL;
        if (sys_handle) sys_unregister(sys_handle);
        ok(ret == expect, "handle on a file: %#lx, the system's answer %#lx\n", ret, expect);
        ok(!handle == (ret != CR_SUCCESS), "handle %p\n", handle);
    }
    else ok(ret == CR_SUCCESS, "handle on a file: %#lx\n", ret);
    if (handle) unregister(handle);
    CloseHandle(file);
}

/* ---- what causes events: host changes (Wine) or software devices --------------------------------------------- */

/* Makes one NET arrival and removal happen (Wine: a veth pair whose name is unique to the call). */
static BOOL host_net_cycle(unsigned int n, BOOL remove)
{
    char cmd[128];

    if (remove) sprintf(cmd, "ip link del wncfg%u 2>/dev/null", n);
    else sprintf(cmd, "ip link add wncfg%u type veth peer name wncfg%up", n, n);
    return winetest_run_unix(NULL, cmd);
}

/* ---- unregistering ------------------------------------------------------------------------------------------ */

struct unregister_args
{
    HCMNOTIFICATION handle;
    struct recorder *r;
    CONFIGRET ret;
    LONG returned_then;                   /* callbacks returned when Unregister returned */
};

static DWORD WINAPI unregister_thread(void *arg)
{
    struct unregister_args *args = arg;

    args->ret = pCM_Unregister_Notification(args->handle);
    args->returned_then = args->r->returned;
    return 0;
}

static void test_unregister(void)
{
    struct unregister_args args;
    struct recorder r, self;
    HCMNOTIFICATION handle, other;
    HANDLE thread;
    LONG count;
    CONFIGRET ret;

    handle = NULL;
    recorder_init(&r);
    handle = register_class(&r, NULL);
    if (handle)
    {
        ok(pCM_Unregister_Notification(handle) == CR_SUCCESS, "unregister\n");
        /* Windows' handles are pointers to freed memory by now: only ours can be asked again. */
        if (winetest_platform_is_wine)
        {
            ret = pCM_Unregister_Notification(handle);
            ok(ret == CR_INVALID_DATA, "double unregister: %#lx\n", ret);
        }
    }
    if (winetest_platform_is_wine)
    {
        ret = pCM_Unregister_Notification(NULL);
        ok(ret == CR_INVALID_DATA, "NULL: %#lx\n", ret);
        ret = pCM_Unregister_Notification((HCMNOTIFICATION)0x12345678);
        ok(ret == CR_INVALID_DATA, "a handle never given out: %#lx\n", ret);
        ret = pCM_Unregister_Notification(INVALID_HANDLE_VALUE);
        ok(ret == CR_INVALID_DATA, "INVALID_HANDLE_VALUE: %#lx\n", ret);
    }
    recorder_free(&r);

    if (!winetest_platform_is_wine)
    {
        skip("the events come from host commands: Wine only\n");
        return;
    }

    /* Unregister from inside the callback: no deadlock (Windows deadlocks), and no further callback. */
    recorder_init(&self);
    self.unregister_self = TRUE;
    handle = register_class(&self, &WINENOTIFY_GUID_DEVINTERFACE_NET);
    host_net_cycle(1, FALSE);
    ok(wait_record(&self, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, L"#wncfg1", 0) == 0, "no arrival\n");
    /* Its peer's arrival (and the removals to come) were queued behind it: none may be delivered. */
    recorder_init(&r);
    other = register_class(&r, &WINENOTIFY_GUID_DEVINTERFACE_NET);
    host_net_cycle(1, TRUE);
    ok(wait_record(&r, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, L"#wncfg1p#", 0) >= 0, "no removal seen\n");
    ok(self.self_ret == CR_SUCCESS, "unregister from the callback: %#lx\n", self.self_ret);
    ok(self.count == 1, "%ld callbacks after unregistering from the first\n", self.count);
    ok(pCM_Unregister_Notification(handle) == CR_INVALID_DATA, "the handle stayed valid\n");
    unregister(other);
    recorder_free(&r);
    recorder_free(&self);

    /* Unregister while a callback runs: it returns only after the callback did, and none follows. */
    recorder_init(&r);
    r.entered = CreateEventW(NULL, TRUE, FALSE, NULL);
    r.release = CreateEventW(NULL, TRUE, FALSE, NULL);
    handle = register_class(&r, &WINENOTIFY_GUID_DEVINTERFACE_NET);
    host_net_cycle(2, FALSE);
    ok(!WaitForSingleObject(r.entered, WAIT_MS), "no callback\n");
    args.handle = handle;
    args.r = &r;
    args.returned_then = -1;
    thread = CreateThread(NULL, 0, unregister_thread, &args, 0, NULL);
    /* Give Unregister time to start waiting; the result does not depend on it. */
    Sleep(200);
    SetEvent(r.release);
    WaitForSingleObject(thread, WAIT_MS * 2);
    CloseHandle(thread);
    ok(args.ret == CR_SUCCESS, "unregister: %#lx\n", args.ret);
    ok(args.returned_then >= 1, "Unregister returned before the callback did (%ld returned)\n", args.returned_then);
    count = r.count;
    host_net_cycle(2, TRUE);
    /* Something must show that the removal happened before "no callback" means anything. */
    recorder_free(&self);
    recorder_init(&self);
    handle = register_instance(&self, NULL);
    host_net_cycle(3, FALSE);
    ok(wait_record(&self, CM_NOTIFY_ACTION_DEVICEINSTANCESTARTED, L"\\WNCFG3", 0) >= 0, "no instance event\n");
    ok(r.count == count, "%ld callbacks after Unregister returned\n", r.count - count);
    unregister(handle);
    host_net_cycle(3, TRUE);
    recorder_free(&self);
    recorder_free(&r);
}

/* ---- host devices (Wine) ---------------------------------------------------------------------------------- */

static void test_net_devices(void)
{
    static const WCHAR net_guid[] = L"#{cac88484-7515-4c03-82e6-71a87abac361}";
    struct recorder net, all, inst, one;
    HCMNOTIFICATION hnet, hall, hinst, hone;
    WCHAR link[128];
    int arrive, leave, a, e, s, d, i;

    if (!winetest_platform_is_wine)
    {
        skip("network devices are made with host commands: Wine only\n");
        return;
    }
    recorder_init(&net);
    recorder_init(&all);
    recorder_init(&inst);
    recorder_init(&one);
    hnet = register_class(&net, &WINENOTIFY_GUID_DEVINTERFACE_NET);
    hall = register_class(&all, NULL);
    hinst = register_instance(&inst, NULL);
    /* Instance IDs compare without regard to case. */
    hone = register_instance(&one, L"root\\net\\wncfgt0");

    /* A tun, then a veth pair. */
    winetest_run_unix(NULL, "ip tuntap add dev wncfgt0 mode tun && ip link add wncfgv0 type veth peer name wncfgv0p");
    wsprintfW(link, L"\\\\?\\ROOT#NET#wncfgt0%s", net_guid);
    arrive = wait_record(&net, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, link, 0);
    ok(arrive >= 0, "no NET arrival for the tun\n");
    if (arrive >= 0)
    {
        ok(!wcscmp(net.records[arrive].text, link), "link %s, expected %s\n", wine_dbgstr_w(net.records[arrive].text),
           wine_dbgstr_w(link));
        ok(IsEqualGUID(&net.records[arrive].guid, &WINENOTIFY_GUID_DEVINTERFACE_NET), "class %s\n",
           wine_dbgstr_guid(&net.records[arrive].guid));
        ok(net.records[arrive].type == CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE, "type %d\n", net.records[arrive].type);
        ok(net.records[arrive].handle == hnet, "handle %p, registered %p\n", net.records[arrive].handle, hnet);
    }
    ok(wait_record(&all, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, link, 0) >= 0, "no arrival for all classes\n");
    ok(wait_record(&net, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, L"\\\\?\\ROOT#NET#wncfgv0#", 0) >= 0,
       "no arrival for the veth\n");
    ok(wait_record(&net, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, L"\\\\?\\ROOT#NET#wncfgv0p#", 0) >= 0,
       "no arrival for its peer\n");
    e = wait_record(&inst, CM_NOTIFY_ACTION_DEVICEINSTANCEENUMERATED, L"ROOT\\NET\\WNCFGT0", 0);
    s = wait_record(&inst, CM_NOTIFY_ACTION_DEVICEINSTANCESTARTED, L"ROOT\\NET\\WNCFGT0", 0);
    ok(e >= 0 && s > e, "instance enumerated %d, started %d\n", e, s);
    if (e >= 0)
        ok(!wcscmp(inst.records[e].text, L"ROOT\\NET\\WNCFGT0"), "instance %s\n", wine_dbgstr_w(inst.records[e].text));

    winetest_run_unix(NULL, "ip link del wncfgt0 && ip link del wncfgv0");
    leave = wait_record(&net, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, link, 0);
    ok(leave > arrive, "removal %d, arrival %d\n", leave, arrive);
    ok(wait_record(&all, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, link, 0) >= 0, "no removal for all classes\n");
    ok(wait_record(&net, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, L"#wncfgv0p#", 0) >= 0, "no removal of the peer\n");
    d = wait_record(&inst, CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED, L"ROOT\\NET\\WNCFGT0", 0);
    ok(d > s, "instance removed %d, started %d\n", d, s);

    /* The one-instance filter saw its device only, in order. */
    a = wait_record(&one, CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED, L"WNCFGT0", 0);
    ok(a == 2, "the single-instance registration saw its removal as record %d\n", a);
    for (i = 0; i < one.count; i++)
        ok(!wcscmp(one.records[i].text, L"ROOT\\NET\\WNCFGT0"), "record %d: %s\n", i,
           wine_dbgstr_w(one.records[i].text));
    ok(one.count >= 1 && one.records[0].action == CM_NOTIFY_ACTION_DEVICEINSTANCEENUMERATED, "first action %d\n",
       one.records[0].action);

    /* A class filter sees its class only. */
    for (i = 0; i < net.count; i++)
        ok(IsEqualGUID(&net.records[i].guid, &WINENOTIFY_GUID_DEVINTERFACE_NET), "record %d class %s\n", i,
           wine_dbgstr_guid(&net.records[i].guid));

    unregister(hnet);
    unregister(hall);
    unregister(hinst);
    unregister(hone);
    check_sizes(&net, "NET");
    check_sizes(&all, "all classes");
    check_sizes(&inst, "instances");
    check_sizes(&one, "one instance");
    recorder_free(&net);
    recorder_free(&all);
    recorder_free(&inst);
    recorder_free(&one);
}

static void test_loop_devices(void)
{
    static const WCHAR disk_guid[] = L"#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}";
    static const WCHAR volume_guid[] = L"#{53f5630d-b6bf-11d0-94f2-00a0c91efb8b}";
    struct recorder all, disk, dev;
    HCMNOTIFICATION hall, hdisk, hdev = NULL;
    CM_NOTIFY_FILTER filter = { .cbSize = sizeof(filter) };
    WCHAR path[MAX_PATH], name[32], devpath[64], *p;
    int arrive, vol, leave, vleave, rc;
    HANDLE file;
    CONFIGRET ret;

    if (!winetest_platform_is_wine)
    {
        skip("loop devices are made with host commands: Wine only\n");
        return;
    }
    if (!write_partition_image(L"wncfg.img"))
    {
        skip("cannot write an image in the current directory\n");
        return;
    }
    recorder_init(&all);
    recorder_init(&disk);
    recorder_init(&dev);
    hall = register_class(&all, NULL);
    hdisk = register_class(&disk, &WINENOTIFY_GUID_DEVINTERFACE_DISK);

    /* losetup prints /dev/loopN; keep it for the detach.  Its partition scan finds nothing on the 6.18 kernel
     * here (partscan is set, no loopNp1 appears), so partx adds the partition if the scan did not. */
    winetest_run_unix(NULL, "losetup -f -P --show wncfg.img > wncfg.loop && partx -a $(cat wncfg.loop) 2>/dev/null");
    arrive = wait_record(&disk, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, disk_guid, 0);
    if (arrive < 0)
    {
        skip("no disk arrived: no loop device or no block uevents here\n");
        winetest_run_unix(NULL, "test -s wncfg.loop && losetup -d $(cat wncfg.loop); rm -f wncfg.loop wncfg.img");
        goto done;
    }
    ok(!_wcsnicmp(disk.records[arrive].text, L"\\\\?\\STORAGE#DISK#loop", 21), "disk link %s\n",
       wine_dbgstr_w(disk.records[arrive].text));
    ok(wait_record(&all, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, disk.records[arrive].text, 0) >= 0,
       "no disk arrival for all classes\n");
    /* Its partition: a volume. */
    vol = wait_record(&all, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, volume_guid, 0);
    ok(vol >= 0, "no volume arrival\n");
    if (vol >= 0)
        ok(!_wcsnicmp(all.records[vol].text, L"\\\\?\\STORAGE#VOLUME#loop", 23), "volume link %s\n",
           wine_dbgstr_w(all.records[vol].text));

    /* A handle on the disk's node; REMOVECOMPLETE when it goes.  The loop driver defers a detach until the last
     * opener closes, so the handle is closed once registered (the registration stays). */
    /* After "\\\\?\\STORAGE#DISK#" (17 characters): "loopN#{...}". */
    lstrcpynW(name, disk.records[arrive].text + 17, ARRAY_SIZE(name));
    if ((p = wcschr(name, '#'))) *p = 0;
    wsprintfW(devpath, L"Z:\\dev\\%s", name);
    file = CreateFileW(devpath, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    ok(file != INVALID_HANDLE_VALUE, "cannot open %s: %lu\n", wine_dbgstr_w(devpath), GetLastError());
    if (file != INVALID_HANDLE_VALUE)
    {
        filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE;
        filter.u.DeviceHandle.hTarget = file;
        ret = pCM_Register_Notification(&filter, &dev, record_callback, &hdev);
        /* Wine 10 names no handle on a block device (GetFinalPathNameByHandleW fails with ERROR_INVALID_HANDLE,
         * and NtQueryObject gives an empty name), so there is no node to follow: the honest answer. */
        if (winetest_platform_is_wine && !GetFinalPathNameByHandleW(file, path, ARRAY_SIZE(path), 0))
            ok(ret == CR_CALL_NOT_IMPLEMENTED, "handle filter on the unnamed %s: %#lx\n", wine_dbgstr_w(devpath), ret);
        else
            ok(ret == CR_SUCCESS, "handle filter on %s: %#lx\n", wine_dbgstr_w(devpath), ret);
        CloseHandle(file);
    }

    winetest_run_unix(NULL, "losetup -d $(cat wncfg.loop); rm -f wncfg.loop wncfg.img");
    leave = wait_record(&disk, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, disk.records[arrive].text, 0);
    ok(leave > arrive, "disk removal %d, arrival %d\n", leave, arrive);
    if (vol >= 0)
    {
        vleave = wait_record(&all, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, all.records[vol].text, 0);
        ok(vleave > vol, "volume removal %d, arrival %d\n", vleave, vol);
    }
    if (hdev)
    {
        rc = wait_record(&dev, CM_NOTIFY_ACTION_DEVICEREMOVECOMPLETE, L"", 0);
        ok(rc == 0, "REMOVECOMPLETE at %d\n", rc);
        ok(dev.count == 1, "%ld handle events\n", dev.count);
        if (rc == 0)
            ok(dev.records[0].type == CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE, "type %d\n", dev.records[0].type);
        unregister(hdev);
        check_sizes(&dev, "handle");
    }
    for (rc = 0; rc < disk.count; rc++)
        ok(IsEqualGUID(&disk.records[rc].guid, &WINENOTIFY_GUID_DEVINTERFACE_DISK), "record %d class %s\n", rc,
           wine_dbgstr_guid(&disk.records[rc].guid));
    check_sizes(&disk, "DISK");
    check_sizes(&all, "all classes");
done:
    unregister(hall);
    unregister(hdisk);
    recorder_free(&all);
    recorder_free(&disk);
    recorder_free(&dev);
}

/* ---- software devices (Windows as administrator; Wine with our SwDevice) ---------------------------------- */

static void test_software_device(void)
{
    static const WCHAR hardware_ids[] = L"WineNotifyTestHw\0";
    SW_DEVICE_CREATE_INFO info = { .cbSize = sizeof(info) };
    struct recorder iface, inst;
    HCMNOTIFICATION hiface, hinst;
    struct sw_created created = { 0 };
    WCHAR *link = NULL;
    HSWDEVICE device = NULL;
    int arrive, leave, e;
    HRESULT hr;

    if (!pSwDeviceCreate || !pSwDeviceInterfaceRegister || !pSwDeviceClose || !pSwMemFree)
    {
        win_skip("SwDeviceCreate is missing\n");
        return;
    }
    recorder_init(&iface);
    recorder_init(&inst);
    hiface = register_class(&iface, &WINENOTIFY_GUID_DEVINTERFACE_HID);
    hinst = register_instance(&inst, NULL);

    created.done = CreateEventW(NULL, TRUE, FALSE, NULL);
    info.pszInstanceId = L"cfgnotify1";
    info.pszzHardwareIds = hardware_ids;
    info.CapabilityFlags = SWDeviceCapabilitiesSilentInstall | SWDeviceCapabilitiesDriverRequired;
    info.pszDeviceDescription = L"winenotify test device";
    hr = pSwDeviceCreate(L"WineNotifyTest", L"HTREE\\ROOT\\0", &info, 0, NULL, sw_callback, &created, &device);
    if (hr == E_ACCESSDENIED || hr == HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED))
    {
        skip("SwDeviceCreate needs administrator rights\n");
        goto done;
    }
    if (hr == E_NOTIMPL)
    {
        /* Wine's stub, or our DLL before SwDevice landed. */
        skip("SwDeviceCreate is not implemented here\n");
        goto done;
    }
    if (FAILED(hr) || WaitForSingleObject(created.done, WAIT_MS) || FAILED(created.result))
    {
        win_skip("SwDeviceCreate failed: %#lx, %#lx\n", hr, created.result);
        goto done;
    }
    e = wait_record(&inst, CM_NOTIFY_ACTION_DEVICEINSTANCEENUMERATED, created.instance_id, 0);
    ok(e >= 0, "no instance event for %s\n", wine_dbgstr_w(created.instance_id));
    hr = pSwDeviceInterfaceRegister(device, &WINENOTIFY_GUID_DEVINTERFACE_HID, NULL, 0, NULL, TRUE, &link);
    ok(hr == S_OK, "SwDeviceInterfaceRegister: %#lx\n", hr);
    if (hr == S_OK)
    {
        arrive = wait_record(&iface, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL,
                             L"#{4d1e55b2-f16f-11cf-88cb-001111000030}", 0);
        ok(arrive >= 0, "no interface arrival for %s\n", wine_dbgstr_w(link));
        if (arrive >= 0)
            ok(!_wcsicmp(iface.records[arrive].text, link), "link %s, SwDeviceInterfaceRegister gave %s\n",
               wine_dbgstr_w(iface.records[arrive].text), wine_dbgstr_w(link));
    }
    pSwDeviceClose(device);
    device = NULL;
    if (link)
    {
        leave = wait_record(&iface, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, link, 0);
        ok(leave >= 0, "no interface removal\n");
        pSwMemFree(link);
    }
    ok(wait_record(&inst, CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED, created.instance_id, 0) >= 0,
       "no instance removal\n");
    check_sizes(&iface, "software interfaces");
    check_sizes(&inst, "software instances");
done:
    if (device) pSwDeviceClose(device);
    CloseHandle(created.done);
    unregister(hiface);
    unregister(hinst);
    recorder_free(&iface);
    recorder_free(&inst);
}

/* ---- without a helper ------------------------------------------------------------------------------------ */

/* The child: its WINENOTIFY_HOST names no program, so the event source is unavailable.  Then the system's own
 * function answers if it has one (newer Wine), else the honest CR_CALL_NOT_IMPLEMENTED (Wine 8); the filter is
 * still checked first. */
static void child_no_helper(void)
{
    CM_NOTIFY_FILTER filter = { .cbSize = sizeof(filter) };
    HCMNOTIFICATION handle = (HCMNOTIFICATION)0xdeadbeef;
    WCHAR path[MAX_PATH + 16];
    HMODULE system;
    BOOL system_has;
    CONFIGRET ret;

    GetSystemDirectoryW(path, MAX_PATH);
    lstrcatW(path, L"\\cfgmgr32.dll");
    system = LoadLibraryW(path);
    system_has = system && GetProcAddress(system, "CM_Register_Notification");

    ret = pCM_Register_Notification(&filter, NULL, quiet_callback, NULL);
    ok(ret == CR_FAILURE, "NULL handle pointer: %#lx\n", ret);
    filter.Flags = CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES;
    ret = pCM_Register_Notification(&filter, NULL, quiet_callback, &handle);
    if (system_has)
    {
        /* Forwarded: the system's own answer, whatever it is (Wine 10's is CR_CALL_NOT_IMPLEMENTED for this
         * filter, Windows' CR_SUCCESS). */
        CONFIGRET (WINAPI *sys_register)(CM_NOTIFY_FILTER *, void *, PCM_NOTIFY_CALLBACK, HCMNOTIFICATION *) =
            (void *)GetProcAddress(system, "CM_Register_Notification");
        CONFIGRET (WINAPI *sys_unregister)(HCMNOTIFICATION) =
            (void *)GetProcAddress(system, "CM_Unregister_Notification");
        HCMNOTIFICATION sys_handle = NULL;
        CONFIGRET sys_ret = sys_register(&filter, NULL, quiet_callback, &sys_handle);

        ok(ret == sys_ret, "the system's function: %#lx, called directly %#lx\n", ret, sys_ret);
        if (!ret) unregister(handle);
        if (!sys_ret && sys_unregister) sys_unregister(sys_handle);
    }
    else
    {
        ok(ret == CR_CALL_NOT_IMPLEMENTED, "no helper, no system function: %#lx\n", ret);
        ok(!handle, "handle %p\n", handle);
    }
    ret = pCM_Unregister_Notification(NULL);
    ok(ret == CR_INVALID_DATA, "NULL: %#lx\n", ret);
    if (system) FreeLibrary(system);
}

static void test_no_helper(void)
{
    HANDLE child;

    if (!winetest_platform_is_wine)
    {
        skip("the helper exists under Wine only\n");
        return;
    }
    child = winetest_start_child("cfgnotify child nohelper", L"/nonexistent/winenotify-host");
    if (!child) return;
    ok(!WaitForSingleObject(child, WAIT_MS * 3), "the child did not end\n");
    CloseHandle(child);
}

START_TEST(cfgnotify)
{
    HMODULE cfgmgr32 = LoadLibraryW(L"cfgmgr32.dll");
    char **argv;
    int argc = winetest_get_mainargs(&argv);

    pCM_Register_Notification = (void *)GetProcAddress(cfgmgr32, "CM_Register_Notification");
    pCM_Unregister_Notification = (void *)GetProcAddress(cfgmgr32, "CM_Unregister_Notification");
    pSwDeviceCreate = (void *)GetProcAddress(cfgmgr32, "SwDeviceCreate");
    pSwDeviceInterfaceRegister = (void *)GetProcAddress(cfgmgr32, "SwDeviceInterfaceRegister");
    pSwDeviceClose = (void *)GetProcAddress(cfgmgr32, "SwDeviceClose");
    pSwMemFree = (void *)GetProcAddress(cfgmgr32, "SwMemFree");
    if (!pCM_Register_Notification || !pCM_Unregister_Notification)
    {
        win_skip("CM_Register_Notification is missing (Windows 7, or Wine 8 without our DLL)\n");
        return;
    }
    if (argc >= 4 && !strcmp(argv[2], "child") && !strcmp(argv[3], "nohelper"))
    {
        child_no_helper();
        return;
    }
    test_validation();
    test_handle_on_file();
    test_unregister();
    test_net_devices();
    test_loop_devices();
    test_software_device();
    test_no_helper();
}
