/* What a program does after a device arrival (SPEC.md §11): it locates the device node, reads its ID, status,
 * description and hardware IDs, walks to its parent, lists the class's interfaces, and finds the device through
 * setupapi; after the removal the same calls fail as Windows fails them for a device that is gone.
 *
 * Everywhere: the argument checks, the root device node, and the devices the system itself has (Wine's winebus
 * HID devices are in every prefix).  Under Wine: a tun made with host commands, and the publication of our
 * devices into the prefix's registry: two processes watching the same device, and a publishing process killed
 * while its device goes (the next process to start must leave nothing stale). */
#include <winsock2.h>
#include <windows.h>
#include <setupapi.h>
#include <stddef.h>
#include <stdio.h>

#include "test.h"
#include "devtest.h"
#include "unix.h"
#include "winenotify/cfgmgr32_notify.h"
#include "winenotify/devguids.h"
#include "winenotify/swdevice.h"

#define WAIT_MS 10000

#define ENUM_KEY L"System\\CurrentControlSet\\Enum\\"

static const DEVPROPKEY key_instance_id =
    { { 0x78c34fc8, 0x104a, 0x4aca, { 0x9e, 0xa4, 0x52, 0x4d, 0x52, 0x99, 0x6e, 0x57 } }, 256 };
static const DEVPROPKEY key_device_desc =
    { { 0xa45c254e, 0xdf1c, 0x4efd, { 0x80, 0x20, 0x67, 0xd1, 0x46, 0xa8, 0x50, 0xe0 } }, 2 };
static const DEVPROPKEY key_hardware_ids =
    { { 0xa45c254e, 0xdf1c, 0x4efd, { 0x80, 0x20, 0x67, 0xd1, 0x46, 0xa8, 0x50, 0xe0 } }, 3 };
static const DEVPROPKEY key_class_guid =
    { { 0xa45c254e, 0xdf1c, 0x4efd, { 0x80, 0x20, 0x67, 0xd1, 0x46, 0xa8, 0x50, 0xe0 } }, 10 };
static const DEVPROPKEY key_parent =
    { { 0x4340a6c5, 0x93fa, 0x4706, { 0x97, 0x2c, 0x7b, 0x64, 0x80, 0x08, 0xa5, 0xa7 } }, 8 };
static const DEVPROPKEY key_unknown =
    { { 0x12345678, 0x1234, 0x1234, { 0x12, 0x34, 0x12, 0x34, 0x12, 0x34, 0x12, 0x34 } }, 77 };
static const GUID class_net = { 0x4d36e972, 0xe325, 0x11ce, { 0xbf, 0xc1, 0x08, 0x00, 0x2b, 0xe1, 0x03, 0x18 } };

static CONFIGRET (WINAPI *pCM_Register_Notification)(PCM_NOTIFY_FILTER, PVOID, PCM_NOTIFY_CALLBACK,
                                                     PHCMNOTIFICATION);
static CONFIGRET (WINAPI *pCM_Unregister_Notification)(HCMNOTIFICATION);
static CONFIGRET (WINAPI *pCM_Locate_DevNodeW)(PDEVINST, DEVINSTID_W, ULONG);
static CONFIGRET (WINAPI *pCM_Locate_DevNodeA)(PDEVINST, DEVINSTID_A, ULONG);
static CONFIGRET (WINAPI *pCM_Get_Device_IDW)(DEVINST, PWSTR, ULONG, ULONG);
static CONFIGRET (WINAPI *pCM_Get_Device_IDA)(DEVINST, PSTR, ULONG, ULONG);
static CONFIGRET (WINAPI *pCM_Get_Device_ID_Size)(PULONG, DEVINST, ULONG);
static CONFIGRET (WINAPI *pCM_Get_DevNode_Status)(PULONG, PULONG, DEVINST, ULONG);
static CONFIGRET (WINAPI *pCM_Get_Parent)(PDEVINST, DEVINST, ULONG);
static CONFIGRET (WINAPI *pCM_Get_Child)(PDEVINST, DEVINST, ULONG);
static CONFIGRET (WINAPI *pCM_Get_Sibling)(PDEVINST, DEVINST, ULONG);
static CONFIGRET (WINAPI *pCM_Get_DevNode_PropertyW)(DEVINST, const DEVPROPKEY *, DEVPROPTYPE *, PBYTE, PULONG,
                                                     ULONG);
static CONFIGRET (WINAPI *pCM_Get_DevNode_Registry_PropertyW)(DEVINST, ULONG, PULONG, PVOID, PULONG, ULONG);
static CONFIGRET (WINAPI *pCM_Get_DevNode_Registry_PropertyA)(DEVINST, ULONG, PULONG, PVOID, PULONG, ULONG);
static CONFIGRET (WINAPI *pCM_Get_Device_ID_List_SizeW)(PULONG, PCWSTR, ULONG);
static CONFIGRET (WINAPI *pCM_Get_Device_ID_ListW)(PCWSTR, PWCHAR, ULONG, ULONG);
static CONFIGRET (WINAPI *pCM_Get_Device_Interface_List_SizeW)(PULONG, LPGUID, DEVINSTID_W, ULONG);
static CONFIGRET (WINAPI *pCM_Get_Device_Interface_ListW)(LPGUID, DEVINSTID_W, PZZWSTR, ULONG, ULONG);
static CONFIGRET (WINAPI *pCM_Get_Device_Interface_PropertyW)(LPCWSTR, const DEVPROPKEY *, DEVPROPTYPE *, PBYTE,
                                                              PULONG, ULONG);
static CONFIGRET (WINAPI *pCM_Get_DevNode_Property_Keys)(DEVINST, DEVPROPKEY *, PULONG, ULONG);
static CONFIGRET (WINAPI *pCM_Get_Device_Interface_Property_KeysW)(LPCWSTR, DEVPROPKEY *, PULONG, ULONG);
static CONFIGRET (WINAPI *pCM_Open_DevNode_Key)(DEVINST, REGSAM, ULONG, REGDISPOSITION, PHKEY, ULONG);
static HRESULT (WINAPI *pSwDeviceCreate)(PCWSTR, PCWSTR, const SW_DEVICE_CREATE_INFO *, ULONG,
                                         const DEVPROPERTY *, SW_DEVICE_CREATE_CALLBACK, PVOID, PHSWDEVICE);
static HRESULT (WINAPI *pSwDeviceInterfaceRegister)(HSWDEVICE, const GUID *, PCWSTR, ULONG, const DEVPROPERTY *,
                                                    BOOL, PWSTR *);
static VOID (WINAPI *pSwDeviceClose)(HSWDEVICE);
static VOID (WINAPI *pSwMemFree)(PVOID);

static BOOL load_functions(void)
{
    HMODULE cfgmgr32 = LoadLibraryW(L"cfgmgr32.dll");

#define LOAD(name) p##name = (void *)GetProcAddress(cfgmgr32, #name)
    LOAD(CM_Register_Notification);
    LOAD(CM_Unregister_Notification);
    LOAD(CM_Locate_DevNodeW);
    LOAD(CM_Locate_DevNodeA);
    LOAD(CM_Get_Device_IDW);
    LOAD(CM_Get_Device_IDA);
    LOAD(CM_Get_Device_ID_Size);
    LOAD(CM_Get_DevNode_Status);
    LOAD(CM_Get_Parent);
    LOAD(CM_Get_Child);
    LOAD(CM_Get_Sibling);
    LOAD(CM_Get_DevNode_PropertyW);
    LOAD(CM_Get_DevNode_Registry_PropertyW);
    LOAD(CM_Get_DevNode_Registry_PropertyA);
    LOAD(CM_Get_Device_ID_List_SizeW);
    LOAD(CM_Get_Device_ID_ListW);
    LOAD(CM_Get_Device_Interface_List_SizeW);
    LOAD(CM_Get_Device_Interface_ListW);
    LOAD(CM_Get_Device_Interface_PropertyW);
    LOAD(CM_Open_DevNode_Key);
    LOAD(CM_Get_DevNode_Property_Keys);
    LOAD(CM_Get_Device_Interface_Property_KeysW);
    LOAD(SwDeviceCreate);
    LOAD(SwDeviceInterfaceRegister);
    LOAD(SwDeviceClose);
    LOAD(SwMemFree);
#undef LOAD
    return pCM_Locate_DevNodeW && pCM_Get_Device_Interface_PropertyW && pCM_Get_DevNode_PropertyW &&
           pCM_Register_Notification;
}

/* ---- arrivals ----------------------------------------------------------------------------------------------- */

struct watch
{
    CRITICAL_SECTION cs;
    HANDLE signal;
    WCHAR arrived[MAX_DEVICE_ID_LEN + 64];
    LONG arrivals, removals;
    HCMNOTIFICATION handle;
    const WCHAR *part;       /* only links holding this count */
};

static DWORD CALLBACK watch_callback(HCMNOTIFICATION handle, PVOID context, CM_NOTIFY_ACTION action,
                                     PCM_NOTIFY_EVENT_DATA data, DWORD size)
{
    struct watch *w = context;
    WCHAR lower[MAX_DEVICE_ID_LEN + 64];

    (void)handle;
    (void)size;
    lstrcpynW(lower, data->u.DeviceInterface.SymbolicLink, ARRAY_SIZE(lower));
    CharLowerW(lower);
    if (!wcsstr(lower, w->part)) return ERROR_SUCCESS;
    EnterCriticalSection(&w->cs);
    if (action == CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL)
    {
        lstrcpynW(w->arrived, data->u.DeviceInterface.SymbolicLink, ARRAY_SIZE(w->arrived));
        w->arrivals++;
    }
    else if (action == CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL) w->removals++;
    LeaveCriticalSection(&w->cs);
    SetEvent(w->signal);
    return ERROR_SUCCESS;
}

static void watch_start(struct watch *w, const GUID *guid, const WCHAR *part)
{
    CM_NOTIFY_FILTER filter = { .cbSize = sizeof(filter) };
    CONFIGRET ret;

    memset(w, 0, sizeof(*w));
    InitializeCriticalSection(&w->cs);
    w->signal = CreateEventW(NULL, FALSE, FALSE, NULL);
    w->part = part;
    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    filter.u.DeviceInterface.ClassGuid = *guid;
    ret = pCM_Register_Notification(&filter, w, watch_callback, &w->handle);
    ok(ret == CR_SUCCESS, "CM_Register_Notification: %#lx\n", ret);
}

/* Waits until the arrivals (removals) reach count. */
static BOOL watch_wait(struct watch *w, BOOL removals, LONG count)
{
    ULONGLONG deadline = GetTickCount64() + WAIT_MS;

    for (;;)
    {
        LONG n;

        EnterCriticalSection(&w->cs);
        n = removals ? w->removals : w->arrivals;
        LeaveCriticalSection(&w->cs);
        if (n >= count) return TRUE;
        if (GetTickCount64() >= deadline) return FALSE;
        WaitForSingleObject(w->signal, (DWORD)(deadline - GetTickCount64()));
    }
}

static void watch_stop(struct watch *w)
{
    if (w->handle) pCM_Unregister_Notification(w->handle);
    CloseHandle(w->signal);
    DeleteCriticalSection(&w->cs);
}

/* ---- helpers ---------------------------------------------------------------------------------------------------- */

static BOOL in_multi(const WCHAR *list, const WCHAR *item)
{
    for (; *list; list += wcslen(list) + 1)
        if (!_wcsicmp(list, item)) return TRUE;
    return FALSE;
}

/* The class's interface list (CM_Get_Device_Interface_List), or NULL; free() it. */
static WCHAR *interface_list(const GUID *guid, ULONG flags)
{
    ULONG len = 0;
    WCHAR *list;
    CONFIGRET ret;

    ret = pCM_Get_Device_Interface_List_SizeW(&len, (GUID *)guid, NULL, flags);
    ok(ret == CR_SUCCESS, "CM_Get_Device_Interface_List_SizeW: %#lx\n", ret);
    if (ret || !len) return NULL;
    /* Room for what may arrive in between. */
    len += 1024;
    list = malloc(len * sizeof(WCHAR));
    ret = pCM_Get_Device_Interface_ListW((GUID *)guid, NULL, list, len, flags);
    ok(ret == CR_SUCCESS, "CM_Get_Device_Interface_ListW: %#lx\n", ret);
    if (ret)
    {
        free(list);
        return NULL;
    }
    return list;
}

static BOOL registry_has(const WCHAR *instance_id)
{
    WCHAR path[300];
    HKEY key;

    wsprintfW(path, L"%s%s", ENUM_KEY, instance_id);
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_READ, &key)) return FALSE;
    RegCloseKey(key);
    return TRUE;
}

/* Whether HKLM\path is there with neither values nor subkeys: wineserver saves such a key with the prefix, so a
 * removal must not leave the keys that held the device that way (they go, or keep something else's). */
static BOOL key_left_empty(const WCHAR *path)
{
    DWORD subkeys = 0, values = 0;
    BOOL empty;
    HKEY key;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_READ, &key)) return FALSE;
    empty = !RegQueryInfoKeyW(key, NULL, NULL, NULL, &subkeys, NULL, NULL, &values, NULL, NULL, NULL, NULL) &&
            !subkeys && !values;
    RegCloseKey(key);
    return empty;
}

static BOOL class_key_left_empty(const GUID *guid)
{
    WCHAR path[128];

    wsprintfW(path, L"System\\CurrentControlSet\\Control\\DeviceClasses\\"
              L"{%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", guid->Data1, guid->Data2, guid->Data3,
              guid->Data4[0], guid->Data4[1], guid->Data4[2], guid->Data4[3], guid->Data4[4], guid->Data4[5],
              guid->Data4[6], guid->Data4[7]);
    return key_left_empty(path);
}

/* A setupapi interface listing of the class holds the link; and the device opens by its instance ID. */
static BOOL setupapi_lists(const GUID *guid, const WCHAR *link)
{
    SP_DEVICE_INTERFACE_DATA iface = { .cbSize = sizeof(iface) };
    HDEVINFO set = SetupDiGetClassDevsW(guid, NULL, NULL, DIGCF_PRESENT | DIGCF_DEVICEINTERFACE);
    BOOL found = FALSE;
    DWORD i;

    if (set == INVALID_HANDLE_VALUE) return FALSE;
    for (i = 0; !found && SetupDiEnumDeviceInterfaces(set, NULL, guid, i, &iface); i++)
    {
        struct
        {
            SP_DEVICE_INTERFACE_DETAIL_DATA_W detail;
            WCHAR more[600];
        } d;

        d.detail.cbSize = sizeof(d.detail);
        if (SetupDiGetDeviceInterfaceDetailW(set, &iface, &d.detail, sizeof(d), NULL, NULL))
            found = !_wcsicmp(d.detail.DevicePath, link);
    }
    SetupDiDestroyDeviceInfoList(set);
    return found;
}

/* ---- everywhere ---------------------------------------------------------------------------------------------- */

static void test_bad_arguments(void)
{
    DEVPROPTYPE type;
    ULONG size, len, status, problem;
    DEVINST root, dn;
    WCHAR buf[64];
    BYTE value[64];
    CONFIGRET ret;

    ret = pCM_Locate_DevNodeW(NULL, NULL, 0);
    ok(ret == CR_INVALID_POINTER, "NULL devinst: %#lx\n", ret);
    dn = 0xdead;
    ret = pCM_Locate_DevNodeW(&dn, NULL, 0x100);
    ok(ret == CR_INVALID_FLAG, "bad flags: %#lx\n", ret);
    dn = 0xdead;
    ret = pCM_Locate_DevNodeW(&dn, (WCHAR *)L"WINENOTIFY\\NO_SUCH\\DEVICE", 0);
    ok(ret == CR_NO_SUCH_DEVNODE, "unknown ID: %#lx\n", ret);
    ok(!dn || broken(dn == 0xdead), "devinst %#lx for an unknown ID\n", dn);
    ret = pCM_Locate_DevNodeW(&root, NULL, 0);
    ok(ret == CR_SUCCESS, "root: %#lx\n", ret);

    ret = pCM_Get_Device_IDW(root, NULL, 10, 0);
    ok(ret == CR_INVALID_POINTER, "NULL buffer: %#lx\n", ret);
    ret = pCM_Get_Device_IDW(root, buf, ARRAY_SIZE(buf), 1);
    ok(ret == CR_INVALID_FLAG, "bad flags: %#lx\n", ret);
    ret = pCM_Get_Device_IDW(0xdeadbeef, buf, ARRAY_SIZE(buf), 0);
    ok(ret == CR_INVALID_DEVNODE || ret == CR_NO_SUCH_DEVINST, "unknown devinst: %#lx\n", ret);
    ret = pCM_Get_Device_IDW(root, buf, 3, 0);
    ok(ret == CR_BUFFER_SMALL, "short buffer: %#lx\n", ret);
    ret = pCM_Get_Device_ID_Size(NULL, root, 0);
    ok(ret == CR_INVALID_POINTER, "NULL size: %#lx\n", ret);
    ret = pCM_Get_DevNode_Status(NULL, &problem, root, 0);
    ok(ret == CR_INVALID_POINTER, "NULL status: %#lx\n", ret);
    ret = pCM_Get_DevNode_Status(&status, &problem, 0xdeadbeef, 0);
    ok(ret == CR_INVALID_DEVNODE || ret == CR_NO_SUCH_DEVINST, "unknown devinst: %#lx\n", ret);

    size = sizeof(value);
    ret = pCM_Get_DevNode_PropertyW(root, NULL, &type, value, &size, 0);
    ok(ret == CR_INVALID_POINTER, "NULL key: %#lx\n", ret);
    ret = pCM_Get_DevNode_PropertyW(root, &key_device_desc, &type, value, NULL, 0);
    ok(ret == CR_INVALID_POINTER, "NULL size: %#lx\n", ret);
    size = sizeof(value);
    ret = pCM_Get_DevNode_PropertyW(root, &key_device_desc, &type, value, &size, 1);
    ok(ret == CR_INVALID_FLAG, "bad flags: %#lx\n", ret);
    size = sizeof(value);
    ret = pCM_Get_DevNode_PropertyW(root, &key_unknown, &type, value, &size, 0);
    ok(ret == CR_NO_SUCH_VALUE, "unknown key: %#lx\n", ret);
    size = 0;
    ret = pCM_Get_DevNode_PropertyW(root, &key_instance_id, &type, NULL, &size, 0);
    ok(ret == CR_BUFFER_SMALL, "size query: %#lx\n", ret);
    ok(size == sizeof(L"HTREE\\ROOT\\0"), "size %lu\n", size);
    ok(type == DEVPROP_TYPE_STRING, "type %#lx\n", type);

    len = sizeof(value);
    ret = pCM_Get_DevNode_Registry_PropertyW(root, 0, NULL, value, &len, 0);
    ok(ret == CR_INVALID_PROPERTY, "property 0: %#lx\n", ret);
    ret = pCM_Get_DevNode_Registry_PropertyW(root, CM_DRP_DEVICEDESC, NULL, value, NULL, 0);
    ok(ret == CR_INVALID_POINTER, "NULL length: %#lx\n", ret);

    ret = pCM_Get_Device_Interface_List_SizeW(&len, NULL, NULL, 0);
    ok(ret == CR_INVALID_POINTER, "NULL class: %#lx\n", ret);
    ret = pCM_Get_Device_Interface_List_SizeW(&len, (GUID *)&WINENOTIFY_GUID_DEVINTERFACE_NET, NULL, 2);
    ok(ret == CR_INVALID_FLAG, "bad flags: %#lx\n", ret);
    size = sizeof(value);
    ret = pCM_Get_Device_Interface_PropertyW(L"\\\\?\\WINENOTIFY#NO_SUCH#0#{cac88484-7515-4c03-82e6-71a87abac361}",
                                             &key_instance_id, &type, value, &size, 0);
    ok(ret == CR_NO_SUCH_DEVICE_INTERFACE, "unknown link: %#lx\n", ret);
    ret = pCM_Get_Device_Interface_PropertyW(NULL, &key_instance_id, &type, value, &size, 0);
    ok(ret == CR_INVALID_POINTER, "NULL link: %#lx\n", ret);
}

static void test_root(void)
{
    WCHAR id[MAX_DEVICE_ID_LEN];
    char ida[MAX_DEVICE_ID_LEN];
    DEVINST root, again, parent, child, sibling;
    ULONG status = 0, problem = 1, len = 0;
    CONFIGRET ret;

    ret = pCM_Locate_DevNodeW(&root, NULL, 0);
    ok(ret == CR_SUCCESS, "CM_Locate_DevNodeW(NULL): %#lx\n", ret);
    ret = pCM_Locate_DevNodeW(&again, (WCHAR *)L"htree\\root\\0", 0);
    ok(ret == CR_SUCCESS, "by name, lower case: %#lx\n", ret);
    ok(again == root, "devinst %#lx and %#lx\n", again, root);
    ret = pCM_Locate_DevNodeA(&again, NULL, 0);
    ok(ret == CR_SUCCESS && again == root, "CM_Locate_DevNodeA: %#lx, %#lx\n", ret, again);
    ret = pCM_Get_Device_IDW(root, id, ARRAY_SIZE(id), 0);
    ok(ret == CR_SUCCESS && !wcscmp(id, L"HTREE\\ROOT\\0"), "root ID %#lx %s\n", ret, dbgstr_w(id));
    ret = pCM_Get_Device_IDA(root, ida, sizeof(ida), 0);
    ok(ret == CR_SUCCESS && !strcmp(ida, "HTREE\\ROOT\\0"), "root ID %#lx %s\n", ret, ida);
    ret = pCM_Get_Device_ID_Size(&len, root, 0);
    ok(ret == CR_SUCCESS && len == 12, "size %#lx %lu\n", ret, len);
    ret = pCM_Get_DevNode_Status(&status, &problem, root, 0);
    ok(ret == CR_SUCCESS, "status: %#lx\n", ret);
    ok(status & DN_STARTED, "status %#lx\n", status);
    ok(!problem, "problem %lu\n", problem);
    ret = pCM_Get_Parent(&parent, root, 0);
    ok(ret == CR_NO_SUCH_DEVNODE, "the root's parent: %#lx\n", ret);
    ret = pCM_Get_Child(&child, root, 0);
    ok(ret == CR_SUCCESS, "the root's child: %#lx\n", ret);
    if (!ret)
    {
        ret = pCM_Get_Parent(&parent, child, 0);
        ok(ret == CR_SUCCESS && parent == root, "the child's parent %#lx: %#lx (root %#lx)\n", ret, parent, root);
        ret = pCM_Get_Sibling(&sibling, child, 0);
        ok(ret == CR_SUCCESS || ret == CR_NO_SUCH_DEVNODE, "sibling: %#lx\n", ret);
        ok(ret || sibling != child, "its own sibling\n");
    }
}

/* Every present HID interface (Wine's winebus devices in any prefix) answers the follow-up queries. */
static void test_system_devices(void)
{
    WCHAR *list, *link, id[MAX_DEVICE_ID_LEN], again[MAX_DEVICE_ID_LEN];
    DEVPROPTYPE type;
    DEVINST dn;
    ULONG size, count = 0, ids;
    CONFIGRET ret;

    list = interface_list(&WINENOTIFY_GUID_DEVINTERFACE_HID, CM_GET_DEVICE_INTERFACE_LIST_PRESENT);
    if (!list) return;
    for (link = list; *link; link += wcslen(link) + 1, count++)
    {
        size = sizeof(id);
        ret = pCM_Get_Device_Interface_PropertyW(link, &key_instance_id, &type, (BYTE *)id, &size, 0);
        ok(ret == CR_SUCCESS, "%s: instance ID %#lx\n", dbgstr_w(link), ret);
        if (ret) continue;
        ok(type == DEVPROP_TYPE_STRING, "type %#lx\n", type);
        ret = pCM_Locate_DevNodeW(&dn, id, 0);
        ok(ret == CR_SUCCESS, "%s: CM_Locate_DevNodeW %#lx\n", dbgstr_w(id), ret);
        if (ret) continue;
        ret = pCM_Get_Device_IDW(dn, again, ARRAY_SIZE(again), 0);
        ok(ret == CR_SUCCESS && !_wcsicmp(again, id), "ID %s for %s\n", dbgstr_w(again), dbgstr_w(id));
    }
    trace("%lu present HID interfaces\n", count);
    free(list);
    ret = pCM_Get_Device_ID_List_SizeW(&ids, NULL, CM_GETIDLIST_FILTER_PRESENT);
    ok(ret == CR_SUCCESS && ids > 1, "device ID list %#lx, %lu characters\n", ret, ids);
}

/* ---- our devices (Wine) ---------------------------------------------------------------------------------------- */

/* Every query on a present network device. */
static void check_present(const WCHAR *link, const WCHAR *expect_id)
{
    WCHAR id[MAX_DEVICE_ID_LEN], buf[512], *list;
    char bufa[512];
    DEVPROPTYPE type;
    DEVINST dn, again, parent, root;
    ULONG size, status, problem, reg_type;
    GUID guid;
    CONFIGRET ret;
    HKEY key;

    size = sizeof(id);
    ret = pCM_Get_Device_Interface_PropertyW(link, &key_instance_id, &type, (BYTE *)id, &size, 0);
    ok(ret == CR_SUCCESS, "interface instance ID: %#lx\n", ret);
    ok(!wcscmp(id, expect_id), "instance ID %s\n", dbgstr_w(id));
    ok(size == (wcslen(expect_id) + 1) * sizeof(WCHAR), "size %lu\n", size);

    ret = pCM_Locate_DevNodeW(&dn, id, 0);
    ok(ret == CR_SUCCESS, "CM_Locate_DevNodeW: %#lx\n", ret);
    ret = pCM_Get_Device_IDW(dn, buf, ARRAY_SIZE(buf), 0);
    ok(ret == CR_SUCCESS && !wcscmp(buf, expect_id), "CM_Get_Device_IDW: %#lx %s\n", ret, dbgstr_w(buf));
    ret = pCM_Get_DevNode_Status(&status, &problem, dn, 0);
    ok(ret == CR_SUCCESS && (status & DN_STARTED) && !problem, "status %#lx %#lx %lu\n", ret, status, problem);

    size = sizeof(buf);
    ret = pCM_Get_DevNode_PropertyW(dn, &key_device_desc, &type, (BYTE *)buf, &size, 0);
    ok(ret == CR_SUCCESS && type == DEVPROP_TYPE_STRING && buf[0], "DeviceDesc %#lx %#lx %s\n", ret, type,
       dbgstr_w(buf));
    size = sizeof(buf);
    ret = pCM_Get_DevNode_PropertyW(dn, &key_hardware_ids, &type, (BYTE *)buf, &size, 0);
    ok(ret == CR_SUCCESS && type == DEVPROP_TYPE_STRING_LIST, "HardwareIds %#lx %#lx\n", ret, type);
    ok(!ret && in_multi(buf, L"ROOT\\NET"), "hardware IDs %s\n", dbgstr_w(buf));
    size = sizeof(guid);
    ret = pCM_Get_DevNode_PropertyW(dn, &key_class_guid, &type, (BYTE *)&guid, &size, 0);
    ok(ret == CR_SUCCESS && type == DEVPROP_TYPE_GUID && IsEqualGUID(&guid, &class_net), "ClassGuid %#lx\n", ret);
    size = 2;
    ret = pCM_Get_DevNode_PropertyW(dn, &key_parent, &type, (BYTE *)buf, &size, 0);
    ok(ret == CR_BUFFER_SMALL && size == sizeof(L"HTREE\\ROOT\\0"), "Parent %#lx, size %lu\n", ret, size);

    size = sizeof(buf);
    ret = pCM_Get_DevNode_Registry_PropertyW(dn, CM_DRP_HARDWAREID, &reg_type, buf, &size, 0);
    ok(ret == CR_SUCCESS && reg_type == REG_MULTI_SZ && in_multi(buf, L"ROOT\\NET"), "HARDWAREID %#lx %lu\n", ret,
       reg_type);
    size = sizeof(bufa);
    ret = pCM_Get_DevNode_Registry_PropertyA(dn, CM_DRP_CLASS, &reg_type, bufa, &size, 0);
    ok(ret == CR_SUCCESS && reg_type == REG_SZ && !strcmp(bufa, "Net") && size == 4, "CLASS %#lx %s %lu\n", ret,
       bufa, size);

    ret = pCM_Locate_DevNodeW(&root, NULL, 0);
    ret = pCM_Get_Parent(&parent, dn, 0);
    ok(ret == CR_SUCCESS && parent == root, "parent %#lx %#lx\n", ret, parent);
    ret = pCM_Locate_DevNodeW(&again, (WCHAR *)expect_id, 0);
    ok(again == dn, "handles %#lx, %#lx\n", again, dn);

    list = interface_list(&WINENOTIFY_GUID_DEVINTERFACE_NET, CM_GET_DEVICE_INTERFACE_LIST_PRESENT);
    ok(list && in_multi(list, link), "the present NET interfaces lack %s\n", dbgstr_w(link));
    free(list);
    ret = pCM_Get_Device_ID_List_SizeW(&size, L"ROOT", CM_GETIDLIST_FILTER_ENUMERATOR);
    ok(ret == CR_SUCCESS, "ID list size %#lx\n", ret);
    if (!ret && (list = malloc((size + 256) * sizeof(WCHAR))))
    {
        ret = pCM_Get_Device_ID_ListW(L"ROOT", list, size + 256, CM_GETIDLIST_FILTER_ENUMERATOR);
        ok(ret == CR_SUCCESS && in_multi(list, expect_id), "ID list %#lx lacks %s\n", ret, dbgstr_w(expect_id));
        free(list);
    }

    if (pCM_Get_DevNode_Property_Keys && pCM_Get_Device_Interface_Property_KeysW)
    {
        DEVPROPKEY keys[64];
        ULONG count = 0, i, found = 0;

        ret = pCM_Get_DevNode_Property_Keys(dn, NULL, &count, 0);
        ok(ret == CR_BUFFER_SMALL && count > 2, "CM_Get_DevNode_Property_Keys size: %#lx %lu\n", ret, count);
        count = ARRAY_SIZE(keys);
        ret = pCM_Get_DevNode_Property_Keys(dn, keys, &count, 0);
        ok(ret == CR_SUCCESS, "CM_Get_DevNode_Property_Keys: %#lx\n", ret);
        for (i = 0; !ret && i < count; i++)
            found += !memcmp(&keys[i], &key_device_desc, sizeof(DEVPROPKEY)) ||
                     !memcmp(&keys[i], &key_hardware_ids, sizeof(DEVPROPKEY));
        ok(found == 2, "DeviceDesc and HardwareIds among %lu keys: %lu\n", count, found);
        count = ARRAY_SIZE(keys);
        ret = pCM_Get_Device_Interface_Property_KeysW(link, keys, &count, 0);
        ok(ret == CR_SUCCESS && count >= 1, "CM_Get_Device_Interface_Property_KeysW: %#lx %lu\n", ret, count);
    }

    ret = pCM_Open_DevNode_Key(dn, KEY_READ | KEY_WRITE, 0, RegDisposition_OpenAlways, &key, CM_REGISTRY_HARDWARE);
    ok(ret == CR_SUCCESS, "CM_Open_DevNode_Key: %#lx\n", ret);
    if (!ret) RegCloseKey(key);

    /* Wine's own setupapi finds it in the prefix's registry. */
    ok(registry_has(expect_id), "no Enum key for %s\n", dbgstr_w(expect_id));
    ok(setupapi_lists(&WINENOTIFY_GUID_DEVINTERFACE_NET, link), "SetupDi does not list %s\n", dbgstr_w(link));
    {
        HDEVINFO set = SetupDiCreateDeviceInfoList(NULL, NULL);
        SP_DEVINFO_DATA info = { .cbSize = sizeof(info) };
        DWORD need = 0;

        ok(SetupDiOpenDeviceInfoW(set, expect_id, NULL, 0, &info), "SetupDiOpenDeviceInfoW: %lu\n", GetLastError());
        ok(SetupDiGetDeviceRegistryPropertyW(set, &info, SPDRP_DEVICEDESC, NULL, (BYTE *)buf, sizeof(buf), &need) &&
           buf[0], "SPDRP_DEVICEDESC: %lu\n", GetLastError());
        ok(SetupDiGetDeviceRegistryPropertyW(set, &info, SPDRP_HARDWAREID, NULL, (BYTE *)buf, sizeof(buf), &need) &&
           in_multi(buf, L"ROOT\\NET"), "SPDRP_HARDWAREID: %lu\n", GetLastError());
        /* setupapi's device node handle works with cfgmgr32's functions. */
        ret = pCM_Get_Device_IDW(info.DevInst, buf, ARRAY_SIZE(buf), 0);
        ok(ret == CR_SUCCESS && !_wcsicmp(buf, expect_id), "CM_Get_Device_IDW(setupapi's %#lx): %#lx %s\n",
           info.DevInst, ret, dbgstr_w(buf));
        SetupDiDestroyDeviceInfoList(set);
    }
    (void)again;
}

/* The same queries after the removal: Windows' answers for a device that is gone. */
static void check_gone(const WCHAR *link, const WCHAR *id, DEVINST old)
{
    WCHAR buf[256], *list;
    DEVPROPTYPE type;
    DEVINST dn;
    ULONG size, status, problem;
    CONFIGRET ret;

    size = sizeof(buf);
    ret = pCM_Get_Device_Interface_PropertyW(link, &key_instance_id, &type, (BYTE *)buf, &size, 0);
    ok(ret == CR_NO_SUCH_DEVICE_INTERFACE, "interface property after removal: %#lx\n", ret);
    ret = pCM_Locate_DevNodeW(&dn, (WCHAR *)id, 0);
    ok(ret == CR_NO_SUCH_DEVNODE, "CM_Locate_DevNodeW after removal: %#lx\n", ret);
    ret = pCM_Get_DevNode_Status(&status, &problem, old, 0);
    ok(ret == CR_NO_SUCH_DEVINST, "status of the old handle: %#lx\n", ret);
    ret = pCM_Get_Device_IDW(old, buf, ARRAY_SIZE(buf), 0);
    ok(ret == CR_NO_SUCH_DEVINST, "ID of the old handle: %#lx\n", ret);
    list = interface_list(&WINENOTIFY_GUID_DEVINTERFACE_NET, CM_GET_DEVICE_INTERFACE_LIST_PRESENT);
    ok(!list || !in_multi(list, link), "the NET interfaces still list %s\n", dbgstr_w(link));
    free(list);
    ok(!registry_has(id), "the Enum key of %s is left\n", dbgstr_w(id));
    ok(!key_left_empty(ENUM_KEY L"ROOT\\NET"), "an empty Enum\\ROOT\\NET is left\n");
    ok(!class_key_left_empty(&WINENOTIFY_GUID_DEVINTERFACE_NET), "an empty class key is left\n");
    ok(!setupapi_lists(&WINENOTIFY_GUID_DEVINTERFACE_NET, link), "SetupDi still lists %s\n", dbgstr_w(link));
}

static void test_tun(void)
{
    static const WCHAR id[] = L"ROOT\\NET\\WNDQT0";
    struct watch w;
    DEVINST dn = 0;
    WCHAR link[256];

    if (!winetest_platform_is_wine)
    {
        skip("network devices are made with host commands: Wine only\n");
        return;
    }
    watch_start(&w, &WINENOTIFY_GUID_DEVINTERFACE_NET, L"#wndqt0#");
    winetest_run_unix(NULL, "ip tuntap add dev wndqt0 mode tun");
    ok(watch_wait(&w, FALSE, 1), "no arrival\n");
    /* The keys are there before the arrival is announced. */
    ok(registry_has(id), "no Enum key at the arrival\n");
    lstrcpynW(link, w.arrived, ARRAY_SIZE(link));
    check_present(link, id);
    pCM_Locate_DevNodeW(&dn, (WCHAR *)id, 0);

    winetest_run_unix(NULL, "ip link del wndqt0");
    ok(watch_wait(&w, TRUE, 1), "no removal\n");
    check_gone(link, id, dn);
    watch_stop(&w);
}

/* A hostile interface name: control characters and a path in the kernel's name. */
static void test_odd_name(void)
{
    struct watch w;
    DEVINST dn;
    WCHAR id[MAX_DEVICE_ID_LEN];
    DEVPROPTYPE type;
    ULONG size = sizeof(id);
    CONFIGRET ret;

    if (!winetest_platform_is_wine) return;
    /* The link holds the sanitised name. */
    watch_start(&w, &WINENOTIFY_GUID_DEVINTERFACE_NET, L"#wn_..x&");
    /* ip accepts any byte but '/', ' ' and NUL in a name: a comma, dots and a backslash-free odd one. */
    winetest_run_unix(NULL, "ip tuntap add dev wn,..x mode tun");
    ok(watch_wait(&w, FALSE, 1), "no arrival for the odd name\n");
    if (w.arrivals)
    {
        ok(!wcschr(w.arrived + 4, ','), "a comma in the link %s\n", dbgstr_w(w.arrived));
        ret = pCM_Get_Device_Interface_PropertyW(w.arrived, &key_instance_id, &type, (BYTE *)id, &size, 0);
        ok(ret == CR_SUCCESS, "instance ID: %#lx\n", ret);
        ok(!wcsncmp(id, L"ROOT\\NET\\WN_..X&", 16), "instance ID %s\n", dbgstr_w(id));
        ret = pCM_Locate_DevNodeW(&dn, id, 0);
        ok(ret == CR_SUCCESS, "CM_Locate_DevNodeW: %#lx\n", ret);
        ok(registry_has(id), "no Enum key for %s\n", dbgstr_w(id));
    }
    winetest_run_unix(NULL, "ip link del wn,..x");
    ok(watch_wait(&w, TRUE, 1), "no removal for the odd name\n");
    watch_stop(&w);
}

/* The device a link belongs to, located. */
static DEVINST link_devinst(const WCHAR *link, WCHAR *id, ULONG id_size)
{
    DEVPROPTYPE type;
    DEVINST dn = 0;
    CONFIGRET ret;

    ret = pCM_Get_Device_Interface_PropertyW(link, &key_instance_id, &type, (BYTE *)id, &id_size, 0);
    ok(ret == CR_SUCCESS, "%s: instance ID %#lx\n", dbgstr_w(link), ret);
    if (ret) return 0;
    ret = pCM_Locate_DevNodeW(&dn, id, 0);
    ok(ret == CR_SUCCESS, "%s: CM_Locate_DevNodeW %#lx\n", dbgstr_w(id), ret);
    return dn;
}

/* A loop disk with a partition: the disk and its volume, the volume the disk's child. */
static void test_loop_disk(void)
{
    WCHAR disk_link[256], vol_link[256], disk_id[MAX_DEVICE_ID_LEN], vol_id[MAX_DEVICE_ID_LEN];
    WCHAR buf[256];
    DEVPROPTYPE type;
    DEVINST disk, vol, dn;
    struct watch wdisk, wvol;
    ULONG size;
    CONFIGRET ret;

    if (!winetest_platform_is_wine)
    {
        skip("loop devices are made with host commands: Wine only\n");
        return;
    }
    if (!write_partition_image(L"wndq.img"))
    {
        skip("cannot write an image in the current directory\n");
        return;
    }
    watch_start(&wdisk, &WINENOTIFY_GUID_DEVINTERFACE_DISK, L"#loop");
    watch_start(&wvol, &WINENOTIFY_GUID_DEVINTERFACE_VOLUME, L"#loop");
    /* As in cfgnotify.c: partx adds the partition where the loop driver's own scan finds none. */
    winetest_run_unix(NULL, "losetup -f -P --show wndq.img > wndq.loop && partx -a $(cat wndq.loop) 2>/dev/null");
    if (!watch_wait(&wdisk, FALSE, 1))
    {
        skip("no disk arrived: no loop device or no block uevents here\n");
        winetest_run_unix(NULL, "test -s wndq.loop && losetup -d $(cat wndq.loop); rm -f wndq.loop wndq.img");
        goto done;
    }
    ok(watch_wait(&wvol, FALSE, 1), "no volume arrived\n");
    lstrcpynW(disk_link, wdisk.arrived, ARRAY_SIZE(disk_link));
    lstrcpynW(vol_link, wvol.arrived, ARRAY_SIZE(vol_link));

    disk = link_devinst(disk_link, disk_id, sizeof(disk_id));
    vol = wvol.arrivals ? link_devinst(vol_link, vol_id, sizeof(vol_id)) : 0;
    ok(!wcsncmp(disk_id, L"STORAGE\\DISK\\LOOP", 17), "disk %s\n", dbgstr_w(disk_id));
    size = sizeof(buf);
    ret = pCM_Get_DevNode_PropertyW(disk, &key_hardware_ids, &type, (BYTE *)buf, &size, 0);
    ok(ret == CR_SUCCESS && in_multi(buf, L"GenDisk"), "disk hardware IDs %#lx %s\n", ret, dbgstr_w(buf));
    ok(registry_has(disk_id), "no Enum key for the disk\n");
    ok(setupapi_lists(&WINENOTIFY_GUID_DEVINTERFACE_DISK, disk_link), "SetupDi does not list the disk\n");
    if (vol)
    {
        ret = pCM_Get_Parent(&dn, vol, 0);
        ok(ret == CR_SUCCESS && dn == disk, "the volume's parent %#lx: %#lx, disk %#lx\n", ret, dn, disk);
        ret = pCM_Get_Child(&dn, disk, 0);
        ok(ret == CR_SUCCESS && dn == vol, "the disk's child %#lx: %#lx, volume %#lx\n", ret, dn, vol);
        size = sizeof(buf);
        ret = pCM_Get_DevNode_PropertyW(vol, &key_parent, &type, (BYTE *)buf, &size, 0);
        ok(ret == CR_SUCCESS && !wcscmp(buf, disk_id), "Parent %#lx %s\n", ret, dbgstr_w(buf));
        ok(registry_has(vol_id), "no Enum key for the volume\n");
    }

    winetest_run_unix(NULL, "losetup -d $(cat wndq.loop); rm -f wndq.loop wndq.img");
    ok(watch_wait(&wdisk, TRUE, 1), "no disk removal\n");
    ret = pCM_Locate_DevNodeW(&dn, disk_id, 0);
    ok(ret == CR_NO_SUCH_DEVNODE, "the disk after removal: %#lx\n", ret);
    ok(!registry_has(disk_id), "the disk's Enum key is left\n");
    if (vol)
    {
        ok(watch_wait(&wvol, TRUE, 1), "no volume removal\n");
        ret = pCM_Get_DevNode_Status(&size, &size, vol, 0);
        ok(ret == CR_NO_SUCH_DEVINST, "the volume's handle after removal: %#lx\n", ret);
        ok(!registry_has(vol_id), "the volume's Enum key is left\n");
    }
    ok(!key_left_empty(ENUM_KEY L"STORAGE\\DISK"), "an empty Enum\\STORAGE\\DISK is left\n");
    ok(!key_left_empty(ENUM_KEY L"STORAGE\\VOLUME"), "an empty Enum\\STORAGE\\VOLUME is left\n");
    ok(!class_key_left_empty(&WINENOTIFY_GUID_DEVINTERFACE_DISK), "an empty disk class key is left\n");
    ok(!class_key_left_empty(&WINENOTIFY_GUID_DEVINTERFACE_VOLUME), "an empty volume class key is left\n");
done:
    watch_stop(&wdisk);
    watch_stop(&wvol);
}

/* ---- software devices ------------------------------------------------------------------------------------------ */

static HANDLE start_child(const char *mode);

#define SWD_ID L"SWD\\WineNotifyDQ\\dq1"
#define SWD_DESC L"winenotify query device"

static DWORD CALLBACK instance_callback(HCMNOTIFICATION handle, PVOID context, CM_NOTIFY_ACTION action,
                                        PCM_NOTIFY_EVENT_DATA data, DWORD size)
{
    (void)handle;
    (void)data;
    (void)size;
    if (action == CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED) SetEvent(context);
    return ERROR_SUCCESS;
}

/* The software device's node as SwDeviceCreate described it; returns the number of failed checks. */
static int check_software_device(const WCHAR *id)
{
    WCHAR buf[256];
    DEVPROPTYPE type;
    DEVINST dn, parent, root;
    ULONG size;
    CONFIGRET ret;
    int failed = 0;

#define CHECK(cond, ...) do { ok(cond, __VA_ARGS__); failed += !(cond); } while (0)
    ret = pCM_Locate_DevNodeW(&dn, (WCHAR *)id, 0);
    CHECK(ret == CR_SUCCESS, "CM_Locate_DevNodeW(%s): %#lx\n", dbgstr_w(id), ret);
    if (ret) return failed;
    size = sizeof(buf);
    ret = pCM_Get_DevNode_PropertyW(dn, &key_device_desc, &type, (BYTE *)buf, &size, 0);
    CHECK(ret == CR_SUCCESS && !wcscmp(buf, SWD_DESC), "DeviceDesc %#lx %s\n", ret, dbgstr_w(buf));
    size = sizeof(buf);
    ret = pCM_Get_DevNode_PropertyW(dn, &key_hardware_ids, &type, (BYTE *)buf, &size, 0);
    CHECK(ret == CR_SUCCESS && in_multi(buf, L"WineNotifyDQHw") && in_multi(buf, L"WineNotifyDQHw2"),
          "HardwareIds %#lx %s\n", ret, dbgstr_w(buf));
    pCM_Locate_DevNodeW(&root, NULL, 0);
    ret = pCM_Get_Parent(&parent, dn, 0);
    CHECK(ret == CR_SUCCESS && parent == root, "parent %#lx %#lx\n", ret, parent);
#undef CHECK
    return failed;
}

static void test_software_device(void)
{
    static const WCHAR hardware_ids[] = L"WineNotifyDQHw\0WineNotifyDQHw2\0";
    SW_DEVICE_CREATE_INFO info = { .cbSize = sizeof(info) };
    CM_NOTIFY_FILTER filter = { .cbSize = sizeof(filter) };
    struct sw_created created = { 0 };
    HCMNOTIFICATION hremoved = NULL;
    HANDLE removed = CreateEventW(NULL, TRUE, FALSE, NULL), proc;
    HSWDEVICE device = NULL;
    WCHAR *link = NULL, *list, id[MAX_DEVICE_ID_LEN];
    DEVPROPTYPE type;
    DEVINST dn;
    ULONG size;
    DWORD code = 1;
    CONFIGRET ret;
    HRESULT hr;

    if (!pSwDeviceCreate || !pSwDeviceInterfaceRegister || !pSwDeviceClose || !pSwMemFree)
    {
        win_skip("SwDeviceCreate is missing\n");
        CloseHandle(removed);
        return;
    }
    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE;
    lstrcpyW(filter.u.DeviceInstance.InstanceId, SWD_ID);
    ret = pCM_Register_Notification(&filter, removed, instance_callback, &hremoved);
    ok(ret == CR_SUCCESS, "CM_Register_Notification: %#lx\n", ret);

    created.done = CreateEventW(NULL, TRUE, FALSE, NULL);
    info.pszInstanceId = L"dq1";
    info.pszzHardwareIds = hardware_ids;
    info.pszDeviceDescription = SWD_DESC;
    info.CapabilityFlags = SWDeviceCapabilitiesSilentInstall | SWDeviceCapabilitiesDriverRequired;
    hr = pSwDeviceCreate(L"WineNotifyDQ", L"HTREE\\ROOT\\0", &info, 0, NULL, sw_callback, &created, &device);
    if (hr == E_ACCESSDENIED || hr == HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED) || hr == E_NOTIMPL)
    {
        skip("SwDeviceCreate: %#lx (administrator rights, or no implementation)\n", hr);
        goto done;
    }
    if (FAILED(hr) || WaitForSingleObject(created.done, WAIT_MS) || FAILED(created.result))
    {
        ok(0, "SwDeviceCreate failed: %#lx, %#lx\n", hr, created.result);
        goto done;
    }
    ok(!wcscmp(created.instance_id, SWD_ID), "instance %s\n", dbgstr_w(created.instance_id));
    check_software_device(SWD_ID);

    hr = pSwDeviceInterfaceRegister(device, &WINENOTIFY_GUID_DEVINTERFACE_HID, NULL, 0, NULL, TRUE, &link);
    ok(hr == S_OK, "SwDeviceInterfaceRegister: %#lx\n", hr);
    if (hr == S_OK)
    {
        list = interface_list(&WINENOTIFY_GUID_DEVINTERFACE_HID, CM_GET_DEVICE_INTERFACE_LIST_PRESENT);
        ok(list && in_multi(list, link), "the HID interfaces lack %s\n", dbgstr_w(link));
        free(list);
        size = sizeof(id);
        ret = pCM_Get_Device_Interface_PropertyW(link, &key_instance_id, &type, (BYTE *)id, &size, 0);
        ok(ret == CR_SUCCESS && !_wcsicmp(id, SWD_ID), "interface's device %#lx %s\n", ret, dbgstr_w(id));
        ok(setupapi_lists(&WINENOTIFY_GUID_DEVINTERFACE_HID, link), "SetupDi does not list %s\n", dbgstr_w(link));
    }

    /* Another process sees the same device node. */
    if ((proc = start_child("swd")))
    {
        ok(!WaitForSingleObject(proc, WAIT_MS), "the child did not finish\n");
        GetExitCodeProcess(proc, &code);
        ok(!code, "the other process failed %lu checks\n", code);
        CloseHandle(proc);
    }

    pCM_Locate_DevNodeW(&dn, (WCHAR *)SWD_ID, 0);
    pSwDeviceClose(device);
    device = NULL;
    ok(!WaitForSingleObject(removed, WAIT_MS), "no removal of the software device\n");
    ret = pCM_Locate_DevNodeW(&dn, (WCHAR *)SWD_ID, 0);
    ok(ret == CR_NO_SUCH_DEVNODE || broken(ret == CR_SUCCESS) /* Windows keeps a non-present node */,
       "CM_Locate_DevNodeW after SwDeviceClose: %#lx\n", ret);
    if (link)
    {
        size = sizeof(id);
        ret = pCM_Get_Device_Interface_PropertyW(link, &key_instance_id, &type, (BYTE *)id, &size, 0);
        ok(ret == CR_NO_SUCH_DEVICE_INTERFACE || broken(ret == CR_SUCCESS), "interface after removal: %#lx\n", ret);
        list = interface_list(&WINENOTIFY_GUID_DEVINTERFACE_HID, CM_GET_DEVICE_INTERFACE_LIST_PRESENT);
        ok(!list || !in_multi(list, link), "the HID interfaces still list %s\n", dbgstr_w(link));
        free(list);
        pSwMemFree(link);
    }
    if (winetest_platform_is_wine) ok(!registry_has(SWD_ID), "the Enum key is left\n");
    /* The device's own enumerator key held nothing else. */
    ok(!key_left_empty(ENUM_KEY L"SWD\\WineNotifyDQ"), "an empty Enum\\SWD\\WineNotifyDQ is left\n");
    ok(!class_key_left_empty(&WINENOTIFY_GUID_DEVINTERFACE_HID), "an empty HID class key is left\n");
done:
    if (device) pSwDeviceClose(device);
    if (hremoved) pCM_Unregister_Notification(hremoved);
    CloseHandle(created.done);
    CloseHandle(removed);
}

/* ---- several processes ---------------------------------------------------------------------------------------- */

static HANDLE start_child(const char *mode)
{
    WCHAR host[MAX_PATH];
    char args[64];
    DWORD n = GetEnvironmentVariableW(L"WINENOTIFY_HOST", host, ARRAY_SIZE(host));

    snprintf(args, sizeof(args), "devquery child %s", mode);
    return winetest_start_child(args, n && n < ARRAY_SIZE(host) ? host : NULL);
}

/* "watch": publishes, sees the tun come and go, and exits with the number of arrivals and removals it saw
 * (0x11 for one each).  "publish": publishes, says so, and waits to be killed.  "start": publishes and exits. */
static void child(const char *mode)
{
    HANDLE ready = OpenEventW(EVENT_MODIFY_STATE, FALSE, L"winenotify_devquery_ready");
    DEVINST root;
    struct watch w;

    if (!strcmp(mode, "swd")) ExitProcess((UINT)check_software_device(SWD_ID));
    if (!strcmp(mode, "start"))
    {
        pCM_Locate_DevNodeW(&root, NULL, 0);
        return;
    }
    if (!strcmp(mode, "publish"))
    {
        pCM_Locate_DevNodeW(&root, NULL, 0);
        SetEvent(ready);
        Sleep(INFINITE);
    }
    watch_start(&w, &WINENOTIFY_GUID_DEVINTERFACE_NET, L"#wndqm0#");
    SetEvent(ready);
    watch_wait(&w, TRUE, 1);
    ExitProcess((DWORD)(w.arrivals << 4 | w.removals));
}

static void test_two_processes(void)
{
    HANDLE ready = CreateEventW(NULL, FALSE, FALSE, L"winenotify_devquery_ready"), proc;
    struct watch w;
    DWORD code = 0;

    if (!winetest_platform_is_wine) return;
    watch_start(&w, &WINENOTIFY_GUID_DEVINTERFACE_NET, L"#wndqm0#");
    proc = start_child("watch");
    ok(!WaitForSingleObject(ready, WAIT_MS), "the child did not start watching\n");
    winetest_run_unix(NULL, "ip tuntap add dev wndqm0 mode tun");
    ok(watch_wait(&w, FALSE, 1), "no arrival\n");
    ok(registry_has(L"ROOT\\NET\\WNDQM0"), "no Enum key\n");
    winetest_run_unix(NULL, "ip link del wndqm0");
    ok(watch_wait(&w, TRUE, 1), "no removal\n");
    ok(proc && !WaitForSingleObject(proc, WAIT_MS), "the child did not see the removal\n");
    GetExitCodeProcess(proc, &code);
    ok(code == 0x11, "the child saw %lu arrivals and %lu removals\n", code >> 4, code & 15);
    ok(w.arrivals == 1 && w.removals == 1, "%ld arrivals, %ld removals here\n", w.arrivals, w.removals);
    /* Both processes deleted; nothing is left and nothing came back. */
    ok(!registry_has(L"ROOT\\NET\\WNDQM0"), "the Enum key is left\n");
    CloseHandle(proc);
    CloseHandle(ready);
    watch_stop(&w);
}

/* A publishing process killed, its device gone while no process of ours watches: the next one to start sweeps. */
static void test_killed_publisher(void)
{
    HANDLE ready = CreateEventW(NULL, FALSE, FALSE, L"winenotify_devquery_ready"), proc;
    char *done, cwd[MAX_PATH];
    int i;

    if (!winetest_platform_is_wine || !winetest_unix_cwd(cwd, sizeof(cwd)))
    {
        CloseHandle(ready);
        return;
    }
    DeleteFileA("devquery.done");
    /* The commands say when they are done in a file: no process of ours may watch the device here. */
    winetest_run_unix(cwd, "ip tuntap add dev wndqk0 mode tun && touch devquery.done");
    for (i = 0; i < 100 && !(done = winetest_read_file("devquery.done", NULL)); i++) Sleep(50);
    free(done);
    DeleteFileA("devquery.done");
    proc = start_child("publish");
    ok(proc && !WaitForSingleObject(ready, WAIT_MS), "the child did not publish\n");
    ok(registry_has(L"ROOT\\NET\\WNDQK0"), "the child did not publish the tun\n");
    TerminateProcess(proc, 9);
    WaitForSingleObject(proc, WAIT_MS);
    CloseHandle(proc);
    winetest_run_unix(cwd, "ip link del wndqk0 && touch devquery.done");
    for (i = 0; i < 100 && !(done = winetest_read_file("devquery.done", NULL)); i++) Sleep(50);
    ok(done != NULL, "the tun was not deleted\n");
    free(done);
    DeleteFileA("devquery.done");

    proc = start_child("start");
    ok(proc && !WaitForSingleObject(proc, WAIT_MS), "the second child did not finish\n");
    CloseHandle(proc);
    ok(!registry_has(L"ROOT\\NET\\WNDQK0"), "the killed process's device is left in the registry\n");
    CloseHandle(ready);
}

START_TEST(devquery)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);

    if (!load_functions())
    {
        win_skip("the device queries are missing (Wine 8 without our DLL)\n");
        return;
    }
    if (argc >= 4 && !strcmp(argv[2], "child"))
    {
        child(argv[3]);
        return;
    }
    /* First, while this process has published nothing. */
    test_killed_publisher();
    test_bad_arguments();
    test_root();
    test_system_devices();
    test_tun();
    test_odd_name();
    test_loop_disk();
    test_software_device();
    test_two_processes();
}
