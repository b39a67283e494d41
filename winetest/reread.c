/* Conformance test of what a program does right after a notification (SPEC.md §2, §10): build rows with
 * InitializeIpInterfaceEntry, InitializeIpForwardEntry and InitializeUnicastIpAddressEntry, and re-read the
 * notified route or interface with GetIpForwardEntry2 or GetIpInterfaceEntry and the notified row's keys, from
 * inside the callback and after it.
 *
 * The same program runs on Windows and under Wine.  Routes are added the way WireGuard's winipcfg adds them
 * (InitializeIpForwardEntry, the keys, CreateIpForwardEntry2) by a child process ("reread.exe reread write
 * iroute ...", netchange.h) on the interface whose alias is in WINENOTIFY_TEST_IF.  No Windows API adds a link or
 * changes its MTU: the interface part uses the host's commands and runs under Wine only.  Under Wine each value
 * read back is also compared with the host's own (`ip route`, /sys and /proc/sys), and with the system's own
 * GetIpInterfaceEntry where it has one (Wine 11) for every interface both know. */
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
#include "hostcmd.h"
#include "netchange.h"
#include "sysdir.h"

#define WAIT_MS 10000

static void (WINAPI *pInitializeIpInterfaceEntry)(MIB_IPINTERFACE_ROW *);
static void (WINAPI *pInitializeIpForwardEntry)(MIB_IPFORWARD_ROW2 *);
static void (WINAPI *pInitializeUnicastIpAddressEntry)(MIB_UNICASTIPADDRESS_ROW *);
static DWORD (WINAPI *pGetIpForwardEntry2)(MIB_IPFORWARD_ROW2 *);
static DWORD (WINAPI *pGetIpInterfaceEntry)(MIB_IPINTERFACE_ROW *);
/* The system's own copy's, where it is another module than ours and has one (Wine 11). */
static DWORD (WINAPI *pSystemGetIpInterfaceEntry)(MIB_IPINTERFACE_ROW *);
static DWORD (WINAPI *pGetIpInterfaceTable)(ADDRESS_FAMILY, MIB_IPINTERFACE_TABLE **);
static DWORD (WINAPI *pSystemGetIpInterfaceTable)(ADDRESS_FAMILY, MIB_IPINTERFACE_TABLE **);

/* Whether the size bytes at p are all zero. */
static BOOL all_zero(const void *p, size_t size)
{
    const unsigned char *b = p;
    size_t i;

    for (i = 0; i < size; i++)
        if (b[i]) return FALSE;
    return TRUE;
}

/* ---- Initialize* ------------------------------------------------------------------------------------------ */

/* Microsoft's page for each function gives its defaults; where it says "an illegal value" without a number, the
 * test checks that the value is one no real row has. */
static void test_initialize(void)
{
    MIB_IPINTERFACE_ROW iface;
    MIB_IPFORWARD_ROW2 route;
    MIB_UNICASTIPADDRESS_ROW addr;

    if (!pInitializeIpInterfaceEntry || !pInitializeIpForwardEntry || !pInitializeUnicastIpAddressEntry)
    {
        win_skip("the Initialize* functions are missing\n");
        return;
    }

    /* Every field but the documented ones is zero, whatever the row held before (field by field: the padding
     * between them is nobody's). */
    memset(&iface, 0xcc, sizeof(iface));
    pInitializeIpInterfaceEntry(&iface);
    ok(iface.Family == AF_UNSPEC, "interface: Family %u\n", iface.Family);
    /* InterfaceLuid is "an unspecified value": not checked. */
#define ZERO(row, f) ok(all_zero(&(row).f, sizeof((row).f)), #row ": " #f " is not zero\n")
    ZERO(iface, InterfaceIndex);
    ZERO(iface, MaxReassemblySize);
    ZERO(iface, InterfaceIdentifier);
    ZERO(iface, MinRouterAdvertisementInterval);
    ZERO(iface, MaxRouterAdvertisementInterval);
    ZERO(iface, AdvertisingEnabled);
    ZERO(iface, ForwardingEnabled);
    ZERO(iface, WeakHostSend);
    ZERO(iface, WeakHostReceive);
    ZERO(iface, UseAutomaticMetric);
    ZERO(iface, UseNeighborUnreachabilityDetection);
    ZERO(iface, ManagedAddressConfigurationSupported);
    ZERO(iface, OtherStatefulConfigurationSupported);
    ZERO(iface, AdvertiseDefaultRoute);
    ZERO(iface, RouterDiscoveryBehavior);
    ZERO(iface, DadTransmits);
    ZERO(iface, BaseReachableTime);
    ZERO(iface, RetransmitTime);
    ZERO(iface, PathMtuDiscoveryTimeout);
    ZERO(iface, LinkLocalAddressBehavior);
    ZERO(iface, LinkLocalAddressTimeout);
    ZERO(iface, ZoneIndices);
    ZERO(iface, SitePrefixLength);
    ZERO(iface, Metric);
    ZERO(iface, NlMtu);
    ZERO(iface, Connected);
    ZERO(iface, SupportsWakeUpPatterns);
    ZERO(iface, SupportsNeighborDiscovery);
    ZERO(iface, SupportsRouterDiscovery);
    ZERO(iface, ReachableTime);
    ZERO(iface, TransmitOffload);
    ZERO(iface, ReceiveOffload);
    ZERO(iface, DisableDefaultRoutes);

    memset(&route, 0xcc, sizeof(route));
    pInitializeIpForwardEntry(&route);
    ZERO(route, InterfaceLuid);
    ZERO(route, InterfaceIndex);
    ZERO(route, DestinationPrefix.Prefix);
    ZERO(route, DestinationPrefix.PrefixLength);
    ZERO(route, NextHop);
    ok(route.ValidLifetime == 0xffffffff, "route: ValidLifetime %lu\n", route.ValidLifetime);
    ok(route.PreferredLifetime == 0xffffffff, "route: PreferredLifetime %lu\n", route.PreferredLifetime);
    ok(route.Loopback == TRUE, "route: Loopback %u\n", route.Loopback);
    ok(route.AutoconfigureAddress == TRUE, "route: AutoconfigureAddress %u\n", route.AutoconfigureAddress);
    ok(route.Publish == TRUE, "route: Publish %u\n", route.Publish);
    ok(route.Immortal == TRUE, "route: Immortal %u\n", route.Immortal);
    ZERO(route, Age);
    ZERO(route, Origin);
    ok(route.SitePrefixLength > 128, "route: SitePrefixLength %u is a legal prefix length\n", route.SitePrefixLength);
    /* NL_ROUTE_PROTOCOL: RouteProtocolOther (1) to RouteProtocolBbn (12), and the NT_* ones 10002-10007. */
    ok(route.Protocol == 0 || (route.Protocol > 12 && route.Protocol < 10002) || route.Protocol > 10007,
       "route: Protocol %u is a legal protocol\n", route.Protocol);
    /* The metric's "illegal value" is checked by its use: CreateIpForwardEntry2 takes it as "not given"
     * (check_route: the host's default metric). */
    trace("route: the illegal values are SitePrefixLength %u, Metric %#lx, Protocol %#x\n", route.SitePrefixLength,
          route.Metric, route.Protocol);

    memset(&addr, 0xcc, sizeof(addr));
    pInitializeUnicastIpAddressEntry(&addr);
    ok(addr.PrefixOrigin == IpPrefixOriginUnchanged, "address: PrefixOrigin %u\n", addr.PrefixOrigin);
    ok(addr.SuffixOrigin == IpSuffixOriginUnchanged, "address: SuffixOrigin %u\n", addr.SuffixOrigin);
    ok(addr.OnLinkPrefixLength > 128, "address: OnLinkPrefixLength %u is a legal prefix length\n",
       addr.OnLinkPrefixLength);
    ok(addr.ValidLifetime == 0xffffffff, "address: ValidLifetime %lu\n", addr.ValidLifetime);
    ok(addr.PreferredLifetime == 0xffffffff, "address: PreferredLifetime %lu\n", addr.PreferredLifetime);
    ok(addr.SkipAsSource == FALSE, "address: SkipAsSource %u\n", addr.SkipAsSource);
    ZERO(addr, Address);
    ZERO(addr, InterfaceLuid);
    ZERO(addr, InterfaceIndex);
    ZERO(addr, DadState);
    ZERO(addr, ScopeId);
    ZERO(addr, CreationTimeStamp);
#undef ZERO

    /* A void function has no error to give: a NULL row is ignored (Windows documents nothing: Wine only). */
    if (winetest_platform_is_wine)
    {
        pInitializeIpInterfaceEntry(NULL);
        pInitializeIpForwardEntry(NULL);
        pInitializeUnicastIpAddressEntry(NULL);
    }
}

/* A LUID no interface has: NET_LUID_INDEX 0xfffff of IfType 6 (Ethernet). */
static NET_LUID no_such_luid(void)
{
    NET_LUID luid;

    luid.Value = 0;
    luid.Info.IfType = 6;
    luid.Info.NetLuidIndex = 0xfffff;
    return luid;
}

/* ---- GetIpForwardEntry2: bad input ------------------------------------------------------------------------ */

static void keys_row(MIB_IPFORWARD_ROW2 *row, ADDRESS_FAMILY family, const char *prefix, UINT8 len, NET_LUID luid,
                     NET_IFINDEX index)
{
    memset(row, 0, sizeof(*row));
    make_address(&row->DestinationPrefix.Prefix, family, prefix);
    row->DestinationPrefix.PrefixLength = len;
    row->NextHop.si_family = family;
    row->InterfaceLuid = luid;
    row->InterfaceIndex = index;
}

/* Microsoft's page: ERROR_INVALID_PARAMETER for a NULL row, a destination or next hop not given, no interface
 * named; ERROR_NOT_FOUND for an interface that does not exist or has no such route. */
static void test_forward_entry_parameters(NET_IFINDEX index)
{
    MIB_IPFORWARD_ROW2 row;
    NET_LUID luid = { 0 }, none;
    DWORD ret;

    ret = pGetIpForwardEntry2(NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "NULL: %lu\n", ret);

    if (index) ConvertInterfaceIndexToLuid(index, &luid);
    keys_row(&row, AF_INET, "10.81.0.0", 16, luid, index);
    row.DestinationPrefix.Prefix.si_family = AF_UNSPEC;
    ret = pGetIpForwardEntry2(&row);
    ok(ret == ERROR_INVALID_PARAMETER, "no destination family: %lu\n", ret);

    keys_row(&row, AF_INET, "10.81.0.0", 16, luid, index);
    row.NextHop.si_family = AF_UNSPEC;
    ret = pGetIpForwardEntry2(&row);
    ok(ret == ERROR_INVALID_PARAMETER, "no next hop: %lu\n", ret);

    keys_row(&row, AF_INET, "10.81.0.0", 16, luid, 0);
    row.InterfaceLuid.Value = 0;
    ret = pGetIpForwardEntry2(&row);
    ok(ret == ERROR_INVALID_PARAMETER, "no interface: %lu\n", ret);

    /* An interface that does not exist: by LUID, and by index. */
    none = no_such_luid();
    keys_row(&row, AF_INET, "10.81.0.0", 16, none, 0);
    ret = pGetIpForwardEntry2(&row);
    ok(ret == ERROR_NOT_FOUND, "an unknown LUID: %lu\n", ret);
    keys_row(&row, AF_INET, "10.81.0.0", 16, luid, 0x7ffffff0);
    row.InterfaceLuid.Value = 0;
    ret = pGetIpForwardEntry2(&row);
    ok(ret == ERROR_NOT_FOUND, "an unknown index: %lu\n", ret);

    if (!index) return;
    /* A real interface without that route, by LUID and by index; the LUID wins over a wrong index. */
    keys_row(&row, AF_INET, "10.81.0.0", 16, luid, 0);
    ret = pGetIpForwardEntry2(&row);
    ok(ret == ERROR_NOT_FOUND, "no such route (LUID): %lu\n", ret);
    keys_row(&row, AF_INET6, "fd00:81::", 48, luid, 0);
    ret = pGetIpForwardEntry2(&row);
    ok(ret == ERROR_NOT_FOUND, "no such IPv6 route (LUID): %lu\n", ret);
    keys_row(&row, AF_INET, "10.81.0.0", 16, none, index);
    ret = pGetIpForwardEntry2(&row);
    ok(ret == ERROR_NOT_FOUND, "an unknown LUID with a real index: %lu\n", ret);
}

/* ---- GetIpForwardEntry2 with a notified row's keys -------------------------------------------------------- */

struct reread
{
    CRITICAL_SECTION cs;
    HANDLE signal;                 /* auto-reset: set after every callback */
    SOCKADDR_INET prefix;          /* the route looked for */
    UINT8 prefix_len;
    NET_IFINDEX index;
    BOOL seen_add, seen_del;
    MIB_IPFORWARD_ROW2 notified;   /* the add notification's row, as given */
    MIB_IPFORWARD_ROW2 read;       /* GetIpForwardEntry2 with its keys, inside the callback */
    DWORD read_ret;
    DWORD read_after_del;          /* GetIpForwardEntry2 with the delete notification's keys, inside it */
};

/* The keys of a notified row, as a program copies them into a fresh row (garbage elsewhere, which Windows
 * ignores: only the keys are input). */
static void copy_keys(MIB_IPFORWARD_ROW2 *row, const MIB_IPFORWARD_ROW2 *from)
{
    memset(row, 0xcc, sizeof(*row));
    row->DestinationPrefix = from->DestinationPrefix;
    row->NextHop = from->NextHop;
    row->InterfaceLuid = from->InterfaceLuid;
    row->InterfaceIndex = from->InterfaceIndex;
    row->ValidLifetime = row->PreferredLifetime = 0xffffffff;
    row->SitePrefixLength = 0;
}

static void WINAPI route_callback(void *context, MIB_IPFORWARD_ROW2 *row, MIB_NOTIFICATION_TYPE type)
{
    struct reread *r = context;
    MIB_IPFORWARD_ROW2 keys;

    if (row && row->InterfaceIndex == r->index && same_address(&row->DestinationPrefix.Prefix, &r->prefix)
        && row->DestinationPrefix.PrefixLength == r->prefix_len)
    {
        copy_keys(&keys, row);
        EnterCriticalSection(&r->cs);
        if (type == MibAddInstance && !r->seen_add)
        {
            r->notified = *row;
            r->read = keys;
            r->read_ret = pGetIpForwardEntry2(&r->read);
            r->seen_add = TRUE;
        }
        else if (type == MibDeleteInstance && !r->seen_del)
        {
            r->read_after_del = pGetIpForwardEntry2(&keys);
            r->seen_del = TRUE;
        }
        LeaveCriticalSection(&r->cs);
    }
    SetEvent(r->signal);
}

static BOOL wait_seen(struct reread *r, const BOOL *flag)
{
    ULONGLONG deadline = GetTickCount64() + WAIT_MS;
    BOOL seen;

    for (;;)
    {
        ULONGLONG now;

        EnterCriticalSection(&r->cs);
        seen = *flag;
        LeaveCriticalSection(&r->cs);
        if (seen || (now = GetTickCount64()) >= deadline) return seen;
        WaitForSingleObject(r->signal, (DWORD)(deadline - now));
    }
}

/* The host's line for a route (`ip -o route show`), or NULL; the caller frees it.  Wine only. */
static char *host_route(ADDRESS_FAMILY family, const char *prefix, UINT8 len, const char *dev)
{
    char command[256];

    snprintf(command, sizeof(command), "ip -o -%d route show %s/%u dev %s table main", family == AF_INET ? 4 : 6,
             prefix, len, dev);
    return host_output(command);
}

/* The number after word in the host's line, or fallback when the word is absent. */
static unsigned long host_field(const char *line, const char *word, unsigned long fallback)
{
    const char *p = strstr(line, word);

    return p ? strtoul(p + strlen(word), NULL, 10) : fallback;
}

static void check_route(ADDRESS_FAMILY family, const char *prefix, UINT8 len, NET_IFINDEX index, NET_LUID luid)
{
    const char *dev = getenv("WINENOTIFY_TEST_IF");
    struct reread r;
    MIB_IPFORWARD_ROW2 again, by_index;
    MIB_IPFORWARD_TABLE2 *table;
    HANDLE handle = NULL;
    DWORD ret, err;
    ULONG i;
    BOOL in_table = FALSE;

    winetest_push_context("%s/%u", prefix, len);
    memset(&r, 0, sizeof(r));
    InitializeCriticalSection(&r.cs);
    r.signal = CreateEventW(NULL, FALSE, FALSE, NULL);
    make_address(&r.prefix, family, prefix);
    r.prefix_len = len;
    r.index = index;
    ret = NotifyRouteChange2(AF_UNSPEC, route_callback, &r, FALSE, &handle);
    ok(ret == NO_ERROR, "NotifyRouteChange2: %lu\n", ret);

    err = run_write("iroute", "add", family == AF_INET ? 4 : 6, prefix, len, index);
    if (err == ERROR_ACCESS_DENIED || err == ERROR_NOT_SUPPORTED)
    {
        skip("cannot add a route here (error %lu)\n", err);
        goto done;
    }
    /* InitializeIpForwardEntry's row with only the keys set is one CreateIpForwardEntry2 takes. */
    ok(err == NO_ERROR, "adding the route from InitializeIpForwardEntry's row: %lu\n", err);
    if (err) goto done;
    ok(wait_seen(&r, &r.seen_add), "no add notification\n");
    if (!r.seen_add) goto done;

    /* Inside the callback, with the notified keys: the same route, every field filled. */
    ok(r.read_ret == NO_ERROR, "GetIpForwardEntry2 in the callback: %lu\n", r.read_ret);
    ok(r.read.InterfaceLuid.Value == luid.Value && r.notified.InterfaceLuid.Value == luid.Value,
       "LUID %#llx, notified %#llx, system %#llx\n", (unsigned long long)r.read.InterfaceLuid.Value,
       (unsigned long long)r.notified.InterfaceLuid.Value, (unsigned long long)luid.Value);
    ok(r.read.InterfaceIndex == index, "index %lu\n", r.read.InterfaceIndex);
    ok(same_address(&r.read.DestinationPrefix.Prefix, &r.prefix) && r.read.DestinationPrefix.PrefixLength == len,
       "another destination\n");
    ok(r.read.NextHop.si_family == family && same_address(&r.read.NextHop, &r.notified.NextHop),
       "next hop family %u\n", r.read.NextHop.si_family);
    ok(r.read.SitePrefixLength == 0, "SitePrefixLength %u\n", r.read.SitePrefixLength);
    ok(r.read.ValidLifetime == 0xffffffff && r.read.PreferredLifetime == 0xffffffff, "lifetimes %lu %lu\n",
       r.read.ValidLifetime, r.read.PreferredLifetime);
    ok(r.read.Immortal, "not immortal\n");
    ok(!r.read.Loopback, "a loopback route\n");
    ok(r.read.Protocol == RouteProtocolNetMgmt, "Protocol %u\n", r.read.Protocol);
    ok(r.read.Origin == NlroManual, "Origin %u\n", r.read.Origin);

    /* After the callback, by LUID and by index alone: the same row again. */
    copy_keys(&again, &r.notified);
    ret = pGetIpForwardEntry2(&again);
    ok(ret == NO_ERROR, "GetIpForwardEntry2 after the callback: %lu\n", ret);
    ok(again.Metric == r.read.Metric && again.InterfaceLuid.Value == luid.Value, "metric %lu, then %lu\n",
       r.read.Metric, again.Metric);
    copy_keys(&by_index, &r.notified);
    by_index.InterfaceLuid.Value = 0;
    ret = pGetIpForwardEntry2(&by_index);
    ok(ret == NO_ERROR, "GetIpForwardEntry2 by index: %lu\n", ret);
    ok(by_index.InterfaceLuid.Value == luid.Value, "by index: LUID %#llx\n",
       (unsigned long long)by_index.InterfaceLuid.Value);

    /* The system's table has the same route under the same keys. */
    ret = GetIpForwardTable2(family, &table);
    ok(ret == NO_ERROR, "GetIpForwardTable2: %lu\n", ret);
    for (i = 0; !ret && i < table->NumEntries && !in_table; i++)
        in_table = same_address(&table->Table[i].DestinationPrefix.Prefix, &r.prefix)
                   && table->Table[i].DestinationPrefix.PrefixLength == len
                   && same_address(&table->Table[i].NextHop, &r.read.NextHop)
                   && table->Table[i].InterfaceIndex == index && table->Table[i].InterfaceLuid.Value == luid.Value;
    if (!ret) FreeMibTable(table);
    /* Wine 8's GetIpForwardTable2 lists no IPv6 routes (SPEC.md §10). */
    ok(in_table || (family == AF_INET6 && winetest_platform_is_wine), "not in GetIpForwardTable2\n");

    /* The host's own view of the route: its metric, and who made it (the helper makes routes "static"). */
    if (winetest_platform_is_wine && dev)
    {
        char *line = host_route(family, prefix, len, dev);

        if (line)
        {
            trace("host: %s", line);
            /* `ip` leaves out a metric of 0 and the main table. */
            ok(r.read.Metric == host_field(line, "metric ", 0), "Metric %lu, host: %s", r.read.Metric, line);
            ok(strstr(line, "proto static") != NULL, "host: %s", line);
            free(line);
        }
    }

    err = run_write("route", "del", family == AF_INET ? 4 : 6, prefix, len, index);
    ok(err == NO_ERROR, "deleting the route: %lu\n", err);
    if (err) goto done;
    ok(wait_seen(&r, &r.seen_del), "no delete notification\n");
    /* A route that is gone: its keys find nothing, inside the delete notification and after. */
    if (r.seen_del) ok(r.read_after_del == ERROR_NOT_FOUND, "in the delete callback: %lu\n", r.read_after_del);
    copy_keys(&again, &r.notified);
    ret = pGetIpForwardEntry2(&again);
    ok(ret == ERROR_NOT_FOUND, "after the delete: %lu\n", ret);

done:
    if (handle) ok(CancelMibChangeNotify2(handle) == NO_ERROR, "cancel\n");
    CloseHandle(r.signal);
    DeleteCriticalSection(&r.cs);
    winetest_pop_context();
}

static void test_reread_routes(NET_IFINDEX index)
{
    NET_LUID luid;
    MIB_IF_ROW2 ifrow;

    if (ConvertInterfaceIndexToLuid(index, &luid))
    {
        ok(0, "no LUID for index %lu\n", index);
        return;
    }
    memset(&ifrow, 0, sizeof(ifrow));
    ifrow.InterfaceLuid = luid;
    /* Linux takes no route through a link that is down. */
    if (!GetIfEntry2(&ifrow) && (ifrow.AdminStatus != NET_IF_ADMIN_STATUS_UP || ifrow.OperStatus == IfOperStatusDown))
    {
        skip("the test interface is down: no route can go through it\n");
        return;
    }
    check_route(AF_INET, "10.81.0.0", 16, index, luid);
    check_route(AF_INET6, "fd00:81::", 48, index, luid);
}

/* ---- GetIpInterfaceEntry: bad input ----------------------------------------------------------------------- */

/* Wine's conformance test, run on Windows: ERROR_INVALID_PARAMETER for a NULL row and for AF_UNSPEC; the LUID
 * names the interface when it is not 0 (a wrong one with a right index: ERROR_NOT_FOUND), else the index. */
static void test_interface_entry_parameters(NET_IFINDEX index)
{
    MIB_IPINTERFACE_ROW row;
    NET_LUID luid = { 0 }, none;
    DWORD ret;

    ret = pGetIpInterfaceEntry(NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "NULL: %lu\n", ret);
    if (!index || ConvertInterfaceIndexToLuid(index, &luid)) return;

    memset(&row, 0, sizeof(row));
    row.Family = AF_UNSPEC;
    row.InterfaceLuid = luid;
    ret = pGetIpInterfaceEntry(&row);
    ok(ret == ERROR_INVALID_PARAMETER, "AF_UNSPEC: %lu\n", ret);
    row.Family = 7;
    ret = pGetIpInterfaceEntry(&row);
    ok(ret == ERROR_INVALID_PARAMETER, "family 7: %lu\n", ret);

    memset(&row, 0xcc, sizeof(row));
    row.Family = AF_INET;
    row.InterfaceIndex = index;
    ret = pGetIpInterfaceEntry(&row);
    ok(ret == ERROR_NOT_FOUND, "a garbage LUID with a real index: %lu\n", ret);

    memset(&row, 0xcc, sizeof(row));
    row.Family = AF_INET;
    row.InterfaceLuid.Value = 0;
    row.InterfaceIndex = index;
    ret = pGetIpInterfaceEntry(&row);
    ok(ret == NO_ERROR, "by index: %lu\n", ret);
    ok(row.Family == AF_INET && row.InterfaceLuid.Value == luid.Value && row.InterfaceIndex == index,
       "by index: family %u, LUID %#llx, index %lu\n", row.Family, (unsigned long long)row.InterfaceLuid.Value,
       row.InterfaceIndex);

    none = no_such_luid();
    memset(&row, 0, sizeof(row));
    row.Family = AF_INET;
    row.InterfaceLuid = none;
    ret = pGetIpInterfaceEntry(&row);
    ok(ret == ERROR_NOT_FOUND, "an unknown LUID: %lu\n", ret);
    memset(&row, 0, sizeof(row));
    row.Family = AF_INET;
    row.InterfaceIndex = 0x7ffffff0;
    ret = pGetIpInterfaceEntry(&row);
    ok(ret == ERROR_NOT_FOUND, "an unknown index: %lu\n", ret);
}

/* ---- GetIpInterfaceEntry against the system's own ------------------------------------------------------- */

/* Where the system has GetIpInterfaceEntry (Wine 11) and knows an interface, ours knows it too, with the same
 * values for every field both can know (SPEC.md's "never worse than the system DLL").  Ours knows more: an IPv4
 * interface without an IPv4 address, which NotifyIpInterfaceChange announces and Wine 11 does not know. */
static void test_interface_entry_system(void)
{
    MIB_IF_TABLE2 *ifs;
    ULONG i;
    int f, compared = 0;
    static const ADDRESS_FAMILY families[] = { AF_INET, AF_INET6 };

    if (!pSystemGetIpInterfaceEntry)
    {
        skip("the system has no GetIpInterfaceEntry of its own beside ours\n");
        return;
    }
    if (GetIfTable2(&ifs))
    {
        ok(0, "GetIfTable2 failed\n");
        return;
    }
    for (i = 0; i < ifs->NumEntries; i++)
    {
        for (f = 0; f < 2; f++)
        {
            MIB_IPINTERFACE_ROW mine, theirs;
            DWORD a, b;

            memset(&theirs, 0, sizeof(theirs));
            theirs.Family = families[f];
            theirs.InterfaceLuid = ifs->Table[i].InterfaceLuid;
            mine = theirs;
            if ((b = pSystemGetIpInterfaceEntry(&theirs))) continue;
            a = pGetIpInterfaceEntry(&mine);
            winetest_push_context("%ls family %u", ifs->Table[i].Alias, families[f]);
            ok(a == NO_ERROR, "the system knows it, ours gives %lu\n", a);
            if (!a)
            {
                compared++;
#define SAME(field) ok(mine.field == theirs.field, #field " %lu, system %lu\n", (ULONG)mine.field, (ULONG)theirs.field)
                SAME(Family);
                SAME(InterfaceIndex);
                ok(mine.InterfaceLuid.Value == theirs.InterfaceLuid.Value, "LUID\n");
                SAME(NlMtu);
                SAME(Connected);
                SAME(SitePrefixLength);
                SAME(Metric);
                SAME(BaseReachableTime);
                SAME(ReachableTime);
                SAME(RetransmitTime);
                /* Where Wine 11 makes values up that Linux contradicts: an IPv4 probe count of 3 (Windows'
                 * default; Linux sends none) and an automatic interface metric (Linux has none: a route's
                 * metric is all of it, as with Windows' fixed interface metric of 0).  Ours are the host's. */
                ok(mine.DadTransmits == (families[f] == AF_INET ? 0 : theirs.DadTransmits),
                   "DadTransmits %lu, system %lu\n", mine.DadTransmits, theirs.DadTransmits);
                SAME(PathMtuDiscoveryTimeout);
                SAME(LinkLocalAddressBehavior);
                SAME(LinkLocalAddressTimeout);
                SAME(MinRouterAdvertisementInterval);
                SAME(MaxRouterAdvertisementInterval);
                ok(!mine.UseAutomaticMetric, "UseAutomaticMetric %u, system %u\n", mine.UseAutomaticMetric,
                   theirs.UseAutomaticMetric);
                SAME(UseNeighborUnreachabilityDetection);
                SAME(SupportsNeighborDiscovery);
                SAME(SupportsRouterDiscovery);
#undef SAME
            }
            winetest_pop_context();
        }
    }
    FreeMibTable(ifs);
    ok(compared > 0, "no interface both know\n");
    trace("%d interface rows compared with the system's\n", compared);
}

/* ---- GetIpInterfaceEntry with a notified row's keys (Wine only) ------------------------------------------- */

struct iface_event
{
    MIB_NOTIFICATION_TYPE type;
    MIB_IPINTERFACE_ROW notified;
    MIB_IPINTERFACE_ROW read;  /* GetIpInterfaceEntry with its keys, inside the callback */
    DWORD ret;
};

struct iface_reread
{
    CRITICAL_SECTION cs;
    HANDLE signal;
    struct iface_event events[128];
    unsigned int count;
};

static void WINAPI iface_callback(void *context, MIB_IPINTERFACE_ROW *row, MIB_NOTIFICATION_TYPE type)
{
    struct iface_reread *r = context;
    struct iface_event e;

    if (!row) return;
    e.type = type;
    e.notified = *row;
    memset(&e.read, 0xcc, sizeof(e.read));
    e.read.Family = row->Family;
    e.read.InterfaceLuid = row->InterfaceLuid;
    e.read.InterfaceIndex = row->InterfaceIndex;
    e.ret = pGetIpInterfaceEntry(&e.read);
    EnterCriticalSection(&r->cs);
    if (r->count < ARRAY_SIZE(r->events)) r->events[r->count++] = e;
    LeaveCriticalSection(&r->cs);
    SetEvent(r->signal);
}

/* The first event after number after (-1: from the start) of that type, family and interface for which test
 * holds (NULL: any); its number, or -1 after the wait. */
static int wait_iface(struct iface_reread *r, MIB_NOTIFICATION_TYPE type, ADDRESS_FAMILY family, NET_IFINDEX index,
                      int after, BOOL (*test)(const struct iface_event *))
{
    ULONGLONG deadline = GetTickCount64() + WAIT_MS;
    unsigned int i = after + 1;

    for (;;)
    {
        ULONGLONG now;

        EnterCriticalSection(&r->cs);
        for (; i < r->count; i++)
        {
            const struct iface_event *e = &r->events[i];

            if (e->type != type || e->notified.Family != family || e->notified.InterfaceIndex != index) continue;
            if (test && !test(e)) continue;
            LeaveCriticalSection(&r->cs);
            return i;
        }
        LeaveCriticalSection(&r->cs);
        if ((now = GetTickCount64()) >= deadline) return -1;
        WaitForSingleObject(r->signal, (DWORD)(deadline - now));
    }
}

static BOOL read_connected(const struct iface_event *e) { return !e->ret && e->read.Connected; }
static BOOL read_forwarding(const struct iface_event *e) { return !e->ret && e->read.ForwardingEnabled; }
/* Any parameter notification whose re-read failed counts too, so that the wait reports it. */
static BOOL read_disconnected(const struct iface_event *e) { return e->ret || !e->read.Connected; }

/* The host's values for wnrr0, one number a line, in the order of the script below. */
enum { HOST_MTU, HOST_REACH4, HOST_REACH6, HOST_RETRANS4, HOST_RETRANS6, HOST_DAD6, HOST_FWD4, HOST_FWD6,
       HOST_COUNT };

static BOOL host_link(ULONG *values)
{
    static const char command[] =
        "d=wnrr0; cat /sys/class/net/$d/mtu /proc/sys/net/ipv4/neigh/$d/base_reachable_time_ms "
        "/proc/sys/net/ipv6/neigh/$d/base_reachable_time_ms /proc/sys/net/ipv4/neigh/$d/retrans_time_ms "
        "/proc/sys/net/ipv6/neigh/$d/retrans_time_ms /proc/sys/net/ipv6/conf/$d/dad_transmits "
        "/proc/sys/net/ipv4/conf/$d/forwarding /proc/sys/net/ipv6/conf/$d/forwarding";
    char *text = host_output(command), *p;
    int i;

    if (!text) return FALSE;
    for (i = 0, p = text; i < HOST_COUNT; i++)
    {
        char *end;

        values[i] = strtoul(p, &end, 10);
        if (end == p) break;
        p = end;
    }
    ok(i == HOST_COUNT, "the host gave %d values: %s\n", i, text);
    free(text);
    return i == HOST_COUNT;
}

/* Every field of a row read back against the host (and the Windows defaults where Linux has no setting). */
static void check_interface_row(const MIB_IPINTERFACE_ROW *row, NET_LUID luid, NET_IFINDEX index, const ULONG *host)
{
    BOOL v6 = row->Family == AF_INET6;

    ok(row->InterfaceLuid.Value == luid.Value, "LUID %#llx\n", (unsigned long long)row->InterfaceLuid.Value);
    ok(row->InterfaceIndex == index, "index %lu\n", row->InterfaceIndex);
    ok(row->NlMtu == host[HOST_MTU], "NlMtu %lu, host %lu\n", row->NlMtu, host[HOST_MTU]);
    ok(row->ForwardingEnabled == (host[v6 ? HOST_FWD6 : HOST_FWD4] != 0), "ForwardingEnabled %u\n",
       row->ForwardingEnabled);
    ok(row->BaseReachableTime == host[v6 ? HOST_REACH6 : HOST_REACH4], "BaseReachableTime %lu, host %lu\n",
       row->BaseReachableTime, host[v6 ? HOST_REACH6 : HOST_REACH4]);
    ok(row->ReachableTime == row->BaseReachableTime, "ReachableTime %lu\n", row->ReachableTime);
    ok(row->RetransmitTime == host[v6 ? HOST_RETRANS6 : HOST_RETRANS4], "RetransmitTime %lu\n", row->RetransmitTime);
    ok(row->DadTransmits == (v6 ? host[HOST_DAD6] : 0), "DadTransmits %lu\n", row->DadTransmits);
    ok(row->ZoneIndices[ScopeLevelInterface] == index && row->ZoneIndices[ScopeLevelLink] == index,
       "zone indices %lu %lu\n", row->ZoneIndices[ScopeLevelInterface], row->ZoneIndices[ScopeLevelLink]);
    ok(row->Metric == 0 && !row->UseAutomaticMetric, "Metric %lu, automatic %u\n", row->Metric,
       row->UseAutomaticMetric);
    ok(row->SitePrefixLength == 64, "SitePrefixLength %lu\n", row->SitePrefixLength);
    ok(row->PathMtuDiscoveryTimeout == 600000, "PathMtuDiscoveryTimeout %lu\n", row->PathMtuDiscoveryTimeout);
    ok(row->LinkLocalAddressBehavior == (v6 ? LinkLocalAlwaysOn : LinkLocalDelayed), "LinkLocalAddressBehavior %d\n",
       row->LinkLocalAddressBehavior);
}

static void test_reread_interfaces(void)
{
    struct iface_reread r;
    HANDLE handle = NULL;
    NET_LUID luid, peer_luid;
    NET_IFINDEX index = 0, peer = 0;
    ULONG host[HOST_COUNT];
    ULONGLONG deadline;
    MIB_IPINTERFACE_ROW now;
    int add, mtu, up, add6, conn, fwd6, down6, del, del6;
    char *text;
    DWORD ret;

    if (!winetest_platform_is_wine)
    {
        skip("links are added and changed with host commands: Wine only\n");
        return;
    }
    memset(&r, 0, sizeof(r));
    InitializeCriticalSection(&r.cs);
    r.signal = CreateEventW(NULL, FALSE, FALSE, NULL);
    ret = NotifyIpInterfaceChange(AF_UNSPEC, iface_callback, &r, FALSE, &handle);
    ok(ret == NO_ERROR, "NotifyIpInterfaceChange: %lu\n", ret);

    if (!winetest_run_unix(NULL, "ip link add wnrr0 type veth peer name wnrr0p")) goto done;
    deadline = GetTickCount64() + WAIT_MS;
    while (ConvertInterfaceAliasToLuid(L"wnrr0", &luid) && GetTickCount64() < deadline)
        WaitForSingleObject(r.signal, 100);
    ret = ConvertInterfaceAliasToLuid(L"wnrr0", &luid);
    ok(!ret, "wnrr0 did not appear: %lu\n", ret);
    if (ret || ConvertInterfaceLuidToIndex(&luid, &index)) goto done;
    if (!ConvertInterfaceAliasToLuid(L"wnrr0p", &peer_luid)) ConvertInterfaceLuidToIndex(&peer_luid, &peer);

    /* Added: the IPv4 interface, re-read inside the callback; no IPv6 yet (no IPv6 address while down). */
    add = wait_iface(&r, MibAddInstance, AF_INET, index, -1, NULL);
    ok(add >= 0, "no add notification\n");
    if (add < 0) goto done;
    ok(r.events[add].ret == NO_ERROR, "GetIpInterfaceEntry in the add callback: %lu\n", r.events[add].ret);
    ok(!r.events[add].read.Connected, "connected while down\n");
    /* IPv6 is there as long as it is enabled on the link, addresses or not (rows.h: wn_link_has_ipv6). */
    memset(&now, 0, sizeof(now));
    now.Family = AF_INET6;
    now.InterfaceLuid = luid;
    ret = pGetIpInterfaceEntry(&now);
    ok(ret == NO_ERROR, "IPv6 enabled, no IPv6 address yet: %lu\n", ret);
    /* Host settings of its own, so that a default cannot pass for one read from the host. */
    winetest_run_unix(NULL, "echo 12345 > /proc/sys/net/ipv4/neigh/wnrr0/base_reachable_time_ms; "
                      "echo 23456 > /proc/sys/net/ipv6/neigh/wnrr0/base_reachable_time_ms; "
                      "echo 2 > /proc/sys/net/ipv6/conf/wnrr0/dad_transmits; ip link set wnrr0 mtu 1400");
    mtu = wait_iface(&r, MibParameterNotification, AF_INET, index, add, NULL);
    ok(mtu >= 0, "no parameter notification for the MTU\n");
    if (mtu >= 0)
    {
        ok(r.events[mtu].ret == NO_ERROR, "in the MTU callback: %lu\n", r.events[mtu].ret);
        ok(r.events[mtu].read.NlMtu == 1400, "in the MTU callback: NlMtu %lu\n", r.events[mtu].read.NlMtu);
        if (host_link(host)) check_interface_row(&r.events[mtu].read, luid, index, host);
    }

    /* Up with carrier: connected, and IPv6 with its link-local address. */
    winetest_run_unix(NULL, "ip link set wnrr0p up; ip link set wnrr0 up");
    up = wait_iface(&r, MibParameterNotification, AF_INET, index, mtu, NULL);
    ok(up >= 0, "no parameter notification for up\n");
    conn = wait_iface(&r, MibParameterNotification, AF_INET, index, mtu, read_connected);
    ok(conn >= 0, "GetIpInterfaceEntry never read it connected in a parameter callback\n");
    add6 = wait_iface(&r, MibAddInstance, AF_INET6, index, -1, NULL);
    ok(add6 >= 0, "no IPv6 add notification\n");
    if (add6 >= 0)
    {
        ok(r.events[add6].ret == NO_ERROR, "GetIpInterfaceEntry in the IPv6 add callback: %lu\n", r.events[add6].ret);
        if (host_link(host)) check_interface_row(&r.events[add6].read, luid, index, host);
        /* With its link-local address, the system's own GetIpInterfaceEntry (Wine 11) knows it too. */
        test_interface_entry_system();
    }

    /* Forwarding, per family. */
    winetest_run_unix(NULL, "echo 1 > /proc/sys/net/ipv6/conf/wnrr0/forwarding");
    fwd6 = wait_iface(&r, MibParameterNotification, AF_INET6, index, add6, read_forwarding);
    ok(fwd6 >= 0, "GetIpInterfaceEntry never read IPv6 forwarding in a parameter callback\n");
    if (fwd6 >= 0 && host_link(host))
    {
        check_interface_row(&r.events[fwd6].read, luid, index, host);
        memset(&now, 0, sizeof(now));
        now.Family = AF_INET;
        now.InterfaceIndex = index;
        ret = pGetIpInterfaceEntry(&now);
        ok(ret == NO_ERROR, "IPv4 after the callback: %lu\n", ret);
        if (!ret) check_interface_row(&now, luid, index, host);
    }

    /* IPv6 disabled on the up link, then enabled again: the link-local address goes and comes, and with it the
     * IPv6 interface (the kernel announces disable_ipv6 by nothing else; on a down link not at all). */
    if ((text = host_output("echo 1 > /proc/sys/net/ipv6/conf/wnrr0/disable_ipv6; echo done")))
    {
        free(text);
        memset(&now, 0, sizeof(now));
        now.Family = AF_INET6;
        now.InterfaceLuid = luid;
        deadline = GetTickCount64() + WAIT_MS;
        while ((ret = pGetIpInterfaceEntry(&now)) == NO_ERROR && GetTickCount64() < deadline) Sleep(20);
        ok(ret == ERROR_NOT_FOUND, "IPv6 disabled: %lu\n", ret);
        free(host_output("echo 0 > /proc/sys/net/ipv6/conf/wnrr0/disable_ipv6; echo done"));
        deadline = GetTickCount64() + WAIT_MS;
        while ((ret = pGetIpInterfaceEntry(&now)) != NO_ERROR && GetTickCount64() < deadline) Sleep(20);
        ok(ret == NO_ERROR, "IPv6 enabled again: %lu\n", ret);
    }

    /* Down: Linux flushes the link's IPv6 addresses, but the IPv6 interface stays (down and up are parameter
     * changes of the same interface, as on Windows): its parameter notification re-reads it, disconnected. */
    winetest_run_unix(NULL, "ip link set wnrr0 down");
    down6 = wait_iface(&r, MibParameterNotification, AF_INET6, index, fwd6 >= 0 ? fwd6 : add6, read_disconnected);
    ok(down6 >= 0, "no IPv6 parameter notification re-read disconnected for down\n");
    if (down6 >= 0) ok(r.events[down6].ret == NO_ERROR, "in the IPv6 callback for down: %lu\n", r.events[down6].ret);
    memset(&now, 0, sizeof(now));
    now.Family = AF_INET6;
    now.InterfaceLuid = luid;
    ret = pGetIpInterfaceEntry(&now);
    ok(ret == NO_ERROR && !now.Connected, "IPv6 while down: %lu, connected %u\n", ret, now.Connected);

    /* Deleted: nothing to read, inside the delete callback and after. */
    winetest_run_unix(NULL, "ip link del wnrr0");
    del = wait_iface(&r, MibDeleteInstance, AF_INET, index, add, NULL);
    ok(del >= 0, "no delete notification\n");
    if (del >= 0)
    {
        ok(r.events[del].notified.InterfaceLuid.Value == luid.Value, "the delete notification's LUID\n");
        ok(r.events[del].ret == ERROR_NOT_FOUND, "GetIpInterfaceEntry in the delete callback: %lu\n",
           r.events[del].ret);
    }
    del6 = wait_iface(&r, MibDeleteInstance, AF_INET6, index, add6, NULL);
    ok(del6 >= 0, "no IPv6 delete notification\n");
    if (del6 >= 0) ok(r.events[del6].ret == ERROR_NOT_FOUND, "in the IPv6 delete callback: %lu\n", r.events[del6].ret);
    memset(&now, 0, sizeof(now));
    now.Family = AF_INET;
    now.InterfaceLuid = luid;
    ret = pGetIpInterfaceEntry(&now);
    ok(ret == ERROR_NOT_FOUND, "after the delete: %lu\n", ret);
    /* Its peer goes with it, in a notification of its own: the tests that follow see neither. */
    if (peer) ok(wait_iface(&r, MibDeleteInstance, AF_INET, peer, -1, NULL) >= 0, "no delete notification for the peer\n");

done:
    winetest_run_unix(NULL, "ip link del wnrr0 2>/dev/null");
    if (handle) ok(CancelMibChangeNotify2(handle) == NO_ERROR, "cancel\n");
    CloseHandle(r.signal);
    DeleteCriticalSection(&r.cs);
}

/* ---- GetIpInterfaceTable --------------------------------------------------------------------------------- */

static BOOL same_interface_row(const MIB_IPINTERFACE_ROW *a, const MIB_IPINTERFACE_ROW *b)
{
    return a->Family == b->Family && a->InterfaceLuid.Value == b->InterfaceLuid.Value
        && a->InterfaceIndex == b->InterfaceIndex && a->NlMtu == b->NlMtu && a->Connected == b->Connected
        && a->ForwardingEnabled == b->ForwardingEnabled && a->SitePrefixLength == b->SitePrefixLength
        && a->Metric == b->Metric && a->BaseReachableTime == b->BaseReachableTime
        && a->RetransmitTime == b->RetransmitTime && a->DadTransmits == b->DadTransmits
        && a->UseAutomaticMetric == b->UseAutomaticMetric;
}

/* Microsoft's page: ERROR_INVALID_PARAMETER for a NULL table or another family.  Each row is the one
 * GetIpInterfaceEntry gives for its keys; every row of the system's own table (Wine 11) is in ours, the same. */
static void test_interface_table(void)
{
    MIB_IPINTERFACE_TABLE *table, *v4, *theirs;
    char *links;
    ULONG i, j, n4 = 0;
    DWORD ret;

    ret = pGetIpInterfaceTable(AF_UNSPEC, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "NULL table: %lu\n", ret);
    table = (void *)0xdeadbeef;
    ret = pGetIpInterfaceTable(7, &table);
    ok(ret == ERROR_INVALID_PARAMETER, "family 7: %lu\n", ret);

    ret = pGetIpInterfaceTable(AF_UNSPEC, &table);
    ok(ret == NO_ERROR, "AF_UNSPEC: %lu\n", ret);
    if (ret) return;
    ok(table->NumEntries > 0, "an empty table\n");
    for (i = 0; i < table->NumEntries; i++)
    {
        MIB_IPINTERFACE_ROW entry;

        winetest_push_context("row %lu (index %lu, family %u)", i, table->Table[i].InterfaceIndex,
                              table->Table[i].Family);
        ok(table->Table[i].Family == AF_INET || table->Table[i].Family == AF_INET6, "family\n");
        if (table->Table[i].Family == AF_INET) n4++;
        memset(&entry, 0, sizeof(entry));
        entry.Family = table->Table[i].Family;
        entry.InterfaceLuid = table->Table[i].InterfaceLuid;
        ret = pGetIpInterfaceEntry(&entry);
        ok(ret == NO_ERROR, "GetIpInterfaceEntry: %lu\n", ret);
        ok(!ret && same_interface_row(&entry, &table->Table[i]), "GetIpInterfaceEntry gives another row\n");
        winetest_pop_context();
    }

    ret = pGetIpInterfaceTable(AF_INET, &v4);
    ok(ret == NO_ERROR, "AF_INET: %lu\n", ret);
    if (!ret)
    {
        ok(v4->NumEntries == n4, "%lu IPv4 rows, %lu in the AF_UNSPEC table\n", v4->NumEntries, n4);
        for (i = 0; i < v4->NumEntries; i++) ok(v4->Table[i].Family == AF_INET, "family %u\n", v4->Table[i].Family);
        /* Linux gives every link IPv4, and NotifyIpInterfaceChange announces an IPv4 interface for each. */
        if (winetest_platform_is_wine && (links = host_output("ip -o link show | wc -l")))
        {
            ok(v4->NumEntries == strtoul(links, NULL, 10), "%lu IPv4 rows for %s links\n", v4->NumEntries, links);
            free(links);
        }
        FreeMibTable(v4);
    }

    if (pSystemGetIpInterfaceTable && !pSystemGetIpInterfaceTable(AF_UNSPEC, &theirs))
    {
        for (j = 0; j < theirs->NumEntries; j++)
        {
            BOOL found = FALSE;

            for (i = 0; i < table->NumEntries && !found; i++)
                found = table->Table[i].Family == theirs->Table[j].Family
                        && table->Table[i].InterfaceLuid.Value == theirs->Table[j].InterfaceLuid.Value;
            ok(found, "the system's row for index %lu family %u is not in ours\n", theirs->Table[j].InterfaceIndex,
               theirs->Table[j].Family);
            if (found)
            {
                /* ForwardingEnabled: Wine 11 never reports it; ours does.  DadTransmits of IPv4 and
                 * UseAutomaticMetric: Wine 11's made-up values, which Linux contradicts (as above). */
                MIB_IPINTERFACE_ROW mine = table->Table[i - 1];

                ok(!mine.UseAutomaticMetric && (mine.Family == AF_INET6 || !mine.DadTransmits),
                   "index %lu family %u: automatic metric %u, DadTransmits %lu\n", mine.InterfaceIndex, mine.Family,
                   mine.UseAutomaticMetric, mine.DadTransmits);
                mine.ForwardingEnabled = theirs->Table[j].ForwardingEnabled;
                mine.UseAutomaticMetric = theirs->Table[j].UseAutomaticMetric;
                if (mine.Family == AF_INET) mine.DadTransmits = theirs->Table[j].DadTransmits;
                ok(same_interface_row(&mine, &theirs->Table[j]), "index %lu family %u: another row than the system's\n",
                   theirs->Table[j].InterfaceIndex, theirs->Table[j].Family);
            }
        }
        trace("the system's table has %lu rows, ours %lu\n", theirs->NumEntries, table->NumEntries);
        FreeMibTable(theirs);
    }
    FreeMibTable(table);
}

/* ---- GetUnicastIpAddressEntry: the DAD state a notification announced ------------------------------------ */

struct addr_reread
{
    CRITICAL_SECTION cs;
    HANDLE signal;
    SOCKADDR_INET address;
    NET_IFINDEX index;
    struct { MIB_NOTIFICATION_TYPE type; NL_DAD_STATE notified, read, listed; DWORD ret; } events[32];
    unsigned int count;
};

static void WINAPI addr_callback(void *context, MIB_UNICASTIPADDRESS_ROW *row, MIB_NOTIFICATION_TYPE type)
{
    struct addr_reread *r = context;
    MIB_UNICASTIPADDRESS_ROW keys;
    DWORD ret;

    MIB_UNICASTIPADDRESS_TABLE *table;
    NL_DAD_STATE listed = -1;
    ULONG i;

    if (!row || row->InterfaceIndex != r->index || !same_address(&row->Address, &r->address)) return;
    memset(&keys, 0, sizeof(keys));
    keys.Address = row->Address;
    keys.InterfaceLuid = row->InterfaceLuid;
    ret = GetUnicastIpAddressEntry(&keys);
    /* The table a program lists says the same. */
    if (!GetUnicastIpAddressTable(AF_INET6, &table))
    {
        for (i = 0; i < table->NumEntries; i++)
            if (table->Table[i].InterfaceIndex == r->index && same_address(&table->Table[i].Address, &r->address))
                listed = table->Table[i].DadState;
        FreeMibTable(table);
    }
    EnterCriticalSection(&r->cs);
    if (r->count < ARRAY_SIZE(r->events))
    {
        r->events[r->count].listed = listed;
        r->events[r->count].type = type;
        r->events[r->count].notified = row->DadState;
        r->events[r->count].read = keys.DadState;
        r->events[r->count++].ret = ret;
    }
    LeaveCriticalSection(&r->cs);
    SetEvent(r->signal);
}

/* An IPv6 address is tentative until duplicate address detection ends, then preferred, each step notified
 * (SPEC.md §9).  GetUnicastIpAddressEntry with the notified keys, inside each callback, tells the same state as
 * the notification (Wine's own reports every address as preferred). */
static void test_reread_address(NET_IFINDEX index)
{
    struct addr_reread r;
    HANDLE handle = NULL;
    MIB_UNICASTIPADDRESS_ROW now;
    NET_LUID luid;
    ULONGLONG deadline;
    BOOL preferred = FALSE;
    unsigned int i;
    DWORD ret, err;

    memset(&r, 0, sizeof(r));
    InitializeCriticalSection(&r.cs);
    r.signal = CreateEventW(NULL, FALSE, FALSE, NULL);
    r.index = index;
    make_address(&r.address, AF_INET6, "fd00:82::1");
    ret = NotifyUnicastIpAddressChange(AF_INET6, addr_callback, &r, FALSE, &handle);
    ok(ret == NO_ERROR, "NotifyUnicastIpAddressChange: %lu\n", ret);

    err = run_write("addr", "add", 6, "fd00:82::1", 64, index);
    if (err == ERROR_ACCESS_DENIED || err == ERROR_NOT_SUPPORTED)
    {
        skip("cannot add an address here (error %lu)\n", err);
        goto done;
    }
    ok(err == NO_ERROR, "adding fd00:82::1: %lu\n", err);
    if (err) goto done;

    /* Until a callback reads it preferred (DAD takes a second or two). */
    deadline = GetTickCount64() + WAIT_MS;
    while (!preferred && GetTickCount64() < deadline)
    {
        WaitForSingleObject(r.signal, 200);
        EnterCriticalSection(&r.cs);
        for (i = 0; i < r.count && !preferred; i++) preferred = !r.events[i].ret && r.events[i].read == IpDadStatePreferred;
        LeaveCriticalSection(&r.cs);
    }
    ok(r.count > 0 && r.events[0].type == MibAddInstance, "no add notification first\n");
    ok(preferred, "no callback read the address preferred\n");
    for (i = 0; i < r.count; i++)
    {
        winetest_push_context("callback %u (type %d)", i, r.events[i].type);
        ok(r.events[i].ret == NO_ERROR, "GetUnicastIpAddressEntry: %lu\n", r.events[i].ret);
        ok(r.events[i].listed == r.events[i].read, "GetUnicastIpAddressTable: %d, GetUnicastIpAddressEntry: %d\n",
           r.events[i].listed, r.events[i].read);
        /* Windows' notified rows carry the keys only: the states are compared under Wine, where ours carry it. */
        if (winetest_platform_is_wine)
            ok(r.events[i].read == r.events[i].notified, "read %d, notified %d\n", r.events[i].read,
               r.events[i].notified);
        winetest_pop_context();
    }
    trace("%u address callbacks, the first read %d\n", r.count, r.count ? (int)r.events[0].read : -1);

    memset(&now, 0, sizeof(now));
    now.Address = r.address;
    now.InterfaceIndex = index;
    ret = GetUnicastIpAddressEntry(&now);
    ok(ret == NO_ERROR && now.DadState == IpDadStatePreferred, "after: %lu, state %d\n", ret, now.DadState);
    ok(!ConvertInterfaceIndexToLuid(index, &luid) && now.InterfaceLuid.Value == luid.Value, "after: LUID\n");

    err = run_write("addr", "del", 6, "fd00:82::1", 64, index);
    ok(err == NO_ERROR, "deleting fd00:82::1: %lu\n", err);
    memset(&now, 0, sizeof(now));
    now.Address = r.address;
    now.InterfaceIndex = index;
    ret = GetUnicastIpAddressEntry(&now);
    ok(ret == ERROR_NOT_FOUND, "after the delete: %lu\n", ret);

done:
    if (handle) ok(CancelMibChangeNotify2(handle) == NO_ERROR, "cancel\n");
    CloseHandle(r.signal);
    DeleteCriticalSection(&r.cs);
}

/* Ours, as the program imported it (once the system's copy is loaded too, GetModuleHandle of the name may give
 * either). */
static HMODULE ours_module;

/* ---- without a helper (Wine only) ------------------------------------------------------------------------ */

/* The child ("reread.exe reread nohelper"), started with no helper to find: each function answers as the system's
 * own does (ERROR_NOT_SUPPORTED where Wine lacks it); the Initialize* functions, which need no host, still fill. */
static void child_nohelper(void)
{
    HMODULE system = load_system_copy(L"iphlpapi.dll");
    DWORD (WINAPI *sys_route)(MIB_IPFORWARD_ROW2 *) = (void *)GetProcAddress(system, "GetIpForwardEntry2");
    DWORD (WINAPI *sys_iface)(MIB_IPINTERFACE_ROW *) = (void *)GetProcAddress(system, "GetIpInterfaceEntry");
    DWORD (WINAPI *sys_table)(ADDRESS_FAMILY, MIB_IPINTERFACE_TABLE **) =
        (void *)GetProcAddress(system, "GetIpInterfaceTable");
    DWORD (WINAPI *sys_addr)(MIB_UNICASTIPADDRESS_ROW *) = (void *)GetProcAddress(system, "GetUnicastIpAddressEntry");
    MIB_IPFORWARD_ROW2 route, route2;
    MIB_IPINTERFACE_ROW iface, iface2;
    MIB_IPINTERFACE_TABLE *table = NULL, *table2 = NULL;
    MIB_UNICASTIPADDRESS_ROW addr, addr2;
    NET_LUID lo;
    DWORD a, b;

    winetest_push_context("no helper");
    ok(system != NULL && system != ours_module, "no system copy beside ours\n");
    if (!system || system == ours_module || ConvertInterfaceIndexToLuid(1, &lo))
    {
        winetest_pop_context();
        return;
    }

    pInitializeIpForwardEntry(&route);
    ok(route.ValidLifetime == 0xffffffff && route.Immortal, "InitializeIpForwardEntry did not fill the row\n");

    keys_row(&route, AF_INET, "10.85.0.0", 16, lo, 1);
    route2 = route;
    a = pGetIpForwardEntry2(&route);
    b = sys_route ? sys_route(&route2) : ERROR_NOT_SUPPORTED;
    ok(a == b, "GetIpForwardEntry2: %lu, system %lu\n", a, b);

    memset(&iface, 0, sizeof(iface));
    iface.Family = AF_INET;
    iface.InterfaceIndex = 1;
    iface2 = iface;
    a = pGetIpInterfaceEntry(&iface);
    b = sys_iface ? sys_iface(&iface2) : ERROR_NOT_SUPPORTED;
    ok(a == b, "GetIpInterfaceEntry: %lu, system %lu\n", a, b);
    ok(a || !memcmp(&iface, &iface2, sizeof(iface)), "GetIpInterfaceEntry: another row than the system's\n");

    a = pGetIpInterfaceTable(AF_UNSPEC, &table);
    b = sys_table ? sys_table(AF_UNSPEC, &table2) : ERROR_NOT_SUPPORTED;
    ok(a == b, "GetIpInterfaceTable: %lu, system %lu\n", a, b);
    ok(a || table->NumEntries == table2->NumEntries, "GetIpInterfaceTable: %lu rows, system %lu\n",
       table->NumEntries, table2->NumEntries);
    if (!a) FreeMibTable(table);
    if (!b) FreeMibTable(table2);

    memset(&addr, 0, sizeof(addr));
    make_address(&addr.Address, AF_INET, "127.0.0.1");
    addr.InterfaceLuid = lo;
    addr2 = addr;
    a = GetUnicastIpAddressEntry(&addr);
    b = sys_addr ? sys_addr(&addr2) : ERROR_NOT_SUPPORTED;
    ok(a == b && (a || (addr.DadState == addr2.DadState && addr.ValidLifetime == addr2.ValidLifetime)),
       "GetUnicastIpAddressEntry: %lu state %d, system %lu state %d\n", a, addr.DadState, b, addr2.DadState);
    {
        DWORD (WINAPI *sys_addrs)(ADDRESS_FAMILY, MIB_UNICASTIPADDRESS_TABLE **) =
            (void *)GetProcAddress(system, "GetUnicastIpAddressTable");
        MIB_UNICASTIPADDRESS_TABLE *t1 = NULL, *t2 = NULL;

        a = GetUnicastIpAddressTable(AF_UNSPEC, &t1);
        b = sys_addrs ? sys_addrs(AF_UNSPEC, &t2) : ERROR_NOT_SUPPORTED;
        ok(a == b && (a || t1->NumEntries == t2->NumEntries), "GetUnicastIpAddressTable: %lu, system %lu\n", a, b);
        if (!a) FreeMibTable(t1);
        if (!b) FreeMibTable(t2);
    }
    winetest_pop_context();
}

static void test_without_helper(void)
{
    HANDLE child;

    if (!winetest_platform_is_wine)
    {
        skip("our DLLs pass through on Windows: there is no helper to lack\n");
        return;
    }
    if (!(child = winetest_start_child("reread nohelper", L"Z:\\nonexistent\\winenotify-host"))) return;
    ok(WaitForSingleObject(child, WAIT_MS) == WAIT_OBJECT_0, "the child did not exit\n");
    CloseHandle(child);
}

START_TEST(reread)
{
    HMODULE iphlpapi = ours_module = GetModuleHandleA("iphlpapi.dll"), system;
    NET_IFINDEX index = 0;

    char **argv;
    int argc = winetest_get_mainargs(&argv);

    if (netchange_start()) return;
    pInitializeIpInterfaceEntry = (void *)GetProcAddress(iphlpapi, "InitializeIpInterfaceEntry");
    pInitializeIpForwardEntry = (void *)GetProcAddress(iphlpapi, "InitializeIpForwardEntry");
    pInitializeUnicastIpAddressEntry = (void *)GetProcAddress(iphlpapi, "InitializeUnicastIpAddressEntry");
    pGetIpForwardEntry2 = (void *)GetProcAddress(iphlpapi, "GetIpForwardEntry2");

    pGetIpInterfaceEntry = (void *)GetProcAddress(iphlpapi, "GetIpInterfaceEntry");
    if ((system = load_system_copy(L"iphlpapi.dll")) && system != iphlpapi)
    {
        pSystemGetIpInterfaceEntry = (void *)GetProcAddress(system, "GetIpInterfaceEntry");
        pSystemGetIpInterfaceTable = (void *)GetProcAddress(system, "GetIpInterfaceTable");
    }
    pGetIpInterfaceTable = (void *)GetProcAddress(iphlpapi, "GetIpInterfaceTable");

    if (argc >= 3 && !strcmp(argv[2], "nohelper"))
    {
        if (pGetIpForwardEntry2 && pGetIpInterfaceEntry && pGetIpInterfaceTable && pInitializeIpForwardEntry)
            child_nohelper();
        return;
    }

    test_initialize();
    if (pGetIpForwardEntry2 && pGetIpInterfaceEntry && pGetIpInterfaceTable && pInitializeIpForwardEntry)
        test_without_helper();
    if (!netchange_test_interface(&index)) index = 0;
    if (pGetIpForwardEntry2)
    {
        test_forward_entry_parameters(index);
        if (index) test_reread_routes(index);
    }
    else win_skip("GetIpForwardEntry2 is missing\n");
    if (pGetIpInterfaceEntry)
    {
        test_interface_entry_parameters(index);
        test_interface_entry_system();
        test_reread_interfaces();
    }
    else win_skip("GetIpInterfaceEntry is missing\n");
    if (pGetIpInterfaceTable && pGetIpInterfaceEntry) test_interface_table();
    else win_skip("GetIpInterfaceTable or GetIpInterfaceEntry is missing\n");
    if (index) test_reread_address(index);
}
