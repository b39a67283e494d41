/* Host devices as Windows sees them (see devmap.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "winenotify/wire.h"

#include "devmap.h"

static const struct wn_devmap_guid guid_net =
    { 0xcac88484, 0x7515, 0x4c03, { 0x82, 0xe6, 0x71, 0xa8, 0x7a, 0xba, 0xc3, 0x61 } };
static const struct wn_devmap_guid guid_hid =
    { 0x4d1e55b2, 0xf16f, 0x11cf, { 0x88, 0xcb, 0x00, 0x11, 0x11, 0x00, 0x00, 0x30 } };
static const struct wn_devmap_guid guid_disk =
    { 0x53f56307, 0xb6bf, 0x11d0, { 0x94, 0xf2, 0x00, 0xa0, 0xc9, 0x1e, 0xfb, 0x8b } };
static const struct wn_devmap_guid guid_volume =
    { 0x53f5630d, 0xb6bf, 0x11d0, { 0x94, 0xf2, 0x00, 0xa0, 0xc9, 0x1e, 0xfb, 0x8b } };
static const struct wn_devmap_guid guid_comport =
    { 0x86e0d1e0, 0x8089, 0x11d0, { 0x9c, 0xe4, 0x08, 0x00, 0x3e, 0x30, 0x1f, 0x73 } };
static const struct wn_devmap_guid guid_usb_device =
    { 0xa5dcbf10, 0x6530, 0x11d2, { 0x90, 0x1f, 0x00, 0xc0, 0x4f, 0xb9, 0x51, 0xed } };
static const struct wn_devmap_guid guid_keyboard =
    { 0x884b96c3, 0x56ef, 0x11d1, { 0xbc, 0x8c, 0x00, 0xa0, 0xc9, 0x14, 0x05, 0xdd } };
static const struct wn_devmap_guid guid_mouse =
    { 0x378de44c, 0x56ef, 0x11d1, { 0xbc, 0x8c, 0x00, 0xa0, 0xc9, 0x14, 0x05, 0xdd } };

/* Linux input event types and relative axes (linux/input-event-codes.h). */
#define EV_KEY 1
#define EV_REL 2
#define EV_REP 20
#define REL_X  0
#define REL_Y  1

const char *wn_devmap_prop(const struct wn_devmap_props *p, const char *key)
{
    return wn_wire_prop(p->block, p->len, key);
}

int wn_devmap_is(const char *value, const char *expect)
{
    return value && !strcmp(value, expect);
}

static int prefixed(const char *value, const char *prefix)
{
    return value && !strncmp(value, prefix, strlen(prefix));
}

static char upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The longest device name kept whole in an instance ID: names come from the kernel or from a device (an
 * interface name anyone with CAP_NET_ADMIN picks, a USB serial), and an instance ID must stay under
 * MAX_DEVICE_ID_LEN with its enumerator and device parts. */
#define NAME_MAX_KEPT 64

/* Windows rejects spaces, commas and backslashes in an instance ID segment, and everything outside printable
 * ASCII; '/' is kept out too, since the links and names made from the ID become dosdevices and file names. */
static int name_char_ok(unsigned char c)
{
    return c > ' ' && c < 0x7f && c != '\\' && c != ',' && c != '/';
}

/* FNV-1a: tells apart two names that sanitise to the same text. */
static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* A device-controlled name made fit for an instance ID segment: each character Windows would reject becomes
 * '_', a name of dots only (".", "..") becomes underscores, and an overlong one is cut; a name changed in any way
 * gets "&" and a hash of the original, so that two different names never share an ID.  0 when nothing is left. */
static int clean_name(const char *name, char *buf, size_t cap)
{
    size_t len, i;
    int changed = 0, dots = 1;

    if (!name || !*name) return 0;
    len = strlen(name);
    if (len > NAME_MAX_KEPT)
    {
        len = NAME_MAX_KEPT;
        changed = 1;
    }
    if (len + 10 > cap) return 0;
    for (i = 0; i < len; i++)
    {
        unsigned char c = (unsigned char)name[i];

        if (c != '.') dots = 0;
        if (!name_char_ok(c))
        {
            c = '_';
            changed = 1;
        }
        buf[i] = (char)c;
    }
    buf[len] = 0;
    if (dots)
    {
        memset(buf, '_', len);
        changed = 1;
    }
    if (changed) snprintf(buf + len, cap - len, "&%08X", (unsigned int)name_hash(name));
    return 1;
}

/* ENUMERATOR\DEVICE\NAME with the name sanitised and upper-cased. */
static int make_id(struct wn_devmap *out, const char *enumerator, const char *device, const char *name)
{
    char clean[NAME_MAX_KEPT + 16];
    size_t n;
    int len;

    if (!clean_name(name, clean, sizeof(clean))) return 0;
    len = snprintf(out->instance_id, sizeof(out->instance_id), "%s\\%s\\%s", enumerator, device, clean);
    if (len < 0 || (size_t)len >= sizeof(out->instance_id)) return 0;
    for (n = strlen(enumerator) + strlen(device) + 2; out->instance_id[n]; n++)
        out->instance_id[n] = upper(out->instance_id[n]);
    return 1;
}

static int add_iface(struct wn_devmap *out, const struct wn_devmap_guid *guid, const char *refstring)
{
    struct wn_devmap_iface *iface;

    if (out->n_ifaces == WN_DEVMAP_IFACES) return 0;
    iface = &out->ifaces[out->n_ifaces];
    iface->guid = *guid;
    if (wn_devmap_link(out->instance_id, guid, refstring, iface->link, sizeof(iface->link))) return 0;
    out->n_ifaces++;
    return 1;
}

/* The last '/'-separated component of a path. */
static const char *basename_of(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return slash ? slash + 1 : path;
}

/* A node under /dev: usable once the helper saw it. */
static int node_ready(const struct wn_devmap_props *p)
{
    return !wn_devmap_prop(p, "DEVNAME") || wn_devmap_is(wn_devmap_prop(p, "WN_DEVNODE_READY"), "1");
}

/* The lowest word of a kernel bitmap property ("120013", or "... 3" for a long one). */
static unsigned long long bitmap_low(const char *value)
{
    const char *space = value ? strrchr(value, ' ') : NULL;

    if (!value) return 0;
    return strtoull(space ? space + 1 : value, NULL, 16);
}

static int bit(unsigned long long word, unsigned int n)
{
    return (word >> n) & 1;
}

/* "VID_xxxx&PID_xxxx" from two hex numbers as text (any width; the last four digits count). */
static int vid_pid(char *buf, size_t cap, const char *vendor, const char *product)
{
    unsigned long v, p;
    char *end;

    if (!vendor || !product) return 0;
    v = strtoul(vendor, &end, 16);
    if (end == vendor) return 0;
    p = strtoul(product, &end, 16);
    if (end == product) return 0;
    return snprintf(buf, cap, "VID_%04lX&PID_%04lX", v & 0xffff, p & 0xffff) > 0;
}

/* PRODUCT of a usb device ("46d/c52b/1203") or an input device ("3/46d/c52b/111"): the vendor and product
 * fields, skipping `skip` leading ones. */
static int product_ids(char *buf, size_t cap, const char *product, unsigned int skip)
{
    char copy[64], *fields[4] = { 0 }, *p;
    unsigned int n = 0;

    if (!product || strlen(product) >= sizeof(copy)) return 0;
    strcpy(copy, product);
    for (p = copy; p && n < 4; n++)
    {
        fields[n] = p;
        if ((p = strchr(p, '/'))) *p++ = 0;
    }
    if (n < skip + 2) return 0;
    return vid_pid(buf, cap, fields[skip], fields[skip + 1]);
}

static int map_net(const struct wn_devmap_props *p, struct wn_devmap *out)
{
    return make_id(out, "ROOT", "NET", wn_devmap_prop(p, "INTERFACE")) && add_iface(out, &guid_net, NULL);
}

static int map_block(const struct wn_devmap_props *p, struct wn_devmap *out)
{
    const char *type = wn_devmap_prop(p, "DEVTYPE"), *sectors = wn_devmap_prop(p, "WN_SECTORS");

    /* No medium (a detached loop device, an empty drive): nothing a program could open. */
    if (!sectors || !strtoull(sectors, NULL, 10) || !node_ready(p)) return 0;
    if (wn_devmap_is(type, "disk"))
        return make_id(out, "STORAGE", "DISK", wn_devmap_prop(p, "DEVNAME")) && add_iface(out, &guid_disk, NULL);
    if (wn_devmap_is(type, "partition"))
        return make_id(out, "STORAGE", "VOLUME", wn_devmap_prop(p, "DEVNAME")) && add_iface(out, &guid_volume, NULL);
    return 0;
}

static int map_tty(const struct wn_devmap_props *p, struct wn_devmap *out)
{
    const char *name = wn_devmap_prop(p, "DEVNAME");

    if (!prefixed(name, "ttyS") && !prefixed(name, "ttyUSB") && !prefixed(name, "ttyACM")) return 0;
    return node_ready(p) && make_id(out, "ROOT", "PORTS", name) && add_iface(out, &guid_comport, NULL);
}

static int map_hidraw(const struct wn_devmap_props *p, struct wn_devmap *out)
{
    const char *hid_id = wn_devmap_prop(p, "HID_ID"), *vendor, *product;
    char ids[32];

    /* HID_ID is bus:vendor:product, "0003:0000046D:0000C52B". */
    if (!hid_id || !(vendor = strchr(hid_id, ':')) || !(product = strchr(vendor + 1, ':'))) return 0;
    if (!vid_pid(ids, sizeof(ids), vendor + 1, product + 1) || !node_ready(p)) return 0;
    return make_id(out, "HID", ids, wn_devmap_prop(p, "DEVNAME")) && add_iface(out, &guid_hid, NULL);
}

static int map_usb(const struct wn_devmap_props *p, struct wn_devmap *out)
{
    char ids[32];

    if (!wn_devmap_is(wn_devmap_prop(p, "DEVTYPE"), "usb_device")
        || !product_ids(ids, sizeof(ids), wn_devmap_prop(p, "PRODUCT"), 0))
        return 0;
    return node_ready(p) && make_id(out, "USB", ids, basename_of(wn_devmap_prop(p, "DEVPATH"))) &&
           add_iface(out, &guid_usb_device, NULL);
}

static int map_input(const struct wn_devmap_props *p, struct wn_devmap *out)
{
    unsigned long long ev = bitmap_low(wn_devmap_prop(p, "EV")), rel = bitmap_low(wn_devmap_prop(p, "REL"));
    int keyboard = bit(ev, EV_KEY) && bit(ev, EV_REP), mouse = bit(ev, EV_REL) && bit(rel, REL_X) && bit(rel, REL_Y);
    char ids[32];

    /* The inputN device itself carries PRODUCT and the capabilities; its eventN/mouseN nodes do not. */
    if (wn_devmap_prop(p, "DEVNAME") || !product_ids(ids, sizeof(ids), wn_devmap_prop(p, "PRODUCT"), 1)) return 0;
    if (!keyboard && !mouse) return 0;
    if (!make_id(out, "INPUT", ids, basename_of(wn_devmap_prop(p, "DEVPATH")))) return 0;
    if (keyboard && !add_iface(out, &guid_keyboard, NULL)) return 0;
    return !mouse || add_iface(out, &guid_mouse, NULL);
}

static int map_swd(const struct wn_devmap_props *p, struct wn_devmap *out)
{
    const char *id = wn_devmap_prop(p, "WN_INSTANCE_ID"), *c;

    if (!id || strlen(id) >= sizeof(out->instance_id) || strncmp(id, "SWD\\", 4)) return 0;
    /* The helper relays what a process asked for: another process's record is not to be trusted either. */
    for (c = id; *c; c++)
        if (*c != '\\' && !name_char_ok((unsigned char)*c)) return 0;
    if (strstr(id, "\\..")) return 0;
    strcpy(out->instance_id, id);
    return 1;
}

static int map_swd_interface(const struct wn_devmap_props *p, struct wn_devmap *out)
{
    struct wn_devmap_guid guid;
    int ok;

    if (!map_swd(p, out) || wn_devmap_parse_guid(wn_devmap_prop(p, "WN_CLASS_GUID"), &guid)) return 0;
    ok = add_iface(out, &guid, wn_devmap_prop(p, "WN_REFSTRING"));
    /* The interface's record reports the interface only: its device reports the instance. */
    out->instance_id[0] = 0;
    return ok;
}

int wn_devmap_map(const char *props, size_t props_len, struct wn_devmap *out)
{
    static const struct
    {
        const char *subsystem;
        int (*map)(const struct wn_devmap_props *p, struct wn_devmap *out);
    } kinds[] =
    {
        { "net", map_net },
        { "block", map_block },
        { "tty", map_tty },
        { "hidraw", map_hidraw },
        { "usb", map_usb },
        { "input", map_input },
        { "winenotify_swd", map_swd },
        { "winenotify_swd_interface", map_swd_interface },
    };
    struct wn_devmap_props p = { props, props_len };
    const char *subsystem = wn_devmap_prop(&p, "SUBSYSTEM");
    size_t i;

    memset(out, 0, sizeof(*out));
    if (!subsystem) return 0;
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
    {
        if (strcmp(subsystem, kinds[i].subsystem)) continue;
        if (kinds[i].map(&p, out)) return 1;
        break;
    }
    memset(out, 0, sizeof(*out));
    return 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int wn_devmap_parse_guid(const char *text, struct wn_devmap_guid *guid)
{
    /* Where each of the 16 bytes' two digits start, in "{00112233-4455-6677-8899-aabbccddeeff}". */
    static const unsigned char pos[16] = { 1, 3, 5, 7, 10, 12, 15, 17, 20, 22, 25, 27, 29, 31, 33, 35 };
    unsigned char bytes[16];
    unsigned int i;

    if (!text || strlen(text) != 38 || text[0] != '{' || text[37] != '}' || text[9] != '-' || text[14] != '-' ||
        text[19] != '-' || text[24] != '-')
        return -1;
    for (i = 0; i < 16; i++)
    {
        int hi = hex_value(text[pos[i]]), lo = hex_value(text[pos[i] + 1]);

        if (hi < 0 || lo < 0) return -1;
        bytes[i] = (unsigned char)(hi << 4 | lo);
    }
    guid->data1 = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
    guid->data2 = (uint16_t)(bytes[4] << 8 | bytes[5]);
    guid->data3 = (uint16_t)(bytes[6] << 8 | bytes[7]);
    memcpy(guid->data4, bytes + 8, 8);
    return 0;
}

void wn_devmap_format_guid(const struct wn_devmap_guid *g, char *buf)
{
    snprintf(buf, 39, "{%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", (unsigned long)g->data1,
             g->data2, g->data3, g->data4[0], g->data4[1], g->data4[2], g->data4[3], g->data4[4], g->data4[5],
             g->data4[6], g->data4[7]);
}

int wn_devmap_link(const char *instance_id, const struct wn_devmap_guid *guid, const char *refstring, char *buf,
                   size_t cap)
{
    char text[39];
    unsigned int separators = 0;
    size_t n = 0;
    int len;

    if (cap < 5) return -1;
    memcpy(buf, "\\\\?\\", 4);
    n = 4;
    for (; *instance_id; instance_id++)
    {
        char c = *instance_id;

        if (n + 1 >= cap) return -1;
        if (c == '\\')
        {
            separators++;
            c = '#';
        }
        else c = separators < 2 ? upper(c) : lower(c);
        buf[n++] = c;
    }
    wn_devmap_format_guid(guid, text);
    len = snprintf(buf + n, cap - n, "#%s%s%s", text, refstring ? "\\" : "", refstring ? refstring : "");
    return len < 0 || (size_t)len >= cap - n ? -1 : 0;
}

const char *wn_devmap_devname(const char *unix_path)
{
    if (!unix_path || strncmp(unix_path, "/dev/", 5) || !unix_path[5]) return NULL;
    return unix_path + 5;
}
