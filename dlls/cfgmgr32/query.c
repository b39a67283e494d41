/* The CM_* queries on device nodes (SPEC.md §11): locating one, its ID, status, properties, registry properties,
 * relatives and hardware key; and what the query files share (query.h).  The lists are in query_lists.c, the
 * interfaces' properties in query_iface.c.
 *
 * Under Wine with a working helper they answer from the merged tree (devnode.c): our host devices from the
 * device model, Wine's own from what Wine registered in the prefix.  Wine 8 and 10.0 have stubs or CR_FAILURE for
 * most of these (CM_Locate_DevNodeW fails for every ID, Wine's own included; CM_Get_Device_Interface_List
 * answers CR_FAILURE), so answering Wine's devices here too is what makes a program's usual walk work.  On
 * Windows, and under Wine without a helper, the system's functions answer.
 *
 * Argument checks follow Windows' documented order: pointers (CR_INVALID_POINTER), then flags
 * (CR_INVALID_FLAG), then the device (CR_INVALID_DEVNODE for a handle no one handed out, CR_NO_SUCH_DEVINST /
 * CR_NO_SUCH_DEVNODE for a device that is not present), then the value (CR_NO_SUCH_VALUE), then the buffer
 * (CR_BUFFER_SMALL with the size needed).  A remote machine handle is the system's business. */
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
#include "publish.h"
#include "query.h"

/* The status of a started device with a driver: DN_DRIVER_LOADED | DN_STARTED | DN_DISABLEABLE |
 * DN_NT_ENUMERATOR | DN_NT_DRIVER, as Windows reports a working device (the root is not disableable). */
#define STATUS_PRESENT 0x0180200a
#define STATUS_ROOT    0x0180000a

BOOL wn_query_ours(void)
{
    if (!wn_node_source_ok()) return FALSE;
    /* A process that queries devices is one whose devices must be in the prefix (publish.c). */
    wn_publish_start();
    return TRUE;
}

/* ---- text ---------------------------------------------------------------------------------------------------- */

/* UTF-8 to WCHARs in buf (cap WCHARs, terminator included); the WCHARs written without the terminator. */
ULONG wn_query_widen(const char *text, WCHAR *buf, ULONG cap)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, text, -1, buf, (int)cap);
    return n > 0 ? (ULONG)n - 1 : 0;
}

/* A multi-string (UTF-8) as WCHARs: the WCHARs written including the final empty string. */
static ULONG widen_multi(const char *ids, WCHAR *buf, ULONG cap)
{
    ULONG n = 0;

    for (; *ids && n + 2 < cap; ids += strlen(ids) + 1) n += wn_query_widen(ids, buf + n, cap - n - 1) + 1;
    buf[n++] = 0;
    return n;
}

BOOL wn_query_id_w(const WCHAR *idw, char *id)
{
    if (!idw) { id[0] = 0; return TRUE; }
    if (wcslen(idw) >= MAX_DEVICE_ID_LEN) return FALSE;
    return WideCharToMultiByte(CP_UTF8, 0, idw, -1, id, WN_DEVMAP_ID_MAX, NULL, NULL) > 0;
}

BOOL wn_query_id_a(const char *ida, char *id)
{
    WCHAR idw[MAX_DEVICE_ID_LEN];

    if (!ida) { id[0] = 0; return TRUE; }
    if (!MultiByteToWideChar(CP_ACP, 0, ida, -1, idw, ARRAYSIZE(idw))) return FALSE;
    return wn_query_id_w(idw, id);
}

/* ---- properties ------------------------------------------------------------------------------------------------ */

enum field
{
    F_NONE, F_DESC, F_HWIDS, F_COMPAT, F_CLASS, F_CLASSGUID, F_MFG, F_FRIENDLY, F_LOCATION, F_BUSDESC,
    F_INSTANCEID, F_PARENT, F_CHILDREN, F_SIBLINGS, F_STATUS, F_PROBLEM,
};

static const GUID fmt_device = { 0xa45c254e, 0xdf1c, 0x4efd, { 0x80, 0x20, 0x67, 0xd1, 0x46, 0xa8, 0x50, 0xe0 } };
static const GUID fmt_bus = { 0x540b947e, 0x8b40, 0x45bc, { 0xa8, 0xa2, 0x6a, 0x0b, 0x89, 0x4c, 0xbd, 0xa2 } };
const GUID wn_query_fmt_instance = { 0x78c34fc8, 0x104a, 0x4aca, { 0x9e, 0xa4, 0x52, 0x4d, 0x52, 0x99, 0x6e, 0x57 } };
static const GUID fmt_node = { 0x4340a6c5, 0x93fa, 0x4706, { 0x97, 0x2c, 0x7b, 0x64, 0x80, 0x08, 0xa5, 0xa7 } };

static const struct
{
    const GUID *fmtid;
    DEVPROPID pid;
    enum field field;
    DEVPROPTYPE type;
} node_props[] =
{
    { &fmt_device, 2, F_DESC, DEVPROP_TYPE_STRING },
    { &fmt_device, 3, F_HWIDS, DEVPROP_TYPE_STRING_LIST },
    { &fmt_device, 4, F_COMPAT, DEVPROP_TYPE_STRING_LIST },
    { &fmt_device, 9, F_CLASS, DEVPROP_TYPE_STRING },
    { &fmt_device, 10, F_CLASSGUID, DEVPROP_TYPE_GUID },
    { &fmt_device, 13, F_MFG, DEVPROP_TYPE_STRING },
    { &fmt_device, 14, F_FRIENDLY, DEVPROP_TYPE_STRING },
    { &fmt_device, 15, F_LOCATION, DEVPROP_TYPE_STRING },
    { &fmt_bus, 4, F_BUSDESC, DEVPROP_TYPE_STRING },
    { &wn_query_fmt_instance, 256, F_INSTANCEID, DEVPROP_TYPE_STRING },
    { &fmt_node, 2, F_STATUS, DEVPROP_TYPE_UINT32 },
    { &fmt_node, 3, F_PROBLEM, DEVPROP_TYPE_UINT32 },
    { &fmt_node, 8, F_PARENT, DEVPROP_TYPE_STRING },
    { &fmt_node, 9, F_CHILDREN, DEVPROP_TYPE_STRING_LIST },
    { &fmt_node, 10, F_SIBLINGS, DEVPROP_TYPE_STRING_LIST },
};

/* CM_DRP_* (1-based) -> field and registry type. */
static const struct
{
    ULONG drp;
    enum field field;
    ULONG reg_type;
} reg_props[] =
{
    { CM_DRP_DEVICEDESC, F_DESC, REG_SZ },
    { CM_DRP_HARDWAREID, F_HWIDS, REG_MULTI_SZ },
    { CM_DRP_COMPATIBLEIDS, F_COMPAT, REG_MULTI_SZ },
    { CM_DRP_CLASS, F_CLASS, REG_SZ },
    { CM_DRP_CLASSGUID, F_CLASSGUID, REG_SZ },
    { CM_DRP_MFG, F_MFG, REG_SZ },
    { CM_DRP_FRIENDLYNAME, F_FRIENDLY, REG_SZ },
    { CM_DRP_LOCATION_INFORMATION, F_LOCATION, REG_SZ },
};

static BOOL is_root(const struct wn_devmodel_dev *dev)
{
    return !_stricmp(dev->map.instance_id, WN_DEVMODEL_ROOT);
}

/* The children (relation 0) or siblings (1) of dev in the merged tree, as a UTF-8 multi-string. */
static void relatives(const struct wn_devmodel_dev *dev, int siblings, char *ids, size_t cap)
{
    struct wn_nodes nodes;
    size_t i;

    memset(ids, 0, cap);
    if (siblings && is_root(dev)) return;
    if (!wn_nodes_load(&nodes)) return;
    for (i = 1; i < nodes.count; i++)
    {
        const struct wn_devmodel_dev *n = &nodes.devs[i];
        const char *want = siblings ? dev->parent : dev->map.instance_id;

        if (_stricmp(n->parent, want)) continue;
        if (siblings && !_stricmp(n->map.instance_id, dev->map.instance_id)) continue;
        wn_devmodel_ids_add(ids, cap, n->map.instance_id);
    }
    wn_nodes_free(&nodes);
}

/* A field's value as Windows stores it: strings and lists as WCHARs, the class GUID as a GUID (as_text: as
 * "{...}" text, for the registry form), numbers as ULONG.  The bytes, or 0 when the device has no such value. */
static ULONG field_value(const struct wn_devmodel_dev *dev, enum field field, BOOL as_text, BYTE *out, ULONG cap)
{
    static const struct wn_devmap_guid zero;
    WCHAR *w = (WCHAR *)out;
    ULONG wcap = cap / sizeof(WCHAR);
    const char *text = NULL;
    char big[4096], guid[40];

    switch (field)
    {
    case F_DESC: text = dev->desc; break;
    case F_CLASS: text = dev->class_name; break;
    case F_MFG: text = dev->manufacturer; break;
    case F_FRIENDLY: text = dev->friendly; break;
    case F_LOCATION: text = dev->location; break;
    case F_BUSDESC: text = dev->bus_desc; break;
    case F_INSTANCEID: text = dev->map.instance_id; break;
    case F_PARENT: text = is_root(dev) ? "" : dev->parent; break;
    case F_HWIDS:
        return dev->hardware_ids[0] ? widen_multi(dev->hardware_ids, w, wcap) * sizeof(WCHAR) : 0;
    case F_COMPAT:
        return dev->compatible_ids[0] ? widen_multi(dev->compatible_ids, w, wcap) * sizeof(WCHAR) : 0;
    case F_CHILDREN:
    case F_SIBLINGS:
        relatives(dev, field == F_SIBLINGS, big, sizeof(big));
        return big[0] ? widen_multi(big, w, wcap) * sizeof(WCHAR) : 0;
    case F_CLASSGUID:
        if (!memcmp(&dev->class_guid, &zero, sizeof(zero))) return 0;
        if (!as_text)
        {
            memcpy(out, &dev->class_guid, sizeof(GUID));
            return sizeof(GUID);
        }
        /* Windows stores it upper-case, as SetupDi writes it. */
        wn_devmap_format_guid(&dev->class_guid, guid);
        _strupr(guid);
        text = guid;
        break;
    case F_STATUS:
        *(ULONG *)out = is_root(dev) ? STATUS_ROOT : STATUS_PRESENT;
        return sizeof(ULONG);
    case F_PROBLEM:
        *(ULONG *)out = 0;
        return sizeof(ULONG);
    default:
        return 0;
    }
    if (!text || !text[0]) return 0;
    return (wn_query_widen(text, w, wcap) + 1) * sizeof(WCHAR);
}

/* Copies size bytes of value into buf of *len bytes: CR_BUFFER_SMALL (with *len the size) if it does not fit. */
CONFIGRET wn_query_put(const void *value, ULONG size, void *buf, PULONG len)
{
    ULONG cap = *len;

    *len = size;
    if (!buf || cap < size) return CR_BUFFER_SMALL;
    memcpy(buf, value, size);
    return CR_SUCCESS;
}

/* ---- CM_Locate_DevNode ------------------------------------------------------------------------------------------ */

static CONFIGRET locate(PDEVINST devinst, const char *id, ULONG flags)
{
    struct wn_devmodel_dev dev;

    if (!wn_node_find(id, &dev))
    {
        /* NOVALIDATION hands out a handle for an ID that need not exist (yet). */
        if (!(flags & CM_LOCATE_DEVNODE_NOVALIDATION) || !id[0]) return CR_NO_SUCH_DEVNODE;
        strcpy(dev.map.instance_id, id);
    }
    if (!(*devinst = wn_node_devinst(dev.map.instance_id))) return CR_OUT_OF_MEMORY;
    TRACE("%s -> %#lx\n", id, *devinst);
    return CR_SUCCESS;
}

CONFIGRET WINAPI CM_Locate_DevNode_ExW(PDEVINST devinst, DEVINSTID_W id, ULONG flags, HMACHINE machine)
{
    char id8[WN_DEVMAP_ID_MAX];

    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(PDEVINST, DEVINSTID_W, ULONG, HMACHINE), "CM_Locate_DevNode_ExW", devinst, id,
               flags, machine);
    TRACE("(%p, %ls, %#lx)\n", devinst, id ? id : L"(null)", flags);
    if (!devinst) return CR_INVALID_POINTER;
    *devinst = 0;
    if (flags & ~CM_LOCATE_DEVNODE_BITS) return CR_INVALID_FLAG;
    if (!wn_query_id_w(id, id8)) return CR_INVALID_DEVICE_ID;
    return locate(devinst, id8, flags);
}

CONFIGRET WINAPI CM_Locate_DevNode_ExA(PDEVINST devinst, DEVINSTID_A id, ULONG flags, HMACHINE machine)
{
    char id8[WN_DEVMAP_ID_MAX];

    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(PDEVINST, DEVINSTID_A, ULONG, HMACHINE), "CM_Locate_DevNode_ExA", devinst, id,
               flags, machine);
    if (!devinst) return CR_INVALID_POINTER;
    *devinst = 0;
    if (flags & ~CM_LOCATE_DEVNODE_BITS) return CR_INVALID_FLAG;
    if (!wn_query_id_a(id, id8)) return CR_INVALID_DEVICE_ID;
    return locate(devinst, id8, flags);
}

CONFIGRET WINAPI CM_Locate_DevNodeW(PDEVINST devinst, DEVINSTID_W id, ULONG flags)
{
    return CM_Locate_DevNode_ExW(devinst, id, flags, NULL);
}

CONFIGRET WINAPI CM_Locate_DevNodeA(PDEVINST devinst, DEVINSTID_A id, ULONG flags)
{
    return CM_Locate_DevNode_ExA(devinst, id, flags, NULL);
}

/* ---- CM_Get_Device_ID ------------------------------------------------------------------------------------------ */

/* Windows copies what fits; exactly the ID's length without room for the terminator is still CR_SUCCESS. */
static CONFIGRET copy_id_w(const WCHAR *id, WCHAR *buf, ULONG len)
{
    ULONG n = (ULONG)wcslen(id);

    if (len > n)
    {
        memcpy(buf, id, (n + 1) * sizeof(WCHAR));
        return CR_SUCCESS;
    }
    memcpy(buf, id, len * sizeof(WCHAR));
    return len == n ? CR_SUCCESS : CR_BUFFER_SMALL;
}

CONFIGRET WINAPI CM_Get_Device_ID_ExW(DEVINST devinst, PWSTR buf, ULONG len, ULONG flags, HMACHINE machine)
{
    struct wn_devmodel_dev dev;
    WCHAR id[MAX_DEVICE_ID_LEN];
    CONFIGRET ret;

    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(DEVINST, PWSTR, ULONG, ULONG, HMACHINE), "CM_Get_Device_ID_ExW", devinst, buf,
               len, flags, machine);
    if (!buf) return CR_INVALID_POINTER;
    if (flags) return CR_INVALID_FLAG;
    if ((ret = wn_node_from_devinst(devinst, &dev))) return ret;
    wn_query_widen(dev.map.instance_id, id, ARRAYSIZE(id));
    return copy_id_w(id, buf, len);
}

CONFIGRET WINAPI CM_Get_Device_ID_ExA(DEVINST devinst, PSTR buf, ULONG len, ULONG flags, HMACHINE machine)
{
    struct wn_devmodel_dev dev;
    CONFIGRET ret;
    ULONG n;

    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(DEVINST, PSTR, ULONG, ULONG, HMACHINE), "CM_Get_Device_ID_ExA", devinst, buf,
               len, flags, machine);
    if (!buf) return CR_INVALID_POINTER;
    if (flags) return CR_INVALID_FLAG;
    if ((ret = wn_node_from_devinst(devinst, &dev))) return ret;
    /* Instance IDs are ASCII (devmap.c), so the ANSI form has the same length. */
    n = (ULONG)strlen(dev.map.instance_id);
    if (len > n)
    {
        memcpy(buf, dev.map.instance_id, n + 1);
        return CR_SUCCESS;
    }
    memcpy(buf, dev.map.instance_id, len);
    return len == n ? CR_SUCCESS : CR_BUFFER_SMALL;
}

CONFIGRET WINAPI CM_Get_Device_IDW(DEVINST devinst, PWSTR buf, ULONG len, ULONG flags)
{
    return CM_Get_Device_ID_ExW(devinst, buf, len, flags, NULL);
}

CONFIGRET WINAPI CM_Get_Device_IDA(DEVINST devinst, PSTR buf, ULONG len, ULONG flags)
{
    return CM_Get_Device_ID_ExA(devinst, buf, len, flags, NULL);
}

CONFIGRET WINAPI CM_Get_Device_ID_Size_Ex(PULONG len, DEVINST devinst, ULONG flags, HMACHINE machine)
{
    struct wn_devmodel_dev dev;
    CONFIGRET ret;

    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(PULONG, DEVINST, ULONG, HMACHINE), "CM_Get_Device_ID_Size_Ex", len, devinst,
               flags, machine);
    if (!len) return CR_INVALID_POINTER;
    *len = 0;
    if (flags) return CR_INVALID_FLAG;
    if ((ret = wn_node_from_devinst(devinst, &dev))) return ret;
    *len = (ULONG)strlen(dev.map.instance_id);
    return CR_SUCCESS;
}

CONFIGRET WINAPI CM_Get_Device_ID_Size(PULONG len, DEVINST devinst, ULONG flags)
{
    return CM_Get_Device_ID_Size_Ex(len, devinst, flags, NULL);
}

/* ---- status and relatives ---------------------------------------------------------------------------------------- */

CONFIGRET WINAPI CM_Get_DevNode_Status_Ex(PULONG status, PULONG problem, DEVINST devinst, ULONG flags,
                                          HMACHINE machine)
{
    struct wn_devmodel_dev dev;
    CONFIGRET ret;

    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(PULONG, PULONG, DEVINST, ULONG, HMACHINE), "CM_Get_DevNode_Status_Ex", status,
               problem, devinst, flags, machine);
    if (!status || !problem) return CR_INVALID_POINTER;
    *status = *problem = 0;
    if (flags) return CR_INVALID_FLAG;
    if ((ret = wn_node_from_devinst(devinst, &dev))) return ret;
    *status = is_root(&dev) ? STATUS_ROOT : STATUS_PRESENT;
    return CR_SUCCESS;
}

CONFIGRET WINAPI CM_Get_DevNode_Status(PULONG status, PULONG problem, DEVINST devinst, ULONG flags)
{
    return CM_Get_DevNode_Status_Ex(status, problem, devinst, flags, NULL);
}

enum relation { PARENT, CHILD, SIBLING };

static CONFIGRET relative(PDEVINST out, DEVINST devinst, ULONG flags, enum relation which)
{
    struct wn_devmodel_dev dev;
    struct wn_nodes nodes;
    const char *found = NULL;
    BOOL seen = FALSE;
    CONFIGRET ret;
    size_t i;

    if (!out) return CR_INVALID_POINTER;
    *out = 0;
    if (flags) return CR_INVALID_FLAG;
    if ((ret = wn_node_from_devinst(devinst, &dev))) return ret;
    if (which == PARENT)
    {
        if (is_root(&dev)) return CR_NO_SUCH_DEVNODE;
        return (*out = wn_node_devinst(dev.parent)) ? CR_SUCCESS : CR_OUT_OF_MEMORY;
    }
    if (which == SIBLING && is_root(&dev)) return CR_NO_SUCH_DEVNODE;
    if (!wn_nodes_load(&nodes)) return CR_OUT_OF_MEMORY;
    for (i = 1; i < nodes.count && !found; i++)
    {
        const struct wn_devmodel_dev *n = &nodes.devs[i];

        if (which == CHILD)
        {
            if (!_stricmp(n->parent, dev.map.instance_id)) found = n->map.instance_id;
            continue;
        }
        if (_stricmp(n->parent, dev.parent)) continue;
        if (seen) found = n->map.instance_id;
        else if (!_stricmp(n->map.instance_id, dev.map.instance_id)) seen = TRUE;
    }
    ret = !found ? CR_NO_SUCH_DEVNODE : (*out = wn_node_devinst(found)) ? CR_SUCCESS : CR_OUT_OF_MEMORY;
    wn_nodes_free(&nodes);
    return ret;
}

#define RELATIVE_EXPORTS(name, which) \
    CONFIGRET WINAPI name##_Ex(PDEVINST out, DEVINST devinst, ULONG flags, HMACHINE machine) \
    { \
        if (machine || !wn_query_ours()) \
            SYSTEM(CONFIGRET (WINAPI *)(PDEVINST, DEVINST, ULONG, HMACHINE), #name "_Ex", out, devinst, flags, \
                   machine); \
        return relative(out, devinst, flags, which); \
    } \
    CONFIGRET WINAPI name(PDEVINST out, DEVINST devinst, ULONG flags) \
    { \
        return name##_Ex(out, devinst, flags, NULL); \
    }

RELATIVE_EXPORTS(CM_Get_Parent, PARENT)
RELATIVE_EXPORTS(CM_Get_Child, CHILD)
RELATIVE_EXPORTS(CM_Get_Sibling, SIBLING)

/* ---- device node properties ------------------------------------------------------------------------------------ */

BOOL wn_query_same_key(const DEVPROPKEY *key, const GUID *fmtid, DEVPROPID pid)
{
    return key->pid == pid && !memcmp(&key->fmtid, fmtid, sizeof(GUID));
}

CONFIGRET WINAPI CM_Get_DevNode_Property_ExW(DEVINST devinst, const DEVPROPKEY *key, DEVPROPTYPE *type, PBYTE buf,
                                             PULONG size, ULONG flags, HMACHINE machine)
{
    struct wn_devmodel_dev dev;
    CONFIGRET ret;
    ULONG bytes = 0;
    BYTE *value;
    size_t i;

    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(DEVINST, const DEVPROPKEY *, DEVPROPTYPE *, PBYTE, PULONG, ULONG, HMACHINE),
               "CM_Get_DevNode_Property_ExW", devinst, key, type, buf, size, flags, machine);
    if (!key || !type || !size) return CR_INVALID_POINTER;
    if (!buf && *size) return CR_INVALID_POINTER;
    if (flags) return CR_INVALID_FLAG;
    if ((ret = wn_node_from_devinst(devinst, &dev))) return ret;
    if (!(value = malloc(8192))) return CR_OUT_OF_MEMORY;
    for (i = 0; i < ARRAYSIZE(node_props); i++)
        if (wn_query_same_key(key, node_props[i].fmtid, node_props[i].pid)) break;
    if (i < ARRAYSIZE(node_props)) bytes = field_value(&dev, node_props[i].field, FALSE, value, 8192);
    if (!bytes)
    {
        *type = DEVPROP_TYPE_EMPTY;
        *size = 0;
        ret = CR_NO_SUCH_VALUE;
    }
    else
    {
        *type = node_props[i].type;
        ret = wn_query_put(value, bytes, buf, size);
    }
    free(value);
    return ret;
}

CONFIGRET WINAPI CM_Get_DevNode_PropertyW(DEVINST devinst, const DEVPROPKEY *key, DEVPROPTYPE *type, PBYTE buf,
                                          PULONG size, ULONG flags)
{
    return CM_Get_DevNode_Property_ExW(devinst, key, type, buf, size, flags, NULL);
}

CONFIGRET WINAPI CM_Get_DevNode_Property_Keys_Ex(DEVINST devinst, DEVPROPKEY *keys, PULONG count, ULONG flags,
                                                 HMACHINE machine)
{
    struct wn_devmodel_dev dev;
    DEVPROPKEY found[ARRAYSIZE(node_props)];
    BYTE *scratch;
    ULONG n = 0, cap;
    CONFIGRET ret;
    size_t i;

    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(DEVINST, DEVPROPKEY *, PULONG, ULONG, HMACHINE),
               "CM_Get_DevNode_Property_Keys_Ex", devinst, keys, count, flags, machine);
    if (!count) return CR_INVALID_POINTER;
    if (!keys && *count) return CR_INVALID_POINTER;
    if (flags) return CR_INVALID_FLAG;
    if ((ret = wn_node_from_devinst(devinst, &dev))) return ret;
    if (!(scratch = malloc(8192))) return CR_OUT_OF_MEMORY;
    for (i = 0; i < ARRAYSIZE(node_props); i++)
    {
        if (!field_value(&dev, node_props[i].field, FALSE, scratch, 8192)) continue;
        found[n].fmtid = *node_props[i].fmtid;
        found[n].pid = node_props[i].pid;
        n++;
    }
    free(scratch);
    cap = *count;
    *count = n;
    if (!keys || cap < n) return CR_BUFFER_SMALL;
    memcpy(keys, found, n * sizeof(*keys));
    return CR_SUCCESS;
}

CONFIGRET WINAPI CM_Get_DevNode_Property_Keys(DEVINST devinst, DEVPROPKEY *keys, PULONG count, ULONG flags)
{
    return CM_Get_DevNode_Property_Keys_Ex(devinst, keys, count, flags, NULL);
}

/* ---- registry properties --------------------------------------------------------------------------------------- */

/* The value as WCHARs (or, for a DWORD, its bytes) and its registry type; CR_NO_SUCH_VALUE etc. */
static CONFIGRET registry_value(DEVINST devinst, ULONG drp, ULONG flags, BYTE *value, ULONG cap, ULONG *bytes,
                                ULONG *reg_type)
{
    struct wn_devmodel_dev dev;
    CONFIGRET ret;
    size_t i;

    if (drp < CM_DRP_MIN || drp > CM_DRP_MAX) return CR_INVALID_PROPERTY;
    if (flags) return CR_INVALID_FLAG;
    if ((ret = wn_node_from_devinst(devinst, &dev))) return ret;
    for (i = 0; i < ARRAYSIZE(reg_props); i++)
        if (reg_props[i].drp == drp) break;
    if (i == ARRAYSIZE(reg_props) || !(*bytes = field_value(&dev, reg_props[i].field, TRUE, value, cap)))
        return CR_NO_SUCH_VALUE;
    *reg_type = reg_props[i].reg_type;
    return CR_SUCCESS;
}

CONFIGRET WINAPI CM_Get_DevNode_Registry_Property_ExW(DEVINST devinst, ULONG drp, PULONG reg_type, PVOID buf,
                                                      PULONG len, ULONG flags, HMACHINE machine)
{
    ULONG bytes, type;
    CONFIGRET ret;
    BYTE *value;

    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(DEVINST, ULONG, PULONG, PVOID, PULONG, ULONG, HMACHINE),
               "CM_Get_DevNode_Registry_Property_ExW", devinst, drp, reg_type, buf, len, flags, machine);
    if (!len) return CR_INVALID_POINTER;
    if (!buf && *len) return CR_INVALID_POINTER;
    if (!(value = malloc(8192))) return CR_OUT_OF_MEMORY;
    ret = registry_value(devinst, drp, flags, value, 8192, &bytes, &type);
    if (!ret)
    {
        if (reg_type) *reg_type = type;
        ret = wn_query_put(value, bytes, buf, len);
    }
    else if (ret == CR_NO_SUCH_VALUE) *len = 0;
    free(value);
    return ret;
}

CONFIGRET WINAPI CM_Get_DevNode_Registry_Property_ExA(DEVINST devinst, ULONG drp, PULONG reg_type, PVOID buf,
                                                      PULONG len, ULONG flags, HMACHINE machine)
{
    ULONG bytes, type;
    CONFIGRET ret;
    BYTE *value;
    char *ansi;

    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(DEVINST, ULONG, PULONG, PVOID, PULONG, ULONG, HMACHINE),
               "CM_Get_DevNode_Registry_Property_ExA", devinst, drp, reg_type, buf, len, flags, machine);
    if (!len) return CR_INVALID_POINTER;
    if (!buf && *len) return CR_INVALID_POINTER;
    if (!(value = malloc(8192 + 4096))) return CR_OUT_OF_MEMORY;
    ansi = (char *)value + 8192;
    ret = registry_value(devinst, drp, flags, value, 8192, &bytes, &type);
    if (!ret)
    {
        /* Strings and lists in the ANSI code page: every character, the terminators included. */
        int n = WideCharToMultiByte(CP_ACP, 0, (WCHAR *)value, (int)(bytes / sizeof(WCHAR)), ansi, 4096, NULL,
                                    NULL);
        if (reg_type) *reg_type = type;
        ret = wn_query_put(ansi, (ULONG)n, buf, len);
    }
    else if (ret == CR_NO_SUCH_VALUE) *len = 0;
    free(value);
    return ret;
}

CONFIGRET WINAPI CM_Get_DevNode_Registry_PropertyW(DEVINST devinst, ULONG drp, PULONG reg_type, PVOID buf,
                                                   PULONG len, ULONG flags)
{
    return CM_Get_DevNode_Registry_Property_ExW(devinst, drp, reg_type, buf, len, flags, NULL);
}

CONFIGRET WINAPI CM_Get_DevNode_Registry_PropertyA(DEVINST devinst, ULONG drp, PULONG reg_type, PVOID buf,
                                                   PULONG len, ULONG flags)
{
    return CM_Get_DevNode_Registry_Property_ExA(devinst, drp, reg_type, buf, len, flags, NULL);
}

/* ---- CM_Open_DevNode_Key ---------------------------------------------------------------------------------------- */

/* The hardware key is Enum\<instance>\Device Parameters, where a driver keeps its settings (a serial port's
 * PortName) and SetupDiOpenDevRegKey(DIREG_DEV) looks; devices of ours have no driver (software) key. */
CONFIGRET WINAPI CM_Open_DevNode_Key_Ex(DEVINST devinst, REGSAM sam, ULONG profile, REGDISPOSITION disposition,
                                        PHKEY key, ULONG flags, HMACHINE machine)
{
    struct wn_devmodel_dev dev;
    WCHAR path[400], idw[WN_DEVMAP_ID_MAX];
    CONFIGRET ret;
    LONG err;

    if (machine || !wn_query_ours())
        SYSTEM(CONFIGRET (WINAPI *)(DEVINST, REGSAM, ULONG, REGDISPOSITION, PHKEY, ULONG, HMACHINE),
               "CM_Open_DevNode_Key_Ex", devinst, sam, profile, disposition, key, flags, machine);
    if (!key) return CR_INVALID_POINTER;
    *key = NULL;
    if (flags & ~(CM_REGISTRY_SOFTWARE | CM_REGISTRY_USER | CM_REGISTRY_CONFIG)) return CR_INVALID_FLAG;
    if (disposition > RegDisposition_OpenExisting) return CR_INVALID_DATA;
    if ((ret = wn_node_from_devinst(devinst, &dev))) return ret;
    if (flags & (CM_REGISTRY_SOFTWARE | CM_REGISTRY_USER | CM_REGISTRY_CONFIG) || profile || is_root(&dev))
        return CR_NO_SUCH_REGISTRY_KEY;
    swprintf(path, ARRAYSIZE(path), L"%ls\\%ls\\Device Parameters", WN_ENUM_KEY,
             wn_wide(dev.map.instance_id, idw, ARRAYSIZE(idw)));
    /* Under a device key we published (a volatile one), the parameters key must be volatile too. */
    if (disposition == RegDisposition_OpenAlways &&
        (err = RegCreateKeyExW(HKEY_LOCAL_MACHINE, path, 0, NULL, 0, sam, NULL, key, NULL)) ==
            ERROR_CHILD_MUST_BE_VOLATILE)
        err = RegCreateKeyExW(HKEY_LOCAL_MACHINE, path, 0, NULL, REG_OPTION_VOLATILE, sam, NULL, key, NULL);
    else if (disposition != RegDisposition_OpenAlways) err = RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, sam, key);
    if (err == ERROR_ACCESS_DENIED) return CR_ACCESS_DENIED;
    return err ? CR_NO_SUCH_REGISTRY_KEY : CR_SUCCESS;
}

CONFIGRET WINAPI CM_Open_DevNode_Key(DEVINST devinst, REGSAM sam, ULONG profile, REGDISPOSITION disposition,
                                     PHKEY key, ULONG flags)
{
    return CM_Open_DevNode_Key_Ex(devinst, sam, profile, disposition, key, flags, NULL);
}
