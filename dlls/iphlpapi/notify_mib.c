/* NotifyIpInterfaceChange, NotifyUnicastIpAddressChange, NotifyRouteChange2 and CancelMibChangeNotify2
 * (SPEC.md §2, §3).
 *
 * Under Wine with a working helper the registrations are ours (dispatch.c, mib_changes.c).  On Windows, and
 * under Wine when the event source is unavailable (no helper), the system DLL's own functions are called, so
 * our DLL changes nothing there; the handles they give out are remembered, so that CancelMibChangeNotify2
 * passes them back to the system.
 *
 * The initial notification runs on the registering thread before the call returns, as on Windows: a thread of
 * ours would deadlock a caller that registers while holding a lock its callback takes.  Changes that happen
 * meanwhile are queued and follow it. */
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>

#include "debug.h"
#include "dispatch.h"
#include "forward.h"
#include "mib_changes.h"
#include "rows.h"

typedef DWORD (WINAPI *notify_fn)(ADDRESS_FAMILY family, void *callback, void *context, BOOLEAN initial,
                                  HANDLE *handle);
typedef DWORD (WINAPI *cancel_fn)(HANDLE handle);

static const char *const function_names[] =
{
    [WN_MIB_INTERFACE] = "NotifyIpInterfaceChange",
    [WN_MIB_ADDRESS] = "NotifyUnicastIpAddressChange",
    [WN_MIB_ROUTE] = "NotifyRouteChange2",
};

/* The caller's callback, by kind. */
union mib_callback
{
    PIPINTERFACE_CHANGE_CALLBACK iface;
    PUNICAST_IPADDRESS_CHANGE_CALLBACK addr;
    PIPFORWARD_CHANGE_CALLBACK route;
};

static void mib_deliver(struct wn_reg *reg, struct wn_note *head)
{
    struct wn_mib_note *note = CONTAINING_RECORD(head, struct wn_mib_note, head);

    switch (wn_mib_track_kind(reg->track))
    {
    case WN_MIB_INTERFACE:
        ((PIPINTERFACE_CHANGE_CALLBACK)reg->callback)(reg->context, &note->row.iface, note->type);
        break;
    case WN_MIB_ADDRESS:
        ((PUNICAST_IPADDRESS_CHANGE_CALLBACK)reg->callback)(reg->context, &note->row.addr, note->type);
        break;
    case WN_MIB_ROUTE:
        ((PIPFORWARD_CHANGE_CALLBACK)reg->callback)(reg->context, &note->row.route, note->type);
        break;
    }
}

static void mib_destroy(struct wn_reg *reg)
{
    wn_mib_track_free(reg->track);
}

static const struct wn_reg_ops mib_ops = { mib_deliver, mib_destroy, WN_REG_SPACE_IPHLPAPI };

static void initial_notification(enum wn_mib_kind kind, union mib_callback callback, void *context)
{
    switch (kind)
    {
    case WN_MIB_INTERFACE:
        callback.iface(context, NULL, MibInitialNotification);
        break;
    case WN_MIB_ADDRESS:
        callback.addr(context, NULL, MibInitialNotification);
        break;
    case WN_MIB_ROUTE:
        callback.route(context, NULL, MibInitialNotification);
        break;
    }
}

/* The system DLL's own function: on Windows, or without a helper. */
static DWORD system_notify(enum wn_mib_kind kind, ADDRESS_FAMILY family, void *callback, void *context,
                           BOOLEAN initial, HANDLE *handle)
{
    notify_fn fn = (notify_fn)wn_forward_lookup(function_names[kind]);
    DWORD err;

    if (!fn)
    {
        FIXME("the system DLL lacks %s\n", function_names[kind]);
        if (handle) *handle = NULL;
        return ERROR_NOT_SUPPORTED;
    }
    err = fn(family, callback, context, initial, handle);
    if (!err && handle && wn_running_on_wine()) wn_reg_track_system(*handle);
    return err;
}

static DWORD register_mib(enum wn_mib_kind kind, ADDRESS_FAMILY family, union mib_callback callback,
                          void *fallback_callback, void *context, BOOLEAN initial, HANDLE *handle)
{
    enum wn_source_status status;
    struct wn_reg *reg;
    HANDLE h;

    if (!wn_running_on_wine()) return system_notify(kind, family, fallback_callback, context, initial, handle);

    TRACE("%s(%u, %p, %p, %u, %p)\n", function_names[kind], family, fallback_callback, context, initial, handle);
    if (!handle) return ERROR_INVALID_PARAMETER;
    *handle = NULL;
    if (!wn_family_valid(family) || !fallback_callback) return ERROR_INVALID_PARAMETER;

    if (!(reg = wn_reg_create(&mib_ops)) || !(reg->track = wn_mib_track_create(kind, family)))
    {
        wn_reg_discard(reg);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    reg->callback = (wn_reg_callback)fallback_callback;
    reg->context = context;
    status = wn_source_subscribe(wn_mib_tables(kind, family), wn_mib_on_change, reg, wn_mib_start_view, reg,
                                 &reg->sub);
    if (status != WN_SOURCE_OK)
    {
        wn_reg_discard(reg);
        WARN("no event source: %s is the system's\n", function_names[kind]);
        return system_notify(kind, family, fallback_callback, context, initial, handle);
    }

    /* Published before the initial callback, so that the callback may already use (and cancel) the handle. */
    *handle = h = wn_reg_publish(reg);
    if (initial) initial_notification(kind, callback, context);
    if (!wn_reg_start(reg)) TRACE("%p was cancelled by its initial callback\n", h);
    else TRACE("registered %p\n", h);
    return NO_ERROR;
}

DWORD WINAPI NotifyIpInterfaceChange(ADDRESS_FAMILY Family, PIPINTERFACE_CHANGE_CALLBACK Callback,
                                     PVOID CallerContext, BOOLEAN InitialNotification,
                                     HANDLE *NotificationHandle)
{
    union mib_callback callback = { .iface = Callback };

    return register_mib(WN_MIB_INTERFACE, Family, callback, (void *)Callback, CallerContext, InitialNotification,
                        NotificationHandle);
}

DWORD WINAPI NotifyUnicastIpAddressChange(ADDRESS_FAMILY Family, PUNICAST_IPADDRESS_CHANGE_CALLBACK Callback,
                                          PVOID CallerContext, BOOLEAN InitialNotification,
                                          HANDLE *NotificationHandle)
{
    union mib_callback callback = { .addr = Callback };

    return register_mib(WN_MIB_ADDRESS, Family, callback, (void *)Callback, CallerContext, InitialNotification,
                        NotificationHandle);
}

DWORD WINAPI NotifyRouteChange2(ADDRESS_FAMILY AddressFamily, PIPFORWARD_CHANGE_CALLBACK Callback,
                                PVOID CallerContext, BOOLEAN InitialNotification, HANDLE *NotificationHandle)
{
    union mib_callback callback = { .route = Callback };

    return register_mib(WN_MIB_ROUTE, AddressFamily, callback, (void *)Callback, CallerContext,
                        InitialNotification, NotificationHandle);
}

DWORD WINAPI CancelMibChangeNotify2(HANDLE NotificationHandle)
{
    cancel_fn fn;
    DWORD err;

    if (wn_running_on_wine())
    {
        TRACE("(%p)\n", NotificationHandle);
        if (!NotificationHandle) return ERROR_INVALID_PARAMETER;
        if ((err = wn_reg_cancel(NotificationHandle)) != ERROR_INVALID_HANDLE) return err;
        if (!wn_reg_untrack_system(NotificationHandle))
        {
            WARN("%p is not a live registration\n", NotificationHandle);
            return ERROR_INVALID_HANDLE;
        }
    }
    if (!(fn = (cancel_fn)wn_forward_lookup("CancelMibChangeNotify2")))
    {
        FIXME("the system DLL lacks CancelMibChangeNotify2\n");
        return ERROR_NOT_SUPPORTED;
    }
    return fn(NotificationHandle);
}
