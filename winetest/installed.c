/* A prefix set up by winenotify-setup: a program that loads iphlpapi and cfgmgr32 only from the system directory
 * (LoadLibraryEx with LOAD_LIBRARY_SEARCH_SYSTEM32, as programs that guard against DLL planting do) gets ours, its
 * forwarded functions still reach Wine's copy, after them every lookup by name (LOAD_LIBRARY_SEARCH_SYSTEM32 and
 * LOAD_LIBRARY_SEARCH_DEFAULT_DIRS included) still gives ours (issue #15), and a notification registered through
 * what such a lookup found arrives for a real host change.
 *
 * Run by tools/check-install with WINENOTIFY_EXPECT=installed after the install; anywhere else (Windows, a prefix
 * without winenotify) it only checks that the system directory's DLLs load, and skips the rest. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdio.h>
#include <string.h>

#include "test.h"
#include "sysdir.h"
#include "unix.h"
#include "lookup.h"
#include "netdev.h"

#define WAIT_MS 10000
#define TEST_ADDR "10.77.0.1"

/* Wine marks its own PE DLLs with this text in the DOS stub area (after the 64-byte DOS header). */
static BOOL is_wine_builtin(HMODULE module)
{
    static const char marker[] = "Wine builtin DLL";
    return !memcmp((const char *)module + sizeof(IMAGE_DOS_HEADER), marker, sizeof(marker) - 1);
}

static BOOL in_wow64_directory(HMODULE module)
{
    WCHAR path[MAX_PATH], dir[MAX_PATH];
    UINT len = GetSystemWow64DirectoryW(dir, MAX_PATH);

    if (!len || len >= MAX_PATH || !GetModuleFileNameW(module, path, MAX_PATH)) return FALSE;
    return !_wcsnicmp(path, dir, len) && path[len] == '\\';
}

static HMODULE load_from_system(const WCHAR *name)
{
    HMODULE module = LoadLibraryExW(name, NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);

    ok(module != NULL, "%ls from the system directory: error %lu\n", name, GetLastError());
    if (!module) return NULL;
    /* A 32-bit program on a 64-bit system may see it under the WoW64 directory's name. */
    ok(in_system_directory(module) || in_wow64_directory(module), "%ls was not loaded from the system directory\n",
       name);
    return module;
}

static HANDLE seen;
static ULONG test_index;

static void WINAPI on_address(void *ctx, MIB_UNICASTIPADDRESS_ROW *row, MIB_NOTIFICATION_TYPE type)
{
    char text[INET_ADDRSTRLEN] = "";

    (void)ctx;
    if (!row || type != MibAddInstance || row->Address.si_family != AF_INET) return;
    inet_ntop(AF_INET, &row->Address.Ipv4.sin_addr, text, sizeof(text));
    if (strcmp(text, TEST_ADDR)) return;
    test_index = row->InterfaceIndex;
    SetEvent(seen);
}

static void test_live_notification(HMODULE iphlpapi)
{
    DWORD (WINAPI *pNotifyUnicastIpAddressChange)(ADDRESS_FAMILY, PUNICAST_IPADDRESS_CHANGE_CALLBACK, void *,
                                                   BOOLEAN, HANDLE *);
    DWORD (WINAPI *pCancelMibChangeNotify2)(HANDLE);
    DWORD (WINAPI *pConvertInterfaceAliasToLuid)(const WCHAR *, NET_LUID *);
    DWORD (WINAPI *pConvertInterfaceLuidToIndex)(const NET_LUID *, NET_IFINDEX *);
    const char *alias = getenv("WINENOTIFY_TEST_IF");
    WCHAR walias[64];
    NET_LUID luid;
    NET_IFINDEX index = 0;
    HANDLE handle = NULL;
    char script[128];
    DWORD ret;

    if (!alias || !*alias)
    {
        skip("WINENOTIFY_TEST_IF is not set: no interface to change\n");
        return;
    }
    pNotifyUnicastIpAddressChange = (void *)GetProcAddress(iphlpapi, "NotifyUnicastIpAddressChange");
    pCancelMibChangeNotify2 = (void *)GetProcAddress(iphlpapi, "CancelMibChangeNotify2");
    pConvertInterfaceAliasToLuid = (void *)GetProcAddress(iphlpapi, "ConvertInterfaceAliasToLuid");
    pConvertInterfaceLuidToIndex = (void *)GetProcAddress(iphlpapi, "ConvertInterfaceLuidToIndex");
    ok(pNotifyUnicastIpAddressChange && pCancelMibChangeNotify2 && pConvertInterfaceAliasToLuid &&
       pConvertInterfaceLuidToIndex, "missing exports\n");
    if (!pNotifyUnicastIpAddressChange || !pCancelMibChangeNotify2 || !pConvertInterfaceAliasToLuid ||
        !pConvertInterfaceLuidToIndex) return;

    /* Forwarded to Wine's copy, which setup moved aside: it must still answer. */
    MultiByteToWideChar(CP_ACP, 0, alias, -1, walias, ARRAY_SIZE(walias));
    ret = pConvertInterfaceAliasToLuid(walias, &luid);
    ok(!ret, "ConvertInterfaceAliasToLuid(%s): %lu\n", alias, ret);
    if (!ret) ok(!pConvertInterfaceLuidToIndex(&luid, &index) && index, "no index for %s\n", alias);

    seen = CreateEventW(NULL, TRUE, FALSE, NULL);
    ret = pNotifyUnicastIpAddressChange(AF_UNSPEC, on_address, NULL, FALSE, &handle);
    ok(!ret, "NotifyUnicastIpAddressChange: %lu\n", ret);
    if (ret) return;
    snprintf(script, sizeof(script), "ip addr add %s/24 dev %s", TEST_ADDR, alias);
    if (winetest_run_unix(NULL, script))
    {
        ok(!WaitForSingleObject(seen, WAIT_MS), "no notification for %s on %s within %u ms\n", TEST_ADDR, alias,
           WAIT_MS);
        ok(test_index == index, "notified on index %lu, %s is %lu\n", test_index, alias, index);
    }
    ret = pCancelMibChangeNotify2(handle);
    ok(!ret, "CancelMibChangeNotify2: %lu\n", ret);
    snprintf(script, sizeof(script), "ip addr del %s/24 dev %s", TEST_ADDR, alias);
    winetest_run_unix(NULL, script);
    CloseHandle(seen);
}

/* Forwarded calls of both DLLs first (Wine's copies behind ours answer them), then every lookup by name: ours. */
static void test_identity(HMODULE iphlpapi, HMODULE cfgmgr32)
{
    DWORD (WINAPI *pGetIfTable2)(MIB_IF_TABLE2 **) = (void *)GetProcAddress(iphlpapi, "GetIfTable2");
    void (WINAPI *pFreeMibTable)(void *) = (void *)GetProcAddress(iphlpapi, "FreeMibTable");
    CONFIGRET (WINAPI *pCM_Get_Device_ID_List_SizeW)(ULONG *, const WCHAR *, ULONG) =
        (void *)GetProcAddress(cfgmgr32, "CM_Get_Device_ID_List_SizeW");
    MIB_IF_TABLE2 *table = NULL;
    ULONG len = 0;

    ok(pGetIfTable2 && pFreeMibTable && pCM_Get_Device_ID_List_SizeW, "missing exports\n");
    if (!pGetIfTable2 || !pFreeMibTable || !pCM_Get_Device_ID_List_SizeW) return;
    ok(!pGetIfTable2(&table) && table && table->NumEntries, "GetIfTable2 failed\n");
    if (table) pFreeMibTable(table);
    ok(pCM_Get_Device_ID_List_SizeW(&len, NULL, CM_GETIDLIST_FILTER_NONE) == CR_SUCCESS,
       "CM_Get_Device_ID_List_SizeW failed\n");

    check_lookups("iphlpapi", iphlpapi, "NotifyUnicastIpAddressChange");
    check_lookups("cfgmgr32", cfgmgr32, "CM_Register_Notification");
}

/* CM_Register_Notification found by LoadLibraryEx(LOAD_LIBRARY_SEARCH_DEFAULT_DIRS) after forwarding: ours. */
static void test_device_arrival(void)
{
    HMODULE cfgmgr32 = LoadLibraryExW(L"cfgmgr32.dll", NULL, LOAD_LIBRARY_SEARCH_DEFAULT_DIRS);
    CONFIGRET (WINAPI *reg)(CM_NOTIFY_FILTER *, void *, PCM_NOTIFY_CALLBACK, HCMNOTIFICATION *) =
        cfgmgr32 ? (void *)GetProcAddress(cfgmgr32, "CM_Register_Notification") : NULL;
    CONFIGRET (WINAPI *unreg)(HCMNOTIFICATION) =
        cfgmgr32 ? (void *)GetProcAddress(cfgmgr32, "CM_Unregister_Notification") : NULL;

    ok(reg && unreg, "CM_Register_Notification %p, CM_Unregister_Notification %p\n", reg, unreg);
    if (reg && unreg)
        ok(netdev_arrival_heard(reg, unreg, "wninst0", WAIT_MS), "no arrival of wninst0: not our registration\n");
    if (cfgmgr32) FreeLibrary(cfgmgr32);
}

START_TEST(installed)
{
    HMODULE iphlpapi = load_from_system(L"iphlpapi.dll"), cfgmgr32 = load_from_system(L"cfgmgr32.dll");
    char expect[16];

    if (!winetest_platform_is_wine || !GetEnvironmentVariableA("WINENOTIFY_EXPECT", expect, sizeof(expect)) ||
        strcmp(expect, "installed"))
    {
        skip("not a prefix set up by winenotify-setup (WINENOTIFY_EXPECT=installed is not set)\n");
        return;
    }
    if (!iphlpapi || !cfgmgr32) return;
    ok(!is_wine_builtin(iphlpapi), "the system directory's iphlpapi.dll is Wine's, not ours\n");
    ok(!is_wine_builtin(cfgmgr32), "the system directory's cfgmgr32.dll is Wine's, not ours\n");
    if (is_wine_builtin(iphlpapi) || is_wine_builtin(cfgmgr32)) return;
    test_identity(iphlpapi, cfgmgr32);
    /* Found again by name after the forwarded calls. */
    iphlpapi = LoadLibraryExW(L"iphlpapi.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    ok(!is_wine_builtin(iphlpapi), "after forwarded calls, the system directory's iphlpapi.dll is Wine's\n");
    if (!is_wine_builtin(iphlpapi)) test_live_notification(iphlpapi);
    test_device_arrival();
}
