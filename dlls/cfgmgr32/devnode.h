/* The merged device tree the CM_* queries answer from: our host devices (the device model over the view,
 * devmodel.c) and Wine's own devices (what Wine's PnP registered in the prefix's registry: Enum\<instance> and
 * Control\DeviceClasses), as one list of struct wn_devmodel_dev, and the DEVINST handles that name them.
 *
 * Our devices are published into the same registry keys (publish.c), marked with WN_PUBLISHED_VALUE; reading
 * Wine's devices skips marked keys, so a device of ours is always answered from the model, never from the copy.
 *
 * DEVINST: a process-wide table of instance IDs, never reused, so a handle keeps naming the same device (and
 * answers CR_NO_SUCH_DEVINST once that device is gone).  Ours start at WN_DEVINST_BASE, far above the indices
 * Wine's setupapi hands out in SP_DEVINFO_DATA.DevInst: a smaller value is setupapi's, and is turned into its
 * instance ID by asking the system's own CM_Get_Device_IDW, so that both kinds of handle work everywhere. */
#ifndef WN_CFGMGR32_DEVNODE_H
#define WN_CFGMGR32_DEVNODE_H

#include <windows.h>
#include <cfgmgr32.h>

#include "devmodel.h"

#define WN_DEVINST_BASE     0x10000000
#define WN_PUBLISHED_VALUE  L"WinenotifyPublished"
#define WN_ENUM_KEY         L"System\\CurrentControlSet\\Enum"
#define WN_CLASSES_KEY      L"System\\CurrentControlSet\\Control\\DeviceClasses"

/* A list of devices (the merged tree in its order: ours as the view has them, then Wine's). */
struct wn_nodes
{
    struct wn_devmodel_dev *devs;
    size_t count, cap;
};

/* An interface of the merged tree. */
struct wn_iface
{
    char link[WN_DEVMAP_LINK_MAX];
    GUID guid;
    char instance_id[WN_DEVMAP_ID_MAX];
    BOOL present;
};

struct wn_ifaces
{
    struct wn_iface *items;
    size_t count, cap;
};

/* UTF-8 text as WCHARs in buf (cap WCHARs; "" if it does not fit); returns buf. */
const WCHAR *wn_wide(const char *text, WCHAR *buf, size_t cap);

/* Whether our model answers (under Wine with a working helper); otherwise the callers forward to the system. */
BOOL wn_node_source_ok(void);

/* All present devices, the root first.  FALSE when out of memory. */
BOOL wn_nodes_load(struct wn_nodes *nodes);
void wn_nodes_free(struct wn_nodes *nodes);

/* The present device with this instance ID (case-insensitive; NULL or "" is the root). */
BOOL wn_node_find(const char *instance_id, struct wn_devmodel_dev *dev);

/* The handle of an instance ID (allocated at first use). */
DEVINST wn_node_devinst(const char *instance_id);

/* The device a handle names: CR_SUCCESS; CR_INVALID_DEVNODE for a value no one handed out; CR_NO_SUCH_DEVINST
 * for a device that is gone. */
CONFIGRET wn_node_from_devinst(DEVINST devinst, struct wn_devmodel_dev *dev);

/* The interfaces of class guid (NULL: all classes), present ones only unless all is set. */
BOOL wn_ifaces_load(const GUID *guid, BOOL all, struct wn_ifaces *ifaces);
void wn_ifaces_free(struct wn_ifaces *ifaces);

/* The interface with this link (case-insensitive), present or not. */
BOOL wn_iface_find(const char *link, struct wn_iface *iface);

#endif
