/* The device model: everything Windows says of a host device of the view, from its record's properties.
 *
 * devmap.c gives a device's identity (instance ID, interfaces and links); this adds what the device's node
 * carries in Windows (the values Wine's setupapi reads from Enum\<instance>, and the DEVPKEY_Device_* properties):
 * DeviceDesc, FriendlyName, HardwareIds, CompatibleIds, Class and ClassGUID (the setup class), Manufacturer,
 * LocationInformation and BusReportedDeviceDesc where the host has them, and the parent in the device tree.
 * The notifications (notify.c), the queries (query.c) and the publication into the prefix's registry
 * (publish.c) all take their devices from here, so there is one answer to "which devices exist and what are
 * they".
 *
 * Where the text comes from (all of it device-controlled and therefore sanitised, see wn_devmodel_text()):
 *   net        DeviceDesc "Linux network interface", FriendlyName the interface name; HardwareIds ROOT\NET
 *              (with the kernel's DEVTYPE: ROOT\NET_<DEVTYPE> first when there is one).
 *   disk       DeviceDesc "Disk drive" (or WN_MODEL), HardwareIds STORAGE\DISK, GenDisk; FriendlyName the node.
 *   partition  DeviceDesc "Volume", HardwareIds STORAGE\Volume; its parent is its disk.
 *   tty port   DeviceDesc "Communications Port", CompatibleIds *PNP0501 for a UART (ttyS*).
 *   hidraw     DeviceDesc "HID-compliant device", BusReportedDeviceDesc HID_NAME, HardwareIds HID\VID_&PID_,
 *              CompatibleIds HID_DEVICE.
 *   usb        DeviceDesc "USB Composite Device" unless the device names itself (WN_USB_PRODUCT), Manufacturer
 *              WN_USB_MANUFACTURER, HardwareIds USB\VID_&PID_&REV_ and USB\VID_&PID_, CompatibleIds from TYPE,
 *              LocationInformation Port_#nnnn.Hub_#nnnn.
 *   input      DeviceDesc "HID Keyboard Device" / "HID-compliant mouse", HardwareIds INPUT\VID_&PID_.
 *   swd        what SwDeviceCreate was given (WN_DESCRIPTION, WN_HARDWARE_IDS, WN_COMPATIBLE_IDS as '|'-separated
 *              lists, WN_PARENT), Class SoftwareDevice.
 * Parents: a device whose DEVPATH lies under another device of the view is that device's child (a partition
 * under its disk); every other device hangs under the root, HTREE\ROOT\0.
 *
 * Plain C11, no Windows headers: compiled natively for the unit tests and by MinGW into the DLL. */
#ifndef WN_CFGMGR32_DEVMODEL_H
#define WN_CFGMGR32_DEVMODEL_H

#include <stddef.h>

#include "devmap.h"
#include "state.h"

#define WN_DEVMODEL_TEXT_MAX  128    /* a sanitised string, with its terminator */
#define WN_DEVMODEL_IDS_MAX   512    /* a multi-string: NUL-separated, ended by an empty string */
#define WN_DEVMODEL_ROOT      "HTREE\\ROOT\\0"

struct wn_devmodel_dev
{
    struct wn_devmap map;                           /* instance ID, interfaces */
    const char *devpath;                            /* the record's DEVPATH (valid with the view) */
    const char *props;                              /* the record's properties (valid with the view) */
    size_t props_len;
    char parent[WN_DEVMAP_ID_MAX];                  /* instance ID; "" until wn_devmodel_find_parent() */
    char desc[WN_DEVMODEL_TEXT_MAX];                /* DeviceDesc */
    char friendly[WN_DEVMODEL_TEXT_MAX];            /* FriendlyName, "" if none */
    char bus_desc[WN_DEVMODEL_TEXT_MAX];            /* BusReportedDeviceDesc, "" if none */
    char manufacturer[WN_DEVMODEL_TEXT_MAX];        /* Mfg, "" if none */
    char location[WN_DEVMODEL_TEXT_MAX];            /* LocationInformation, "" if none */
    char class_name[32];                            /* Class */
    struct wn_devmap_guid class_guid;               /* ClassGUID (the setup class, not an interface class) */
    char hardware_ids[WN_DEVMODEL_IDS_MAX];         /* multi-string */
    char compatible_ids[WN_DEVMODEL_IDS_MAX];       /* multi-string, possibly empty */
};

/* Describes a device record.  Returns 1 when the record is a device instance Windows would show now (as
 * wn_devmap_map() decides; an interface-only record such as a software device's interface is not one), with
 * *out filled except parent; 0 otherwise. */
int wn_devmodel_describe(const char *props, size_t props_len, struct wn_devmodel_dev *out);

/* Fills dev->parent from the view (see the header comment). */
void wn_devmodel_find_parent(const struct wn_state *state, struct wn_devmodel_dev *dev);

/* Nonzero for a device that Wine itself models (its own PnP tree has it: a winebus HID device, a wineusb USB
 * device): such a device is never published by us, our queries leave it to Wine's registry, and its
 * notifications are Wine's.  Asks wn_wine_devices_models(). */
int wn_devmodel_wine_models(const struct wn_devmodel_dev *dev);

/* The one rule for "Wine models this host device", from a record's properties: dlls/cfgmgr32/wine_devices.c in
 * the DLL (it knows which of Wine's bus drivers exist and whether the system delivers their events); the native
 * unit tests provide their own. */
int wn_wine_devices_models(const char *props, size_t props_len);

/* wn_devmap_map() for the notifications: the same identity, and nothing for a device Wine models itself (its
 * events are Wine's).  Returns 1 when the record is ours to report. */
int wn_devmodel_map(const char *props, size_t props_len, struct wn_devmap *out);

/* Iteration over the view's device instances that are ours to show (described, present, not Wine's), with
 * their parents found.  Returns 1 with *out filled, 0 at the end.  *cursor starts NULL. */
int wn_devmodel_next(const struct wn_state *state, const void **cursor, struct wn_devmodel_dev *out);

/* The device with this instance ID (case-insensitive), or 0. */
int wn_devmodel_find(const struct wn_state *state, const char *instance_id, struct wn_devmodel_dev *out);

/* The device one of whose interfaces has this symbolic link (case-insensitive), or 0; *iface is its index. */
int wn_devmodel_find_link(const struct wn_state *state, const char *link, struct wn_devmodel_dev *out,
                          unsigned int *iface);

/* A device-controlled string made safe for a value shown to programs: UTF-8 kept where valid (anything else
 * becomes '?'), control characters dropped, leading and trailing spaces trimmed, at most cap - 1 bytes (cut at
 * a character boundary).  Returns the length. */
size_t wn_devmodel_text(const char *in, char *out, size_t cap);

/* Appends a string to a multi-string of cap bytes (kept terminated by an empty string); 0, or -1 if full. */
int wn_devmodel_ids_add(char *ids, size_t cap, const char *id);

/* The bytes of a multi-string including its final empty string (2 for an empty one: "\0\0"). */
size_t wn_devmodel_ids_size(const char *ids);

#endif
