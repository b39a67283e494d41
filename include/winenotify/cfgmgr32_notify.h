/*
 * CM_Register_Notification / CM_Unregister_Notification (cfgmgr32.dll, Windows 8+).
 *
 * What MinGW-w64 10 has: cfgmgr32.h defines HCMNOTIFICATION, CM_NOTIFY_FILTER,
 * CM_NOTIFY_FILTER_TYPE_*, CM_NOTIFY_FILTER_FLAG_*, CM_NOTIFY_ACTION,
 * CM_NOTIFY_EVENT_DATA and PCM_NOTIFY_CALLBACK, matching Microsoft's layout, but
 * only when WINVER >= 0x0602.  It never declares the two functions.
 * Its x86_64 libcfgmgr32.a imports both; its i686 libcfgmgr32.a has neither, so
 * 32-bit code must GetProcAddress them (or link an import library of its own).
 *
 * Include as <winenotify/cfgmgr32_notify.h> instead of, or after, <cfgmgr32.h>.
 *
 * The DLL that defines these functions must define _CFGMGR32_ before including
 * any header: otherwise MinGW's CMAPI makes the declarations dllimport and the
 * definitions clash with them.
 */
#ifndef WINENOTIFY_CFGMGR32_NOTIFY_H
#define WINENOTIFY_CFGMGR32_NOTIFY_H

#include <windows.h>
#include <cfgmgr32.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Guard: CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES.  cfgmgr32.h (MinGW and the
 * Windows SDK alike) defines it in the same WINVER >= 0x0602 block as all the
 * types below, and it is a macro, so the preprocessor can see whether that block
 * was compiled.  Missing means WINVER < 0x0602 or a MinGW older than 10; then
 * the block is supplied here, with Microsoft's names and values.
 */
#ifndef CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES

DECLARE_HANDLE(HCMNOTIFICATION);
typedef HCMNOTIFICATION *PHCMNOTIFICATION;

#define CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES 0x00000001
#define CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES  0x00000002
#define CM_NOTIFY_FILTER_VALID_FLAGS \
    (CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES | CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES)

typedef enum _CM_NOTIFY_FILTER_TYPE
{
    CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE = 0,
    CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE,
    CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE,
    CM_NOTIFY_FILTER_TYPE_MAX
} CM_NOTIFY_FILTER_TYPE, *PCM_NOTIFY_FILTER_TYPE;

/* 416 bytes on 32- and 64-bit: 16 bytes of header, then a union whose largest
 * member is InstanceId (200 WCHARs = 400 bytes); the HANDLE member only raises
 * the union's alignment to 8 on 64-bit, which 16 already satisfies. */
typedef struct _CM_NOTIFY_FILTER
{
    DWORD cbSize;
    DWORD Flags;
    CM_NOTIFY_FILTER_TYPE FilterType;
    DWORD Reserved;
    union
    {
        struct
        {
            GUID ClassGuid;
        } DeviceInterface;
        struct
        {
            HANDLE hTarget;
        } DeviceHandle;
        struct
        {
            WCHAR InstanceId[MAX_DEVICE_ID_LEN];
        } DeviceInstance;
    } u;
} CM_NOTIFY_FILTER, *PCM_NOTIFY_FILTER;

typedef enum _CM_NOTIFY_ACTION
{
    CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL = 0,
    CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL,
    CM_NOTIFY_ACTION_DEVICEQUERYREMOVE,
    CM_NOTIFY_ACTION_DEVICEQUERYREMOVEFAILED,
    CM_NOTIFY_ACTION_DEVICEREMOVEPENDING,
    CM_NOTIFY_ACTION_DEVICEREMOVECOMPLETE,
    CM_NOTIFY_ACTION_DEVICECUSTOMEVENT,
    CM_NOTIFY_ACTION_DEVICEINSTANCEENUMERATED,
    CM_NOTIFY_ACTION_DEVICEINSTANCESTARTED,
    CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED,
    CM_NOTIFY_ACTION_MAX
} CM_NOTIFY_ACTION, *PCM_NOTIFY_ACTION;

/* No pointers inside, so the layout is the same on 32- and 64-bit: 36 bytes,
 * the trailing arrays start at offset 24 (SymbolicLink), 32 (Data) and 8
 * (InstanceId).  Callers size events with offsetof on those arrays. */
typedef struct _CM_NOTIFY_EVENT_DATA
{
    CM_NOTIFY_FILTER_TYPE FilterType;
    DWORD Reserved;
    union
    {
        struct
        {
            GUID ClassGuid;
            WCHAR SymbolicLink[ANYSIZE_ARRAY];
        } DeviceInterface;
        struct
        {
            GUID EventGuid;
            LONG NameOffset;
            DWORD DataSize;
            BYTE Data[ANYSIZE_ARRAY];
        } DeviceHandle;
        struct
        {
            WCHAR InstanceId[ANYSIZE_ARRAY];
        } DeviceInstance;
    } u;
} CM_NOTIFY_EVENT_DATA, *PCM_NOTIFY_EVENT_DATA;

typedef DWORD (CALLBACK *PCM_NOTIFY_CALLBACK)(HCMNOTIFICATION hNotify, PVOID Context,
                                              CM_NOTIFY_ACTION Action,
                                              PCM_NOTIFY_EVENT_DATA EventData,
                                              DWORD EventDataSize);

#endif /* CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES */

/*
 * Guard: WINENOTIFY_HAVE_CM_REGISTER_NOTIFICATION, set by the build, not by any
 * MinGW header.  No mingw-w64 headers seen declare these functions (10 installed
 * here, the newer copy Zig bundles in lib/libc/include/any-windows-any), and a
 * function declaration leaves nothing for the preprocessor to test.  This prototype is exactly the SDK's, so
 * if a newer cfgmgr32.h declares it too, C accepts the repeat as compatible;
 * the macro exists for a toolchain whose declaration differs (a configure check
 * can set it).
 */
#ifndef WINENOTIFY_HAVE_CM_REGISTER_NOTIFICATION
CMAPI CONFIGRET WINAPI CM_Register_Notification(PCM_NOTIFY_FILTER pFilter, PVOID pContext,
                                                PCM_NOTIFY_CALLBACK pCallback,
                                                PHCMNOTIFICATION pNotifyContext);
CMAPI CONFIGRET WINAPI CM_Unregister_Notification(HCMNOTIFICATION NotifyContext);
#endif

#ifdef __cplusplus
}
#endif

#endif /* WINENOTIFY_CFGMGR32_NOTIFY_H */
