/*
 * Device interface class GUIDs that winenotify reports (SPEC.md section 6).
 *
 * What MinGW-w64 10 has, under the standard GUID_DEVINTERFACE_* names:
 *   DISK, VOLUME, COMPORT  declared by windows.h (winioctl.h), defined in libuuid.a
 *   USB_DEVICE, KEYBOARD,  declared by usbiodef.h, ntddkbd.h, ntddmou.h,
 *   MOUSE                  defined in libuuid.a
 *   HID                    declared by hidclass.h, defined in no library
 *   NET                    only in ddk/ndisguid.h, which includes initguid.h and so
 *                          turns every later DEFINE_GUID into a definition
 *
 * So the standard names cannot be used uniformly: a static definition of a name
 * windows.h already declared extern is invalid C, and a shared (selectany)
 * definition collides with the one initguid.h plus the MinGW header produce in
 * the same file.  These constants carry a WINENOTIFY_ prefix instead: static, so
 * they need no library, coexist with initguid.h and with the MinGW headers in any
 * order, and the include guard makes a second #include harmless.  Their values
 * equal the standard GUIDs (the probe compares them with MinGW's).
 */
#ifndef WINENOTIFY_DEVGUIDS_H
#define WINENOTIFY_DEVGUIDS_H

#include <windows.h>

/* DEFINE_GUID's argument list, but a file-local constant.  A header-defined
 * static const draws no unused warning at -Wall -Wextra; the attribute keeps
 * stricter -Wunused-const-variable=2 builds quiet as well. */
#define WINENOTIFY_DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    static const GUID name __attribute__((unused)) =                            \
        { l, w1, w2, { b1, b2, b3, b4, b5, b6, b7, b8 } }

WINENOTIFY_DEFINE_GUID(WINENOTIFY_GUID_DEVINTERFACE_NET,
    0xcac88484, 0x7515, 0x4c03, 0x82, 0xe6, 0x71, 0xa8, 0x7a, 0xba, 0xc3, 0x61);
WINENOTIFY_DEFINE_GUID(WINENOTIFY_GUID_DEVINTERFACE_HID,
    0x4d1e55b2, 0xf16f, 0x11cf, 0x88, 0xcb, 0x00, 0x11, 0x11, 0x00, 0x00, 0x30);
WINENOTIFY_DEFINE_GUID(WINENOTIFY_GUID_DEVINTERFACE_DISK,
    0x53f56307, 0xb6bf, 0x11d0, 0x94, 0xf2, 0x00, 0xa0, 0xc9, 0x1e, 0xfb, 0x8b);
WINENOTIFY_DEFINE_GUID(WINENOTIFY_GUID_DEVINTERFACE_VOLUME,
    0x53f5630d, 0xb6bf, 0x11d0, 0x94, 0xf2, 0x00, 0xa0, 0xc9, 0x1e, 0xfb, 0x8b);
WINENOTIFY_DEFINE_GUID(WINENOTIFY_GUID_DEVINTERFACE_COMPORT,
    0x86e0d1e0, 0x8089, 0x11d0, 0x9c, 0xe4, 0x08, 0x00, 0x3e, 0x30, 0x1f, 0x73);
WINENOTIFY_DEFINE_GUID(WINENOTIFY_GUID_DEVINTERFACE_USB_DEVICE,
    0xa5dcbf10, 0x6530, 0x11d2, 0x90, 0x1f, 0x00, 0xc0, 0x4f, 0xb9, 0x51, 0xed);
WINENOTIFY_DEFINE_GUID(WINENOTIFY_GUID_DEVINTERFACE_KEYBOARD,
    0x884b96c3, 0x56ef, 0x11d1, 0xbc, 0x8c, 0x00, 0xa0, 0xc9, 0x14, 0x05, 0xdd);
WINENOTIFY_DEFINE_GUID(WINENOTIFY_GUID_DEVINTERFACE_MOUSE,
    0x378de44c, 0x56ef, 0x11d1, 0xbc, 0x8c, 0x00, 0xa0, 0xc9, 0x14, 0x05, 0xdd);

#endif /* WINENOTIFY_DEVGUIDS_H */
