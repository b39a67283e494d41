/* The lists of the merged device tree (query.c has the rules the checks follow): CM_Get_Device_ID_List(_Size)
 * by enumerator, class, presence or parent, and CM_Get_Device_Interface_List(_Size) by class and device, present
 * interfaces or all of them. */
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

/* ---- device ID lists -------------------------------------------------------------------------------------------- */

#define IDLIST_FLAGS (CM_GETIDLIST_FILTER_ENUMERATOR | CM_GETIDLIST_FILTER_PRESENT | CM_GETIDLIST_FILTER_CLASS | \
                      CM_GETIDLIST_FILTER_BUSRELATIONS)

/* The list (UTF-8 multi-string, allocated) of the IDs the filter selects. */
static CONFIGRET id_list(const char *filter, ULONG flags, char **out, size_t *out_size)
{
    struct wn_devmap_guid class_guid;
    struct wn_nodes nodes;
    size_t i, used = 0, cap = 4096;
    char *list;

    *out = NULL;
    if (flags & ~IDLIST_FLAGS) return CR_INVALID_FLAG;
    if ((flags & CM_GETIDLIST_FILTER_CLASS) && wn_devmap_parse_guid(filter, &class_guid)) return CR_INVALID_DATA;
    if ((flags & (CM_GETIDLIST_FILTER_ENUMERATOR | CM_GETIDLIST_FILTER_BUSRELATIONS)) && (!filter || !*filter))
        return CR_INVALID_POINTER;
    if (!wn_nodes_load(&nodes)) return CR_OUT_OF_MEMORY;
    if ((flags & CM_GETIDLIST_FILTER_BUSRELATIONS))
    {
        for (i = 0; i < nodes.count; i++)
            if (!_stricmp(nodes.devs[i].map.instance_id, filter)) break;
        if (i == nodes.count)
        {
            wn_nodes_free(&nodes);
            return CR_INVALID_DEVICE_ID;
        }
    }
    if (!(list = malloc(cap)))
    {
        wn_nodes_free(&nodes);
        return CR_OUT_OF_MEMORY;
    }
    for (i = 0; i < nodes.count; i++)
    {
        const struct wn_devmodel_dev *dev = &nodes.devs[i];
        size_t len = strlen(dev->map.instance_id);

        if ((flags & CM_GETIDLIST_FILTER_ENUMERATOR) &&
            (_strnicmp(dev->map.instance_id, filter, strlen(filter)) || dev->map.instance_id[strlen(filter)] != '\\'))
            continue;
        if ((flags & CM_GETIDLIST_FILTER_CLASS) && memcmp(&dev->class_guid, &class_guid, sizeof(class_guid)))
            continue;
        if ((flags & CM_GETIDLIST_FILTER_BUSRELATIONS) && _stricmp(dev->parent, filter)) continue;
        if (used + len + 2 > cap)
        {
            char *grown = realloc(list, cap * 2 + len);

            if (!grown) break;
            list = grown;
            cap = cap * 2 + len;
        }
        memcpy(list + used, dev->map.instance_id, len + 1);
        used += len + 1;
    }
    list[used++] = 0;
    wn_nodes_free(&nodes);
    *out = list;
    *out_size = used;
    return CR_SUCCESS;
}

/* An ID argument of the W (wide) or A function as UTF-8 (query.h). */
static BOOL id_arg(const void *id, BOOL wide, char *id8)
{
    return wide ? wn_query_id_w(id, id8) : wn_query_id_a(id, id8);
}

/* CM_Get_Device_ID_List_Size_ExW and ExA once the system's functions are ruled out. */
static CONFIGRET id_list_size(PULONG len, const void *filter, BOOL wide, ULONG flags)
{
    char filter8[WN_DEVMAP_ID_MAX], *list;
    CONFIGRET ret;
    size_t size;

    if (!len) return CR_INVALID_POINTER;
    *len = 0;
    if (!id_arg(filter, wide, filter8)) return CR_INVALID_DATA;
    if ((ret = id_list(filter ? filter8 : NULL, flags, &list, &size))) return ret;
    *len = (ULONG)size;
    free(list);
    return CR_SUCCESS;
}

/* CM_Get_Device_ID_List_ExW and ExA likewise: buf holds WCHARs or chars. */
static CONFIGRET id_list_copy(const void *filter, BOOL wide, void *buf, ULONG len, ULONG flags)
{
    char filter8[WN_DEVMAP_ID_MAX], *list;
    CONFIGRET ret;
    size_t size, i;

    if (!buf || !len) return CR_INVALID_POINTER;
    if (!id_arg(filter, wide, filter8)) return CR_INVALID_DATA;
    if ((ret = id_list(filter ? filter8 : NULL, flags, &list, &size))) return ret;
    if (size > len)
    {
        if (wide) *(WCHAR *)buf = 0;
        else *(char *)buf = 0;
        ret = CR_BUFFER_SMALL;
    }
    else if (wide)
        for (i = 0; i < size; i++) ((WCHAR *)buf)[i] = (WCHAR)(unsigned char)list[i];
    else memcpy(buf, list, size);
    free(list);
    return ret;
}

CONFIGRET WINAPI CM_Get_Device_ID_List_Size_ExW(PULONG len, PCWSTR filter, ULONG flags, HMACHINE machine)
{
    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(PULONG, PCWSTR, ULONG, HMACHINE), "CM_Get_Device_ID_List_Size_ExW", len, filter,
               flags, machine);
    return id_list_size(len, filter, TRUE, flags);
}

CONFIGRET WINAPI CM_Get_Device_ID_List_Size_ExA(PULONG len, PCSTR filter, ULONG flags, HMACHINE machine)
{
    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(PULONG, PCSTR, ULONG, HMACHINE), "CM_Get_Device_ID_List_Size_ExA", len, filter,
               flags, machine);
    return id_list_size(len, filter, FALSE, flags);
}

CONFIGRET WINAPI CM_Get_Device_ID_List_ExW(PCWSTR filter, PWCHAR buf, ULONG len, ULONG flags, HMACHINE machine)
{
    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(PCWSTR, PWCHAR, ULONG, ULONG, HMACHINE), "CM_Get_Device_ID_List_ExW", filter,
               buf, len, flags, machine);
    return id_list_copy(filter, TRUE, buf, len, flags);
}

CONFIGRET WINAPI CM_Get_Device_ID_List_ExA(PCSTR filter, PCHAR buf, ULONG len, ULONG flags, HMACHINE machine)
{
    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(PCSTR, PCHAR, ULONG, ULONG, HMACHINE), "CM_Get_Device_ID_List_ExA", filter,
               buf, len, flags, machine);
    return id_list_copy(filter, FALSE, buf, len, flags);
}

CONFIGRET WINAPI CM_Get_Device_ID_List_SizeW(PULONG len, PCWSTR filter, ULONG flags)
{
    return CM_Get_Device_ID_List_Size_ExW(len, filter, flags, NULL);
}

CONFIGRET WINAPI CM_Get_Device_ID_List_SizeA(PULONG len, PCSTR filter, ULONG flags)
{
    return CM_Get_Device_ID_List_Size_ExA(len, filter, flags, NULL);
}

CONFIGRET WINAPI CM_Get_Device_ID_ListW(PCWSTR filter, PWCHAR buf, ULONG len, ULONG flags)
{
    return CM_Get_Device_ID_List_ExW(filter, buf, len, flags, NULL);
}

CONFIGRET WINAPI CM_Get_Device_ID_ListA(PCSTR filter, PCHAR buf, ULONG len, ULONG flags)
{
    return CM_Get_Device_ID_List_ExA(filter, buf, len, flags, NULL);
}

/* ---- interface lists -------------------------------------------------------------------------------------------- */

/* The links of class guid (of device id8 if not ""), as a WCHAR multi-string (allocated). */
static CONFIGRET iface_list(const GUID *guid, const char *id8, ULONG flags, WCHAR **out, ULONG *out_len)
{
    struct wn_ifaces ifaces;
    ULONG used = 0, cap = 1;
    WCHAR *list;
    size_t i;

    *out = NULL;
    if (flags & ~CM_GET_DEVICE_INTERFACE_LIST_BITS) return CR_INVALID_FLAG;
    if (id8[0])
    {
        struct wn_devmodel_dev dev;

        /* Windows answers an unknown device with an empty list when listing all devices, and an error when
         * listing present ones. */
        if (!wn_node_find(id8, &dev) && !(flags & CM_GET_DEVICE_INTERFACE_LIST_ALL_DEVICES))
            return CR_INVALID_DEVNODE;
    }
    if (!wn_ifaces_load(guid, flags & CM_GET_DEVICE_INTERFACE_LIST_ALL_DEVICES, &ifaces)) return CR_OUT_OF_MEMORY;
    for (i = 0; i < ifaces.count; i++)
        if (!id8[0] || !_stricmp(ifaces.items[i].instance_id, id8)) cap += (ULONG)strlen(ifaces.items[i].link) + 1;
    if (!(list = malloc(cap * sizeof(WCHAR))))
    {
        wn_ifaces_free(&ifaces);
        return CR_OUT_OF_MEMORY;
    }
    for (i = 0; i < ifaces.count; i++)
        if (!id8[0] || !_stricmp(ifaces.items[i].instance_id, id8))
            used += wn_query_widen(ifaces.items[i].link, list + used, cap - used) + 1;
    list[used++] = 0;
    wn_ifaces_free(&ifaces);
    *out = list;
    *out_len = used;
    return CR_SUCCESS;
}

/* CM_Get_Device_Interface_List_Size_ExW and ExA once the system's functions are ruled out.  Links are ASCII
 * (devmap.c and Wine's alike), so the ANSI list has as many characters as the WCHAR one. */
static CONFIGRET iface_list_size(PULONG len, const GUID *guid, const void *id, BOOL wide, ULONG flags)
{
    char id8[WN_DEVMAP_ID_MAX];
    CONFIGRET ret;
    WCHAR *list;
    ULONG n;

    if (!len || !guid) return CR_INVALID_POINTER;
    *len = 0;
    if (!id_arg(id, wide, id8)) return CR_INVALID_DEVICE_ID;
    if ((ret = iface_list(guid, id8, flags, &list, &n))) return ret;
    *len = n;
    free(list);
    return CR_SUCCESS;
}

/* CM_Get_Device_Interface_List_ExW and ExA likewise: buf holds WCHARs or chars of the ANSI code page. */
static CONFIGRET iface_list_copy(const GUID *guid, const void *id, BOOL wide, void *buf, ULONG len, ULONG flags)
{
    char id8[WN_DEVMAP_ID_MAX];
    CONFIGRET ret;
    WCHAR *list;
    ULONG n;

    if (!guid || !buf || !len) return CR_INVALID_POINTER;
    if (!id_arg(id, wide, id8)) return CR_INVALID_DEVICE_ID;
    if ((ret = iface_list(guid, id8, flags, &list, &n))) return ret;
    if (n > len)
    {
        if (wide) *(WCHAR *)buf = 0;
        else *(char *)buf = 0;
        ret = CR_BUFFER_SMALL;
    }
    else if (wide) memcpy(buf, list, n * sizeof(WCHAR));
    else WideCharToMultiByte(CP_ACP, 0, list, (int)n, buf, (int)len, NULL, NULL);
    free(list);
    return ret;
}

CONFIGRET WINAPI CM_Get_Device_Interface_List_Size_ExW(PULONG len, LPGUID guid, DEVINSTID_W id, ULONG flags,
                                                       HMACHINE machine)
{
    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(PULONG, LPGUID, DEVINSTID_W, ULONG, HMACHINE),
               "CM_Get_Device_Interface_List_Size_ExW", len, guid, id, flags, machine);
    return iface_list_size(len, guid, id, TRUE, flags);
}

CONFIGRET WINAPI CM_Get_Device_Interface_List_Size_ExA(PULONG len, LPGUID guid, DEVINSTID_A id, ULONG flags,
                                                       HMACHINE machine)
{
    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(PULONG, LPGUID, DEVINSTID_A, ULONG, HMACHINE),
               "CM_Get_Device_Interface_List_Size_ExA", len, guid, id, flags, machine);
    return iface_list_size(len, guid, id, FALSE, flags);
}

CONFIGRET WINAPI CM_Get_Device_Interface_List_ExW(LPGUID guid, DEVINSTID_W id, PZZWSTR buf, ULONG len, ULONG flags,
                                                  HMACHINE machine)
{
    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(LPGUID, DEVINSTID_W, PZZWSTR, ULONG, ULONG, HMACHINE),
               "CM_Get_Device_Interface_List_ExW", guid, id, buf, len, flags, machine);
    return iface_list_copy(guid, id, TRUE, buf, len, flags);
}

CONFIGRET WINAPI CM_Get_Device_Interface_List_ExA(LPGUID guid, DEVINSTID_A id, PZZSTR buf, ULONG len, ULONG flags,
                                                  HMACHINE machine)
{
    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(LPGUID, DEVINSTID_A, PZZSTR, ULONG, ULONG, HMACHINE),
               "CM_Get_Device_Interface_List_ExA", guid, id, buf, len, flags, machine);
    return iface_list_copy(guid, id, FALSE, buf, len, flags);
}

CONFIGRET WINAPI CM_Get_Device_Interface_List_SizeW(PULONG len, LPGUID guid, DEVINSTID_W id, ULONG flags)
{
    return CM_Get_Device_Interface_List_Size_ExW(len, guid, id, flags, NULL);
}

CONFIGRET WINAPI CM_Get_Device_Interface_List_SizeA(PULONG len, LPGUID guid, DEVINSTID_A id, ULONG flags)
{
    return CM_Get_Device_Interface_List_Size_ExA(len, guid, id, flags, NULL);
}

CONFIGRET WINAPI CM_Get_Device_Interface_ListW(LPGUID guid, DEVINSTID_W id, PZZWSTR buf, ULONG len, ULONG flags)
{
    return CM_Get_Device_Interface_List_ExW(guid, id, buf, len, flags, NULL);
}

CONFIGRET WINAPI CM_Get_Device_Interface_ListA(LPGUID guid, DEVINSTID_A id, PZZSTR buf, ULONG len, ULONG flags)
{
    return CM_Get_Device_Interface_List_ExA(guid, id, buf, len, flags, NULL);
}
