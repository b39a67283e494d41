/* An interface's properties, found by its symbolic link: the instance ID of its device (what a program asks
 * first after an arrival), whether it is enabled, and its class. */
#define _CFGMGR32_
#include <windows.h>
#include <cfgmgr32.h>
#include <devpropdef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug.h"
#include "devnode.h"
#include "forward.h"
#include "query.h"

static const GUID fmt_iface = { 0x026e516e, 0xb814, 0x414b, { 0x83, 0xcd, 0x85, 0x6d, 0x6f, 0xef, 0x48, 0x22 } };

/* ---- interface properties --------------------------------------------------------------------------------------- */

enum iface_field { I_INSTANCEID, I_ENABLED, I_CLASSGUID };

static const struct
{
    const GUID *fmtid;
    DEVPROPID pid;
    enum iface_field field;
    DEVPROPTYPE type;
} iface_props[] =
{
    { &wn_query_fmt_instance, 256, I_INSTANCEID, DEVPROP_TYPE_STRING },
    { &fmt_iface, 3, I_ENABLED, DEVPROP_TYPE_BOOLEAN },
    { &fmt_iface, 4, I_CLASSGUID, DEVPROP_TYPE_GUID },
};

static CONFIGRET find_link(LPCWSTR link, struct wn_iface *iface)
{
    char link8[WN_DEVMAP_LINK_MAX];

    if (!WideCharToMultiByte(CP_UTF8, 0, link, -1, link8, sizeof(link8), NULL, NULL) || !wn_iface_find(link8, iface))
        return CR_NO_SUCH_DEVICE_INTERFACE;
    return CR_SUCCESS;
}

CONFIGRET WINAPI CM_Get_Device_Interface_Property_ExW(LPCWSTR link, const DEVPROPKEY *key, DEVPROPTYPE *type,
                                                      PBYTE buf, PULONG size, ULONG flags, HMACHINE machine)
{
    struct wn_iface iface;
    WCHAR id[MAX_DEVICE_ID_LEN];
    DEVPROP_BOOLEAN enabled;
    CONFIGRET ret;
    size_t i;

    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(LPCWSTR, const DEVPROPKEY *, DEVPROPTYPE *, PBYTE, PULONG, ULONG, HMACHINE),
               "CM_Get_Device_Interface_Property_ExW", link, key, type, buf, size, flags, machine);
    if (!link || !key || !type || !size) return CR_INVALID_POINTER;
    if (!buf && *size) return CR_INVALID_POINTER;
    if (flags) return CR_INVALID_FLAG;
    if ((ret = find_link(link, &iface))) return ret;
    for (i = 0; i < ARRAYSIZE(iface_props); i++)
        if (wn_query_same_key(key, iface_props[i].fmtid, iface_props[i].pid)) break;
    if (i == ARRAYSIZE(iface_props))
    {
        *type = DEVPROP_TYPE_EMPTY;
        *size = 0;
        return CR_NO_SUCH_VALUE;
    }
    *type = iface_props[i].type;
    switch (iface_props[i].field)
    {
    case I_INSTANCEID:
        return wn_query_put(id, (wn_query_widen(iface.instance_id, id, ARRAYSIZE(id)) + 1) * sizeof(WCHAR), buf, size);
    case I_ENABLED:
        enabled = iface.present ? DEVPROP_TRUE : DEVPROP_FALSE;
        return wn_query_put(&enabled, sizeof(enabled), buf, size);
    default:
        return wn_query_put(&iface.guid, sizeof(GUID), buf, size);
    }
}

CONFIGRET WINAPI CM_Get_Device_Interface_PropertyW(LPCWSTR link, const DEVPROPKEY *key, DEVPROPTYPE *type, PBYTE buf,
                                                   PULONG size, ULONG flags)
{
    return CM_Get_Device_Interface_Property_ExW(link, key, type, buf, size, flags, NULL);
}

CONFIGRET WINAPI CM_Get_Device_Interface_Property_Keys_ExW(LPCWSTR link, DEVPROPKEY *keys, PULONG count, ULONG flags,
                                                           HMACHINE machine)
{
    struct wn_iface iface;
    CONFIGRET ret;
    ULONG cap, i;

    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(LPCWSTR, DEVPROPKEY *, PULONG, ULONG, HMACHINE),
               "CM_Get_Device_Interface_Property_Keys_ExW", link, keys, count, flags, machine);
    if (!link || !count) return CR_INVALID_POINTER;
    if (!keys && *count) return CR_INVALID_POINTER;
    if (flags) return CR_INVALID_FLAG;
    if ((ret = find_link(link, &iface))) return ret;
    cap = *count;
    *count = ARRAYSIZE(iface_props);
    if (!keys || cap < ARRAYSIZE(iface_props)) return CR_BUFFER_SMALL;
    for (i = 0; i < ARRAYSIZE(iface_props); i++)
    {
        keys[i].fmtid = *iface_props[i].fmtid;
        keys[i].pid = iface_props[i].pid;
    }
    return CR_SUCCESS;
}

CONFIGRET WINAPI CM_Get_Device_Interface_Property_KeysW(LPCWSTR link, DEVPROPKEY *keys, PULONG count, ULONG flags)
{
    return CM_Get_Device_Interface_Property_Keys_ExW(link, keys, count, flags, NULL);
}
