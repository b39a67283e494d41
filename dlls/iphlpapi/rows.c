/* The view's objects as MIB rows (see rows.h). */
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <string.h>

#include "debug.h"
#include "forward.h"
#include "rows.h"

/* linux/rtnetlink.h, linux/if_arp.h */
#define RTPROT_KERNEL     2
#define RTPROT_RA         9

DWORD wn_row_result_error(uint32_t result)
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

BOOL wn_family_valid(ADDRESS_FAMILY family)
{
    return family == AF_UNSPEC || family == AF_INET || family == AF_INET6;
}

BOOL wn_family_covers(ADDRESS_FAMILY family, unsigned int wire_family)
{
    if (family == AF_UNSPEC) return wire_family == 4 || wire_family == 6;
    return family == (wire_family == 4 ? AF_INET : wire_family == 6 ? AF_INET6 : AF_UNSPEC);
}

unsigned int wn_wire_family(ADDRESS_FAMILY family)
{
    return family == AF_INET ? 4 : family == AF_INET6 ? 6 : 0;
}

void wn_wire_address(uint8_t out[16], const SOCKADDR_INET *in)
{
    memset(out, 0, 16);
    if (in->si_family == AF_INET) memcpy(out, &in->Ipv4.sin_addr, 4);
    else memcpy(out, &in->Ipv6.sin6_addr, 16);
}

DWORD wn_row_system_call(const char *name, const void *row)
{
    DWORD (WINAPI *fn)(const void *) = (DWORD (WINAPI *)(const void *))wn_forward_lookup(name);

    if (!fn)
    {
        FIXME("the system DLL lacks %s\n", name);
        return ERROR_NOT_SUPPORTED;
    }
    return fn(row);
}

DWORD wn_row_system_table(const char *name, ADDRESS_FAMILY family, void **table)
{
    DWORD (WINAPI *fn)(ADDRESS_FAMILY, void **) = (DWORD (WINAPI *)(ADDRESS_FAMILY, void **))wn_forward_lookup(name);

    if (!fn)
    {
        FIXME("the system DLL lacks %s\n", name);
        return ERROR_NOT_SUPPORTED;
    }
    return fn(family, table);
}

NL_DAD_STATE wn_dad_state(const struct wn_wire_addr *addr)
{
    if (addr->flags & WN_IFA_F_DADFAILED) return IpDadStateDuplicate;
    if (addr->flags & WN_IFA_F_TENTATIVE) return IpDadStateTentative;
    if ((addr->flags & WN_IFA_F_DEPRECATED) || !addr->preferred_lft) return IpDadStateDeprecated;
    return IpDadStatePreferred;
}

BOOL wn_dad_pending(const struct wn_wire_addr *addr)
{
    return (addr->flags & (WN_IFA_F_TENTATIVE | WN_IFA_F_DADFAILED)) == WN_IFA_F_TENTATIVE;
}

static BOOL is_link_local6(const uint8_t *addr)
{
    return addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80;
}

void wn_row_sockaddr(SOCKADDR_INET *sa, unsigned int wire_family, const uint8_t *addr, NET_IFINDEX index)
{
    memset(sa, 0, sizeof(*sa));
    if (wire_family == 4)
    {
        sa->Ipv4.sin_family = AF_INET;
        memcpy(&sa->Ipv4.sin_addr, addr, 4);
        return;
    }
    sa->Ipv6.sin6_family = AF_INET6;
    memcpy(&sa->Ipv6.sin6_addr, addr, 16);
    if (is_link_local6(addr)) sa->Ipv6.sin6_scope_id = index;
}

/* A setting of the neighbour table the kernel did not report: RFC 4861's default, which both systems use. */
static ULONG or_default(uint32_t value, ULONG fallback)
{
    return value ? value : fallback;
}

void wn_row_interface(MIB_IPINTERFACE_ROW *row, ADDRESS_FAMILY family, const struct wn_state_link *link)
{
    const struct wn_wire_link *w = &link->wire;
    BOOL v6 = family == AF_INET6, loopback = (w->flags & WN_IFF_LOOPBACK) != 0;

    memset(row, 0, sizeof(*row));
    row->Family = family;
    row->InterfaceLuid.Value = link->luid;
    row->InterfaceIndex = w->ifindex;
    /* IPv4's MTU is the link's; IPv6 has its own (net.ipv6.conf.<link>.mtu, at most the link's). */
    row->NlMtu = v6 && w->mtu6 ? w->mtu6 : w->mtu;
    /* IFF_RUNNING is the kernel's "operationally up" (carrier, or no notion of one). */
    row->Connected = (w->flags & (WN_IFF_UP | WN_IFF_RUNNING)) == (WN_IFF_UP | WN_IFF_RUNNING);
    row->ForwardingEnabled = (w->forwarding & (v6 ? WN_LINK_FORWARDING_IPV6 : WN_LINK_FORWARDING_IPV4)) != 0;
    /* Linux has no interface metric: a route's metric is the whole of it, as on Windows with an interface metric
     * fixed at 0 (Wine 11 says automatic, which Linux does not do).  So a program that fixes it at 0 (WireGuard,
     * for a tunnel with a default route) asks for what is in effect. */
    row->UseAutomaticMetric = FALSE;
    row->Metric = 0;
    row->ZoneIndices[ScopeLevelInterface] = w->ifindex;
    row->ZoneIndices[ScopeLevelLink] = w->ifindex;

    /* The link's neighbour table: the base reachable time (ReachableTime is a random multiple of it that the
     * kernel reports only for IPv6, and not per change: the base, as Wine 11 reports) and the retransmission
     * timer. */
    row->BaseReachableTime = or_default(w->reachable_ms[v6], 30000);
    row->ReachableTime = row->BaseReachableTime;
    row->RetransmitTime = or_default(w->retrans_ms[v6], 1000);
    /* Duplicate address detection: IPv6's count is a Linux setting; Linux sends no probe for an IPv4 address
     * before using it (only a program does, `arping -D`): 0, where Wine 11 says Windows' default of 3.  Loopback
     * does none. */
    row->DadTransmits = loopback || !v6 ? 0 : w->dad_transmits6;
    /* IPv6 router discovery follows accept_ra (1: unless the interface forwards; 2: always); Linux has no IPv4
     * router discovery. */
    if (v6 && (w->accept_ra6 == 2 || (w->accept_ra6 == 1 && !row->ForwardingEnabled)))
        row->RouterDiscoveryBehavior = RouterDiscoveryEnabled;
    /* Windows' defaults, with no Linux setting behind them: the path MTU is re-probed after 10 minutes (Linux's
     * route/mtu_expires is the same, but not per interface), IPv4 link-local addresses come after a 6.5 s delay
     * and IPv6 ones at once, sites are /64, router advertisements (which Linux sends only through a daemon)
     * would go every 200 to 600 s. */
    row->PathMtuDiscoveryTimeout = 600000;
    row->LinkLocalAddressBehavior = v6 ? LinkLocalAlwaysOn : LinkLocalDelayed;
    row->LinkLocalAddressTimeout = v6 ? 0 : 6500;
    row->SitePrefixLength = 64;
    row->MinRouterAdvertisementInterval = 200;
    row->MaxRouterAdvertisementInterval = 600;
    /* Linux does neighbour unreachability detection and neighbour discovery (ARP for IPv4) on every interface. */
    row->UseNeighborUnreachabilityDetection = TRUE;
    row->SupportsNeighborDiscovery = TRUE;
    row->SupportsRouterDiscovery = TRUE;
}

BOOL wn_link_has_ipv6(const struct wn_wire_link *link, BOOL has_address)
{
    if (has_address) return TRUE;
    return (link->ipv6 & (WN_LINK_IPV6_KNOWN | WN_LINK_IPV6_ENABLED)) == (WN_LINK_IPV6_KNOWN | WN_LINK_IPV6_ENABLED);
}

/* Origins from how Linux got the address: a permanent (configured) one is manual; loopback and IPv6
 * link-local ones are well known / from the link-layer address; other dynamic IPv6 ones come from router
 * advertisements (temporary ones with a random suffix); other dynamic IPv4 ones from DHCP. */
static void fill_origins(MIB_UNICASTIPADDRESS_ROW *row, const struct wn_wire_addr *addr)
{
    BOOL loopback = addr->family == 4 ? addr->addr[0] == 127
                                      : !memcmp(addr->addr, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16);

    if (loopback)
    {
        row->PrefixOrigin = IpPrefixOriginWellKnown;
        row->SuffixOrigin = IpSuffixOriginWellKnown;
    }
    else if (addr->family == 6 && is_link_local6(addr->addr))
    {
        row->PrefixOrigin = IpPrefixOriginWellKnown;
        row->SuffixOrigin = IpSuffixOriginLinkLayerAddress;
    }
    else if (addr->flags & WN_IFA_F_PERMANENT)
    {
        row->PrefixOrigin = IpPrefixOriginManual;
        row->SuffixOrigin = IpSuffixOriginManual;
    }
    else if (addr->family == 6)
    {
        row->PrefixOrigin = IpPrefixOriginRouterAdvertisement;
        row->SuffixOrigin = (addr->flags & WN_IFA_F_TEMPORARY) ? IpSuffixOriginRandom
                                                               : IpSuffixOriginLinkLayerAddress;
    }
    else
    {
        row->PrefixOrigin = IpPrefixOriginDhcp;
        row->SuffixOrigin = IpSuffixOriginDhcp;
    }
}

void wn_row_unicast(MIB_UNICASTIPADDRESS_ROW *row, const struct wn_state_addr *addr)
{
    FILETIME now;

    memset(row, 0, sizeof(*row));
    wn_row_sockaddr(&row->Address, addr->wire.family, addr->wire.addr, addr->wire.ifindex);
    row->InterfaceLuid.Value = addr->luid;
    row->InterfaceIndex = addr->wire.ifindex;
    fill_origins(row, &addr->wire);
    /* Both count seconds with 0xffffffff for "forever". */
    row->ValidLifetime = addr->wire.valid_lft;
    row->PreferredLifetime = addr->wire.preferred_lft;
    row->OnLinkPrefixLength = addr->wire.prefixlen;
    row->DadState = wn_dad_state(&addr->wire);
    if (addr->wire.family == 6 && is_link_local6(addr->wire.addr)) row->ScopeId.Value = addr->wire.ifindex;
    GetSystemTimeAsFileTime(&now);
    row->CreationTimeStamp.u.LowPart = now.dwLowDateTime;
    row->CreationTimeStamp.u.HighPart = (LONG)now.dwHighDateTime;
}

/* The kernel's own routes (the prefix route of a configured address) are local, as Wine reports them; routes
 * learned from router advertisements come from ICMPv6; the rest were set up by someone: network management. */
static NL_ROUTE_PROTOCOL route_protocol(unsigned int protocol)
{
    if (protocol == RTPROT_KERNEL) return RouteProtocolLocal;
    if (protocol == RTPROT_RA) return RouteProtocolIcmp;
    return RouteProtocolNetMgmt;
}

void wn_row_route(MIB_IPFORWARD_ROW2 *row, const struct wn_state_route *route)
{
    memset(row, 0, sizeof(*row));
    row->InterfaceLuid.Value = route->luid;
    row->InterfaceIndex = route->wire.oif;
    wn_row_sockaddr(&row->DestinationPrefix.Prefix, route->wire.family, route->wire.dst, route->wire.oif);
    row->DestinationPrefix.PrefixLength = route->wire.dst_len;
    /* An on-link route's next hop is the unspecified address of its family. */
    wn_row_sockaddr(&row->NextHop, route->wire.family, route->wire.gateway, route->wire.oif);
    row->ValidLifetime = 0xffffffff;
    row->PreferredLifetime = 0xffffffff;
    row->Metric = route->wire.metric;
    row->Protocol = route_protocol(route->wire.protocol);
    row->Loopback = (route->luid >> 48) == 24;  /* IfType 24: IF_TYPE_SOFTWARE_LOOPBACK */
    row->Immortal = TRUE;
    row->Origin = NlroManual;
}

BOOL wn_row_is_addr(const SOCKADDR_INET *address, NET_IFINDEX index, const struct wn_wire_addr *addr)
{
    if (index != addr->ifindex) return FALSE;
    if (addr->family == 4)
        return address->si_family == AF_INET && !memcmp(&address->Ipv4.sin_addr, addr->addr, 4);
    return address->si_family == AF_INET6 && !memcmp(&address->Ipv6.sin6_addr, addr->addr, 16);
}

const struct wn_state_link *wn_view_link(const struct wn_state *state, uint64_t luid, NET_IFINDEX index)
{
    const struct wn_state_link *link;

    for (link = wn_state_first(state, WN_TABLE_LINK); link; link = wn_state_next(state, WN_TABLE_LINK, link))
        if (luid ? link->luid == luid : link->wire.ifindex == index) break;
    return link;
}

BOOL wn_view_interface(const struct wn_state *state, uint64_t luid, NET_IFINDEX index, unsigned int family,
                       struct wn_state_link *out, BOOL *has_family)
{
    const struct wn_state_link *link = wn_view_link(state, luid, index);
    const struct wn_state_addr *a;
    BOOL v6_address = FALSE;

    *has_family = FALSE;
    if (!link) return FALSE;
    *out = *link;
    /* IPv4 on every link, as NotifyIpInterfaceChange announces it; IPv6 where wn_link_has_ipv6() says. */
    if (family == 4)
    {
        *has_family = TRUE;
        return TRUE;
    }
    for (a = wn_state_first(state, WN_TABLE_ADDR); a && !v6_address; a = wn_state_next(state, WN_TABLE_ADDR, a))
        v6_address = a->wire.ifindex == link->wire.ifindex && a->wire.family == 6;
    *has_family = wn_link_has_ipv6(&link->wire, v6_address);
    return TRUE;
}

void wn_row_unicast_state(MIB_UNICASTIPADDRESS_ROW *row, const struct wn_wire_addr *addr)
{
    row->DadState = wn_dad_state(addr);
    row->ValidLifetime = addr->valid_lft;
    row->PreferredLifetime = addr->preferred_lft;
}
