/* Never worse than the system: Wine's own device events in our registrations (issue 17, SPEC.md §11).
 *
 * What each Wine of the matrix has (measured on the installed builds, and read in Wine 11's source):
 * - sechost's I_ScRegisterDeviceNotification: Wine 8, 10 and 11 (its arguments differ: below).  It is the path
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
 * sechost's registration function changed its arguments between versions, and user32's
 * RegisterDeviceNotificationW, whose ABI is stable, needs a window, whose creation makes Wine rewrite the prefix's
 * display device keys (measured: tools/check-install then finds the prefix changed).  So Wine's own events come
 * first from the system's own CM_Register_Notification, called with the program's filter, whenever it makes a
 * registration (Wine 10.4 and later, over sechost).  Where it makes none, an interface filter is given to sechost's
 * I_ScRegisterDeviceNotification directly, but only in a build whose arguments were measured (disassembled: what
 * the function copies and what its thread, device_notify_proc, reads and calls):
 * - Debian's Wine 8.0 (8.0~repack-4), x86_64: (details, filter, flags).  It copies 48 bytes from details: the
 *   callback, the handle given back to it, and a 32-byte filter (a DEV_BROADCAST_HDR or _DEVICEINTERFACE_W; a
 *   device type of 0 matches everything, an interface filter of 12 bytes every class, else its class GUID); filter
 *   and flags are only traced.  Its thread calls callback(handle, DBT_* code, DEV_BROADCAST_HDR *).
 * - Debian's Wine 10.0 (10.0~repack-6), x86_64 and i386: (handle, filter, callback), the filter copied by its
 *   dbch_size and matched as above, the callback the same (handle, code, header).  Wine 11 has this layout too.
 * Public trees declare still other forms, not dated here: details of only the callback and the handle, with the
 * filter and flags passed beside them, and details whose filter holds a device's name and handle (Proton's trees
 * differ again).  Calling the wrong layout crashes, so any other version (ntdll's wine_get_version), and Wine
 * 8.0's i386 build (not installed here, not measured), gets no bridge: the system gives a CM caller nothing of its
 * own devices there, and neither do we.  In both builds the callback runs on a copy made under sechost's lock,
 * after it is left: it may run after I_ScUnregisterDeviceNotification has returned, and is handled as the CM one
 * is.  Handle filters do not go to sechost: Wine 8's thread calls a handle filter for every handle's events.
 *
 * Each of our interface registrations gets one of the system's, and so does a handle filter on no device node of
 * ours (a device of Wine's opened by its link, a file: Wine 10.4+ follows any handle, and its drivers' custom
 * events, IoReportTargetDeviceChange, are the handle events Wine raises).  The system's context is a number of
 * ours, never a pointer (sechost's "handle"): the system's Unregister does not wait for a callback in flight, so a
 * late callback looks the number up under our lock and finds nothing once the registration is detached.  Wine's
 * events are posted to our registration's queue and delivered by our workers, with our rundown: no callback after
 * CM_Unregister_Notification returns.
 *
 * One device, one arrival: a host device that Wine models too (a hidraw node winebus exposes, a USB device wineusb
 * drives) is announced with Wine's identity only, through this path, when Wine's device exists; the helper's
 * record of it is not announced to interface registrations (wn_wine_devices_models) once the system has given an
 * interface registration, through its CM_Register_Notification or sechost's.  Without one, ours are announced.
 * This machine has no hidraw, uhid, uinput or USB, and Wine's mount manager raises no PnP event:
 * winetest/winedevice.c makes a device of Wine's own model come and go instead, a root device of Wine's PnP tree
 * with a test driver (winetest/pnpdriver.c), as Wine installs its own. */
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
#include "forward.h"
#include "source.h"
#include "state.h"
#include "wine_devices.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

typedef CONFIGRET (WINAPI *register_fn)(PCM_NOTIFY_FILTER, PVOID, PCM_NOTIFY_CALLBACK, PHCMNOTIFICATION);
typedef CONFIGRET (WINAPI *unregister_fn)(HCMNOTIFICATION);
typedef DWORD (CALLBACK *sc_callback)(HANDLE handle, DWORD code, DEV_BROADCAST_HDR *header);
typedef BOOL (WINAPI *sc_unregister_fn)(HDEVNOTIFY);

/* The arguments of sechost's I_ScRegisterDeviceNotification in the measured builds (see above). */
enum sc_layout
{
    SC_NONE,
    SC_DETAILS,          /* Wine 8.0 x86_64: (struct sc_details *, void *filter, DWORD flags) */
    SC_HANDLE_FIRST,     /* Wine 10.0: (HANDLE, DEV_BROADCAST_HDR *filter, sc_callback) */
};

/* Wine 8.0's details as its sechost reads them: 48 bytes on x86_64. */
struct sc_details
{
    sc_callback callback;
    HANDLE handle;
    union
    {
        DEV_BROADCAST_HDR header;
        DEV_BROADCAST_DEVICEINTERFACE_W iface;
    } filter;
};

#ifdef _WIN64
_Static_assert(sizeof(struct sc_details) == 48, "Wine 8.0's sechost copies 48 bytes of details");
#endif

typedef HDEVNOTIFY (WINAPI *sc_register_details_fn)(struct sc_details *, void *, DWORD);
typedef HDEVNOTIFY (WINAPI *sc_register_handle_fn)(HANDLE, DEV_BROADCAST_HDR *, sc_callback);

struct bridge
{
    ULONG_PTR id;                  /* the context the system hands back to the callback */
    struct wn_reg *reg;
    wn_wine_post_fn post;
    HCMNOTIFICATION sys;
    HDEVNOTIFY sc;                 /* or sechost's registration */
    struct bridge *next;
};

static SRWLOCK bridges_lock = SRWLOCK_INIT;
static struct bridge *bridges;
static ULONG_PTR next_id = 0x5700;   /* never 0, never reused */
static LONG system_gives;            /* the system made a registration: it reports its own devices */
static INIT_ONCE drivers_once = INIT_ONCE_STATIC_INIT;
static BOOL wine_usb, wine_hid;
static INIT_ONCE sc_once = INIT_ONCE_STATIC_INIT;
static enum sc_layout sc_layout;
static void *sc_register;
static sc_unregister_fn sc_unregister;

/* Whether the system's event data is whole: an interface event's link ends within size, a handle event's data
 * fits in it. */
static BOOL event_whole(CM_NOTIFY_ACTION action, const CM_NOTIFY_EVENT_DATA *data, DWORD size)
{
    size_t max;

    if (!data || size < offsetof(CM_NOTIFY_EVENT_DATA, u)) return FALSE;
    switch (data->FilterType)
    {
    case CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE:
        if (action != CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL && action != CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL)
            return FALSE;
        if (size <= offsetof(CM_NOTIFY_EVENT_DATA, u.DeviceInterface.SymbolicLink)) return FALSE;
        max = (size - offsetof(CM_NOTIFY_EVENT_DATA, u.DeviceInterface.SymbolicLink)) / sizeof(WCHAR);
        return wcsnlen(data->u.DeviceInterface.SymbolicLink, max) < max;
    case CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE:
        /* Wine raises custom events (IoReportTargetDeviceChange) for handles; Windows also the removal ones. */
        if (action < CM_NOTIFY_ACTION_DEVICEQUERYREMOVE || action > CM_NOTIFY_ACTION_DEVICECUSTOMEVENT) return FALSE;
        if (size < offsetof(CM_NOTIFY_EVENT_DATA, u.DeviceHandle.Data)) return FALSE;
        return data->u.DeviceHandle.DataSize <= size - offsetof(CM_NOTIFY_EVENT_DATA, u.DeviceHandle.Data);
    default:
        return FALSE;
    }
}

/* The system's thread (sechost's, under Wine 11): an event of Wine's.  Posted under the lock: detaching takes it
 * too, so no note reaches a registration after its detach.  The answer only matters for a QUERYREMOVE, which
 * Wine never sends (and which, queued, could not be vetoed in time anyway). */
static DWORD CALLBACK on_system_event(HCMNOTIFICATION handle, PVOID context, CM_NOTIFY_ACTION action,
                                      PCM_NOTIFY_EVENT_DATA data, DWORD size)
{
    struct bridge *b;

    (void)handle;
    if (!event_whole(action, data, size))
    {
        WARN("an event of Wine's we cannot pass on (action %d, %lu bytes)\n", action, size);
        return ERROR_SUCCESS;
    }
    AcquireSRWLockExclusive(&bridges_lock);
    for (b = bridges; b; b = b->next)
        if (b->id == (ULONG_PTR)context) break;
    if (b)
    {
        TRACE("%p: Wine's event %d\n", b->reg, action);
        b->post(b->reg, action, data, size);
    }
    else TRACE("a late event of Wine's for detached registration %Ix: dropped\n", (ULONG_PTR)context);
    ReleaseSRWLockExclusive(&bridges_lock);
    return ERROR_SUCCESS;
}

/* sechost's thread: an interface event of Wine's, as user32 would get it.  Made into the CM event a registration
 * of the system's would have had, and posted as on_system_event does (a late one dropped by its number). */
static DWORD CALLBACK on_sc_event(HANDLE handle, DWORD code, DEV_BROADCAST_HDR *header)
{
    const DEV_BROADCAST_DEVICEINTERFACE_W *iface = (const DEV_BROADCAST_DEVICEINTERFACE_W *)header;
    CM_NOTIFY_EVENT_DATA *data;
    CM_NOTIFY_ACTION action;
    size_t max, len;
    DWORD size;

    if (code == DBT_DEVICEARRIVAL) action = CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL;
    else if (code == DBT_DEVICEREMOVECOMPLETE) action = CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL;
    else return 0;
    if (!header || header->dbch_devicetype != DBT_DEVTYP_DEVICEINTERFACE ||
        header->dbch_size <= offsetof(DEV_BROADCAST_DEVICEINTERFACE_W, dbcc_name))
    {
        WARN("an event of Wine's we cannot pass on (code %#lx)\n", code);
        return 0;
    }
    max = (header->dbch_size - offsetof(DEV_BROADCAST_DEVICEINTERFACE_W, dbcc_name)) / sizeof(WCHAR);
    if ((len = wcsnlen(iface->dbcc_name, max)) >= max)
    {
        WARN("an interface event of Wine's with no whole link\n");
        return 0;
    }
    size = (DWORD)(offsetof(CM_NOTIFY_EVENT_DATA, u.DeviceInterface.SymbolicLink) + (len + 1) * sizeof(WCHAR));
    if (!(data = calloc(1, size))) return 0;
    data->FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    data->u.DeviceInterface.ClassGuid = iface->dbcc_classguid;
    memcpy(data->u.DeviceInterface.SymbolicLink, iface->dbcc_name, (len + 1) * sizeof(WCHAR));
    on_system_event(NULL, handle, action, data, size);
    free(data);
    return 0;
}

/* Which of sechost's layouts this Wine has: only the builds measured (see the top of this file). */
static BOOL CALLBACK find_sc_layout(INIT_ONCE *once, void *param, void **context)
{
    const char *(CDECL *get_version)(void);
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll"), sechost;
    const char *version;

    (void)once; (void)param; (void)context;
    get_version = ntdll ? (void *)GetProcAddress(ntdll, "wine_get_version") : NULL;
    version = get_version ? get_version() : NULL;
    if (!version) return TRUE;
#ifdef _WIN64
    if (!strcmp(version, "8.0")) sc_layout = SC_DETAILS;
#endif
    if (!strcmp(version, "10.0")) sc_layout = SC_HANDLE_FIRST;
    if (sc_layout == SC_NONE)
    {
        TRACE("Wine %s: sechost's I_ScRegisterDeviceNotification not measured for this build: not called\n", version);
        return TRUE;
    }
    if (!(sechost = LoadLibraryW(L"sechost.dll")) ||
        !(sc_register = (void *)GetProcAddress(sechost, "I_ScRegisterDeviceNotification")) ||
        !(sc_unregister = (sc_unregister_fn)(void *)GetProcAddress(sechost, "I_ScUnregisterDeviceNotification")))
    {
        TRACE("Wine %s: no I_ScRegisterDeviceNotification in sechost\n", version);
        sc_layout = SC_NONE;
        return TRUE;
    }
    TRACE("Wine %s: sechost's I_ScRegisterDeviceNotification in layout %d\n", version, sc_layout);
    return TRUE;
}

/* An interface filter given to sechost for b (whose number comes back as the callback's handle). */
static HDEVNOTIFY sc_attach(struct bridge *b, const CM_NOTIFY_FILTER *filter)
{
    DEV_BROADCAST_DEVICEINTERFACE_W iface = { 0 };
    struct sc_details details = { 0 };
    HDEVNOTIFY ret = NULL;

    InitOnceExecuteOnce(&sc_once, find_sc_layout, NULL, NULL);
    if (sc_layout == SC_NONE || filter->FilterType != CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE) return NULL;
    iface.dbcc_devicetype = DBT_DEVTYP_DEVICEINTERFACE;
    /* The size of a filter without its class GUID makes sechost match every class. */
    if (filter->Flags & CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES)
        iface.dbcc_size = offsetof(DEV_BROADCAST_DEVICEINTERFACE_W, dbcc_classguid);
    else
    {
        iface.dbcc_size = sizeof(iface);
        iface.dbcc_classguid = filter->u.DeviceInterface.ClassGuid;
    }
    switch (sc_layout)
    {
    case SC_DETAILS:
        details.callback = on_sc_event;
        details.handle = (HANDLE)b->id;
        details.filter.iface = iface;
        ret = ((sc_register_details_fn)sc_register)(&details, &details.filter, 0);
        break;
    case SC_HANDLE_FIRST:
        ret = ((sc_register_handle_fn)sc_register)((HANDLE)b->id, (DEV_BROADCAST_HDR *)&iface, on_sc_event);
        break;
    default:
        break;
    }
    if (!ret) TRACE("sechost gives no registration (%lu)\n", GetLastError());
    return ret;
}

/* Which of Wine's bus drivers exist: winebus (HID) in every Wine; wineusb only when Wine was built with libusb
 * (Debian's 8.0 was, the Wine 11.0 here was not). */
static BOOL CALLBACK find_drivers(INIT_ONCE *once, void *param, void **context)
{
    WCHAR path[MAX_PATH];
    UINT len = GetSystemDirectoryW(path, MAX_PATH - 32);

    (void)once; (void)param; (void)context;
    if (len && len < MAX_PATH - 32)
    {
        wcscpy(path + len, L"\\drivers\\winebus.sys");
        wine_hid = GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
        wcscpy(path + len, L"\\drivers\\wineusb.sys");
        wine_usb = GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
    }
    TRACE("winebus %d, wineusb %d\n", wine_hid, wine_usb);
    return TRUE;
}

CONFIGRET wn_wine_devices_attach(struct wn_reg *reg, const CM_NOTIFY_FILTER *filter, wn_wine_post_fn post)
{
    register_fn fn;
    CM_NOTIFY_FILTER copy;
    struct bridge *b;
    CONFIGRET ret;

    if (filter->FilterType == CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE || !wn_running_on_wine())
        return CR_CALL_NOT_IMPLEMENTED;
    fn = (register_fn)wn_forward_lookup("CM_Register_Notification");
    if (!fn && filter->FilterType != CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE) return CR_CALL_NOT_IMPLEMENTED;
    InitOnceExecuteOnce(&drivers_once, find_drivers, NULL, NULL);
    if (!(b = calloc(1, sizeof(*b)))) return CR_OUT_OF_MEMORY;
    b->reg = reg;
    b->post = post;
    AcquireSRWLockExclusive(&bridges_lock);
    b->id = next_id++;
    b->next = bridges;
    bridges = b;
    ReleaseSRWLockExclusive(&bridges_lock);
    copy = *filter;
    /* Outside our lock: the system's registration takes sechost's, which its thread holds while it copies. */
    ret = fn ? fn(&copy, (void *)b->id, on_system_event, &b->sys) : CR_CALL_NOT_IMPLEMENTED;
    if (ret != CR_SUCCESS)
    {
        b->sys = NULL;
        /* Written before any event can come: sechost's callback looks b up by number under our lock. */
        if ((b->sc = sc_attach(b, filter))) ret = CR_SUCCESS;
    }
    if (ret != CR_SUCCESS)
    {
        TRACE("the system gives no registration (%#lx): no events of Wine's own\n", ret);
        wn_wine_devices_detach(reg);
        return ret;
    }
    /* Only an interface registration says the system reports its own devices to interface filters. */
    if (filter->FilterType == CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE) InterlockedExchange(&system_gives, 1);
    TRACE("%p: Wine's own events too (%Ix, %s)\n", reg, b->id, b->sc ? "sechost" : "CM_Register_Notification");
    return CR_SUCCESS;
}

void wn_wine_devices_detach(struct wn_reg *reg)
{
    struct bridge **p, *b = NULL;
    unregister_fn fn;

    AcquireSRWLockExclusive(&bridges_lock);
    for (p = &bridges; *p; p = &(*p)->next)
        if ((*p)->reg == reg)
        {
            b = *p;
            *p = b->next;
            break;
        }
    ReleaseSRWLockExclusive(&bridges_lock);
    if (!b) return;
    if (b->sys && (fn = (unregister_fn)wn_forward_lookup("CM_Unregister_Notification"))) fn(b->sys);
    if (b->sc) sc_unregister(b->sc);
    free(b);
}

int wn_wine_devices_models(const char *props, size_t props_len)
{
    const char *subsystem = wn_wire_prop(props, props_len, "SUBSYSTEM");

    if (!subsystem || !system_gives) return 0;
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
