/* The merged device tree and its DEVINST handles (see devnode.h). */
#define _CFGMGR32_
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug.h"
#include "devnode.h"
#include "forward.h"
#include "source.h"

typedef CONFIGRET (WINAPI *get_id_fn)(DEVINST, PWSTR, ULONG, ULONG);

static SRWLOCK table_lock = SRWLOCK_INIT;
static char **table;
static size_t table_count, table_cap;

const WCHAR *wn_wide(const char *text, WCHAR *buf, size_t cap)
{
    if (!MultiByteToWideChar(CP_UTF8, 0, text, -1, buf, (int)cap)) buf[0] = 0;
    return buf;
}

static int same_id(const char *a, const char *b)
{
    return !_stricmp(a, b);
}

static void nothing(void *ctx, const struct wn_state *state)
{
    (void)ctx;
    (void)state;
}

BOOL wn_node_source_ok(void)
{
    return wn_running_on_wine() && wn_source_query(nothing, NULL) == WN_SOURCE_OK;
}

/* ---- our devices: the model over the view (under the source's lock: copy out and return) ---------------------- */

static BOOL nodes_add(struct wn_nodes *nodes, const struct wn_devmodel_dev *dev)
{
    if (nodes->count == nodes->cap)
    {
        size_t cap = nodes->cap ? nodes->cap * 2 : 16;
        struct wn_devmodel_dev *devs = realloc(nodes->devs, cap * sizeof(*devs));

        if (!devs) return FALSE;
        nodes->devs = devs;
        nodes->cap = cap;
    }
    nodes->devs[nodes->count] = *dev;
    /* The record's DEVPATH lives in the view, which may change once the lock is let go. */
    nodes->devs[nodes->count].devpath = NULL;
    nodes->count++;
    return TRUE;
}

struct collect
{
    struct wn_nodes *nodes;
    BOOL ok;
};

static void collect_ours(void *ctx, const struct wn_state *state)
{
    struct collect *c = ctx;
    struct wn_devmodel_dev dev;
    const void *cursor = NULL;

    while (wn_devmodel_next(state, &cursor, &dev))
        if (!nodes_add(c->nodes, &dev)) c->ok = FALSE;
}

struct find
{
    const char *id;
    struct wn_devmodel_dev *dev;
    BOOL found;
};

static void find_ours(void *ctx, const struct wn_state *state)
{
    struct find *f = ctx;

    f->found = wn_devmodel_find(state, f->id, f->dev);
    if (f->found) f->dev->devpath = NULL;
}

/* ---- Wine's devices: the registry ---------------------------------------------------------------------------- */

static void narrow(const WCHAR *text, char *buf, size_t cap)
{
    if (!WideCharToMultiByte(CP_UTF8, 0, text, -1, buf, (int)cap, NULL, NULL)) buf[0] = 0;
}

/* A string value as UTF-8 ("" if absent or of another type). */
static void reg_text(HKEY key, const WCHAR *name, char *buf, size_t cap)
{
    WCHAR value[WN_DEVMODEL_IDS_MAX];
    DWORD size = sizeof(value) - sizeof(WCHAR), type;

    buf[0] = 0;
    if (RegQueryValueExW(key, name, NULL, &type, (BYTE *)value, &size) || type != REG_SZ) return;
    value[size / sizeof(WCHAR)] = 0;
    narrow(value, buf, cap);
}

static void reg_multi(HKEY key, const WCHAR *name, char *ids, size_t cap)
{
    WCHAR value[WN_DEVMODEL_IDS_MAX];
    DWORD size = sizeof(value) - 2 * sizeof(WCHAR), type;
    const WCHAR *p;

    memset(ids, 0, cap);
    if (RegQueryValueExW(key, name, NULL, &type, (BYTE *)value, &size) || type != REG_MULTI_SZ) return;
    value[size / sizeof(WCHAR)] = 0;
    value[size / sizeof(WCHAR) + 1] = 0;
    for (p = value; *p; p += wcslen(p) + 1)
    {
        char id[WN_DEVMAP_ID_MAX];

        narrow(p, id, sizeof(id));
        if (id[0]) wn_devmodel_ids_add(ids, cap, id);
    }
}

/* Whether an Enum\<instance> key is a present device of Wine's: ours carry the mark, and setupapi marks a
 * registered-but-absent device Phantom. */
static BOOL wine_device(HKEY key)
{
    DWORD size = 0;

    if (!RegQueryValueExW(key, WN_PUBLISHED_VALUE, NULL, NULL, NULL, &size)) return FALSE;
    size = 0;
    if (!RegQueryValueExW(key, L"Phantom", NULL, NULL, NULL, &size)) return FALSE;
    return TRUE;
}

static void describe_wine(HKEY key, const char *instance_id, struct wn_devmodel_dev *dev)
{
    char guid[64];

    memset(dev, 0, sizeof(*dev));
    lstrcpynA(dev->map.instance_id, instance_id, sizeof(dev->map.instance_id));
    strcpy(dev->parent, WN_DEVMODEL_ROOT);
    reg_text(key, L"DeviceDesc", dev->desc, sizeof(dev->desc));
    reg_text(key, L"FriendlyName", dev->friendly, sizeof(dev->friendly));
    reg_text(key, L"Mfg", dev->manufacturer, sizeof(dev->manufacturer));
    reg_text(key, L"LocationInformation", dev->location, sizeof(dev->location));
    reg_text(key, L"Class", dev->class_name, sizeof(dev->class_name));
    reg_text(key, L"ClassGUID", guid, sizeof(guid));
    wn_devmap_parse_guid(guid, &dev->class_guid);
    reg_multi(key, L"HardwareID", dev->hardware_ids, sizeof(dev->hardware_ids));
    reg_multi(key, L"CompatibleIDs", dev->compatible_ids, sizeof(dev->compatible_ids));
}

static BOOL find_wine(const char *instance_id, struct wn_devmodel_dev *dev)
{
    WCHAR path[300], idw[WN_DEVMAP_ID_MAX];
    HKEY key;
    BOOL ok;

    if (strchr(instance_id, '/') || strstr(instance_id, "..")) return FALSE;
    swprintf(path, ARRAYSIZE(path), L"%ls\\%ls", WN_ENUM_KEY, wn_wide(instance_id, idw, ARRAYSIZE(idw)));
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_READ, &key)) return FALSE;
    if ((ok = wine_device(key))) describe_wine(key, instance_id, dev);
    RegCloseKey(key);
    return ok;
}

/* Every device under Enum\<enumerator>\<device>\<instance>. */
static BOOL collect_wine(struct wn_nodes *nodes)
{
    WCHAR name1[200], name2[200], name3[200];
    HKEY root, k1, k2, k3;
    DWORD i, j, l, len;
    BOOL ok = TRUE;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, WN_ENUM_KEY, 0, KEY_READ, &root)) return TRUE;
    for (i = 0; len = ARRAYSIZE(name1), !RegEnumKeyExW(root, i, name1, &len, NULL, NULL, NULL, NULL); i++)
    {
        if (RegOpenKeyExW(root, name1, 0, KEY_READ, &k1)) continue;
        for (j = 0; len = ARRAYSIZE(name2), !RegEnumKeyExW(k1, j, name2, &len, NULL, NULL, NULL, NULL); j++)
        {
            if (RegOpenKeyExW(k1, name2, 0, KEY_READ, &k2)) continue;
            for (l = 0; len = ARRAYSIZE(name3), !RegEnumKeyExW(k2, l, name3, &len, NULL, NULL, NULL, NULL); l++)
            {
                WCHAR idw[WN_DEVMAP_ID_MAX];
                char id[WN_DEVMAP_ID_MAX];
                struct wn_devmodel_dev dev;

                if (RegOpenKeyExW(k2, name3, 0, KEY_READ, &k3)) continue;
                if (wine_device(k3) && swprintf(idw, ARRAYSIZE(idw), L"%ls\\%ls\\%ls", name1, name2, name3) > 0)
                {
                    narrow(idw, id, sizeof(id));
                    describe_wine(k3, id, &dev);
                    if (!nodes_add(nodes, &dev)) ok = FALSE;
                }
                RegCloseKey(k3);
            }
            RegCloseKey(k2);
        }
        RegCloseKey(k1);
    }
    RegCloseKey(root);
    return ok;
}

/* ---- the merged tree ---------------------------------------------------------------------------------------- */

static void describe_root(struct wn_devmodel_dev *dev)
{
    memset(dev, 0, sizeof(*dev));
    strcpy(dev->map.instance_id, WN_DEVMODEL_ROOT);
    strcpy(dev->desc, "Root device");
}

BOOL wn_nodes_load(struct wn_nodes *nodes)
{
    struct collect c = { nodes, TRUE };
    struct wn_devmodel_dev root;

    memset(nodes, 0, sizeof(*nodes));
    describe_root(&root);
    if (!nodes_add(nodes, &root)) return FALSE;
    if (wn_source_query(collect_ours, &c) != WN_SOURCE_OK) WARN("no view: only Wine's devices\n");
    if (c.ok) c.ok = collect_wine(nodes);
    if (!c.ok) wn_nodes_free(nodes);
    return c.ok;
}

void wn_nodes_free(struct wn_nodes *nodes)
{
    free(nodes->devs);
    memset(nodes, 0, sizeof(*nodes));
}

BOOL wn_node_find(const char *instance_id, struct wn_devmodel_dev *dev)
{
    struct find f = { instance_id, dev, FALSE };

    if (!instance_id || !instance_id[0] || same_id(instance_id, WN_DEVMODEL_ROOT))
    {
        describe_root(dev);
        return TRUE;
    }
    if (wn_source_query(find_ours, &f) == WN_SOURCE_OK && f.found) return TRUE;
    return find_wine(instance_id, dev);
}

DEVINST wn_node_devinst(const char *instance_id)
{
    DEVINST result = 0;
    size_t i;

    AcquireSRWLockExclusive(&table_lock);
    for (i = 0; i < table_count; i++)
        if (same_id(table[i], instance_id)) break;
    if (i == table_count)
    {
        if (table_count == table_cap)
        {
            size_t cap = table_cap ? table_cap * 2 : 64;
            char **grown = realloc(table, cap * sizeof(*grown));

            if (!grown) goto done;
            table = grown;
            table_cap = cap;
        }
        if (!(table[i] = _strdup(instance_id))) goto done;
        table_count++;
    }
    result = (DEVINST)(WN_DEVINST_BASE + i);
done:
    ReleaseSRWLockExclusive(&table_lock);
    return result;
}

CONFIGRET wn_node_from_devinst(DEVINST devinst, struct wn_devmodel_dev *dev)
{
    char id[WN_DEVMAP_ID_MAX];
    BOOL known = FALSE;

    AcquireSRWLockExclusive(&table_lock);
    if (devinst >= WN_DEVINST_BASE && devinst - WN_DEVINST_BASE < table_count)
    {
        lstrcpynA(id, table[devinst - WN_DEVINST_BASE], sizeof(id));
        known = TRUE;
    }
    ReleaseSRWLockExclusive(&table_lock);

    if (!known && devinst < WN_DEVINST_BASE)
    {
        /* A handle of Wine's setupapi (SP_DEVINFO_DATA.DevInst, an index from 0): its instance ID, from the
         * system. */
        get_id_fn fn = (get_id_fn)wn_forward_lookup("CM_Get_Device_IDW");
        WCHAR idw[MAX_DEVICE_ID_LEN];

        if (fn && fn(devinst, idw, ARRAYSIZE(idw), 0) == CR_SUCCESS)
        {
            narrow(idw, id, sizeof(id));
            known = id[0] != 0;
        }
    }
    if (!known) return CR_INVALID_DEVNODE;
    return wn_node_find(id, dev) ? CR_SUCCESS : CR_NO_SUCH_DEVINST;
}

/* ---- interfaces --------------------------------------------------------------------------------------------- */

static BOOL ifaces_add(struct wn_ifaces *ifaces, const struct wn_iface *iface)
{
    if (ifaces->count == ifaces->cap)
    {
        size_t cap = ifaces->cap ? ifaces->cap * 2 : 16;
        struct wn_iface *items = realloc(ifaces->items, cap * sizeof(*items));

        if (!items) return FALSE;
        ifaces->items = items;
        ifaces->cap = cap;
    }
    ifaces->items[ifaces->count++] = *iface;
    return TRUE;
}

struct iface_query
{
    const GUID *guid;
    const char *link;
    struct wn_ifaces *out;
    BOOL ok;
};

/* Device records' interfaces: a device's own, and a software device's interface records (under their device's
 * instance ID, which must be present). */
static void collect_our_ifaces(void *ctx, const struct wn_state *state)
{
    struct iface_query *q = ctx;
    const struct wn_state_device *rec;
    struct wn_devmodel_dev owner;
    struct wn_devmap map;
    unsigned int i;

    for (rec = wn_state_first(state, WN_TABLE_DEVICE); rec; rec = wn_state_next(state, WN_TABLE_DEVICE, rec))
    {
        const char *owner_id;

        if (!wn_devmap_map(rec->props, rec->wire.props_len, &map) || !map.n_ifaces) continue;
        owner_id = map.instance_id[0] ? map.instance_id
                                      : wn_wire_prop(rec->props, rec->wire.props_len, "WN_INSTANCE_ID");
        if (!owner_id || !wn_devmodel_find(state, owner_id, &owner)) continue;
        for (i = 0; i < map.n_ifaces; i++)
        {
            struct wn_iface iface;

            if (q->guid && memcmp(q->guid, &map.ifaces[i].guid, sizeof(GUID))) continue;
            if (q->link && _stricmp(q->link, map.ifaces[i].link)) continue;
            memset(&iface, 0, sizeof(iface));
            strcpy(iface.link, map.ifaces[i].link);
            memcpy(&iface.guid, &map.ifaces[i].guid, sizeof(GUID));
            strcpy(iface.instance_id, owner.map.instance_id);
            iface.present = TRUE;
            if (!ifaces_add(q->out, &iface)) q->ok = FALSE;
        }
    }
}

static BOOL linked(HKEY iface_key, const WCHAR *ref_name)
{
    WCHAR path[300];
    DWORD value = 0, size = sizeof(value), type;
    HKEY control;

    swprintf(path, ARRAYSIZE(path), L"%ls\\Control", ref_name);
    if (RegOpenKeyExW(iface_key, path, 0, KEY_READ, &control)) return FALSE;
    if (RegQueryValueExW(control, L"Linked", NULL, &type, (BYTE *)&value, &size) || type != REG_DWORD) value = 0;
    RegCloseKey(control);
    return value != 0;
}

/* DeviceClasses\{class}\<device key>\#<refstring> holds SymbolicLink and Control\Linked (Wine's setupapi). */
static BOOL collect_wine_class(HKEY class_key, const GUID *guid, struct iface_query *q, BOOL all)
{
    WCHAR name[300], ref[200], value[WN_DEVMAP_LINK_MAX];
    DWORD i, j, len, size, type;
    HKEY dev_key, ref_key;
    BOOL ok = TRUE;

    for (i = 0; len = ARRAYSIZE(name), !RegEnumKeyExW(class_key, i, name, &len, NULL, NULL, NULL, NULL); i++)
    {
        char instance_id[WN_DEVMAP_ID_MAX];

        if (RegOpenKeyExW(class_key, name, 0, KEY_READ, &dev_key)) continue;
        size = 0;
        if (!RegQueryValueExW(dev_key, WN_PUBLISHED_VALUE, NULL, NULL, NULL, &size))
        {
            RegCloseKey(dev_key);
            continue;
        }
        reg_text(dev_key, L"DeviceInstance", instance_id, sizeof(instance_id));
        for (j = 0; len = ARRAYSIZE(ref), !RegEnumKeyExW(dev_key, j, ref, &len, NULL, NULL, NULL, NULL); j++)
        {
            struct wn_iface iface;

            if (ref[0] != '#' || RegOpenKeyExW(dev_key, ref, 0, KEY_READ, &ref_key)) continue;
            size = sizeof(value) - sizeof(WCHAR);
            if (!RegQueryValueExW(ref_key, L"SymbolicLink", NULL, &type, (BYTE *)value, &size) && type == REG_SZ &&
                instance_id[0])
            {
                value[size / sizeof(WCHAR)] = 0;
                memset(&iface, 0, sizeof(iface));
                narrow(value, iface.link, sizeof(iface.link));
                iface.guid = *guid;
                strcpy(iface.instance_id, instance_id);
                iface.present = linked(dev_key, ref);
                if ((all || iface.present) && (!q->link || !_stricmp(q->link, iface.link)) &&
                    !ifaces_add(q->out, &iface))
                    ok = FALSE;
            }
            RegCloseKey(ref_key);
        }
        RegCloseKey(dev_key);
    }
    return ok;
}

static BOOL collect_wine_ifaces(struct iface_query *q, BOOL all)
{
    WCHAR name[64];
    HKEY root, class_key;
    DWORD i, len;
    BOOL ok = TRUE;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, WN_CLASSES_KEY, 0, KEY_READ, &root)) return TRUE;
    for (i = 0; len = ARRAYSIZE(name), !RegEnumKeyExW(root, i, name, &len, NULL, NULL, NULL, NULL); i++)
    {
        struct wn_devmap_guid g;
        char text[64];

        narrow(name, text, sizeof(text));
        if (wn_devmap_parse_guid(text, &g)) continue;
        if (q->guid && memcmp(q->guid, &g, sizeof(GUID))) continue;
        if (RegOpenKeyExW(root, name, 0, KEY_READ, &class_key)) continue;
        if (!collect_wine_class(class_key, (const GUID *)&g, q, all)) ok = FALSE;
        RegCloseKey(class_key);
    }
    RegCloseKey(root);
    return ok;
}

BOOL wn_ifaces_load(const GUID *guid, BOOL all, struct wn_ifaces *ifaces)
{
    struct iface_query q = { guid, NULL, ifaces, TRUE };

    memset(ifaces, 0, sizeof(*ifaces));
    wn_source_query(collect_our_ifaces, &q);
    if (q.ok) q.ok = collect_wine_ifaces(&q, all);
    if (!q.ok) wn_ifaces_free(ifaces);
    return q.ok;
}

void wn_ifaces_free(struct wn_ifaces *ifaces)
{
    free(ifaces->items);
    memset(ifaces, 0, sizeof(*ifaces));
}

BOOL wn_iface_find(const char *link, struct wn_iface *iface)
{
    struct wn_ifaces found = { 0 };
    struct iface_query q = { NULL, link, &found, TRUE };
    BOOL ok;

    wn_source_query(collect_our_ifaces, &q);
    if (!found.count) collect_wine_ifaces(&q, TRUE);
    if ((ok = found.count > 0)) *iface = found.items[0];
    wn_ifaces_free(&found);
    return ok;
}
