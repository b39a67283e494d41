/* Never worse than the system: Wine's own device events in our registrations (issue 17, SPEC.md §11).
 *
 * What each Wine of the matrix has (measured on the installed builds, and read in Wine 11's source):
 * - sechost's I_ScRegisterDeviceNotification(handle, filter, callback): Wine 8, 10 and 11.  It is the path
 *   user32's RegisterDeviceNotification takes: a thread of sechost asks the plugplay service (ncacn_np
 *   \pipe\wine_plugplay) for each event that Wine's drivers raise (IoSetDeviceInterfaceState in ntoskrnl: winebus'
 *   HID devices, wineusb's USB devices) and calls every matching callback with (handle, DBT_DEVICEARRIVAL or
 *   DBT_DEVICEREMOVECOMPLETE, DEV_BROADCAST_DEVICEINTERFACE_W with the class and the link).  A filter whose
 *   dbcc_size ends before dbcc_classguid matches every class.  The callback is called from a copy made under
 *   sechost's lock, so it may run after I_ScUnregisterDeviceNotification has returned.
 * - cfgmgr32's CM_Register_Notification: missing in Wine 8; exported by Debian's 10.0 and by 11.0, real for
 *   interface and handle filters from 10.4 (over the same sechost function), CR_CALL_NOT_IMPLEMENTED for instance
 *   filters; its Unregister does not wait for a callback in flight.
 * - Wine's mount manager registers no device interfaces (no IoRegisterDeviceInterface in mountmgr.sys, Wine
 *   11): its disks and volumes raise no PnP event, only WM_DEVICECHANGE broadcasts.  So host disks stay ours.
 *
 * sechost's registration function changed its arguments three times (a details structure with a filter union
 * up to Wine 9, one with the device type and an all-classes flag in 2024, (handle, filter, callback) in 11), so we
 * take Wine's events where their ABI is public and stable: user32's RegisterDeviceNotificationW, the way libusb and
 * Chromium do, which every Wine implements over that sechost function.  One thread for the process, started by the
 * first interface registration, holds a message-only window registered for every interface class and sleeps in
 * GetMessage; sechost's thread sends it WM_DEVICECHANGE.  Each event is posted, under our lock, to every attached
 * registration (notify.c keeps the classes it wants) and delivered by our workers with our rundown: no callback
 * after CM_Unregister_Notification returns, and detaching under the same lock means that no note reaches a
 * registration once it is detached.
 *
 * One device, one arrival: a host device that Wine models too (a hidraw node winebus exposes, a USB device wineusb
 * drives) is announced with Wine's identity only, through this path, when Wine's device exists; the helper's
 * record of it is not announced to interface registrations (wn_wine_devices_models).  Without this source, ours
 * are announced.  This machine has no hidraw, uhid, uinput or USB, and Wine's mount manager raises no PnP event:
 * no device of Wine's can be made to come or go here (see winetest/devlinks.c). */
#define _CFGMGR32_
#include <winsock2.h>
#include <windows.h>
#include <dbt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "winenotify/cfgmgr32_notify.h"
#include "winenotify/wire.h"

#include "debug.h"
#include "devmap.h"
#include "source.h"
#include "state.h"
#include "wine_devices.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

typedef ATOM (WINAPI *register_class_fn)(const WNDCLASSW *);
typedef HWND (WINAPI *create_window_fn)(DWORD, LPCWSTR, LPCWSTR, DWORD, int, int, int, int, HWND, HMENU, HINSTANCE,
                                        LPVOID);
typedef LRESULT (WINAPI *def_window_proc_fn)(HWND, UINT, WPARAM, LPARAM);
typedef HDEVNOTIFY (WINAPI *register_notification_fn)(HANDLE, LPVOID, DWORD);
typedef BOOL (WINAPI *get_message_fn)(LPMSG, HWND, UINT, UINT);
typedef LRESULT (WINAPI *dispatch_message_fn)(const MSG *);

struct bridge
{
    struct wn_reg *reg;
    wn_wine_post_fn post;
    struct bridge *next;
};

static SRWLOCK bridges_lock = SRWLOCK_INIT;
static struct bridge *bridges;

static INIT_ONCE source_once = INIT_ONCE_STATIC_INIT;
static BOOL source_ok, wine_usb, wine_hid;
static def_window_proc_fn def_window_proc;

/* The window's thread: an event of Wine's, sent by sechost's thread.  Posted under the lock: detaching takes it
 * too, so no note reaches a registration after its detach. */
static LRESULT WINAPI window_proc(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam)
{
    DEV_BROADCAST_DEVICEINTERFACE_W *iface = (DEV_BROADCAST_DEVICEINTERFACE_W *)lparam;
    CM_NOTIFY_ACTION action;
    struct bridge *b;

    if (msg != WM_DEVICECHANGE) return def_window_proc(hwnd, msg, wparam, lparam);
    if (wparam == DBT_DEVICEARRIVAL) action = CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL;
    else if (wparam == DBT_DEVICEREMOVECOMPLETE) action = CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL;
    else return TRUE;
    if (!iface || iface->dbcc_devicetype != DBT_DEVTYP_DEVICEINTERFACE ||
        iface->dbcc_size < offsetof(DEV_BROADCAST_DEVICEINTERFACE_W, dbcc_name[1]))
        return TRUE;
    TRACE("Wine's %s of %ls\n", action == CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL ? "arrival" : "removal",
          iface->dbcc_name);
    AcquireSRWLockExclusive(&bridges_lock);
    for (b = bridges; b; b = b->next) b->post(b->reg, action, &iface->dbcc_classguid, iface->dbcc_name);
    ReleaseSRWLockExclusive(&bridges_lock);
    return TRUE;
}

struct start
{
    HANDLE ready;
    BOOL ok;
};

/* One thread for the process, made by the first interface registration: a message-only window registered for
 * every interface class, and its message loop, which sleeps in GetMessage between events. */
static DWORD WINAPI source_thread(void *arg)
{
    struct start *start = arg;
    HMODULE user32 = LoadLibraryW(L"user32.dll");
    register_class_fn register_class = NULL;
    create_window_fn create_window = NULL;
    register_notification_fn register_notification = NULL;
    get_message_fn get_message = NULL;
    dispatch_message_fn dispatch_message = NULL;
    DEV_BROADCAST_DEVICEINTERFACE_W filter;
    WNDCLASSW wc;
    HWND hwnd = NULL;
    MSG msg;

    if (user32)
    {
        register_class = (register_class_fn)(void *)GetProcAddress(user32, "RegisterClassW");
        create_window = (create_window_fn)(void *)GetProcAddress(user32, "CreateWindowExW");
        def_window_proc = (def_window_proc_fn)(void *)GetProcAddress(user32, "DefWindowProcW");
        register_notification = (register_notification_fn)(void *)GetProcAddress(user32,
                                                                                  "RegisterDeviceNotificationW");
        get_message = (get_message_fn)(void *)GetProcAddress(user32, "GetMessageW");
        dispatch_message = (dispatch_message_fn)(void *)GetProcAddress(user32, "DispatchMessageW");
    }
    if (register_class && create_window && def_window_proc && register_notification && get_message &&
        dispatch_message)
    {
        memset(&wc, 0, sizeof(wc));
        wc.lpfnWndProc = window_proc;
        wc.hInstance = GetModuleHandleW(NULL);
        wc.lpszClassName = L"winenotify_wine_devices";
        register_class(&wc);
        hwnd = create_window(0, wc.lpszClassName, NULL, 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, wc.hInstance, NULL);
    }
    if (hwnd)
    {
        memset(&filter, 0, sizeof(filter));
        filter.dbcc_size = sizeof(filter);
        filter.dbcc_devicetype = DBT_DEVTYP_DEVICEINTERFACE;
        start->ok = register_notification(hwnd, &filter, DEVICE_NOTIFY_WINDOW_HANDLE |
                                                         DEVICE_NOTIFY_ALL_INTERFACE_CLASSES) != NULL;
    }
    if (!start->ok) WARN("no device notifications from user32 (%lu): Wine's own devices are not reported\n",
                         GetLastError());
    SetEvent(start->ready);
    if (!start->ok) return 0;
    /* start is the starter's, gone once it has seen ready. */
    while (get_message(&msg, NULL, 0, 0) > 0) dispatch_message(&msg);
    return 0;
}

static BOOL CALLBACK start_source(INIT_ONCE *once, void *param, void **context)
{
    struct start start = { CreateEventW(NULL, TRUE, FALSE, NULL), FALSE };
    WCHAR path[MAX_PATH];
    HANDLE thread;
    UINT len;

    (void)once; (void)param; (void)context;
    if (!start.ready) return TRUE;
    /* Which of Wine's bus drivers exist: winebus (HID) in every Wine; wineusb only when Wine was built with
     * libusb (the Wine 11.0 here was not). */
    len = GetSystemDirectoryW(path, MAX_PATH - 32);
    if (len && len < MAX_PATH - 32)
    {
        wcscpy(path + len, L"\\drivers\\winebus.sys");
        wine_hid = GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
        wcscpy(path + len, L"\\drivers\\wineusb.sys");
        wine_usb = GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
    }
    if ((thread = CreateThread(NULL, 0, source_thread, &start, 0, NULL)))
    {
        WaitForSingleObject(start.ready, INFINITE);
        CloseHandle(thread);
        source_ok = start.ok;
    }
    CloseHandle(start.ready);
    TRACE("Wine's own device events: %d (winebus %d, wineusb %d)\n", source_ok, wine_hid, wine_usb);
    return TRUE;
}

static BOOL have_source(void)
{
    if (!wn_running_on_wine()) return FALSE;
    InitOnceExecuteOnce(&source_once, start_source, NULL, NULL);
    return source_ok;
}

BOOL wn_wine_devices_attach(struct wn_reg *reg, const CM_NOTIFY_FILTER *filter, wn_wine_post_fn post)
{
    struct bridge *b;

    if (filter->FilterType != CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE || !have_source()) return FALSE;
    if (!(b = calloc(1, sizeof(*b)))) return FALSE;
    b->reg = reg;
    b->post = post;
    AcquireSRWLockExclusive(&bridges_lock);
    b->next = bridges;
    bridges = b;
    ReleaseSRWLockExclusive(&bridges_lock);
    TRACE("%p: Wine's own events too\n", reg);
    return TRUE;
}

void wn_wine_devices_detach(struct wn_reg *reg)
{
    struct bridge **p, *b = NULL;

    AcquireSRWLockExclusive(&bridges_lock);
    for (p = &bridges; *p; p = &(*p)->next)
        if ((*p)->reg == reg)
        {
            b = *p;
            *p = b->next;
            break;
        }
    ReleaseSRWLockExclusive(&bridges_lock);
    free(b);
}

int wn_wine_devices_models(const char *props, size_t props_len)
{
    const char *subsystem = wn_wire_prop(props, props_len, "SUBSYSTEM");
    BOOL pending = TRUE;

    /* Only once the source runs (an interface registration started it): the reader thread must not start it. */
    if (!subsystem || !InitOnceBeginInitialize(&source_once, INIT_ONCE_CHECK_ONLY, &pending, NULL) || pending ||
        !source_ok)
        return 0;
    /* winebus opens every hidraw node it may (its udev backend; evdev or SDL for some game controllers, which
     * then have winebus' link all the same): the HID interface with Wine's link is Wine's to announce. */
    if (!strcmp(subsystem, "hidraw")) return wine_hid;
    if (!strcmp(subsystem, "usb") && wine_usb)
    {
        const char *type = wn_wire_prop(props, props_len, "DEVTYPE");
        return type && !strcmp(type, "usb_device");
    }
    return 0;
}

/* ---- serial ports: the names Wine's serial driver would publish ------------------------------------------------
 *
 * The helper gives each port its COM name (WN_PORT_NAME, host/links.h) and makes dosdevices' comN, so that
 * \\.\COMn opens the port.  Here, the registry's side, as Windows' serial drivers leave it: a value in
 * HKLM\HARDWARE\DEVICEMAP\SERIALCOMM (a volatile key, as on Windows and as Wine's mount manager makes it) while the
 * port is there, written before the port's arrival is announced and removed before its removal is (this
 * subscription comes before any registration's).  A port Wine mapped itself at its start already has Wine's value
 * ("\Device\Serial0" = "COM1"): ours is not added.  Every process of the prefix writes and removes the same value;
 * one left by a process killed while its port went is removed by the next process's first view. */

#define SERIALCOMM L"HARDWARE\\DEVICEMAP\\SERIALCOMM"
#define OUR_PREFIX L"\\Device\\winenotify_"

static INIT_ONCE ports_once = INIT_ONCE_STATIC_INIT;
static struct wn_subscription *ports_sub;

/* "COMn" from a usable port's record, or NULL. */
static const char *port_name(const char *props, size_t props_len, const char **devname)
{
    const char *name = wn_wire_prop(props, props_len, "WN_PORT_NAME");
    struct wn_devmap map;
    size_t i, n;

    if (!name || strncmp(name, "COM", 3) || !(n = strlen(name + 3)) || n > 3) return NULL;
    for (i = 3; name[i]; i++)
        if (name[i] < '0' || name[i] > '9') return NULL;
    if (!wn_devmap_map(props, props_len, &map) || !(*devname = wn_wire_prop(props, props_len, "DEVNAME"))) return NULL;
    return name;
}

/* Our value's name for a port: OUR_PREFIX + its kernel name (checked by devmap: no '\', no space or control). */
static BOOL value_name(const char *devname, WCHAR *buf, size_t cap)
{
    size_t n = wcslen(OUR_PREFIX);
    int len;

    wcscpy(buf, OUR_PREFIX);
    len = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, devname, -1, buf + n, (int)(cap - n));
    return len > 1 && !wcschr(buf + n, '\\');
}

/* Whether a value other than ours already names the port (Wine's own). */
static BOOL named_by_wine(HKEY key, const WCHAR *com)
{
    WCHAR name[256], data[32];
    DWORD i, name_len, size, type;

    for (i = 0;; i++)
    {
        name_len = ARRAY_SIZE(name);
        size = sizeof(data) - sizeof(WCHAR);
        if (RegEnumValueW(key, i, name, &name_len, NULL, &type, (BYTE *)data, &size)) return FALSE;
        if (type != REG_SZ || !wcsncmp(name, OUR_PREFIX, wcslen(OUR_PREFIX))) continue;
        data[size / sizeof(WCHAR)] = 0;
        if (!_wcsicmp(data, com)) return TRUE;
    }
}

static void port_arrived(const char *props, size_t props_len)
{
    const char *devname, *com = port_name(props, props_len, &devname);
    WCHAR value[128], data[8];
    HKEY key;

    if (!com || !value_name(devname, value, ARRAY_SIZE(value))) return;
    MultiByteToWideChar(CP_UTF8, 0, com, -1, data, ARRAY_SIZE(data));
    if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, SERIALCOMM, 0, NULL, REG_OPTION_VOLATILE, KEY_ALL_ACCESS, NULL, &key,
                        NULL))
        return;
    if (!named_by_wine(key, data))
    {
        RegSetValueExW(key, value, 0, REG_SZ, (const BYTE *)data, (DWORD)((wcslen(data) + 1) * sizeof(WCHAR)));
        TRACE("SERIALCOMM %ls = %ls\n", value, data);
    }
    RegCloseKey(key);
}

static void port_gone(const char *props, size_t props_len)
{
    const char *devname = wn_wire_prop(props, props_len, "DEVNAME");
    WCHAR value[128];
    HKEY key;

    if (!devname || !wn_wire_prop(props, props_len, "WN_PORT_NAME") || !value_name(devname, value, ARRAY_SIZE(value)))
        return;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, SERIALCOMM, 0, KEY_ALL_ACCESS, &key)) return;
    if (!RegDeleteValueW(key, value)) TRACE("SERIALCOMM %ls removed\n", value);
    RegCloseKey(key);
}

static void ports_change(void *ctx, uint32_t table, uint16_t op, const void *old_body, const void *new_body)
{
    const struct wn_state_device *old_dev = old_body, *new_dev = new_body;

    (void)ctx; (void)op;
    if (table != WN_TABLE_DEVICE) return;
    if (old_dev) port_gone(old_dev->props, old_dev->wire.props_len);
    if (new_dev) port_arrived(new_dev->props, new_dev->wire.props_len);
}

/* The view the subscription starts from: its ports' values, and none of ours for a port that is not there. */
static void ports_view(void *ctx, const struct wn_state *state)
{
    const struct wn_state_device *dev;
    WCHAR name[256], want[128];
    DWORD i, name_len;
    HKEY key;

    (void)ctx;
    if (!RegOpenKeyExW(HKEY_LOCAL_MACHINE, SERIALCOMM, 0, KEY_ALL_ACCESS, &key))
    {
        for (i = 0;;)
        {
            BOOL present = FALSE;

            name_len = ARRAY_SIZE(name);
            if (RegEnumValueW(key, i, name, &name_len, NULL, NULL, NULL, NULL)) break;
            if (wcsncmp(name, OUR_PREFIX, wcslen(OUR_PREFIX)))
            {
                i++;
                continue;
            }
            for (dev = wn_state_first(state, WN_TABLE_DEVICE); dev && !present;
                 dev = wn_state_next(state, WN_TABLE_DEVICE, dev))
            {
                const char *devname;

                present = port_name(dev->props, dev->wire.props_len, &devname) &&
                          value_name(devname, want, ARRAY_SIZE(want)) && !wcscmp(want, name);
            }
            if (present) i++;
            else
            {
                TRACE("SERIALCOMM %ls: its port is gone\n", name);
                if (RegDeleteValueW(key, name)) i++;
            }
        }
        RegCloseKey(key);
    }
    for (dev = wn_state_first(state, WN_TABLE_DEVICE); dev; dev = wn_state_next(state, WN_TABLE_DEVICE, dev))
        port_arrived(dev->props, dev->wire.props_len);
}

static BOOL CALLBACK start_ports(INIT_ONCE *once, void *param, void **context)
{
    (void)once; (void)param; (void)context;
    if (wn_source_subscribe(WN_TABLE_DEVICE, ports_change, NULL, ports_view, NULL, &ports_sub) != WN_SOURCE_OK)
        ports_sub = NULL;
    return TRUE;
}

void wn_wine_devices_start_ports(void)
{
    if (wn_running_on_wine()) InitOnceExecuteOnce(&ports_once, start_ports, NULL, NULL);
}

LSTATUS wn_wine_devices_write_port_name(HKEY device_parameters, const char *props, size_t props_len)
{
    const char *devname, *com = port_name(props, props_len, &devname);
    WCHAR data[8];

    if (!com) return ERROR_NOT_FOUND;
    MultiByteToWideChar(CP_UTF8, 0, com, -1, data, ARRAY_SIZE(data));
    return RegSetValueExW(device_parameters, L"PortName", 0, REG_SZ, (const BYTE *)data,
                          (DWORD)((wcslen(data) + 1) * sizeof(WCHAR)));
}
