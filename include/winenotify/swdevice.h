/*
 * Software Device API (swdevice.h + swdevicedef.h of the Windows SDK; the
 * functions live in cfgmgr32.dll, Windows 8+, SwDevice{Get,Set}Lifetime 8.1+).
 *
 * What MinGW-w64 10 has: no swdevice.h or swdevicedef.h at all, and its
 * devpropdef.h stops at DEVPROPKEY/DEVPROPTYPE (no DEVPROPSTORE,
 * DEVPROPCOMPKEY, DEVPROPERTY).  Its x86_64 libcfgmgr32.a imports the Sw*
 * functions; its i686 one does not, so 32-bit code must GetProcAddress them.
 *
 * Include as <winenotify/swdevice.h>, with include/ (never include/winenotify/)
 * on the include path: the test below must find the toolchain's <swdevice.h>,
 * not this file.
 */
#ifdef WINENOTIFY_SWDEVICE_LOOKING
#error "<swdevice.h> found winenotify/swdevice.h itself: put include/, not include/winenotify/, on the include path"
#endif

#ifndef WINENOTIFY_SWDEVICE_H
#define WINENOTIFY_SWDEVICE_H

#include <windows.h>
#include <devpropdef.h>

/*
 * Guard for everything SwDevice: whether the toolchain has <swdevice.h>.  The
 * SDK's header guard (_SWDEVICE_H_) is not a promise a future MinGW port keeps,
 * and its companion swdevicedef.h has no macro guard at all (#pragma once), so
 * asking for the file itself is the test that cannot miss.  If it exists it is
 * used as is and nothing of the API is defined here.
 */
#if defined(__has_include)
#if __has_include(<swdevice.h>)
#define WINENOTIFY_SWDEVICE_LOOKING
#include <swdevice.h>
#undef WINENOTIFY_SWDEVICE_LOOKING
#define WINENOTIFY_SYSTEM_SWDEVICE 1
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Guard for the devpropdef.h additions: a toolchain swdevice.h brings them (its
 * prototypes need DEVPROPERTY), and the SDK's devpropdef.h defines the macro
 * IsEqualDevPropCompKey right beside DEVPROPCOMPKEY, so a devpropdef.h that
 * gained these types on its own most likely has it too.
 * WINENOTIFY_HAVE_DEVPROPERTY is the build's way out if neither holds.
 */
#if !defined(WINENOTIFY_SYSTEM_SWDEVICE) && !defined(IsEqualDevPropCompKey) \
    && !defined(WINENOTIFY_HAVE_DEVPROPERTY)

typedef enum _DEVPROPSTORE
{
    DEVPROP_STORE_SYSTEM,
    DEVPROP_STORE_USER
} DEVPROPSTORE, *PDEVPROPSTORE;

/* 28 bytes on 32-bit (LocaleName at 24), 32 on 64-bit (LocaleName at 24). */
typedef struct _DEVPROPCOMPKEY
{
    DEVPROPKEY Key;
    DEVPROPSTORE Store;
    PCWSTR LocaleName;
} DEVPROPCOMPKEY, *PDEVPROPCOMPKEY;

/* 40 bytes on 32-bit, 48 on 64-bit. */
typedef struct _DEVPROPERTY
{
    DEVPROPCOMPKEY CompKey;
    DEVPROPTYPE Type;
    ULONG BufferSize;
    PVOID Buffer;
} DEVPROPERTY, *PDEVPROPERTY;

#endif /* DEVPROPERTY guard */

#ifndef WINENOTIFY_SYSTEM_SWDEVICE

typedef enum _SW_DEVICE_CAPABILITIES
{
    SWDeviceCapabilitiesNone           = 0x00000000,
    SWDeviceCapabilitiesRemovable      = 0x00000001,
    SWDeviceCapabilitiesSilentInstall  = 0x00000002,
    SWDeviceCapabilitiesNoDisplayInUI  = 0x00000004,
    SWDeviceCapabilitiesDriverRequired = 0x00000008
} SW_DEVICE_CAPABILITIES, *PSW_DEVICE_CAPABILITIES;

/* cbSize versions the structure: 36 bytes on 32-bit, 72 on 64-bit. */
typedef struct _SW_DEVICE_CREATE_INFO
{
    ULONG cbSize;
    PCWSTR pszInstanceId;
    PCZZWSTR pszzHardwareIds;
    PCZZWSTR pszzCompatibleIds;
    const GUID *pContainerId;
    ULONG CapabilityFlags;
    PCWSTR pszDeviceDescription;
    PCWSTR pszDeviceLocation;
    const SECURITY_DESCRIPTOR *pSecurityDescriptor;
} SW_DEVICE_CREATE_INFO, *PSW_DEVICE_CREATE_INFO;

typedef enum _SW_DEVICE_LIFETIME
{
    SWDeviceLifetimeHandle,
    SWDeviceLifetimeParentPresent,
    SWDeviceLifetimeMax
} SW_DEVICE_LIFETIME, *PSW_DEVICE_LIFETIME;

DECLARE_HANDLE(HSWDEVICE);
typedef HSWDEVICE *PHSWDEVICE;

typedef VOID (WINAPI *SW_DEVICE_CREATE_CALLBACK)(HSWDEVICE hSwDevice, HRESULT CreateResult,
                                                 PVOID pContext, PCWSTR pszDeviceInstanceId);

/* The SDK declares these without dllimport, so cfgmgr32 can define them as is. */
HRESULT WINAPI SwDeviceCreate(PCWSTR pszEnumeratorName, PCWSTR pszParentDeviceInstance,
                              const SW_DEVICE_CREATE_INFO *pCreateInfo, ULONG cPropertyCount,
                              const DEVPROPERTY *pProperties, SW_DEVICE_CREATE_CALLBACK pCallback,
                              PVOID pContext, PHSWDEVICE phSwDevice);
VOID WINAPI SwDeviceClose(HSWDEVICE hSwDevice);
HRESULT WINAPI SwDeviceSetLifetime(HSWDEVICE hSwDevice, SW_DEVICE_LIFETIME Lifetime);
HRESULT WINAPI SwDeviceGetLifetime(HSWDEVICE hSwDevice, PSW_DEVICE_LIFETIME pLifetime);
HRESULT WINAPI SwDevicePropertySet(HSWDEVICE hSwDevice, ULONG cPropertyCount,
                                   const DEVPROPERTY *pProperties);
HRESULT WINAPI SwDeviceInterfaceRegister(HSWDEVICE hSwDevice, const GUID *pInterfaceClassGuid,
                                         PCWSTR pszReferenceString, ULONG cPropertyCount,
                                         const DEVPROPERTY *pProperties, BOOL fEnabled,
                                         PWSTR *ppszDeviceInterfaceId);
VOID WINAPI SwMemFree(PVOID pMem);
HRESULT WINAPI SwDeviceInterfaceSetState(HSWDEVICE hSwDevice, PCWSTR pszDeviceInterfaceId,
                                         BOOL fEnabled);
HRESULT WINAPI SwDeviceInterfacePropertySet(HSWDEVICE hSwDevice, PCWSTR pszDeviceInterfaceId,
                                            ULONG cPropertyCount,
                                            const DEVPROPERTY *pProperties);

#endif /* !WINENOTIFY_SYSTEM_SWDEVICE */

#ifdef __cplusplus
}
#endif

#endif /* WINENOTIFY_SWDEVICE_H */
