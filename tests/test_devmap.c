/* Host devices as Windows sees them (dlls/cfgmgr32/devmap.c): instance IDs, interface classes and links, and
 * when a device counts as usable.
 *
 * The net, block and tty inputs are the captured kernel events and /sys files of tests/fixtures, parsed by the
 * helper's own parser, with the properties the helper adds (WN_SECTORS, WN_DEVNODE_READY) added as it would.
 * This machine has no USB, hidraw or input device: their devmap-sysfs-*.txt files are /sys uevent files written
 * out in the kernel's format for a Logitech receiver (usb device 1-2, its hidraw node, its keyboard and mouse
 * input devices), with the properties the kernel's usb, hidraw and input drivers put there. */
#include <stdio.h>
#include <string.h>

#include "devmap.h"
#include "uevent_parse.h"
#include "unit.h"

static struct uevent ev;
static struct wn_devmap map;

static size_t load(const char *name, char *buf, size_t cap)
{
    return unit_load_fixture(name, buf, cap);
}

static void event(const char *name)
{
    static char buf[8192];

    CU_ASSERT_EQUAL_FATAL(uevent_parse(buf, load(name, buf, sizeof(buf)), &ev), 0);
}

static void sysfs(const char *name, const char *devpath, const char *subsystem)
{
    static char buf[8192];

    CU_ASSERT_EQUAL_FATAL(uevent_parse_sysfs(buf, load(name, buf, sizeof(buf)), devpath, subsystem, &ev), 0);
}

static void add(const char *key, const char *value)
{
    CU_ASSERT_EQUAL_FATAL(uevent_add_prop(&ev, key, value), 0);
}

static int map_it(void)
{
    return wn_devmap_map(ev.props, ev.props_len, &map);
}

static void test_net(void)
{
    event("uevent-net-tun-add.bin");
    CU_ASSERT_EQUAL_FATAL(map_it(), 1);
    CU_ASSERT_STRING_EQUAL(map.instance_id, "ROOT\\NET\\WNTUN0");
    CU_ASSERT_EQUAL_FATAL(map.n_ifaces, 1);
    CU_ASSERT_STRING_EQUAL(map.ifaces[0].link, "\\\\?\\ROOT#NET#wntun0#{cac88484-7515-4c03-82e6-71a87abac361}");
    CU_ASSERT_EQUAL(map.ifaces[0].guid.data1, 0xcac88484);

    event("uevent-net-veth-add.bin");
    CU_ASSERT_EQUAL_FATAL(map_it(), 1);
    CU_ASSERT_STRING_EQUAL(map.ifaces[0].link, "\\\\?\\ROOT#NET#wnveth0#{cac88484-7515-4c03-82e6-71a87abac361}");

    /* A rename: the new name is a new device (the helper reports the old path's removal first). */
    event("uevent-net-tun-move.bin");
    CU_ASSERT_EQUAL_FATAL(map_it(), 1);
    CU_ASSERT_STRING_EQUAL(map.instance_id, "ROOT\\NET\\WNTUNX");

    /* Queues are no devices of ours. */
    event("uevent-net-queue-add.bin");
    CU_ASSERT_EQUAL(map_it(), 0);
    CU_ASSERT_EQUAL(map.n_ifaces, 0);
    CU_ASSERT_STRING_EQUAL(map.instance_id, "");
}

static void test_block(void)
{
    /* A loop device without a file behind it has no medium: not a disk a program could use. */
    event("uevent-block-loop-add.bin");
    add("WN_SECTORS", "0");
    add("WN_DEVNODE_READY", "1");
    CU_ASSERT_EQUAL(map_it(), 0);

    /* losetup: the change event that gives it a size. */
    event("uevent-block-loop-change.bin");
    add("WN_SECTORS", "2048");
    add("WN_DEVNODE_READY", "1");
    CU_ASSERT_EQUAL_FATAL(map_it(), 1);
    CU_ASSERT_STRING_EQUAL(map.instance_id, "STORAGE\\DISK\\LOOP8");
    CU_ASSERT_EQUAL_FATAL(map.n_ifaces, 1);
    CU_ASSERT_STRING_EQUAL(map.ifaces[0].link,
                           "\\\\?\\STORAGE#DISK#loop8#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}");

    /* The node not there yet: not usable, not reported. */
    event("uevent-block-loop-change.bin");
    add("WN_SECTORS", "2048");
    add("WN_DEVNODE_READY", "0");
    CU_ASSERT_EQUAL(map_it(), 0);

    event("uevent-block-part-add.bin");
    add("WN_SECTORS", "1024");
    add("WN_DEVNODE_READY", "1");
    CU_ASSERT_EQUAL_FATAL(map_it(), 1);
    CU_ASSERT_STRING_EQUAL(map.instance_id, "STORAGE\\VOLUME\\LOOP8P1");
    CU_ASSERT_STRING_EQUAL(map.ifaces[0].link,
                           "\\\\?\\STORAGE#VOLUME#loop8p1#{53f5630d-b6bf-11d0-94f2-00a0c91efb8b}");

    /* A removal carries no size: it maps to nothing, and the caller reports what the device was. */
    event("uevent-block-part-remove.bin");
    CU_ASSERT_EQUAL(map_it(), 0);
}

static void test_tty(void)
{
    sysfs("uevent-sysfs-ttyS0.bin", "/devices/platform/serial8250/tty/ttyS0", "tty");
    add("WN_DEVNODE_READY", "1");
    CU_ASSERT_EQUAL_FATAL(map_it(), 1);
    CU_ASSERT_STRING_EQUAL(map.instance_id, "ROOT\\PORTS\\TTYS0");
    CU_ASSERT_STRING_EQUAL(map.ifaces[0].link,
                           "\\\\?\\ROOT#PORTS#ttys0#{86e0d1e0-8089-11d0-9ce4-08003e301f73}");

    /* Virtual consoles are not ports. */
    event("uevent-tty-tty5-add-synth.bin");
    CU_ASSERT_EQUAL(map_it(), 0);
}

static void test_usb_hid_input(void)
{
    sysfs("devmap-sysfs-usb-1-2.txt", "/devices/pci0000:00/0000:00:14.0/usb1/1-2", "usb");
    add("WN_DEVNODE_READY", "1");
    CU_ASSERT_EQUAL_FATAL(map_it(), 1);
    CU_ASSERT_STRING_EQUAL(map.instance_id, "USB\\VID_046D&PID_C52B\\1-2");
    CU_ASSERT_STRING_EQUAL(map.ifaces[0].link,
                           "\\\\?\\USB#VID_046D&PID_C52B#1-2#{a5dcbf10-6530-11d2-901f-00c04fb951ed}");

    /* The helper adds the hid parent's HID_ID. */
    sysfs("devmap-sysfs-hidraw0.txt",
          "/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/0003:046D:C52B.0001/hidraw/hidraw0", "hidraw");
    add("HID_ID", "0003:0000046D:0000C52B");
    add("WN_DEVNODE_READY", "1");
    CU_ASSERT_EQUAL_FATAL(map_it(), 1);
    CU_ASSERT_STRING_EQUAL(map.instance_id, "HID\\VID_046D&PID_C52B\\HIDRAW0");
    CU_ASSERT_STRING_EQUAL(map.ifaces[0].link,
                           "\\\\?\\HID#VID_046D&PID_C52B#hidraw0#{4d1e55b2-f16f-11cf-88cb-001111000030}");

    sysfs("devmap-sysfs-input-kbd.txt",
          "/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/0003:046D:C52B.0001/input/input5", "input");
    CU_ASSERT_EQUAL_FATAL(map_it(), 1);
    CU_ASSERT_STRING_EQUAL(map.instance_id, "INPUT\\VID_046D&PID_C52B\\INPUT5");
    CU_ASSERT_EQUAL_FATAL(map.n_ifaces, 1);
    CU_ASSERT_EQUAL(map.ifaces[0].guid.data1, 0x884b96c3);
    CU_ASSERT_STRING_EQUAL(map.ifaces[0].link,
                           "\\\\?\\INPUT#VID_046D&PID_C52B#input5#{884b96c3-56ef-11d1-bc8c-00a0c91405dd}");

    sysfs("devmap-sysfs-input-mouse.txt",
          "/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.1/0003:046D:C52B.0002/input/input6", "input");
    CU_ASSERT_EQUAL_FATAL(map_it(), 1);
    CU_ASSERT_EQUAL_FATAL(map.n_ifaces, 1);
    CU_ASSERT_EQUAL(map.ifaces[0].guid.data1, 0x378de44c);

    /* Its event node is not the device. */
    sysfs("devmap-sysfs-hidraw0.txt", "/devices/virtual/input/input6/event3", "input");
    CU_ASSERT_EQUAL(map_it(), 0);
}

static void test_swd(void)
{
    static const char device[] = "DEVPATH=/winenotify/swd/WineTest/Dev1\0SUBSYSTEM=winenotify_swd\0"
                                 "WN_INSTANCE_ID=SWD\\WineTest\\Dev1";
    static const char iface[] = "DEVPATH=/winenotify/swd/WineTest/Dev1/{4d1e55b2-f16f-11cf-88cb-001111000030}/Ref"
                                "\0SUBSYSTEM=winenotify_swd_interface\0WN_INSTANCE_ID=SWD\\WineTest\\Dev1\0"
                                "WN_CLASS_GUID={4d1e55b2-f16f-11cf-88cb-001111000030}\0WN_REFSTRING=Ref";
    static const char bad_guid[] = "SUBSYSTEM=winenotify_swd_interface\0WN_INSTANCE_ID=SWD\\A\\B\0"
                                   "WN_CLASS_GUID={4d1e55b2-f16f-11cf-88cb-00111100003}";

    CU_ASSERT_EQUAL_FATAL(wn_devmap_map(device, sizeof(device), &map), 1);
    CU_ASSERT_STRING_EQUAL(map.instance_id, "SWD\\WineTest\\Dev1");
    CU_ASSERT_EQUAL(map.n_ifaces, 0);

    CU_ASSERT_EQUAL_FATAL(wn_devmap_map(iface, sizeof(iface), &map), 1);
    CU_ASSERT_STRING_EQUAL(map.instance_id, "");
    CU_ASSERT_EQUAL_FATAL(map.n_ifaces, 1);
    CU_ASSERT_STRING_EQUAL(map.ifaces[0].link,
                           "\\\\?\\SWD#WINETEST#dev1#{4d1e55b2-f16f-11cf-88cb-001111000030}\\Ref");

    CU_ASSERT_EQUAL(wn_devmap_map(bad_guid, sizeof(bad_guid), &map), 0);
}

static void test_guid_and_devname(void)
{
    struct wn_devmap_guid guid;
    char text[39];

    CU_ASSERT_EQUAL_FATAL(wn_devmap_parse_guid("{53F56307-B6BF-11D0-94F2-00A0C91EFB8B}", &guid), 0);
    CU_ASSERT_EQUAL(guid.data1, 0x53f56307);
    CU_ASSERT_EQUAL(guid.data2, 0xb6bf);
    CU_ASSERT_EQUAL(guid.data4[7], 0x8b);
    wn_devmap_format_guid(&guid, text);
    CU_ASSERT_STRING_EQUAL(text, "{53f56307-b6bf-11d0-94f2-00a0c91efb8b}");
    CU_ASSERT_EQUAL(wn_devmap_parse_guid("53f56307-b6bf-11d0-94f2-00a0c91efb8b", &guid), -1);
    CU_ASSERT_EQUAL(wn_devmap_parse_guid("{53f56307+b6bf-11d0-94f2-00a0c91efb8b}", &guid), -1);
    CU_ASSERT_EQUAL(wn_devmap_parse_guid("{53f56307-b6bf-11d0-94f2-00a0c91efb8g}", &guid), -1);
    CU_ASSERT_EQUAL(wn_devmap_parse_guid(NULL, &guid), -1);

    CU_ASSERT_STRING_EQUAL(wn_devmap_devname("/dev/loop8"), "loop8");
    CU_ASSERT_STRING_EQUAL(wn_devmap_devname("/dev/bus/usb/001/002"), "bus/usb/001/002");
    CU_ASSERT_PTR_NULL(wn_devmap_devname("/dev/"));
    CU_ASSERT_PTR_NULL(wn_devmap_devname("/tmp/loop8"));
}

void register_devmap_tests(void)
{
    static const CU_TestInfo tests[] =
    {
        { "net devices", test_net },
        { "disks and partitions", test_block },
        { "serial ports", test_tty },
        { "usb, hidraw and input", test_usb_hid_input },
        { "software devices", test_swd },
        { "guids and device names", test_guid_and_devname },
        CU_TEST_INFO_NULL,
    };

    unit_add_suite("devmap", tests);
}
