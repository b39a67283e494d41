/* CM_Register_Notification and CM_Unregister_Notification (SPEC.md §6, §7).
 *
 * Under Wine with a working helper the registrations are ours: the view's device table, mapped to Windows'
 * instances and interfaces by devmap.c, and the registrations core shared with iphlpapi (dispatch.c), whose
 * worker threads make the callbacks, one at a time and in order per registration, with no message loop.  On
 * Windows the system's own functions are called.  Under Wine without a helper the system's function is called
 * if it has one (Wine 8 has none: then CR_CALL_NOT_IMPLEMENTED, with a trace).
 *
 * As on Windows, existing devices are not announced: a registration hears of changes after it was made.
 *
 * Handle filters: the handle's file is found through its Unix path (GetFinalPathNameByHandleW, then Wine's
 * wine_get_unix_file_name), and the device is the one whose DEVNAME is that /dev node.  REMOVECOMPLETE comes
 * when the device goes away or stops being usable (a loop device detached, a medium removed).  QUERYREMOVE,
 * QUERYREMOVEFAILED and REMOVEPENDING are never sent: Linux asks nobody before a device goes, so there is no
 * real basis for them.  A handle that is not on a device node we know is the system's to follow (Wine 10.4+),
 * through a registration of ours; where the system cannot, CR_CALL_NOT_IMPLEMENTED and a FIXME.
 *
 * Wine's own devices: interface filters hear Wine's events through wine_devices.c's bridge, instance filters the
 * instance events wine_instances.c makes of them (Wine has no instance filters of its own), wherever Wine gives a
 * source. */
#define _CFGMGR32_
#include <winsock2.h>
#include <windows.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "winenotify/cfgmgr32_notify.h"

#include "debug.h"
#include "devmap.h"
#include "devmodel.h"
#include "dispatch.h"
#include "forward.h"
#include "publish.h"
#include "wine_devices.h"
#include "wine_instances.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

typedef CONFIGRET (WINAPI *register_fn)(PCM_NOTIFY_FILTER, PVOID, PCM_NOTIFY_CALLBACK, PHCMNOTIFICATION);
typedef CONFIGRET (WINAPI *unregister_fn)(HCMNOTIFICATION);

_Static_assert(sizeof(struct wn_devmap_guid) == sizeof(GUID), "devmap's GUID is laid out as Windows'");

/* One callback: its action and event data (size bytes, at least the whole structure). */
struct cm_note
{
    struct wn_note head;
    CM_NOTIFY_ACTION action;
    DWORD size;
    CM_NOTIFY_EVENT_DATA data;
};

/* What a registration is for. */
struct cm_track
{
    CM_NOTIFY_FILTER_TYPE type;
    BOOL all;
    GUID class_guid;                     /* interface filters */
    char instance_id[WN_DEVMAP_ID_MAX];  /* instance filters, UTF-8 */
    char *devname;                       /* handle filters: the /dev node, and the DEVPATH found for it */
    char *devpath;
    BOOL gone;                           /* handle filters: REMOVECOMPLETE sent */
};

/* ---- notes -------------------------------------------------------------------------------------------------- */

static struct cm_note *new_note(CM_NOTIFY_ACTION action, CM_NOTIFY_FILTER_TYPE type, DWORD size)
{
    size_t bytes = max(sizeof(struct cm_note), offsetof(struct cm_note, data) + size);
    struct cm_note *note = calloc(1, bytes);

    if (!note)
    {
        ERR("out of memory: a notification is lost\n");
        return NULL;
    }
    note->action = action;
    note->size = size;
    note->data.FilterType = type;
    return note;
}

/* The UTF-8 text as WCHARs, with its terminator; the length without it, or -1. */
static int widen(const char *text, WCHAR *buf, int cap)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, text, -1, buf, cap);
    return n > 0 ? n - 1 : -1;
}

static void post_link(struct wn_reg *reg, CM_NOTIFY_ACTION action, const GUID *guid, const WCHAR *link)
{
    size_t len = wcsnlen(link, WN_DEVMAP_LINK_MAX);
    struct cm_note *note;

    if (len == WN_DEVMAP_LINK_MAX) return;
    if (!(note = new_note(action, CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE,
                          offsetof(CM_NOTIFY_EVENT_DATA, u.DeviceInterface.SymbolicLink[len + 1]))))
        return;
    note->data.u.DeviceInterface.ClassGuid = *guid;
    memcpy(note->data.u.DeviceInterface.SymbolicLink, link, (len + 1) * sizeof(WCHAR));
    TRACE("%p: action %d %ls\n", reg, action, link);
    wn_reg_post(reg, &note->head);
}

static void post_interface(struct wn_reg *reg, CM_NOTIFY_ACTION action, const struct wn_devmap_iface *iface)
{
    WCHAR link[WN_DEVMAP_LINK_MAX];

    if (widen(iface->link, link, (int)ARRAY_SIZE(link)) < 0) return;
    post_link(reg, action, (const GUID *)&iface->guid, link);
}

/* Wine's own events (wine_devices.c): an interface's, for the classes the registration wants; a handle's (a
 * driver's custom event), as the system gave it. */
static void post_wine(struct wn_reg *reg, CM_NOTIFY_ACTION action, const CM_NOTIFY_EVENT_DATA *data, DWORD size)
{
    struct cm_track *track = reg->track;
    const GUID *guid = &data->u.DeviceInterface.ClassGuid;
    struct cm_note *note;

    if (track->type != data->FilterType) return;
    if (data->FilterType == CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE)
    {
        if (track->all || IsEqualGUID(&track->class_guid, guid))
            post_link(reg, action, guid, data->u.DeviceInterface.SymbolicLink);
        return;
    }
    if (!(note = new_note(action, data->FilterType, size))) return;
    memcpy(&note->data, data, size);
    TRACE("%p: action %d on the handle, %lu bytes\n", reg, action, size);
    wn_reg_post(reg, &note->head);
}

static void post_instance(struct wn_reg *reg, CM_NOTIFY_ACTION action, const char *instance_id)
{
    WCHAR id[WN_DEVMAP_ID_MAX];
    struct cm_note *note;
    int len;

    if ((len = widen(instance_id, id, (int)ARRAY_SIZE(id))) < 0) return;
    if (!(note = new_note(action, CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE,
                          offsetof(CM_NOTIFY_EVENT_DATA, u.DeviceInstance.InstanceId[len + 1]))))
        return;
    memcpy(note->data.u.DeviceInstance.InstanceId, id, (len + 1) * sizeof(WCHAR));
    TRACE("%p: action %d %s\n", reg, action, instance_id);
    wn_reg_post(reg, &note->head);
}

/* An instance event of Wine's own device (wine_instances.c), as post_instance makes ours. */
static void post_wine_instance(struct wn_reg *reg, CM_NOTIFY_ACTION action, const WCHAR *instance_id)
{
    size_t len = wcsnlen(instance_id, MAX_DEVICE_ID_LEN);
    struct cm_note *note;

    if (len == MAX_DEVICE_ID_LEN) return;
    if (!(note = new_note(action, CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE,
                          offsetof(CM_NOTIFY_EVENT_DATA, u.DeviceInstance.InstanceId[len + 1]))))
        return;
    memcpy(note->data.u.DeviceInstance.InstanceId, instance_id, (len + 1) * sizeof(WCHAR));
    TRACE("%p: action %d %ls (Wine's)\n", reg, action, instance_id);
    wn_reg_post(reg, &note->head);
}

static void post_remove_complete(struct wn_reg *reg)
{
    struct cm_note *note = new_note(CM_NOTIFY_ACTION_DEVICEREMOVECOMPLETE, CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE,
                                    sizeof(CM_NOTIFY_EVENT_DATA));

    if (!note) return;
    /* No custom event: no name. */
    note->data.u.DeviceHandle.NameOffset = -1;
    TRACE("%p: remove complete\n", reg);
    wn_reg_post(reg, &note->head);
}

/* ---- changes -> notes (the source's reader thread) ----------------------------------------------------------- */

static const struct wn_devmap_iface *find_iface(const struct wn_devmap *map, const struct wn_devmap_iface *iface)
{
    unsigned int i;

    for (i = 0; i < map->n_ifaces; i++)
        if (!memcmp(&map->ifaces[i].guid, &iface->guid, sizeof(iface->guid)) &&
            !strcmp(map->ifaces[i].link, iface->link))
            return &map->ifaces[i];
    return NULL;
}

static BOOL class_wanted(const struct cm_track *track, const struct wn_devmap_iface *iface)
{
    return track->all || !memcmp(&track->class_guid, &iface->guid, sizeof(GUID));
}

static BOOL instance_wanted(const struct cm_track *track, const char *instance_id)
{
    return instance_id[0] && (track->all || !_stricmp(track->instance_id, instance_id));
}

static void map_body(const struct wn_state_device *dev, struct wn_devmap *map)
{
    if (!dev) memset(map, 0, sizeof(*map));
    else wn_devmodel_map(dev->props, dev->wire.props_len, map);
}

static void on_change(void *ctx, uint32_t table, uint16_t op, const void *old_body, const void *new_body)
{
    const struct wn_state_device *old_dev = old_body, *new_dev = new_body;
    struct wn_reg *reg = ctx;
    struct cm_track *track = reg->track;
    struct wn_devmap before, after;
    unsigned int i;

    (void)op;
    if (table != WN_TABLE_DEVICE) return;
    map_body(old_dev, &before);
    map_body(new_dev, &after);

    switch (track->type)
    {
    case CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE:
        /* Removals first: a device whose link changes goes, then comes. */
        for (i = 0; i < before.n_ifaces; i++)
            if (class_wanted(track, &before.ifaces[i]) && !find_iface(&after, &before.ifaces[i]))
                post_interface(reg, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, &before.ifaces[i]);
        for (i = 0; i < after.n_ifaces; i++)
            if (class_wanted(track, &after.ifaces[i]) && !find_iface(&before, &after.ifaces[i]))
                post_interface(reg, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, &after.ifaces[i]);
        break;
    case CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE:
        if (!strcmp(before.instance_id, after.instance_id)) break;
        if (instance_wanted(track, before.instance_id))
            post_instance(reg, CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED, before.instance_id);
        if (instance_wanted(track, after.instance_id))
        {
            post_instance(reg, CM_NOTIFY_ACTION_DEVICEINSTANCEENUMERATED, after.instance_id);
            post_instance(reg, CM_NOTIFY_ACTION_DEVICEINSTANCESTARTED, after.instance_id);
        }
        break;
    case CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE:
        if (track->gone || !old_dev || strcmp(old_dev->devpath, track->devpath)) break;
        if (!new_dev || !after.instance_id[0])
        {
            track->gone = TRUE;
            post_remove_complete(reg);
        }
        break;
    default:
        break;
    }
}

/* The view at subscription: a handle filter's device, by its /dev node. */
static void find_handle_device(void *ctx, const struct wn_state *state)
{
    struct wn_reg *reg = ctx;
    struct cm_track *track = reg->track;
    const struct wn_state_device *dev;
    struct wn_devmap map;

    for (dev = wn_state_first(state, WN_TABLE_DEVICE); dev; dev = wn_state_next(state, WN_TABLE_DEVICE, dev))
    {
        const char *name = wn_wire_prop(dev->props, dev->wire.props_len, "DEVNAME");

        if (!name || strcmp(name, track->devname)) continue;
        if (!wn_devmodel_map(dev->props, dev->wire.props_len, &map)) continue;
        track->devpath = _strdup(dev->devpath);
        return;
    }
}

/* ---- delivery (our worker threads) --------------------------------------------------------------------------- */

static void cm_deliver(struct wn_reg *reg, struct wn_note *head)
{
    struct cm_note *note = CONTAINING_RECORD(head, struct cm_note, head);

    /* The return value only matters for QUERYREMOVE, which is never sent. */
    ((PCM_NOTIFY_CALLBACK)reg->callback)((HCMNOTIFICATION)reg->handle, reg->context, note->action, &note->data,
                                         note->size);
}

static void free_track(struct cm_track *track)
{
    if (!track) return;
    free(track->devname);
    free(track->devpath);
    free(track);
}

static void cm_destroy(struct wn_reg *reg)
{
    wn_wine_devices_detach(reg);
    wn_wine_instances_detach(reg);
    free_track(reg->track);
}

static const struct wn_reg_ops cm_ops = { cm_deliver, cm_destroy, WN_REG_SPACE_CFGMGR32 };

/* ---- the exports ------------------------------------------------------------------------------------------- */

/* The filter as SPEC.md §6 has Windows check it; Windows' exact codes are recorded for the size and for
 * ALL_INTERFACE_CLASSES with a GUID (CR_INVALID_DATA), and the other malformed filters get the same answer. */
static CONFIGRET check_filter(const CM_NOTIFY_FILTER *filter)
{
    static const GUID zero;

    if (filter->cbSize != sizeof(*filter)) return CR_INVALID_DATA;
    if (filter->Reserved) return CR_INVALID_DATA;
    if (filter->Flags & ~CM_NOTIFY_FILTER_VALID_FLAGS) return CR_INVALID_DATA;
    switch (filter->FilterType)
    {
    case CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE:
        if (filter->Flags & ~CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES) return CR_INVALID_DATA;
        if ((filter->Flags & CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES) &&
            memcmp(&filter->u.DeviceInterface.ClassGuid, &zero, sizeof(zero)))
            return CR_INVALID_DATA;
        return CR_SUCCESS;
    case CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE:
        if (filter->Flags & ~CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES) return CR_INVALID_DATA;
        if (filter->Flags & CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES)
            return filter->u.DeviceInstance.InstanceId[0] ? CR_INVALID_DATA : CR_SUCCESS;
        if (!filter->u.DeviceInstance.InstanceId[0]) return CR_INVALID_DATA;
        if (wcsnlen(filter->u.DeviceInstance.InstanceId, MAX_DEVICE_ID_LEN) == MAX_DEVICE_ID_LEN)
            return CR_INVALID_DATA;
        return CR_SUCCESS;
    case CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE:
        if (filter->Flags) return CR_INVALID_DATA;
        if (!filter->u.DeviceHandle.hTarget || filter->u.DeviceHandle.hTarget == INVALID_HANDLE_VALUE)
            return CR_INVALID_DATA;
        return CR_SUCCESS;
    default:
        return CR_INVALID_DATA;
    }
}

/* The /dev node a handle's file is, or NULL (with a trace saying why: the system may follow it). */
static char *handle_devname(HANDLE handle)
{
    char *(CDECL *unix_name)(const WCHAR *) = NULL;
    HMODULE kernel32 = GetModuleHandleW(L"kernel32.dll");
    WCHAR path[MAX_PATH + 8];
    const char *name;
    char *unix_path, *result = NULL;
    DWORD len;

    len = GetFinalPathNameByHandleW(handle, path, ARRAY_SIZE(path), FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
    if (!len || len >= ARRAY_SIZE(path))
    {
        TRACE("handle %p has no path (error %lu): not a device of ours\n", handle, GetLastError());
        return NULL;
    }
    if (kernel32) unix_name = (char *(CDECL *)(const WCHAR *))(void *)GetProcAddress(kernel32,
                                                                                  "wine_get_unix_file_name");
    if (!unix_name || !(unix_path = unix_name(path)))
    {
        TRACE("handle %p (%ls) has no Unix path: not a device of ours\n", handle, path);
        return NULL;
    }
    if ((name = wn_devmap_devname(unix_path))) result = _strdup(name);
    else TRACE("handle %p is on %s, not a device node of ours\n", handle, unix_path);
    HeapFree(GetProcessHeap(), 0, unix_path);
    return result;
}

static CONFIGRET system_register(PCM_NOTIFY_FILTER filter, PVOID context, PCM_NOTIFY_CALLBACK callback,
                                 PHCMNOTIFICATION handle)
{
    register_fn fn = (register_fn)wn_forward_lookup("CM_Register_Notification");
    CONFIGRET ret;

    if (!fn)
    {
        FIXME("the system cfgmgr32 lacks CM_Register_Notification\n");
        if (handle) *handle = NULL;
        return CR_CALL_NOT_IMPLEMENTED;
    }
    ret = fn(filter, context, callback, handle);
    if (ret == CR_SUCCESS && handle && wn_running_on_wine()) wn_reg_track_system(*handle);
    return ret;
}

static struct cm_track *make_track(const CM_NOTIFY_FILTER *filter, CONFIGRET *ret)
{
    struct cm_track *track = calloc(1, sizeof(*track));

    *ret = CR_OUT_OF_MEMORY;
    if (!track) return NULL;
    track->type = filter->FilterType;
    switch (filter->FilterType)
    {
    case CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE:
        track->all = !!(filter->Flags & CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES);
        track->class_guid = filter->u.DeviceInterface.ClassGuid;
        break;
    case CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE:
        track->all = !!(filter->Flags & CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES);
        if (!track->all && !WideCharToMultiByte(CP_UTF8, 0, filter->u.DeviceInstance.InstanceId, -1,
                                                track->instance_id, sizeof(track->instance_id), NULL, NULL))
        {
            free_track(track);
            *ret = CR_INVALID_DATA;
            return NULL;
        }
        break;
    case CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE:
        /* A value that is no handle at all is bad data, not a device we cannot follow. */
        SetLastError(NO_ERROR);
        if (GetFileType(filter->u.DeviceHandle.hTarget) == FILE_TYPE_UNKNOWN && GetLastError() == ERROR_INVALID_HANDLE)
        {
            WARN("%p is no handle\n", filter->u.DeviceHandle.hTarget);
            free_track(track);
            *ret = CR_INVALID_DATA;
            return NULL;
        }
        if (!(track->devname = handle_devname(filter->u.DeviceHandle.hTarget)))
        {
            free_track(track);
            *ret = CR_CALL_NOT_IMPLEMENTED;
            return NULL;
        }
        break;
    default:
        break;
    }
    *ret = CR_SUCCESS;
    return track;
}

/* A handle on no device node of ours (a device of Wine's own opened by its link, a file): the system's handle
 * filter follows it where it has one (Wine 10.4 and later follow any handle, as Windows does): never worse than
 * the system.  Its events come through a registration of ours all the same (wine_devices.c's bridge), because
 * Wine's CM_Unregister_Notification does not wait for a callback in flight, and ours does. */
static CONFIGRET register_system_handle(PCM_NOTIFY_FILTER filter, PVOID context, PCM_NOTIFY_CALLBACK callback,
                                        PHCMNOTIFICATION handle)
{
    struct cm_track *track = calloc(1, sizeof(*track));
    struct wn_reg *reg;
    CONFIGRET ret;

    if (!track) return CR_OUT_OF_MEMORY;
    track->type = CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE;
    if (!(reg = wn_reg_create(&cm_ops)))
    {
        free_track(track);
        return CR_OUT_OF_MEMORY;
    }
    reg->track = track;
    reg->callback = (wn_reg_callback)callback;
    reg->context = context;
    if ((ret = wn_wine_devices_attach(reg, filter, post_wine)) != CR_SUCCESS)
    {
        wn_reg_discard(reg);
        if (ret == CR_CALL_NOT_IMPLEMENTED) FIXME("the system follows no handle: CR_CALL_NOT_IMPLEMENTED\n");
        return ret;
    }
    *handle = (HCMNOTIFICATION)wn_reg_publish(reg);
    wn_reg_start(reg);
    TRACE("registered %p, the system's handle filter through ours\n", *handle);
    return CR_SUCCESS;
}

CONFIGRET WINAPI CM_Register_Notification(PCM_NOTIFY_FILTER pFilter, PVOID pContext, PCM_NOTIFY_CALLBACK pCallback,
                                          PHCMNOTIFICATION pNotifyContext)
{
    enum wn_source_status status;
    struct cm_track *track;
    struct wn_reg *reg;
    CONFIGRET ret;

    if (!wn_running_on_wine()) return system_register(pFilter, pContext, pCallback, pNotifyContext);

    TRACE("(%p, %p, %p, %p)\n", pFilter, pContext, pCallback, pNotifyContext);
    if (!pNotifyContext) return CR_FAILURE;
    *pNotifyContext = NULL;
    if (!pFilter || !pCallback) return CR_INVALID_DATA;
    if ((ret = check_filter(pFilter))) return ret;

    if (!(track = make_track(pFilter, &ret)))
    {
        if (ret == CR_CALL_NOT_IMPLEMENTED && pFilter->FilterType == CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE)
            return register_system_handle(pFilter, pContext, pCallback, pNotifyContext);
        return ret;
    }
    if (!(reg = wn_reg_create(&cm_ops)))
    {
        free_track(track);
        return CR_OUT_OF_MEMORY;
    }
    reg->track = track;
    reg->callback = (wn_reg_callback)pCallback;
    reg->context = pContext;
    /* First the publisher, then the ports' registry values: a device's keys and a port's SERIALCOMM value exist
     * before this registration hears of them. */
    wn_publish_start();
    wn_wine_devices_start_ports();
    status = wn_source_subscribe(WN_TABLE_DEVICE, on_change, reg,
                                 track->type == CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE ? find_handle_device : NULL,
                                 reg, &reg->sub);
    if (status != WN_SOURCE_OK)
    {
        wn_reg_discard(reg);
        WARN("no event source: CM_Register_Notification is the system's\n");
        return system_register(pFilter, pContext, pCallback, pNotifyContext);
    }
    if (track->type == CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE && !track->devpath)
    {
        FIXME("/dev/%s is no device we report: its handle is the system's to follow, if it can\n", track->devname);
        wn_reg_discard(reg);
        return register_system_handle(pFilter, pContext, pCallback, pNotifyContext);
    }

    /* Before it is started: Wine's events wait in its queue like ours until the handle is given out.  A handle
     * on a node of ours is ours alone to follow. */
    if (track->type == CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE) wn_wine_devices_attach(reg, pFilter, post_wine);
    else if (track->type == CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE) wn_wine_instances_attach(reg, pFilter,
                                                                                           post_wine_instance);
    *pNotifyContext = (HCMNOTIFICATION)wn_reg_publish(reg);
    wn_reg_start(reg);
    TRACE("registered %p\n", *pNotifyContext);
    return CR_SUCCESS;
}

CONFIGRET WINAPI CM_Unregister_Notification(HCMNOTIFICATION NotifyContext)
{
    unregister_fn fn;
    DWORD err;

    if (wn_running_on_wine())
    {
        TRACE("(%p)\n", NotifyContext);
        if (!NotifyContext) return CR_INVALID_DATA;
        if ((err = wn_reg_cancel((HANDLE)NotifyContext)) == NO_ERROR) return CR_SUCCESS;
        if (!wn_reg_untrack_system((HANDLE)NotifyContext))
        {
            WARN("%p is not a live registration\n", NotifyContext);
            return CR_INVALID_DATA;
        }
    }
    if (!(fn = (unregister_fn)wn_forward_lookup("CM_Unregister_Notification")))
    {
        FIXME("the system cfgmgr32 lacks CM_Unregister_Notification\n");
        return CR_CALL_NOT_IMPLEMENTED;
    }
    return fn(NotifyContext);
}
