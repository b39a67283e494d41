/* Kernel device events and the devices found under /sys at start (see uevent.h).
 *
 * The kernel's uevent group (1) rather than udev's (2): it needs no udevd, which containers lack, and the helper
 * must not depend on what the host runs.  The price is that udev's enrichment (ID_VENDOR, by-id links...) is
 * absent; what the DLLs need the kernel sends, and the few things it does not (a HID node's vendor and product,
 * a disk's size, whether the /dev node exists) are read here from /sys and /dev and added as properties. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <net/if.h>

#include "uevent.h"
#include "uevent_parse.h"

/* Room for a burst (a USB hub with its devices, a few hundred loop devices): each datagram costs ~1 KiB of
 * socket memory.  SO_RCVBUFFORCE works for root only; SO_RCVBUF is silently capped at net.core.rmem_max.  A
 * burst larger still ends in ENOBUFS and a resync, never in lost state. */
#define UEVENT_RCVBUF (8 << 20)

/* A kernel uevent is at most 2 KiB; a larger datagram would be flagged MSG_TRUNC and dropped. */
#define UEVENT_DATAGRAM_MAX 8192

int uevent_open(void)
{
    struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1 };
    int size = UEVENT_RCVBUF;
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);

    if (fd < 0) return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
    {
        close(fd);
        return -1;
    }
    return fd;
}

/* ---- what /sys and /dev say about a device ---------------------------------------------------------------- */

/* Where sysfs and /dev are: the real ones, or a fake tree in the tests. */
struct tree
{
    const char *sys;
    const char *dev;
};

static int join(char *buf, size_t cap, const char *a, const char *b, const char *c)
{
    int n = snprintf(buf, cap, "%s%s%s", a, b, c);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* Reads a small file whole; sysfs attributes are at most a page.  Returns its length or -1. */
static ssize_t read_file(const char *path, char *buf, size_t cap)
{
    size_t len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) return -1;
    while (len < cap)
    {
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
        {
            close(fd);
            return -1;
        }
        if (!n) break;
        len += (size_t)n;
    }
    close(fd);
    return (ssize_t)len;
}

/* One line of a sysfs attribute, without its newline. */
static int read_attr(const struct tree *t, const char *devpath, const char *attr, char *buf, size_t cap)
{
    char path[PATH_MAX];
    ssize_t n;

    if (join(path, sizeof(path), t->sys, devpath, attr) || (n = read_file(path, buf, cap - 1)) < 0) return -1;
    buf[n] = 0;
    buf[strcspn(buf, "\n")] = 0;
    return 0;
}

static int exists(const struct tree *t, const char *devpath, const char *leaf)
{
    char path[PATH_MAX];
    struct stat st;

    return !join(path, sizeof(path), t->sys, devpath, leaf) && !lstat(path, &st);
}

/* A ttyS exists for every port the 8250 driver reserves (often 4 or 32), with or without a UART behind it;
 * "type" 0 (PORT_UNKNOWN) means none.  Ports of USB adapters have no "type" but, like real UARTs, a device
 * link; console-like ttys have neither. */
static int tty_is_port(const struct tree *t, const char *devpath)
{
    char type[32];

    if (!exists(t, devpath, "/device")) return 0;
    return read_attr(t, devpath, "/type", type, sizeof(type)) || strcmp(type, "0");
}

/* A hidraw node's vendor, product and name belong to the hid device it hangs under
 * (.../0003:046D:C52B.0001/hidraw/hidraw0), whose subsystem we do not report. */
static void add_hid_parent(const struct tree *t, struct uevent *ev, const char *devpath)
{
    static const char *const keys[] = { "HID_ID", "HID_NAME", "HID_PHYS", "HID_UNIQ" };
    char parent[PATH_MAX], text[4096];
    struct uevent hid;
    char *slash;
    ssize_t len;
    size_t i;

    if (strlen(devpath) >= sizeof(parent)) return;
    strcpy(parent, devpath);
    for (i = 0; i < 2; i++)
    {
        if (!(slash = strrchr(parent, '/')) || slash == parent) return;
        *slash = 0;
    }
    if (join(text, sizeof(text), t->sys, parent, "/uevent") || (len = read_file(text, text, sizeof(text))) < 0 ||
        uevent_parse_sysfs(text, (size_t)len, parent, "hid", &hid))
        return;
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
    {
        const char *value = uevent_prop(&hid, keys[i]);
        if (value) uevent_add_prop(ev, keys[i], value);
    }
}

/* Properties the kernel event lacks, for an ADD or CHANGE.
 *
 * WN_DEVNODE_READY: the kernel sends "add" once the device exists, not once a program can open it.  With
 * devtmpfs on /dev the kernel makes the node before it sends the event (seen on 6.18: present at every add,
 * gone at every remove); with a plain /dev (containers: a tmpfs with a fixed set of nodes) or a udev that
 * creates nodes itself, the node comes later or never.  The helper has no timers to wait with, and waiting is a
 * policy for the DLL side, which knows what "usable" means for the class it reports: so the helper only says
 * whether /dev/DEVNAME exists now (1 or 0), and a later event or dump says it again.
 * WN_SECTORS: a block device's size in 512-byte sectors; 0 is a loop device with nothing attached or a drive
 * without a medium, which change events toggle.
 * WN_USB_PRODUCT, WN_USB_MANUFACTURER: a USB device's own strings (its descriptors, as sysfs has them), and
 * WN_MODEL, WN_VENDOR: a disk's, for the description Windows shows (dlls/cfgmgr32/devmodel.c).  They are the
 * device's words, not the kernel's: the DLL sanitises them before they name anything. */
static void annotate(const struct tree *t, struct uevent *ev)
{
    const char *devpath = uevent_prop(ev, "DEVPATH"), *subsystem = uevent_prop(ev, "SUBSYSTEM");
    const char *devname = uevent_prop(ev, "DEVNAME");
    char path[PATH_MAX], value[128];
    struct stat st;

    if (!strcmp(subsystem, "hidraw")) add_hid_parent(t, ev, devpath);
    if (!strcmp(subsystem, "block") && !read_attr(t, devpath, "/size", value, sizeof(value)))
        uevent_add_prop(ev, "WN_SECTORS", value);
    if (!strcmp(subsystem, "block") && uevent_prop(ev, "DEVTYPE") && !strcmp(uevent_prop(ev, "DEVTYPE"), "disk"))
    {
        if (!read_attr(t, devpath, "/device/model", value, sizeof(value))) uevent_add_prop(ev, "WN_MODEL", value);
        if (!read_attr(t, devpath, "/device/vendor", value, sizeof(value))) uevent_add_prop(ev, "WN_VENDOR", value);
    }
    if (!strcmp(subsystem, "usb") && uevent_prop(ev, "DEVTYPE") && !strcmp(uevent_prop(ev, "DEVTYPE"), "usb_device"))
    {
        if (!read_attr(t, devpath, "/product", value, sizeof(value))) uevent_add_prop(ev, "WN_USB_PRODUCT", value);
        if (!read_attr(t, devpath, "/manufacturer", value, sizeof(value)))
            uevent_add_prop(ev, "WN_USB_MANUFACTURER", value);
    }
    if (devname && !join(path, sizeof(path), t->dev, "/", devname))
        uevent_add_prop(ev, "WN_DEVNODE_READY", stat(path, &st) ? "0" : "1");
}

static int report(uevent_report_fn fn, void *ctx, const struct uevent *ev)
{
    struct wn_wire_device dev = { .seqnum = ev->seqnum, .ifindex = ev->ifindex,
                                  .props_len = (uint16_t)ev->props_len };

    return fn(ctx, ev->op, &dev, ev->props, ev->props_len);
}

/* One kernel event, filtered and completed. */
static int handle(const struct tree *t, struct uevent *ev, uevent_report_fn fn, void *ctx)
{
    const char *devpath = uevent_prop(ev, "DEVPATH"), *subsystem = uevent_prop(ev, "SUBSYSTEM");

    if (!uevent_wanted(ev)) return 0;
    /* Root can write "remove" into a uevent file of a device that stays: that removal would be invented. */
    if (ev->op == WN_WIRE_OP_DEL && uevent_prop(ev, "SYNTH_UUID") && exists(t, devpath, "")) return 0;
    if (ev->op != WN_WIRE_OP_DEL && !strcmp(subsystem, "tty") && !tty_is_port(t, devpath)) return 0;
    if (uevent_prop(ev, "DEVPATH_OLD") && ev->op == WN_WIRE_OP_ADD)
    {
        struct uevent old;

        if (!uevent_move_old(ev, &old) && report(fn, ctx, &old) < 0) return -1;
    }
    if (ev->op != WN_WIRE_OP_DEL) annotate(t, ev);
    return report(fn, ctx, ev);
}

struct sink
{
    struct output *out;
    struct links *links;
};

/* The device's dosdevices entries first: the record that announces it must find them made, and the one that
 * announces its removal must find them gone (links.h). */
static int report_output(void *ctx, uint16_t op, const struct wn_wire_device *dev, const char *props,
                         size_t props_len)
{
    static char joined[UEVENT_PROPS_MAX];
    struct sink *sink = ctx;
    struct wn_wire_device with = *dev;
    char extra[64];
    size_t n = links_device(sink->links, op, dev->seqnum, props, props_len, extra, sizeof(extra));

    /* A serial port's COM name (WN_PORT_NAME) joins the record's properties. */
    if (n && props_len + n <= sizeof(joined))
    {
        memcpy(joined, props, props_len);
        memcpy(joined + props_len, extra, n);
        with.props_len = (uint16_t)(props_len + n);
        return output_record(sink->out, WN_WIRE_DEVICE, op, &with, joined, props_len + n);
    }
    return output_record(sink->out, WN_WIRE_DEVICE, op, dev, props, props_len);
}

/* ---- live events -------------------------------------------------------------------------------------------- */

int uevent_read(int fd, struct output *out, struct links *links)
{
    struct sink sink = { out, links };
    static const struct tree host = { "/sys", "/dev" };
    static char buf[UEVENT_DATAGRAM_MAX];
    struct uevent ev;
    int lost = 0;

    for (;;)
    {
        struct sockaddr_nl from;
        struct iovec iov = { buf, sizeof(buf) };
        struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1 };
        ssize_t len = recvmsg(fd, &msg, 0);

        if (len < 0)
        {
            if (errno == EINTR) continue;
            /* Overflow: the rest of the queue is drained unreported, the caller's re-enumeration covers it. */
            if (errno == ENOBUFS)
            {
                lost = 1;
                continue;
            }
            /* Anything else is a broken socket: the helper exits and the DLL restarts it. */
            if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
            return lost;
        }
        if (lost) continue;
        /* Only the kernel sends with port 0; udevd and other programs multicast from their own port, and
         * libudev's messages (group 2, but anyone privileged may send to any group) start with "libudev". */
        if (msg.msg_namelen < sizeof(from) || from.nl_pid != 0 || (msg.msg_flags & MSG_TRUNC)) continue;
        if ((size_t)len >= 8 && !memcmp(buf, "libudev", 8)) continue;
        if (!uevent_parse(buf, (size_t)len, &ev) && handle(&host, &ev, report_output, &sink) < 0) return -1;
    }
}

/* ---- devices that exist -------------------------------------------------------------------------------------- */

/* Where the devices of the subsystems we map are listed; each entry links to the device's directory. */
static const char *const lists[] = { "/class/net", "/class/block", "/class/tty", "/class/hidraw",
                                     "/bus/usb/devices", "/class/input" };

struct paths
{
    char **v;
    size_t count, cap;
};

static int add_path(struct paths *p, const char *path)
{
    if (p->count == p->cap)
    {
        size_t cap = p->cap ? p->cap * 2 : 64;
        char **v = realloc(p->v, cap * sizeof(*v));
        if (!v) return -1;
        p->v = v;
        p->cap = cap;
    }
    if (!(p->v[p->count] = strdup(path))) return -1;
    p->count++;
    return 0;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects the DEVPATH (the device directory relative to sysfs) of every listed device. */
static void collect(const char *sysreal, const char *list, struct paths *p)
{
    char dir[PATH_MAX], link[PATH_MAX], real[PATH_MAX];
    size_t rootlen = strlen(sysreal);
    struct dirent *de;
    DIR *d;

    if (join(dir, sizeof(dir), sysreal, list, "") || !(d = opendir(dir))) return;
    while ((de = readdir(d)))
    {
        if (de->d_name[0] == '.' || join(link, sizeof(link), dir, "/", de->d_name) || !realpath(link, real))
            continue;
        if (strncmp(real, sysreal, rootlen) || strncmp(real + rootlen, "/devices/", 9)) continue;
        add_path(p, real + rootlen);
    }
    closedir(d);
}

/* The device's current properties as an "add", or -1 when it is not one we report. */
static int read_device(const struct tree *t, const char *devpath, struct uevent *ev)
{
    char path[PATH_MAX], target[PATH_MAX], text[4096];
    const char *subsystem, *name;
    ssize_t len;
    unsigned int ifindex;

    if (join(path, sizeof(path), t->sys, devpath, "/subsystem") ||
        (len = readlink(path, target, sizeof(target) - 1)) < 0)
        return -1;
    target[len] = 0;
    subsystem = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;

    if (join(path, sizeof(path), t->sys, devpath, "/uevent") || (len = read_file(path, text, sizeof(text))) < 0 ||
        uevent_parse_sysfs(text, (size_t)len, devpath, subsystem, ev) || !uevent_wanted(ev))
        return -1;
    if (!strcmp(subsystem, "tty") && !tty_is_port(t, devpath)) return -1;
    /* /sys shows the network devices of the namespace that mounted it, which is not ours when the helper runs
     * in a namespace whose /sys was not remounted (unshare -n): keep only the interfaces this namespace has. */
    if (!strcmp(subsystem, "net") && (!(name = uevent_prop(ev, "INTERFACE")) ||
                                      !(ifindex = if_nametoindex(name)) || ifindex != ev->ifindex))
        return -1;
    annotate(t, ev);
    return 0;
}

int uevent_enumerate_tree(const char *sys, const char *dev, uevent_report_fn fn, void *ctx)
{
    char sysreal[PATH_MAX];
    struct tree t = { sysreal, dev };
    struct paths p = { 0 };
    struct uevent ev;
    size_t i;
    int ret = 0;

    if (!realpath(sys, sysreal)) return 0;
    for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) collect(sysreal, lists[i], &p);
    /* Sorted, a parent comes before its children (a disk before its partitions, a USB device before its
     * hidraw node): a DLL that builds a tree never sees an orphan. */
    if (p.count) qsort(p.v, p.count, sizeof(*p.v), cmp_path);

    for (i = 0; i < p.count && !ret; i++)
    {
        if (i && !strcmp(p.v[i], p.v[i - 1])) continue;
        if (!read_device(&t, p.v[i], &ev) && report(fn, ctx, &ev) < 0) ret = -1;
    }
    for (i = 0; i < p.count; i++) free(p.v[i]);
    free(p.v);
    return ret;
}

int uevent_enumerate(struct output *out, struct links *links)
{
    struct sink sink = { out, links };

    return uevent_enumerate_tree("/sys", "/dev", report_output, &sink);
}
