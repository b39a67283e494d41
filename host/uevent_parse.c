/* Parsing of kernel uevents (see uevent_parse.h).
 *
 * The kernel builds a uevent as "ACTION@DEVPATH" followed by NUL-terminated "KEY=VALUE" strings, ACTION, DEVPATH
 * and SUBSYSTEM first and SEQNUM last (lib/kobject_uevent.c), in at most 2 KiB (UEVENT_BUFFER_SIZE).  Nothing here
 * trusts that: every string is checked, and the header must agree with the properties, since a record keyed by a
 * wrong DEVPATH would add or remove the wrong device on the DLL side. */
#include <string.h>

#include "uevent_parse.h"

/* The actions of the kernel's kobject_action table; a synthetic event (root writing to a `uevent` file) can
 * carry any of them, a "move" then without DEVPATH_OLD. */
static uint16_t action_op(const char *action)
{
    static const struct { const char *name; uint16_t op; } actions[] =
    {
        { "add", WN_WIRE_OP_ADD },
        { "remove", WN_WIRE_OP_DEL },
        { "change", WN_WIRE_OP_CHANGE },
        { "move", WN_WIRE_OP_ADD },
        { "online", WN_WIRE_OP_CHANGE },
        { "offline", WN_WIRE_OP_CHANGE },
        { "bind", WN_WIRE_OP_CHANGE },
        { "unbind", WN_WIRE_OP_CHANGE },
    };
    size_t i;

    for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
        if (!strcmp(action, actions[i].name)) return actions[i].op;
    return WN_WIRE_OP_NONE;
}

/* An absolute path without empty, "." or ".." components: uevent.c appends it to /sys. */
static int path_ok(const char *path)
{
    const char *p = path;

    if (*p != '/') return 0;
    while (*p == '/')
    {
        const char *next = strchr(p + 1, '/');
        size_t n = next ? (size_t)(next - p - 1) : strlen(p + 1);

        if (!n || (n == 1 && p[1] == '.') || (n == 2 && p[1] == '.' && p[2] == '.')) return 0;
        if (!next) break;
        p = next;
    }
    return 1;
}

/* Decimal, as the kernel prints it; anything else reads as 0.  SEQNUM is 64-bit: its low 32 bits are enough to
 * order events on the wire. */
static uint32_t parse_u32(const char *s)
{
    uint32_t v = 0;

    if (!s || !*s) return 0;
    for (; *s; s++)
    {
        if (*s < '0' || *s > '9') return 0;
        v = v * 10 + (uint32_t)(*s - '0');
    }
    return v;
}

static void reset(struct uevent *ev)
{
    ev->op = WN_WIRE_OP_NONE;
    ev->seqnum = 0;
    ev->ifindex = 0;
    ev->truncated = 0;
    ev->props_len = 0;
}

/* Appends n bytes as one string if the block stays within cap; a property that does not fit is left out whole
 * (wire.h: properties are cut to fit), which only a /sys file with huge capability bitmaps could cause. */
static int append(struct uevent *ev, size_t cap, const char *s, size_t n)
{
    if (ev->props_len + n + 1 > cap)
    {
        ev->truncated = 1;
        return -1;
    }
    memcpy(ev->props + ev->props_len, s, n);
    ev->props[ev->props_len + n] = 0;
    ev->props_len += n + 1;
    return 0;
}

static int append_kv(struct uevent *ev, size_t cap, const char *key, const char *value)
{
    size_t klen = strlen(key), vlen = strlen(value);

    if (ev->props_len + klen + 1 + vlen + 1 > cap)
    {
        ev->truncated = 1;
        return -1;
    }
    memcpy(ev->props + ev->props_len, key, klen);
    ev->props[ev->props_len + klen] = '=';
    memcpy(ev->props + ev->props_len + klen + 1, value, vlen + 1);
    ev->props_len += klen + 1 + vlen + 1;
    return 0;
}

const char *uevent_prop(const struct uevent *ev, const char *key)
{
    return wn_wire_prop(ev->props, ev->props_len, key);
}

int uevent_add_prop(struct uevent *ev, const char *key, const char *value)
{
    if (!*key || strchr(key, '=')) return -1;
    return append_kv(ev, UEVENT_PROPS_MAX, key, value);
}

int uevent_parse(const void *buf, size_t len, struct uevent *ev)
{
    const char *p = buf, *end = p + len, *hdr_end, *at, *s, *action, *devpath, *old;

    reset(ev);
    /* The last string's NUL ends the datagram: then every memchr below finds one. */
    if (!len || end[-1]) return -1;
    hdr_end = memchr(p, 0, len);
    at = memchr(p, '@', (size_t)(hdr_end - p));
    if (!at || at == p || at + 1 == hdr_end) return -1;

    for (s = hdr_end + 1; s < end; )
    {
        const char *nul = memchr(s, 0, (size_t)(end - s));
        const char *eq = memchr(s, '=', (size_t)(nul - s));

        if (nul == s || !eq || eq == s) return -1;
        append(ev, UEVENT_PROPS_MAX - UEVENT_PROPS_SPARE, s, (size_t)(nul - s));
        s = nul + 1;
    }

    action = uevent_prop(ev, "ACTION");
    devpath = uevent_prop(ev, "DEVPATH");
    if (!action || strlen(action) != (size_t)(at - p) || memcmp(action, p, (size_t)(at - p))) return -1;
    if (!devpath || strcmp(devpath, at + 1) || !path_ok(devpath)) return -1;
    if (!(ev->op = action_op(action))) return -1;
    if (!strcmp(action, "move"))
    {
        /* A real move names the old path; a synthetic one does not and moved nothing. */
        if (!(old = uevent_prop(ev, "DEVPATH_OLD"))) ev->op = WN_WIRE_OP_CHANGE;
        else if (!path_ok(old)) return -1;
    }
    ev->seqnum = parse_u32(uevent_prop(ev, "SEQNUM"));
    ev->ifindex = parse_u32(uevent_prop(ev, "IFINDEX"));
    return 0;
}

int uevent_parse_sysfs(const char *text, size_t len, const char *devpath, const char *subsystem,
                       struct uevent *ev)
{
    const size_t cap = UEVENT_PROPS_MAX - UEVENT_PROPS_SPARE;
    const char *s = text, *end = text + len;

    reset(ev);
    if (memchr(text, 0, len) || !path_ok(devpath) || !*subsystem || strchr(subsystem, '/')) return -1;
    if (append_kv(ev, cap, "ACTION", "add") || append_kv(ev, cap, "DEVPATH", devpath) ||
        append_kv(ev, cap, "SUBSYSTEM", subsystem))
        return -1;

    while (s < end)
    {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *line_end = nl ? nl : end, *eq = memchr(s, '=', (size_t)(line_end - s));
        size_t klen = eq ? (size_t)(eq - s) : 0;

        if (line_end != s)
        {
            if (!eq || !klen) return -1;
            /* Ours: the file never holds them, but a second DEVPATH would be a second key. */
            if (!((klen == 6 && !memcmp(s, "ACTION", 6)) || (klen == 7 && !memcmp(s, "DEVPATH", 7)) ||
                  (klen == 9 && !memcmp(s, "SUBSYSTEM", 9)) || (klen == 6 && !memcmp(s, "SEQNUM", 6))))
                append(ev, cap, s, (size_t)(line_end - s));
        }
        s = line_end + 1;
    }
    ev->op = WN_WIRE_OP_ADD;
    ev->ifindex = parse_u32(uevent_prop(ev, "IFINDEX"));
    return 0;
}

/* name is prefix followed by one or more digits. */
static int numbered(const char *name, const char *prefix)
{
    size_t n = strlen(prefix);

    if (strncmp(name, prefix, n) || !name[n]) return 0;
    for (name += n; *name; name++)
        if (*name < '0' || *name > '9') return 0;
    return 1;
}

int uevent_wanted(const struct uevent *ev)
{
    const char *subsystem = uevent_prop(ev, "SUBSYSTEM"), *devpath = uevent_prop(ev, "DEVPATH");
    const char *devtype = uevent_prop(ev, "DEVTYPE"), *name;

    if (!subsystem || !devpath) return 0;
    name = strrchr(devpath, '/') + 1;
    if (!strcmp(subsystem, "net") || !strcmp(subsystem, "hidraw")) return 1;
    if (!strcmp(subsystem, "block"))
        return devtype && (!strcmp(devtype, "disk") || !strcmp(devtype, "partition"));
    if (!strcmp(subsystem, "usb")) return devtype && !strcmp(devtype, "usb_device");
    /* Virtual consoles, pseudo-terminals and the like are ttys too, not ports. */
    if (!strcmp(subsystem, "tty"))
        return numbered(name, "ttyS") || numbered(name, "ttyUSB") || numbered(name, "ttyACM");
    /* inputN carries the capabilities (EV, KEY, REL...) that tell a keyboard from a mouse; its eventN and mouseN
     * children are the nodes.  The joystick and "mice" nodes map to nothing. */
    if (!strcmp(subsystem, "input"))
        return numbered(name, "input") || numbered(name, "event") || numbered(name, "mouse");
    return 0;
}

int uevent_move_old(const struct uevent *ev, struct uevent *old)
{
    static const char *const keep[] = { "ACTION", "SUBSYSTEM", "DEVTYPE", "IFINDEX", "SEQNUM" };
    const char *action = uevent_prop(ev, "ACTION"), *path = uevent_prop(ev, "DEVPATH_OLD");
    const char *p = ev->props, *end = ev->props + ev->props_len;
    int devpath_done = 0;

    if (!action || strcmp(action, "move") || !path) return -1;
    reset(old);
    while (p < end)
    {
        size_t n = strlen(p), i;

        /* The first DEVPATH is the key; a repeat says nothing, and copying the old path for each could crowd the
         * other keys out of the block. */
        if (!strncmp(p, "DEVPATH=", 8))
        {
            if (!devpath_done++) append_kv(old, UEVENT_PROPS_MAX, "DEVPATH", path);
        }
        else
            for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
            {
                size_t klen = strlen(keep[i]);
                if (n > klen && !memcmp(p, keep[i], klen) && p[klen] == '=')
                {
                    append(old, UEVENT_PROPS_MAX, p, n);
                    break;
                }
            }
        p += n + 1;
    }
    old->op = WN_WIRE_OP_DEL;
    old->seqnum = ev->seqnum;
    old->ifindex = ev->ifindex;
    return 0;
}
