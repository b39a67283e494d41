/* The route table as a program lists, changes and consults it: GetIpForwardTable2, SetIpForwardEntry2,
 * GetBestRoute2.
 *
 * Under Wine with a helper they answer from the view, the same one NotifyRouteChange2 and GetIpForwardEntry2 use,
 * so a route a notification announced is in the table with the same keys and values.  What the view holds is
 * what Windows lists (wire.h, host/nl_parse.c): the main table's routes, and of the local table the host route
 * of each address, 127.0.0.0/8, the broadcast addresses and IPv6's ff00::/8 on each interface, which Linux keeps
 * apart and Windows lists with the rest.  Windows' own 224.0.0.0/4 and 255.255.255.255/32 rows have no route
 * behind them on Linux (multicast and limited broadcast are sent by rule) and are not made up.  Routes without
 * an output interface (blackhole, unreachable, prohibit) have no Windows row either, as in the notifications.
 *
 * Wine's own GetIpForwardTable2 lists no IPv6 routes in Wine 8 and makes up two loopback routes in Wine 11;
 * SetIpForwardEntry2 is missing in every Wine; Wine's GetBestRoute2 works from its own tables.  On Windows and
 * under Wine without a helper, the system's functions answer. */
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdlib.h>
#include <string.h>

#include "winenotify/wire.h"
#include "debug.h"
#include "forward.h"
#include "rows.h"
#include "source.h"

#define FOREVER 0xffffffffu
#define RT_TABLE_MAIN 254

/* ---- the routes of the view, as Windows keys them ---------------------------------------------------------- */

struct route_list
{
    ADDRESS_FAMILY family;
    size_t count;
    struct wn_state_route *items;
    BOOL failed;
};

static void list_routes(void *ctx, const struct wn_state *state)
{
    struct route_list *l = ctx;
    const struct wn_state_route *r;
    size_t cap = wn_state_count(state, WN_TABLE_ROUTE);

    if (!cap) return;
    if (!(l->items = malloc(cap * sizeof(*l->items))))
    {
        l->failed = TRUE;
        return;
    }
    for (r = wn_state_first(state, WN_TABLE_ROUTE); r; r = wn_state_next(state, WN_TABLE_ROUTE, r))
        if (r->wire.oif && wn_family_covers(l->family, r->wire.family)) l->items[l->count++] = *r;
}

/* IPv4 before IPv6, then by Windows' key (prefix, next hop, interface), then by metric. */
static int compare_routes(const void *pa, const void *pb)
{
    const struct wn_wire_route *a = &((const struct wn_state_route *)pa)->wire;
    const struct wn_wire_route *b = &((const struct wn_state_route *)pb)->wire;
    int c;

    if (a->family != b->family) return a->family < b->family ? -1 : 1;
    if ((c = memcmp(a->dst, b->dst, sizeof(a->dst)))) return c;
    if (a->dst_len != b->dst_len) return a->dst_len < b->dst_len ? -1 : 1;
    if ((c = memcmp(a->gateway, b->gateway, sizeof(a->gateway)))) return c;
    if (a->oif != b->oif) return a->oif < b->oif ? -1 : 1;
    if (a->metric != b->metric) return a->metric < b->metric ? -1 : 1;
    return 0;
}

static BOOL same_windows_key(const struct wn_wire_route *a, const struct wn_wire_route *b)
{
    return a->family == b->family && a->dst_len == b->dst_len && a->oif == b->oif
           && !memcmp(a->dst, b->dst, sizeof(a->dst)) && !memcmp(a->gateway, b->gateway, sizeof(a->gateway));
}

/* Linux keys a route by its metric (and table) too, Windows not: two Linux routes can be one Windows route.  The
 * one with the lowest metric is the one Linux uses, and the one GetIpForwardEntry2 answers with; the table lists
 * it alone. */
static void windows_routes(struct route_list *l)
{
    size_t i, n;

    if (!l->count) return;
    qsort(l->items, l->count, sizeof(*l->items), compare_routes);
    for (i = n = 1; i < l->count; i++)
        if (!same_windows_key(&l->items[n - 1].wire, &l->items[i].wire)) l->items[n++] = l->items[i];
    l->count = n;
}

/* ---- GetIpForwardTable2 ----------------------------------------------------------------------------------- */

/* Microsoft's page: ERROR_INVALID_PARAMETER for a NULL Table or a Family other than AF_UNSPEC, AF_INET and
 * AF_INET6; ERROR_NOT_FOUND when there is no route of the family.  The table is the process heap's, as the
 * system's FreeMibTable frees it. */
DWORD WINAPI GetIpForwardTable2(ADDRESS_FAMILY family, MIB_IPFORWARD_TABLE2 **table)
{
    struct route_list l;
    MIB_IPFORWARD_TABLE2 *t = NULL;
    DWORD err = NO_ERROR;
    size_t i;

    if (!wn_running_on_wine()) return wn_row_system_table("GetIpForwardTable2", family, (void **)table);
    TRACE("(%u, %p)\n", family, table);
    if (!table || !wn_family_valid(family)) return ERROR_INVALID_PARAMETER;
    memset(&l, 0, sizeof(l));
    l.family = family;
    if (wn_source_query(list_routes, &l) != WN_SOURCE_OK)
    {
        free(l.items);
        WARN("no host helper: GetIpForwardTable2 is the system's\n");
        return wn_row_system_table("GetIpForwardTable2", family, (void **)table);
    }
    windows_routes(&l);
    if (l.failed) err = ERROR_NOT_ENOUGH_MEMORY;
    else if (!l.count) err = ERROR_NOT_FOUND;
    else if (!(t = HeapAlloc(GetProcessHeap(), 0, offsetof(MIB_IPFORWARD_TABLE2, Table[l.count]))))
        err = ERROR_NOT_ENOUGH_MEMORY;
    else
    {
        for (i = 0; i < l.count; i++) wn_row_route(&t->Table[i], &l.items[i]);
        t->NumEntries = (ULONG)l.count;
    }
    free(l.items);
    *table = t;
    TRACE("%lu routes: %lu\n", t ? t->NumEntries : 0, err);
    return err;
}

/* ---- SetIpForwardEntry2 ----------------------------------------------------------------------------------- */

struct route_find
{
    /* in */
    uint64_t luid;
    NET_IFINDEX index;
    struct wn_wire_route key;    /* family, dst, dst_len, gateway */
    /* out */
    uint32_t ifindex;            /* 0: no such interface */
    BOOL found;
    struct wn_wire_route route;  /* the one with the lowest metric */
};

static void find_windows_route(void *ctx, const struct wn_state *state)
{
    struct route_find *q = ctx;
    const struct wn_state_link *link = wn_view_link(state, q->luid, q->index);
    const struct wn_state_route *r;

    if (!link) return;
    q->ifindex = link->wire.ifindex;
    q->key.oif = q->ifindex;
    for (r = wn_state_first(state, WN_TABLE_ROUTE); r; r = wn_state_next(state, WN_TABLE_ROUTE, r))
    {
        if (!same_windows_key(&r->wire, &q->key)) continue;
        if (q->found && r->wire.metric >= q->route.metric) continue;
        q->found = TRUE;
        q->route = r->wire;
    }
}

/* One request to the helper; *asked is FALSE when there is no helper to ask. */
static DWORD ask(uint16_t op, const struct wn_wire_route *route, BOOL *asked)
{
    struct wn_wire_route body = *route;
    uint32_t result;

    /* The request form (wire.h): the helper chooses protocol, type and scope, and the table is the main one. */
    body.protocol = body.type = body.scope = 0;
    body.table = 0;
    memset(body.reserved, 0, sizeof(body.reserved));
    *asked = wn_source_change(WN_WIRE_SET_ROUTE, op, &body, &result) == WN_SOURCE_OK;
    if (!*asked) return ERROR_GEN_FAILURE;
    if (result != WN_RESULT_OK) TRACE("the host answered %u\n", result);
    return wn_row_result_error(result);
}

/* Microsoft's page: the route is named by DestinationPrefix, NextHop and InterfaceLuid or InterfaceIndex (the next
 * hop is part of the key: it cannot be changed, only a route with another next hop created); ERROR_INVALID_PARAMETER
 * for a NULL row or a bad key, ERROR_NOT_FOUND when there is no such interface or route, ERROR_ACCESS_DENIED
 * without administrator rights.
 *
 * What Linux carries out: the metric.  Linux keys a route by its metric, so the route is added with the new metric
 * and the old one deleted, as `ip route` itself changes a metric; a NotifyRouteChange2 registration hears a
 * parameter change.  A route of the local table (a host, broadcast or multicast route of an address) belongs to
 * its address: ERROR_NOT_SUPPORTED, as for a value that cannot be set.  Finite lifetimes: Linux cannot age an
 * IPv4 route, ERROR_NOT_SUPPORTED rather than a route that silently never expires.  The other fields have no
 * Linux counterpart and are what the row of GetIpForwardEntry2 says (Loopback, AutoconfigureAddress, Publish,
 * Immortal, Protocol, Origin, SitePrefixLength): Windows takes them as advisory, and so do we. */
DWORD WINAPI SetIpForwardEntry2(const MIB_IPFORWARD_ROW2 *row)
{
    struct wn_wire_route added;
    struct route_find q;
    unsigned int family;
    BOOL asked;
    DWORD err;

    if (!wn_running_on_wine()) return wn_row_system_call("SetIpForwardEntry2", row);
    TRACE("(%p)\n", row);
    if (!row || !(family = wn_wire_family(row->DestinationPrefix.Prefix.si_family))) return ERROR_INVALID_PARAMETER;
    if (row->NextHop.si_family != row->DestinationPrefix.Prefix.si_family && row->NextHop.si_family != AF_UNSPEC)
        return ERROR_INVALID_PARAMETER;
    if (!row->InterfaceLuid.Value && !row->InterfaceIndex) return ERROR_INVALID_PARAMETER;
    if (row->DestinationPrefix.PrefixLength > (family == 4 ? 32 : 128)) return ERROR_INVALID_PARAMETER;
    if (row->ValidLifetime < row->PreferredLifetime) return ERROR_INVALID_PARAMETER;

    memset(&q, 0, sizeof(q));
    q.luid = row->InterfaceLuid.Value;
    q.index = row->InterfaceIndex;
    q.key.family = (uint8_t)family;
    q.key.dst_len = row->DestinationPrefix.PrefixLength;
    wn_wire_address(q.key.dst, &row->DestinationPrefix.Prefix);
    if (row->NextHop.si_family == row->DestinationPrefix.Prefix.si_family)
        wn_wire_address(q.key.gateway, &row->NextHop);
    if (wn_source_query(find_windows_route, &q) != WN_SOURCE_OK)
    {
        WARN("no host helper: SetIpForwardEntry2 is the system's\n");
        return wn_row_system_call("SetIpForwardEntry2", row);
    }
    if (!q.found)
    {
        TRACE("no such %s\n", q.ifindex ? "route" : "interface");
        return ERROR_NOT_FOUND;
    }
    if (row->ValidLifetime != FOREVER || row->PreferredLifetime != FOREVER)
    {
        WARN("route lifetimes %lu/%lu: Linux cannot age the route\n", row->ValidLifetime, row->PreferredLifetime);
        return ERROR_NOT_SUPPORTED;
    }
    if (row->Metric == WN_ROUTE_METRIC_UNSET || row->Metric == q.route.metric) return NO_ERROR;
    if (q.route.table != RT_TABLE_MAIN)
    {
        WARN("the route of table %u belongs to an address: its metric is the kernel's\n", q.route.table);
        return ERROR_NOT_SUPPORTED;
    }

    added = q.route;
    added.metric = row->Metric;
    if ((err = ask(WN_WIRE_OP_ADD, &added, &asked)))
    {
        if (!asked) return wn_row_system_call("SetIpForwardEntry2", row);
        /* Another route of the same key already has that metric: Linux then uses it, the old one goes. */
        if (err != ERROR_OBJECT_ALREADY_EXISTS) return err;
    }
    if ((err = ask(WN_WIRE_OP_DEL, &q.route, &asked)) && err != ERROR_NOT_FOUND)
    {
        /* Leave the host as it was. */
        ask(WN_WIRE_OP_DEL, &added, &asked);
        return err;
    }
    return NO_ERROR;
}

/* ---- GetBestRoute2 ---------------------------------------------------------------------------------------- */

struct best_query
{
    /* in */
    uint64_t luid;               /* restricts to this interface when not 0 */
    NET_IFINDEX index;           /* or this one */
    BOOL have_source;
    uint8_t source[16];
    uint8_t dst[16];
    unsigned int family;
    /* out */
    DWORD err;
    uint32_t ifindex;            /* the interface the call restricts to, 0: any */
    BOOL found;
    struct wn_state_route route;
    struct wn_state_addr addr;
};

static BOOL prefix_covers(const uint8_t *prefix, unsigned int len, const uint8_t *addr)
{
    unsigned int bytes = len / 8, bits = len % 8;

    if (memcmp(prefix, addr, bytes)) return FALSE;
    return !bits || !((prefix[bytes] ^ addr[bytes]) & (0xff00 >> bits));
}

static BOOL link_local6(const uint8_t *a)
{
    return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* How well an address serves as the source towards dst (RFC 6724's first rules, in short): the address itself;
 * a usable one over a tentative or deprecated one; the same scope (link-local with link-local); the longest
 * common prefix. */
static unsigned int source_score(const struct wn_wire_addr *a, const uint8_t *dst)
{
    unsigned int score = 0, common = 0, size = a->family == 4 ? 4 : 16;

    if (!memcmp(a->addr, dst, size)) return ~0u;
    if (wn_dad_state(a) == IpDadStatePreferred) score += 1u << 16;
    if (a->family == 6 && link_local6(a->addr) == link_local6(dst)) score += 1u << 12;
    while (common < size * 8 && prefix_covers(a->addr, common + 1, dst)) common++;
    return score + common;
}

static void find_best(void *ctx, const struct wn_state *state)
{
    struct best_query *q = ctx;
    const struct wn_state_link *link;
    const struct wn_state_route *r;
    const struct wn_state_addr *a, *best_addr = NULL;
    unsigned int size = q->family == 4 ? 4 : 16, score, best_score = 0;

    if (q->luid || q->index)
    {
        if ((link = wn_view_link(state, q->luid, q->index))) q->ifindex = link->wire.ifindex;
        else
        {
            /* Windows (Wine's test, validated there): an unknown index is ERROR_FILE_NOT_FOUND, an unknown LUID
             * ERROR_NOT_FOUND. */
            q->err = q->luid ? ERROR_NOT_FOUND : ERROR_FILE_NOT_FOUND;
            return;
        }
    }
    if (q->have_source)
    {
        /* A given source names its interface. */
        for (a = wn_state_first(state, WN_TABLE_ADDR); a; a = wn_state_next(state, WN_TABLE_ADDR, a))
            if (a->wire.family == q->family && !memcmp(a->wire.addr, q->source, size)
                && (!q->ifindex || a->wire.ifindex == q->ifindex))
                break;
        if (!a)
        {
            q->err = ERROR_NOT_FOUND;
            return;
        }
        q->ifindex = a->wire.ifindex;
        best_addr = a;
    }

    /* The kernel's choice for a host without policy rules: the longest matching prefix, then the lowest metric
     * (the local table's host routes are the longest, as the kernel consults that table first).  Asking the
     * kernel (RTM_GETROUTE) would follow `ip rule` too, but could answer with a route of a table Windows has no
     * row for (wg-quick's own table, a VRF): the row returned must be one GetIpForwardTable2 lists. */
    for (r = wn_state_first(state, WN_TABLE_ROUTE); r; r = wn_state_next(state, WN_TABLE_ROUTE, r))
    {
        if (!r->wire.oif || r->wire.family != q->family || (q->ifindex && r->wire.oif != q->ifindex)) continue;
        if (!prefix_covers(r->wire.dst, r->wire.dst_len, q->dst)) continue;
        if (q->found && (r->wire.dst_len < q->route.wire.dst_len
                         || (r->wire.dst_len == q->route.wire.dst_len && r->wire.metric >= q->route.wire.metric)))
            continue;
        q->found = TRUE;
        q->route = *r;
    }
    if (!q->found)
    {
        q->err = ERROR_NETWORK_UNREACHABLE;
        return;
    }
    if (!best_addr)
        for (a = wn_state_first(state, WN_TABLE_ADDR); a; a = wn_state_next(state, WN_TABLE_ADDR, a))
        {
            if (a->wire.family != q->family || a->wire.ifindex != q->route.wire.oif) continue;
            if ((score = source_score(&a->wire, q->dst)) < best_score && best_addr) continue;
            best_score = score;
            best_addr = a;
        }
    if (!best_addr)
    {
        q->err = ERROR_NOT_FOUND;
        return;
    }
    q->addr = *best_addr;
}

static DWORD system_best_route(NET_LUID *luid, NET_IFINDEX index, const SOCKADDR_INET *source,
                               const SOCKADDR_INET *destination, ULONG options, MIB_IPFORWARD_ROW2 *route,
                               SOCKADDR_INET *address)
{
    DWORD (WINAPI *fn)(NET_LUID *, NET_IFINDEX, const SOCKADDR_INET *, const SOCKADDR_INET *, ULONG,
                       MIB_IPFORWARD_ROW2 *, SOCKADDR_INET *);

    fn = (void *)wn_forward_lookup("GetBestRoute2");
    if (!fn)
    {
        FIXME("the system DLL lacks GetBestRoute2\n");
        return ERROR_NOT_SUPPORTED;
    }
    return fn(luid, index, source, destination, options, route, address);
}

/* Windows' answers (Microsoft's page, and Wine's tests run on Windows): ERROR_INVALID_PARAMETER for a NULL
 * destination, route or address, or a destination of another family; a source of another family or unspecified is
 * no source; ERROR_FILE_NOT_FOUND for an unknown InterfaceIndex, ERROR_NOT_FOUND for an unknown LUID or a source
 * no interface has; ERROR_NETWORK_UNREACHABLE when no route leads there.  The route row is the one
 * GetIpForwardTable2 lists; the address is the interface's best source towards the destination. */
DWORD WINAPI GetBestRoute2(NET_LUID *luid, NET_IFINDEX index, const SOCKADDR_INET *source,
                           const SOCKADDR_INET *destination, ULONG options, MIB_IPFORWARD_ROW2 *route,
                           SOCKADDR_INET *address)
{
    struct best_query q;
    MIB_UNICASTIPADDRESS_ROW addr_row;

    if (!wn_running_on_wine())
        return system_best_route(luid, index, source, destination, options, route, address);
    TRACE("(%p, %lu, %p, %p, %#lx, %p, %p)\n", luid, index, source, destination, options, route, address);
    if (!destination || !route || !address) return ERROR_INVALID_PARAMETER;
    memset(route, 0, sizeof(*route));
    memset(address, 0, sizeof(*address));
    memset(&q, 0, sizeof(q));
    if (!(q.family = wn_wire_family(destination->si_family))) return ERROR_INVALID_PARAMETER;
    wn_wire_address(q.dst, destination);
    if (source && source->si_family == destination->si_family)
    {
        static const uint8_t zero[16];

        wn_wire_address(q.source, source);
        q.have_source = memcmp(q.source, zero, sizeof(zero)) != 0;
    }
    if (luid) q.luid = luid->Value;
    q.index = index;
    /* A link-local IPv6 destination names its interface in its scope. */
    if (!q.luid && !q.index && q.family == 6 && link_local6(q.dst)) q.index = destination->Ipv6.sin6_scope_id;
    if (wn_source_query(find_best, &q) != WN_SOURCE_OK)
    {
        WARN("no host helper: GetBestRoute2 is the system's\n");
        return system_best_route(luid, index, source, destination, options, route, address);
    }
    if (q.err)
    {
        TRACE("no route: %lu\n", q.err);
        return q.err;
    }
    wn_row_route(route, &q.route);
    wn_row_unicast(&addr_row, &q.addr);
    *address = addr_row.Address;
    return NO_ERROR;
}
