/* Wine only: a veth pair made with host commands must arrive at a CM_Register_Notification registration for
 * network interfaces: proof that the function registered with is ours (Wine's own never hears the host). */
#ifndef WINETEST_NETDEV_H
#define WINETEST_NETDEV_H

#include <windows.h>
#include <cfgmgr32.h>
#include <wchar.h>
#include <stdio.h>

#include "unix.h"
#include "winenotify/cfgmgr32_notify.h"
#include "winenotify/devguids.h"

struct netdev_arrival
{
    HANDLE event;
    WCHAR part[32];          /* lower case: "#<name>#", part of the symbolic link waited for */
};

static DWORD CALLBACK netdev_on_arrival(HCMNOTIFICATION handle, void *context, CM_NOTIFY_ACTION action,
                                        CM_NOTIFY_EVENT_DATA *data, DWORD size)
{
    struct netdev_arrival *a = context;
    WCHAR link[256];

    (void)handle; (void)size;
    if (action != CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL) return ERROR_SUCCESS;
    /* The link's case is Windows' (upper-case enumerator), not the interface name's. */
    lstrcpynW(link, data->u.DeviceInterface.SymbolicLink, ARRAY_SIZE(link));
    if (wcsstr(_wcslwr(link), a->part)) SetEvent(a->event);
    return ERROR_SUCCESS;
}

/* Registers through reg for GUID_DEVINTERFACE_NET, adds the veth pair <name>/<name>p, and reports whether its
 * arrival was heard within wait_ms; deletes the pair and unregisters through unreg. */
static inline BOOL netdev_arrival_heard(CONFIGRET (WINAPI *reg)(CM_NOTIFY_FILTER *, void *, PCM_NOTIFY_CALLBACK,
                                                                 HCMNOTIFICATION *),
                                        CONFIGRET (WINAPI *unreg)(HCMNOTIFICATION), const char *name, DWORD wait_ms)
{
    CM_NOTIFY_FILTER filter = { .cbSize = sizeof(filter) };
    struct netdev_arrival arrival;
    HCMNOTIFICATION handle = NULL;
    char cmd[96];
    CONFIGRET ret;
    BOOL heard;

    swprintf(arrival.part, ARRAY_SIZE(arrival.part), L"#%hs#", name);
    arrival.event = CreateEventW(NULL, TRUE, FALSE, NULL);
    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    filter.u.DeviceInterface.ClassGuid = WINENOTIFY_GUID_DEVINTERFACE_NET;
    ret = reg(&filter, &arrival, netdev_on_arrival, &handle);
    ok(ret == CR_SUCCESS, "CM_Register_Notification: %#lx\n", ret);
    if (ret != CR_SUCCESS)
    {
        CloseHandle(arrival.event);
        return FALSE;
    }
    snprintf(cmd, sizeof(cmd), "ip link add %s type veth peer name %sp", name, name);
    winetest_run_unix(NULL, cmd);
    heard = !WaitForSingleObject(arrival.event, wait_ms);
    snprintf(cmd, sizeof(cmd), "ip link del %s", name);
    winetest_run_unix(NULL, cmd);
    ok(unreg(handle) == CR_SUCCESS, "CM_Unregister_Notification failed\n");
    CloseHandle(arrival.event);
    return heard;
}

#endif
