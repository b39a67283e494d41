/* What winetest/pnpdriver.c (a kernel driver for a root-enumerated device of Wine's PnP tree) and the test that
 * installs it (winetest/winedevice.c) share. */
#ifndef WN_WINETEST_PNPDRIVER_H
#define WN_WINETEST_PNPDRIVER_H

/* The interface class the driver's device registers and enables when it starts: a class of its own, so that no
 * other device of the prefix comes or goes in it. */
static const GUID wn_pnpdriver_class =
    { 0x0d92f7ea, 0xa6a8, 0x4b66, { 0x88, 0xa1, 0x54, 0x91, 0x0d, 0xb3, 0x6c, 0xab } };

/* The custom event the driver reports on its device (IoReportTargetDeviceChange) when asked through
 * WN_PNPDRIVER_IOCTL_EVENT, with WN_PNPDRIVER_EVENT_DATA as its data. */
static const GUID wn_pnpdriver_event =
    { 0xd08c5d2b, 0xc955, 0x4d45, { 0xb3, 0xc9, 0xc3, 0xe6, 0xb7, 0xcc, 0x39, 0x0d } };
#define WN_PNPDRIVER_EVENT_DATA "winenotify"
#define WN_PNPDRIVER_IOCTL_EVENT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)

#define WN_PNPDRIVER_SERVICE "wnpnpdrv"
#define WN_PNPDRIVER_HWID "winenotify_test_device"

#endif
