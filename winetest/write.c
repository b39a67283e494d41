/* Conformance test of the functions the other tests change the network with: CreateUnicastIpAddressEntry,
 * DeleteUnicastIpAddressEntry, CreateIpForwardEntry2 and DeleteIpForwardEntry2 (Microsoft's documentation of
 * each: ERROR_INVALID_PARAMETER, ERROR_NOT_FOUND, ERROR_OBJECT_ALREADY_EXISTS, ERROR_ACCESS_DENIED).
 *
 * Changes are made on the interface whose alias is in WINENOTIFY_TEST_IF; without administrator rights (or, under
 * Wine, without the right to change the network namespace) they are refused with ERROR_ACCESS_DENIED and the
 * rest is skipped.  The system's own tables (GetUnicastIpAddressEntry, GetIpForwardTable2) must show each change
 * when the call returns. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "rows.h"

static void test_parameters(void)
{
    MIB_UNICASTIPADDRESS_ROW addr;
    MIB_IPFORWARD_ROW2 route;
    NET_LUID luid = { 0 };

    ok(CreateUnicastIpAddressEntry(NULL) == ERROR_INVALID_PARAMETER, "create address NULL\n");
    ok(DeleteUnicastIpAddressEntry(NULL) == ERROR_INVALID_PARAMETER, "delete address NULL\n");
    ok(CreateIpForwardEntry2(NULL) == ERROR_INVALID_PARAMETER, "create route NULL\n");
    ok(DeleteIpForwardEntry2(NULL) == ERROR_INVALID_PARAMETER, "delete route NULL\n");

    /* Neither a LUID nor an index: no interface named. */
    address_row(&addr, AF_INET, "10.79.0.1", 24, luid);
    ok(CreateUnicastIpAddressEntry(&addr) == ERROR_INVALID_PARAMETER, "create address without an interface\n");
    ok(DeleteUnicastIpAddressEntry(&addr) == ERROR_INVALID_PARAMETER, "delete address without an interface\n");
    route_row(&route, AF_INET, "10.79.64.0", 18, luid);
    ok(CreateIpForwardEntry2(&route) == ERROR_INVALID_PARAMETER, "create route without an interface\n");
    ok(DeleteIpForwardEntry2(&route) == ERROR_INVALID_PARAMETER, "delete route without an interface\n");

    /* No family. */
    luid.Value = 1;
    address_row(&addr, AF_INET, "10.79.0.1", 24, luid);
    addr.Address.si_family = AF_UNSPEC;
    ok(CreateUnicastIpAddressEntry(&addr) == ERROR_INVALID_PARAMETER, "create address AF_UNSPEC\n");
    route_row(&route, AF_INET, "10.79.64.0", 18, luid);
    route.DestinationPrefix.Prefix.si_family = AF_UNSPEC;
    ok(CreateIpForwardEntry2(&route) == ERROR_INVALID_PARAMETER, "create route AF_UNSPEC\n");
}

static BOOL have_address(const SOCKADDR_INET *address, NET_LUID luid, UINT8 *prefix_len)
{
    MIB_UNICASTIPADDRESS_ROW row;

    memset(&row, 0, sizeof(row));
    row.Address = *address;
    row.InterfaceLuid = luid;
    if (GetUnicastIpAddressEntry(&row)) return FALSE;
    if (prefix_len) *prefix_len = row.OnLinkPrefixLength;
    return TRUE;
}

static BOOL have_route(const MIB_IPFORWARD_ROW2 *want)
{
    MIB_IPFORWARD_TABLE2 *table;
    BOOL found = FALSE;
    ULONG i;

    if (GetIpForwardTable2(want->DestinationPrefix.Prefix.si_family, &table)) return FALSE;
    for (i = 0; i < table->NumEntries && !found; i++)
    {
        const MIB_IPFORWARD_ROW2 *r = &table->Table[i];
        const SOCKADDR_INET *a = &r->DestinationPrefix.Prefix, *b = &want->DestinationPrefix.Prefix;

        found = r->InterfaceLuid.Value == want->InterfaceLuid.Value
                && r->DestinationPrefix.PrefixLength == want->DestinationPrefix.PrefixLength
                && (a->si_family == AF_INET ? !memcmp(&a->Ipv4.sin_addr, &b->Ipv4.sin_addr, 4)
                                            : !memcmp(&a->Ipv6.sin6_addr, &b->Ipv6.sin6_addr, 16));
    }
    FreeMibTable(table);
    return found;
}

/* With an IPv6 route just added, an empty IPv6 table means the function does not list them at all. */
static BOOL ipv6_routes_listed(void)
{
    MIB_IPFORWARD_TABLE2 *table;
    BOOL any;

    if (GetIpForwardTable2(AF_INET6, &table)) return FALSE;
    any = table->NumEntries > 0;
    FreeMibTable(table);
    return any;
}

static void test_addresses(NET_LUID luid, NET_IFINDEX index)
{
    MIB_UNICASTIPADDRESS_ROW row, bad;
    NET_LUID none = { 0 };
    UINT8 prefix_len = 0;
    DWORD ret;

    address_row(&row, AF_INET, "10.79.0.1", 24, luid);
    ret = CreateUnicastIpAddressEntry(&row);
    if (ret == ERROR_ACCESS_DENIED)
    {
        skip("not allowed to change the network here: no real changes\n");
        return;
    }
    ok(ret == NO_ERROR, "create: %lu\n", ret);
    ok(have_address(&row.Address, luid, &prefix_len), "10.79.0.1 is not in the system's table\n");
    ok(prefix_len == 24, "prefix length %u\n", prefix_len);
    ret = CreateUnicastIpAddressEntry(&row);
    ok(ret == ERROR_OBJECT_ALREADY_EXISTS, "create twice: %lu\n", ret);

    /* The documented field checks. */
    bad = row;
    bad.OnLinkPrefixLength = 33;
    ret = CreateUnicastIpAddressEntry(&bad);
    ok(ret == ERROR_INVALID_PARAMETER, "prefix length 33: %lu\n", ret);
    bad = row;
    bad.PreferredLifetime = 600;
    bad.ValidLifetime = 300;
    ret = CreateUnicastIpAddressEntry(&bad);
    ok(ret == ERROR_INVALID_PARAMETER, "valid lifetime below preferred: %lu\n", ret);
    bad = row;
    bad.PrefixOrigin = IpPrefixOriginUnchanged;
    ret = CreateUnicastIpAddressEntry(&bad);
    ok(ret == ERROR_INVALID_PARAMETER, "prefix origin unchanged, suffix origin manual: %lu\n", ret);

    /* An interface that does not exist. */
    address_row(&bad, AF_INET, "10.79.1.1", 24, none);
    bad.InterfaceIndex = 0x7ffffff0;
    ret = CreateUnicastIpAddressEntry(&bad);
    ok(ret == ERROR_NOT_FOUND, "create on no interface: %lu\n", ret);

    /* Deleted by address and interface; the prefix length does not matter, the index alone names it too. */
    memset(&bad, 0, sizeof(bad));
    bad.Address = row.Address;
    bad.InterfaceIndex = index;
    ret = DeleteUnicastIpAddressEntry(&bad);
    ok(ret == NO_ERROR, "delete: %lu\n", ret);
    ok(!have_address(&row.Address, luid, NULL), "10.79.0.1 is still in the system's table\n");
    ret = DeleteUnicastIpAddressEntry(&row);
    ok(ret == ERROR_NOT_FOUND, "delete twice: %lu\n", ret);

    /* IPv6, with its own prefix length, deleted without one. */
    address_row(&row, AF_INET6, "fd79::5", 80, luid);
    ret = CreateUnicastIpAddressEntry(&row);
    ok(ret == NO_ERROR, "create IPv6: %lu\n", ret);
    ok(have_address(&row.Address, luid, &prefix_len), "fd79::5 is not in the system's table\n");
    ok(prefix_len == 80, "IPv6 prefix length %u\n", prefix_len);
    row.OnLinkPrefixLength = 0;
    ret = DeleteUnicastIpAddressEntry(&row);
    ok(ret == NO_ERROR, "delete IPv6: %lu\n", ret);
    ok(!have_address(&row.Address, luid, NULL), "fd79::5 is still in the system's table\n");
}

static void test_routes(NET_LUID luid)
{
    MIB_IPFORWARD_ROW2 row, bad;
    DWORD ret;

    route_row(&row, AF_INET, "10.79.64.0", 18, luid);
    ret = CreateIpForwardEntry2(&row);
    if (ret == ERROR_ACCESS_DENIED)
    {
        skip("not allowed to change routes here\n");
        return;
    }
    ok(ret == NO_ERROR, "create route: %lu\n", ret);
    ok(have_route(&row), "10.79.64.0/18 is not in the system's table\n");
    ret = CreateIpForwardEntry2(&row);
    ok(ret == ERROR_OBJECT_ALREADY_EXISTS, "create route twice: %lu\n", ret);
    /* Same key, other metric: still the same route to Windows. */
    bad = row;
    bad.Metric = 50;
    ret = CreateIpForwardEntry2(&bad);
    ok(ret == ERROR_OBJECT_ALREADY_EXISTS, "create route with another metric: %lu\n", ret);
    bad = row;
    bad.DestinationPrefix.PrefixLength = 33;
    ret = CreateIpForwardEntry2(&bad);
    ok(ret == ERROR_INVALID_PARAMETER, "prefix length 33: %lu\n", ret);

    ret = DeleteIpForwardEntry2(&row);
    ok(ret == NO_ERROR, "delete route: %lu\n", ret);
    ok(!have_route(&row), "10.79.64.0/18 is still in the system's table\n");
    ret = DeleteIpForwardEntry2(&row);
    ok(ret == ERROR_NOT_FOUND, "delete route twice: %lu\n", ret);

    route_row(&row, AF_INET6, "fd79:1::", 64, luid);
    ret = CreateIpForwardEntry2(&row);
    ok(ret == NO_ERROR, "create IPv6 route: %lu\n", ret);
    if (ipv6_routes_listed()) ok(have_route(&row), "fd79:1::/64 is not in the system's table\n");
    else skip("GetIpForwardTable2 lists no IPv6 routes here (Wine 8's lists only IPv4)\n");
    ret = DeleteIpForwardEntry2(&row);
    ok(ret == NO_ERROR, "delete IPv6 route: %lu\n", ret);
    ret = DeleteIpForwardEntry2(&row);
    ok(ret == ERROR_NOT_FOUND, "delete IPv6 route twice: %lu\n", ret);
}

START_TEST(write)
{
    const char *alias = getenv("WINENOTIFY_TEST_IF");
    WCHAR walias[256];
    MIB_IF_ROW2 ifrow;
    NET_IFINDEX index;
    NET_LUID luid;
    WSADATA wsa;

    WSAStartup(MAKEWORD(2, 2), &wsa);
    /* Wine's own iphlpapi has no such functions (some versions abort in them): only ours or Windows'. */
    if (winetest_platform_is_wine
        && !GetProcAddress(GetModuleHandleA("iphlpapi.dll"), "NotifyStableUnicastIpAddressTable"))
    {
        skip("Wine's own iphlpapi.dll cannot change the network\n");
        return;
    }
    test_parameters();
    if (!alias || !*alias)
    {
        skip("WINENOTIFY_TEST_IF is not set: no interface to change\n");
        return;
    }
    MultiByteToWideChar(CP_ACP, 0, alias, -1, walias, ARRAY_SIZE(walias));
    if (ConvertInterfaceAliasToLuid(walias, &luid) || ConvertInterfaceLuidToIndex(&luid, &index))
    {
        ok(0, "no interface %s\n", alias);
        return;
    }
    test_addresses(luid, index);
    memset(&ifrow, 0, sizeof(ifrow));
    ifrow.InterfaceLuid = luid;
    if (!GetIfEntry2(&ifrow) && ifrow.OperStatus != IfOperStatusUp)
        skip("%s is not up: no route can go through it\n", alias);
    else test_routes(luid);
}
