/* CreateUnicastIpAddressEntry, DeleteUnicastIpAddressEntry, CreateIpForwardEntry2, DeleteIpForwardEntry2.
 *
 * Under Wine the host helper carries them out (wn_source_change), with the rights of the user who runs Wine in
 * Wine's network namespace: root, or a user namespace that owns the network namespace, may change it; anyone
 * else gets ERROR_ACCESS_DENIED, which is what Windows answers a program without administrator rights.  This
 * is what lets the conformance tests cause real changes the same way on Windows and under Wine.
 *
 * The row is checked here as Windows documents it (ERROR_INVALID_PARAMETER), the interface is found by LUID or
 * index in the view (ERROR_NOT_FOUND), and Windows' keys are matched against the view: an address is one per
 * interface whatever its prefix length, a route is (destination prefix, next hop, interface) whatever its metric,
 * while Linux keys them with the prefix length and the metric.  The helper checks the request again. */
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <string.h>

#include "winenotify/wire.h"
#include "debug.h"
#include "rows.h"
#include "source.h"

#define FOREVER 0xffffffffu

static DWORD windows_error(uint32_t result)
{
    switch (result)
    {
    case WN_RESULT_OK: return NO_ERROR;
    case WN_RESULT_ACCESS_DENIED: return ERROR_ACCESS_DENIED;
    case WN_RESULT_NOT_FOUND: return ERROR_NOT_FOUND;
    case WN_RESULT_EXISTS: return ERROR_OBJECT_ALREADY_EXISTS;
    case WN_RESULT_INVALID: return ERROR_INVALID_PARAMETER;
    case WN_RESULT_NOT_SUPPORTED: return ERROR_NOT_SUPPORTED;
    }
    return ERROR_GEN_FAILURE;
}

/* ---- finding things in the view --------------------------------------------------------------------------- */

struct lookup
{
    /* in */
    uint64_t luid;
    NET_IFINDEX index;
    const struct wn_wire_addr *addr;     /* an address to find on the interface */
    const struct wn_wire_route *route;   /* a route to find by Windows' key */
    /* out */
    uint32_t ifindex;                    /* 0: no such interface */
    BOOL found;
    struct wn_wire_addr found_addr;
    struct wn_wire_route found_route;
};

static void look_up(void *ctx, const struct wn_state *state)
{
    struct lookup *l = ctx;
    const struct wn_state_link *link;
    const struct wn_state_addr *a;
    const struct wn_state_route *r;

    /* The LUID names the interface when it is given; the index only when it is not (as Windows does). */
    for (link = wn_state_first(state, WN_TABLE_LINK); link; link = wn_state_next(state, WN_TABLE_LINK, link))
    {
        if (l->luid ? link->luid == l->luid : link->wire.ifindex == l->index)
        {
            l->ifindex = link->wire.ifindex;
            break;
        }
    }
    if (!l->ifindex) return;

    for (a = l->addr ? wn_state_first(state, WN_TABLE_ADDR) : NULL; a; a = wn_state_next(state, WN_TABLE_ADDR, a))
    {
        if (a->wire.ifindex != l->ifindex || a->wire.family != l->addr->family
            || memcmp(a->wire.addr, l->addr->addr, sizeof(a->wire.addr)))
            continue;
        l->found = TRUE;
        l->found_addr = a->wire;
        return;
    }
    for (r = l->route ? wn_state_first(state, WN_TABLE_ROUTE) : NULL; r; r = wn_state_next(state, WN_TABLE_ROUTE, r))
    {
        if (r->wire.oif != l->ifindex || r->wire.family != l->route->family || r->wire.table != 254
            || r->wire.dst_len != l->route->dst_len || memcmp(r->wire.dst, l->route->dst, sizeof(r->wire.dst))
            || memcmp(r->wire.gateway, l->route->gateway, sizeof(r->wire.gateway)))
            continue;
        l->found = TRUE;
        l->found_route = r->wire;
        return;
    }
}

/* Asks the helper; falls back to the system's function when there is none. */
static DWORD change(const char *name, const void *row, uint16_t type, uint16_t op, const void *body)
{
    enum wn_source_status status;
    uint32_t result;

    status = wn_source_change(type, op, body, &result);
    if (status != WN_SOURCE_OK)
    {
        WARN("no host helper: %s is the system's\n", name);
        return wn_row_system_call(name, row);
    }
    if (result != WN_RESULT_OK) TRACE("%s: the host answered %u\n", name, result);
    return windows_error(result);
}

/* Finds the interface (and what the lookup asks for); a Windows error, or NO_ERROR. */
static DWORD find(const char *name, struct lookup *l, BOOL *fallback)
{
    enum wn_source_status status = wn_source_query(look_up, l);

    *fallback = status != WN_SOURCE_OK;
    if (*fallback)
    {
        WARN("no host helper: %s is the system's\n", name);
        return NO_ERROR;
    }
    return l->ifindex ? NO_ERROR : ERROR_NOT_FOUND;
}

/* ---- unicast addresses ------------------------------------------------------------------------------------ */

/* Windows' documented checks; fills the wire form (without the interface). */
static DWORD check_unicast_row(const MIB_UNICASTIPADDRESS_ROW *row, BOOL create, struct wn_wire_addr *wire)
{
    unsigned int family;

    if (!row || !(family = wn_wire_family(row->Address.si_family))) return ERROR_INVALID_PARAMETER;
    if (!row->InterfaceLuid.Value && !row->InterfaceIndex) return ERROR_INVALID_PARAMETER;
    memset(wire, 0, sizeof(*wire));
    wire->family = (uint8_t)family;
    wn_wire_address(wire->addr, &row->Address);
    if (!create) return NO_ERROR;

    if (row->ValidLifetime < row->PreferredLifetime) return ERROR_INVALID_PARAMETER;
    if ((row->PrefixOrigin == IpPrefixOriginUnchanged) != (row->SuffixOrigin == IpSuffixOriginUnchanged))
        return ERROR_INVALID_PARAMETER;
    if (row->PrefixOrigin > IpPrefixOriginRouterAdvertisement && row->PrefixOrigin != IpPrefixOriginUnchanged)
        return ERROR_INVALID_PARAMETER;
    if (row->SuffixOrigin > IpSuffixOriginRandom && row->SuffixOrigin != IpSuffixOriginUnchanged)
        return ERROR_INVALID_PARAMETER;
    if (row->OnLinkPrefixLength == WN_ONLINK_PREFIX_UNSET)
        wire->prefixlen = family == 4 ? 32 : 64;   /* no on-link prefix given: just the host, or an IPv6 /64 */
    else if (row->OnLinkPrefixLength > (family == 4 ? 32 : 128)) return ERROR_INVALID_PARAMETER;
    else wire->prefixlen = row->OnLinkPrefixLength;
    wire->valid_lft = row->ValidLifetime;
    wire->preferred_lft = row->PreferredLifetime;
    return NO_ERROR;
}

static DWORD unicast_entry(const char *name, const MIB_UNICASTIPADDRESS_ROW *row, BOOL create)
{
    struct wn_wire_addr wire;
    struct lookup l;
    BOOL fallback;
    DWORD err;

    if (!wn_running_on_wine()) return wn_row_system_call(name, row);
    TRACE("%s(%p)\n", name, row);
    if ((err = check_unicast_row(row, create, &wire))) return err;

    memset(&l, 0, sizeof(l));
    l.luid = row->InterfaceLuid.Value;
    l.index = row->InterfaceIndex;
    l.addr = &wire;
    if ((err = find(name, &l, &fallback)) || fallback) return fallback ? wn_row_system_call(name, row) : err;
    if (create && l.found) return ERROR_OBJECT_ALREADY_EXISTS;
    if (!create && !l.found) return ERROR_NOT_FOUND;
    wire.ifindex = l.ifindex;
    /* Linux deletes an IPv6 address only by its prefix length too: the one it has. */
    if (!create) wire.prefixlen = l.found_addr.prefixlen;
    return change(name, row, WN_WIRE_SET_ADDR, create ? WN_WIRE_OP_ADD : WN_WIRE_OP_DEL, &wire);
}

DWORD WINAPI CreateUnicastIpAddressEntry(const MIB_UNICASTIPADDRESS_ROW *row)
{
    return unicast_entry("CreateUnicastIpAddressEntry", row, TRUE);
}

DWORD WINAPI DeleteUnicastIpAddressEntry(const MIB_UNICASTIPADDRESS_ROW *row)
{
    return unicast_entry("DeleteUnicastIpAddressEntry", row, FALSE);
}

/* ---- routes ----------------------------------------------------------------------------------------------- */

static DWORD check_route_row(const MIB_IPFORWARD_ROW2 *row, BOOL create, struct wn_wire_route *wire)
{
    const SOCKADDR_INET *dst;
    unsigned int family;

    if (!row) return ERROR_INVALID_PARAMETER;
    dst = &row->DestinationPrefix.Prefix;
    if (!(family = wn_wire_family(dst->si_family))) return ERROR_INVALID_PARAMETER;
    /* An unset next hop (AF_UNSPEC, all zero) means on-link; a set one must be of the destination's family. */
    if (row->NextHop.si_family != dst->si_family && row->NextHop.si_family != AF_UNSPEC)
        return ERROR_INVALID_PARAMETER;
    if (!row->InterfaceLuid.Value && !row->InterfaceIndex) return ERROR_INVALID_PARAMETER;
    if (row->DestinationPrefix.PrefixLength > (family == 4 ? 32 : 128)) return ERROR_INVALID_PARAMETER;
    if (create && row->ValidLifetime < row->PreferredLifetime) return ERROR_INVALID_PARAMETER;
    /* The value InitializeIpForwardEntry leaves means "none given", as the metric's does: WireGuard's winipcfg
     * creates its routes from such a row without touching SitePrefixLength. */
    if (create && row->SitePrefixLength != WN_SITE_PREFIX_UNSET
        && row->SitePrefixLength > row->DestinationPrefix.PrefixLength)
        return ERROR_INVALID_PARAMETER;

    memset(wire, 0, sizeof(*wire));
    wire->family = (uint8_t)family;
    wire->dst_len = row->DestinationPrefix.PrefixLength;
    wn_wire_address(wire->dst, dst);
    if (row->NextHop.si_family == dst->si_family) wn_wire_address(wire->gateway, &row->NextHop);
    return NO_ERROR;
}

static DWORD route_entry(const char *name, const MIB_IPFORWARD_ROW2 *row, BOOL create)
{
    struct wn_wire_route wire;
    struct lookup l;
    BOOL fallback;
    DWORD err;

    if (!wn_running_on_wine()) return wn_row_system_call(name, row);
    TRACE("%s(%p)\n", name, row);
    if ((err = check_route_row(row, create, &wire))) return err;

    memset(&l, 0, sizeof(l));
    l.luid = row->InterfaceLuid.Value;
    l.index = row->InterfaceIndex;
    l.route = &wire;
    if ((err = find(name, &l, &fallback)) || fallback) return fallback ? wn_row_system_call(name, row) : err;
    if (create && l.found) return ERROR_OBJECT_ALREADY_EXISTS;
    if (!create && !l.found) return ERROR_NOT_FOUND;
    wire.oif = l.ifindex;
    if (create)
    {
        if (row->ValidLifetime != FOREVER)
            FIXME("%s: a route lifetime of %lu s is not kept; the route stays\n", name, row->ValidLifetime);
        /* 0 asks the kernel for its default: 0 for IPv4, 1024 for IPv6. */
        wire.metric = row->Metric == WN_ROUTE_METRIC_UNSET ? 0 : row->Metric;
    }
    else wire.metric = l.found_route.metric;   /* Linux tells routes apart by metric too: the one there is */
    return change(name, row, WN_WIRE_SET_ROUTE, create ? WN_WIRE_OP_ADD : WN_WIRE_OP_DEL, &wire);
}

DWORD WINAPI CreateIpForwardEntry2(const MIB_IPFORWARD_ROW2 *row)
{
    return route_entry("CreateIpForwardEntry2", row, TRUE);
}

DWORD WINAPI DeleteIpForwardEntry2(const MIB_IPFORWARD_ROW2 *row)
{
    return route_entry("DeleteIpForwardEntry2", row, FALSE);
}
