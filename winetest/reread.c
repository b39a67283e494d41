/* Conformance test of what a program does right after a notification (SPEC.md §2, §10): build rows with
 * InitializeIpInterfaceEntry, InitializeIpForwardEntry and InitializeUnicastIpAddressEntry, and re-read the
 * notified route with GetIpForwardEntry2 and the notified row's keys, from inside the callback and after it.
 *
 * The same program runs on Windows and under Wine.  Routes are added the way WireGuard's winipcfg adds them
 * (InitializeIpForwardEntry, the keys, CreateIpForwardEntry2) by a child process ("reread.exe reread write
 * iroute ...", netchange.h) on the interface whose alias is in WINENOTIFY_TEST_IF.  Under Wine each value read
 * back is also compared with the host's own view of the route (`ip route`). */
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
#include "netchange.h"

#define WAIT_MS 10000

static void (WINAPI *pInitializeIpInterfaceEntry)(MIB_IPINTERFACE_ROW *);
static void (WINAPI *pInitializeIpForwardEntry)(MIB_IPFORWARD_ROW2 *);
static void (WINAPI *pInitializeUnicastIpAddressEntry)(MIB_UNICASTIPADDRESS_ROW *);
static DWORD (WINAPI *pGetIpForwardEntry2)(MIB_IPFORWARD_ROW2 *);

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

    /* An interface that does not exist: by LUID (NET_LUID_INDEX 0xfffff of IfType 6), and by index. */
    none.Value = 0;
    none.Info.IfType = 6;
    none.Info.NetLuidIndex = 0xfffff;
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
    char script[512], *text = NULL;
    ULONGLONG deadline = GetTickCount64() + WAIT_MS;

    DeleteFileA("route.txt");
    snprintf(script, sizeof(script), "ip -o -%d route show %s/%u dev %s table main > route.tmp; mv route.tmp route.txt",
             family == AF_INET ? 4 : 6, prefix, len, dev);
    if (!winetest_run_unix(NULL, script)) return NULL;
    while (!(text = winetest_read_file("route.txt", NULL)) && GetTickCount64() < deadline) Sleep(50);
    ok(text != NULL, "the host did not list %s/%u\n", prefix, len);
    DeleteFileA("route.txt");
    return text;
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

START_TEST(reread)
{
    HMODULE iphlpapi = GetModuleHandleA("iphlpapi.dll");
    NET_IFINDEX index = 0;

    if (netchange_start()) return;
    pInitializeIpInterfaceEntry = (void *)GetProcAddress(iphlpapi, "InitializeIpInterfaceEntry");
    pInitializeIpForwardEntry = (void *)GetProcAddress(iphlpapi, "InitializeIpForwardEntry");
    pInitializeUnicastIpAddressEntry = (void *)GetProcAddress(iphlpapi, "InitializeUnicastIpAddressEntry");
    pGetIpForwardEntry2 = (void *)GetProcAddress(iphlpapi, "GetIpForwardEntry2");

    test_initialize();
    if (!pGetIpForwardEntry2)
    {
        win_skip("GetIpForwardEntry2 is missing\n");
        return;
    }
    if (!netchange_test_interface(&index)) index = 0;
    test_forward_entry_parameters(index);
    if (index) test_reread_routes(index);
}
