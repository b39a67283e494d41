/*
 * The network connectivity hint (iphlpapi.dll, Windows 10 2004 and later): NL_NETWORK_CONNECTIVITY_HINT,
 * GetNetworkConnectivityHint, GetNetworkConnectivityHintForInterface, NotifyNetworkConnectivityHintChange.
 *
 * What MinGW-w64 10 has: its import libraries (x86_64 and i686) import the three functions; no header
 * declares them or the types.  The layouts here are Microsoft's documented ones (nldef.h, netioapi.h pages on
 * learn.microsoft.com): two 32-bit enums and three BOOLEANs, 12 bytes with the padding; the callback takes the
 * structure by value (on x86_64 that means a pointer to a copy, on i686 twelve bytes on the stack: the
 * compiler does either when the prototype says "by value").  winetest/headers.c checks the sizes.
 *
 * Include after <iphlpapi.h>/<netioapi.h>.
 */
#ifndef WINENOTIFY_CONNECTIVITY_HINT_H
#define WINENOTIFY_CONNECTIVITY_HINT_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum _NL_NETWORK_CONNECTIVITY_LEVEL_HINT
{
    NetworkConnectivityLevelHintUnknown = 0,
    NetworkConnectivityLevelHintNone,
    NetworkConnectivityLevelHintLocalAccess,
    NetworkConnectivityLevelHintInternetAccess,
    NetworkConnectivityLevelHintConstrainedInternetAccess,
    NetworkConnectivityLevelHintHidden,
} NL_NETWORK_CONNECTIVITY_LEVEL_HINT;

typedef enum _NL_NETWORK_CONNECTIVITY_COST_HINT
{
    NetworkConnectivityCostHintUnknown = 0,
    NetworkConnectivityCostHintUnrestricted,
    NetworkConnectivityCostHintFixed,
    NetworkConnectivityCostHintVariable,
} NL_NETWORK_CONNECTIVITY_COST_HINT;

typedef struct _NL_NETWORK_CONNECTIVITY_HINT
{
    NL_NETWORK_CONNECTIVITY_LEVEL_HINT ConnectivityLevel;
    NL_NETWORK_CONNECTIVITY_COST_HINT ConnectivityCost;
    BOOLEAN ApproachingDataLimit;
    BOOLEAN OverDataLimit;
    BOOLEAN Roaming;
} NL_NETWORK_CONNECTIVITY_HINT;

typedef VOID (WINAPI *PNETWORK_CONNECTIVITY_HINT_CHANGE_CALLBACK)(PVOID CallerContext,
                                                                  NL_NETWORK_CONNECTIVITY_HINT ConnectivityHint);

DWORD WINAPI GetNetworkConnectivityHint(NL_NETWORK_CONNECTIVITY_HINT *ConnectivityHint);
DWORD WINAPI GetNetworkConnectivityHintForInterface(ULONG InterfaceIndex,
                                                    NL_NETWORK_CONNECTIVITY_HINT *ConnectivityHint);
DWORD WINAPI NotifyNetworkConnectivityHintChange(PNETWORK_CONNECTIVITY_HINT_CHANGE_CALLBACK Callback,
                                                 PVOID CallerContext, BOOLEAN InitialNotification,
                                                 PHANDLE NotificationHandle);

#ifdef __cplusplus
}
#endif

#endif
