/* Publication of our host devices into the prefix's registry, the way Wine's PnP registers its own (SPEC.md
 * §11), so that Wine's setupapi and cfgmgr32 find them: SetupDiGetClassDevs(DIGCF_PRESENT), SetupDiOpenDeviceInfo
 * and SetupDiOpenDeviceInterface, SetupDiOpenDevRegKey, and Wine 11's own CM_* functions.
 *
 *   HKLM\System\CurrentControlSet\Enum\<instance>            DeviceDesc, HardwareID, CompatibleIDs, Class,
 *                                                             ClassGUID, Mfg, FriendlyName, LocationInformation,
 *                                                             ConfigFlags, and our mark (WN_PUBLISHED_VALUE)
 *   ...\Control\DeviceClasses\{class}\##?#<link body>         DeviceInstance, our mark
 *       \#[refstring]                                         SymbolicLink
 *       \#[refstring]\Control                                 Linked = 1 (what DIGCF_PRESENT looks at)
 * (value names and types as Wine 11's setupapi reads them: devinst.c's PropertyMap and SETUPDI_AddDeviceInterfaces).
 *
 * Order: this process's publisher subscribes to the view before any of its registrations (wn_publish_start()
 * from CM_Register_Notification, the queries and SwDeviceCreate), and the source calls subscribers in the order
 * they subscribed, on one thread: so a device's keys exist before any registration of the process is told of
 * its arrival, and are gone before it is told of its removal.
 *
 * Several processes: every process using our DLLs publishes the same host view, so the writes are idempotent
 * (create or open, set the same values) and a removal deletes what is there (a second delete finds nothing).
 * All processes see the host's changes in the same order, so whatever they interleave, the registry ends as the
 * last change left it.
 *
 * Crashes: the device keys are volatile, so nothing survives the prefix's wineserver; and a process that starts
 * publishing first sweeps away every key carrying our mark whose device its view does not hold (a device that
 * went while no process of ours watched, or whose publisher was killed).  A device that is still there is
 * published again by the sweeping process.  The sweep judges only keys last written before its process started
 * publishing: a newer one may be another process's, for a device whose arrival is still on its way to us, or
 * half written, and taking it would hide a present device from listings until our view caught up.
 *
 * Parents: Enum\<enumerator>\<device> and DeviceClasses\{class} are ordinary keys, as Wine makes them, so that
 * Wine may add keys of its own under them.  Ordinary keys are saved with the prefix, and wineserver saves one that
 * has neither values nor subkeys: so whoever deletes a device's key also deletes the parents that leaves empty
 * (a prefix must not keep an empty Enum\STORAGE\VOLUME of a loop disk that came and went).  A parent that holds
 * anything, Wine's or another device's, stays (RegDeleteKey refuses a key with subkeys), and a process creating
 * a device under a parent another process just deleted creates it again.
 *
 * Devices Wine models itself (wn_devmodel_wine_models()) are Wine's to register and are never touched. */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "debug.h"
#include "devnode.h"
#include "publish.h"
#include "source.h"
#include "wine_devices.h"

static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
static struct wn_subscription *publisher;
static FILETIME view_start;   /* when this process started publishing: the sweep judges older keys only */

/* ---- keys ------------------------------------------------------------------------------------------------------- */

static LONG set_text(HKEY key, const WCHAR *name, const char *text)
{
    WCHAR value[WN_DEVMODEL_TEXT_MAX + 64];
    int n;

    if (!text[0])
    {
        /* A value the device no longer has (a changed record) goes; one that was never there is no error. */
        RegDeleteValueW(key, name);
        return 0;
    }
    if (!(n = MultiByteToWideChar(CP_UTF8, 0, text, -1, value, ARRAYSIZE(value)))) return ERROR_INVALID_DATA;
    return RegSetValueExW(key, name, 0, REG_SZ, (const BYTE *)value, n * sizeof(WCHAR));
}

static LONG set_multi(HKEY key, const WCHAR *name, const char *ids)
{
    WCHAR value[WN_DEVMODEL_IDS_MAX];
    int n = 0;

    if (!ids[0])
    {
        RegDeleteValueW(key, name);
        return 0;
    }
    for (; *ids && n + 2 < (int)ARRAYSIZE(value); ids += strlen(ids) + 1)
    {
        int len = MultiByteToWideChar(CP_UTF8, 0, ids, -1, value + n, ARRAYSIZE(value) - n - 1);
        if (!len) break;
        n += len;
    }
    value[n++] = 0;
    return RegSetValueExW(key, name, 0, REG_MULTI_SZ, (const BYTE *)value, n * sizeof(WCHAR));
}

static LONG set_dword(HKEY key, const WCHAR *name, DWORD value)
{
    return RegSetValueExW(key, name, 0, REG_DWORD, (const BYTE *)&value, sizeof(value));
}

/* The path of path's parent key in buf; its last component, or NULL when it has no parent or buf is too small. */
static const WCHAR *split_parent(const WCHAR *path, WCHAR *buf, size_t cap)
{
    const WCHAR *last = wcsrchr(path, '\\');

    if (!last || (size_t)(last - path) >= cap) return NULL;
    memcpy(buf, path, (last - path) * sizeof(WCHAR));
    buf[last - path] = 0;
    return last + 1;
}

/* Creates base\path: every component but the last an ordinary key, the last one volatile. */
static LONG create_volatile(HKEY base, const WCHAR *path, HKEY *out)
{
    WCHAR parent[600];
    const WCHAR *name;
    HKEY opened;
    LONG err;
    int tries;

    if (!wcschr(path, '\\'))
        return RegCreateKeyExW(base, path, 0, NULL, REG_OPTION_VOLATILE, KEY_ALL_ACCESS, NULL, out, NULL);
    if (!(name = split_parent(path, parent, ARRAYSIZE(parent)))) return ERROR_INVALID_PARAMETER;
    /* Another process may delete the parent, left empty by a device that went, between our opening it and
     * creating under it: then it is made again.  Each try can only lose to a removal that came after it. */
    for (tries = 0; tries < 4; tries++)
    {
        if ((err = RegCreateKeyExW(base, parent, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &opened, NULL))) return err;
        err = RegCreateKeyExW(opened, name, 0, NULL, REG_OPTION_VOLATILE, KEY_ALL_ACCESS, NULL, out, NULL);
        RegCloseKey(opened);
        if (err != ERROR_KEY_DELETED) break;
    }
    return err;
}

/* Deletes base\path and then each parent up to (not including) base\top while the key it reaches holds neither
 * values nor subkeys. */
static void prune_empty(HKEY base, const WCHAR *top, const WCHAR *path)
{
    size_t top_len = wcslen(top);
    WCHAR key_path[700];
    WCHAR *cut;

    if (wcsncmp(path, top, top_len) || path[top_len] != '\\' || wcslen(path) >= ARRAYSIZE(key_path)) return;
    wcscpy(key_path, path);
    while (wcslen(key_path) > top_len)
    {
        DWORD subkeys, values;
        HKEY key;
        LONG err;

        if (RegOpenKeyExW(base, key_path, 0, KEY_READ, &key)) break;
        err = RegQueryInfoKeyW(key, NULL, NULL, NULL, &subkeys, NULL, NULL, &values, NULL, NULL, NULL, NULL);
        RegCloseKey(key);
        if (err || subkeys || values) break;
        /* Refused if a subkey appeared since: then it is not empty any more. */
        if (RegDeleteKeyW(base, key_path)) break;
        TRACE("empty: %ls\n", key_path);
        if (!(cut = wcsrchr(key_path, '\\'))) break;
        *cut = 0;
    }
}

/* Deletes HKLM\path and everything under it, if it carries our mark, and then the parents up to top that it
 * leaves empty. */
static void delete_marked(const WCHAR *top, const WCHAR *path)
{
    HKEY base = HKEY_LOCAL_MACHINE, key;
    WCHAR parent[700];
    DWORD size = 0;

    if (RegOpenKeyExW(base, path, 0, KEY_ALL_ACCESS, &key)) return;
    if (RegQueryValueExW(key, WN_PUBLISHED_VALUE, NULL, NULL, NULL, &size))
    {
        RegCloseKey(key);
        WARN("%ls is not ours: left alone\n", path);
        return;
    }
    RegDeleteTreeW(key, NULL);
    RegCloseKey(key);
    if (!RegDeleteKeyW(base, path) && split_parent(path, parent, ARRAYSIZE(parent))) prune_empty(base, top, parent);
}

/* Whether parent\name is still there: a sweep's deletion may have taken it, as an emptied parent. */
static BOOL still_there(HKEY parent, const WCHAR *name)
{
    HKEY key;

    if (RegOpenKeyExW(parent, name, 0, KEY_READ, &key)) return FALSE;
    RegCloseKey(key);
    return TRUE;
}

/* DeviceClasses\{class}\##?#... for a link (without its refstring), and the refstring's subkey "#[ref]". */
static BOOL iface_paths(const struct wn_devmap_iface *iface, WCHAR *key_path, size_t key_cap, WCHAR *ref,
                        size_t ref_cap)
{
    char guid[40], body[WN_DEVMAP_LINK_MAX];
    const char *refstring;
    size_t len;

    wn_devmap_format_guid(&iface->guid, guid);
    /* "\\?\" + body + "#{guid}" [+ "\" + refstring]: the body has no '\', so the first one after the prefix
     * starts the refstring. */
    if (strncmp(iface->link, "\\\\?\\", 4)) return FALSE;
    refstring = strchr(iface->link + 4, '\\');
    len = refstring ? (size_t)(refstring - iface->link) - 4 : strlen(iface->link + 4);
    if (len >= sizeof(body)) return FALSE;
    memcpy(body, iface->link + 4, len);
    body[len] = 0;
    WCHAR guidw[40], bodyw[WN_DEVMAP_LINK_MAX], refw[WN_DEVMAP_LINK_MAX];

    if (swprintf(key_path, key_cap, L"%ls\\%ls\\##?#%ls", WN_CLASSES_KEY, wn_wide(guid, guidw, ARRAYSIZE(guidw)),
                 wn_wide(body, bodyw, ARRAYSIZE(bodyw))) < 0)
        return FALSE;
    return swprintf(ref, ref_cap, L"#%ls", wn_wide(refstring ? refstring + 1 : "", refw, ARRAYSIZE(refw))) >= 0;
}

static void publish_iface(const struct wn_devmap_iface *iface, const char *instance_id)
{
    WCHAR path[700], ref[300], ref_control[320];
    HKEY key, ref_key, control;
    LONG err;

    if (!iface_paths(iface, path, ARRAYSIZE(path), ref, ARRAYSIZE(ref))) return;
    if ((err = create_volatile(HKEY_LOCAL_MACHINE, path, &key)))
    {
        WARN("cannot create %ls: %ld\n", path, err);
        return;
    }
    set_text(key, L"DeviceInstance", instance_id);
    set_dword(key, WN_PUBLISHED_VALUE, 1);
    if (!RegCreateKeyExW(key, ref, 0, NULL, REG_OPTION_VOLATILE, KEY_ALL_ACCESS, NULL, &ref_key, NULL))
    {
        set_text(ref_key, L"SymbolicLink", iface->link);
        RegCloseKey(ref_key);
    }
    swprintf(ref_control, ARRAYSIZE(ref_control), L"%ls\\Control", ref);
    if (!RegCreateKeyExW(key, ref_control, 0, NULL, REG_OPTION_VOLATILE, KEY_ALL_ACCESS, NULL, &control, NULL))
    {
        set_dword(control, L"Linked", 1);
        RegCloseKey(control);
    }
    RegCloseKey(key);
}

static void unpublish_iface(const struct wn_devmap_iface *iface)
{
    WCHAR path[700], ref[300];

    if (iface_paths(iface, path, ARRAYSIZE(path), ref, ARRAYSIZE(ref))) delete_marked(WN_CLASSES_KEY, path);
}

static void publish_device(const struct wn_devmodel_dev *dev)
{
    WCHAR path[400], idw[WN_DEVMAP_ID_MAX];
    char guid[40];
    HKEY key, params;
    LONG err;

    swprintf(path, ARRAYSIZE(path), L"%ls\\%ls", WN_ENUM_KEY, wn_wide(dev->map.instance_id, idw, ARRAYSIZE(idw)));
    if ((err = create_volatile(HKEY_LOCAL_MACHINE, path, &key)))
    {
        WARN("cannot create %ls: %ld\n", path, err);
        return;
    }
    wn_devmap_format_guid(&dev->class_guid, guid);
    _strupr(guid);
    set_text(key, L"DeviceDesc", dev->desc);
    set_multi(key, L"HardwareID", dev->hardware_ids);
    set_multi(key, L"CompatibleIDs", dev->compatible_ids);
    set_text(key, L"Class", dev->class_name);
    set_text(key, L"ClassGUID", guid);
    set_text(key, L"Mfg", dev->manufacturer);
    set_text(key, L"FriendlyName", dev->friendly);
    set_text(key, L"LocationInformation", dev->location);
    set_dword(key, L"ConfigFlags", 0);
    set_dword(key, WN_PUBLISHED_VALUE, 1);
    /* The hardware key, where SetupDiOpenDevRegKey(DIREG_DEV) looks: a serial port's PortName is the COM name the
     * helper gave it (wine_devices.c); other devices of ours keep nothing there. */
    if (!RegCreateKeyExW(key, L"Device Parameters", 0, NULL, REG_OPTION_VOLATILE, KEY_ALL_ACCESS, NULL, &params, NULL))
    {
        if ((err = wn_wine_devices_write_port_name(params, dev->props, dev->props_len)) && err != ERROR_NOT_FOUND)
            WARN("no PortName for %s: %ld\n", dev->map.instance_id, err);
        RegCloseKey(params);
    }
    RegCloseKey(key);
    TRACE("published %s\n", dev->map.instance_id);
}

static void unpublish_device(const char *instance_id)
{
    WCHAR path[400], idw[WN_DEVMAP_ID_MAX];

    swprintf(path, ARRAYSIZE(path), L"%ls\\%ls", WN_ENUM_KEY, wn_wide(instance_id, idw, ARRAYSIZE(idw)));
    delete_marked(WN_ENUM_KEY, path);
    TRACE("unpublished %s\n", instance_id);
}

/* ---- records -> keys -------------------------------------------------------------------------------------------- */

/* What a record publishes: a device (dev), or a software device's interface (map with its owner's ID). */
struct published
{
    BOOL device;
    struct wn_devmodel_dev dev;
    char owner[WN_DEVMAP_ID_MAX];
};

static BOOL record_publishes(const struct wn_state_device *rec, struct published *out)
{
    memset(out, 0, sizeof(*out));
    if (!rec) return FALSE;
    if (wn_devmodel_describe(rec->props, rec->wire.props_len, &out->dev))
    {
        if (wn_devmodel_wine_models(&out->dev)) return FALSE;
        out->device = TRUE;
        strcpy(out->owner, out->dev.map.instance_id);
        return TRUE;
    }
    /* An interface record: its interfaces, under the device that registered it. */
    if (wn_devmap_map(rec->props, rec->wire.props_len, &out->dev.map) && out->dev.map.n_ifaces)
    {
        const char *owner = wn_wire_prop(rec->props, rec->wire.props_len, "WN_INSTANCE_ID");

        if (!owner || strlen(owner) >= sizeof(out->owner)) return FALSE;
        strcpy(out->owner, owner);
        return TRUE;
    }
    return FALSE;
}

static BOOL has_iface(const struct published *p, const struct wn_devmap_iface *iface)
{
    unsigned int i;

    for (i = 0; i < p->dev.map.n_ifaces; i++)
        if (!strcmp(p->dev.map.ifaces[i].link, iface->link)) return TRUE;
    return FALSE;
}

static void publish(const struct published *p)
{
    unsigned int i;

    if (p->device) publish_device(&p->dev);
    for (i = 0; i < p->dev.map.n_ifaces; i++) publish_iface(&p->dev.map.ifaces[i], p->owner);
}

/* The reader thread, before any registration of this process hears of the change. */
static void on_change(void *ctx, uint32_t table, uint16_t op, const void *old_body, const void *new_body)
{
    struct published before, after;
    BOOL had, has;
    unsigned int i;

    (void)ctx;
    (void)op;
    if (table != WN_TABLE_DEVICE) return;
    had = record_publishes(old_body, &before);
    has = record_publishes(new_body, &after);
    if (had)
    {
        /* Interfaces first: a listing must never give a link whose device is gone. */
        for (i = 0; i < before.dev.map.n_ifaces; i++)
            if (!has || !has_iface(&after, &before.dev.map.ifaces[i])) unpublish_iface(&before.dev.map.ifaces[i]);
        if (before.device && (!has || !after.device || strcmp(before.owner, after.owner)))
            unpublish_device(before.owner);
    }
    if (has) publish(&after);
}

/* ---- the sweep -------------------------------------------------------------------------------------------------- */

/* Whether a key was last written before this process started publishing (see the header).  wineserver stamps
 * keys from the host's clock, the one GetSystemTimeAsFileTime reads. */
static BOOL written_before_view(HKEY key)
{
    FILETIME written;

    if (RegQueryInfoKeyW(key, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &written)) return FALSE;
    return CompareFileTime(&written, &view_start) < 0;
}

static BOOL in_view(const struct wn_state *state, const char *instance_id)
{
    struct wn_devmodel_dev dev;
    return wn_devmodel_find(state, instance_id, &dev);
}

static BOOL link_in_view(const struct wn_state *state, const char *link)
{
    struct wn_devmodel_dev dev;
    unsigned int i;
    return wn_devmodel_find_link(state, link, &dev, &i);
}

static void sweep_enum(const struct wn_state *state)
{
    WCHAR name1[200], name2[200], name3[200], path[700];
    HKEY root, k1, k2, k3;
    DWORD i, j, l, len, size;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, WN_ENUM_KEY, 0, KEY_READ, &root)) return;
    for (i = 0; len = ARRAYSIZE(name1), !RegEnumKeyExW(root, i, name1, &len, NULL, NULL, NULL, NULL);)
    {
        if (RegOpenKeyExW(root, name1, 0, KEY_READ, &k1))
        {
            i++;
            continue;
        }
        for (j = 0; len = ARRAYSIZE(name2), !RegEnumKeyExW(k1, j, name2, &len, NULL, NULL, NULL, NULL);)
        {
            if (RegOpenKeyExW(k1, name2, 0, KEY_READ, &k2))
            {
                j++;
                continue;
            }
            for (l = 0; len = ARRAYSIZE(name3), !RegEnumKeyExW(k2, l, name3, &len, NULL, NULL, NULL, NULL);)
            {
                char id[WN_DEVMAP_ID_MAX];
                BOOL stale = FALSE;

                if (!RegOpenKeyExW(k2, name3, 0, KEY_READ, &k3))
                {
                    size = 0;
                    if (!RegQueryValueExW(k3, WN_PUBLISHED_VALUE, NULL, NULL, NULL, &size))
                    {
                        swprintf(path, ARRAYSIZE(path), L"%ls\\%ls\\%ls", name1, name2, name3);
                        WideCharToMultiByte(CP_UTF8, 0, path, -1, id, sizeof(id), NULL, NULL);
                        stale = !in_view(state, id) && written_before_view(k3);
                    }
                    RegCloseKey(k3);
                }
                if (!stale)
                {
                    l++;
                    continue;
                }
                TRACE("stale: %ls\n", path);
                swprintf(path, ARRAYSIZE(path), L"%ls\\%ls\\%ls\\%ls", WN_ENUM_KEY, name1, name2, name3);
                delete_marked(WN_ENUM_KEY, path);
            }
            RegCloseKey(k2);
            /* An emptied parent went with its last device: the next one now has this index. */
            if (still_there(k1, name2)) j++;
        }
        RegCloseKey(k1);
        if (still_there(root, name1)) i++;
    }
    RegCloseKey(root);
}

static void sweep_classes(const struct wn_state *state)
{
    WCHAR class_name[64], name[400], path[700], link[WN_DEVMAP_LINK_MAX];
    HKEY root, class_key, key;
    DWORD i, j, len, size, type;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, WN_CLASSES_KEY, 0, KEY_READ, &root)) return;
    for (i = 0; len = ARRAYSIZE(class_name), !RegEnumKeyExW(root, i, class_name, &len, NULL, NULL, NULL, NULL);)
    {
        if (RegOpenKeyExW(root, class_name, 0, KEY_READ, &class_key))
        {
            i++;
            continue;
        }
        for (j = 0; len = ARRAYSIZE(name), !RegEnumKeyExW(class_key, j, name, &len, NULL, NULL, NULL, NULL);)
        {
            BOOL stale = FALSE;

            if (!RegOpenKeyExW(class_key, name, 0, KEY_READ, &key))
            {
                size = 0;
                if (!RegQueryValueExW(key, WN_PUBLISHED_VALUE, NULL, NULL, NULL, &size))
                {
                    HKEY ref_key;
                    WCHAR ref[300];
                    char link8[WN_DEVMAP_LINK_MAX];

                    /* Its link, from its (only) refstring subkey; a key without one is a torn write. */
                    stale = TRUE;
                    len = ARRAYSIZE(ref);
                    if (!RegEnumKeyExW(key, 0, ref, &len, NULL, NULL, NULL, NULL) &&
                        !RegOpenKeyExW(key, ref, 0, KEY_READ, &ref_key))
                    {
                        size = sizeof(link) - sizeof(WCHAR);
                        if (!RegQueryValueExW(ref_key, L"SymbolicLink", NULL, &type, (BYTE *)link, &size) &&
                            type == REG_SZ)
                        {
                            link[size / sizeof(WCHAR)] = 0;
                            WideCharToMultiByte(CP_UTF8, 0, link, -1, link8, sizeof(link8), NULL, NULL);
                            stale = !link_in_view(state, link8);
                        }
                        RegCloseKey(ref_key);
                    }
                    if (stale && !written_before_view(key)) stale = FALSE;
                }
                RegCloseKey(key);
            }
            if (!stale)
            {
                j++;
                continue;
            }
            swprintf(path, ARRAYSIZE(path), L"%ls\\%ls\\%ls", WN_CLASSES_KEY, class_name, name);
            TRACE("stale: %ls\n", path);
            delete_marked(WN_CLASSES_KEY, path);
        }
        RegCloseKey(class_key);
        if (still_there(root, class_name)) i++;
    }
    RegCloseKey(root);
}

/* The view the publisher starts from (under the source's lock): the registry made to match it. */
static void initial_view(void *ctx, const struct wn_state *state)
{
    const struct wn_state_device *rec;
    struct published p;

    (void)ctx;
    sweep_classes(state);
    sweep_enum(state);
    for (rec = wn_state_first(state, WN_TABLE_DEVICE); rec; rec = wn_state_next(state, WN_TABLE_DEVICE, rec))
        if (record_publishes(rec, &p)) publish(&p);
}

static BOOL CALLBACK start_once(INIT_ONCE *init, void *param, void **context)
{
    (void)init;
    (void)param;
    (void)context;
    GetSystemTimeAsFileTime(&view_start);
    if (wn_source_subscribe(WN_TABLE_DEVICE, on_change, NULL, initial_view, NULL, &publisher) != WN_SOURCE_OK)
        WARN("no view: our devices are not published\n");
    return TRUE;
}

void wn_publish_start(void)
{
    if (!wn_running_on_wine()) return;
    InitOnceExecuteOnce(&once, start_once, NULL, NULL);
}
