/* Our include/ supplies what MinGW-w64 lacks; the layouts must be the ones Windows uses, or a program built
 * against them would pass Windows a structure it misreads.  Sizes from Microsoft's documented definitions. */
#include <windows.h>
#include <cfgmgr32.h>
#include <stddef.h>

#include "test.h"
#include "winenotify/cfgmgr32_notify.h"
#include "winenotify/swdevice.h"
#include "winenotify/devguids.h"

static void test_cfgmgr32_layouts(void)
{
    ok(sizeof(CM_NOTIFY_FILTER) == 416, "sizeof(CM_NOTIFY_FILTER) = %u\n", (unsigned)sizeof(CM_NOTIFY_FILTER));
    ok(offsetof(CM_NOTIFY_FILTER, u) == 16, "union at %u\n", (unsigned)offsetof(CM_NOTIFY_FILTER, u));
    ok(sizeof(CM_NOTIFY_EVENT_DATA) == 36, "sizeof(CM_NOTIFY_EVENT_DATA) = %u\n", (unsigned)sizeof(CM_NOTIFY_EVENT_DATA));
    ok(offsetof(CM_NOTIFY_EVENT_DATA, u.DeviceInterface.SymbolicLink) == 24, "SymbolicLink at %u\n",
       (unsigned)offsetof(CM_NOTIFY_EVENT_DATA, u.DeviceInterface.SymbolicLink));
    ok(offsetof(CM_NOTIFY_EVENT_DATA, u.DeviceInstance.InstanceId) == 8, "InstanceId at %u\n",
       (unsigned)offsetof(CM_NOTIFY_EVENT_DATA, u.DeviceInstance.InstanceId));
    ok(CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED == 9, "INSTANCEREMOVED = %d\n", CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED);
    ok(CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE == 2, "FILTER_TYPE_DEVICEINSTANCE = %d\n", CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE);
    ok(CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES == 2, "ALL_DEVICE_INSTANCES = %d\n",
       CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES);
}

static void test_swdevice_layouts(void)
{
    ok(sizeof(SW_DEVICE_CREATE_INFO) == (sizeof(void *) == 8 ? 72 : 36), "sizeof(SW_DEVICE_CREATE_INFO) = %u\n",
       (unsigned)sizeof(SW_DEVICE_CREATE_INFO));
    ok(sizeof(DEVPROPERTY) == (sizeof(void *) == 8 ? 48 : 40), "sizeof(DEVPROPERTY) = %u\n",
       (unsigned)sizeof(DEVPROPERTY));
}

static void test_guids(void)
{
    static const struct { const GUID *guid; DWORD data1; const char *name; } guids[] =
    {
        { &WINENOTIFY_GUID_DEVINTERFACE_NET, 0xcac88484, "NET" },
        { &WINENOTIFY_GUID_DEVINTERFACE_HID, 0x4d1e55b2, "HID" },
        { &WINENOTIFY_GUID_DEVINTERFACE_DISK, 0x53f56307, "DISK" },
        { &WINENOTIFY_GUID_DEVINTERFACE_VOLUME, 0x53f5630d, "VOLUME" },
        { &WINENOTIFY_GUID_DEVINTERFACE_COMPORT, 0x86e0d1e0, "COMPORT" },
        { &WINENOTIFY_GUID_DEVINTERFACE_USB_DEVICE, 0xa5dcbf10, "USB_DEVICE" },
        { &WINENOTIFY_GUID_DEVINTERFACE_KEYBOARD, 0x884b96c3, "KEYBOARD" },
        { &WINENOTIFY_GUID_DEVINTERFACE_MOUSE, 0x378de44c, "MOUSE" },
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(guids); i++)
        ok(guids[i].guid->Data1 == guids[i].data1, "GUID_DEVINTERFACE_%s: %08lx\n", guids[i].name, guids[i].guid->Data1);
    /* The tail of one in full, to catch a byte-order slip. */
    ok(!memcmp(WINENOTIFY_GUID_DEVINTERFACE_HID.Data4, "\x88\xcb\x00\x11\x11\x00\x00\x30", 8), "HID Data4 differs\n");
}

START_TEST(headers)
{
    test_cfgmgr32_layouts();
    test_swdevice_layouts();
    test_guids();
}
