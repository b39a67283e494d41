/* Conformance test of the neighbour table (ARP, IPv6 neighbour discovery): CreateIpNetEntry2, GetIpNetEntry2,
 * GetIpNetTable2, SetIpNetEntry2, DeleteIpNetEntry2, FlushIpNetTable2, ResolveIpNetEntry2 (SPEC.md §10; Wine has
 * none but GetIpNetTable2, and a program importing GetIpNetEntry2 does not start under Wine 11).  Windows has no
 * notification for neighbours: a change is read back at once.
 *
 * The same program runs on Windows and under Wine; changes are made on the interface whose alias is in
 * WINENOTIFY_TEST_IF and skipped where the system refuses them (no administrator rights).  Under Wine every entry
 * is also compared with the host's (`ip neigh`), and the flush and a real resolution (the far end of the test
 * interface's veth pair answers) are tried against entries the host makes. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "hostcmd.h"
#include "netchange.h"

static DWORD (WINAPI *pGetIpNetEntry2)(MIB_IPNET_ROW2 *);
static DWORD (WINAPI *pGetIpNetTable2)(ADDRESS_FAMILY, MIB_IPNET_TABLE2 **);
static DWORD (WINAPI *pCreateIpNetEntry2)(const MIB_IPNET_ROW2 *);
static DWORD (WINAPI *pSetIpNetEntry2)(MIB_IPNET_ROW2 *);
static DWORD (WINAPI *pDeleteIpNetEntry2)(const MIB_IPNET_ROW2 *);
static DWORD (WINAPI *pFlushIpNetTable2)(ADDRESS_FAMILY, NET_IFINDEX);
static DWORD (WINAPI *pResolveIpNetEntry2)(MIB_IPNET_ROW2 *, const SOCKADDR_INET *);

static void make_row(MIB_IPNET_ROW2 *row, ADDRESS_FAMILY family, const char *address, NET_IFINDEX index,
                     BYTE last)
{
    static const BYTE mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x00 };

    memset(row, 0, sizeof(*row));
    make_address(&row->Address, family, address);
    row->InterfaceIndex = index;
    memcpy(row->PhysicalAddress, mac, sizeof(mac));
    row->PhysicalAddress[5] = last;
    row->PhysicalAddressLength = sizeof(mac);
}

static void keys_of(MIB_IPNET_ROW2 *to, const MIB_IPNET_ROW2 *from)
{
    memset(to, 0, sizeof(*to));
    to->Address = from->Address;
    to->InterfaceIndex = from->InterfaceIndex;
    to->InterfaceLuid = from->InterfaceLuid;
}

static BOOL in_table(const MIB_IPNET_ROW2 *row, ADDRESS_FAMILY family)
{
    MIB_IPNET_TABLE2 *t;
    BOOL found = FALSE;
    ULONG i;

    if (pGetIpNetTable2(family, &t)) return FALSE;
    for (i = 0; i < t->NumEntries && !found; i++)
        found = same_address(&t->Table[i].Address, &row->Address) && t->Table[i].InterfaceIndex == row->InterfaceIndex
                && t->Table[i].PhysicalAddressLength == row->PhysicalAddressLength
                && !memcmp(t->Table[i].PhysicalAddress, row->PhysicalAddress, row->PhysicalAddressLength)
                && t->Table[i].State == row->State;
    FreeMibTable(t);
    return found;
}

/* Under Wine: the host's line for the neighbour has the same link-layer address and state. */
static void compare_with_host(const MIB_IPNET_ROW2 *row, const char *address, const char *state)
{
    char name[64], command[160], mac[32], *line;

    if (!winetest_platform_is_wine || !host_ifname(row->InterfaceIndex, name, sizeof(name))) return;
    snprintf(command, sizeof(command), "ip neigh show %s dev %s", address, name);
    snprintf(mac, sizeof(mac), "lladdr %02x:%02x:%02x:%02x:%02x:%02x", row->PhysicalAddress[0],
             row->PhysicalAddress[1], row->PhysicalAddress[2], row->PhysicalAddress[3], row->PhysicalAddress[4],
             row->PhysicalAddress[5]);
    if (!(line = host_output(command))) return;
    ok(strstr(line, mac) && strstr(line, state), "%s: host: %s\n", address, line);
    free(line);
}

static void test_parameters(void)
{
    MIB_IPNET_TABLE2 *t;
    MIB_IPNET_ROW2 row;
    DWORD ret;

    ret = pGetIpNetEntry2(NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "GetIpNetEntry2(NULL): %lu\n", ret);
    ret = pGetIpNetTable2(AF_INET, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "NULL table: %lu\n", ret);
    ret = pGetIpNetTable2(AF_BAN, &t);
    ok(ret == ERROR_INVALID_PARAMETER, "family AF_BAN: %lu\n", ret);
    /* No interface at all. */
    make_row(&row, AF_INET, "10.87.0.5", 0, 5);
    ret = pGetIpNetEntry2(&row);
    ok(ret == ERROR_INVALID_PARAMETER, "no interface: %lu\n", ret);
    /* An index no interface has. */
    row.InterfaceIndex = 0xdeadbeef;
    ret = pGetIpNetEntry2(&row);
    ok(ret == ERROR_FILE_NOT_FOUND, "unknown index: %lu\n", ret);
    ret = pFlushIpNetTable2(AF_BAN, 0);
    ok(ret == ERROR_INVALID_PARAMETER, "flush of family AF_BAN: %lu\n", ret);
}

/* Create, read, list, set, delete one neighbour. */
static void check_entry(ADDRESS_FAMILY family, const char *address, NET_IFINDEX index)
{
    MIB_IPNET_ROW2 row, read;
    DWORD ret;

    winetest_push_context("%s", address);
    make_row(&row, family, address, index, 5);
    ret = pCreateIpNetEntry2(&row);
    if (ret == ERROR_ACCESS_DENIED)
    {
        skip("cannot add a neighbour here\n");
        goto done;
    }
    ok(ret == NO_ERROR, "CreateIpNetEntry2: %lu\n", ret);
    if (ret) goto done;
    ret = pCreateIpNetEntry2(&row);
    ok(ret == ERROR_OBJECT_ALREADY_EXISTS, "again: %lu\n", ret);

    /* Read back with the keys alone: a permanent entry with the address given. */
    keys_of(&read, &row);
    ret = pGetIpNetEntry2(&read);
    ok(ret == NO_ERROR, "GetIpNetEntry2: %lu\n", ret);
    ok(read.State == NlnsPermanent, "State %u\n", read.State);
    ok(read.PhysicalAddressLength == 6 && !memcmp(read.PhysicalAddress, row.PhysicalAddress, 6),
       "physical address of %lu bytes\n", read.PhysicalAddressLength);
    ok(read.InterfaceLuid.Value && !read.IsUnreachable, "LUID %#llx, unreachable %u\n",
       (unsigned long long)read.InterfaceLuid.Value, read.IsUnreachable);
    ok(in_table(&read, family) && in_table(&read, AF_UNSPEC), "not in GetIpNetTable2\n");
    compare_with_host(&read, address, "PERMANENT");

    /* Another link-layer address. */
    row.PhysicalAddress[5] = 6;
    ret = pSetIpNetEntry2(&row);
    ok(ret == NO_ERROR, "SetIpNetEntry2: %lu\n", ret);
    keys_of(&read, &row);
    ret = pGetIpNetEntry2(&read);
    ok(ret == NO_ERROR && read.PhysicalAddress[5] == 6, "after the set: %lu, %02x\n", ret, read.PhysicalAddress[5]);
    compare_with_host(&read, address, "PERMANENT");

    ret = pDeleteIpNetEntry2(&row);
    ok(ret == NO_ERROR, "DeleteIpNetEntry2: %lu\n", ret);
    keys_of(&read, &row);
    ret = pGetIpNetEntry2(&read);
    ok(ret == ERROR_NOT_FOUND, "after the delete: %lu\n", ret);
    ret = pDeleteIpNetEntry2(&row);
    ok(ret == ERROR_NOT_FOUND, "deleted again: %lu\n", ret);
    ret = pSetIpNetEntry2(&row);
    ok(ret == ERROR_NOT_FOUND, "set when gone: %lu\n", ret);
done:
    winetest_pop_context();
}

/* Waits for the view to show what the host just did: GetIpNetEntry2 answering want. */
static BOOL wait_entry(MIB_IPNET_ROW2 *row, DWORD want)
{
    ULONGLONG deadline = GetTickCount64() + 5000;
    MIB_IPNET_ROW2 read;
    DWORD ret;

    do
    {
        keys_of(&read, row);
        if ((ret = pGetIpNetEntry2(&read)) == want) return TRUE;
        Sleep(20);
    } while (GetTickCount64() < deadline);
    return FALSE;
}

/* Under Wine: a learnt (stale) entry goes with the flush, a permanent one stays. */
static void test_flush(NET_IFINDEX index)
{
    MIB_IPNET_ROW2 learnt, fixed, read;
    char name[64], command[200];
    DWORD ret;

    if (!host_ifname(index, name, sizeof(name))) return;
    make_row(&fixed, AF_INET, "10.87.0.7", index, 7);
    if ((ret = pCreateIpNetEntry2(&fixed)) == ERROR_ACCESS_DENIED)
    {
        skip("cannot add a neighbour here\n");
        return;
    }
    ok(ret == NO_ERROR, "CreateIpNetEntry2: %lu\n", ret);
    make_row(&learnt, AF_INET, "10.87.0.8", index, 8);
    snprintf(command, sizeof(command), "ip neigh add 10.87.0.8 lladdr 02:00:5e:10:00:08 nud stale dev %s", name);
    host_run(command);
    ok(wait_entry(&learnt, NO_ERROR), "the host's entry is not in the view\n");
    ret = pFlushIpNetTable2(AF_INET, index);
    ok(ret == NO_ERROR, "FlushIpNetTable2: %lu\n", ret);
    keys_of(&read, &learnt);
    ret = pGetIpNetEntry2(&read);
    ok(ret == ERROR_NOT_FOUND, "the learnt entry: %lu\n", ret);
    ret = pGetIpNetEntry2(&fixed);
    ok(ret == NO_ERROR, "the permanent entry: %lu\n", ret);
    ok(pDeleteIpNetEntry2(&fixed) == NO_ERROR, "delete\n");
}

/* Under Wine: the table and `ip neigh` list the same neighbours (but for what the view leaves out by design:
 * multicast mappings and unused entries, dlls/iphlpapi/neighbours.c), with the same link-layer addresses. */
static void compare_table_with_host(void)
{
    MIB_IPNET_TABLE2 *t;
    char *text, *line, *next, name[64], addr[64], dev[32];
    unsigned int host = 0;
    ULONG i, found;
    DWORD ret;

    if (!(text = host_output("ip neigh show"))) return;
    ret = pGetIpNetTable2(AF_UNSPEC, &t);
    ok(ret == NO_ERROR || ret == ERROR_NOT_FOUND, "GetIpNetTable2: %lu\n", ret);
    for (line = text; line && *line; line = next)
    {
        SOCKADDR_INET sa;
        const char *mac;

        if ((next = strchr(line, '\n'))) *next++ = 0;
        if (sscanf(line, "%63s dev %31s", addr, dev) != 2) continue;
        make_address(&sa, strchr(addr, ':') ? AF_INET6 : AF_INET, addr);
        if (strstr(line, " NONE") || (sa.si_family == AF_INET6 ? sa.Ipv6.sin6_addr.s6_addr[0] == 0xff
                                                                : (sa.Ipv4.sin_addr.s_addr & 0xf0) == 0xe0))
            continue;
        host++;
        mac = strstr(line, "lladdr ");
        for (i = found = 0; !ret && i < t->NumEntries && !found; i++)
        {
            const MIB_IPNET_ROW2 *row = &t->Table[i];
            char text_mac[32];

            if (!same_address(&row->Address, &sa) || !host_ifname(row->InterfaceIndex, name, sizeof(name))
                || strcmp(name, dev))
                continue;
            found = 1;
            snprintf(text_mac, sizeof(text_mac), "lladdr %02x:%02x:%02x:%02x:%02x:%02x", row->PhysicalAddress[0],
                     row->PhysicalAddress[1], row->PhysicalAddress[2], row->PhysicalAddress[3],
                     row->PhysicalAddress[4], row->PhysicalAddress[5]);
            ok(mac ? row->PhysicalAddressLength == 6 && !strncmp(mac, text_mac, strlen(text_mac))
                   : !row->PhysicalAddressLength, "%s: host: %s\n", addr, line);
        }
        ok(found, "host neighbour %s dev %s is not in the table\n", addr, dev);
    }
    for (i = 0; !ret && t->NumEntries != host && i < t->NumEntries; i++)
    {
        char buf[64];
        const MIB_IPNET_ROW2 *row = &t->Table[i];

        if (row->Address.si_family == AF_INET) inet_ntop(AF_INET, &row->Address.Ipv4.sin_addr, buf, sizeof(buf));
        else inet_ntop(AF_INET6, &row->Address.Ipv6.sin6_addr, buf, sizeof(buf));
        trace("row %lu: %s, interface %lu, state %u\n", i, buf, row->InterfaceIndex, row->State);
    }
    ok(ret || t->NumEntries == host, "%lu rows, %u host entries\n", ret ? 0 : t->NumEntries, host);
    trace("%u neighbours\n", host);
    if (!ret) FreeMibTable(t);
    free(text);
}

/* Under Wine: the far end of the veth pair has an address on the same subnet and answers ARP. */
static void test_resolve(NET_IFINDEX index)
{
    MIB_IPNET_ROW2 row;
    char name[64], command[400], *mac;
    unsigned int b[6];
    DWORD ret;

    if (!host_ifname(index, name, sizeof(name))) return;
    /* The answer comes from an address of this very namespace: the far end must accept it (accept_local). */
    snprintf(command, sizeof(command), "ip addr add 10.88.0.1/24 dev %s && ip addr add 10.88.0.2/24 dev %sp && "
             "echo 1 > /proc/sys/net/ipv4/conf/%sp/accept_local && echo 1 > /proc/sys/net/ipv4/conf/%s/accept_local "
             "&& cat /sys/class/net/%sp/address", name, name, name, name, name);
    if (!(mac = host_output(command))) return;
    if (sscanf(mac, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
    {
        skip("cannot set up the far end: %s", mac);
        free(mac);
        return;
    }
    free(mac);
    memset(&row, 0, sizeof(row));
    make_address(&row.Address, AF_INET, "10.88.0.2");
    row.InterfaceIndex = index;
    ret = pResolveIpNetEntry2(&row, NULL);
    if (ret == ERROR_ACCESS_DENIED) skip("cannot ask the kernel to resolve here\n");
    else
    {
        ok(ret == NO_ERROR, "ResolveIpNetEntry2: %lu\n", ret);
        ok(row.PhysicalAddressLength == 6 && row.PhysicalAddress[0] == b[0] && row.PhysicalAddress[5] == b[5],
           "physical address %02x..%02x\n", row.PhysicalAddress[0], row.PhysicalAddress[5]);
        ok(row.State == NlnsReachable || row.State == NlnsStale || row.State == NlnsDelay, "State %u\n", row.State);
        if (!ret) compare_with_host(&row, "10.88.0.2", "");

        /* Nobody has this one. */
        memset(&row, 0, sizeof(row));
        make_address(&row.Address, AF_INET, "10.88.0.99");
        row.InterfaceIndex = index;
        ret = pResolveIpNetEntry2(&row, NULL);
        ok(ret == ERROR_BAD_NET_NAME, "nobody's address: %lu\n", ret);
        compare_table_with_host();
    }
    snprintf(command, sizeof(command), "ip addr del 10.88.0.1/24 dev %s; ip addr del 10.88.0.2/24 dev %sp", name,
             name);
    host_run(command);
}

START_TEST(neighbours)
{
    HMODULE iphlpapi = GetModuleHandleA("iphlpapi.dll");
    NET_IFINDEX index = 0;

    if (netchange_start()) return;
#define LOAD(f) p##f = (void *)GetProcAddress(iphlpapi, #f)
    LOAD(GetIpNetEntry2);
    LOAD(GetIpNetTable2);
    LOAD(CreateIpNetEntry2);
    LOAD(SetIpNetEntry2);
    LOAD(DeleteIpNetEntry2);
    LOAD(FlushIpNetTable2);
    LOAD(ResolveIpNetEntry2);
#undef LOAD
    if (!pGetIpNetEntry2 || !pGetIpNetTable2 || !pCreateIpNetEntry2 || !pSetIpNetEntry2 || !pDeleteIpNetEntry2
        || !pFlushIpNetTable2 || !pResolveIpNetEntry2)
    {
        win_skip("the neighbour functions are missing\n");
        return;
    }
    test_parameters();
    if (!netchange_test_interface(&index)) return;
    check_entry(AF_INET, "10.87.0.5", index);
    check_entry(AF_INET6, "fd00:87::5", index);
    if (winetest_platform_is_wine)
    {
        test_flush(index);
        test_resolve(index);
    }
}
