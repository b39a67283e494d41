/* The acceptance client of issue 16: what a WireGuard-style program does with its tunnel interface, following the
 * patterns of Go's winipcfg (the package WireGuard and Tailscale use), through functions looked up the way Go's
 * golang.org/x/sys/windows finds them: iphlpapi.dll loaded from the system directory only
 * (LOAD_LIBRARY_SEARCH_SYSTEM32), every function by GetProcAddress.  Under Wine that reaches our DLL only when it is
 * installed into the prefix (tools/check-install runs this program there).
 *
 * The cycle: find the adapter with GetAdaptersAddresses(GAA_FLAG_INCLUDE_PREFIX | GAA_FLAG_INCLUDE_GATEWAYS);
 * register for interface, address and route changes; LUID.IPInterface (InitializeIpInterfaceEntry +
 * GetIpInterfaceEntry); SetIPInterface with a new MTU (SetIpInterfaceEntry, after winipcfg's SitePrefixLength
 * patch); AddIPAddress / IPAddress (InitializeUnicastIpAddressEntry + CreateUnicastIpAddressEntry /
 * GetUnicastIpAddressEntry); AddRoute / Route / DeleteRoute (InitializeIpForwardEntry + CreateIpForwardEntry2 /
 * GetIpForwardEntry2 / DeleteIpForwardEntry2); each step's notification observed and its row re-read with the
 * notified keys; then everything undone.
 *
 * Under Wine the interface is a tun made for the test; on Windows it is WINENOTIFY_TEST_IF (the changes need
 * administrator rights: without them the program skips). */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "mibnotes.h"
#include "unix.h"

#define WAIT_MS 10000
#define TUN "wnwg0"
#define NEW_MTU 1380

/* winipcfg's lazy procs. */
static void (WINAPI *pInitializeIpInterfaceEntry)(MIB_IPINTERFACE_ROW *);
static DWORD (WINAPI *pGetIpInterfaceEntry)(MIB_IPINTERFACE_ROW *);
static DWORD (WINAPI *pSetIpInterfaceEntry)(MIB_IPINTERFACE_ROW *);
static void (WINAPI *pInitializeUnicastIpAddressEntry)(MIB_UNICASTIPADDRESS_ROW *);
static DWORD (WINAPI *pCreateUnicastIpAddressEntry)(const MIB_UNICASTIPADDRESS_ROW *);
static DWORD (WINAPI *pGetUnicastIpAddressEntry)(MIB_UNICASTIPADDRESS_ROW *);
static DWORD (WINAPI *pDeleteUnicastIpAddressEntry)(const MIB_UNICASTIPADDRESS_ROW *);
static void (WINAPI *pInitializeIpForwardEntry)(MIB_IPFORWARD_ROW2 *);
static DWORD (WINAPI *pCreateIpForwardEntry2)(const MIB_IPFORWARD_ROW2 *);
static DWORD (WINAPI *pGetIpForwardEntry2)(MIB_IPFORWARD_ROW2 *);
static DWORD (WINAPI *pDeleteIpForwardEntry2)(const MIB_IPFORWARD_ROW2 *);
static ULONG (WINAPI *pGetAdaptersAddresses)(ULONG, ULONG, void *, IP_ADAPTER_ADDRESSES *, ULONG *);
static DWORD (WINAPI *pNotifyIpInterfaceChange)(ADDRESS_FAMILY, PIPINTERFACE_CHANGE_CALLBACK, void *, BOOLEAN,
                                                HANDLE *);
static DWORD (WINAPI *pNotifyUnicastIpAddressChange)(ADDRESS_FAMILY, PUNICAST_IPADDRESS_CHANGE_CALLBACK, void *,
                                                     BOOLEAN, HANDLE *);
static DWORD (WINAPI *pNotifyRouteChange2)(ADDRESS_FAMILY, PIPFORWARD_CHANGE_CALLBACK, void *, BOOLEAN, HANDLE *);
static DWORD (WINAPI *pCancelMibChangeNotify2)(HANDLE);
static DWORD (WINAPI *pConvertInterfaceLuidToGuid)(const NET_LUID *, GUID *);
static DWORD (WINAPI *pConvertInterfaceLuidToIndex)(const NET_LUID *, NET_IFINDEX *);

/* From the system directory, as Go does: ours when installed into the prefix (WINENOTIFY_EXPECT=installed, set by
 * tools/check-install), Windows' on Windows.  In the other Wine cells, where our DLLs lie beside the program and
 * Wine's own are in the system directory, by the default search, which finds ours beside it. */
static BOOL load_procs(void)
{
    char expect[16] = "";
    BOOL system_only = !winetest_platform_is_wine
                       || (GetEnvironmentVariableA("WINENOTIFY_EXPECT", expect, sizeof(expect))
                           && !strcmp(expect, "installed"));
    HMODULE m = system_only ? LoadLibraryExW(L"iphlpapi.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32)
                            : LoadLibraryW(L"iphlpapi.dll");
    BOOL all = TRUE;

    ok(m != NULL, "iphlpapi.dll%s: %lu\n", system_only ? " from the system directory" : "", GetLastError());
    if (!m) return FALSE;
#define PROC(name) if (!(p##name = (void *)GetProcAddress(m, #name))) { ok(0, "no " #name "\n"); all = FALSE; }
    PROC(InitializeIpInterfaceEntry) PROC(GetIpInterfaceEntry) PROC(SetIpInterfaceEntry)
    PROC(InitializeUnicastIpAddressEntry) PROC(CreateUnicastIpAddressEntry) PROC(GetUnicastIpAddressEntry)
    PROC(DeleteUnicastIpAddressEntry) PROC(InitializeIpForwardEntry) PROC(CreateIpForwardEntry2)
    PROC(GetIpForwardEntry2) PROC(DeleteIpForwardEntry2) PROC(GetAdaptersAddresses) PROC(NotifyIpInterfaceChange)
    PROC(NotifyUnicastIpAddressChange) PROC(NotifyRouteChange2) PROC(CancelMibChangeNotify2)
    PROC(ConvertInterfaceLuidToGuid) PROC(ConvertInterfaceLuidToIndex)
#undef PROC
    return all;
}

/* ---- winipcfg's steps ------------------------------------------------------------------------------------- */

static void set_sockaddr(SOCKADDR_INET *sa, ADDRESS_FAMILY family, const char *text)
{
    memset(sa, 0, sizeof(*sa));
    sa->si_family = family;
    if (family == AF_INET) inet_pton(AF_INET, text, &sa->Ipv4.sin_addr);
    else inet_pton(AF_INET6, text, &sa->Ipv6.sin6_addr);
}

/* The adapter by its friendly name, as winipcfg's GetAdaptersAddresses wrapper finds it (with prefixes). */
static BOOL find_adapter(const WCHAR *name, NET_LUID *luid, BOOL *has_prefix)
{
    ULONG size = 15000, err = ERROR_BUFFER_OVERFLOW;
    IP_ADAPTER_ADDRESSES *list = NULL, *aa;
    BOOL found = FALSE;
    int tries;

    for (tries = 0; tries < 4 && err == ERROR_BUFFER_OVERFLOW; tries++)
    {
        free(list);
        list = malloc(size);
        err = pGetAdaptersAddresses(AF_UNSPEC, GAA_FLAG_INCLUDE_PREFIX | GAA_FLAG_INCLUDE_GATEWAYS, NULL, list, &size);
    }
    ok(!err, "GetAdaptersAddresses(GAA_FLAG_INCLUDE_PREFIX | GAA_FLAG_INCLUDE_GATEWAYS): %lu\n", err);
    for (aa = err ? NULL : list; aa && !found; aa = aa->Next)
    {
        GUID guid;
        char text[64];

        if (!aa->FriendlyName || wcscmp(aa->FriendlyName, name)) continue;
        found = TRUE;
        *luid = aa->Luid;
        if (has_prefix) *has_prefix = aa->FirstPrefix != NULL;
        /* winipcfg reads the adapter's GUID from AdapterName and compares it with the LUID's. */
        ok(!pConvertInterfaceLuidToGuid(&aa->Luid, &guid), "no GUID for the adapter's LUID\n");
        snprintf(text, sizeof(text), "{%08lX-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", guid.Data1, guid.Data2,
                 guid.Data3, guid.Data4[0], guid.Data4[1], guid.Data4[2], guid.Data4[3], guid.Data4[4],
                 guid.Data4[5], guid.Data4[6], guid.Data4[7]);
        ok(!_stricmp(aa->AdapterName, text), "AdapterName %s, the LUID's GUID %s\n", aa->AdapterName, text);
    }
    free(list);
    return found;
}

/* LUID.IPInterface(family): Init, keys, Get, and winipcfg's patch (SetIpInterfaceEntry refuses the IPv4
 * SitePrefixLength Windows' own GetIpInterfaceEntry reports). */
static DWORD ip_interface(NET_LUID luid, ADDRESS_FAMILY family, MIB_IPINTERFACE_ROW *row)
{
    DWORD err;

    pInitializeIpInterfaceEntry(row);
    row->InterfaceLuid = luid;
    row->Family = family;
    if ((err = pGetIpInterfaceEntry(row))) return err;
    if (family == AF_INET && row->SitePrefixLength > 32) row->SitePrefixLength = 0;
    if (family == AF_INET6 && row->SitePrefixLength > 128) row->SitePrefixLength = 128;
    return NO_ERROR;
}

/* SetIPInterface with a new MTU, its parameter notification, and the MTU read back with the notified keys. */
static void set_mtu(NET_LUID luid, ADDRESS_FAMILY family, ULONG mtu)
{
    MIB_IPINTERFACE_ROW row;
    int mark = mib_notes_last(), e;
    DWORD err;

    winetest_push_context("IPv%u MTU %lu", family == AF_INET ? 4 : 6, mtu);
    err = ip_interface(luid, family, &row);
    ok(!err, "LUID.IPInterface: %lu\n", err);
    if (!err)
    {
        row.NlMtu = mtu;
        err = pSetIpInterfaceEntry(&row);
        ok(!err, "SetIpInterfaceEntry: %lu\n", err);
        e = err ? -1 : mib_notes_wait(NOTE_IFACE, MibParameterNotification, family, luid, NULL, mark);
        ok(err || e >= 0, "no parameter notification\n");
        err = ip_interface(luid, family, &row);
        ok(!err && row.NlMtu == mtu, "read back: %lu, NlMtu %lu\n", err, row.NlMtu);
    }
    winetest_pop_context();
}

/* wireguard-windows' configureInterface (tunnel/addressconfig.go) after its addresses and routes: LUID.IPInterface,
 * then no router discovery, no duplicate address detection, no DHCP, the tunnel's MTU and, when the family's
 * default route goes through the tunnel, a fixed interface metric of 0; one SetIpInterfaceEntry.  It succeeds,
 * is notified, and reads back as set.  saved gets the row as it was. */
static void configure_interface(NET_LUID luid, ADDRESS_FAMILY family, ULONG mtu, BOOL default_route,
                                MIB_IPINTERFACE_ROW *saved)
{
    MIB_IPINTERFACE_ROW row;
    int mark = mib_notes_last(), e;
    DWORD err;

    winetest_push_context("IPv%u configureInterface%s", family == AF_INET ? 4 : 6,
                          default_route ? " with a default route" : "");
    err = ip_interface(luid, family, &row);
    ok(!err, "LUID.IPInterface: %lu\n", err);
    if (!err)
    {
        if (saved) *saved = row;
        row.RouterDiscoveryBehavior = RouterDiscoveryDisabled;
        row.DadTransmits = 0;
        row.ManagedAddressConfigurationSupported = FALSE;
        row.OtherStatefulConfigurationSupported = FALSE;
        row.NlMtu = mtu;
        if (default_route)
        {
            row.UseAutomaticMetric = FALSE;
            row.Metric = 0;
        }
        err = pSetIpInterfaceEntry(&row);
        ok(!err, "SetIpInterfaceEntry: %lu\n", err);
        e = err ? -1 : mib_notes_wait(NOTE_IFACE, MibParameterNotification, family, luid, NULL, mark);
        ok(err || e >= 0, "no parameter notification\n");
        err = ip_interface(luid, family, &row);
        ok(!err && row.NlMtu == mtu && !row.DadTransmits && row.RouterDiscoveryBehavior == RouterDiscoveryDisabled
           && !row.ManagedAddressConfigurationSupported && !row.OtherStatefulConfigurationSupported,
           "read back: %lu, NlMtu %lu, DadTransmits %lu, RouterDiscoveryBehavior %d\n", err, row.NlMtu,
           row.DadTransmits, row.RouterDiscoveryBehavior);
        if (default_route)
            ok(!err && !row.UseAutomaticMetric && !row.Metric, "read back: metric %lu, automatic %u\n", row.Metric,
               row.UseAutomaticMetric);
    }
    winetest_pop_context();
}

/* What configureInterface changed besides the MTU, as it was (set_mtu restores that). */
static void restore_interface(NET_LUID luid, const MIB_IPINTERFACE_ROW *saved)
{
    MIB_IPINTERFACE_ROW row;
    DWORD err;

    if ((err = ip_interface(luid, saved->Family, &row)))
    {
        ok(0, "LUID.IPInterface: %lu\n", err);
        return;
    }
    row.RouterDiscoveryBehavior = saved->RouterDiscoveryBehavior;
    row.DadTransmits = saved->DadTransmits;
    row.ManagedAddressConfigurationSupported = saved->ManagedAddressConfigurationSupported;
    row.OtherStatefulConfigurationSupported = saved->OtherStatefulConfigurationSupported;
    row.UseAutomaticMetric = saved->UseAutomaticMetric;
    row.Metric = saved->Metric;
    err = pSetIpInterfaceEntry(&row);
    ok(!err, "IPv%u restored: %lu\n", saved->Family == AF_INET ? 4 : 6, err);
}

/* AddIPAddress, its notification, IPAddress with the notified keys. */
static BOOL add_address(NET_LUID luid, ADDRESS_FAMILY family, const char *text, UINT8 len,
                        MIB_UNICASTIPADDRESS_ROW *row)
{
    MIB_UNICASTIPADDRESS_ROW read;
    int mark = mib_notes_last(), e;
    DWORD err;

    pInitializeUnicastIpAddressEntry(row);
    row->InterfaceLuid = luid;
    set_sockaddr(&row->Address, family, text);
    row->OnLinkPrefixLength = len;
    err = pCreateUnicastIpAddressEntry(row);
    if (err == ERROR_ACCESS_DENIED)
    {
        skip("no right to change the network\n");
        return FALSE;
    }
    ok(!err, "AddIPAddress %s: %lu\n", text, err);
    if (err) return FALSE;
    e = mib_notes_wait(NOTE_ADDR, MibAddInstance, family, luid, &row->Address, mark);
    ok(e >= 0, "no add notification for %s\n", text);
    memset(&read, 0, sizeof(read));
    read.Address = e >= 0 ? mib_seen.notes[e].addr : row->Address;
    read.InterfaceLuid = luid;
    err = pGetUnicastIpAddressEntry(&read);
    ok(!err, "IPAddress %s: %lu\n", text, err);
    if (!err) ok(read.OnLinkPrefixLength == len, "%s: OnLinkPrefixLength %u\n", text, read.OnLinkPrefixLength);
    return TRUE;
}

static void delete_address(NET_LUID luid, const MIB_UNICASTIPADDRESS_ROW *row)
{
    MIB_UNICASTIPADDRESS_ROW read = *row;
    int mark = mib_notes_last();
    DWORD err = pDeleteUnicastIpAddressEntry(row);

    ok(!err, "DeleteUnicastIpAddressEntry: %lu\n", err);
    if (err) return;
    ok(mib_notes_wait(NOTE_ADDR, MibDeleteInstance, row->Address.si_family, luid, &row->Address, mark) >= 0,
       "no delete notification for an address\n");
    ok(pGetUnicastIpAddressEntry(&read) == ERROR_NOT_FOUND, "the address is still there\n");
}

/* AddRoute, its notification, Route with the notified keys. */
static BOOL add_route(NET_LUID luid, ADDRESS_FAMILY family, const char *dst, UINT8 len, const char *next_hop,
                      MIB_IPFORWARD_ROW2 *row)
{
    MIB_IPFORWARD_ROW2 read;
    int mark = mib_notes_last(), e;
    DWORD err;

    pInitializeIpForwardEntry(row);
    row->InterfaceLuid = luid;
    set_sockaddr(&row->DestinationPrefix.Prefix, family, dst);
    row->DestinationPrefix.PrefixLength = len;
    set_sockaddr(&row->NextHop, family, next_hop);
    row->Metric = 0;
    err = pCreateIpForwardEntry2(row);
    ok(!err, "AddRoute %s/%u: %lu\n", dst, len, err);
    if (err) return FALSE;
    e = mib_notes_wait(NOTE_ROUTE, MibAddInstance, family, luid, &row->DestinationPrefix.Prefix, mark);
    ok(e >= 0, "no add notification for %s/%u\n", dst, len);
    memset(&read, 0, sizeof(read));
    read.InterfaceLuid = luid;
    read.DestinationPrefix.Prefix = row->DestinationPrefix.Prefix;
    read.DestinationPrefix.PrefixLength = len;
    read.NextHop = row->NextHop;
    err = pGetIpForwardEntry2(&read);
    ok(!err, "Route %s/%u: %lu\n", dst, len, err);
    if (!err)
    {
        NET_IFINDEX index = 0;

        pConvertInterfaceLuidToIndex(&luid, &index);
        ok(read.InterfaceIndex == index, "%s/%u: InterfaceIndex %lu, the LUID's %lu\n", dst, len,
           read.InterfaceIndex, index);
        ok(mib_same_address(&read.NextHop, &row->NextHop), "%s/%u: another next hop\n", dst, len);
    }
    return TRUE;
}

static void delete_route(NET_LUID luid, const MIB_IPFORWARD_ROW2 *row)
{
    MIB_IPFORWARD_ROW2 read = *row;
    int mark = mib_notes_last();
    DWORD err = pDeleteIpForwardEntry2(row);

    ok(!err, "DeleteRoute: %lu\n", err);
    if (err) return;
    ok(mib_notes_wait(NOTE_ROUTE, MibDeleteInstance, row->DestinationPrefix.Prefix.si_family, luid,
                  &row->DestinationPrefix.Prefix, mark) >= 0, "no delete notification for a route\n");
    ok(pGetIpForwardEntry2(&read) == ERROR_NOT_FOUND, "the route is still there\n");
}

/* The whole configure-observe-undo cycle on the interface. */
static void run_cycle(const WCHAR *name)
{
    MIB_UNICASTIPADDRESS_ROW addr4, addr6;
    MIB_IPFORWARD_ROW2 route4, route6, default4, default6;
    MIB_IPINTERFACE_ROW row, saved4, saved6;
    HANDLE reg_iface = NULL, reg_addr = NULL, reg_route = NULL;
    ULONG mtu4 = 0, mtu6 = 0;
    NET_LUID luid;
    BOOL has_prefix = FALSE, have4, have6 = FALSE, have_r4 = FALSE, have_r6 = FALSE, have_d4 = FALSE, have_d6 = FALSE;
    DWORD err;

    memset(&saved4, 0, sizeof(saved4));
    memset(&saved6, 0, sizeof(saved6));

    if (!find_adapter(name, &luid, NULL))
    {
        ok(0, "no adapter %ls\n", name);
        return;
    }
    ok(!pNotifyIpInterfaceChange(AF_UNSPEC, mib_on_interface, NULL, FALSE, &reg_iface), "NotifyIpInterfaceChange\n");
    ok(!pNotifyUnicastIpAddressChange(AF_UNSPEC, mib_on_address, NULL, FALSE, &reg_addr),
       "NotifyUnicastIpAddressChange\n");
    ok(!pNotifyRouteChange2(AF_UNSPEC, mib_on_route, NULL, FALSE, &reg_route), "NotifyRouteChange2\n");

    err = ip_interface(luid, AF_INET, &row);
    ok(!err, "LUID.IPInterface(AF_INET): %lu\n", err);
    if (!err) mtu4 = row.NlMtu;

    have4 = add_address(luid, AF_INET, "10.83.0.2", 24, &addr4);
    if (have4)
    {
        have6 = add_address(luid, AF_INET6, "fd83::2", 64, &addr6);
        set_mtu(luid, AF_INET, NEW_MTU);
        if (have6 && !ip_interface(luid, AF_INET6, &row))
        {
            mtu6 = row.NlMtu;
            set_mtu(luid, AF_INET6, NEW_MTU - 20);
        }
        have_r4 = add_route(luid, AF_INET, "10.84.0.0", 16, "10.83.0.1", &route4);
        if (have6) have_r6 = add_route(luid, AF_INET6, "fd84::", 48, "::", &route6);

        /* WireGuard's own interface setup, for a tunnel with only such routes, then for one with the default
         * routes (added under Wine only, in the test's own network namespace: on Windows the settings alone). */
        configure_interface(luid, AF_INET, NEW_MTU - 40, FALSE, &saved4);
        if (have6) configure_interface(luid, AF_INET6, NEW_MTU - 60, FALSE, &saved6);
        if (winetest_platform_is_wine)
        {
            have_d4 = add_route(luid, AF_INET, "0.0.0.0", 0, "0.0.0.0", &default4);
            if (have6) have_d6 = add_route(luid, AF_INET6, "::", 0, "::", &default6);
        }
        configure_interface(luid, AF_INET, NEW_MTU - 50, TRUE, NULL);
        if (have6) configure_interface(luid, AF_INET6, NEW_MTU - 70, TRUE, NULL);
        if (have_d6) delete_route(luid, &default6);
        if (have_d4) delete_route(luid, &default4);
        if (have6 && saved6.Family) restore_interface(luid, &saved6);
        if (saved4.Family) restore_interface(luid, &saved4);

        /* The adapter as WireGuard looks it up now: with the new address's prefix. */
        ok(find_adapter(name, &luid, &has_prefix) && has_prefix, "no prefix listed for %ls\n", name);

        /* Undone, in the reverse order. */
        if (have_r6) delete_route(luid, &route6);
        if (have_r4) delete_route(luid, &route4);
        /* IPv4's first: on Linux it is the link's, which bounds IPv6's. */
        if (mtu4) set_mtu(luid, AF_INET, mtu4);
        if (mtu6) set_mtu(luid, AF_INET6, mtu6);
        if (have6) delete_address(luid, &addr6);
        delete_address(luid, &addr4);
    }
    ok(!pCancelMibChangeNotify2(reg_route), "CancelMibChangeNotify2 (routes)\n");
    ok(!pCancelMibChangeNotify2(reg_addr), "CancelMibChangeNotify2 (addresses)\n");
    ok(!pCancelMibChangeNotify2(reg_iface), "CancelMibChangeNotify2 (interfaces)\n");
    trace("%d notifications\n", mib_seen.count);
}

START_TEST(winipcfg)
{
    WSADATA wsa;
    WCHAR name[64];
    ULONGLONG deadline;
    const char *alias;

    WSAStartup(MAKEWORD(2, 2), &wsa);
    mib_notes_init();
    if (!load_procs()) return;
    if (winetest_platform_is_wine)
    {
        NET_LUID luid;

        /* A tun as wireguard-go makes one, up (a veth where the namespace's user may not open /dev/net/tun). */
        if (!winetest_run_unix(NULL, "ip tuntap add dev " TUN " mode tun || ip link add " TUN " type veth peer name "
                               TUN "p; ip link set " TUN " up"))
        {
            skip("cannot run host commands\n");
            return;
        }
        deadline = GetTickCount64() + WAIT_MS;
        while (!find_adapter(L"" TUN, &luid, NULL) && GetTickCount64() < deadline) Sleep(50);
        run_cycle(L"" TUN);
        winetest_run_unix(NULL, "ip link del " TUN);
        return;
    }
    if (!(alias = getenv("WINENOTIFY_TEST_IF")) || !*alias)
    {
        skip("WINENOTIFY_TEST_IF is not set: no interface to change\n");
        return;
    }
    MultiByteToWideChar(CP_ACP, 0, alias, -1, name, ARRAY_SIZE(name));
    run_cycle(name);
}
