/* SwDeviceCreate, SwDeviceInterfaceRegister, SwDeviceInterfaceSetState, SwDeviceClose and SwMemFree.
 *
 * On Windows they are the system's.  Under Wine (which has none before late 2025, and then stubs) the host helper
 * makes the device: it keeps it in a directory shared by every helper of the same host user, so every process
 * using our DLLs sees it arrive and go as a device record of its view (wire.h, host/swd.c), and
 * CM_Register_Notification reports instance and interface events for it as Windows would.  That is what lets the
 * conformance tests cause real device events the same way on Windows and under Wine.
 *
 * Windows' contract (SPEC.md §8): SwDeviceCreate returns once enumeration started; the result comes in the creation
 * callback, on another thread, possibly before SwDeviceCreate returns.  Interfaces are registered only after the
 * callback.  SwDeviceClose starts the removal and returns; no creation callback runs after it returns.  The
 * handle is ours until SwDeviceClose; the device goes when the process (its helper) goes.
 *
 * The description, the hardware and compatible IDs and the parent travel with the creation (wire.h), so every
 * process's device model reports them (devmodel.c).  What is not carried: device and interface properties
 * (cPropertyCount/pProperties), location, container and security descriptor.  A trace says so when they are
 * given. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "winenotify/swdevice.h"
#include "winenotify/wire.h"
#include "debug.h"
#include "devmap.h"
#include "devmodel.h"
#include "forward.h"
#include "publish.h"
#include "source.h"

struct sw_interface
{
    struct sw_interface *next;
    GUID guid;
    char refstring[64];
    BOOL enabled;
    WCHAR link[WN_DEVMAP_LINK_MAX];
};

struct sw_device
{
    struct sw_device *next;                 /* in the list of live handles */
    LONG refs;
    struct wn_wire_sw wire;                 /* enumerator and instance as the helper knows them */
    struct wn_wire_sw create;               /* the same, with what the device node carries: for SW_CREATE */
    WCHAR instance_id[WN_SW_MAX_DEVICE_ID];
    SW_DEVICE_CREATE_CALLBACK callback;
    void *context;
    BOOL closed;                            /* SwDeviceClose was called: no callback any more */
    BOOL created;                           /* the helper made it */
    BOOL work_done;                         /* the creation callback ran or never will */
    DWORD callback_tid;                     /* the thread in the callback, or 0 */
    struct sw_interface *interfaces;
};

/* Strings we handed out, for SwMemFree to tell them from the system's. */
struct sw_string
{
    struct sw_string *next;
    WCHAR *str;
};

static CRITICAL_SECTION lock;
static CRITICAL_SECTION_DEBUG lock_debug = { 0, 0, &lock, { &lock_debug.ProcessLocksList,
                                             &lock_debug.ProcessLocksList }, 0, 0, 0, 0, 0 };
static CRITICAL_SECTION lock = { &lock_debug, -1, 0, 0, 0, 0 };
static CONDITION_VARIABLE cond = CONDITION_VARIABLE_INIT;
static struct sw_device *devices;
static struct sw_string *strings;
static LONG extras_said;                 /* the FIXME about what is not kept, once */
static LONG denied_said;                 /* the ERR about an unusable directory, once */

static HRESULT hresult(uint32_t result)
{
    switch (result)
    {
    case WN_RESULT_OK: return S_OK;
    case WN_RESULT_ACCESS_DENIED: return E_ACCESSDENIED;
    case WN_RESULT_NOT_FOUND: return HRESULT_FROM_WIN32(ERROR_NOT_FOUND);
    case WN_RESULT_EXISTS: return HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS);
    case WN_RESULT_INVALID: return E_INVALIDARG;
    }
    return E_FAIL;
}

static void view_nothing(void *ctx, const struct wn_state *state)
{
    (void)ctx; (void)state;
}

/* Whether ours answers: WN_SOURCE_OK under Wine with a working helper (started here if need be). */
static enum wn_source_status source_status(void)
{
    return wn_source_query(view_nothing, NULL);
}

/* A device-ID string for the wire: the characters Windows allows in device IDs (printable ASCII but for '\' and
 * ','), 1 to max characters (0 allowed when may_be_empty).  Returns FALSE when it breaks that. */
static BOOL id_to_wire(const WCHAR *s, char *out, size_t max, BOOL may_be_empty)
{
    size_t i;

    for (i = 0; s[i]; i++)
    {
        if (i >= max || s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '\\' || s[i] == ',') return FALSE;
        out[i] = (char)s[i];
    }
    out[i] = 0;
    return i || may_be_empty;
}

/* A multi-string of IDs as the helper's '|'-separated list: IDs it could not take (a character device IDs
 * cannot hold, or no room left) are left out, with a trace. */
static void ids_to_wire(const WCHAR *ids, char *out, size_t cap)
{
    size_t n = 0;

    out[0] = 0;
    for (; ids && *ids; ids += lstrlenW(ids) + 1)
    {
        char id[WN_SW_MAX_DEVICE_ID];

        if (!id_to_wire(ids, id, sizeof(id) - 1, FALSE) || n + !!n + strlen(id) + 1 > cap)
        {
            TRACE("hardware or compatible ID %ls left out\n", ids);
            continue;
        }
        if (n) out[n++] = '|';
        strcpy(out + n, id);
        n += strlen(id);
    }
}

/* The parent's instance ID ("HTREE\\ROOT\\0"): ID characters between backslashes; "" if it is not one. */
static void parent_to_wire(const WCHAR *parent, char *out, size_t cap)
{
    size_t i;

    for (i = 0; parent[i]; i++)
    {
        WCHAR c = parent[i];

        if (i + 1 >= cap || c <= 0x20 || c >= 0x7f || c == ',' || (c == '\\' && (!i || parent[i + 1] == '\\')))
        {
            out[0] = 0;
            return;
        }
        out[i] = (char)c;
    }
    out[i] = 0;
}

/* The description as UTF-8 without control characters, cut at a character boundary to fit. */
static void text_to_wire(const WCHAR *text, char *out, size_t cap)
{
    char utf8[1024];

    out[0] = 0;
    if (text && WideCharToMultiByte(CP_UTF8, 0, text, -1, utf8, sizeof(utf8), NULL, NULL))
        wn_devmodel_text(utf8, out, cap);
}

/* Appends ASCII to a wide string (sizes checked by the caller). */
static void append_ascii(WCHAR *dst, const char *src)
{
    dst += lstrlenW(dst);
    while ((*dst++ = (unsigned char)*src++)) {}
}

/* Lock held. */
static void unlink_device(struct sw_device *dev)
{
    struct sw_device **p;

    for (p = &devices; *p; p = &(*p)->next)
    {
        if (*p != dev) continue;
        *p = dev->next;
        return;
    }
}

static struct sw_device *grab(HSWDEVICE handle)
{
    struct sw_device *dev;

    EnterCriticalSection(&lock);
    for (dev = devices; dev; dev = dev->next)
        if ((HSWDEVICE)dev == handle) break;
    if (dev) dev->refs++;
    LeaveCriticalSection(&lock);
    return dev;
}

static void release(struct sw_device *dev)
{
    struct sw_interface *iface, *next;
    LONG refs;

    EnterCriticalSection(&lock);
    refs = --dev->refs;
    LeaveCriticalSection(&lock);
    if (refs) return;
    for (iface = dev->interfaces; iface; iface = next)
    {
        next = iface->next;
        HeapFree(GetProcessHeap(), 0, iface);
    }
    HeapFree(GetProcessHeap(), 0, dev);
}

/* Waits for the helper's answer.  That works from every callback an application gets from us: CM_Register_Notification
 * callbacks run on dispatch.c's workers and creation callbacks on the thread pool, never on the source's reader
 * thread (the one thread that could not wait: the answer comes through it), so SwDeviceInterfaceRegister,
 * SetState and Close called from inside them are carried out like any other (winetest/swdevice.c,
 * test_inside_callback). */
static uint32_t request(uint16_t type, uint16_t op, const struct wn_wire_sw *body)
{
    uint32_t result;

    if (wn_source_change(type, op, body, &result) != WN_SOURCE_OK)
    {
        WARN("no host helper any more: software device request %u not made\n", type);
        return WN_RESULT_FAILED;
    }
    return result;
}

/* ---- SwDeviceCreate --------------------------------------------------------------------------------------- */

/* The creation, on a thread-pool thread: asks the helper, then reports to the callback unless closed. */
static void CALLBACK create_work(PTP_CALLBACK_INSTANCE instance, void *param)
{
    struct sw_device *dev = param;
    uint32_t result = request(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &dev->create);
    HRESULT hr = hresult(result);
    BOOL call;

    (void)instance;
    TRACE("%s\\%s: result %u\n", dev->wire.enumerator, dev->wire.instance, result);
    if (result == WN_RESULT_ACCESS_DENIED && !InterlockedExchange(&denied_said, 1))
        ERR("the helper cannot use its software-device directory ($WINENOTIFY_SWD_DIR, else "
            "$XDG_RUNTIME_DIR/winenotify-swd, else /tmp/winenotify-<uid>): it must be a directory of this user "
            "that no one else may write to; remove or fix it\n");
    EnterCriticalSection(&lock);
    dev->created = result == WN_RESULT_OK;
    if ((call = !dev->closed)) dev->callback_tid = GetCurrentThreadId();
    LeaveCriticalSection(&lock);

    if (call) dev->callback((HSWDEVICE)dev, hr, dev->context, SUCCEEDED(hr) ? dev->instance_id : NULL);

    EnterCriticalSection(&lock);
    dev->callback_tid = 0;
    dev->work_done = TRUE;
    WakeAllConditionVariable(&cond);
    LeaveCriticalSection(&lock);
    release(dev);
}

typedef HRESULT (WINAPI *create_fn)(PCWSTR, PCWSTR, const SW_DEVICE_CREATE_INFO *, ULONG, const DEVPROPERTY *,
                                    SW_DEVICE_CREATE_CALLBACK, PVOID, PHSWDEVICE);

#define SW_CAPABILITIES_ALL (SWDeviceCapabilitiesRemovable | SWDeviceCapabilitiesSilentInstall \
                             | SWDeviceCapabilitiesNoDisplayInUI | SWDeviceCapabilitiesDriverRequired)

HRESULT WINAPI SwDeviceCreate(PCWSTR enumerator, PCWSTR parent, const SW_DEVICE_CREATE_INFO *info, ULONG prop_count,
                              const DEVPROPERTY *props, SW_DEVICE_CREATE_CALLBACK callback, PVOID context,
                              PHSWDEVICE handle)
{
    struct sw_device *dev;
    enum wn_source_status status = source_status();

    if (status != WN_SOURCE_OK)
    {
        create_fn fn = (create_fn)wn_forward_lookup("SwDeviceCreate");

        if (status == WN_SOURCE_UNAVAILABLE) WARN("no host helper: SwDeviceCreate is the system's\n");
        if (fn) return fn(enumerator, parent, info, prop_count, props, callback, context, handle);
        FIXME("the system has no SwDeviceCreate and there is no helper: E_NOTIMPL\n");
        return E_NOTIMPL;
    }

    if (!enumerator || !parent || !info || !callback || !handle || (prop_count && !props))
    {
        TRACE("a required argument is NULL\n");
        return E_INVALIDARG;
    }
    if (info->cbSize != sizeof(*info) || !info->pszInstanceId || (info->CapabilityFlags & ~SW_CAPABILITIES_ALL))
    {
        TRACE("create info: cbSize %lu, instance %p, flags %#lx\n", info->cbSize, info->pszInstanceId,
              info->CapabilityFlags);
        return E_INVALIDARG;
    }
    /* The device becomes a device of the prefix (publish.c) before its creation callback runs. */
    wn_publish_start();
    if (!(dev = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*dev)))) return E_OUTOFMEMORY;
    if (!id_to_wire(enumerator, dev->wire.enumerator, sizeof(dev->wire.enumerator) - 1, FALSE)
        || !id_to_wire(info->pszInstanceId, dev->wire.instance, sizeof(dev->wire.instance) - 1, FALSE)
        || 4 + strlen(dev->wire.enumerator) + 1 + strlen(dev->wire.instance) + 1 > WN_SW_MAX_DEVICE_ID)
    {
        TRACE("the enumerator or instance is empty, too long, or holds a character device IDs cannot\n");
        HeapFree(GetProcessHeap(), 0, dev);
        return E_INVALIDARG;
    }
    dev->create = dev->wire;
    text_to_wire(info->pszDeviceDescription, dev->create.description, sizeof(dev->create.description));
    ids_to_wire(info->pszzHardwareIds, dev->create.hardware_ids, sizeof(dev->create.hardware_ids));
    ids_to_wire(info->pszzCompatibleIds, dev->create.compatible_ids, sizeof(dev->create.compatible_ids));
    parent_to_wire(parent, dev->create.parent, sizeof(dev->create.parent));
    if ((prop_count || info->pszDeviceLocation || info->pSecurityDescriptor || info->pContainerId)
        && !InterlockedExchange(&extras_said, 1))
        FIXME("device properties, location, container and security are not kept\n");
    append_ascii(dev->instance_id, "SWD\\");
    append_ascii(dev->instance_id, dev->wire.enumerator);
    append_ascii(dev->instance_id, "\\");
    append_ascii(dev->instance_id, dev->wire.instance);
    dev->callback = callback;
    dev->context = context;
    dev->refs = 2; /* the caller's handle and the creation */

    EnterCriticalSection(&lock);
    dev->next = devices;
    devices = dev;
    LeaveCriticalSection(&lock);
    /* Set before the work starts: the callback may run before we return and be given this very handle. */
    *handle = (HSWDEVICE)dev;
    if (!TrySubmitThreadpoolCallback(create_work, dev, NULL))
    {
        DWORD err = GetLastError();

        *handle = NULL;
        EnterCriticalSection(&lock);
        unlink_device(dev);
        LeaveCriticalSection(&lock);
        HeapFree(GetProcessHeap(), 0, dev);
        return HRESULT_FROM_WIN32(err);
    }
    TRACE("SWD\\%s\\%s -> %p\n", dev->wire.enumerator, dev->wire.instance, dev);
    return S_OK;
}

typedef void (WINAPI *close_fn)(HSWDEVICE);

void WINAPI SwDeviceClose(HSWDEVICE handle)
{
    struct sw_device *dev;
    uint32_t result;
    BOOL created;

    EnterCriticalSection(&lock);
    for (dev = devices; dev && (HSWDEVICE)dev != handle; dev = dev->next) {}
    if (!dev)
    {
        close_fn fn;

        LeaveCriticalSection(&lock);
        if ((fn = (close_fn)wn_forward_lookup("SwDeviceClose"))) fn(handle);
        else WARN("%p is no software device handle\n", handle);
        return;
    }
    /* From here on the handle is invalid for every other call, and no creation callback starts. */
    unlink_device(dev);
    dev->closed = TRUE;
    /* A callback in flight finishes first, unless this is that callback closing its own device. */
    if (dev->callback_tid != GetCurrentThreadId())
        while (!dev->work_done) SleepConditionVariableCS(&cond, &lock, INFINITE);
    created = dev->created;
    LeaveCriticalSection(&lock);

    /* The helper removes the interfaces before the device. */
    if (created && (result = request(WN_WIRE_SW_CLOSE, WN_WIRE_OP_DEL, &dev->wire)) != WN_RESULT_OK)
        WARN("removing SWD\\%s\\%s: result %u\n", dev->wire.enumerator, dev->wire.instance, result);
    release(dev);
}

/* ---- interfaces ------------------------------------------------------------------------------------------- */

/* The interface's symbolic link exactly as CM_Register_Notification reports it (devmap.c, SPEC.md §6).  FALSE when
 * it does not fit (the helper's limits keep it well within). */
static BOOL make_link(const struct sw_device *dev, struct sw_interface *iface)
{
    char instance_id[WN_DEVMAP_ID_MAX], link[WN_DEVMAP_LINK_MAX];
    struct wn_devmap_guid guid;

    guid.data1 = iface->guid.Data1;
    guid.data2 = iface->guid.Data2;
    guid.data3 = iface->guid.Data3;
    memcpy(guid.data4, iface->guid.Data4, sizeof(guid.data4));
    if (snprintf(instance_id, sizeof(instance_id), "SWD\\%s\\%s", dev->wire.enumerator, dev->wire.instance)
        >= (int)sizeof(instance_id)
        || wn_devmap_link(instance_id, &guid, iface->refstring[0] ? iface->refstring : NULL, link, sizeof(link))
        || strlen(link) >= ARRAYSIZE(iface->link))
        return FALSE;
    iface->link[0] = 0;
    append_ascii(iface->link, link);
    return TRUE;
}

/* Lock held. */
static struct sw_interface *find_by_key(struct sw_device *dev, const GUID *guid, const char *refstring)
{
    struct sw_interface *iface;

    for (iface = dev->interfaces; iface; iface = iface->next)
        if (IsEqualGUID(&iface->guid, guid) && !lstrcmpiA(iface->refstring, refstring)) return iface;
    return NULL;
}

/* Lock held.  Links compare without regard to case, as Windows' do. */
static struct sw_interface *find_by_link(struct sw_device *dev, const WCHAR *link)
{
    struct sw_interface *iface;

    for (iface = dev->interfaces; iface; iface = iface->next)
        if (!lstrcmpiW(iface->link, link)) return iface;
    return NULL;
}

/* Asks the helper to enable or disable an interface. */
static HRESULT set_state(struct sw_device *dev, struct sw_interface *iface, BOOL enabled)
{
    struct wn_wire_sw wire = dev->wire;
    uint32_t result;

    memcpy(wire.guid, &iface->guid, sizeof(wire.guid));
    memcpy(wire.refstring, iface->refstring, sizeof(wire.refstring));
    result = request(WN_WIRE_SW_INTERFACE, enabled ? WN_WIRE_OP_ADD : WN_WIRE_OP_DEL, &wire);
    TRACE("%s %s: result %u\n", enabled ? "enable" : "disable", wire.refstring, result);
    if (result != WN_RESULT_OK) return hresult(result);
    EnterCriticalSection(&lock);
    iface->enabled = enabled;
    LeaveCriticalSection(&lock);
    return S_OK;
}

typedef HRESULT (WINAPI *register_fn)(HSWDEVICE, const GUID *, PCWSTR, ULONG, const DEVPROPERTY *, BOOL, PWSTR *);

HRESULT WINAPI SwDeviceInterfaceRegister(HSWDEVICE handle, const GUID *guid, PCWSTR refstring, ULONG prop_count,
                                         const DEVPROPERTY *props, BOOL enabled, PWSTR *link)
{
    struct sw_device *dev = grab(handle);
    struct sw_interface *iface, *made = NULL;
    char ref[64] = "";
    HRESULT hr;

    if (!dev)
    {
        register_fn fn = (register_fn)wn_forward_lookup("SwDeviceInterfaceRegister");

        if (fn) return fn(handle, guid, refstring, prop_count, props, enabled, link);
        WARN("%p is no software device handle\n", handle);
        return E_INVALIDARG;
    }
    if (link) *link = NULL;
    if (!guid || (prop_count && !props) || (refstring && !id_to_wire(refstring, ref, sizeof(ref) - 1, TRUE)))
    {
        release(dev);
        return E_INVALIDARG;
    }
    if (prop_count) FIXME("interface properties are not kept\n");

    EnterCriticalSection(&lock);
    if (!dev->created)
    {
        LeaveCriticalSection(&lock);
        WARN("SWD\\%s\\%s is not created (yet): register interfaces from the creation callback on\n",
             dev->wire.enumerator, dev->wire.instance);
        release(dev);
        return HRESULT_FROM_WIN32(ERROR_NOT_READY);
    }
    if (!(iface = find_by_key(dev, guid, ref)))
    {
        if (!(made = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*made))))
        {
            LeaveCriticalSection(&lock);
            release(dev);
            return E_OUTOFMEMORY;
        }
        made->guid = *guid;
        memcpy(made->refstring, ref, sizeof(ref));
        if (!make_link(dev, made))
        {
            LeaveCriticalSection(&lock);
            HeapFree(GetProcessHeap(), 0, made);
            release(dev);
            return E_INVALIDARG;
        }
        iface = made;
    }
    LeaveCriticalSection(&lock);

    hr = set_state(dev, iface, enabled);
    EnterCriticalSection(&lock);
    if (made && SUCCEEDED(hr))
    {
        made->next = dev->interfaces;
        dev->interfaces = made;
        made = NULL;
    }
    if (SUCCEEDED(hr) && link)
    {
        size_t size = (lstrlenW(iface->link) + 1) * sizeof(WCHAR);
        struct sw_string *str = HeapAlloc(GetProcessHeap(), 0, sizeof(*str));

        if (str && (str->str = HeapAlloc(GetProcessHeap(), 0, size)))
        {
            memcpy(str->str, iface->link, size);
            str->next = strings;
            strings = str;
            *link = str->str;
        }
        else
        {
            HeapFree(GetProcessHeap(), 0, str);
            hr = E_OUTOFMEMORY;
        }
    }
    LeaveCriticalSection(&lock);
    HeapFree(GetProcessHeap(), 0, made);
    release(dev);
    return hr;
}

typedef HRESULT (WINAPI *set_state_fn)(HSWDEVICE, PCWSTR, BOOL);

HRESULT WINAPI SwDeviceInterfaceSetState(HSWDEVICE handle, PCWSTR link, BOOL enabled)
{
    struct sw_device *dev = grab(handle);
    struct sw_interface *iface;
    HRESULT hr;

    if (!dev)
    {
        set_state_fn fn = (set_state_fn)wn_forward_lookup("SwDeviceInterfaceSetState");

        if (fn) return fn(handle, link, enabled);
        WARN("%p is no software device handle\n", handle);
        return E_INVALIDARG;
    }
    if (!link)
    {
        release(dev);
        return E_INVALIDARG;
    }
    EnterCriticalSection(&lock);
    iface = find_by_link(dev, link);
    LeaveCriticalSection(&lock);
    hr = iface ? set_state(dev, iface, enabled) : HRESULT_FROM_WIN32(ERROR_NOT_FOUND);
    release(dev);
    return hr;
}

typedef void (WINAPI *free_fn)(PVOID);

void WINAPI SwMemFree(PVOID mem)
{
    struct sw_string **p, *str = NULL;
    free_fn fn;

    if (!mem) return;
    EnterCriticalSection(&lock);
    for (p = &strings; *p; p = &(*p)->next)
    {
        if ((*p)->str != mem) continue;
        str = *p;
        *p = str->next;
        break;
    }
    LeaveCriticalSection(&lock);
    if (str)
    {
        HeapFree(GetProcessHeap(), 0, str->str);
        HeapFree(GetProcessHeap(), 0, str);
        return;
    }
    if ((fn = (free_fn)wn_forward_lookup("SwMemFree"))) fn(mem);
    else WARN("%p was not given out by us\n", mem);
}
