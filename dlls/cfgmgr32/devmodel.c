/* The device model (see devmodel.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "winenotify/wire.h"

#include "devmodel.h"

/* Setup classes (devguid.h). */
static const struct wn_devmap_guid class_net =
    { 0x4d36e972, 0xe325, 0x11ce, { 0xbf, 0xc1, 0x08, 0x00, 0x2b, 0xe1, 0x03, 0x18 } };
static const struct wn_devmap_guid class_diskdrive =
    { 0x4d36e967, 0xe325, 0x11ce, { 0xbf, 0xc1, 0x08, 0x00, 0x2b, 0xe1, 0x03, 0x18 } };
static const struct wn_devmap_guid class_volume =
    { 0x71a27cdd, 0x812a, 0x11d0, { 0xbe, 0xc7, 0x08, 0x00, 0x2b, 0xe2, 0x09, 0x2f } };
static const struct wn_devmap_guid class_ports =
    { 0x4d36e978, 0xe325, 0x11ce, { 0xbf, 0xc1, 0x08, 0x00, 0x2b, 0xe1, 0x03, 0x18 } };
static const struct wn_devmap_guid class_hid =
    { 0x745a17a0, 0x74d3, 0x11d0, { 0xb6, 0xfe, 0x00, 0xa0, 0xc9, 0x0f, 0x57, 0xda } };
static const struct wn_devmap_guid class_usb =
    { 0x36fc9e60, 0xc465, 0x11cf, { 0x80, 0x56, 0x44, 0x45, 0x53, 0x54, 0x00, 0x00 } };
static const struct wn_devmap_guid class_keyboard =
    { 0x4d36e96b, 0xe325, 0x11ce, { 0xbf, 0xc1, 0x08, 0x00, 0x2b, 0xe1, 0x03, 0x18 } };
static const struct wn_devmap_guid class_mouse =
    { 0x4d36e96f, 0xe325, 0x11ce, { 0xbf, 0xc1, 0x08, 0x00, 0x2b, 0xe1, 0x03, 0x18 } };
static const struct wn_devmap_guid class_software =
    { 0x62f9c741, 0xb25a, 0x46ce, { 0xb5, 0x4c, 0x9b, 0xcc, 0xce, 0x08, 0xb6, 0xf2 } };

static void set_text(char *dst, const char *src)
{
    if (src) wn_devmodel_text(src, dst, WN_DEVMODEL_TEXT_MAX);
}

static void set_class(struct wn_devmodel_dev *dev, const char *name, const struct wn_devmap_guid *guid)
{
    snprintf(dev->class_name, sizeof(dev->class_name), "%s", name);
    dev->class_guid = *guid;
}

/* An instance ID's enumerator and device parts: "USB\VID_046D&PID_C52B" of "USB\VID_046D&PID_C52B\1-2". */
static void device_part(const char *instance_id, char *buf, size_t cap)
{
    const char *last = strrchr(instance_id, '\\');
    size_t len = last ? (size_t)(last - instance_id) : strlen(instance_id);

    if (len >= cap) len = cap - 1;
    memcpy(buf, instance_id, len);
    buf[len] = 0;
}

/* A '|'-separated list of a software device's IDs, each sanitised like an instance ID segment's text. */
static void add_list(char *ids, const char *list)
{
    char item[WN_DEVMAP_ID_MAX], clean[WN_DEVMAP_ID_MAX];
    const char *end;

    for (; list && *list; list = *end ? end + 1 : end)
    {
        size_t len;

        end = strchr(list, '|');
        if (!end) end = list + strlen(list);
        len = (size_t)(end - list);
        if (!len || len >= sizeof(item)) continue;
        memcpy(item, list, len);
        item[len] = 0;
        if (wn_devmodel_text(item, clean, sizeof(clean))) wn_devmodel_ids_add(ids, WN_DEVMODEL_IDS_MAX, clean);
    }
}

static void describe_net(const struct wn_devmap_props *p, struct wn_devmodel_dev *dev)
{
    const char *type = wn_devmap_prop(p, "DEVTYPE");
    char id[64], clean[32];

    set_class(dev, "Net", &class_net);
    set_text(dev->desc, "Linux network interface");
    set_text(dev->friendly, wn_devmap_prop(p, "INTERFACE"));
    /* The kernel's kind of link (wlan, bridge, ...) first, as Windows lists the most specific ID first. */
    if (type && wn_devmodel_text(type, clean, sizeof(clean)) && !strpbrk(clean, "\\, "))
    {
        snprintf(id, sizeof(id), "ROOT\\NET_%s", clean);
        wn_devmodel_ids_add(dev->hardware_ids, sizeof(dev->hardware_ids), id);
    }
    wn_devmodel_ids_add(dev->hardware_ids, sizeof(dev->hardware_ids), "ROOT\\NET");
}

static void describe_block(const struct wn_devmap_props *p, struct wn_devmodel_dev *dev)
{
    if (wn_devmap_is(wn_devmap_prop(p, "DEVTYPE"), "partition"))
    {
        set_class(dev, "Volume", &class_volume);
        set_text(dev->desc, "Volume");
        wn_devmodel_ids_add(dev->hardware_ids, sizeof(dev->hardware_ids), "STORAGE\\Volume");
        return;
    }
    set_class(dev, "DiskDrive", &class_diskdrive);
    set_text(dev->desc, wn_devmap_prop(p, "WN_MODEL"));
    if (!dev->desc[0]) set_text(dev->desc, "Disk drive");
    set_text(dev->friendly, wn_devmap_prop(p, "DEVNAME"));
    set_text(dev->manufacturer, wn_devmap_prop(p, "WN_VENDOR"));
    wn_devmodel_ids_add(dev->hardware_ids, sizeof(dev->hardware_ids), "STORAGE\\DISK");
    wn_devmodel_ids_add(dev->hardware_ids, sizeof(dev->hardware_ids), "GenDisk");
    wn_devmodel_ids_add(dev->compatible_ids, sizeof(dev->compatible_ids), "GenDisk");
}

static void describe_tty(const struct wn_devmap_props *p, struct wn_devmodel_dev *dev)
{
    const char *name = wn_devmap_prop(p, "DEVNAME");

    set_class(dev, "Ports", &class_ports);
    set_text(dev->desc, "Communications Port");
    set_text(dev->friendly, name);
    wn_devmodel_ids_add(dev->hardware_ids, sizeof(dev->hardware_ids), "ROOT\\PORTS");
    if (name && !strncmp(name, "ttyS", 4))
        wn_devmodel_ids_add(dev->compatible_ids, sizeof(dev->compatible_ids), "*PNP0501");
}

static void describe_hidraw(const struct wn_devmap_props *p, struct wn_devmodel_dev *dev)
{
    char id[WN_DEVMAP_ID_MAX];

    set_class(dev, "HIDClass", &class_hid);
    set_text(dev->desc, "HID-compliant device");
    set_text(dev->bus_desc, wn_devmap_prop(p, "HID_NAME"));
    set_text(dev->friendly, wn_devmap_prop(p, "HID_NAME"));
    device_part(dev->map.instance_id, id, sizeof(id));
    wn_devmodel_ids_add(dev->hardware_ids, sizeof(dev->hardware_ids), id);
    wn_devmodel_ids_add(dev->compatible_ids, sizeof(dev->compatible_ids), "HID_DEVICE");
}

static void describe_usb(const struct wn_devmap_props *p, struct wn_devmodel_dev *dev)
{
    const char *product = wn_devmap_prop(p, "PRODUCT"), *type = wn_devmap_prop(p, "TYPE"), *rev;
    const char *devpath = wn_devmap_prop(p, "DEVPATH");
    const char *leaf = devpath ? strrchr(devpath, '/') : NULL;
    unsigned int cls = 0, sub = 0, proto = 0, bus = 0, port = 0;
    char id[WN_DEVMAP_ID_MAX + 16], base[WN_DEVMAP_ID_MAX];

    set_class(dev, "USB", &class_usb);
    /* The device's own name where it gives one (and it survives sanitising). */
    set_text(dev->desc, wn_devmap_prop(p, "WN_USB_PRODUCT"));
    if (!dev->desc[0]) set_text(dev->desc, "USB Composite Device");
    set_text(dev->bus_desc, wn_devmap_prop(p, "WN_USB_PRODUCT"));
    set_text(dev->manufacturer, wn_devmap_prop(p, "WN_USB_MANUFACTURER"));
    device_part(dev->map.instance_id, base, sizeof(base));
    /* PRODUCT is vendor/product/bcdDevice. */
    if (product && (rev = strrchr(product, '/')))
    {
        snprintf(id, sizeof(id), "%s&REV_%04lX", base, strtoul(rev + 1, NULL, 16) & 0xffff);
        wn_devmodel_ids_add(dev->hardware_ids, sizeof(dev->hardware_ids), id);
    }
    wn_devmodel_ids_add(dev->hardware_ids, sizeof(dev->hardware_ids), base);
    if (type && sscanf(type, "%u/%u/%u", &cls, &sub, &proto) == 3)
    {
        snprintf(id, sizeof(id), "USB\\Class_%02X&SubClass_%02X&Prot_%02X", cls & 0xff, sub & 0xff, proto & 0xff);
        wn_devmodel_ids_add(dev->compatible_ids, sizeof(dev->compatible_ids), id);
        snprintf(id, sizeof(id), "USB\\Class_%02X&SubClass_%02X", cls & 0xff, sub & 0xff);
        wn_devmodel_ids_add(dev->compatible_ids, sizeof(dev->compatible_ids), id);
        snprintf(id, sizeof(id), "USB\\Class_%02X", cls & 0xff);
        wn_devmodel_ids_add(dev->compatible_ids, sizeof(dev->compatible_ids), id);
    }
    /* The kernel's name of a device on a root hub's port is "<bus>-<port>" (deeper ones add ".<port>"). */
    if (leaf && sscanf(leaf + 1, "%u-%u", &bus, &port) == 2)
        snprintf(dev->location, sizeof(dev->location), "Port_#%04u.Hub_#%04u", port, bus);
}

static void describe_input(const struct wn_devmap_props *p, struct wn_devmodel_dev *dev)
{
    char id[WN_DEVMAP_ID_MAX];

    if (dev->map.n_ifaces && dev->map.ifaces[0].guid.data1 == 0x884b96c3)
    {
        set_class(dev, "Keyboard", &class_keyboard);
        set_text(dev->desc, "HID Keyboard Device");
    }
    else
    {
        set_class(dev, "Mouse", &class_mouse);
        set_text(dev->desc, "HID-compliant mouse");
    }
    set_text(dev->bus_desc, wn_devmap_prop(p, "NAME"));
    device_part(dev->map.instance_id, id, sizeof(id));
    wn_devmodel_ids_add(dev->hardware_ids, sizeof(dev->hardware_ids), id);
}

static void describe_swd(const struct wn_devmap_props *p, struct wn_devmodel_dev *dev)
{
    char id[WN_DEVMAP_ID_MAX];

    set_class(dev, "SoftwareDevice", &class_software);
    set_text(dev->desc, wn_devmap_prop(p, "WN_DESCRIPTION"));
    if (!dev->desc[0]) set_text(dev->desc, "Software device");
    add_list(dev->hardware_ids, wn_devmap_prop(p, "WN_HARDWARE_IDS"));
    add_list(dev->compatible_ids, wn_devmap_prop(p, "WN_COMPATIBLE_IDS"));
    if (!dev->hardware_ids[0])
    {
        device_part(dev->map.instance_id, id, sizeof(id));
        wn_devmodel_ids_add(dev->hardware_ids, sizeof(dev->hardware_ids), id);
    }
}

int wn_devmodel_describe(const char *props, size_t props_len, struct wn_devmodel_dev *out)
{
    static const struct
    {
        const char *subsystem;
        void (*describe)(const struct wn_devmap_props *p, struct wn_devmodel_dev *dev);
    } kinds[] =
    {
        { "net", describe_net },
        { "block", describe_block },
        { "tty", describe_tty },
        { "hidraw", describe_hidraw },
        { "usb", describe_usb },
        { "input", describe_input },
        { "winenotify_swd", describe_swd },
    };
    struct wn_devmap_props p = { props, props_len };
    const char *subsystem;
    size_t i;

    memset(out, 0, sizeof(*out));
    if (!wn_devmap_map(props, props_len, &out->map) || !out->map.instance_id[0])
    {
        memset(out, 0, sizeof(*out));
        return 0;
    }
    out->devpath = wn_devmap_prop(&p, "DEVPATH");
    out->props = props;
    out->props_len = props_len;
    subsystem = wn_devmap_prop(&p, "SUBSYSTEM");
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (!strcmp(subsystem, kinds[i].subsystem)) kinds[i].describe(&p, out);
    return 1;
}

/* Instance IDs and links compare without regard to ASCII case, as Windows compares them. */
static int same_id(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
    {
        char x = *a >= 'a' && *a <= 'z' ? (char)(*a - 32) : *a, y = *b >= 'a' && *b <= 'z' ? (char)(*b - 32) : *b;
        if (x != y) return 0;
    }
    return !*a && !*b;
}

/* Whether path lies strictly under dir. */
static int under(const char *path, const char *dir)
{
    size_t len = strlen(dir);
    return !strncmp(path, dir, len) && path[len] == '/';
}

void wn_devmodel_find_parent(const struct wn_state *state, struct wn_devmodel_dev *dev)
{
    const struct wn_state_device *rec;
    struct wn_devmap map;
    size_t best = 0;
    const char *swd_parent;

    strcpy(dev->parent, WN_DEVMODEL_ROOT);
    if (!dev->devpath) return;
    /* A software device names its parent itself; only one we know of counts (else the root, as SwDeviceCreate
     * with an unknown parent would have failed on Windows). */
    for (rec = wn_state_first(state, WN_TABLE_DEVICE); rec; rec = wn_state_next(state, WN_TABLE_DEVICE, rec))
        if (!strcmp(rec->devpath, dev->devpath)) break;
    swd_parent = rec ? wn_wire_prop(rec->props, rec->wire.props_len, "WN_PARENT") : NULL;

    for (rec = wn_state_first(state, WN_TABLE_DEVICE); rec; rec = wn_state_next(state, WN_TABLE_DEVICE, rec))
    {
        if (!wn_devmap_map(rec->props, rec->wire.props_len, &map) || !map.instance_id[0]) continue;
        if (swd_parent)
        {
            if (same_id(map.instance_id, swd_parent))
            {
                strcpy(dev->parent, map.instance_id);
                return;
            }
            continue;
        }
        if (under(dev->devpath, rec->devpath) && strlen(rec->devpath) > best)
        {
            best = strlen(rec->devpath);
            strcpy(dev->parent, map.instance_id);
        }
    }
}

int wn_devmodel_wine_models(const struct wn_devmodel_dev *dev)
{
    return dev->props && wn_wine_devices_models(dev->props, dev->props_len);
}

int wn_devmodel_map(const char *props, size_t props_len, struct wn_devmap *out)
{
    struct wn_devmodel_dev dev;

    if (!wn_devmap_map(props, props_len, out)) return 0;
    /* An interface record (a software device's) belongs to a device of ours: only instances are Wine's. */
    if (out->instance_id[0] && wn_devmodel_describe(props, props_len, &dev) && wn_devmodel_wine_models(&dev))
    {
        memset(out, 0, sizeof(*out));
        return 0;
    }
    return 1;
}

int wn_devmodel_next(const struct wn_state *state, const void **cursor, struct wn_devmodel_dev *out)
{
    const struct wn_state_device *rec = *cursor ? wn_state_next(state, WN_TABLE_DEVICE, *cursor)
                                                : wn_state_first(state, WN_TABLE_DEVICE);

    for (; rec; rec = wn_state_next(state, WN_TABLE_DEVICE, rec))
    {
        if (!wn_devmodel_describe(rec->props, rec->wire.props_len, out) || wn_devmodel_wine_models(out)) continue;
        wn_devmodel_find_parent(state, out);
        *cursor = rec;
        return 1;
    }
    *cursor = NULL;
    return 0;
}

int wn_devmodel_find(const struct wn_state *state, const char *instance_id, struct wn_devmodel_dev *out)
{
    const void *cursor = NULL;

    while (wn_devmodel_next(state, &cursor, out))
        if (same_id(out->map.instance_id, instance_id)) return 1;
    return 0;
}

int wn_devmodel_find_link(const struct wn_state *state, const char *link, struct wn_devmodel_dev *out,
                          unsigned int *iface)
{
    const struct wn_state_device *rec;
    struct wn_devmap map;
    unsigned int i;

    /* A software device's interfaces are records of their own, under their device's instance ID. */
    for (rec = wn_state_first(state, WN_TABLE_DEVICE); rec; rec = wn_state_next(state, WN_TABLE_DEVICE, rec))
    {
        if (!wn_devmap_map(rec->props, rec->wire.props_len, &map)) continue;
        for (i = 0; i < map.n_ifaces; i++)
        {
            const char *owner;

            if (!same_id(map.ifaces[i].link, link)) continue;
            owner = map.instance_id[0] ? map.instance_id
                                       : wn_wire_prop(rec->props, rec->wire.props_len, "WN_INSTANCE_ID");
            if (!owner || !wn_devmodel_find(state, owner, out)) return 0;
            if (!map.instance_id[0])
            {
                /* Keep the interface with the device it belongs to. */
                out->map.ifaces[0] = map.ifaces[i];
                out->map.n_ifaces = 1;
                i = 0;
            }
            *iface = i;
            return 1;
        }
    }
    return 0;
}

/* The length of the valid UTF-8 sequence at s (1-4), or 0. */
static size_t utf8_char(const unsigned char *s)
{
    size_t len, i;
    unsigned int cp;

    if (s[0] < 0x80) return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) { len = 2; cp = s[0] & 0x1f; }
    else if (s[0] >= 0xe0 && s[0] <= 0xef) { len = 3; cp = s[0] & 0x0f; }
    else if (s[0] >= 0xf0 && s[0] <= 0xf4) { len = 4; cp = s[0] & 0x07; }
    else return 0;
    for (i = 1; i < len; i++)
    {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are not characters. */
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

size_t wn_devmodel_text(const char *in, char *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t n = 0;

    if (!cap) return 0;
    while (*s == ' ') s++;
    while (*s)
    {
        size_t len = utf8_char(s);

        if (!len)
        {
            if (n + 1 >= cap) break;
            out[n++] = '?';
            s++;
            continue;
        }
        if (len == 1 && (*s < 0x20 || *s == 0x7f))
        {
            s++;
            continue;
        }
        /* C1 controls (U+0080-U+009F) too. */
        if (len == 2 && s[0] == 0xc2 && s[1] < 0xa0)
        {
            s += 2;
            continue;
        }
        if (n + len >= cap) break;
        memcpy(out + n, s, len);
        n += len;
        s += len;
    }
    while (n && out[n - 1] == ' ') n--;
    out[n] = 0;
    return n;
}

size_t wn_devmodel_ids_size(const char *ids)
{
    size_t n = 0;

    while (ids[n]) n += strlen(ids + n) + 1;
    return n ? n + 1 : 2;
}

int wn_devmodel_ids_add(char *ids, size_t cap, const char *id)
{
    size_t used = 0, len = strlen(id);

    while (ids[used]) used += strlen(ids + used) + 1;
    if (!len || used + len + 2 > cap) return -1;
    memcpy(ids + used, id, len + 1);
    ids[used + len + 1] = 0;
    return 0;
}
