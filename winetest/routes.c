/* Conformance test of the route table as a program lists, changes and consults it (SPEC.md §10):
 * GetIpForwardTable2 (IPv4 and IPv6, the same rows GetIpForwardEntry2 and NotifyRouteChange2 give),
 * SetIpForwardEntry2 (a new metric, carried out and notified) and GetBestRoute2 (the route and the source
 * address).
 *
 * The same program runs on Windows and under Wine.  Changes go through the Windows API on the interface whose
 * alias is in WINENOTIFY_TEST_IF and are skipped where the system refuses them (no administrator rights).  Under
 * Wine every row is also compared with the host's own (`ip route`): every route Windows would list that Linux
 * has, in its main or local table, is in the table with its interface and metric, and nothing else is. */
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

#define WAIT_MS 10000

static DWORD (WINAPI *pGetIpForwardTable2)(ADDRESS_FAMILY, MIB_IPFORWARD_TABLE2 **);
static DWORD (WINAPI *pGetIpForwardEntry2)(MIB_IPFORWARD_ROW2 *);
static DWORD (WINAPI *pSetIpForwardEntry2)(const MIB_IPFORWARD_ROW2 *);
static DWORD (WINAPI *pGetBestRoute2)(NET_LUID *, NET_IFINDEX, const SOCKADDR_INET *, const SOCKADDR_INET *, ULONG,
                                      MIB_IPFORWARD_ROW2 *, SOCKADDR_INET *);

static const char *text_of(const SOCKADDR_INET *sa, char *buf, size_t size)
{
    if (sa->si_family == AF_INET) return inet_ntop(AF_INET, &sa->Ipv4.sin_addr, buf, size);
    return inet_ntop(AF_INET6, &sa->Ipv6.sin6_addr, buf, size);
}

static BOOL is_loopback_luid(NET_LUID luid)
{
    return luid.Info.IfType == IF_TYPE_SOFTWARE_LOOPBACK;
}

static const MIB_IPFORWARD_ROW2 *find_row(const MIB_IPFORWARD_TABLE2 *t, ADDRESS_FAMILY family, const char *prefix,
                                          UINT8 len, NET_IFINDEX index)
{
    SOCKADDR_INET want;
    ULONG i;

    make_address(&want, family, prefix);
    for (i = 0; i < t->NumEntries; i++)
        if (same_address(&t->Table[i].DestinationPrefix.Prefix, &want)
            && t->Table[i].DestinationPrefix.PrefixLength == len && (!index || t->Table[i].InterfaceIndex == index))
            return &t->Table[i];
    return NULL;
}

static void copy_keys(MIB_IPFORWARD_ROW2 *to, const MIB_IPFORWARD_ROW2 *from)
{
    memset(to, 0, sizeof(*to));
    to->InterfaceLuid = from->InterfaceLuid;
    to->InterfaceIndex = from->InterfaceIndex;
    to->DestinationPrefix = from->DestinationPrefix;
    to->NextHop = from->NextHop;
}

/* ---- the table -------------------------------------------------------------------------------------------- */

static void test_table_parameters(void)
{
    MIB_IPFORWARD_TABLE2 *t = (void *)0xdeadbeef;
    DWORD ret;

    ret = pGetIpForwardTable2(AF_INET, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "NULL table: %lu\n", ret);
    ret = pGetIpForwardTable2(AF_BAN, &t);
    ok(ret == ERROR_INVALID_PARAMETER, "family AF_BAN: %lu\n", ret);
}

/* A host line of `ip -o route show table all` as the table would list it: "<prefix> dev <name> ... metric <n>"
 * for the main and local tables, with the local table's type word first; other tables, anycast entries and routes
 * without an interface are no Windows routes. */
struct host_route
{
    char prefix[64];
    unsigned int len;
    char dev[32];
    unsigned long metric;
};

static BOOL parse_host_route(char *line, ADDRESS_FAMILY family, struct host_route *r)
{
    char *p = line, *slash, *word;
    size_t n;

    if (!strncmp(p, "local ", 6) || !strncmp(p, "broadcast ", 10) || !strncmp(p, "multicast ", 10))
        p = strchr(p, ' ') + 1;
    else if (!strncmp(p, "anycast ", 8) || !strncmp(p, "unreachable ", 12) || !strncmp(p, "blackhole ", 10)
             || !strncmp(p, "prohibit ", 9) || !strncmp(p, "throw ", 6))
        return FALSE;
    if (strstr(line, " table ") && !strstr(line, " table local ")) return FALSE;
    if (!(word = strstr(line, " dev "))) return FALSE;
    n = strcspn(p, " ");
    if (n >= sizeof(r->prefix)) return FALSE;
    memcpy(r->prefix, p, n);
    r->prefix[n] = 0;
    if (!strcmp(r->prefix, "default")) strcpy(r->prefix, family == AF_INET ? "0.0.0.0/0" : "::/0");
    r->len = family == AF_INET ? 32 : 128;
    if ((slash = strchr(r->prefix, '/')))
    {
        *slash = 0;
        r->len = atoi(slash + 1);
    }
    word += 5;
    n = strcspn(word, " \n");
    if (n >= sizeof(r->dev)) return FALSE;
    memcpy(r->dev, word, n);
    r->dev[n] = 0;
    r->metric = (word = strstr(line, " metric ")) ? strtoul(word + 8, NULL, 10) : 0;
    return TRUE;
}

/* A row of the table on the interface named dev, or NULL. */
static const MIB_IPFORWARD_ROW2 *find_row_on(const MIB_IPFORWARD_TABLE2 *t, ADDRESS_FAMILY family,
                                             const char *prefix, UINT8 len, const char *dev)
{
    char name[64];
    SOCKADDR_INET want;
    ULONG i;

    make_address(&want, family, prefix);
    for (i = 0; i < t->NumEntries; i++)
        if (same_address(&t->Table[i].DestinationPrefix.Prefix, &want) && t->Table[i].DestinationPrefix.PrefixLength == len
            && host_ifname(t->Table[i].InterfaceIndex, name, sizeof(name)) && !strcmp(name, dev))
            return &t->Table[i];
    return NULL;
}

/* Under Wine: the table and the host list the same routes, each with its interface and metric. */
static void compare_with_host(const MIB_IPFORWARD_TABLE2 *t, ADDRESS_FAMILY family)
{
    struct host_route *routes;
    char command[64], *text, *line, *next, name[64], buf[64];
    unsigned int count = 0, j;
    ULONG i, rows = 0;

    snprintf(command, sizeof(command), "ip -o -%d route show table all", family == AF_INET ? 4 : 6);
    if (!(text = host_output(command))) return;
    routes = calloc(strlen(text) / 16 + 1, sizeof(*routes));
    for (line = text; routes && line && *line; line = next)
    {
        const MIB_IPFORWARD_ROW2 *row;
        struct host_route *r = &routes[count];

        if ((next = strchr(line, '\n'))) *next++ = 0;
        if (!parse_host_route(line, family, r)) continue;
        count++;
        if (!(row = find_row_on(t, family, r->prefix, (UINT8)r->len, r->dev)))
        {
            ok(0, "host route %s/%u dev %s is not in the table\n", r->prefix, r->len, r->dev);
            continue;
        }
        /* Linux may have one prefix twice with two metrics: the table shows the one in use, the lowest. */
        ok(row->Metric <= r->metric, "%s/%u dev %s: metric %lu, host %lu\n", r->prefix, r->len, r->dev,
           row->Metric, r->metric);
    }
    /* And nothing made up. */
    for (i = 0; routes && i < t->NumEntries; i++)
    {
        const MIB_IPFORWARD_ROW2 *row = &t->Table[i];
        SOCKADDR_INET sa;

        if (row->DestinationPrefix.Prefix.si_family != family) continue;
        rows++;
        if (!host_ifname(row->InterfaceIndex, name, sizeof(name))) continue;
        text_of(&row->DestinationPrefix.Prefix, buf, sizeof(buf));
        for (j = 0; j < count; j++)
        {
            make_address(&sa, family, routes[j].prefix);
            if (same_address(&sa, &row->DestinationPrefix.Prefix) && routes[j].len == row->DestinationPrefix.PrefixLength
                && !strcmp(routes[j].dev, name))
                break;
        }
        ok(j < count, "row %s/%u dev %s: the host has no such route\n", buf, row->DestinationPrefix.PrefixLength, name);
    }
    trace("%s: %lu rows, %u host routes\n", family == AF_INET ? "IPv4" : "IPv6", rows, count);
    free(routes);
    free(text);
}

static void test_table(void)
{
    MIB_IPFORWARD_TABLE2 *all, *v4, *v6;
    const MIB_IPFORWARD_ROW2 *row;
    ULONG i, n4 = 0, n6 = 0, mismatched = 0;
    DWORD ret;

    ret = pGetIpForwardTable2(AF_UNSPEC, &all);
    ok(ret == NO_ERROR, "GetIpForwardTable2(AF_UNSPEC): %lu\n", ret);
    if (ret) return;
    for (i = 0; i < all->NumEntries; i++)
    {
        if (all->Table[i].DestinationPrefix.Prefix.si_family == AF_INET) n4++;
        else if (all->Table[i].DestinationPrefix.Prefix.si_family == AF_INET6) n6++;
        else ok(0, "row %lu: family %u\n", i, all->Table[i].DestinationPrefix.Prefix.si_family);
    }
    ok(n4 > 0 && n6 > 0, "%lu IPv4 and %lu IPv6 routes\n", n4, n6);

    /* Both systems list the loopback interface's routes, 127.0.0.0/8 and ::1/128 among them. */
    row = find_row(all, AF_INET, "127.0.0.0", 8, 0);
    ok(row && is_loopback_luid(row->InterfaceLuid), "no 127.0.0.0/8 on the loopback interface\n");
    row = find_row(all, AF_INET, "127.0.0.1", 32, 0);
    ok(row && is_loopback_luid(row->InterfaceLuid), "no 127.0.0.1/32 on the loopback interface\n");
    row = find_row(all, AF_INET6, "::1", 128, 0);
    ok(row && is_loopback_luid(row->InterfaceLuid), "no ::1/128 on the loopback interface\n");

    /* Each row re-reads with its keys as the same row: one view for the table and the entry. */
    for (i = 0; i < all->NumEntries; i++)
    {
        MIB_IPFORWARD_ROW2 again;

        copy_keys(&again, &all->Table[i]);
        ret = pGetIpForwardEntry2(&again);
        if (ret || again.Metric != all->Table[i].Metric || again.InterfaceLuid.Value != all->Table[i].InterfaceLuid.Value
            || again.Protocol != all->Table[i].Protocol || again.Loopback != all->Table[i].Loopback)
        {
            char buf[64];

            mismatched++;
            trace("row %lu (%s/%u, interface %lu): GetIpForwardEntry2 %lu, metric %lu then %lu\n", i,
                  text_of(&all->Table[i].DestinationPrefix.Prefix, buf, sizeof(buf)),
                  all->Table[i].DestinationPrefix.PrefixLength, all->Table[i].InterfaceIndex, ret,
                  all->Table[i].Metric, again.Metric);
        }
    }
    ok(!mismatched, "%lu of %lu rows read back differently\n", mismatched, all->NumEntries);

    /* One family's table is that family's rows of the whole. */
    ret = pGetIpForwardTable2(AF_INET, &v4);
    ok(ret == NO_ERROR && v4->NumEntries == n4, "AF_INET: %lu, %lu rows\n", ret, ret ? 0 : v4->NumEntries);
    ret = pGetIpForwardTable2(AF_INET6, &v6);
    ok(ret == NO_ERROR && v6->NumEntries == n6, "AF_INET6: %lu, %lu rows\n", ret, ret ? 0 : v6->NumEntries);
    if (winetest_platform_is_wine)
    {
        compare_with_host(all, AF_INET);
        compare_with_host(all, AF_INET6);
    }
    FreeMibTable(all);
    FreeMibTable(v4);
    FreeMibTable(v6);
}

/* ---- SetIpForwardEntry2 ----------------------------------------------------------------------------------- */

struct watch
{
    CRITICAL_SECTION cs;
    HANDLE signal;
    SOCKADDR_INET prefix;
    UINT8 len;
    unsigned int adds, params, dels;
    MIB_IPFORWARD_ROW2 notified;     /* the last row notified */
};

static void WINAPI route_callback(void *ctx, MIB_IPFORWARD_ROW2 *row, MIB_NOTIFICATION_TYPE type)
{
    struct watch *w = ctx;

    if (!row || !same_address(&row->DestinationPrefix.Prefix, &w->prefix) || row->DestinationPrefix.PrefixLength != w->len)
        return;
    EnterCriticalSection(&w->cs);
    w->notified = *row;
    if (type == MibAddInstance) w->adds++;
    else if (type == MibParameterNotification) w->params++;
    else if (type == MibDeleteInstance) w->dels++;
    LeaveCriticalSection(&w->cs);
    SetEvent(w->signal);
}

static BOOL wait_count(struct watch *w, unsigned int *counter, unsigned int want)
{
    ULONGLONG deadline = GetTickCount64() + WAIT_MS;
    unsigned int n;

    for (;;)
    {
        ULONGLONG now;

        EnterCriticalSection(&w->cs);
        n = *counter;
        LeaveCriticalSection(&w->cs);
        if (n >= want || (now = GetTickCount64()) >= deadline) return n >= want;
        WaitForSingleObject(w->signal, (DWORD)(deadline - now));
    }
}

static DWORD add_route(BOOL add, ADDRESS_FAMILY family, const char *prefix, UINT8 len, const char *gateway,
                       NET_IFINDEX index)
{
    MIB_IPFORWARD_ROW2 row;

    InitializeIpForwardEntry(&row);
    row.InterfaceIndex = index;
    make_address(&row.DestinationPrefix.Prefix, family, prefix);
    row.DestinationPrefix.PrefixLength = len;
    if (gateway) make_address(&row.NextHop, family, gateway);
    else row.NextHop.si_family = family;
    return add ? CreateIpForwardEntry2(&row) : DeleteIpForwardEntry2(&row);
}

static void check_set_metric(ADDRESS_FAMILY family, const char *prefix, UINT8 len, NET_IFINDEX index)
{
    struct watch w;
    MIB_IPFORWARD_ROW2 row, again;
    HANDLE handle = NULL;
    char name[64];
    DWORD ret;

    winetest_push_context("%s/%u", prefix, len);
    memset(&w, 0, sizeof(w));
    InitializeCriticalSection(&w.cs);
    w.signal = CreateEventW(NULL, FALSE, FALSE, NULL);
    make_address(&w.prefix, family, prefix);
    w.len = len;
    ret = NotifyRouteChange2(AF_UNSPEC, route_callback, &w, FALSE, &handle);
    ok(ret == NO_ERROR, "NotifyRouteChange2: %lu\n", ret);

    ret = add_route(TRUE, family, prefix, len, NULL, index);
    if (ret == ERROR_ACCESS_DENIED)
    {
        skip("cannot add a route here\n");
        goto done;
    }
    ok(ret == NO_ERROR, "CreateIpForwardEntry2: %lu\n", ret);
    if (ret) goto done;
    ok(wait_count(&w, &w.adds, 1), "no add notification\n");

    memset(&row, 0, sizeof(row));
    row.InterfaceIndex = index;
    make_address(&row.DestinationPrefix.Prefix, family, prefix);
    row.DestinationPrefix.PrefixLength = len;
    row.NextHop.si_family = family;
    ret = pGetIpForwardEntry2(&row);
    ok(ret == NO_ERROR, "GetIpForwardEntry2: %lu\n", ret);

    /* A new metric: carried out, notified as a parameter change, read back. */
    row.Metric = 177;
    ret = pSetIpForwardEntry2(&row);
    ok(ret == NO_ERROR, "SetIpForwardEntry2: %lu\n", ret);
    ok(wait_count(&w, &w.params, 1), "no parameter notification\n");
    /* Re-read with the notified row's keys, as a program does. */
    EnterCriticalSection(&w.cs);
    copy_keys(&again, &w.notified);
    LeaveCriticalSection(&w.cs);
    ok(again.InterfaceLuid.Value == row.InterfaceLuid.Value && again.InterfaceIndex == index,
       "notified interface %lu, LUID %#llx\n", again.InterfaceIndex, (unsigned long long)again.InterfaceLuid.Value);
    ret = pGetIpForwardEntry2(&again);
    ok(ret == NO_ERROR && again.Metric == 177, "after the set: %lu, metric %lu\n", ret, again.Metric);
    ok(again.Protocol == RouteProtocolNetMgmt && again.Origin == NlroManual && !again.Loopback,
       "protocol %u, origin %u, loopback %u\n", again.Protocol, again.Origin, again.Loopback);
    ok(again.ValidLifetime == 0xffffffff && again.PreferredLifetime == 0xffffffff, "lifetimes %lu %lu\n",
       again.ValidLifetime, again.PreferredLifetime);
    if (winetest_platform_is_wine && host_ifname(index, name, sizeof(name)))
    {
        char command[160], *line;

        snprintf(command, sizeof(command), "ip -o -%d route show %s/%u dev %s table main",
                 family == AF_INET ? 4 : 6, prefix, len, name);
        if ((line = host_output(command)))
        {
            /* One route: the old metric's is gone. */
            ok(strstr(line, "metric 177") && strstr(line, "proto static") && !strchr(line, '\n')[1], "host: %s",
               line);
            free(line);
        }
        /* A finite lifetime: Linux cannot age the route, and says so rather than keep it forever. */
        again.ValidLifetime = again.PreferredLifetime = 600;
        ret = pSetIpForwardEntry2(&again);
        ok(ret == ERROR_NOT_SUPPORTED, "a lifetime: %lu\n", ret);
    }
    /* The same metric again changes nothing. */
    ret = pSetIpForwardEntry2(&row);
    ok(ret == NO_ERROR, "the same metric: %lu\n", ret);

    ret = add_route(FALSE, family, prefix, len, NULL, index);
    ok(ret == NO_ERROR, "DeleteIpForwardEntry2: %lu\n", ret);
    ok(wait_count(&w, &w.dels, 1), "no delete notification\n");
    /* A route that is gone cannot be set. */
    ret = pSetIpForwardEntry2(&row);
    ok(ret == ERROR_NOT_FOUND, "a deleted route: %lu\n", ret);

done:
    if (handle) CancelMibChangeNotify2(handle);
    CloseHandle(w.signal);
    DeleteCriticalSection(&w.cs);
    winetest_pop_context();
}

/* ---- GetBestRoute2 ---------------------------------------------------------------------------------------- */

static void test_best_route_parameters(void)
{
    MIB_IPFORWARD_ROW2 row;
    SOCKADDR_INET dst, best;
    DWORD ret;

    make_address(&dst, AF_INET, "127.0.0.1");
    ret = pGetBestRoute2(NULL, 0, NULL, &dst, 0, NULL, &best);
    ok(ret == ERROR_INVALID_PARAMETER, "NULL route: %lu\n", ret);
    ret = pGetBestRoute2(NULL, 0, NULL, NULL, 0, &row, &best);
    ok(ret == ERROR_INVALID_PARAMETER, "NULL destination: %lu\n", ret);
    ret = pGetBestRoute2(NULL, 0, NULL, &dst, 0, &row, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "NULL address: %lu\n", ret);
    /* Windows' answer for an index no interface has (Wine's test, run on Windows). */
    ret = pGetBestRoute2(NULL, 0xdeadbeef, NULL, &dst, 0, &row, &best);
    ok(ret == ERROR_FILE_NOT_FOUND, "unknown index: %lu\n", ret);

    /* Loopback: its route on the loopback interface, and 127.0.0.1 as the source. */
    ret = pGetBestRoute2(NULL, 0, NULL, &dst, 0, &row, &best);
    ok(ret == NO_ERROR, "127.0.0.1: %lu\n", ret);
    if (!ret)
    {
        ok(is_loopback_luid(row.InterfaceLuid), "not the loopback interface: %#llx\n",
           (unsigned long long)row.InterfaceLuid.Value);
        ok(same_address(&best, &dst), "another source\n");
    }
}

static void check_best(const char *dst_text, const char *prefix, UINT8 len, const char *gateway, const char *source,
                       NET_IFINDEX index)
{
    MIB_IPFORWARD_ROW2 row;
    SOCKADDR_INET dst, best, want;
    char buf[64], name[64];
    DWORD ret;

    make_address(&dst, AF_INET, dst_text);
    ret = pGetBestRoute2(NULL, 0, NULL, &dst, 0, &row, &best);
    ok(ret == NO_ERROR, "GetBestRoute2(%s): %lu\n", dst_text, ret);
    if (ret) return;
    make_address(&want, AF_INET, prefix);
    ok(same_address(&row.DestinationPrefix.Prefix, &want) && row.DestinationPrefix.PrefixLength == len,
       "%s: route %s/%u\n", dst_text, text_of(&row.DestinationPrefix.Prefix, buf, sizeof(buf)),
       row.DestinationPrefix.PrefixLength);
    ok(row.InterfaceIndex == index, "%s: interface %lu\n", dst_text, row.InterfaceIndex);
    if (gateway) make_address(&want, AF_INET, gateway);
    else make_address(&want, AF_INET, "0.0.0.0");
    ok(same_address(&row.NextHop, &want), "%s: next hop %s\n", dst_text, text_of(&row.NextHop, buf, sizeof(buf)));
    make_address(&want, AF_INET, source);
    ok(same_address(&best, &want), "%s: source %s\n", dst_text, text_of(&best, buf, sizeof(buf)));
    /* The host's own choice is the same. */
    if (winetest_platform_is_wine && host_ifname(index, name, sizeof(name)))
    {
        char command[96], *line, expect[160];

        snprintf(command, sizeof(command), "ip -o -4 route get %s", dst_text);
        if (gateway) snprintf(expect, sizeof(expect), "via %s dev %s src %s", gateway, name, source);
        else snprintf(expect, sizeof(expect), "dev %s src %s", name, source);
        if ((line = host_output(command)))
        {
            ok(strstr(line, expect) != NULL, "host: %s", line);
            free(line);
        }
    }
}

static void test_best_route(NET_IFINDEX index)
{
    MIB_UNICASTIPADDRESS_ROW addr;
    MIB_IPFORWARD_TABLE2 *table;
    MIB_IPFORWARD_ROW2 again;
    const MIB_IPFORWARD_ROW2 *listed;
    struct watch w;
    HANDLE handle = NULL;
    DWORD ret;

    /* An address brings its host route, on both systems: announced, readable with the notified keys, listed. */
    memset(&w, 0, sizeof(w));
    InitializeCriticalSection(&w.cs);
    w.signal = CreateEventW(NULL, FALSE, FALSE, NULL);
    make_address(&w.prefix, AF_INET, "10.85.0.1");
    w.len = 32;
    ret = NotifyRouteChange2(AF_INET, route_callback, &w, FALSE, &handle);
    ok(ret == NO_ERROR, "NotifyRouteChange2: %lu\n", ret);

    InitializeUnicastIpAddressEntry(&addr);
    make_address(&addr.Address, AF_INET, "10.85.0.1");
    addr.InterfaceIndex = index;
    addr.OnLinkPrefixLength = 24;
    ret = CreateUnicastIpAddressEntry(&addr);
    if (ret == ERROR_ACCESS_DENIED)
    {
        skip("cannot add an address here\n");
        return;
    }
    ok(ret == NO_ERROR, "CreateUnicastIpAddressEntry: %lu\n", ret);
    if (ret) goto done;
    ok(wait_count(&w, &w.adds, 1), "no notification of the address's host route\n");
    EnterCriticalSection(&w.cs);
    copy_keys(&again, &w.notified);
    LeaveCriticalSection(&w.cs);
    ret = pGetIpForwardEntry2(&again);
    ok(ret == NO_ERROR && again.InterfaceIndex == index, "the host route: %lu, interface %lu\n", ret,
       again.InterfaceIndex);
    ret = pGetIpForwardTable2(AF_INET, &table);
    ok(ret == NO_ERROR, "GetIpForwardTable2: %lu\n", ret);
    if (!ret)
    {
        listed = find_row(table, AF_INET, "10.85.0.1", 32, index);
        ok(listed && listed->Metric == again.Metric && listed->Protocol == again.Protocol
           && listed->InterfaceLuid.Value == again.InterfaceLuid.Value, "the host route is not listed alike\n");
        FreeMibTable(table);
    }

    ret = add_route(TRUE, AF_INET, "10.86.0.0", 16, "10.85.0.254", index);
    ok(ret == NO_ERROR, "a route through 10.85.0.254: %lu\n", ret);

    check_best("10.85.0.77", "10.85.0.0", 24, NULL, "10.85.0.1", index);
    if (!ret) check_best("10.86.1.1", "10.86.0.0", 16, "10.85.0.254", "10.85.0.1", index);

    if (!ret) add_route(FALSE, AF_INET, "10.86.0.0", 16, "10.85.0.254", index);
    ret = DeleteUnicastIpAddressEntry(&addr);
    ok(ret == NO_ERROR, "DeleteUnicastIpAddressEntry: %lu\n", ret);
    ok(wait_count(&w, &w.dels, 1), "no notification of the host route's deletion\n");
done:
    if (handle) CancelMibChangeNotify2(handle);
    CloseHandle(w.signal);
    DeleteCriticalSection(&w.cs);
}

START_TEST(routes)
{
    HMODULE iphlpapi = GetModuleHandleA("iphlpapi.dll");
    NET_IFINDEX index = 0;

    if (netchange_start()) return;
    pGetIpForwardTable2 = (void *)GetProcAddress(iphlpapi, "GetIpForwardTable2");
    pGetIpForwardEntry2 = (void *)GetProcAddress(iphlpapi, "GetIpForwardEntry2");
    pSetIpForwardEntry2 = (void *)GetProcAddress(iphlpapi, "SetIpForwardEntry2");
    pGetBestRoute2 = (void *)GetProcAddress(iphlpapi, "GetBestRoute2");
    if (!pGetIpForwardTable2 || !pGetIpForwardEntry2 || !pSetIpForwardEntry2 || !pGetBestRoute2)
    {
        win_skip("the route functions are missing\n");
        return;
    }
    test_table_parameters();
    test_table();
    test_best_route_parameters();
    if (!netchange_test_interface(&index)) return;
    check_set_metric(AF_INET, "10.83.0.0", 16, index);
    check_set_metric(AF_INET6, "fd00:83::", 48, index);
    test_best_route(index);
}
