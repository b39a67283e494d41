/* What a program calls right after a notification: InitializeIpInterfaceEntry, InitializeIpForwardEntry,
 * InitializeUnicastIpAddressEntry (to build a row), GetIpForwardEntry2 and GetIpInterfaceEntry (to re-read the
 * notified route or interface).
 *
 * No Wine release exports the three Initialize* functions or GetIpForwardEntry2 (Wine 8.0, 10.0 and 11.0
 * checked: they are commented out of Wine's iphlpapi.spec), so under Wine ours answer, and on Windows the
 * system's do.  GetIpInterfaceEntry is missing in Wine 8.0 and 10.0; Wine 11.0 has one, which knows an interface
 * of a family only while it has an address of that family.  The Get* functions answer from the same view as the
 * notifications (SPEC.md §2, §10): the LUID, index and values a program re-reads with the notified row's keys are
 * the ones the notification gave.  Under Wine without a helper they are the system's (ERROR_NOT_SUPPORTED with a
 * FIXME where Wine lacks them). */
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug.h"
#include "forward.h"
#include "rows.h"
#include "source.h"

#define FOREVER 0xffffffffu

/* The system's own Initialize* on Windows; FALSE when there is none to call (then ours fills the row). */
static BOOL system_initialize(const char *name, void *row)
{
    void (WINAPI *fn)(void *);

    if (wn_running_on_wine()) return FALSE;
    if (!(fn = (void (WINAPI *)(void *))wn_forward_lookup(name))) return FALSE;
    fn(row);
    return TRUE;
}

/* ---- Initialize* ------------------------------------------------------------------------------------------ */

/* Microsoft's page for InitializeIpInterfaceEntry: Family AF_UNSPEC, InterfaceLuid "an unspecified value" (0
 * here: no interface, so that a row used without setting it names none), everything else zero. */
void WINAPI InitializeIpInterfaceEntry(MIB_IPINTERFACE_ROW *row)
{
    /* Windows documents no error for a void function; a NULL row is ignored rather than a crash. */
    if (!row || system_initialize("InitializeIpInterfaceEntry", row)) return;
    memset(row, 0, sizeof(*row));
    row->Family = AF_UNSPEC;
}

/* Microsoft's page for InitializeIpForwardEntry: ValidLifetime and PreferredLifetime infinite; Loopback,
 * AutoconfigureAddress, Publish and Immortal TRUE; SitePrefixLength, Metric and Protocol "illegal values"
 * (rows.h); everything else zero. */
void WINAPI InitializeIpForwardEntry(MIB_IPFORWARD_ROW2 *row)
{
    if (!row || system_initialize("InitializeIpForwardEntry", row)) return;
    memset(row, 0, sizeof(*row));
    row->ValidLifetime = FOREVER;
    row->PreferredLifetime = FOREVER;
    row->Loopback = TRUE;
    row->AutoconfigureAddress = TRUE;
    row->Publish = TRUE;
    row->Immortal = TRUE;
    row->SitePrefixLength = WN_SITE_PREFIX_UNSET;
    row->Metric = WN_ROUTE_METRIC_UNSET;
    row->Protocol = (NL_ROUTE_PROTOCOL)WN_ROUTE_PROTOCOL_UNSET;
}

/* Microsoft's page for InitializeUnicastIpAddressEntry: PrefixOrigin IpPrefixOriginUnchanged, SuffixOrigin
 * IpSuffixOriginUnchanged, OnLinkPrefixLength "an illegal value" (rows.h), both lifetimes infinite,
 * SkipAsSource FALSE, everything else zero. */
void WINAPI InitializeUnicastIpAddressEntry(MIB_UNICASTIPADDRESS_ROW *row)
{
    if (!row || system_initialize("InitializeUnicastIpAddressEntry", row)) return;
    memset(row, 0, sizeof(*row));
    row->PrefixOrigin = IpPrefixOriginUnchanged;
    row->SuffixOrigin = IpSuffixOriginUnchanged;
    row->OnLinkPrefixLength = WN_ONLINK_PREFIX_UNSET;
    row->ValidLifetime = FOREVER;
    row->PreferredLifetime = FOREVER;
    row->SkipAsSource = FALSE;
}

/* ---- GetIpForwardEntry2 ----------------------------------------------------------------------------------- */

struct route_query
{
    /* in */
    uint64_t luid;               /* names the interface when not 0 */
    NET_IFINDEX index;           /* otherwise this does */
    struct wn_wire_route key;    /* family, dst, dst_len, gateway */
    /* out */
    BOOL have_link;
    BOOL found;
    struct wn_state_route route;
};

static void find_route(void *ctx, const struct wn_state *state)
{
    struct route_query *q = ctx;
    const struct wn_state_link *link = wn_view_link(state, q->luid, q->index);
    const struct wn_state_route *r;
    uint32_t ifindex;

    /* The LUID wins when it is given, as on Windows: a wrong LUID with a right index finds nothing. */
    if (!(q->have_link = link != NULL)) return;
    ifindex = link->wire.ifindex;

    /* Windows keys a route by (prefix, next hop, interface); Linux also by metric, so two Linux routes can be
     * one Windows route (for a moment during a metric change: add the new, delete the old).  The lowest
     * metric is the one Linux uses, and the one that stays. */
    for (r = wn_state_first(state, WN_TABLE_ROUTE); r; r = wn_state_next(state, WN_TABLE_ROUTE, r))
    {
        if (r->wire.oif != ifindex || r->wire.family != q->key.family || r->wire.dst_len != q->key.dst_len
            || memcmp(r->wire.dst, q->key.dst, sizeof(r->wire.dst))
            || memcmp(r->wire.gateway, q->key.gateway, sizeof(r->wire.gateway)))
            continue;
        if (q->found && r->wire.metric >= q->route.wire.metric) continue;
        q->found = TRUE;
        q->route = *r;
    }
}

/* Microsoft's page: ERROR_INVALID_PARAMETER for a NULL row, a DestinationPrefix or NextHop not given (not an
 * address of a family; the next hop's must be the destination's), or neither InterfaceLuid nor InterfaceIndex;
 * ERROR_NOT_FOUND when the interface has no such route, and (STATUS_NOT_FOUND in the kernel's page) when there
 * is no such interface. */
DWORD WINAPI GetIpForwardEntry2(MIB_IPFORWARD_ROW2 *row)
{
    struct route_query q;
    enum wn_source_status status;
    unsigned int family;

    if (!wn_running_on_wine()) return wn_row_system_call("GetIpForwardEntry2", row);
    TRACE("(%p)\n", row);
    if (!row) return ERROR_INVALID_PARAMETER;
    if (!(family = wn_wire_family(row->DestinationPrefix.Prefix.si_family))) return ERROR_INVALID_PARAMETER;
    if (row->NextHop.si_family != row->DestinationPrefix.Prefix.si_family) return ERROR_INVALID_PARAMETER;
    if (!row->InterfaceLuid.Value && !row->InterfaceIndex) return ERROR_INVALID_PARAMETER;
    if (row->DestinationPrefix.PrefixLength > (family == 4 ? 32 : 128)) return ERROR_INVALID_PARAMETER;

    memset(&q, 0, sizeof(q));
    q.luid = row->InterfaceLuid.Value;
    q.index = row->InterfaceIndex;
    q.key.family = (uint8_t)family;
    q.key.dst_len = row->DestinationPrefix.PrefixLength;
    wn_wire_address(q.key.dst, &row->DestinationPrefix.Prefix);
    wn_wire_address(q.key.gateway, &row->NextHop);
    if ((status = wn_source_query(find_route, &q)) != WN_SOURCE_OK)
    {
        WARN("no host helper: GetIpForwardEntry2 is the system's\n");
        return wn_row_system_call("GetIpForwardEntry2", row);
    }
    if (!q.found)
    {
        TRACE("no such %s\n", q.have_link ? "route" : "interface");
        return ERROR_NOT_FOUND;
    }
    /* The same row NotifyRouteChange2 gives for it, every field filled. */
    wn_row_route(row, &q.route);
    return NO_ERROR;
}

/* ---- GetIpInterfaceEntry ---------------------------------------------------------------------------------- */

struct iface_query
{
    /* in */
    uint64_t luid;               /* names the interface when not 0 */
    NET_IFINDEX index;           /* otherwise this does */
    unsigned int family;         /* 4 or 6 */
    /* out */
    BOOL found;                  /* the link exists */
    BOOL has_family;             /* and has an interface of that family (IPv6: has an IPv6 address) */
    struct wn_state_link link;
};

static void find_interface(void *ctx, const struct wn_state *state)
{
    struct iface_query *q = ctx;

    q->found = wn_view_interface(state, q->luid, q->index, q->family, &q->link, &q->has_family);
}

/* Windows (Wine's conformance test, run on Windows): ERROR_INVALID_PARAMETER for a NULL row or a family other
 * than AF_INET and AF_INET6; the LUID names the interface when it is not 0, else the index; ERROR_NOT_FOUND for
 * a LUID or index no interface has, and for an interface without that family. */
DWORD WINAPI GetIpInterfaceEntry(MIB_IPINTERFACE_ROW *row)
{
    struct iface_query q;

    if (!wn_running_on_wine()) return wn_row_system_call("GetIpInterfaceEntry", row);
    TRACE("(%p)\n", row);
    if (!row || !wn_wire_family(row->Family)) return ERROR_INVALID_PARAMETER;

    memset(&q, 0, sizeof(q));
    q.luid = row->InterfaceLuid.Value;
    q.index = row->InterfaceIndex;
    q.family = wn_wire_family(row->Family);
    if (wn_source_query(find_interface, &q) != WN_SOURCE_OK)
    {
        WARN("no host helper: GetIpInterfaceEntry is the system's\n");
        return wn_row_system_call("GetIpInterfaceEntry", row);
    }
    if (!q.found || !q.has_family)
    {
        TRACE("no such %s\n", q.found ? "family on the interface" : "interface");
        return ERROR_NOT_FOUND;
    }
    wn_row_interface(row, row->Family, &q.link);
    return NO_ERROR;
}

/* ---- GetIpInterfaceTable ---------------------------------------------------------------------------------- */

/* The interfaces of the view, copied under the source's lock and turned into rows after it, when the table can
 * be allocated without holding up the helper's records. */
struct iface_list
{
    ADDRESS_FAMILY family;
    size_t count, cap;
    struct listed { struct wn_state_link link; ADDRESS_FAMILY family; } *items;
    BOOL failed;
};

static void list_add(struct iface_list *l, const struct wn_state_link *link, ADDRESS_FAMILY family)
{
    if (l->count == l->cap)
    {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct listed *bigger = realloc(l->items, cap * sizeof(*bigger));

        if (!bigger)
        {
            l->failed = TRUE;
            return;
        }
        l->items = bigger;
        l->cap = cap;
    }
    l->items[l->count].link = *link;
    l->items[l->count++].family = family;
}

static void list_interfaces(void *ctx, const struct wn_state *state)
{
    struct iface_list *l = ctx;
    const struct wn_state_link *link;
    const struct wn_state_addr *a;

    /* Every link, IPv4 rows first, as Wine 11 lists them; IPv6 rows for the links with IPv6 (rows.h). */
    if (wn_family_covers(l->family, 4))
        for (link = wn_state_first(state, WN_TABLE_LINK); link; link = wn_state_next(state, WN_TABLE_LINK, link))
            list_add(l, link, AF_INET);
    if (!wn_family_covers(l->family, 6)) return;
    for (link = wn_state_first(state, WN_TABLE_LINK); link; link = wn_state_next(state, WN_TABLE_LINK, link))
    {
        for (a = wn_state_first(state, WN_TABLE_ADDR); a; a = wn_state_next(state, WN_TABLE_ADDR, a))
            if (a->wire.ifindex == link->wire.ifindex && a->wire.family == 6) break;
        if (wn_link_has_ipv6(&link->wire, a != NULL)) list_add(l, link, AF_INET6);
    }
}

/* Wine 8 and 10 answer ERROR_NOT_SUPPORTED (a stub); Wine 11's lists what its GetIpInterfaceEntry knows, which
 * ours lists too, with the same values (winetest/reread.c), and more.  Microsoft's page: ERROR_INVALID_PARAMETER
 * for a NULL Table or a Family other than AF_UNSPEC, AF_INET and AF_INET6; ERROR_NOT_FOUND when there is no
 * interface of the family.  The table is the process heap's, as the system's FreeMibTable frees it. */
DWORD WINAPI GetIpInterfaceTable(ADDRESS_FAMILY family, MIB_IPINTERFACE_TABLE **table)
{
    struct iface_list l;
    MIB_IPINTERFACE_TABLE *t = NULL;
    DWORD err = NO_ERROR;
    size_t i, n;

    if (!wn_running_on_wine()) return wn_row_system_table("GetIpInterfaceTable", family, (void **)table);
    TRACE("(%u, %p)\n", family, table);
    if (!table || !wn_family_valid(family)) return ERROR_INVALID_PARAMETER;
    memset(&l, 0, sizeof(l));
    l.family = family;
    if (wn_source_query(list_interfaces, &l) != WN_SOURCE_OK)
    {
        free(l.items);
        WARN("no host helper: GetIpInterfaceTable is the system's\n");
        return wn_row_system_table("GetIpInterfaceTable", family, (void **)table);
    }
    n = l.count;
    if (l.failed) err = ERROR_NOT_ENOUGH_MEMORY;
    else if (!n) err = ERROR_NOT_FOUND;
    else if (!(t = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, offsetof(MIB_IPINTERFACE_TABLE, Table[n]))))
        err = ERROR_NOT_ENOUGH_MEMORY;
    else
    {
        for (i = 0; i < n; i++) wn_row_interface(&t->Table[i], l.items[i].family, &l.items[i].link);
        t->NumEntries = (ULONG)n;
    }
    free(l.items);
    *table = t;
    return err;
}

/* ---- GetUnicastIpAddressEntry ----------------------------------------------------------------------------- */

struct dad_query
{
    const MIB_UNICASTIPADDRESS_ROW *row;
    BOOL found;
    struct wn_wire_addr addr;
};

static void find_dad(void *ctx, const struct wn_state *state)
{
    struct dad_query *q = ctx;
    const struct wn_state_addr *a;

    for (a = wn_state_first(state, WN_TABLE_ADDR); a && !q->found; a = wn_state_next(state, WN_TABLE_ADDR, a))
    {
        if (!wn_row_is_addr(&q->row->Address, q->row->InterfaceIndex, &a->wire)) continue;
        q->found = TRUE;
        q->addr = a->wire;
    }
}

/* Every Wine has one, and its rows are the ones its GetUnicastIpAddressTable and GetAdaptersAddresses give (the
 * same lifetimes and origins), so it answers; but it reports every address as preferred, while the
 * notifications (a parameter notification when duplicate address detection ends) and
 * NotifyStableUnicastIpAddressTable follow the real state, and it reports every lifetime as 60000 s while
 * SetUnicastIpAddressEntry sets real ones: the view's DadState and lifetimes replace its own (rows.h), as
 * stable.c does for the table. */
DWORD WINAPI GetUnicastIpAddressEntry(MIB_UNICASTIPADDRESS_ROW *row)
{
    struct dad_query q;
    DWORD err = wn_row_system_call("GetUnicastIpAddressEntry", row);

    if (err || !wn_running_on_wine()) return err;
    memset(&q, 0, sizeof(q));
    q.row = row;
    if (wn_source_query(find_dad, &q) != WN_SOURCE_OK) WARN("no host helper: the DAD state is the system's\n");
    else if (q.found) wn_row_unicast_state(row, &q.addr);
    return NO_ERROR;
}
