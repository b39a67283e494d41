/* Host devices as Windows sees them: a device record of the view (its uevent properties) -> the device instance
 * ID, the interfaces it exposes (class GUID and symbolic link) and whether it is usable yet (SPEC.md §6).
 *
 * Windows form: an instance ID is ENUMERATOR\DEVICE-ID\INSTANCE; an interface's symbolic link is "\\?\" + the
 * instance ID with '\' turned into '#' + "#{class-guid}" [+ "\refstring"], its enumerator and device-ID part
 * upper case, the instance part and the GUID lower case, as Windows' notifications give them.
 *
 * Wine 8 lists none of these devices itself (SetupDi under the test runner gives no NET, DISK, VOLUME or COMPORT
 * interface, only winebus' own virtual HID devices; its CM_Get_Device_Interface_List is a stub), so the IDs of
 * host devices are ours.  A hidraw device that winebus exposes too keeps our link here, not winebus' own (not
 * matched yet).  The IDs are stable for as long as the kernel's name of the device stays (a renamed network
 * interface is a removal and an arrival):
 *   net                ROOT\NET\<IFNAME>                       NET
 *   block disk         STORAGE\DISK\<NAME>                     DISK     (only with a medium: WN_SECTORS > 0)
 *   block partition    STORAGE\VOLUME\<NAME>                   VOLUME   (likewise)
 *   tty port           ROOT\PORTS\<NAME>                       COMPORT  (ttyS*, ttyUSB*, ttyACM*)
 *   hidraw             HID\VID_xxxx&PID_xxxx\<NAME>            HID      (vendor/product from HID_ID)
 *   usb_device         USB\VID_xxxx&PID_xxxx\<BUS-PORT>        USB_DEVICE (from PRODUCT)
 *   input              INPUT\VID_xxxx&PID_xxxx\<NAME>          KEYBOARD (EV_KEY and EV_REP) and/or MOUSE (EV_REL
 *                                                              with REL_X and REL_Y)
 *   winenotify_swd     the WN_INSTANCE_ID property, no interface (SwDeviceCreate's devices, see the brief's
 *                      contract with SwDevice)
 *   winenotify_swd_interface   no instance; WN_CLASS_GUID under WN_INSTANCE_ID [\WN_REFSTRING]
 * <NAME> is the kernel's name, upper-cased in the instance ID (Windows' instance IDs are upper case); in the link
 * it is lower case again.  Names are device-controlled (anyone with CAP_NET_ADMIN names a tun): a character
 * Windows refuses in an ID (control, space, ',', '\\', '/', non-ASCII) becomes '_', a name of dots only becomes
 * underscores, one longer than 64 bytes is cut, and a name changed in any of these ways gets "&" and eight hex
 * digits of a hash of the original, so that two names never share an ID.  A node under /dev counts once WN_DEVNODE_READY=1 says it exists: before that the
 * device is not usable and is not reported.
 *
 * Plain C11, no Windows headers: compiled natively for the unit tests and by MinGW into the DLL. */
#ifndef WN_CFGMGR32_DEVMAP_H
#define WN_CFGMGR32_DEVMAP_H

#include <stddef.h>
#include <stdint.h>

#define WN_DEVMAP_ID_MAX    200      /* MAX_DEVICE_ID_LEN, with the terminator */
#define WN_DEVMAP_LINK_MAX  512
#define WN_DEVMAP_IFACES    2

/* Laid out as a Windows GUID. */
struct wn_devmap_guid
{
    uint32_t data1;
    uint16_t data2, data3;
    uint8_t data4[8];
};

struct wn_devmap_iface
{
    struct wn_devmap_guid guid;
    char link[WN_DEVMAP_LINK_MAX];
};

struct wn_devmap
{
    char instance_id[WN_DEVMAP_ID_MAX];  /* "" when the record is not a device instance */
    unsigned int n_ifaces;
    struct wn_devmap_iface ifaces[WN_DEVMAP_IFACES];
};

/* A device record's properties (wire.h's block of KEY=VALUE strings), as devmap.c and devmodel.c read them. */
struct wn_devmap_props
{
    const char *block;
    size_t len;
};

/* The value of key, NULL when the record has none. */
const char *wn_devmap_prop(const struct wn_devmap_props *p, const char *key);
/* Whether value is there and is expect. */
int wn_devmap_is(const char *value, const char *expect);

/* Maps a device record's properties.  Returns 1 when the device is one Windows would show now (usable), with
 * *out filled; 0 when it is not (unknown kind, not usable yet, or malformed), with *out emptied. */
int wn_devmap_map(const char *props, size_t props_len, struct wn_devmap *out);

/* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" (either case) -> guid; 0 on success, -1 when malformed. */
int wn_devmap_parse_guid(const char *text, struct wn_devmap_guid *guid);

/* The lower-case form with braces; buf holds at least 39 bytes. */
void wn_devmap_format_guid(const struct wn_devmap_guid *guid, char *buf);

/* The symbolic link of instance_id's interface of class guid (refstring may be NULL): 0, or -1 when it does not
 * fit in cap bytes. */
int wn_devmap_link(const char *instance_id, const struct wn_devmap_guid *guid, const char *refstring, char *buf,
                   size_t cap);

/* The kernel's device name a handle's file refers to, for a /dev path ("/dev/ttyS0" -> "ttyS0"); NULL otherwise. */
const char *wn_devmap_devname(const char *unix_path);

#endif
