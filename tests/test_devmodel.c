/* The device model (dlls/cfgmgr32/devmodel.c): what Windows says of a host device, parents in the view, and
 * device-controlled strings made safe (a hostile USB serial, an interface name with odd bytes, a software
 * device ID with path components). */
#include <string.h>

#include "devmodel.h"
#include "unit.h"

static struct wn_devmodel_dev dev;

/* The DLL's rule (wine_devices.c) needs Wine; here a test says which subsystem Wine models. */
static const char *wine_subsystem;

int wn_wine_devices_models(const char *props, size_t props_len)
{
    const char *p = props, *end = props + props_len;

    for (; wine_subsystem && p < end; p += strlen(p) + 1)
        if (!strncmp(p, "SUBSYSTEM=", 10) && !strcmp(p + 10, wine_subsystem)) return 1;
    return 0;
}

static int describe(const char *props, size_t len)
{
    return wn_devmodel_describe(props, len, &dev);
}

#define DESCRIBE(block) describe(block, sizeof(block))

static void test_net(void)
{
    static const char tun[] = "DEVPATH=/devices/virtual/net/wntun0\0SUBSYSTEM=net\0INTERFACE=wntun0\0IFINDEX=8";
    static const char wlan[] = "DEVPATH=/devices/pci0/net/wlan0\0SUBSYSTEM=net\0INTERFACE=wlan0\0DEVTYPE=wlan";

    CU_ASSERT_EQUAL_FATAL(DESCRIBE(tun), 1);
    CU_ASSERT_STRING_EQUAL(dev.map.instance_id, "ROOT\\NET\\WNTUN0");
    CU_ASSERT_STRING_EQUAL(dev.desc, "Linux network interface");
    CU_ASSERT_STRING_EQUAL(dev.friendly, "wntun0");
    CU_ASSERT_STRING_EQUAL(dev.class_name, "Net");
    CU_ASSERT_EQUAL(dev.class_guid.data1, 0x4d36e972);
    CU_ASSERT_STRING_EQUAL(dev.hardware_ids, "ROOT\\NET");
    CU_ASSERT_EQUAL(wn_devmodel_ids_size(dev.hardware_ids), 10);
    CU_ASSERT_EQUAL(wn_devmodel_ids_size(dev.compatible_ids), 2);
    CU_ASSERT_STRING_EQUAL(dev.devpath, "/devices/virtual/net/wntun0");

    CU_ASSERT_EQUAL_FATAL(DESCRIBE(wlan), 1);
    CU_ASSERT_STRING_EQUAL(dev.hardware_ids, "ROOT\\NET_wlan");
    CU_ASSERT_STRING_EQUAL(dev.hardware_ids + strlen(dev.hardware_ids) + 1, "ROOT\\NET");
}

static void test_usb(void)
{
    static const char usb[] = "DEVPATH=/devices/pci0000:00/0000:00:14.0/usb1/1-2\0SUBSYSTEM=usb\0"
        "DEVNAME=bus/usb/001/002\0DEVTYPE=usb_device\0PRODUCT=46d/c52b/1203\0TYPE=0/0/0\0WN_DEVNODE_READY=1\0"
        "WN_USB_PRODUCT=USB Receiver\0WN_USB_MANUFACTURER=Logitech";
    const char *ids;

    CU_ASSERT_EQUAL_FATAL(DESCRIBE(usb), 1);
    CU_ASSERT_STRING_EQUAL(dev.map.instance_id, "USB\\VID_046D&PID_C52B\\1-2");
    CU_ASSERT_STRING_EQUAL(dev.desc, "USB Receiver");
    CU_ASSERT_STRING_EQUAL(dev.bus_desc, "USB Receiver");
    CU_ASSERT_STRING_EQUAL(dev.manufacturer, "Logitech");
    CU_ASSERT_STRING_EQUAL(dev.location, "Port_#0002.Hub_#0001");
    CU_ASSERT_STRING_EQUAL(dev.class_name, "USB");
    ids = dev.hardware_ids;
    CU_ASSERT_STRING_EQUAL(ids, "USB\\VID_046D&PID_C52B&REV_1203");
    ids += strlen(ids) + 1;
    CU_ASSERT_STRING_EQUAL(ids, "USB\\VID_046D&PID_C52B");
    CU_ASSERT_STRING_EQUAL(dev.compatible_ids, "USB\\Class_00&SubClass_00&Prot_00");
}

/* A partition is its disk's child; a net device is the root's. */
static void test_parents(void)
{
    static const char disk[] = "DEVPATH=/devices/virtual/block/loop8\0SUBSYSTEM=block\0DEVNAME=loop8\0"
        "DEVTYPE=disk\0WN_SECTORS=2048\0WN_DEVNODE_READY=1";
    static const char part[] = "DEVPATH=/devices/virtual/block/loop8/loop8p1\0SUBSYSTEM=block\0DEVNAME=loop8p1\0"
        "DEVTYPE=partition\0PARTN=1\0WN_SECTORS=1024\0WN_DEVNODE_READY=1";
    static const char tun[] = "DEVPATH=/devices/virtual/net/wntun0\0SUBSYSTEM=net\0INTERFACE=wntun0";
    const char *blocks[] = { disk, part, tun };
    const size_t sizes[] = { sizeof(disk), sizeof(part), sizeof(tun) };
    struct wn_state *state = wn_state_create();
    struct wn_wire_record r;
    const void *cursor = NULL;
    unsigned int i, n = 0, iface = 9;

    CU_ASSERT_PTR_NOT_NULL_FATAL(state);
    memset(&r, 0, sizeof(r));
    r.type = WN_WIRE_SNAPSHOT_BEGIN;
    r.u.snapshot.tables = WN_TABLE_DEVICE;
    CU_ASSERT_EQUAL(wn_state_apply(state, &r), WN_STATE_OK);
    for (i = 0; i < 3; i++)
    {
        memset(&r, 0, sizeof(r));
        r.type = WN_WIRE_DEVICE;
        r.op = WN_WIRE_OP_ADD;
        r.u.device.props_len = (uint16_t)sizes[i];
        r.props = blocks[i];
        CU_ASSERT_EQUAL(wn_state_apply(state, &r), WN_STATE_OK);
    }
    memset(&r, 0, sizeof(r));
    r.type = WN_WIRE_SNAPSHOT_END;
    r.u.snapshot.tables = WN_TABLE_DEVICE;
    CU_ASSERT_EQUAL(wn_state_apply(state, &r), WN_STATE_READY);

    while (wn_devmodel_next(state, &cursor, &dev))
    {
        const char *expect = strcmp(dev.map.instance_id, "STORAGE\\VOLUME\\LOOP8P1") ? WN_DEVMODEL_ROOT
                                                                                   : "STORAGE\\DISK\\LOOP8";

        CU_ASSERT_STRING_EQUAL(dev.parent, expect);
        n++;
    }
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_EQUAL(wn_devmodel_find(state, "storage\\disk\\loop8", &dev), 1);
    CU_ASSERT_STRING_EQUAL(dev.class_name, "DiskDrive");
    CU_ASSERT_EQUAL(wn_devmodel_find(state, "STORAGE\\DISK\\LOOP9", &dev), 0);
    CU_ASSERT_EQUAL(wn_devmodel_find_link(state, "\\\\?\\storage#volume#loop8p1#{53F5630D-B6BF-11D0-94F2-00A0C91EFB8B}",
                                          &dev, &iface), 1);
    CU_ASSERT_STRING_EQUAL(dev.map.instance_id, "STORAGE\\VOLUME\\LOOP8P1");
    CU_ASSERT_EQUAL(iface, 0);
    CU_ASSERT_STRING_EQUAL(dev.hardware_ids, "STORAGE\\Volume");
    wn_state_free(state);
}

/* A software device: what SwDeviceCreate gave (through the helper's record), its parent when that is a device of
 * the view, and its interface found by link under the device. */
static void test_software(void)
{
    static const char parent[] = "DEVPATH=/winenotify/swd/P/p\0SUBSYSTEM=winenotify_swd\0WN_INSTANCE_ID=SWD\\P\\p";
    static const char child[] = "DEVPATH=/winenotify/swd/C/c\0SUBSYSTEM=winenotify_swd\0WN_INSTANCE_ID=SWD\\C\\c\0"
        "WN_DESCRIPTION=Test \x01" "device\0WN_HARDWARE_IDS=HwA|HwB\0WN_COMPATIBLE_IDS=CompA\0WN_PARENT=swd\\p\\P";
    static const char iface[] = "DEVPATH=/winenotify/swd/C/c/{4d1e55b2-f16f-11cf-88cb-001111000030}\0"
        "SUBSYSTEM=winenotify_swd_interface\0WN_INSTANCE_ID=SWD\\C\\c\0"
        "WN_CLASS_GUID={4d1e55b2-f16f-11cf-88cb-001111000030}";
    const char *blocks[] = { parent, child, iface };
    const size_t sizes[] = { sizeof(parent), sizeof(child), sizeof(iface) };
    struct wn_state *state = wn_state_create();
    struct wn_wire_record r;
    unsigned int i, index = 9;

    CU_ASSERT_EQUAL(DESCRIBE(iface), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(state);
    memset(&r, 0, sizeof(r));
    r.type = WN_WIRE_SNAPSHOT_BEGIN;
    r.u.snapshot.tables = WN_TABLE_DEVICE;
    wn_state_apply(state, &r);
    for (i = 0; i < 3; i++)
    {
        memset(&r, 0, sizeof(r));
        r.type = WN_WIRE_DEVICE;
        r.op = WN_WIRE_OP_ADD;
        r.u.device.props_len = (uint16_t)sizes[i];
        r.props = blocks[i];
        CU_ASSERT_EQUAL(wn_state_apply(state, &r), WN_STATE_OK);
    }
    memset(&r, 0, sizeof(r));
    r.type = WN_WIRE_SNAPSHOT_END;
    r.u.snapshot.tables = WN_TABLE_DEVICE;
    wn_state_apply(state, &r);

    CU_ASSERT_EQUAL_FATAL(wn_devmodel_find(state, "SWD\\C\\c", &dev), 1);
    CU_ASSERT_STRING_EQUAL(dev.desc, "Test device");
    CU_ASSERT_STRING_EQUAL(dev.hardware_ids, "HwA");
    CU_ASSERT_STRING_EQUAL(dev.hardware_ids + 4, "HwB");
    CU_ASSERT_STRING_EQUAL(dev.compatible_ids, "CompA");
    CU_ASSERT_STRING_EQUAL(dev.class_name, "SoftwareDevice");
    CU_ASSERT_STRING_EQUAL(dev.parent, "SWD\\P\\p");
    CU_ASSERT_EQUAL_FATAL(wn_devmodel_find(state, "SWD\\P\\p", &dev), 1);
    CU_ASSERT_STRING_EQUAL(dev.parent, WN_DEVMODEL_ROOT);
    CU_ASSERT_STRING_EQUAL(dev.hardware_ids, "SWD\\P");
    CU_ASSERT_EQUAL_FATAL(wn_devmodel_find_link(state, "\\\\?\\SWD#C#c#{4d1e55b2-f16f-11cf-88cb-001111000030}",
                                                &dev, &index), 1);
    CU_ASSERT_STRING_EQUAL(dev.map.instance_id, "SWD\\C\\c");
    CU_ASSERT_EQUAL(index, 0);
    wn_state_free(state);
}

/* Names the kernel takes from whoever makes the device. */
static void test_hostile(void)
{
    static const char odd_tun[] = "DEVPATH=/devices/virtual/net/a\\b,c\0SUBSYSTEM=net\0INTERFACE=a\\b,c\x01";
    static const char dots[] = "DEVPATH=/devices/virtual/net/..\0SUBSYSTEM=net\0INTERFACE=..";
    static const char usb[] = "DEVPATH=/devices/pci0/usb1/1-3\0SUBSYSTEM=usb\0DEVNAME=bus/usb/001/003\0"
        "DEVTYPE=usb_device\0PRODUCT=1234/5678/100\0TYPE=0/0/0\0WN_DEVNODE_READY=1\0"
        "WN_USB_PRODUCT=\x1b[2J evil\r\n\xff\xfe name    \0WN_USB_MANUFACTURER=\xc0\xaf..\\..\\x";
    static const char swd_path[] = "DEVPATH=/winenotify/swd/1\0SUBSYSTEM=winenotify_swd\0"
        "WN_INSTANCE_ID=SWD\\X\\..\\..\\Y";
    static const char swd_ctl[] = "DEVPATH=/winenotify/swd/2\0SUBSYSTEM=winenotify_swd\0WN_INSTANCE_ID=SWD\\X\\a\tb";
    char long_name[300], block[400];
    size_t len, i;

    CU_ASSERT_EQUAL_FATAL(DESCRIBE(odd_tun), 1);
    CU_ASSERT_EQUAL(strncmp(dev.map.instance_id, "ROOT\\NET\\A_B_C_&", 16), 0);
    CU_ASSERT_EQUAL(strlen(dev.map.instance_id), 16 + 8);
    CU_ASSERT_PTR_NULL(strchr(dev.map.instance_id + 9, '\\'));
    CU_ASSERT_STRING_EQUAL(dev.friendly, "a\\b,c");

    CU_ASSERT_EQUAL_FATAL(DESCRIBE(dots), 1);
    CU_ASSERT_EQUAL(strncmp(dev.map.instance_id, "ROOT\\NET\\__&", 12), 0);
    CU_ASSERT_PTR_NULL(strstr(dev.map.ifaces[0].link, ".."));

    CU_ASSERT_EQUAL_FATAL(DESCRIBE(usb), 1);
    CU_ASSERT_STRING_EQUAL(dev.desc, "[2J evil?? name");
    for (i = 0; dev.manufacturer[i]; i++) CU_ASSERT((unsigned char)dev.manufacturer[i] >= 0x20);
    CU_ASSERT_STRING_EQUAL(dev.manufacturer, "??..\\..\\x");

    CU_ASSERT_EQUAL(DESCRIBE(swd_path), 0);
    CU_ASSERT_EQUAL(DESCRIBE(swd_ctl), 0);

    /* An overlong name is cut and told apart by its hash. */
    memset(long_name, 'x', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = 0;
    len = (size_t)snprintf(block, sizeof(block), "DEVPATH=/devices/virtual/net/x%cSUBSYSTEM=net%cINTERFACE=%s", 0, 0,
                           long_name);
    CU_ASSERT_EQUAL_FATAL(describe(block, len + 1), 1);
    CU_ASSERT(strlen(dev.map.instance_id) < 100);
}

static void test_text(void)
{
    char out[8];

    CU_ASSERT_EQUAL(wn_devmodel_text("  abc  ", out, sizeof(out)), 3);
    CU_ASSERT_STRING_EQUAL(out, "abc");
    /* Cut at a character boundary: "é" does not fit whole after six bytes. */
    CU_ASSERT_EQUAL(wn_devmodel_text("abcdef\xc3\xa9", out, sizeof(out)), 6);
    CU_ASSERT_EQUAL(wn_devmodel_text("\xc2\x85x\xed\xa0\x80", out, sizeof(out)), 4);
    CU_ASSERT_STRING_EQUAL(out, "x???");
}

/* A device Wine models is not ours: no identity for the notifications, and the model skips it. */
static void test_wine_models(void)
{
    static const char hid[] = "DEVPATH=/devices/virtual/misc/uhid/0003:054C:0CE6.0001/hidraw/hidraw0\0"
        "SUBSYSTEM=hidraw\0DEVNAME=hidraw0\0WN_DEVNODE_READY=1\0HID_ID=0003:0000054C:00000CE6";
    struct wn_devmap map;

    wine_subsystem = NULL;
    CU_ASSERT_EQUAL_FATAL(DESCRIBE(hid), 1);
    CU_ASSERT_FALSE(wn_devmodel_wine_models(&dev));
    CU_ASSERT_EQUAL(wn_devmodel_map(hid, sizeof(hid), &map), 1);
    CU_ASSERT_STRING_EQUAL(map.instance_id, dev.map.instance_id);

    wine_subsystem = "hidraw";
    CU_ASSERT_EQUAL_FATAL(DESCRIBE(hid), 1);
    CU_ASSERT_TRUE(wn_devmodel_wine_models(&dev));
    CU_ASSERT_EQUAL(wn_devmodel_map(hid, sizeof(hid), &map), 0);
    CU_ASSERT_STRING_EQUAL(map.instance_id, "");
    CU_ASSERT_EQUAL(map.n_ifaces, 0);
    wine_subsystem = NULL;
}

void register_devmodel_tests(void)
{
    static const CU_TestInfo tests[] =
    {
        { "net devices", test_net },
        { "usb devices", test_usb },
        { "parents in the view", test_parents },
        { "software devices", test_software },
        { "hostile names", test_hostile },
        { "text values", test_text },
        { "devices Wine models", test_wine_models },
        CU_TEST_INFO_NULL,
    };

    unit_add_suite("devmodel", tests);
}
