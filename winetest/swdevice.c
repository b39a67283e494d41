/* Conformance test of the software-device API of cfgmgr32: SwDeviceCreate, SwDeviceInterfaceRegister,
 * SwDeviceInterfaceSetState, SwDeviceClose and SwMemFree (SPEC.md §8).
 *
 * The same program runs on Windows (as an administrator; it skips without) and under Wine with our cfgmgr32,
 * where the host helper makes the devices in a directory shared by every process of the user.  The cross-process
 * part starts this program again as a child ("swdevice.exe swdevice child <id> <ready> <go>") that makes a device
 * with an interface, while this process, registered with CM_Register_Notification, must see the instance and
 * interface arrive and, after the child closes its device or is killed, go. */
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "winenotify/swdevice.h"
#include "winenotify/cfgmgr32_notify.h"
#include "test.h"

#define WAIT_MS 10000

typedef HRESULT (WINAPI *create_fn)(PCWSTR, PCWSTR, const SW_DEVICE_CREATE_INFO *, ULONG, const DEVPROPERTY *,
                                    SW_DEVICE_CREATE_CALLBACK, PVOID, PHSWDEVICE);
typedef HRESULT (WINAPI *register_fn)(HSWDEVICE, const GUID *, PCWSTR, ULONG, const DEVPROPERTY *, BOOL, PWSTR *);
typedef HRESULT (WINAPI *set_state_fn)(HSWDEVICE, PCWSTR, BOOL);
typedef void (WINAPI *close_fn)(HSWDEVICE);
typedef void (WINAPI *free_fn)(PVOID);
typedef CONFIGRET (WINAPI *cm_register_fn)(PCM_NOTIFY_FILTER, PVOID, PCM_NOTIFY_CALLBACK, PHCMNOTIFICATION);
typedef CONFIGRET (WINAPI *cm_unregister_fn)(HCMNOTIFICATION);

static create_fn pSwDeviceCreate;
static register_fn pSwDeviceInterfaceRegister;
static set_state_fn pSwDeviceInterfaceSetState;
static close_fn pSwDeviceClose;
static free_fn pSwMemFree;
static cm_register_fn pCM_Register_Notification;
static cm_unregister_fn pCM_Unregister_Notification;

/* An interface class of our own: no driver or service of the system listens for it. */
static const GUID test_class = { 0x5a1f0c3e, 0x7d2b, 0x4e8a, { 0x9b, 0x61, 0x3c, 0x0d, 0x52, 0xe4, 0xa7, 0x19 } };
static const WCHAR enumerator[] = L"WineNotifyTest";

/* What a creation callback saw. */
struct created
{
    HANDLE event;
    HSWDEVICE handle;
    HRESULT hr;
    WCHAR instance_id[MAX_DEVICE_ID_LEN];
    LONG calls;
    BOOL close_inside;       /* the callback closes its own device */
};

static void WINAPI on_created(HSWDEVICE handle, HRESULT hr, void *context, PCWSTR instance_id)
{
    struct created *c = context;

    c->handle = handle;
    c->hr = hr;
    if (instance_id) lstrcpynW(c->instance_id, instance_id, MAX_DEVICE_ID_LEN);
    if (c->close_inside) pSwDeviceClose(handle);
    InterlockedIncrement(&c->calls);
    SetEvent(c->event);
}

static void init_info(SW_DEVICE_CREATE_INFO *info, const WCHAR *instance)
{
    memset(info, 0, sizeof(*info));
    info->cbSize = sizeof(*info);
    info->pszInstanceId = instance;
    info->pszzHardwareIds = L"WineNotifyTestDevice\0";
    info->CapabilityFlags = SWDeviceCapabilitiesRemovable | SWDeviceCapabilitiesSilentInstall
                            | SWDeviceCapabilitiesNoDisplayInUI;
    info->pszDeviceDescription = L"winenotify test device";
}

/* Creates a device and waits for its callback.  FALSE (after a skip) where the system refuses: no admin rights. */
static BOOL create(const WCHAR *instance, struct created *c, HSWDEVICE *handle)
{
    SW_DEVICE_CREATE_INFO info;
    HRESULT hr;

    memset(c, 0, sizeof(*c));
    c->event = CreateEventW(NULL, TRUE, FALSE, NULL);
    init_info(&info, instance);
    hr = pSwDeviceCreate(enumerator, L"HTREE\\ROOT\\0", &info, 0, NULL, on_created, c, handle);
    if (hr == E_ACCESSDENIED || hr == HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED))
    {
        skip("SwDeviceCreate needs administrator rights\n");
        CloseHandle(c->event);
        return FALSE;
    }
    ok(hr == S_OK, "SwDeviceCreate: %#lx\n", hr);
    if (hr != S_OK) return FALSE;
    ok(!WaitForSingleObject(c->event, WAIT_MS), "no creation callback\n");
    if (c->hr == E_ACCESSDENIED || c->hr == HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED))
    {
        skip("creating a software device needs administrator rights\n");
        pSwDeviceClose(*handle);
        CloseHandle(c->event);
        return FALSE;
    }
    ok(c->hr == S_OK, "creation result %#lx\n", c->hr);
    ok(c->handle == *handle, "callback handle %p, not %p\n", c->handle, *handle);
    return c->hr == S_OK;
}

static void widen(WCHAR *buf, size_t len, const char *text)
{
    MultiByteToWideChar(CP_ACP, 0, text, -1, buf, (int)len);
}

static void unique_instance(WCHAR *buf, size_t len, const char *what)
{
    char text[64];

    snprintf(text, sizeof(text), "%s_%lu", what, GetCurrentProcessId());
    widen(buf, len, text);
}

static void test_arguments(void)
{
    SW_DEVICE_CREATE_INFO info;
    HSWDEVICE handle = (HSWDEVICE)0xdeadbeef;
    struct created c;
    HRESULT hr;

    memset(&c, 0, sizeof(c));
    init_info(&info, L"Arguments");
    hr = pSwDeviceCreate(enumerator, L"HTREE\\ROOT\\0", &info, 0, NULL, NULL, &c, &handle);
    ok(hr == E_INVALIDARG, "no callback: %#lx\n", hr);
    hr = pSwDeviceCreate(NULL, L"HTREE\\ROOT\\0", &info, 0, NULL, on_created, &c, &handle);
    ok(hr == E_INVALIDARG, "no enumerator: %#lx\n", hr);
    hr = pSwDeviceCreate(enumerator, L"HTREE\\ROOT\\0", NULL, 0, NULL, on_created, &c, &handle);
    ok(hr == E_INVALIDARG, "no create info: %#lx\n", hr);
    info.cbSize = sizeof(info) - 1;
    hr = pSwDeviceCreate(enumerator, L"HTREE\\ROOT\\0", &info, 0, NULL, on_created, &c, &handle);
    ok(hr == E_INVALIDARG, "cbSize - 1: %#lx\n", hr);
    info.cbSize = sizeof(info);
    info.pszInstanceId = NULL;
    hr = pSwDeviceCreate(enumerator, L"HTREE\\ROOT\\0", &info, 0, NULL, on_created, &c, &handle);
    ok(hr == E_INVALIDARG, "no instance ID: %#lx\n", hr);
    ok(!c.calls, "a callback for a refused call\n");
    pSwMemFree(NULL);
}

static void test_device(void)
{
    WCHAR instance[64], expect_id[MAX_DEVICE_ID_LEN], prefix[MAX_DEVICE_ID_LEN];
    PWSTR link = NULL, link2 = NULL;
    HSWDEVICE handle;
    struct created c;
    HRESULT hr;

    unique_instance(instance, ARRAYSIZE(instance), "Device");
    if (!create(instance, &c, &handle)) return;
    swprintf(expect_id, ARRAYSIZE(expect_id), L"SWD\\%ls\\%ls", enumerator, instance);
    ok(!lstrcmpiW(c.instance_id, expect_id), "instance ID %ls, expected %ls\n", c.instance_id, expect_id);

    hr = pSwDeviceInterfaceRegister(handle, NULL, NULL, 0, NULL, TRUE, &link);
    ok(hr == E_INVALIDARG, "no class: %#lx\n", hr);
    hr = pSwDeviceInterfaceRegister(handle, &test_class, NULL, 0, NULL, TRUE, &link);
    ok(hr == S_OK, "SwDeviceInterfaceRegister: %#lx\n", hr);
    if (hr == S_OK)
    {
        /* \\?\SWD#WINENOTIFYTEST#device_<pid>#{5a1f0c3e-7d2b-4e8a-9b61-3c0d52e4a719} */
        swprintf(prefix, ARRAYSIZE(prefix), L"\\\\?\\SWD#%ls#%ls#", enumerator, instance);
        ok(link && !_wcsnicmp(link, prefix, wcslen(prefix)), "link %ls\n", link);
        ok(link && wcsstr(link, L"{5a1f0c3e-7d2b-4e8a-9b61-3c0d52e4a719}") != NULL, "link %ls\n", link);
        hr = pSwDeviceInterfaceSetState(handle, link, FALSE);
        ok(hr == S_OK, "disable: %#lx\n", hr);
        hr = pSwDeviceInterfaceSetState(handle, link, TRUE);
        ok(hr == S_OK, "enable: %#lx\n", hr);
    }
    hr = pSwDeviceInterfaceRegister(handle, &test_class, L"second", 0, NULL, FALSE, &link2);
    ok(hr == S_OK, "with a reference string, disabled: %#lx\n", hr);
    if (hr == S_OK)
    {
        const WCHAR *ref = link2 ? wcsrchr(link2, '\\') : NULL;

        ok(ref && !lstrcmpiW(ref, L"\\second"), "link %ls\n", link2);
        hr = pSwDeviceInterfaceSetState(handle, link2, TRUE);
        ok(hr == S_OK, "enable: %#lx\n", hr);
        pSwMemFree(link2);
    }
    if (link) pSwMemFree(link);
    pSwDeviceClose(handle);
    ok(c.calls == 1, "%ld creation callbacks\n", c.calls);
    CloseHandle(c.event);
}

/* SwDeviceClose from inside the creation callback returns (better than a deadlock), and a device closed right
 * after SwDeviceCreate gets no callback once SwDeviceClose has returned. */
static void test_close(void)
{
    SW_DEVICE_CREATE_INFO info;
    WCHAR instance[64];
    HSWDEVICE handle;
    struct created c;
    LONG calls;
    HRESULT hr;

    unique_instance(instance, ARRAYSIZE(instance), "CloseInside");
    memset(&c, 0, sizeof(c));
    c.event = CreateEventW(NULL, TRUE, FALSE, NULL);
    c.close_inside = TRUE;
    init_info(&info, instance);
    hr = pSwDeviceCreate(enumerator, L"HTREE\\ROOT\\0", &info, 0, NULL, on_created, &c, &handle);
    if (hr == E_ACCESSDENIED || hr == HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED))
    {
        skip("SwDeviceCreate needs administrator rights\n");
        CloseHandle(c.event);
        return;
    }
    ok(hr == S_OK, "SwDeviceCreate: %#lx\n", hr);
    if (hr != S_OK) return;
    ok(!WaitForSingleObject(c.event, WAIT_MS), "the callback that closes its device did not return\n");
    CloseHandle(c.event);

    unique_instance(instance, ARRAYSIZE(instance), "CloseAtOnce");
    memset(&c, 0, sizeof(c));
    c.event = CreateEventW(NULL, TRUE, FALSE, NULL);
    init_info(&info, instance);
    hr = pSwDeviceCreate(enumerator, L"HTREE\\ROOT\\0", &info, 0, NULL, on_created, &c, &handle);
    ok(hr == S_OK, "SwDeviceCreate: %#lx\n", hr);
    if (hr != S_OK) return;
    pSwDeviceClose(handle);
    calls = c.calls;
    ok(calls <= 1, "%ld callbacks\n", calls);
    /* Other work meanwhile: the closed device's callback must not come. */
    test_device();
    ok(c.calls == calls, "a creation callback after SwDeviceClose returned\n");
    CloseHandle(c.event);
}

/* ---- another process ------------------------------------------------------------------------------------ */

/* The child: makes the device and its interface, says so, waits for the go, closes it and exits. */
static void child(int argc, char **argv)
{
    HANDLE ready, go;
    WCHAR instance[64];
    HSWDEVICE handle;
    struct created c;
    PWSTR link = NULL;
    HRESULT hr;

    if (argc < 6) return;
    widen(instance, ARRAYSIZE(instance), argv[3]);
    ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, argv[4]);
    go = OpenEventA(SYNCHRONIZE, FALSE, argv[5]);
    ok(ready && go, "events: %lu\n", GetLastError());
    if (!ready || !go || !create(instance, &c, &handle)) return;
    hr = pSwDeviceInterfaceRegister(handle, &test_class, NULL, 0, NULL, TRUE, &link);
    ok(hr == S_OK, "SwDeviceInterfaceRegister: %#lx\n", hr);
    SetEvent(ready);
    ok(!WaitForSingleObject(go, WAIT_MS), "no go from the parent\n");
    if (link) pSwMemFree(link);
    pSwDeviceClose(handle);
    CloseHandle(c.event);
}

#define MAX_SEEN 64

/* What the notifications told this process. */
struct seen
{
    CRITICAL_SECTION lock;
    HANDLE changed;
    int n;
    CM_NOTIFY_ACTION action[MAX_SEEN];
    WCHAR what[MAX_SEEN][MAX_DEVICE_ID_LEN + 64];
};

static DWORD CALLBACK on_notify(HCMNOTIFICATION notify, void *context, CM_NOTIFY_ACTION action,
                                CM_NOTIFY_EVENT_DATA *data, DWORD size)
{
    struct seen *s = context;
    const WCHAR *what = data->FilterType == CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE
                        ? data->u.DeviceInterface.SymbolicLink : data->u.DeviceInstance.InstanceId;

    (void)notify; (void)size;
    EnterCriticalSection(&s->lock);
    if (s->n < MAX_SEEN)
    {
        s->action[s->n] = action;
        lstrcpynW(s->what[s->n], what, ARRAYSIZE(s->what[0]));
        s->n++;
    }
    LeaveCriticalSection(&s->lock);
    SetEvent(s->changed);
    return ERROR_SUCCESS;
}

/* Waits until the nth event (from 1) of `action` about something starting with `prefix` arrived; its index or -1. */
static int wait_nth(struct seen *s, CM_NOTIFY_ACTION action, const WCHAR *prefix, int nth)
{
    ULONGLONG deadline = GetTickCount64() + WAIT_MS;

    for (;;)
    {
        int i, count = 0, found = -1;

        EnterCriticalSection(&s->lock);
        for (i = 0; i < s->n && found < 0; i++)
            if (s->action[i] == action && !_wcsnicmp(s->what[i], prefix, wcslen(prefix)) && ++count == nth)
                found = i;
        LeaveCriticalSection(&s->lock);
        if (found >= 0) return found;
        if (GetTickCount64() >= deadline) return -1;
        WaitForSingleObject(s->changed, (DWORD)(deadline - GetTickCount64()));
    }
}

static int wait_seen(struct seen *s, CM_NOTIFY_ACTION action, const WCHAR *prefix)
{
    return wait_nth(s, action, prefix, 1);
}

/* Registers for the test class's interfaces and for all instances; FALSE (after a skip) where that cannot be. */
static BOOL watch_start(void *context, PCM_NOTIFY_CALLBACK callback, HCMNOTIFICATION *iface_notify,
                        HCMNOTIFICATION *instance_notify)
{
    CM_NOTIFY_FILTER filter;
    CONFIGRET cr;

    *iface_notify = *instance_notify = NULL;
    if (!pCM_Register_Notification)
    {
        win_skip("no CM_Register_Notification\n");
        return FALSE;
    }
    memset(&filter, 0, sizeof(filter));
    filter.cbSize = sizeof(filter);
    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    filter.u.DeviceInterface.ClassGuid = test_class;
    cr = pCM_Register_Notification(&filter, context, callback, iface_notify);
    if (cr == CR_CALL_NOT_IMPLEMENTED)
    {
        /* Wine 8's cfgmgr32 lacks it, and so does ours until it implements it: the device's presence in the
         * other process is checked below through SwDeviceCreate itself meanwhile. */
        skip("CM_Register_Notification is not implemented: no notification checks\n");
        return FALSE;
    }
    ok(cr == CR_SUCCESS, "CM_Register_Notification (interface): %#lx\n", cr);
    memset(&filter, 0, sizeof(filter));
    filter.cbSize = sizeof(filter);
    filter.Flags = CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES;
    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE;
    cr = pCM_Register_Notification(&filter, context, callback, instance_notify);
    ok(cr == CR_SUCCESS, "CM_Register_Notification (instances): %#lx\n", cr);
    return cr == CR_SUCCESS;
}

/* Under Wine, the device IDs are one namespace for every process of the user: the child's device makes the same
 * ID taken here, and free again once the child closed it.  (Wine only: what Windows answers for another
 * process's ID is not known.) */
static void check_taken(const WCHAR *instance, BOOL taken)
{
    SW_DEVICE_CREATE_INFO info;
    HSWDEVICE handle;
    struct created c;
    HRESULT hr;

    if (!winetest_platform_is_wine) return;
    memset(&c, 0, sizeof(c));
    c.event = CreateEventW(NULL, TRUE, FALSE, NULL);
    init_info(&info, instance);
    hr = pSwDeviceCreate(enumerator, L"HTREE\\ROOT\\0", &info, 0, NULL, on_created, &c, &handle);
    ok(hr == S_OK, "SwDeviceCreate: %#lx\n", hr);
    if (hr != S_OK) return;
    ok(!WaitForSingleObject(c.event, WAIT_MS), "no creation callback\n");
    if (taken) ok(c.hr == HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS), "the other process's ID: %#lx\n", c.hr);
    else ok(c.hr == S_OK, "the ID after the other process closed its device: %#lx\n", c.hr);
    pSwDeviceClose(handle);
    CloseHandle(c.event);
}

/* The child closes its device when told to, or (terminate) is killed with it still open: either way it goes. */
static void test_other_process(BOOL terminate)
{
    HCMNOTIFICATION iface_notify, instance_notify;
    WCHAR instance[64], id[MAX_DEVICE_ID_LEN], link[MAX_DEVICE_ID_LEN + 64];
    char cmd[MAX_PATH + 256], exe[MAX_PATH], ready_name[64], go_name[64], instance_a[64];
    PROCESS_INFORMATION pi;
    STARTUPINFOA si;
    HANDLE ready, go;
    BOOL watching, made;
    struct seen s;

    memset(&s, 0, sizeof(s));
    InitializeCriticalSection(&s.lock);
    s.changed = CreateEventW(NULL, FALSE, FALSE, NULL);
    watching = watch_start(&s, on_notify, &iface_notify, &instance_notify);

    snprintf(instance_a, sizeof(instance_a), "%s_%lu", terminate ? "Killed" : "Child", GetCurrentProcessId());
    widen(instance, ARRAYSIZE(instance), instance_a);
    swprintf(id, ARRAYSIZE(id), L"SWD\\%ls\\%ls", enumerator, instance);
    swprintf(link, ARRAYSIZE(link), L"\\\\?\\SWD#%ls#%ls#", enumerator, instance);
    snprintf(ready_name, sizeof(ready_name), "winenotify-swd-ready-%lu", GetCurrentProcessId());
    snprintf(go_name, sizeof(go_name), "winenotify-swd-go-%lu", GetCurrentProcessId());
    ready = CreateEventA(NULL, TRUE, FALSE, ready_name);
    go = CreateEventA(NULL, TRUE, FALSE, go_name);

    GetModuleFileNameA(NULL, exe, sizeof(exe));
    snprintf(cmd, sizeof(cmd), "\"%s\" swdevice child %s %s %s", exe, instance_a, ready_name, go_name);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    ok(CreateProcessA(exe, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi), "CreateProcess: %lu\n",
       GetLastError());
    /* The child signals only once its device and interface exist. */
    made = !WaitForSingleObject(ready, WAIT_MS);
    if (!made) skip("the child made no device (no administrator rights)\n");
    if (made && watching)
    {
        int enumerated = wait_seen(&s, CM_NOTIFY_ACTION_DEVICEINSTANCEENUMERATED, id);
        int started = wait_seen(&s, CM_NOTIFY_ACTION_DEVICEINSTANCESTARTED, id);

        ok(enumerated >= 0, "no INSTANCEENUMERATED for %ls\n", id);
        ok(started >= 0, "no INSTANCESTARTED for %ls\n", id);
        ok(enumerated < 0 || started < 0 || enumerated < started, "started before enumerated\n");
        ok(wait_seen(&s, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, link) >= 0, "no INTERFACEARRIVAL for %ls...\n",
           link);
    }
    if (made) check_taken(instance, TRUE);
    if (terminate) TerminateProcess(pi.hProcess, 1);
    else SetEvent(go);
    ok(!WaitForSingleObject(pi.hProcess, WAIT_MS), "the child did not exit\n");
    if (made && watching)
    {
        ok(wait_seen(&s, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, link) >= 0, "no INTERFACEREMOVAL for %ls...\n",
           link);
        ok(wait_seen(&s, CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED, id) >= 0, "no INSTANCEREMOVED for %ls\n", id);
    }
    /* Without notifications nothing says when a killed process's device is gone. */
    if (made && (watching || !terminate)) check_taken(instance, FALSE);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    if (iface_notify) pCM_Unregister_Notification(iface_notify);
    if (instance_notify) pCM_Unregister_Notification(instance_notify);
    CloseHandle(ready);
    CloseHandle(go);
    CloseHandle(s.changed);
    DeleteCriticalSection(&s.lock);
}

/* This process's own device: instance and interface events for each step, the link as SwDeviceInterfaceRegister
 * gave it, and both removed on close. */
static void test_same_process(void)
{
    HCMNOTIFICATION iface_notify, instance_notify;
    WCHAR instance[64], id[MAX_DEVICE_ID_LEN];
    int arrival, removed;
    PWSTR link = NULL;
    HSWDEVICE handle;
    struct created c;
    struct seen s;
    HRESULT hr;

    memset(&s, 0, sizeof(s));
    InitializeCriticalSection(&s.lock);
    s.changed = CreateEventW(NULL, FALSE, FALSE, NULL);
    if (!watch_start(&s, on_notify, &iface_notify, &instance_notify)) goto done;
    unique_instance(instance, ARRAYSIZE(instance), "Watched");
    swprintf(id, ARRAYSIZE(id), L"SWD\\%ls\\%ls", enumerator, instance);
    if (!create(instance, &c, &handle)) goto done;
    ok(wait_seen(&s, CM_NOTIFY_ACTION_DEVICEINSTANCESTARTED, id) >= 0, "no INSTANCESTARTED for %ls\n", id);
    hr = pSwDeviceInterfaceRegister(handle, &test_class, NULL, 0, NULL, TRUE, &link);
    ok(hr == S_OK, "SwDeviceInterfaceRegister: %#lx\n", hr);
    if (hr == S_OK && link)
    {
        arrival = wait_seen(&s, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, link);
        ok(arrival >= 0, "no INTERFACEARRIVAL for %ls\n", link);
        if (arrival >= 0) ok(!lstrcmpiW(s.what[arrival], link), "arrival of %ls, not %ls\n", s.what[arrival], link);
        /* Ours gives both in one form (SPEC.md §6); what Windows' casing of the returned string is, is not known. */
        if (arrival >= 0 && winetest_platform_is_wine)
            ok(!lstrcmpW(s.what[arrival], link), "arrival of %ls, not %ls\n", s.what[arrival], link);
        ok(pSwDeviceInterfaceSetState(handle, link, FALSE) == S_OK, "disable failed\n");
        ok(wait_seen(&s, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, link) >= 0, "no INTERFACEREMOVAL on disable\n");
        ok(pSwDeviceInterfaceSetState(handle, link, TRUE) == S_OK, "enable failed\n");
        ok(wait_nth(&s, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, link, 2) >= 0, "no INTERFACEARRIVAL on enable\n");
    }
    pSwDeviceClose(handle);
    removed = wait_seen(&s, CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED, id);
    ok(removed >= 0, "no INSTANCEREMOVED for %ls\n", id);
    if (link)
    {
        /* Not compared with the device's removal: the two come through two registrations, whose callbacks run
         * on threads of their own in no defined order (on Windows too).  The order of the helper's records,
         * interfaces before their device, is tests/test_swd.c's. */
        ok(wait_nth(&s, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, link, 2) >= 0, "no INTERFACEREMOVAL on close\n");
        pSwMemFree(link);
    }
    CloseHandle(c.event);
done:
    if (iface_notify) pCM_Unregister_Notification(iface_notify);
    if (instance_notify) pCM_Unregister_Notification(instance_notify);
    CloseHandle(s.changed);
    DeleteCriticalSection(&s.lock);
}

/* Sw* calls made from inside CM_Register_Notification callbacks: on its device's start the device registers an
 * interface, on that interface's arrival it disables it, on its removal it closes the device.  Each call must
 * return its real result (not wait for an answer that can never come) and cause its events, and the device
 * closed from a callback must really go, not stay until the process exits. */
struct inside
{
    struct seen s;           /* first: on_notify() records into it */
    HSWDEVICE handle;        /* set by SwDeviceCreate before it starts the creation */
    struct created *created; /* its event exists before SwDeviceCreate is called */
    WCHAR id[MAX_DEVICE_ID_LEN], prefix[MAX_DEVICE_ID_LEN + 64];
    LONG step;
    HANDLE registered;       /* SwDeviceInterfaceRegister returned */
    HANDLE closed_event;     /* SwDeviceClose returned */
    HRESULT register_hr, disable_hr;
    PWSTR link;
    BOOL closed;
};

static DWORD CALLBACK on_notify_inside(HCMNOTIFICATION notify, void *context, CM_NOTIFY_ACTION action,
                                       CM_NOTIFY_EVENT_DATA *data, DWORD size)
{
    struct inside *in = context;
    const WCHAR *what = data->FilterType == CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE
                        ? data->u.DeviceInterface.SymbolicLink : data->u.DeviceInstance.InstanceId;

    /* The interface and instance registrations may call back on two threads at once: each step is taken once,
     * and only after the one before it returned. */
    if (action == CM_NOTIFY_ACTION_DEVICEINSTANCESTARTED && !lstrcmpiW(what, in->id)
        && !InterlockedCompareExchange(&in->step, 1, 0))
    {
        /* Interfaces may be registered once the creation callback ran, which may come after the start. */
        ok(!WaitForSingleObject(in->created->event, WAIT_MS), "no creation callback\n");
        in->register_hr = pSwDeviceInterfaceRegister(in->handle, &test_class, NULL, 0, NULL, TRUE, &in->link);
        InterlockedExchange(&in->step, 2);
        SetEvent(in->registered);
    }
    else if (action == CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL && !_wcsnicmp(what, in->prefix, wcslen(in->prefix)))
    {
        /* The arrival may come before SwDeviceInterfaceRegister returns on the other thread. */
        ok(!WaitForSingleObject(in->registered, WAIT_MS), "SwDeviceInterfaceRegister did not return\n");
        if (InterlockedCompareExchange(&in->step, 3, 2) == 2)
        {
            in->disable_hr = in->link ? pSwDeviceInterfaceSetState(in->handle, in->link, FALSE) : E_POINTER;
            InterlockedExchange(&in->step, 4);
        }
    }
    else if (action == CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL && !_wcsnicmp(what, in->prefix, wcslen(in->prefix))
             && InterlockedCompareExchange(&in->step, 5, 4) == 4)
    {
        pSwDeviceClose(in->handle);
        in->closed = TRUE;
        SetEvent(in->closed_event);
    }
    return on_notify(notify, &in->s, action, data, size);
}

static void test_inside_callback(void)
{
    HCMNOTIFICATION iface_notify, instance_notify;
    WCHAR instance[64];
    struct inside in;
    struct created c;

    memset(&in, 0, sizeof(in));
    InitializeCriticalSection(&in.s.lock);
    in.s.changed = CreateEventW(NULL, FALSE, FALSE, NULL);
    in.registered = CreateEventW(NULL, TRUE, FALSE, NULL);
    in.closed_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    unique_instance(instance, ARRAYSIZE(instance), "Inside");
    swprintf(in.id, ARRAYSIZE(in.id), L"SWD\\%ls\\%ls", enumerator, instance);
    swprintf(in.prefix, ARRAYSIZE(in.prefix), L"\\\\?\\SWD#%ls#%ls#", enumerator, instance);

    if (!watch_start(&in, on_notify_inside, &iface_notify, &instance_notify)) goto done;
    in.created = &c;
    if (!create(instance, &c, &in.handle)) goto done;

    ok(wait_seen(&in.s, CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED, in.id) >= 0, "no INSTANCEREMOVED for %ls (step %ld)\n",
       in.id, in.step);
    ok(in.register_hr == S_OK, "SwDeviceInterfaceRegister in a callback: %#lx\n", in.register_hr);
    ok(in.disable_hr == S_OK, "SwDeviceInterfaceSetState in a callback: %#lx\n", in.disable_hr);
    /* The device's removal is announced before SwDeviceClose has its answer and returns. */
    ok(!WaitForSingleObject(in.closed_event, WAIT_MS) && in.closed, "SwDeviceClose in a callback did not return\n");
    ok(wait_seen(&in.s, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, in.prefix) >= 0, "no INTERFACEARRIVAL\n");
    ok(wait_seen(&in.s, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, in.prefix) >= 0, "no INTERFACEREMOVAL\n");
    /* Gone for good, not only announced: the ID is free again. */
    if (in.closed) check_taken(instance, FALSE);
    if (in.link) pSwMemFree(in.link);
    CloseHandle(c.event);
done:
    if (iface_notify) pCM_Unregister_Notification(iface_notify);
    if (instance_notify) pCM_Unregister_Notification(instance_notify);
    CloseHandle(in.registered);
    CloseHandle(in.closed_event);
    CloseHandle(in.s.changed);
    DeleteCriticalSection(&in.s.lock);
}

START_TEST(swdevice)
{
    HMODULE cfgmgr32 = LoadLibraryA("cfgmgr32.dll");
    char **argv;
    int argc = winetest_get_mainargs(&argv);

    pSwDeviceCreate = (create_fn)(void *)GetProcAddress(cfgmgr32, "SwDeviceCreate");
    pSwDeviceInterfaceRegister = (register_fn)(void *)GetProcAddress(cfgmgr32, "SwDeviceInterfaceRegister");
    pSwDeviceInterfaceSetState = (set_state_fn)(void *)GetProcAddress(cfgmgr32, "SwDeviceInterfaceSetState");
    pSwDeviceClose = (close_fn)(void *)GetProcAddress(cfgmgr32, "SwDeviceClose");
    pSwMemFree = (free_fn)(void *)GetProcAddress(cfgmgr32, "SwMemFree");
    pCM_Register_Notification = (cm_register_fn)(void *)GetProcAddress(cfgmgr32, "CM_Register_Notification");
    pCM_Unregister_Notification = (cm_unregister_fn)(void *)GetProcAddress(cfgmgr32, "CM_Unregister_Notification");
    if (!pSwDeviceCreate || !pSwDeviceClose)
    {
        win_skip("no SwDeviceCreate (before Windows 8)\n");
        return;
    }
    if (argc >= 3 && !strcmp(argv[2], "child"))
    {
        child(argc, argv);
        return;
    }
    test_arguments();
    test_device();
    test_close();
    test_same_process();
    test_inside_callback();
    test_other_process(FALSE);
    test_other_process(TRUE);
}
