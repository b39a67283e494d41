/* A device of Wine's own model arrives and leaves (issue 17, "never worse than the system"): a root-enumerated
 * device of Wine's PnP tree, installed the way Wine installs its own (setupapi's DIF_REGISTERDEVICE, then newdev's
 * UpdateDriverForPlugAndPlayDevicesW with an INF; Wine's ntoskrnl loads the driver, winetest/pnpdriver.c, in
 * winedevice.exe and its AddDevice registers an interface, enabled at start) and removed with DIF_REMOVE.  Its
 * interface's events are Wine's own (plugplay), like winebus' HID devices' would be on a machine with hidraw.
 *
 * Where the system's CM_Register_Notification gives a registration (Wine 10.4 and later), ours, registered for the
 * interface's class, reports the arrival exactly once with Wine's link, and the removal once, as the system's
 * registration beside it does; a handle filter on the open device hears the driver's custom event through ours.
 * Where it gives none (Wine 8 has no CM_Register_Notification; Debian's 10.0 has a stub), ours takes Wine's events
 * from sechost's I_ScRegisterDeviceNotification, the source of user32's RegisterDeviceNotificationW, in the builds
 * whose arguments were measured (Wine 8.0 x86_64 and Wine 10.0: see dlls/cfgmgr32/wine_devices.c): the arrival once
 * with Wine's link and the removal once, as a window registered with RegisterDeviceNotificationW hears them beside
 * it (measured here too).  Ours does not use the window's route: it needs a window, whose creation makes Wine
 * rewrite the prefix's display keys.  In another Wine without the system's registration, ours reports nothing of
 * Wine's devices: never worse than the system and nothing invented.  Handle filters are followed only where the
 * system's CM registration is.
 *
 * Instance filters (the device's instance ID, and all instances) hear the device wherever ours hears its
 * interface, though Wine's own instance filters are CR_CALL_NOT_IMPLEMENTED: ENUMERATED then STARTED at its
 * arrival, REMOVED at its removal, each once, with Windows' event data; one made while the device is there hears
 * only its removal; none hears anything after CM_Unregister_Notification returned.
 *
 * Wine only: on Windows an unsigned driver is not loaded.  The driver is 64-bit under a 64-bit Wine (WoW64 loads
 * drivers in the 64-bit winedevice.exe), so the i386 program takes winetest/x86_64's there. */
#include <winsock2.h>
#include <windows.h>
#include <dbt.h>
#include <setupapi.h>
#include <newdev.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "test.h"
#include "sysdir.h"
#include "winenotify/cfgmgr32_notify.h"

#include "pnpdriver.h"

#define WAIT_MS 15000
#define SETTLE_MS 1000
#define MAX_RECORDS 32
#define DRIVER_FILE "wnpnpdrv.sys"
#define INSTANCE_ID "ROOT\\WINENOTIFY\\0"

typedef CONFIGRET (WINAPI *register_fn)(PCM_NOTIFY_FILTER, PVOID, PCM_NOTIFY_CALLBACK, PHCMNOTIFICATION);
typedef CONFIGRET (WINAPI *unregister_fn)(HCMNOTIFICATION);

static register_fn pCM_Register_Notification, sys_register;
static unregister_fn pCM_Unregister_Notification, sys_unregister;

static const char *dbgstr_w(const WCHAR *text)
{
    static char buffers[4][600];
    static LONG next;
    char *buf = buffers[InterlockedIncrement(&next) % 4];

    if (!text) return "(null)";
    WideCharToMultiByte(CP_UTF8, 0, text, -1, buf, sizeof(buffers[0]), NULL, NULL);
    return buf;
}

struct record
{
    CM_NOTIFY_ACTION action;
    CM_NOTIFY_FILTER_TYPE type;
    WCHAR link[MAX_DEVICE_ID_LEN + 64];
    GUID event;
    char data[32];
    DWORD size;
};

struct recorder
{
    CRITICAL_SECTION cs;
    HANDLE signal;
    struct record records[MAX_RECORDS];
    LONG count;
};

static DWORD CALLBACK record_callback(HCMNOTIFICATION handle, void *context, CM_NOTIFY_ACTION action,
                                      CM_NOTIFY_EVENT_DATA *data, DWORD size)
{
    struct recorder *r = context;
    struct record rec;

    (void)handle;
    memset(&rec, 0, sizeof(rec));
    rec.action = action;
    rec.type = data->FilterType;
    rec.size = size;
    if (data->FilterType == CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE)
    {
        /* An all-instances registration hears other devices too: only the test's is recorded. */
        if (_wcsicmp(data->u.DeviceInstance.InstanceId, L"" INSTANCE_ID)) return ERROR_SUCCESS;
        lstrcpynW(rec.link, data->u.DeviceInstance.InstanceId, ARRAY_SIZE(rec.link));
    }
    else if (data->FilterType == CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE)
    {
        if (!IsEqualGUID(&data->u.DeviceInterface.ClassGuid, &wn_pnpdriver_class)) return ERROR_SUCCESS;
        lstrcpynW(rec.link, data->u.DeviceInterface.SymbolicLink, ARRAY_SIZE(rec.link));
    }
    else if (data->FilterType == CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE && size >= sizeof(*data))
    {
        rec.event = data->u.DeviceHandle.EventGuid;
        memcpy(rec.data, data->u.DeviceHandle.Data, min(data->u.DeviceHandle.DataSize, sizeof(rec.data) - 1));
    }
    trace("action %d, %s\n", action, dbgstr_w(rec.link));
    EnterCriticalSection(&r->cs);
    if (r->count < MAX_RECORDS) r->records[r->count++] = rec;
    LeaveCriticalSection(&r->cs);
    SetEvent(r->signal);
    return ERROR_SUCCESS;
}

static void recorder_init(struct recorder *r)
{
    memset(r, 0, sizeof(*r));
    InitializeCriticalSection(&r->cs);
    r->signal = CreateEventW(NULL, FALSE, FALSE, NULL);
}

static void recorder_free(struct recorder *r)
{
    CloseHandle(r->signal);
    DeleteCriticalSection(&r->cs);
}

/* How many records of this action there are once `count` of them came or WAIT_MS passed, and then SETTLE_MS more
 * (a second, duplicate event would come meanwhile); the first one's index in *first. */
static int count_records(struct recorder *r, CM_NOTIFY_ACTION action, int count, int *first)
{
    ULONGLONG deadline = GetTickCount64() + WAIT_MS;
    BOOL settled = FALSE;
    int i, n;

    for (;;)
    {
        n = 0;
        *first = -1;
        EnterCriticalSection(&r->cs);
        for (i = 0; i < r->count; i++)
            if (r->records[i].action == action && !n++) *first = i;
        LeaveCriticalSection(&r->cs);
        if (settled) return n;
        if (n >= count || GetTickCount64() >= deadline)
        {
            Sleep(SETTLE_MS);
            settled = TRUE;
            continue;
        }
        WaitForSingleObject(r->signal, (DWORD)(deadline - GetTickCount64()));
    }
}

static HCMNOTIFICATION register_class(register_fn fn, struct recorder *r, CONFIGRET *ret)
{
    CM_NOTIFY_FILTER filter = { .cbSize = sizeof(filter) };
    HCMNOTIFICATION handle = NULL;

    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    filter.u.DeviceInterface.ClassGuid = wn_pnpdriver_class;
    *ret = fn(&filter, r, record_callback, &handle);
    return *ret == CR_SUCCESS ? handle : NULL;
}

/* An instance registration: the test's device, or every device. */
static HCMNOTIFICATION register_instance(struct recorder *r, BOOL all)
{
    CM_NOTIFY_FILTER filter = { .cbSize = sizeof(filter) };
    HCMNOTIFICATION handle = NULL;
    CONFIGRET ret;

    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE;
    if (all) filter.Flags = CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES;
    else wcscpy(filter.u.DeviceInstance.InstanceId, L"" INSTANCE_ID);
    ret = pCM_Register_Notification(&filter, r, record_callback, &handle);
    ok(ret == CR_SUCCESS, "instance registration (all %d): %#lx\n", all, ret);
    return ret == CR_SUCCESS ? handle : NULL;
}

/* No callback after CM_Unregister_Notification returned (a late one would be recorded meanwhile). */
static void check_unregister(HCMNOTIFICATION handle, struct recorder *r)
{
    LONG n;

    ok(pCM_Unregister_Notification(handle) == CR_SUCCESS, "unregistering an instance filter failed\n");
    EnterCriticalSection(&r->cs);
    n = r->count;
    LeaveCriticalSection(&r->cs);
    Sleep(SETTLE_MS / 4);
    ok(r->count == n, "%ld callbacks after CM_Unregister_Notification returned\n", r->count - n);
}

/* What an instance registration heard of the device's arrival: ENUMERATED then STARTED, each once, with Windows'
 * event data (the structure up to the instance ID, then the ID and its terminator); none without a source. */
static void check_instance_arrival(struct recorder *r, const char *what, BOOL gives)
{
    DWORD size = offsetof(CM_NOTIFY_EVENT_DATA, u.DeviceInstance.InstanceId[ARRAY_SIZE(INSTANCE_ID)]);
    int enumerated, started, n;

    n = count_records(r, CM_NOTIFY_ACTION_DEVICEINSTANCESTARTED, gives ? 1 : 0, &started);
    ok(n == (gives ? 1 : 0), "%s: %d starts\n", what, n);
    n = count_records(r, CM_NOTIFY_ACTION_DEVICEINSTANCEENUMERATED, 0, &enumerated);
    ok(n == (gives ? 1 : 0), "%s: %d enumerations\n", what, n);
    if (!gives || enumerated < 0 || started < 0) return;
    ok(enumerated < started, "%s: started (%d) before it was enumerated (%d)\n", what, started, enumerated);
    ok(r->records[enumerated].type == CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE, "%s: type %d\n", what,
       r->records[enumerated].type);
    ok(r->records[enumerated].size == size, "%s: enumeration of %lu bytes, not %lu\n", what,
       r->records[enumerated].size, size);
    ok(r->records[started].size == size, "%s: start of %lu bytes, not %lu\n", what, r->records[started].size, size);
}

static void check_instance_removal(struct recorder *r, const char *what, BOOL gives)
{
    DWORD size = offsetof(CM_NOTIFY_EVENT_DATA, u.DeviceInstance.InstanceId[ARRAY_SIZE(INSTANCE_ID)]);
    int removed, started, n;

    n = count_records(r, CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED, gives ? 1 : 0, &removed);
    ok(n == (gives ? 1 : 0), "%s: %d removals\n", what, n);
    if (!gives || removed < 0) return;
    ok(r->records[removed].size == size, "%s: removal of %lu bytes, not %lu\n", what, r->records[removed].size,
       size);
    n = count_records(r, CM_NOTIFY_ACTION_DEVICEINSTANCESTARTED, 0, &started);
    ok(n == 1 && started < removed, "%s: removed (%d) before it started (%d)\n", what, removed, started);
}

/* A registration for every interface class (the recorder keeps the device's class only). */
static HCMNOTIFICATION register_all(register_fn fn, struct recorder *r, CONFIGRET *ret)
{
    CM_NOTIFY_FILTER filter = { .cbSize = sizeof(filter) };
    HCMNOTIFICATION handle = NULL;

    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    filter.Flags = CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES;
    *ret = fn(&filter, r, record_callback, &handle);
    return *ret == CR_SUCCESS ? handle : NULL;
}

/* ---- installing and removing the device --------------------------------------------------------------------- */

static const char inf_text[] =
    "[Version]\n"
    "Signature=$Chicago$\n"
    "ClassGuid={4d36e97d-e325-11ce-bfc1-08002be10318}\n"
    "Class=System\n"
    "DriverVer=12/07/2026,1.0.0.0\n"
    "[Manufacturer]\n"
    "winenotify=models\n"
    "[models]\n"
    "winenotify test device=device_section," WN_PNPDRIVER_HWID "\n"
    "[device_section]\n"
    "CopyFiles=file_section\n"
    "[device_section.Services]\n"
    "AddService=" WN_PNPDRIVER_SERVICE ",0x2,service_section\n"
    "[file_section]\n"
    DRIVER_FILE "\n"
    "[SourceDisksFiles]\n"
    DRIVER_FILE "=1\n"
    "[SourceDisksNames]\n"
    "1=,"  DRIVER_FILE "\n"
    "[DestinationDirs]\n"
    "DefaultDestDir=12\n"
    "[service_section]\n"
    "ServiceBinary=%12%\\" DRIVER_FILE "\n"
    "ServiceType=1\n"
    "StartType=3\n"
    "ErrorControl=1\n";

/* The driver built for the system's winedevice.exe, in the build tree (a Unix path, WINETEST_DRIVER_DIR): this
 * program's architecture, or x86_64 for a 32-bit program of a 64-bit Wine. */
static BOOL driver_source(char *path, size_t size)
{
    WCHAR *(CDECL *dos_name)(const char *) = (void *)GetProcAddress(GetModuleHandleA("kernel32.dll"),
                                                                    "wine_get_dos_file_name");
    char unix_path[MAX_PATH];
    BOOL wow64 = FALSE;
    WCHAR *name;
    int len;

    IsWow64Process(GetCurrentProcess(), &wow64);
#ifdef _WIN64
    snprintf(unix_path, sizeof(unix_path), "%s/x86_64/%s", WINETEST_DRIVER_DIR, DRIVER_FILE);
#else
    snprintf(unix_path, sizeof(unix_path), "%s/%s/%s", WINETEST_DRIVER_DIR, wow64 ? "x86_64" : "i386", DRIVER_FILE);
#endif
    if (!dos_name || !(name = dos_name(unix_path))) return FALSE;
    len = WideCharToMultiByte(CP_ACP, 0, name, -1, path, (int)size, NULL, NULL);
    HeapFree(GetProcessHeap(), 0, name);
    return len > 0 && GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES;
}

/* The INF and the driver in a directory of their own; the INF's path in inf. */
static BOOL write_package(char *inf, size_t size)
{
    char dir[MAX_PATH], source[MAX_PATH], sys[MAX_PATH];
    DWORD written;
    HANDLE file;
    BOOL ret;

    if (!driver_source(source, sizeof(source)))
    {
        skip("no %s in %s\n", DRIVER_FILE, WINETEST_DRIVER_DIR);
        return FALSE;
    }
    GetTempPathA(sizeof(dir), dir);
    lstrcatA(dir, "wnpnpdrv");
    CreateDirectoryA(dir, NULL);
    snprintf(sys, sizeof(sys), "%s\\%s", dir, DRIVER_FILE);
    snprintf(inf, size, "%s\\wnpnpdrv.inf", dir);
    ret = CopyFileA(source, sys, FALSE);
    ok(ret, "copying %s: %lu\n", source, GetLastError());
    file = CreateFileA(inf, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    ok(file != INVALID_HANDLE_VALUE, "creating %s: %lu\n", inf, GetLastError());
    if (!ret || file == INVALID_HANDLE_VALUE) return FALSE;
    ret = WriteFile(file, inf_text, sizeof(inf_text) - 1, &written, NULL);
    CloseHandle(file);
    return ret;
}

static void delete_package(const char *inf)
{
    char path[MAX_PATH], *slash;

    DeleteFileA(inf);
    lstrcpynA(path, inf, sizeof(path));
    if (!(slash = strrchr(path, '\\'))) return;
    lstrcpyA(slash + 1, DRIVER_FILE);
    DeleteFileA(path);
    *slash = 0;
    RemoveDirectoryA(path);
}


/* The device node, its driver installed: Wine starts the device, whose interface arrives. */
static BOOL install_here(const char *inf)
{
    static const char hwid[] = WN_PNPDRIVER_HWID "\0";
    static const GUID no_class;
    BOOL (WINAPI *update)(HWND, const char *, const char *, DWORD, BOOL *);
    HMODULE newdev = LoadLibraryA("newdev.dll");
    SP_DEVINFO_DATA device = { .cbSize = sizeof(device) };
    BOOL reboot = FALSE, ret;
    HDEVINFO set;

    update = newdev ? (void *)GetProcAddress(newdev, "UpdateDriverForPlugAndPlayDevicesA") : NULL;
    if (!update)
    {
        skip("no UpdateDriverForPlugAndPlayDevicesA\n");
        return FALSE;
    }
    set = SetupDiCreateDeviceInfoList(NULL, NULL);
    ok(set != INVALID_HANDLE_VALUE, "SetupDiCreateDeviceInfoList: %lu\n", GetLastError());
    if (set == INVALID_HANDLE_VALUE) return FALSE;
    ret = SetupDiCreateDeviceInfoA(set, INSTANCE_ID, &no_class, NULL, NULL, 0, &device);
    ok(ret, "SetupDiCreateDeviceInfoA: %#lx\n", GetLastError());
    if (ret)
    {
        ret = SetupDiSetDeviceRegistryPropertyA(set, &device, SPDRP_HARDWAREID, (const BYTE *)hwid, sizeof(hwid));
        ok(ret, "hardware ID: %#lx\n", GetLastError());
        ret = SetupDiCallClassInstaller(DIF_REGISTERDEVICE, set, &device);
        ok(ret, "DIF_REGISTERDEVICE: %#lx\n", GetLastError());
    }
    SetupDiDestroyDeviceInfoList(set);
    if (!ret) return FALSE;
    ret = update(NULL, WN_PNPDRIVER_HWID, inf, INSTALLFLAG_FORCE, &reboot);
    ok(ret, "UpdateDriverForPlugAndPlayDevicesA: %#lx\n", GetLastError());
    return ret;
}

/* A 32-bit program of a 64-bit Wine installs through the 64-bit copy of this program: services.exe runs a driver
 * service that a 32-bit process created in a 32-bit winedevice.exe (measured, Wine 11), which cannot load the
 * 64-bit driver, as a 64-bit Windows loads no 32-bit driver. */
static BOOL install_device(const char *inf)
{
#ifndef _WIN64
    WCHAR *(CDECL *dos_name)(const char *) = (void *)GetProcAddress(GetModuleHandleA("kernel32.dll"),
                                                                    "wine_get_dos_file_name");
    STARTUPINFOA si = { .cb = sizeof(si) };
    PROCESS_INFORMATION pi;
    char cmd[3 * MAX_PATH];
    BOOL wow64 = FALSE;
    DWORD code = 1;
    WCHAR *name;

    IsWow64Process(GetCurrentProcess(), &wow64);
    if (wow64)
    {
        if (!dos_name || !(name = dos_name(WINETEST_DRIVER_DIR "/x86_64/winedevice.exe")))
        {
            skip("no 64-bit copy of this program to install the 64-bit driver with\n");
            return FALSE;
        }
        snprintf(cmd, sizeof(cmd), "\"%ls\" winedevice install \"%s\"", name, inf);
        HeapFree(GetProcessHeap(), 0, name);
        if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        {
            ok(0, "starting %s: %lu\n", cmd, GetLastError());
            return FALSE;
        }
        WaitForSingleObject(pi.hProcess, INFINITE);
        GetExitCodeProcess(pi.hProcess, &code);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
        ok(!code, "the 64-bit installation: %lu\n", code);
        return !code;
    }
#endif
    return install_here(inf);
}

static void remove_device(void)
{
    SP_DEVINFO_DATA device = { .cbSize = sizeof(device) };
    HDEVINFO set = SetupDiCreateDeviceInfoList(NULL, NULL);
    BOOL ret = SetupDiOpenDeviceInfoA(set, INSTANCE_ID, NULL, 0, &device);

    ok(ret, "SetupDiOpenDeviceInfoA: %#lx\n", GetLastError());
    if (ret) ret = SetupDiCallClassInstaller(DIF_REMOVE, set, &device);
    ok(ret, "DIF_REMOVE: %#lx\n", GetLastError());
    SetupDiDestroyDeviceInfoList(set);
}

/* The device's interface as Wine's setupapi lists it (present): its link in link, FALSE if none. */
static BOOL listed_link(WCHAR *link, size_t len)
{
    SP_DEVICE_INTERFACE_DATA iface = { .cbSize = sizeof(iface) };
    union
    {
        SP_DEVICE_INTERFACE_DETAIL_DATA_W detail;
        BYTE bytes[sizeof(SP_DEVICE_INTERFACE_DETAIL_DATA_W) + (MAX_DEVICE_ID_LEN + 64) * sizeof(WCHAR)];
    } u;
    HDEVINFO set = SetupDiGetClassDevsW(&wn_pnpdriver_class, NULL, NULL, DIGCF_DEVICEINTERFACE | DIGCF_PRESENT);
    BOOL ret;

    if (set == INVALID_HANDLE_VALUE) return FALSE;
    u.detail.cbSize = sizeof(u.detail);
    ret = SetupDiEnumDeviceInterfaces(set, NULL, &wn_pnpdriver_class, 0, &iface) &&
          SetupDiGetDeviceInterfaceDetailW(set, &iface, &u.detail, sizeof(u), NULL, NULL);
    if (ret) lstrcpynW(link, u.detail.DevicePath, (int)len);
    SetupDiDestroyDeviceInfoList(set);
    return ret;
}

/* ---- the tests ---------------------------------------------------------------------------------------------- */

/* A handle filter on the device, opened by its link: the driver's custom event comes through ours (which bridges
 * the system's registration, so that no callback follows CM_Unregister_Notification). */
static void test_handle_event(const WCHAR *link, BOOL system_gives)
{
    CM_NOTIFY_FILTER filter = { .cbSize = sizeof(filter) };
    HCMNOTIFICATION handle = NULL, sys_handle = NULL;
    struct recorder r, s;
    BOOL wow64 = FALSE;
    CONFIGRET ret;
    DWORD bytes;
    HANDLE file;
    int first, sys_first, n;

    IsWow64Process(GetCurrentProcess(), &wow64);

    file = CreateFileW(link, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    ok(file != INVALID_HANDLE_VALUE, "opening %s: %lu\n", dbgstr_w(link), GetLastError());
    if (file == INVALID_HANDLE_VALUE) return;
    recorder_init(&r);
    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE;
    filter.u.DeviceHandle.hTarget = file;
    ret = pCM_Register_Notification(&filter, &r, record_callback, &handle);
    if (!system_gives)
    {
        /* The system's answer for the same handle, whatever it is (Wine 8 has no function, 10.0 a stub). */
        CONFIGRET expect = sys_register ? sys_register(&filter, &r, record_callback, &sys_handle)
                                        : CR_CALL_NOT_IMPLEMENTED;

        if (expect == CR_SUCCESS && sys_handle) sys_unregister(sys_handle);
        sys_handle = NULL;
        ok(ret == expect, "handle filter: %#lx, the system's %#lx\n", ret, expect);
        goto done;
    }
    ok(ret == CR_SUCCESS, "handle filter: %#lx\n", ret);
    if (ret != CR_SUCCESS) goto done;
    recorder_init(&s);
    ok(sys_register(&filter, &s, record_callback, &sys_handle) == CR_SUCCESS, "the system's handle filter failed\n");
    ok(DeviceIoControl(file, WN_PNPDRIVER_IOCTL_EVENT, NULL, 0, NULL, 0, &bytes, NULL),
       "the driver's event: %lu\n", GetLastError());
    n = count_records(&r, CM_NOTIFY_ACTION_DEVICECUSTOMEVENT, 1, &first);
    ok(n == 1, "%d custom events\n", n);
    n = count_records(&s, CM_NOTIFY_ACTION_DEVICECUSTOMEVENT, 1, &sys_first);
    ok(n == 1, "the system's registration: %d custom events\n", n);
    if (first >= 0)
    {
        ok(r.records[first].type == CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE, "type %d\n", r.records[first].type);
        /* Never worse than the system: ours gives what the system gives.  A 32-bit process of a 64-bit Wine gets
         * the event in the 64-bit layout of DEV_BROADCAST_HANDLE (measured, Wine 11: plugplay passes ntoskrnl's
         * bytes on), its GUID and data shifted, from the system's registration and so from ours. */
        if (sys_first >= 0)
            ok(IsEqualGUID(&r.records[first].event, &s.records[sys_first].event) &&
               !memcmp(r.records[first].data, s.records[sys_first].data, sizeof(r.records[first].data)),
               "ours differs from the system's event\n");
        todo_wine_if(wow64)
        ok(IsEqualGUID(&r.records[first].event, &wn_pnpdriver_event), "another event\n");
        todo_wine_if(wow64)
        ok(!strcmp(r.records[first].data, WN_PNPDRIVER_EVENT_DATA), "data %s\n", r.records[first].data);
    }
    if (sys_handle) sys_unregister(sys_handle);
    recorder_free(&s);
    ok(pCM_Unregister_Notification(handle) == CR_SUCCESS, "unregistering the handle filter failed\n");
    handle = NULL;
    /* After the Unregister has returned, no callback: the driver's next event is heard by nobody of ours. */
    n = r.count;
    DeviceIoControl(file, WN_PNPDRIVER_IOCTL_EVENT, NULL, 0, NULL, 0, &bytes, NULL);
    Sleep(SETTLE_MS);
    ok(r.count == n, "%ld callbacks after CM_Unregister_Notification returned\n", r.count - n);
done:
    if (handle) pCM_Unregister_Notification(handle);
    CloseHandle(file);
    recorder_free(&r);
}

/* ---- what a program does next: the merged model's queries (ours, in every Wine) ------------------------------ */

static CONFIGRET (WINAPI *pCM_Get_Device_Interface_List_SizeW)(PULONG, LPGUID, DEVINSTID_W, ULONG);
static CONFIGRET (WINAPI *pCM_Get_Device_Interface_ListW)(LPGUID, DEVINSTID_W, PZZWSTR, ULONG, ULONG);
static CONFIGRET (WINAPI *pCM_Get_Device_Interface_PropertyW)(LPCWSTR, const DEVPROPKEY *, DEVPROPTYPE *, PBYTE,
                                                              PULONG, ULONG);
static CONFIGRET (WINAPI *pCM_Locate_DevNodeW)(PDEVINST, DEVINSTID_W, ULONG);

static const DEVPROPKEY key_instance_id =
    { { 0x78c34fc8, 0x104a, 0x4aca, { 0x9e, 0xa4, 0x52, 0x4d, 0x52, 0x99, 0x6e, 0x57 } }, 256 };

/* Whether CM_Get_Device_Interface_ListW lists link among the class's present interfaces. */
static BOOL cm_lists(const WCHAR *link)
{
    GUID guid = wn_pnpdriver_class;
    ULONG len = 0;
    WCHAR *list, *p;
    BOOL found = FALSE;
    CONFIGRET ret;

    ret = pCM_Get_Device_Interface_List_SizeW(&len, &guid, NULL, CM_GET_DEVICE_INTERFACE_LIST_PRESENT);
    ok(ret == CR_SUCCESS, "CM_Get_Device_Interface_List_SizeW: %#lx\n", ret);
    if (ret || !(list = malloc((len + 512) * sizeof(WCHAR)))) return FALSE;
    ret = pCM_Get_Device_Interface_ListW(&guid, NULL, list, len + 512, CM_GET_DEVICE_INTERFACE_LIST_PRESENT);
    ok(ret == CR_SUCCESS, "CM_Get_Device_Interface_ListW: %#lx\n", ret);
    for (p = list; !ret && *p; p += lstrlenW(p) + 1)
        if (!_wcsicmp(p, link)) found = TRUE;
    free(list);
    return found;
}

/* After the arrival: the class lists the link, the link names Wine's instance, which is located, and opens. */
static void test_queries_present(const WCHAR *link)
{
    WCHAR id[MAX_DEVICE_ID_LEN];
    DEVPROPTYPE type = 0;
    ULONG size = sizeof(id);
    CONFIGRET ret;
    DEVINST dn;
    HANDLE file;

    ok(cm_lists(link), "CM_Get_Device_Interface_ListW does not list %s\n", dbgstr_w(link));
    ret = pCM_Get_Device_Interface_PropertyW(link, &key_instance_id, &type, (BYTE *)id, &size, 0);
    ok(ret == CR_SUCCESS && type == DEVPROP_TYPE_STRING, "the link's instance ID: %#lx, type %#lx\n", ret, type);
    if (ret == CR_SUCCESS)
        ok(!_wcsicmp(id, L"" INSTANCE_ID), "the link's instance ID %s\n", dbgstr_w(id));
    ret = pCM_Locate_DevNodeW(&dn, (WCHAR *)L"" INSTANCE_ID, CM_LOCATE_DEVNODE_NORMAL);
    ok(ret == CR_SUCCESS, "CM_Locate_DevNodeW: %#lx\n", ret);
    file = CreateFileW(link, 0, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    ok(file != INVALID_HANDLE_VALUE, "opening %s: %lu\n", dbgstr_w(link), GetLastError());
    if (file != INVALID_HANDLE_VALUE) CloseHandle(file);
}

/* After the removal: neither listed nor located, as Windows answers for a removed device. */
static void test_queries_gone(const WCHAR *link)
{
    CONFIGRET ret;
    DEVINST dn;

    ok(!cm_lists(link), "CM_Get_Device_Interface_ListW still lists %s\n", dbgstr_w(link));
    ret = pCM_Locate_DevNodeW(&dn, (WCHAR *)L"" INSTANCE_ID, CM_LOCATE_DEVNODE_NORMAL);
    ok(ret == CR_NO_SUCH_DEVNODE, "CM_Locate_DevNodeW after the removal: %#lx\n", ret);
}

/* ---- what the system offers a window: user32's RegisterDeviceNotificationW ---------------------------------- */

/* Measured, not used by ours: a window's registration needs the window (creating one makes Wine set up the
 * display, which rewrites the prefix's display keys) and a thread that pumps its messages. */
struct window_watch
{
    HANDLE ready, thread;
    DWORD tid;
    BOOL registered;
    LONG arrivals, removals;
};

static LRESULT CALLBACK watch_proc(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam)
{
    struct window_watch *w = (struct window_watch *)GetWindowLongPtrW(hwnd, GWLP_USERDATA);
    const DEV_BROADCAST_DEVICEINTERFACE_W *iface = (const DEV_BROADCAST_DEVICEINTERFACE_W *)lparam;

    if (msg == WM_DEVICECHANGE && w && iface && iface->dbcc_devicetype == DBT_DEVTYP_DEVICEINTERFACE &&
        IsEqualGUID(&iface->dbcc_classguid, &wn_pnpdriver_class))
    {
        if (wparam == DBT_DEVICEARRIVAL) InterlockedIncrement(&w->arrivals);
        if (wparam == DBT_DEVICEREMOVECOMPLETE) InterlockedIncrement(&w->removals);
        return TRUE;
    }
    return DefWindowProcW(hwnd, msg, wparam, lparam);
}

static DWORD WINAPI watch_thread(void *arg)
{
    DEV_BROADCAST_DEVICEINTERFACE_W filter = { .dbcc_size = sizeof(filter) };
    WNDCLASSW cls = { .lpfnWndProc = watch_proc, .lpszClassName = L"wnwatch" };
    struct window_watch *w = arg;
    HDEVNOTIFY notify = NULL;
    HWND hwnd;
    MSG msg;

    RegisterClassW(&cls);
    if ((hwnd = CreateWindowW(L"wnwatch", NULL, 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL)))
    {
        SetWindowLongPtrW(hwnd, GWLP_USERDATA, (LONG_PTR)w);
        filter.dbcc_devicetype = DBT_DEVTYP_DEVICEINTERFACE;
        filter.dbcc_classguid = wn_pnpdriver_class;
        notify = RegisterDeviceNotificationW(hwnd, &filter, DEVICE_NOTIFY_WINDOW_HANDLE);
    }
    w->registered = notify != NULL;
    SetEvent(w->ready);
    while (GetMessageW(&msg, NULL, 0, 0) > 0) DispatchMessageW(&msg);
    if (notify) UnregisterDeviceNotification(notify);
    if (hwnd) DestroyWindow(hwnd);
    return 0;
}

static void watch_start(struct window_watch *w)
{
    memset(w, 0, sizeof(*w));
    w->ready = CreateEventW(NULL, TRUE, FALSE, NULL);
    w->thread = CreateThread(NULL, 0, watch_thread, w, 0, &w->tid);
    WaitForSingleObject(w->ready, INFINITE);
    CloseHandle(w->ready);
}

static void watch_end(struct window_watch *w)
{
    PostThreadMessageW(w->tid, WM_QUIT, 0, 0);
    WaitForSingleObject(w->thread, INFINITE);
    CloseHandle(w->thread);
}

/* Whether ours should hear Wine's interface events from sechost (the builds wine_devices.c measured). */
static BOOL sechost_bridged(void)
{
    const char *(CDECL *get_version)(void);
    const char *version;

    get_version = (void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version");
    if (!get_version || !(version = get_version())) return FALSE;
    trace("Wine %s\n", version);
    return !strcmp(version, "10.0") || (sizeof(void *) == 8 && !strcmp(version, "8.0"));
}

static void test_wine_device(void)
{
    HCMNOTIFICATION ours, ours_all, system = NULL, one_instance, all_instances, late_instance = NULL;
    struct window_watch watch = { 0 };
    struct recorder r, s, a, ri, ra, rl;
    CONFIGRET ret, sys_ret = CR_CALL_NOT_IMPLEMENTED;
    BOOL installed, system_gives, ours_gives;
    char inf[MAX_PATH];
    WCHAR link[MAX_DEVICE_ID_LEN + 64] = L"";
    int first, sys_first, n;

    if (!write_package(inf, sizeof(inf))) return;
    recorder_init(&r);
    recorder_init(&s);
    recorder_init(&a);
    recorder_init(&ri);
    recorder_init(&ra);
    recorder_init(&rl);
    one_instance = register_instance(&ri, FALSE);
    all_instances = register_instance(&ra, TRUE);
    ours = register_class(pCM_Register_Notification, &r, &ret);
    ok(ret == CR_SUCCESS, "our registration: %#lx\n", ret);
    ours_all = register_all(pCM_Register_Notification, &a, &ret);
    ok(ret == CR_SUCCESS, "our registration for every class: %#lx\n", ret);
    if (sys_register) system = register_class(sys_register, &s, &sys_ret);
    system_gives = sys_ret == CR_SUCCESS;
    ours_gives = system_gives || sechost_bridged();
    trace("the system's CM_Register_Notification: %s, %#lx\n", sys_register ? "exported" : "missing", sys_ret);

    watch_start(&watch);
    installed = install_device(inf);
    if (!installed) goto done;

    n = count_records(&r, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, 1, &first);
    /* The device is there in every Wine: its interface is listed, present. */
    ok(listed_link(link, ARRAY_SIZE(link)), "the device's interface is not listed: %lu\n", GetLastError());
    trace("listed: %s\n", dbgstr_w(link));
    if (link[0]) test_queries_present(link);
    /* Instance filters hear Wine's device wherever ours hears its interface (wine_instances.c). */
    check_instance_arrival(&ri, "the device's instance", ours_gives);
    check_instance_arrival(&ra, "all instances", ours_gives);
    /* Made once the device is there: it hears only the removal (the device was known from setupapi's records). */
    late_instance = register_instance(&rl, FALSE);
    if (!ours_gives)
    {
        /* The system tells a CM caller nothing of Wine's own devices here, and ours invents nothing. */
        ok(n == 0, "%d arrivals without the system's registration\n", n);
        if (link[0]) test_handle_event(link, FALSE);
        goto remove;
    }
    ok(n == 1, "%d arrivals of the device's interface\n", n);
    if (system_gives)
    {
        n = count_records(&s, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, 1, &sys_first);
        ok(n == 1, "the system's registration: %d arrivals\n", n);
    }
    else sys_first = -1;
    if (first < 0) goto remove;
    trace("arrival of %s\n", dbgstr_w(r.records[first].link));
    ok(!_wcsnicmp(link, L"\\\\?\\root#winenotify#", 20), "not Wine's link: %s\n", dbgstr_w(link));
    ok(!_wcsicmp(link, r.records[first].link), "listed %s\n", dbgstr_w(r.records[first].link));
    if (sys_first >= 0)
        ok(!_wcsicmp(link, s.records[sys_first].link), "ours %s, the system's %s\n", dbgstr_w(link),
           dbgstr_w(s.records[sys_first].link));
    /* A filter for every class hears it too (sechost is given a filter without a class there). */
    n = count_records(&a, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, 1, &first);
    ok(n == 1, "every class: %d arrivals of the device's interface\n", n);
    if (first >= 0) ok(!_wcsicmp(link, a.records[first].link), "every class: %s\n", dbgstr_w(a.records[first].link));
    test_handle_event(link, system_gives);

remove:
    remove_device();
    n = count_records(&r, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, ours_gives ? 1 : 0, &first);
    ok(n == (ours_gives ? 1 : 0), "%d removals of the device's interface\n", n);
    if (ours_gives && first >= 0)
        ok(!_wcsicmp(r.records[first].link, link), "removal of %s\n", dbgstr_w(r.records[first].link));
    n = count_records(&a, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, ours_gives ? 1 : 0, &first);
    ok(n == (ours_gives ? 1 : 0), "every class: %d removals of the device's interface\n", n);
    if (system_gives)
    {
        n = count_records(&s, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, 1, &sys_first);
        ok(n == 1, "the system's registration: %d removals\n", n);
    }
    check_instance_removal(&ri, "the device's instance", ours_gives);
    check_instance_removal(&ra, "all instances", ours_gives);
    if (late_instance)
    {
        n = count_records(&rl, CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED, ours_gives ? 1 : 0, &first);
        ok(n == (ours_gives ? 1 : 0), "registered with the device there: %d removals\n", n);
        ok(rl.count == n, "registered with the device there: %ld events\n", rl.count);
    }
    if (link[0]) test_queries_gone(link);
    ok(!listed_link(link, ARRAY_SIZE(link)), "the interface is still listed: %s\n", dbgstr_w(link));
    /* What a window hears of it in every Wine (see above): measured, as the comparison. */
    Sleep(SETTLE_MS);
    trace("a window's registration: %s, %ld arrivals, %ld removals\n", watch.registered ? "made" : "refused",
          watch.arrivals, watch.removals);
    if (watch.registered)
        ok(watch.arrivals == 1 && watch.removals == 1, "a window heard %ld arrivals, %ld removals\n",
           watch.arrivals, watch.removals);
done:
    if (watch.thread) watch_end(&watch);
    if (ours) ok(pCM_Unregister_Notification(ours) == CR_SUCCESS, "unregistering failed\n");
    if (ours_all) ok(pCM_Unregister_Notification(ours_all) == CR_SUCCESS, "unregistering failed\n");
    if (system) sys_unregister(system);
    if (one_instance) check_unregister(one_instance, &ri);
    if (all_instances) check_unregister(all_instances, &ra);
    if (late_instance) check_unregister(late_instance, &rl);
    delete_package(inf);
    recorder_free(&r);
    recorder_free(&s);
    recorder_free(&a);
    recorder_free(&ri);
    recorder_free(&ra);
    recorder_free(&rl);
}

START_TEST(winedevice)
{
    HMODULE cfgmgr32 = LoadLibraryW(L"cfgmgr32.dll"), sys;
    char **argv;
    int argc = winetest_get_mainargs(&argv);

    if (argc >= 4 && !strcmp(argv[2], "install"))
    {
        ExitProcess(!install_here(argv[3]));
        return;
    }
    pCM_Register_Notification = (void *)GetProcAddress(cfgmgr32, "CM_Register_Notification");
    pCM_Unregister_Notification = (void *)GetProcAddress(cfgmgr32, "CM_Unregister_Notification");
    pCM_Get_Device_Interface_List_SizeW = (void *)GetProcAddress(cfgmgr32, "CM_Get_Device_Interface_List_SizeW");
    pCM_Get_Device_Interface_ListW = (void *)GetProcAddress(cfgmgr32, "CM_Get_Device_Interface_ListW");
    pCM_Get_Device_Interface_PropertyW = (void *)GetProcAddress(cfgmgr32, "CM_Get_Device_Interface_PropertyW");
    pCM_Locate_DevNodeW = (void *)GetProcAddress(cfgmgr32, "CM_Locate_DevNodeW");
    if (!pCM_Register_Notification || !pCM_Unregister_Notification || !pCM_Get_Device_Interface_List_SizeW ||
        !pCM_Get_Device_Interface_ListW || !pCM_Get_Device_Interface_PropertyW || !pCM_Locate_DevNodeW)
    {
        win_skip("CM_Register_Notification is missing (Windows 7, or Wine 8 without our DLL)\n");
        return;
    }
    if (!winetest_platform_is_wine)
    {
        skip("an unsigned test driver: Wine only\n");
        return;
    }
    /* The system's own copy, beside ours, for what the system itself reports. */
    if ((sys = load_system_copy(L"cfgmgr32.dll")) && sys != cfgmgr32)
    {
        sys_register = (register_fn)(void *)GetProcAddress(sys, "CM_Register_Notification");
        sys_unregister = (unregister_fn)(void *)GetProcAddress(sys, "CM_Unregister_Notification");
        if (!sys_unregister) sys_register = NULL;
    }
    trace("the system's copy %p (ours %p)\n", sys, cfgmgr32);
    test_wine_device();
}
