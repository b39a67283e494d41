/* Multicast and anycast addresses (issue 16): GetMulticastIpAddressTable/Entry and GetAnycastIpAddressTable/Entry
 * list and re-read the same rows, with the LUIDs and indexes of the rest of the IP Helper; under Wine they are the
 * host's (`ip maddr`, the kernel's anycast list) and follow its changes; CreateAnycastIpAddressEntry is refused
 * honestly under Wine (ERROR_NOT_SUPPORTED: Linux has no anycast address that outlives a socket).
 *
 * Under Wine the test makes a veth pair of its own (wnma0 and its peer). */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "unix.h"

#define WAIT_MS 10000
#define DEV "wnma0"

static DWORD (WINAPI *pGetMulticastIpAddressTable)(ADDRESS_FAMILY, MIB_MULTICASTIPADDRESS_TABLE **);
static DWORD (WINAPI *pGetMulticastIpAddressEntry)(MIB_MULTICASTIPADDRESS_ROW *);
static DWORD (WINAPI *pGetAnycastIpAddressTable)(ADDRESS_FAMILY, MIB_ANYCASTIPADDRESS_TABLE **);
static DWORD (WINAPI *pGetAnycastIpAddressEntry)(MIB_ANYCASTIPADDRESS_ROW *);
static DWORD (WINAPI *pCreateAnycastIpAddressEntry)(const MIB_ANYCASTIPADDRESS_ROW *);
static DWORD (WINAPI *pDeleteAnycastIpAddressEntry)(const MIB_ANYCASTIPADDRESS_ROW *);

static void set_address(SOCKADDR_INET *sa, ADDRESS_FAMILY family, const char *text)
{
    memset(sa, 0, sizeof(*sa));
    sa->si_family = family;
    if (family == AF_INET) inet_pton(AF_INET, text, &sa->Ipv4.sin_addr);
    else inet_pton(AF_INET6, text, &sa->Ipv6.sin6_addr);
}

static BOOL same_address(const SOCKADDR_INET *a, const SOCKADDR_INET *b)
{
    if (a->si_family != b->si_family) return FALSE;
    if (a->si_family == AF_INET) return a->Ipv4.sin_addr.s_addr == b->Ipv4.sin_addr.s_addr;
    return !memcmp(&a->Ipv6.sin6_addr, &b->Ipv6.sin6_addr, 16);
}

/* Every row of both tables re-read with its keys: the same row. */
static void test_tables(void)
{
    MIB_MULTICASTIPADDRESS_TABLE *mt = NULL;
    MIB_ANYCASTIPADDRESS_TABLE *at = NULL;
    ULONG i;
    DWORD err;

    err = pGetMulticastIpAddressTable(AF_UNSPEC, &mt);
    ok(!err && mt && mt->NumEntries, "GetMulticastIpAddressTable: %lu\n", err);
    for (i = 0; !err && i < mt->NumEntries; i++)
    {
        MIB_MULTICASTIPADDRESS_ROW row;
        NET_IFINDEX index = 0;

        memset(&row, 0, sizeof(row));
        row.Address = mt->Table[i].Address;
        row.InterfaceLuid = mt->Table[i].InterfaceLuid;
        err = pGetMulticastIpAddressEntry(&row);
        ok(!err, "row %lu: GetMulticastIpAddressEntry: %lu\n", i, err);
        if (!err)
            ok(row.InterfaceIndex == mt->Table[i].InterfaceIndex && row.ScopeId.Value == mt->Table[i].ScopeId.Value,
               "row %lu: index %lu scope %lu, the table's %lu %lu\n", i, row.InterfaceIndex, row.ScopeId.Value,
               mt->Table[i].InterfaceIndex, mt->Table[i].ScopeId.Value);
        ok(!ConvertInterfaceLuidToIndex(&mt->Table[i].InterfaceLuid, &index) && index == mt->Table[i].InterfaceIndex,
           "row %lu: the LUID's index %lu, the row's %lu\n", i, index, mt->Table[i].InterfaceIndex);
        err = 0;
    }
    if (mt) FreeMibTable(mt);

    err = pGetAnycastIpAddressTable(AF_UNSPEC, &at);
    ok(!err || err == ERROR_NOT_FOUND, "GetAnycastIpAddressTable: %lu\n", err);
    for (i = 0; !err && at && i < at->NumEntries; i++)
    {
        MIB_ANYCASTIPADDRESS_ROW row;

        memset(&row, 0, sizeof(row));
        row.Address = at->Table[i].Address;
        row.InterfaceLuid = at->Table[i].InterfaceLuid;
        ok(!pGetAnycastIpAddressEntry(&row) && row.InterfaceIndex == at->Table[i].InterfaceIndex,
           "anycast row %lu not re-read\n", i);
    }
    if (!err && at) FreeMibTable(at);
}

static void test_bad_input(void)
{
    MIB_MULTICASTIPADDRESS_TABLE *mt = (void *)0xdeadbeef;
    MIB_MULTICASTIPADDRESS_ROW row;
    MIB_ANYCASTIPADDRESS_ROW arow;
    NET_LUID lo;

    ok(pGetMulticastIpAddressTable(AF_UNSPEC, NULL) == ERROR_INVALID_PARAMETER, "NULL table\n");
    ok(pGetMulticastIpAddressTable(7, &mt) == ERROR_INVALID_PARAMETER, "family 7\n");
    ok(pGetAnycastIpAddressTable(AF_UNSPEC, NULL) == ERROR_INVALID_PARAMETER, "NULL anycast table\n");
    ok(pGetMulticastIpAddressEntry(NULL) == ERROR_INVALID_PARAMETER, "NULL row\n");
    ok(pGetAnycastIpAddressEntry(NULL) == ERROR_INVALID_PARAMETER, "NULL anycast row\n");
    if (ConvertInterfaceAliasToLuid(L"lo", &lo) && ConvertInterfaceAliasToLuid(L"Loopback Pseudo-Interface 1", &lo))
    {
        skip("no loopback interface by name\n");
        return;
    }
    memset(&row, 0, sizeof(row));
    set_address(&row.Address, AF_INET6, "ff02::1");
    ok(pGetMulticastIpAddressEntry(&row) == ERROR_INVALID_PARAMETER, "no interface\n");
    row.InterfaceLuid = lo;
    set_address(&row.Address, AF_INET6, "fd00::1");
    ok(pGetMulticastIpAddressEntry(&row) == ERROR_INVALID_PARAMETER, "a unicast address\n");
    set_address(&row.Address, AF_INET6, "ff0e::1:2:3");
    ok(pGetMulticastIpAddressEntry(&row) == ERROR_NOT_FOUND, "a group not joined\n");
    row.InterfaceLuid.Info.NetLuidIndex = 0xfff0;
    row.InterfaceLuid.Info.IfType = IF_TYPE_ETHERNET_CSMACD;
    ok(pGetMulticastIpAddressEntry(&row) == ERROR_FILE_NOT_FOUND, "no such interface\n");
    ok(pCreateAnycastIpAddressEntry(NULL) == ERROR_INVALID_PARAMETER, "create NULL\n");
    ok(pDeleteAnycastIpAddressEntry(NULL) == ERROR_INVALID_PARAMETER, "delete NULL\n");
    memset(&arow, 0, sizeof(arow));
    arow.InterfaceLuid = lo;
    set_address(&arow.Address, AF_INET6, "ff02::1");
    ok(pCreateAnycastIpAddressEntry(&arow) == ERROR_INVALID_PARAMETER, "create a multicast anycast\n");
}

/* Whether the table of the kind lists address on luid (waiting up to WAIT_MS for want). */
static BOOL listed(BOOL anycast, NET_LUID luid, ADDRESS_FAMILY family, const char *text, BOOL want)
{
    ULONGLONG deadline = GetTickCount64() + WAIT_MS;
    SOCKADDR_INET addr;
    BOOL found;

    set_address(&addr, family, text);
    for (;;)
    {
        MIB_MULTICASTIPADDRESS_TABLE *t = NULL;
        ULONG i;
        DWORD err = anycast ? pGetAnycastIpAddressTable(family, (MIB_ANYCASTIPADDRESS_TABLE **)&t)
                            : pGetMulticastIpAddressTable(family, &t);

        found = FALSE;
        for (i = 0; !err && i < t->NumEntries && !found; i++)
            found = t->Table[i].InterfaceLuid.Value == luid.Value && same_address(&t->Table[i].Address, &addr);
        if (!err) FreeMibTable(t);
        if (found == want || GetTickCount64() >= deadline) return found;
        Sleep(50);
    }
}

/* Wine only: the host's groups and anycast addresses of a link of the test's own, and their changes. */
static void test_host(void)
{
    MIB_MULTICASTIPADDRESS_ROW row;
    MIB_ANYCASTIPADDRESS_ROW arow;
    ULONGLONG deadline;
    NET_LUID luid;
    DWORD err;

    if (!winetest_run_unix(NULL, "ip link add " DEV " type veth peer name " DEV "p; ip link set " DEV "p up; "
                           "ip link set " DEV " up"))
    {
        skip("cannot run host commands\n");
        return;
    }
    deadline = GetTickCount64() + WAIT_MS;
    while ((err = ConvertInterfaceAliasToLuid(L"" DEV, &luid)) && GetTickCount64() < deadline) Sleep(50);
    ok(!err, "no " DEV ": %lu\n", err);
    if (err) return;

    /* An up IPv6 link is in the all-nodes groups (RFC 4291), an IPv4 one in 224.0.0.1. */
    ok(listed(FALSE, luid, AF_INET6, "ff02::1", TRUE), "ff02::1 is not listed on " DEV "\n");
    if (!listed(FALSE, luid, AF_INET, "224.0.0.1", TRUE))
        skip("no IPv4 group listed: a kernel before 6.10 dumps none\n");
    memset(&row, 0, sizeof(row));
    row.InterfaceLuid = luid;
    set_address(&row.Address, AF_INET6, "ff02::1");
    err = pGetMulticastIpAddressEntry(&row);
    ok(!err, "GetMulticastIpAddressEntry(ff02::1): %lu\n", err);
    if (!err) ok(row.ScopeId.Value == row.InterfaceIndex, "a link-local group's scope %lu\n", row.ScopeId.Value);

    /* An address brings its solicited-node group; forwarding brings the subnet-router anycast address. */
    winetest_run_unix(NULL, "ip -6 addr add fd86::5/64 dev " DEV " nodad");
    ok(listed(FALSE, luid, AF_INET6, "ff02::1:ff00:5", TRUE), "the solicited-node group did not come\n");
    winetest_run_unix(NULL, "echo 1 > /proc/sys/net/ipv6/conf/" DEV "/forwarding");
    ok(listed(TRUE, luid, AF_INET6, "fd86::", TRUE), "the subnet-router anycast address did not come\n");
    memset(&arow, 0, sizeof(arow));
    arow.InterfaceLuid = luid;
    set_address(&arow.Address, AF_INET6, "fd86::");
    err = pGetAnycastIpAddressEntry(&arow);
    ok(!err, "GetAnycastIpAddressEntry(fd86::): %lu\n", err);

    /* And they go again. */
    winetest_run_unix(NULL, "echo 0 > /proc/sys/net/ipv6/conf/" DEV "/forwarding");
    ok(!listed(TRUE, luid, AF_INET6, "fd86::", FALSE), "the anycast address did not go\n");
    winetest_run_unix(NULL, "ip -6 addr del fd86::5/64 dev " DEV);
    ok(!listed(FALSE, luid, AF_INET6, "ff02::1:ff00:5", FALSE), "the solicited-node group did not go\n");

    /* A program's own anycast address: refused, nothing listed. */
    set_address(&arow.Address, AF_INET6, "fd86::77");
    err = pCreateAnycastIpAddressEntry(&arow);
    ok(err == ERROR_NOT_SUPPORTED, "CreateAnycastIpAddressEntry: %lu\n", err);
    ok(pGetAnycastIpAddressEntry(&arow) == ERROR_NOT_FOUND, "the refused anycast address is listed\n");
    winetest_run_unix(NULL, "ip link del " DEV);
}

START_TEST(maddr)
{
    HMODULE iphlpapi = GetModuleHandleA("iphlpapi.dll");
    WSADATA wsa;

    WSAStartup(MAKEWORD(2, 2), &wsa);
    pGetMulticastIpAddressTable = (void *)GetProcAddress(iphlpapi, "GetMulticastIpAddressTable");
    pGetMulticastIpAddressEntry = (void *)GetProcAddress(iphlpapi, "GetMulticastIpAddressEntry");
    pGetAnycastIpAddressTable = (void *)GetProcAddress(iphlpapi, "GetAnycastIpAddressTable");
    pGetAnycastIpAddressEntry = (void *)GetProcAddress(iphlpapi, "GetAnycastIpAddressEntry");
    pCreateAnycastIpAddressEntry = (void *)GetProcAddress(iphlpapi, "CreateAnycastIpAddressEntry");
    pDeleteAnycastIpAddressEntry = (void *)GetProcAddress(iphlpapi, "DeleteAnycastIpAddressEntry");
    if (!pGetMulticastIpAddressTable || !pGetMulticastIpAddressEntry || !pGetAnycastIpAddressTable
        || !pGetAnycastIpAddressEntry || !pCreateAnycastIpAddressEntry || !pDeleteAnycastIpAddressEntry)
    {
        /* Wine's own DLL has none of the multicast functions. */
        skip("no multicast and anycast functions\n");
        return;
    }
    test_bad_input();
    test_tables();
    if (winetest_platform_is_wine) test_host();
}
