/* Instance filters hear Wine's own devices (issue 17, "instance and handle filters work for both kinds").
 *
 * Wine's CM_Register_Notification answers CR_CALL_NOT_IMPLEMENTED for an instance filter (Wine 11), and sechost
 * carries only interface events.  Wine's PnP raises an interface event for each interface of its devices as it
 * is enabled and disabled (IoSetDeviceInterfaceState), and a device of Wine's that has any interface arrives and
 * leaves with it: so an instance registration follows Wine's interface events of every class (a bridge of
 * wine_devices.c, with its rundown), and turns them into what Windows tells an instance filter:
 * DEVICEINSTANCEENUMERATED then DEVICEINSTANCESTARTED when a device's first interface arrives, DEVICEINSTANCEREMOVED
 * when its last one goes.  The instance of a link is Wine's answer (its CM_Get_Device_Interface_PropertyW with
 * DEVPKEY_Device_InstanceId, where it has one), else the registry's, where Wine's setupapi records the interface
 * (Control\DeviceClasses\{class}\##?#...\DeviceInstance).  A removal's instance is the one its arrival had: the
 * registration keeps its links' instances (Wine has deleted the keys by the removal: measured in Wine 11), those
 * enabled before it too, read from setupapi's records when it is made.  A removal of a link known neither way is
 * looked up as an arrival is, and told once per device.
 *
 * A device Wine has without any interface raises no event: it is not heard (Wine gives nothing to hear it by).
 * Where Wine has no source (wn_wine_devices_attach gives no registration), instance filters hear our devices only,
 * as before.  A host device Wine models (wn_wine_devices_models) is announced once, from here, once the bridge made
 * the system's registration: the helper's record of it is left out of the device model then. */
#define _CFGMGR32_
#include <winsock2.h>
#include <windows.h>
#include <devpropdef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "winenotify/cfgmgr32_notify.h"

#include "debug.h"
#include "forward.h"
#include "query.h"
#include "wine_devices.h"
#include "wine_instances.h"

typedef CONFIGRET (WINAPI *iface_property_fn)(LPCWSTR, const DEVPROPKEY *, DEVPROPTYPE *, PBYTE, PULONG, ULONG);

/* A link of Wine's that arrived, and its device. */
struct wine_link
{
    WCHAR *link;
    WCHAR *instance;
    struct wine_link *next;
};

/* What an instance registration knows of Wine's devices. */
struct instance_reg
{
    struct wn_reg *reg;
    wn_wine_instance_post_fn post;
    BOOL all;
    WCHAR instance_id[MAX_DEVICE_ID_LEN];
    struct wine_link *links;     /* present links, since the registration */
    struct wine_link *told_gone; /* devices told removed from a link that came before the registration */
    struct instance_reg *next;
};

static SRWLOCK instances_lock = SRWLOCK_INIT;
static struct instance_reg *instance_regs;

static void free_links(struct wine_link *link)
{
    struct wine_link *next;

    for (; link; link = next)
    {
        next = link->next;
        free(link->link);
        free(link->instance);
        free(link);
    }
}

/* Wine's instance ID of a link, from Wine's cfgmgr32 or setupapi's registry record; FALSE if neither knows it. */
static BOOL link_instance(const WCHAR *link, const GUID *guid, WCHAR *id, ULONG cap)
{
    static const WCHAR classes[] = L"System\\CurrentControlSet\\Control\\DeviceClasses\\";
    iface_property_fn fn = (iface_property_fn)wn_forward_lookup("CM_Get_Device_Interface_PropertyW");
    DEVPROPKEY key = { wn_query_fmt_instance, 256 };
    WCHAR path[ARRAYSIZE(classes) + 40 + MAX_DEVICE_ID_LEN + 64], *name, *end;
    ULONG size = cap * sizeof(WCHAR);
    DEVPROPTYPE type;
    DWORD bytes, value_type;
    size_t len = wcslen(link);
    HKEY hkey;
    LSTATUS err;
    int n;

    if (fn && !fn(link, &key, &type, (BYTE *)id, &size, 0) && type == DEVPROP_TYPE_STRING && size >= sizeof(WCHAR))
    {
        id[cap - 1] = 0;
        if (id[0])
        {
            TRACE("%ls: %ls, Wine's answer\n", link, id);
            return TRUE;
        }
    }
    /* setupapi's key for a link: its "\\?\" as "##?#", up to its reference string. */
    if (len <= 4 || len >= MAX_DEVICE_ID_LEN + 64) return FALSE;
    n = swprintf(path, ARRAYSIZE(path), L"%ls{%08lX-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}\\", classes,
                 guid->Data1, guid->Data2, guid->Data3, guid->Data4[0], guid->Data4[1], guid->Data4[2],
                 guid->Data4[3], guid->Data4[4], guid->Data4[5], guid->Data4[6], guid->Data4[7]);
    if (n < 0) return FALSE;
    name = path + n;
    wcscpy(name, link);
    name[0] = name[1] = name[3] = '#';
    if ((end = wcschr(name, '\\'))) *end = 0;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_QUERY_VALUE, &hkey)) return FALSE;
    bytes = (cap - 1) * sizeof(WCHAR);
    err = RegQueryValueExW(hkey, L"DeviceInstance", NULL, &value_type, (BYTE *)id, &bytes);
    RegCloseKey(hkey);
    if (err || value_type != REG_SZ) return FALSE;
    id[bytes / sizeof(WCHAR)] = 0;
    TRACE("%ls: %ls, setupapi's record\n", link, id);
    return id[0] != 0;
}

static struct instance_reg *find_reg(struct wn_reg *reg)
{
    struct instance_reg *ir;

    for (ir = instance_regs; ir; ir = ir->next)
        if (ir->reg == reg) return ir;
    return NULL;
}

static struct wine_link *find_link(struct wine_link *list, const WCHAR *link)
{
    for (; list; list = list->next)
        if (!_wcsicmp(list->link, link)) return list;
    return NULL;
}

static struct wine_link *find_instance(struct wine_link *list, const WCHAR *instance)
{
    for (; list; list = list->next)
        if (!_wcsicmp(list->instance, instance)) return list;
    return NULL;
}

/* Removes the entry of list whose link (or, with by_instance, whose device) matches; returns it, unlinked. */
static struct wine_link *take(struct wine_link **list, const WCHAR *text, BOOL by_instance)
{
    struct wine_link **p, *l;

    for (p = list; (l = *p); p = &l->next)
        if (!_wcsicmp(by_instance ? l->instance : l->link, text))
        {
            *p = l->next;
            l->next = NULL;
            return l;
        }
    return NULL;
}

static struct wine_link *new_link(const WCHAR *link, const WCHAR *instance)
{
    struct wine_link *l = calloc(1, sizeof(*l));

    if (!l) return NULL;
    l->link = _wcsdup(link);
    l->instance = _wcsdup(instance);
    if (!l->link || !l->instance)
    {
        free_links(l);
        return NULL;
    }
    return l;
}

static void tell(struct instance_reg *ir, CM_NOTIFY_ACTION action, const WCHAR *instance)
{
    if (!ir->all && _wcsicmp(ir->instance_id, instance)) return;
    TRACE("%p: Wine's device %ls, action %d\n", ir->reg, instance, action);
    ir->post(ir->reg, action, instance);
}

static void arrived(struct instance_reg *ir, const WCHAR *link, const WCHAR *instance)
{
    struct wine_link *l;
    BOOL first;

    if (find_link(ir->links, link))
    {
        TRACE("Wine's link %ls is there already\n", link);
        return;
    }
    first = !find_instance(ir->links, instance);
    free_links(take(&ir->told_gone, instance, TRUE));
    if (!(l = new_link(link, instance)))
    {
        ERR("out of memory: Wine's device %ls is not followed\n", instance);
        return;
    }
    l->next = ir->links;
    ir->links = l;
    if (!first) return;
    tell(ir, CM_NOTIFY_ACTION_DEVICEINSTANCEENUMERATED, instance);
    tell(ir, CM_NOTIFY_ACTION_DEVICEINSTANCESTARTED, instance);
}

static void removed(struct instance_reg *ir, const WCHAR *link, const GUID *guid)
{
    WCHAR id[MAX_DEVICE_ID_LEN];
    struct wine_link *l = take(&ir->links, link, FALSE), *gone;

    if (l)
    {
        if (!find_instance(ir->links, l->instance)) tell(ir, CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED, l->instance);
        free_links(l);
        return;
    }
    /* A link from before the registration: its device, once, unless a link of it that arrived since is there. */
    if (!link_instance(link, guid, id, ARRAYSIZE(id)))
    {
        TRACE("%p: Wine's link %ls, from before, has no known device\n", ir->reg, link);
        return;
    }
    if (find_instance(ir->links, id) || find_instance(ir->told_gone, id)) return;
    if (!(gone = new_link(link, id))) return;
    gone->next = ir->told_gone;
    ir->told_gone = gone;
    tell(ir, CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED, id);
}

/* wine_devices.c's post, from sechost's thread under its lock (so one at a time per registration): an interface
 * event of Wine's, already checked whole. */
static void on_interface_event(struct wn_reg *reg, CM_NOTIFY_ACTION action, const CM_NOTIFY_EVENT_DATA *data,
                               DWORD size)
{
    const WCHAR *link = data->u.DeviceInterface.SymbolicLink;
    const GUID *guid = &data->u.DeviceInterface.ClassGuid;
    WCHAR id[MAX_DEVICE_ID_LEN];
    BOOL known = FALSE;
    struct instance_reg *ir;

    (void)size;
    if (data->FilterType != CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE) return;
    /* An arrival's device is looked up before our lock is taken (Wine's answer reads the registry). */
    if (action == CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL && !(known = link_instance(link, guid, id, ARRAYSIZE(id))))
        WARN("Wine's link %ls has no device we can find: no instance event\n", link);
    AcquireSRWLockExclusive(&instances_lock);
    if ((ir = find_reg(reg)))
    {
        if (action == CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL) removed(ir, link, guid);
        else if (known) arrived(ir, link, id);
    }
    ReleaseSRWLockExclusive(&instances_lock);
}

/* A REG_SZ value of key, terminated, or FALSE (setupapi writes SymbolicLink without its terminator). */
static BOOL read_string(HKEY key, const WCHAR *name, WCHAR *buf, DWORD cap)
{
    DWORD type, bytes = (cap - 1) * sizeof(WCHAR);

    if (RegQueryValueExW(key, name, NULL, &type, (BYTE *)buf, &bytes) || type != REG_SZ) return FALSE;
    buf[bytes / sizeof(WCHAR)] = 0;
    return buf[0] != 0;
}

/* Whether an interface's reference string key says it is enabled, as setupapi reads it (Control\Linked). */
static BOOL linked(HKEY refstr)
{
    DWORD value = 0, type, bytes = sizeof(value);
    HKEY control;
    LSTATUS err;

    if (RegOpenKeyExW(refstr, L"Control", 0, KEY_QUERY_VALUE, &control)) return FALSE;
    err = RegQueryValueExW(control, L"Linked", NULL, &type, (BYTE *)&value, &bytes);
    RegCloseKey(control);
    return !err && type == REG_DWORD && value;
}

/* The links of one class enabled now, with their devices, added to *list. */
static void seed_class(HKEY class_key, struct wine_link **list)
{
    WCHAR name[MAX_DEVICE_ID_LEN + 64], ref[MAX_DEVICE_ID_LEN + 64], link[MAX_DEVICE_ID_LEN + 64];
    WCHAR id[MAX_DEVICE_ID_LEN];
    DWORD i, j, len;
    HKEY link_key, ref_key;
    struct wine_link *l;

    for (i = 0; len = ARRAYSIZE(name), !RegEnumKeyExW(class_key, i, name, &len, NULL, NULL, NULL, NULL); i++)
    {
        if (RegOpenKeyExW(class_key, name, 0, KEY_READ, &link_key)) continue;
        if (read_string(link_key, L"DeviceInstance", id, ARRAYSIZE(id)))
            for (j = 0; len = ARRAYSIZE(ref), !RegEnumKeyExW(link_key, j, ref, &len, NULL, NULL, NULL, NULL); j++)
            {
                if (ref[0] != '#' || RegOpenKeyExW(link_key, ref, 0, KEY_READ, &ref_key)) continue;
                if (linked(ref_key) && read_string(ref_key, L"SymbolicLink", link, ARRAYSIZE(link)) &&
                    (l = new_link(link, id)))
                {
                    l->next = *list;
                    *list = l;
                }
                RegCloseKey(ref_key);
            }
        RegCloseKey(link_key);
    }
}

/* The devices of Wine's there before the registration, from setupapi's records of their enabled interfaces: their
 * removal is told with the device they had (Wine may have deleted the records by then), once per device.  Our own
 * published devices are among them, but Wine raises no event for their links. */
static struct wine_link *seed(void)
{
    WCHAR name[64];
    struct wine_link *list = NULL;
    HKEY classes, class_key;
    DWORD i, len;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"System\\CurrentControlSet\\Control\\DeviceClasses", 0, KEY_READ,
                      &classes))
        return NULL;
    for (i = 0; len = ARRAYSIZE(name), !RegEnumKeyExW(classes, i, name, &len, NULL, NULL, NULL, NULL); i++)
    {
        if (RegOpenKeyExW(classes, name, 0, KEY_READ, &class_key)) continue;
        seed_class(class_key, &list);
        RegCloseKey(class_key);
    }
    RegCloseKey(classes);
    return list;
}

CONFIGRET wn_wine_instances_attach(struct wn_reg *reg, const CM_NOTIFY_FILTER *filter, wn_wine_instance_post_fn post)
{
    CM_NOTIFY_FILTER all = { .cbSize = sizeof(all) };
    struct wine_link *present, *l;
    struct instance_reg *ir;
    CONFIGRET ret;

    if (filter->FilterType != CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE) return CR_INVALID_DATA;
    if (!(ir = calloc(1, sizeof(*ir)))) return CR_OUT_OF_MEMORY;
    ir->reg = reg;
    ir->post = post;
    ir->all = !!(filter->Flags & CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES);
    if (!ir->all) lstrcpynW(ir->instance_id, filter->u.DeviceInstance.InstanceId, ARRAYSIZE(ir->instance_id));
    AcquireSRWLockExclusive(&instances_lock);
    ir->next = instance_regs;
    instance_regs = ir;
    ReleaseSRWLockExclusive(&instances_lock);

    all.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    all.Flags = CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES;
    if ((ret = wn_wine_devices_attach(reg, &all, on_interface_event)) != CR_SUCCESS)
    {
        TRACE("%p: no events of Wine's own for an instance filter (%#lx)\n", reg, ret);
        wn_wine_instances_detach(reg);
        return ret;
    }
    /* After the bridge is made: a link that arrives meanwhile is taken once (arrived() or here, not both). */
    present = seed();
    AcquireSRWLockExclusive(&instances_lock);
    if ((ir = find_reg(reg)))
        while ((l = present))
        {
            present = l->next;
            l->next = NULL;
            if (find_link(ir->links, l->link)) free_links(l);
            else
            {
                l->next = ir->links;
                ir->links = l;
            }
        }
    ReleaseSRWLockExclusive(&instances_lock);
    free_links(present);
    TRACE("%p: Wine's devices too, %ls\n", reg, ir && ir->all ? L"all of them" : L"one");
    return CR_SUCCESS;
}

void wn_wine_instances_detach(struct wn_reg *reg)
{
    struct instance_reg **p, *ir = NULL;

    AcquireSRWLockExclusive(&instances_lock);
    for (p = &instance_regs; *p; p = &(*p)->next)
        if ((*p)->reg == reg)
        {
            ir = *p;
            *p = ir->next;
            break;
        }
    ReleaseSRWLockExclusive(&instances_lock);
    if (!ir) return;
    free_links(ir->links);
    free_links(ir->told_gone);
    free(ir);
}
