/* Kernel uevents: the parser against datagrams captured from a real kernel, their truncated and malformed
 * variants, the subsystem filter, and the /sys enumeration over a fake tree.
 *
 * The fixtures were captured with tools/capture-uevent.c on Linux 6.18 (net devices inside a network namespace,
 * where their events are delivered; loop devices and their partitions, made with /dev/loop-control and addpart,
 * in the initial one; "-synth" ones by writing to a device's uevent file).  That machine had no USB, HID or input
 * devices: the tests of those build their properties by hand, in the form the kernel's drivers print them. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "uevent.h"
#include "uevent_parse.h"
#include "unit.h"

static struct uevent ev, old;

static size_t load(const char *name, char *buf, size_t cap)
{
    return unit_load_fixture(name, buf, cap);
}

/* A datagram from "\0"-separated text, as the kernel lays it out. */
static size_t build(char *buf, const char *text, size_t len)
{
    memcpy(buf, text, len);
    return len;
}
#define BUILD(buf, lit) build(buf, lit, sizeof(lit) - 1)

static const char *prop(const char *key)
{
    return uevent_prop(&ev, key);
}

static void test_tun_add(void)
{
    char buf[4096];
    size_t len = load("uevent-net-tun-add.bin", buf, sizeof(buf)), hdr = strlen(buf) + 1;

    CU_ASSERT_EQUAL_FATAL(uevent_parse(buf, len, &ev), 0);
    CU_ASSERT_EQUAL(ev.op, WN_WIRE_OP_ADD);
    CU_ASSERT_EQUAL(ev.seqnum, 1586);
    CU_ASSERT_EQUAL(ev.ifindex, 8);
    CU_ASSERT_FALSE(ev.truncated);
    /* The block is the datagram without its header, byte for byte. */
    CU_ASSERT_EQUAL_FATAL(ev.props_len, len - hdr);
    CU_ASSERT_EQUAL(memcmp(ev.props, buf + hdr, len - hdr), 0);
    CU_ASSERT_STRING_EQUAL(prop("DEVPATH"), "/devices/virtual/net/wntun0");
    CU_ASSERT_STRING_EQUAL(prop("SUBSYSTEM"), "net");
    CU_ASSERT_STRING_EQUAL(prop("INTERFACE"), "wntun0");
    CU_ASSERT_PTR_NULL(prop("DEVTYPE"));
    CU_ASSERT_PTR_NULL(prop("DEVNAME"));
    CU_ASSERT_TRUE(uevent_wanted(&ev));
}

/* Every capture: what it maps to and whether we report it. */
static void test_captured(void)
{
    static const struct
    {
        const char *file;
        uint16_t op;
        uint32_t seqnum, ifindex;
        int wanted;
        const char *subsystem;
    } cases[] =
    {
        { "uevent-net-tun-add.bin", WN_WIRE_OP_ADD, 1586, 8, 1, "net" },
        { "uevent-net-queue-add.bin", WN_WIRE_OP_ADD, 1587, 0, 0, "queues" },
        { "uevent-net-tun-move.bin", WN_WIRE_OP_ADD, 1589, 8, 1, "net" },
        { "uevent-net-tun-remove.bin", WN_WIRE_OP_DEL, 1592, 8, 1, "net" },
        { "uevent-net-veth-add.bin", WN_WIRE_OP_ADD, 1598, 10, 1, "net" },
        { "uevent-net-veth-remove.bin", WN_WIRE_OP_DEL, 1611, 10, 1, "net" },
        { "uevent-net-ifb-change-synth.bin", WN_WIRE_OP_CHANGE, 1618, 11, 1, "net" },
        { "uevent-net-bridge-add.bin", WN_WIRE_OP_ADD, 1622, 12, 1, "net" },
        { "uevent-bdi-add.bin", WN_WIRE_OP_ADD, 1706, 0, 0, "bdi" },
        { "uevent-block-loop-add.bin", WN_WIRE_OP_ADD, 1707, 0, 1, "block" },
        { "uevent-block-loop-change.bin", WN_WIRE_OP_CHANGE, 1708, 0, 1, "block" },
        { "uevent-block-part-add.bin", WN_WIRE_OP_ADD, 1709, 0, 1, "block" },
        { "uevent-block-part-remove.bin", WN_WIRE_OP_DEL, 1711, 0, 1, "block" },
        { "uevent-block-loop-media-change.bin", WN_WIRE_OP_CHANGE, 1714, 0, 1, "block" },
        { "uevent-block-loop-remove.bin", WN_WIRE_OP_DEL, 1716, 0, 1, "block" },
        { "uevent-tty-ttyS0-add-synth.bin", WN_WIRE_OP_ADD, 1754, 0, 1, "tty" },
        { "uevent-tty-ttyS0-change-synth-args.bin", WN_WIRE_OP_CHANGE, 1755, 0, 1, "tty" },
        { "uevent-block-bind-synth.bin", WN_WIRE_OP_CHANGE, 1756, 0, 1, "block" },
        { "uevent-block-online-synth.bin", WN_WIRE_OP_CHANGE, 1757, 0, 1, "block" },
        { "uevent-block-move-synth.bin", WN_WIRE_OP_CHANGE, 1758, 0, 1, "block" },
        { "uevent-tty-tty5-add-synth.bin", WN_WIRE_OP_ADD, 1759, 0, 0, "tty" },
    };
    char buf[4096];
    uint8_t wire[WN_WIRE_MAX_RECORD];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        size_t len = load(cases[i].file, buf, sizeof(buf));
        struct wn_wire_device dev;
        struct wn_wire_record rec;
        size_t n;

        if (uevent_parse(buf, len, &ev))
        {
            CU_FAIL(cases[i].file);
            continue;
        }
        CU_ASSERT_EQUAL(ev.op, cases[i].op);
        CU_ASSERT_EQUAL(ev.seqnum, cases[i].seqnum);
        CU_ASSERT_EQUAL(ev.ifindex, cases[i].ifindex);
        CU_ASSERT_EQUAL(uevent_wanted(&ev), cases[i].wanted);
        CU_ASSERT_STRING_EQUAL(prop("SUBSYSTEM"), cases[i].subsystem);

        /* Ready for the wire as it is. */
        memset(&dev, 0, sizeof(dev));
        dev.seqnum = ev.seqnum;
        dev.ifindex = ev.ifindex;
        n = wn_wire_encode(wire, sizeof(wire), WN_WIRE_DEVICE, ev.op, &dev, ev.props, ev.props_len);
        CU_ASSERT_FATAL(n > 0);
        CU_ASSERT_EQUAL(wn_wire_decode(wire, n, &rec), (long)n);
        CU_ASSERT_STRING_EQUAL(wn_wire_prop(rec.props, rec.u.device.props_len, "DEVPATH"), prop("DEVPATH"));
    }
}

static void test_block_devices(void)
{
    char buf[4096];

    CU_ASSERT_EQUAL_FATAL(uevent_parse(buf, load("uevent-block-loop-add.bin", buf, sizeof(buf)), &ev), 0);
    CU_ASSERT_STRING_EQUAL(prop("DEVPATH"), "/devices/virtual/block/loop8");
    CU_ASSERT_STRING_EQUAL(prop("DEVTYPE"), "disk");
    CU_ASSERT_STRING_EQUAL(prop("DEVNAME"), "loop8");

    CU_ASSERT_EQUAL_FATAL(uevent_parse(buf, load("uevent-block-part-add.bin", buf, sizeof(buf)), &ev), 0);
    CU_ASSERT_STRING_EQUAL(prop("DEVPATH"), "/devices/virtual/block/loop8/loop8p1");
    CU_ASSERT_STRING_EQUAL(prop("DEVTYPE"), "partition");
    CU_ASSERT_STRING_EQUAL(prop("DEVNAME"), "loop8p1");
    CU_ASSERT_STRING_EQUAL(prop("PARTN"), "1");

    /* Detaching a loop file: a change that says the medium went away. */
    CU_ASSERT_EQUAL_FATAL(uevent_parse(buf, load("uevent-block-loop-media-change.bin", buf, sizeof(buf)), &ev), 0);
    CU_ASSERT_STRING_EQUAL(prop("DISK_MEDIA_CHANGE"), "1");
}

static void test_move_is_delete_then_add(void)
{
    char buf[4096];

    CU_ASSERT_EQUAL_FATAL(uevent_parse(buf, load("uevent-net-tun-move.bin", buf, sizeof(buf)), &ev), 0);
    CU_ASSERT_EQUAL(ev.op, WN_WIRE_OP_ADD);
    CU_ASSERT_STRING_EQUAL(prop("DEVPATH"), "/devices/virtual/net/wntunx");
    CU_ASSERT_STRING_EQUAL(prop("DEVPATH_OLD"), "/devices/virtual/net/wntun0");

    CU_ASSERT_EQUAL_FATAL(uevent_move_old(&ev, &old), 0);
    CU_ASSERT_EQUAL(old.op, WN_WIRE_OP_DEL);
    CU_ASSERT_EQUAL(old.seqnum, 1589);
    CU_ASSERT_EQUAL(old.ifindex, 8);
    CU_ASSERT_STRING_EQUAL(uevent_prop(&old, "DEVPATH"), "/devices/virtual/net/wntun0");
    CU_ASSERT_STRING_EQUAL(uevent_prop(&old, "SUBSYSTEM"), "net");
    CU_ASSERT_STRING_EQUAL(uevent_prop(&old, "IFINDEX"), "8");
    CU_ASSERT_STRING_EQUAL(uevent_prop(&old, "ACTION"), "move");
    /* The new name belongs to the new path only. */
    CU_ASSERT_PTR_NULL(uevent_prop(&old, "INTERFACE"));
    CU_ASSERT_PTR_NULL(uevent_prop(&old, "DEVPATH_OLD"));
    CU_ASSERT_TRUE(uevent_wanted(&old));

    /* Written to a uevent file by root, "move" names no old path: nothing moved. */
    CU_ASSERT_EQUAL_FATAL(uevent_parse(buf, load("uevent-block-move-synth.bin", buf, sizeof(buf)), &ev), 0);
    CU_ASSERT_EQUAL(ev.op, WN_WIRE_OP_CHANGE);
    CU_ASSERT_EQUAL(uevent_move_old(&ev, &old), -1);
    CU_ASSERT_EQUAL_FATAL(uevent_parse(buf, load("uevent-net-tun-add.bin", buf, sizeof(buf)), &ev), 0);
    CU_ASSERT_EQUAL(uevent_move_old(&ev, &old), -1);
}

/* The old path of a move replaces DEVPATH once: a datagram that repeats DEVPATH (the first one is the key) must
 * not turn each repeat into a copy of a long old path and crowd ACTION and SUBSYSTEM out of the removal (found
 * by fuzz/fuzz_uevent_parse.c). */
static void test_move_repeated_devpath(void)
{
    char buf[4096], old_path[601];
    size_t len = 0;
    int i;

#define ADD(s) (memcpy(buf + len, s, strlen(s) + 1), len += strlen(s) + 1)
    ADD("move@/devices/new");
    ADD("DEVPATH=/devices/new");
    for (i = 0; i < 10; i++) ADD("DEVPATH=/d");
    memset(old_path, 'o', sizeof(old_path) - 1);
    old_path[0] = '/';
    old_path[sizeof(old_path) - 1] = 0;
    memcpy(buf + len, "DEVPATH_OLD=", 12);
    len += 12;
    ADD(old_path);
    ADD("ACTION=move");
    ADD("SUBSYSTEM=net");
    ADD("SEQNUM=7");
#undef ADD

    CU_ASSERT_EQUAL_FATAL(uevent_parse(buf, len, &ev), 0);
    CU_ASSERT_FALSE(ev.truncated);
    CU_ASSERT_EQUAL_FATAL(uevent_move_old(&ev, &old), 0);
    CU_ASSERT_FALSE(old.truncated);
    CU_ASSERT_STRING_EQUAL(uevent_prop(&old, "DEVPATH"), old_path);
    CU_ASSERT_PTR_NOT_NULL(uevent_prop(&old, "ACTION"));
    CU_ASSERT_PTR_NOT_NULL(uevent_prop(&old, "SUBSYSTEM"));
    CU_ASSERT_EQUAL(old.props_len, sizeof("DEVPATH=") + strlen(old_path) + sizeof("ACTION=move")
                                   + sizeof("SUBSYSTEM=net") + sizeof("SEQNUM=7"));
}

/* A datagram cut anywhere is rejected, except at a string boundary after DEVPATH (the kernel never cuts, but
 * such a prefix is well formed). */
static void test_truncated(void)
{
    static const char *const files[] = { "uevent-net-tun-move.bin", "uevent-block-part-add.bin",
                                          "uevent-tty-ttyS0-change-synth-args.bin" };
    char buf[4096];
    size_t f, cut;

    for (f = 0; f < sizeof(files) / sizeof(files[0]); f++)
    {
        size_t len = load(files[f], buf, sizeof(buf));
        const char *devpath = memmem(buf, len, "\0DEVPATH=", 9);
        size_t complete;

        CU_ASSERT_PTR_NOT_NULL_FATAL(devpath);
        complete = (size_t)(devpath + 1 - buf) + strlen(devpath + 1) + 1;
        for (cut = 0; cut < len; cut++)
        {
            int expect = cut >= complete && !buf[cut - 1] ? 0 : -1;
            if (uevent_parse(buf, cut, &ev) != expect)
            {
                fprintf(stderr, "%s cut at %zu: expected %d\n", files[f], cut, expect);
                CU_FAIL("truncated datagram");
            }
        }
    }
}

static void test_malformed(void)
{
    char buf[8192];
    size_t len;

    /* The good one these variants spoil. */
    len = BUILD(buf, "add@/devices/virtual/net/t0\0ACTION=add\0DEVPATH=/devices/virtual/net/t0\0SUBSYSTEM=net\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), 0);

    CU_ASSERT_EQUAL(uevent_parse(buf, 0, &ev), -1);
    len = BUILD(buf, "add/devices/virtual/net/t0\0ACTION=add\0DEVPATH=/devices/virtual/net/t0\0SUBSYSTEM=net\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    len = BUILD(buf, "@/devices/virtual/net/t0\0ACTION=add\0DEVPATH=/devices/virtual/net/t0\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    len = BUILD(buf, "add@\0ACTION=add\0DEVPATH=/devices/virtual/net/t0\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    /* What udevd multicasts: a binary header after "libudev". */
    len = BUILD(buf, "libudev\0\xfe\xed\xca\xfe(\0\0\0ACTION=add\0DEVPATH=/devices/virtual/net/t0\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    /* Unterminated last string. */
    len = BUILD(buf, "add@/devices/virtual/net/t0\0ACTION=add\0DEVPATH=/devices/virtual/net/t0\0SUBSYSTEM=net");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    len = BUILD(buf, "add@/devices/virtual/net/t0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    /* Missing ACTION or DEVPATH. */
    len = BUILD(buf, "add@/devices/virtual/net/t0\0DEVPATH=/devices/virtual/net/t0\0SUBSYSTEM=net\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    len = BUILD(buf, "add@/devices/virtual/net/t0\0ACTION=add\0SUBSYSTEM=net\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    /* Header and properties disagree. */
    len = BUILD(buf, "remove@/devices/virtual/net/t0\0ACTION=add\0DEVPATH=/devices/virtual/net/t0\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    len = BUILD(buf, "add@/devices/virtual/net/t0\0ACTION=addx\0DEVPATH=/devices/virtual/net/t0\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    len = BUILD(buf, "add@/devices/virtual/net/t1\0ACTION=add\0DEVPATH=/devices/virtual/net/t0\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    len = BUILD(buf, "add@/devices/virtual/net/t0\0ACTION=add\0DEVPATH=/devices/virtual/net/t0/\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    /* Strings that are not KEY=VALUE, or empty. */
    len = BUILD(buf, "add@/devices/virtual/net/t0\0ACTION=add\0DEVPATH=/devices/virtual/net/t0\0NOEQUALS\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    len = BUILD(buf, "add@/devices/virtual/net/t0\0ACTION=add\0=x\0DEVPATH=/devices/virtual/net/t0\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    len = BUILD(buf, "add@/devices/virtual/net/t0\0ACTION=add\0\0DEVPATH=/devices/virtual/net/t0\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    /* An action the kernel does not have. */
    len = BUILD(buf, "frob@/devices/virtual/net/t0\0ACTION=frob\0DEVPATH=/devices/virtual/net/t0\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    /* Paths that would leave /sys when appended to it. */
    len = BUILD(buf, "add@devices/x\0ACTION=add\0DEVPATH=devices/x\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    len = BUILD(buf, "add@/devices/../../etc\0ACTION=add\0DEVPATH=/devices/../../etc\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    len = BUILD(buf, "add@/devices//x\0ACTION=add\0DEVPATH=/devices//x\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    len = BUILD(buf, "add@/devices/./x\0ACTION=add\0DEVPATH=/devices/./x\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    len = BUILD(buf, "move@/devices/x\0ACTION=move\0DEVPATH=/devices/x\0DEVPATH_OLD=/devices/..\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), -1);
    len = BUILD(buf, "move@/devices/x\0ACTION=move\0DEVPATH=/devices/x\0DEVPATH_OLD=/devices/y\0");
    CU_ASSERT_EQUAL(uevent_parse(buf, len, &ev), 0);

    /* Numbers that are not numbers read as 0. */
    len = BUILD(buf, "add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0SEQNUM=12a\0IFINDEX=-3\0");
    CU_ASSERT_EQUAL_FATAL(uevent_parse(buf, len, &ev), 0);
    CU_ASSERT_EQUAL(ev.seqnum, 0);
    CU_ASSERT_EQUAL(ev.ifindex, 0);
    /* SEQNUM is 64-bit in the kernel: its low 32 bits. */
    len = BUILD(buf, "add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0SEQNUM=4294967298\0");
    CU_ASSERT_EQUAL_FATAL(uevent_parse(buf, len, &ev), 0);
    CU_ASSERT_EQUAL(ev.seqnum, 2);
}

/* A block that would not fit a record loses whole properties, never the keys, and always fits the wire with
 * the helper's own additions. */
static void test_bounded(void)
{
    static char buf[16384];
    uint8_t wire[WN_WIRE_MAX_RECORD];
    struct wn_wire_device dev = { 0 };
    size_t len = BUILD(buf, "add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0SUBSYSTEM=input\0BIG=");
    size_t i;

    memset(buf + len, 'f', 5000);
    len += 5000;
    buf[len++] = 0;
    len += build(buf + len, "SEQNUM=7\0", 9);
    CU_ASSERT_EQUAL_FATAL(uevent_parse(buf, len, &ev), 0);
    CU_ASSERT_TRUE(ev.truncated);
    CU_ASSERT_PTR_NULL(prop("BIG"));
    CU_ASSERT_STRING_EQUAL(prop("DEVPATH"), "/devices/x");
    CU_ASSERT_EQUAL(ev.seqnum, 7);
    CU_ASSERT_STRING_EQUAL(prop("SEQNUM"), "7");

    /* Filled to the parsers' limit with many small properties. */
    len = BUILD(buf, "add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0");
    for (i = 0; i < 600; i++) len += (size_t)sprintf(buf + len, "K%zu=v", i) + 1;
    CU_ASSERT_EQUAL_FATAL(uevent_parse(buf, len, &ev), 0);
    CU_ASSERT_TRUE(ev.truncated);
    CU_ASSERT(ev.props_len <= UEVENT_PROPS_MAX - UEVENT_PROPS_SPARE);
    CU_ASSERT(ev.props_len > UEVENT_PROPS_MAX - UEVENT_PROPS_SPARE - 16);
    CU_ASSERT_EQUAL(ev.props[ev.props_len - 1], 0);

    /* The spare room takes the helper's properties; past the record's limit, nothing is added. */
    CU_ASSERT_EQUAL(uevent_add_prop(&ev, "WN_DEVNODE_READY", "1"), 0);
    CU_ASSERT_STRING_EQUAL(prop("WN_DEVNODE_READY"), "1");
    while (!uevent_add_prop(&ev, "WN_FILL", "0123456789")) {}
    CU_ASSERT(ev.props_len <= UEVENT_PROPS_MAX);
    CU_ASSERT(wn_wire_encode(wire, sizeof(wire), WN_WIRE_DEVICE, ev.op, &dev, ev.props, ev.props_len) ==
              WN_WIRE_MAX_RECORD - (UEVENT_PROPS_MAX - ev.props_len));
    CU_ASSERT_EQUAL(uevent_add_prop(&ev, "", "x"), -1);
    CU_ASSERT_EQUAL(uevent_add_prop(&ev, "A=B", "x"), -1);
}

static void test_sysfs_file(void)
{
    char buf[4096];
    size_t len = load("uevent-sysfs-vda.bin", buf, sizeof(buf));
    static const char expect[] = "ACTION=add\0DEVPATH=/devices/pci0000:00/0000:00:02.0/virtio1/block/vda\0"
                                 "SUBSYSTEM=block\0MAJOR=254\0MINOR=0\0DEVNAME=vda\0DEVTYPE=disk\0DISKSEQ=9\0";

    CU_ASSERT_EQUAL_FATAL(uevent_parse_sysfs(buf, len, "/devices/pci0000:00/0000:00:02.0/virtio1/block/vda",
                                             "block", &ev), 0);
    CU_ASSERT_EQUAL(ev.op, WN_WIRE_OP_ADD);
    CU_ASSERT_EQUAL(ev.seqnum, 0);
    CU_ASSERT_EQUAL_FATAL(ev.props_len, sizeof(expect) - 1);
    CU_ASSERT_EQUAL(memcmp(ev.props, expect, sizeof(expect) - 1), 0);
    CU_ASSERT_TRUE(uevent_wanted(&ev));

    len = load("uevent-sysfs-eth0.bin", buf, sizeof(buf));
    CU_ASSERT_EQUAL_FATAL(uevent_parse_sysfs(buf, len, "/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0", "net",
                                             &ev), 0);
    CU_ASSERT_EQUAL(ev.ifindex, 4);
    CU_ASSERT_STRING_EQUAL(prop("INTERFACE"), "eth0");

    len = load("uevent-sysfs-ttyS0.bin", buf, sizeof(buf));
    CU_ASSERT_EQUAL_FATAL(uevent_parse_sysfs(buf, len, "/devices/pnp0/00:00/00:00:0/00:00:0.0/tty/ttyS0", "tty",
                                             &ev), 0);
    CU_ASSERT_STRING_EQUAL(prop("DEVNAME"), "ttyS0");
    CU_ASSERT_TRUE(uevent_wanted(&ev));

    /* Empty files (most devices without a node), a last line without newline, blank lines. */
    CU_ASSERT_EQUAL(uevent_parse_sysfs("", 0, "/devices/x", "usb", &ev), 0);
    CU_ASSERT_EQUAL(ev.props_len, strlen("ACTION=add") + strlen("DEVPATH=/devices/x") + strlen("SUBSYSTEM=usb") + 3);
    CU_ASSERT_EQUAL(uevent_parse_sysfs("A=1\n\nB=2", 8, "/devices/x", "usb", &ev), 0);
    CU_ASSERT_STRING_EQUAL(prop("A"), "1");
    CU_ASSERT_STRING_EQUAL(prop("B"), "2");
    /* The keys are ours, whatever the file says. */
    CU_ASSERT_EQUAL(uevent_parse_sysfs("DEVPATH=/y\nSEQNUM=9\nX=\n", 23, "/devices/x", "usb", &ev), 0);
    CU_ASSERT_STRING_EQUAL(prop("DEVPATH"), "/devices/x");
    CU_ASSERT_PTR_NULL(prop("SEQNUM"));
    CU_ASSERT_STRING_EQUAL(prop("X"), "");

    CU_ASSERT_EQUAL(uevent_parse_sysfs("A=1\nnoequals\n", 13, "/devices/x", "usb", &ev), -1);
    CU_ASSERT_EQUAL(uevent_parse_sysfs("=1\n", 3, "/devices/x", "usb", &ev), -1);
    CU_ASSERT_EQUAL(uevent_parse_sysfs("A=1\0\n", 5, "/devices/x", "usb", &ev), -1);
    CU_ASSERT_EQUAL(uevent_parse_sysfs("", 0, "devices/x", "usb", &ev), -1);
    CU_ASSERT_EQUAL(uevent_parse_sysfs("", 0, "/devices/../x", "usb", &ev), -1);
    CU_ASSERT_EQUAL(uevent_parse_sysfs("", 0, "/devices/x", "", &ev), -1);
}

static int wanted(const char *devpath, const char *subsystem, const char *extra)
{
    char text[256];

    snprintf(text, sizeof(text), "%s", extra);
    if (uevent_parse_sysfs(text, strlen(text), devpath, subsystem, &ev)) return -1;
    return uevent_wanted(&ev);
}

/* The classes issue 5 maps, in the shapes their drivers give them. */
static void test_wanted(void)
{
    CU_ASSERT_EQUAL(wanted("/devices/virtual/net/lo", "net", "INTERFACE=lo\nIFINDEX=1\n"), 1);
    CU_ASSERT_EQUAL(wanted("/devices/virtual/net/lo/queues/rx-0", "queues", ""), 0);
    CU_ASSERT_EQUAL(wanted("/devices/virtual/block/loop0", "block", "DEVNAME=loop0\nDEVTYPE=disk\n"), 1);
    CU_ASSERT_EQUAL(wanted("/devices/virtual/block/loop0/loop0p1", "block", "DEVTYPE=partition\n"), 1);
    CU_ASSERT_EQUAL(wanted("/devices/virtual/block/loop0", "block", ""), 0);
    CU_ASSERT_EQUAL(wanted("/devices/virtual/bdi/7:0", "bdi", ""), 0);

    CU_ASSERT_EQUAL(wanted("/devices/pnp0/00:00/00:00:0/00:00:0.0/tty/ttyS0", "tty", "DEVNAME=ttyS0\n"), 1);
    CU_ASSERT_EQUAL(wanted("/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/ttyUSB0/tty/ttyUSB0", "tty", ""), 1);
    CU_ASSERT_EQUAL(wanted("/devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0/tty/ttyACM12", "tty", ""), 1);
    CU_ASSERT_EQUAL(wanted("/devices/virtual/tty/tty5", "tty", ""), 0);
    CU_ASSERT_EQUAL(wanted("/devices/virtual/tty/ttyS", "tty", ""), 0);
    CU_ASSERT_EQUAL(wanted("/devices/virtual/tty/ttySx1", "tty", ""), 0);
    CU_ASSERT_EQUAL(wanted("/devices/virtual/tty/console", "tty", ""), 0);

    CU_ASSERT_EQUAL(wanted("/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/0003:046D:C52B.0001/hidraw/hidraw0",
                           "hidraw", "MAJOR=240\nMINOR=0\nDEVNAME=hidraw0\n"), 1);
    CU_ASSERT_EQUAL(wanted("/devices/pci0000:00/0000:00:14.0/usb1/1-2", "usb",
                           "DEVNAME=bus/usb/001/002\nDEVTYPE=usb_device\nPRODUCT=46d/c52b/1211\nTYPE=0/0/0\n"
                           "BUSNUM=001\nDEVNUM=002\n"), 1);
    CU_ASSERT_EQUAL(wanted("/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0", "usb",
                           "DEVTYPE=usb_interface\nPRODUCT=46d/c52b/1211\nINTERFACE=3/1/1\n"), 0);

    CU_ASSERT_EQUAL(wanted("/devices/platform/i8042/serio0/input/input3", "input",
                           "PRODUCT=11/1/1/ab41\nNAME=\"AT Translated Set 2 keyboard\"\nEV=120013\n"), 1);
    CU_ASSERT_EQUAL(wanted("/devices/platform/i8042/serio0/input/input3/event3", "input", "DEVNAME=input/event3\n"),
                    1);
    CU_ASSERT_EQUAL(wanted("/devices/platform/i8042/serio1/input/input5/mouse0", "input", "DEVNAME=input/mouse0\n"),
                    1);
    CU_ASSERT_EQUAL(wanted("/devices/platform/i8042/serio1/input/input5/js0", "input", "DEVNAME=input/js0\n"), 0);
    CU_ASSERT_EQUAL(wanted("/devices/virtual/input/mice", "input", "DEVNAME=input/mice\n"), 0);

    CU_ASSERT_EQUAL(wanted("/devices/virtual/misc/tun", "misc", "DEVNAME=net/tun\n"), 0);
}

/* ---- the enumeration, over a fake /sys and /dev ------------------------------------------------------------ */

static char root[64];

static void put(const char *rel, const char *text)
{
    char path[512], *slash;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/'))
    {
        *slash = 0;
        mkdir(path, 0755);
        *slash = '/';
    }
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static void link_to(const char *rel, const char *target)
{
    char path[512];

    put(rel, "");
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    unlink(path);
    CU_ASSERT_EQUAL(symlink(target, path), 0);
}

/* A device directory with its uevent file, its subsystem link and its entry in the subsystem's list. */
static void device(const char *devpath, const char *subsystem_dir, const char *list_dir, const char *uevent)
{
    char rel[512], target[512], up[256] = "";
    const char *p, *name = strrchr(devpath, '/') + 1;

    for (p = devpath; *p; p++)
        if (*p == '/') strcat(up, "../");
    snprintf(rel, sizeof(rel), "sys%s/uevent", devpath);
    put(rel, uevent);
    snprintf(rel, sizeof(rel), "sys%s/subsystem", devpath);
    snprintf(target, sizeof(target), "%s%s", up, subsystem_dir);
    link_to(rel, target);
    snprintf(rel, sizeof(rel), "sys/%s/%s", list_dir, name);
    snprintf(target, sizeof(target), "../../..%s", devpath);
    if (!strncmp(list_dir, "class/", 6)) memmove(target, target + 3, strlen(target + 3) + 1);
    link_to(rel, target);
}

struct seen
{
    int count, stop_after;
    char devpaths[32][160];
    struct uevent ev[32];
};

static int collect(void *ctx, uint16_t op, const struct wn_wire_device *dev, const char *props, size_t props_len)
{
    struct seen *s = ctx;
    uint8_t wire[WN_WIRE_MAX_RECORD];
    struct wn_wire_record rec;
    size_t n = wn_wire_encode(wire, sizeof(wire), WN_WIRE_DEVICE, op, dev, props, props_len);

    CU_ASSERT_EQUAL(op, WN_WIRE_OP_ADD);
    CU_ASSERT_EQUAL(dev->seqnum, 0);
    CU_ASSERT_FATAL(n > 0 && wn_wire_decode(wire, n, &rec) == (long)n);
    if (s->count == s->stop_after) return -1;
    if (s->count < 32)
    {
        struct uevent *e = &s->ev[s->count];
        memcpy(e->props, props, props_len);
        e->props_len = props_len;
        e->ifindex = dev->ifindex;
        snprintf(s->devpaths[s->count], sizeof(s->devpaths[0]), "%s", wn_wire_prop(props, props_len, "DEVPATH"));
    }
    s->count++;
    return 0;
}

static const struct uevent *find(const struct seen *s, const char *devpath)
{
    int i;

    for (i = 0; i < s->count && i < 32; i++)
        if (!strcmp(s->devpaths[i], devpath)) return &s->ev[i];
    return NULL;
}

static void test_enumerate_tree(void)
{
    static struct seen s;
    char sys[128], dev[128];
    const struct uevent *e;
    int i;

    strcpy(root, "/tmp/wn-uevent-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(root));
    snprintf(sys, sizeof(sys), "%s/sys", root);
    snprintf(dev, sizeof(dev), "%s/dev", root);

    /* lo exists in every network namespace, with index 1: the one interface the namespace check lets through. */
    device("/devices/virtual/net/lo", "class/net", "class/net", "INTERFACE=lo\nIFINDEX=1\n");
    device("/devices/virtual/net/wnnothere0", "class/net", "class/net", "INTERFACE=wnnothere0\nIFINDEX=77\n");
    device("/devices/virtual/net/lo/queues/rx-0", "class/queues", "class/queues", "");
    device("/devices/virtual/block/loop0", "class/block", "class/block",
           "MAJOR=7\nMINOR=0\nDEVNAME=loop0\nDEVTYPE=disk\nDISKSEQ=3\n");
    put("sys/devices/virtual/block/loop0/size", "20480\n");
    device("/devices/virtual/block/loop0/loop0p1", "class/block", "class/block",
           "MAJOR=259\nMINOR=0\nDEVNAME=loop0p1\nDEVTYPE=partition\nPARTN=1\n");
    put("sys/devices/virtual/block/loop0/loop0p1/size", "4096\n");
    put("dev/loop0", "");

    /* Serial: a UART, an 8250 slot without one, a USB adapter, a virtual console. */
    device("/devices/platform/serial8250/tty/ttyS0", "class/tty", "class/tty", "MAJOR=4\nMINOR=64\nDEVNAME=ttyS0\n");
    put("sys/devices/platform/serial8250/tty/ttyS0/type", "4\n");
    link_to("sys/devices/platform/serial8250/tty/ttyS0/device", "../../../serial8250");
    device("/devices/platform/serial8250/tty/ttyS1", "class/tty", "class/tty", "MAJOR=4\nMINOR=65\nDEVNAME=ttyS1\n");
    put("sys/devices/platform/serial8250/tty/ttyS1/type", "0\n");
    link_to("sys/devices/platform/serial8250/tty/ttyS1/device", "../../../serial8250");
    device("/devices/pci0000:00/usb1/1-2/1-2:1.0/ttyUSB0/tty/ttyUSB0", "class/tty", "class/tty",
           "MAJOR=188\nMINOR=0\nDEVNAME=ttyUSB0\n");
    link_to("sys/devices/pci0000:00/usb1/1-2/1-2:1.0/ttyUSB0/tty/ttyUSB0/device", "../../../ttyUSB0");
    device("/devices/virtual/tty/tty5", "class/tty", "class/tty", "MAJOR=4\nMINOR=5\nDEVNAME=tty5\n");
    put("dev/ttyUSB0", "");

    /* USB: a device and its interface, a HID node under the interface. */
    device("/devices/pci0000:00/usb1/1-2", "bus/usb", "bus/usb/devices",
           "MAJOR=189\nMINOR=1\nDEVNAME=bus/usb/001/002\nDEVTYPE=usb_device\nDRIVER=usb\nPRODUCT=46d/c52b/1211\n"
           "TYPE=0/0/0\nBUSNUM=001\nDEVNUM=002\n");
    device("/devices/pci0000:00/usb1/1-2/1-2:1.0", "bus/usb", "bus/usb/devices",
           "DEVTYPE=usb_interface\nDRIVER=usbhid\nPRODUCT=46d/c52b/1211\nTYPE=0/0/0\nINTERFACE=3/1/1\n");
    put("sys/devices/pci0000:00/usb1/1-2/1-2:1.0/0003:046D:C52B.0001/uevent",
        "DRIVER=hid-generic\nHID_ID=0003:0000046D:0000C52B\nHID_NAME=Logitech USB Receiver\n"
        "HID_PHYS=usb-0000:00:14.0-2/input0\nHID_UNIQ=\nMODALIAS=hid:b0003g0001v0000046Dp0000C52B\n");
    device("/devices/pci0000:00/usb1/1-2/1-2:1.0/0003:046D:C52B.0001/hidraw/hidraw0", "class/hidraw",
           "class/hidraw", "MAJOR=240\nMINOR=0\nDEVNAME=hidraw0\n");

    /* Input: a keyboard with its event node, a joystick node we skip. */
    device("/devices/platform/i8042/serio0/input/input3", "class/input", "class/input",
           "PRODUCT=11/1/1/ab41\nNAME=\"AT Translated Set 2 keyboard\"\nPHYS=\"isa0060/serio0/input0\"\n"
           "PROP=0\nEV=120013\nKEY=402000000 3803078f800d001 feffffdfffefffff fffffffffffffffe\nMSC=10\n"
           "LED=7\n");
    device("/devices/platform/i8042/serio0/input/input3/event3", "class/input", "class/input",
           "MAJOR=13\nMINOR=67\nDEVNAME=input/event3\n");
    device("/devices/platform/i8042/serio0/input/input3/js0", "class/input", "class/input",
           "MAJOR=13\nMINOR=0\nDEVNAME=input/js0\n");
    put("dev/input/event3", "");

    s.stop_after = -1;
    CU_ASSERT_EQUAL(uevent_enumerate_tree(sys, dev, collect, &s), 0);
    CU_ASSERT_EQUAL(s.count, 9);
    /* Sorted: parents first. */
    for (i = 1; i < s.count && i < 32; i++) CU_ASSERT(strcmp(s.devpaths[i - 1], s.devpaths[i]) < 0);

    CU_ASSERT_PTR_NOT_NULL_FATAL(e = find(&s, "/devices/virtual/net/lo"));
    CU_ASSERT_EQUAL(e->ifindex, 1);
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "SUBSYSTEM"), "net");
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "ACTION"), "add");
    CU_ASSERT_PTR_NULL(uevent_prop(e, "WN_DEVNODE_READY"));
    CU_ASSERT_PTR_NULL(find(&s, "/devices/virtual/net/wnnothere0"));

    CU_ASSERT_PTR_NOT_NULL_FATAL(e = find(&s, "/devices/virtual/block/loop0"));
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "SUBSYSTEM"), "block");
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "WN_SECTORS"), "20480");
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "WN_DEVNODE_READY"), "1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e = find(&s, "/devices/virtual/block/loop0/loop0p1"));
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "WN_SECTORS"), "4096");
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "WN_DEVNODE_READY"), "0");

    CU_ASSERT_PTR_NOT_NULL_FATAL(e = find(&s, "/devices/platform/serial8250/tty/ttyS0"));
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "SUBSYSTEM"), "tty");
    CU_ASSERT_PTR_NULL(find(&s, "/devices/platform/serial8250/tty/ttyS1"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(e = find(&s, "/devices/pci0000:00/usb1/1-2/1-2:1.0/ttyUSB0/tty/ttyUSB0"));
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "WN_DEVNODE_READY"), "1");
    CU_ASSERT_PTR_NULL(find(&s, "/devices/virtual/tty/tty5"));

    CU_ASSERT_PTR_NOT_NULL_FATAL(e = find(&s, "/devices/pci0000:00/usb1/1-2"));
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "SUBSYSTEM"), "usb");
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "PRODUCT"), "46d/c52b/1211");
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "WN_DEVNODE_READY"), "0");
    CU_ASSERT_PTR_NULL(find(&s, "/devices/pci0000:00/usb1/1-2/1-2:1.0"));

    CU_ASSERT_PTR_NOT_NULL_FATAL(e = find(&s,
        "/devices/pci0000:00/usb1/1-2/1-2:1.0/0003:046D:C52B.0001/hidraw/hidraw0"));
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "SUBSYSTEM"), "hidraw");
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "HID_ID"), "0003:0000046D:0000C52B");
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "HID_NAME"), "Logitech USB Receiver");
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "HID_UNIQ"), "");
    CU_ASSERT_PTR_NULL(uevent_prop(e, "MODALIAS"));

    CU_ASSERT_PTR_NOT_NULL_FATAL(e = find(&s, "/devices/platform/i8042/serio0/input/input3"));
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "EV"), "120013");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e = find(&s, "/devices/platform/i8042/serio0/input/input3/event3"));
    CU_ASSERT_STRING_EQUAL(uevent_prop(e, "WN_DEVNODE_READY"), "1");
    CU_ASSERT_PTR_NULL(find(&s, "/devices/platform/i8042/serio0/input/input3/js0"));

    /* A report that fails (the connection is gone) ends the walk. */
    memset(&s, 0, sizeof(s));
    s.stop_after = 2;
    CU_ASSERT_EQUAL(uevent_enumerate_tree(sys, dev, collect, &s), -1);
    CU_ASSERT_EQUAL(s.count, 2);

    /* No sysfs at all (a sandbox without /sys): an empty snapshot. */
    memset(&s, 0, sizeof(s));
    s.stop_after = -1;
    CU_ASSERT_EQUAL(uevent_enumerate_tree("/nonexistent/sys", dev, collect, &s), 0);
    CU_ASSERT_EQUAL(s.count, 0);

    {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        CU_ASSERT_EQUAL(system(cmd), 0);
    }
}

void register_uevent_parse_tests(void)
{
    static const CU_TestInfo tests[] =
    {
        { "tun add", test_tun_add },
        { "captured datagrams", test_captured },
        { "block devices", test_block_devices },
        { "move is delete then add", test_move_is_delete_then_add },
        { "move with DEVPATH repeated", test_move_repeated_devpath },
        { "truncated datagrams", test_truncated },
        { "malformed datagrams", test_malformed },
        { "bounded property block", test_bounded },
        { "sysfs uevent file", test_sysfs_file },
        { "wanted subsystems", test_wanted },
        { "enumerate a fake sysfs", test_enumerate_tree },
        CU_TEST_INFO_NULL,
    };
    unit_add_suite("uevent_parse", tests);
}
