/* CreateUnicastIpAddressEntry, DeleteUnicastIpAddressEntry, SetUnicastIpAddressEntry, CreateIpForwardEntry2,
 * DeleteIpForwardEntry2, SetIpInterfaceEntry.
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
    const struct wn_state_link *link = wn_view_link(state, l->luid, l->index);
    const struct wn_state_addr *a;
    const struct wn_state_route *r;

    if (!link) return;
    l->ifindex = link->wire.ifindex;

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
    return wn_row_result_error(result);
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

/* A field a program asked to change that Linux has no setting for: Windows' answer for a request it cannot
 * carry out, never a silent success. */
static DWORD cannot_set(const char *name, const char *field)
{
    FIXME("%s: Linux has no setting for %s; not changed\n", name, field);
    return ERROR_NOT_SUPPORTED;
}

/* What Linux keeps of an address beyond its key is its lifetimes: those are what a change carries.  The origins,
 * the on-link prefix length (part of Linux's key: a different one is a different address) and SkipAsSource
 * (Linux has no per-address source exclusion) may be given as they are, or as "unchanged", and nothing else. */
DWORD WINAPI SetUnicastIpAddressEntry(const MIB_UNICASTIPADDRESS_ROW *row)
{
    static const char name[] = "SetUnicastIpAddressEntry";
    MIB_UNICASTIPADDRESS_ROW now;
    struct wn_state_addr found;
    struct wn_wire_addr wire;
    struct lookup l;
    BOOL fallback;
    DWORD err;

    if (!wn_running_on_wine()) return wn_row_system_call(name, row);
    TRACE("(%p)\n", row);
    if ((err = check_unicast_row(row, TRUE, &wire))) return err;

    memset(&l, 0, sizeof(l));
    l.luid = row->InterfaceLuid.Value;
    l.index = row->InterfaceIndex;
    l.addr = &wire;
    if ((err = find(name, &l, &fallback)) || fallback) return fallback ? wn_row_system_call(name, row) : err;
    if (!l.found) return ERROR_NOT_FOUND;

    memset(&found, 0, sizeof(found));
    found.wire = l.found_addr;
    wn_row_unicast(&now, &found);
    if (row->OnLinkPrefixLength != WN_ONLINK_PREFIX_UNSET && row->OnLinkPrefixLength != l.found_addr.prefixlen)
        return cannot_set(name, "OnLinkPrefixLength");
    if (row->PrefixOrigin != IpPrefixOriginUnchanged
        && (row->PrefixOrigin != now.PrefixOrigin || row->SuffixOrigin != now.SuffixOrigin))
        return cannot_set(name, "PrefixOrigin and SuffixOrigin");
    if (row->SkipAsSource) return cannot_set(name, "SkipAsSource");

    wire.ifindex = l.ifindex;
    wire.prefixlen = l.found_addr.prefixlen;
    return change(name, row, WN_WIRE_SET_ADDR, WN_WIRE_OP_CHANGE, &wire);
}

/* ---- interfaces ------------------------------------------------------------------------------------------- */

struct iface_lookup
{
    uint64_t luid;
    NET_IFINDEX index;
    unsigned int family;
    BOOL found, has_family;
    struct wn_state_link link;
};

static void look_up_interface(void *ctx, const struct wn_state *state)
{
    struct iface_lookup *l = ctx;

    l->found = wn_view_interface(state, l->luid, l->index, l->family, &l->link, &l->has_family);
}

/* The request that turns the interface's row now into the row asked for; a Windows error for a change Linux
 * cannot make.  Programs set a row they read (GetIpInterfaceEntry), changed in a field or two, so every field is
 * compared: the ones Windows lets a program set and Linux has a setting for become the request, the ones Linux
 * has none for must be as they are, and the ones Windows does not set (Connected, ZoneIndices, Supports*,
 * ReachableTime, the offloads, ...) are not looked at, as Windows does not. */
static DWORD interface_request(const MIB_IPINTERFACE_ROW *row, const MIB_IPINTERFACE_ROW *now,
                               struct wn_wire_set_link *set)
{
    static const char name[] = "SetIpInterfaceEntry";
    BOOL v6 = row->Family == AF_INET6;

    /* Windows rejects a site prefix longer than the family's addresses (its own IPv4 rows say 64, which
     * WireGuard's winipcfg therefore sets to 0 before every SetIpInterfaceEntry). */
    if (row->SitePrefixLength > (v6 ? 128u : 32u)) return ERROR_INVALID_PARAMETER;
    if (row->RouterDiscoveryBehavior > RouterDiscoveryDhcp && row->RouterDiscoveryBehavior != RouterDiscoveryUnchanged)
        return ERROR_INVALID_PARAMETER;
    if (row->LinkLocalAddressBehavior > LinkLocalAlwaysOn && row->LinkLocalAddressBehavior != LinkLocalUnchanged)
        return ERROR_INVALID_PARAMETER;

    if (row->NlMtu != now->NlMtu)
    {
        set->fields |= WN_SET_LINK_MTU;
        set->mtu = row->NlMtu;
    }
    if (!row->ForwardingEnabled != !now->ForwardingEnabled)
    {
        set->fields |= WN_SET_LINK_FORWARDING;
        set->forwarding = row->ForwardingEnabled ? 1 : 0;
    }
    if (row->BaseReachableTime != now->BaseReachableTime)
    {
        set->fields |= WN_SET_LINK_REACHABLE;
        set->reachable_ms = row->BaseReachableTime;
    }
    if (row->RetransmitTime != now->RetransmitTime)
    {
        set->fields |= WN_SET_LINK_RETRANS;
        set->retrans_ms = row->RetransmitTime;
    }
    if (row->DadTransmits != now->DadTransmits)
    {
        /* Linux probes IPv4 addresses only when a program asks (arping -D): 0 is all there is. */
        if (!v6) return cannot_set(name, "DadTransmits of IPv4");
        set->fields |= WN_SET_LINK_DAD_TRANSMITS;
        set->dad_transmits = row->DadTransmits;
    }
    if (row->RouterDiscoveryBehavior != RouterDiscoveryUnchanged
        && row->RouterDiscoveryBehavior != now->RouterDiscoveryBehavior)
    {
        /* Linux has no IPv4 router discovery, and takes no DHCP-given routers for IPv6. */
        if (!v6 || row->RouterDiscoveryBehavior == RouterDiscoveryDhcp)
            return cannot_set(name, "RouterDiscoveryBehavior");
        set->fields |= WN_SET_LINK_ACCEPT_RA;
        /* accept_ra 1 ignores advertisements while the interface forwards; 2 takes them anyway, which is what
         * Windows' "enabled" means whatever the forwarding. */
        set->accept_ra = row->RouterDiscoveryBehavior == RouterDiscoveryEnabled ? 2 : 0;
    }
    /* Settings Windows has and Linux does not: the interface metric (fixed at 0: a Linux route's metric is the
     * whole of it, and there is no automatic one), the weak
     * host model switches, advertising (a daemon's job on Linux), the path MTU timeout (global on Linux),
     * link-local address timing and neighbour unreachability detection (always on). */
    if (row->Metric != now->Metric) return cannot_set(name, "Metric");
    if (!row->UseAutomaticMetric != !now->UseAutomaticMetric) return cannot_set(name, "UseAutomaticMetric");
    if (!row->AdvertisingEnabled != !now->AdvertisingEnabled) return cannot_set(name, "AdvertisingEnabled");
    if (!row->AdvertiseDefaultRoute != !now->AdvertiseDefaultRoute) return cannot_set(name, "AdvertiseDefaultRoute");
    if (!row->WeakHostSend != !now->WeakHostSend) return cannot_set(name, "WeakHostSend");
    if (!row->WeakHostReceive != !now->WeakHostReceive) return cannot_set(name, "WeakHostReceive");
    if (!row->UseNeighborUnreachabilityDetection != !now->UseNeighborUnreachabilityDetection)
        return cannot_set(name, "UseNeighborUnreachabilityDetection");
    if (!row->ManagedAddressConfigurationSupported != !now->ManagedAddressConfigurationSupported)
        return cannot_set(name, "ManagedAddressConfigurationSupported");
    if (!row->OtherStatefulConfigurationSupported != !now->OtherStatefulConfigurationSupported)
        return cannot_set(name, "OtherStatefulConfigurationSupported");
    if (row->PathMtuDiscoveryTimeout != now->PathMtuDiscoveryTimeout)
        return cannot_set(name, "PathMtuDiscoveryTimeout");
    if (row->LinkLocalAddressBehavior != LinkLocalUnchanged
        && row->LinkLocalAddressBehavior != now->LinkLocalAddressBehavior)
        return cannot_set(name, "LinkLocalAddressBehavior");
    if (row->LinkLocalAddressTimeout != now->LinkLocalAddressTimeout)
        return cannot_set(name, "LinkLocalAddressTimeout");
    if (row->MinRouterAdvertisementInterval != now->MinRouterAdvertisementInterval
        || row->MaxRouterAdvertisementInterval != now->MaxRouterAdvertisementInterval)
        return cannot_set(name, "the router advertisement interval");
    /* The site prefix has no meaning on Linux (nor much on Windows since site-local addresses went); a legal one
     * is taken and not kept, said in a FIXME, since WireGuard sets it on every call. */
    if (row->SitePrefixLength != now->SitePrefixLength)
        FIXME("%s: Linux has no site prefix length; %lu not kept\n", name, row->SitePrefixLength);
    return NO_ERROR;
}

/* Microsoft's page: ERROR_INVALID_PARAMETER for a NULL row, a Family other than AF_INET and AF_INET6 or neither
 * InterfaceLuid nor InterfaceIndex; ERROR_FILE_NOT_FOUND when no interface has that LUID or index;
 * ERROR_NOT_FOUND when the interface has no such family; on success InterfaceLuid is filled in.  NlMtu,
 * ForwardingEnabled, BaseReachableTime, RetransmitTime, and for IPv6 DadTransmits and RouterDiscoveryBehavior are
 * carried out (rows.h says where each lives on Linux). */
DWORD WINAPI SetIpInterfaceEntry(MIB_IPINTERFACE_ROW *row)
{
    static const char name[] = "SetIpInterfaceEntry";
    MIB_IPINTERFACE_ROW now;
    struct wn_wire_set_link set;
    struct iface_lookup l;
    DWORD err;

    if (!wn_running_on_wine()) return wn_row_system_call(name, row);
    TRACE("(%p)\n", row);
    if (!row || !wn_wire_family(row->Family)) return ERROR_INVALID_PARAMETER;
    if (!row->InterfaceLuid.Value && !row->InterfaceIndex) return ERROR_INVALID_PARAMETER;

    memset(&l, 0, sizeof(l));
    l.luid = row->InterfaceLuid.Value;
    l.index = row->InterfaceIndex;
    l.family = wn_wire_family(row->Family);
    if (wn_source_query(look_up_interface, &l) != WN_SOURCE_OK)
    {
        WARN("no host helper: %s is the system's\n", name);
        return wn_row_system_call(name, row);
    }
    if (!l.found) return ERROR_FILE_NOT_FOUND;
    if (!l.has_family) return ERROR_NOT_FOUND;

    wn_row_interface(&now, row->Family, &l.link);
    memset(&set, 0, sizeof(set));
    if ((err = interface_request(row, &now, &set))) return err;
    row->InterfaceLuid.Value = l.link.luid;
    if (!set.fields)
    {
        TRACE("nothing to change\n");
        return NO_ERROR;
    }
    set.ifindex = l.link.wire.ifindex;
    set.family = (uint8_t)l.family;
    return change(name, row, WN_WIRE_SET_LINK, WN_WIRE_OP_CHANGE, &set);
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
