/* rtnetlink parsers.  Fixed headers and attributes are copied out with memcpy, so a message may sit at any
 * address, and every length is checked against what is readable before anything is copied: a message cut short
 * or lying about its lengths is reported as malformed, never read past its end. */
#define _DEFAULT_SOURCE
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/neighbour.h>
#include <linux/netconf.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "nl_parse.h"

/* The attributes we read have small type numbers; anything above is skipped. */
#define MAX_ATTR 32

struct attrs
{
    const uint8_t *data[MAX_ATTR + 1];
    size_t len[MAX_ATTR + 1];
};

static int parse_attrs(const uint8_t *p, size_t len, struct attrs *tb)
{
    memset(tb, 0, sizeof(*tb));
    while (len)
    {
        struct rtattr rta;
        size_t step;
        unsigned int type;

        if (len < sizeof(rta)) return NL_PARSE_MALFORMED;
        memcpy(&rta, p, sizeof(rta));
        if (rta.rta_len < sizeof(rta) || rta.rta_len > len) return NL_PARSE_MALFORMED;
        type = rta.rta_type & NLA_TYPE_MASK;
        if (type <= MAX_ATTR)
        {
            tb->data[type] = p + RTA_LENGTH(0);
            tb->len[type] = rta.rta_len - RTA_LENGTH(0);
        }
        /* The kernel pads every attribute, the last one included; tolerate a missing final pad anyway. */
        step = RTA_ALIGN(rta.rta_len);
        if (step > len) step = len;
        p += step;
        len -= step;
    }
    return 0;
}

static int attr_u32(const struct attrs *tb, unsigned int type, uint32_t *value)
{
    if (!tb->data[type]) return 0;
    if (tb->len[type] != sizeof(*value)) return NL_PARSE_MALFORMED;
    memcpy(value, tb->data[type], sizeof(*value));
    return 1;
}

static int attr_bytes(const struct attrs *tb, unsigned int type, void *dst, size_t size)
{
    if (!tb->data[type]) return 0;
    if (tb->len[type] != size) return NL_PARSE_MALFORMED;
    memcpy(dst, tb->data[type], size);
    return 1;
}

static int attr_u64(const struct attrs *tb, unsigned int type, uint64_t *value)
{
    if (!tb->data[type]) return 0;
    if (tb->len[type] != sizeof(*value)) return NL_PARSE_MALFORMED;
    memcpy(value, tb->data[type], sizeof(*value));
    return 1;
}

/* Maps an address family to the wire's, with its address size and longest prefix; 0 for families we skip. */
static int family_info(unsigned int af, uint8_t *family, size_t *alen, unsigned int *maxlen)
{
    if (af == AF_INET) { *family = 4; *alen = 4; *maxlen = 32; return 1; }
    if (af == AF_INET6) { *family = 6; *alen = 16; *maxlen = 128; return 1; }
    return 0;
}

/* One entry of IFLA_INET_CONF or IFLA_INET6_CONF (arrays of 32-bit values indexed by IPV4_DEVCONF_* - 1 and
 * DEVCONF_*); 0 when the array is too short to hold it (an older kernel), else 1. */
static int conf_value(const uint8_t *conf, size_t len, unsigned int index, int32_t *value)
{
    if ((index + 1) * sizeof(*value) > len) return 0;
    memcpy(value, conf + index * sizeof(*value), sizeof(*value));
    return 1;
}

/* IFLA_AF_SPEC: per family, the link's settings.  IPv4's only setting Windows has a field for and Linux keeps
 * per link is forwarding (netconf follows it too); IPv6 is there only while the link has an inet6 device,
 * which it loses with an MTU below 1280. */
static int parse_af_spec(const uint8_t *p, size_t len, struct wn_wire_link *link, int *forwarding_known)
{
    struct attrs af, in;
    int32_t v;
    int r;

    if ((r = parse_attrs(p, len, &af))) return r;
    if (af.data[AF_INET])
    {
        if ((r = parse_attrs(af.data[AF_INET], af.len[AF_INET], &in))) return r;
        if (in.data[IFLA_INET_CONF] && conf_value(in.data[IFLA_INET_CONF], in.len[IFLA_INET_CONF],
                                                  IPV4_DEVCONF_FORWARDING - 1, &v))
        {
            if (v) link->forwarding |= WN_LINK_FORWARDING_IPV4;
            *forwarding_known |= WN_LINK_FORWARDING_IPV4;
        }
    }
    if (af.data[AF_INET6])
    {
        const uint8_t *conf;
        size_t clen;

        if ((r = parse_attrs(af.data[AF_INET6], af.len[AF_INET6], &in))) return r;
        if (!(conf = in.data[IFLA_INET6_CONF])) return 0;
        clen = in.len[IFLA_INET6_CONF];
        link->ipv6 = WN_LINK_IPV6_KNOWN;
        if (conf_value(conf, clen, DEVCONF_FORWARDING, &v))
        {
            if (v) link->forwarding |= WN_LINK_FORWARDING_IPV6;
            *forwarding_known |= WN_LINK_FORWARDING_IPV6;
        }
        if (!conf_value(conf, clen, DEVCONF_DISABLE_IPV6, &v) || !v) link->ipv6 |= WN_LINK_IPV6_ENABLED;
        if (conf_value(conf, clen, DEVCONF_MTU6, &v) && v > 0) link->mtu6 = (uint32_t)v;
        if (conf_value(conf, clen, DEVCONF_DAD_TRANSMITS, &v) && v > 0) link->dad_transmits6 = (uint32_t)v;
        if (conf_value(conf, clen, DEVCONF_ACCEPT_RA, &v) && v > 0) link->accept_ra6 = (uint32_t)v;
    }
    else link->ipv6 = WN_LINK_IPV6_KNOWN;    /* a link message without IPv6 settings: no IPv6 on it */
    return 0;
}

static int parse_link(const uint8_t *p, size_t len, uint16_t op, nl_item_fn fn, void *ctx)
{
    struct ifinfomsg ifi;
    struct nl_item item;
    struct attrs tb;
    uint32_t mtu;
    int r;

    if (len < NLMSG_ALIGN(sizeof(ifi))) return NL_PARSE_MALFORMED;
    memcpy(&ifi, p, sizeof(ifi));
    /* Bridges announce their ports as AF_BRIDGE link messages on the same group, and a port leaving its bridge
     * is an AF_BRIDGE RTM_DELLINK: neither says anything about the interface itself. */
    if (ifi.ifi_family != AF_UNSPEC) return 0;
    if (ifi.ifi_index <= 0) return NL_PARSE_MALFORMED;
    if ((r = parse_attrs(p + NLMSG_ALIGN(sizeof(ifi)), len - NLMSG_ALIGN(sizeof(ifi)), &tb))) return r;
    /* Wireless extensions events come as RTM_NEWLINK carrying only the name and the event. */
    if (tb.data[IFLA_WIRELESS]) return 0;

    memset(&item, 0, sizeof(item));
    item.type = WN_WIRE_LINK;
    item.op = op;
    item.u.link.ifindex = (uint32_t)ifi.ifi_index;
    item.u.link.flags = ifi.ifi_flags;
    item.u.link.type = ifi.ifi_type;

    if (!tb.data[IFLA_IFNAME] || !tb.len[IFLA_IFNAME] || tb.len[IFLA_IFNAME] > IFNAMSIZ
        || !memchr(tb.data[IFLA_IFNAME], 0, tb.len[IFLA_IFNAME]))
        return NL_PARSE_MALFORMED;
    strcpy(item.u.link.name, (const char *)tb.data[IFLA_IFNAME]);

    if ((r = attr_u32(&tb, IFLA_MTU, &mtu)) < 0) return r;
    /* The kernel fills every link message with its MTU; one without is not a state we can pass on. */
    if (!r && op != WN_WIRE_OP_DEL) return NL_PARSE_MALFORMED;
    item.u.link.mtu = r ? mtu : 0;

    if (tb.data[IFLA_OPERSTATE])
    {
        if (tb.len[IFLA_OPERSTATE] != 1) return NL_PARSE_MALFORMED;
        item.u.link.operstate = tb.data[IFLA_OPERSTATE][0];
    }
    if (tb.data[IFLA_ADDRESS])
    {
        if (tb.len[IFLA_ADDRESS] > sizeof(item.u.link.addr)) return NL_PARSE_MALFORMED;
        item.u.link.addr_len = (uint8_t)tb.len[IFLA_ADDRESS];
        memcpy(item.u.link.addr, tb.data[IFLA_ADDRESS], tb.len[IFLA_ADDRESS]);
    }
    if (tb.data[IFLA_AF_SPEC] && op != WN_WIRE_OP_DEL)
    {
        int known = 0;

        if ((r = parse_af_spec(tb.data[IFLA_AF_SPEC], tb.len[IFLA_AF_SPEC], &item.u.link, &known))) return r;
        item.forwarding_known = (uint8_t)known;
    }
    return fn(ctx, &item);
}

static int parse_addr(const uint8_t *p, size_t len, uint16_t op, nl_item_fn fn, void *ctx)
{
    struct ifaddrmsg ifa;
    struct ifa_cacheinfo ci;
    struct nl_item item;
    struct attrs tb;
    unsigned int maxlen;
    uint32_t flags;
    size_t alen;
    uint8_t local[16], address[16];
    struct timespec now;
    int r, has_local, has_address;

    if (len < NLMSG_ALIGN(sizeof(ifa))) return NL_PARSE_MALFORMED;
    memcpy(&ifa, p, sizeof(ifa));
    memset(&item, 0, sizeof(item));
    if (!family_info(ifa.ifa_family, &item.u.addr.family, &alen, &maxlen)) return 0;
    if (ifa.ifa_prefixlen > maxlen || !ifa.ifa_index) return NL_PARSE_MALFORMED;
    if ((r = parse_attrs(p + NLMSG_ALIGN(sizeof(ifa)), len - NLMSG_ALIGN(sizeof(ifa)), &tb))) return r;

    item.type = WN_WIRE_ADDR;
    item.op = op;
    item.u.addr.ifindex = ifa.ifa_index;
    item.u.addr.prefixlen = ifa.ifa_prefixlen;
    item.u.addr.scope = ifa.ifa_scope;

    /* On a point-to-point link IFA_ADDRESS is the peer and IFA_LOCAL our own address; elsewhere they agree or
     * only IFA_ADDRESS is sent (IPv6). */
    if ((has_local = attr_bytes(&tb, IFA_LOCAL, local, alen)) < 0) return has_local;
    if ((has_address = attr_bytes(&tb, IFA_ADDRESS, address, alen)) < 0) return has_address;
    if (has_local) memcpy(item.u.addr.addr, local, alen);
    else if (has_address) memcpy(item.u.addr.addr, address, alen);
    else return NL_PARSE_MALFORMED;

    /* ifa_flags has 8 bits; newer flags (IFA_F_NOPREFIXROUTE, IFA_F_MANAGETEMPADDR, ...) live only in IFA_FLAGS. */
    if ((r = attr_u32(&tb, IFA_FLAGS, &flags)) < 0) return r;
    item.u.addr.flags = r ? flags : ifa.ifa_flags;

    if ((r = attr_bytes(&tb, IFA_CACHEINFO, &ci, sizeof(ci))) < 0) return r;
    item.u.addr.preferred_lft = r ? ci.ifa_prefered : 0xffffffffu;
    item.u.addr.valid_lft = r ? ci.ifa_valid : 0xffffffffu;
    /* The kernel counted those seconds when it made the message, a moment ago: the DLLs tell a countdown from a
     * change by when each record says the lifetime ends. */
    if ((item.u.addr.preferred_lft != 0xffffffffu || item.u.addr.valid_lft != 0xffffffffu)
        && clock_gettime(CLOCK_MONOTONIC, &now) == 0)
        item.u.addr.stamp = (uint32_t)now.tv_sec;
    return fn(ctx, &item);
}

/* Checks an RTA_MULTIPATH block; with fn, also reports one route per next hop (oif and gateway of the hop). */
static int walk_nexthops(const uint8_t *p, size_t len, size_t alen, struct nl_item *item, nl_item_fn fn, void *ctx)
{
    int count = 0;

    while (len)
    {
        struct rtnexthop nh;
        struct attrs tb;
        size_t step;
        int r;

        if (len < sizeof(nh)) return NL_PARSE_MALFORMED;
        memcpy(&nh, p, sizeof(nh));
        if (nh.rtnh_len < sizeof(nh) || nh.rtnh_len > len) return NL_PARSE_MALFORMED;
        if ((r = parse_attrs(p + RTNH_LENGTH(0), nh.rtnh_len - RTNH_LENGTH(0), &tb))) return r;
        memset(item->u.route.gateway, 0, sizeof(item->u.route.gateway));
        if ((r = attr_bytes(&tb, RTA_GATEWAY, item->u.route.gateway, alen)) < 0) return r;
        item->u.route.oif = nh.rtnh_ifindex > 0 ? (uint32_t)nh.rtnh_ifindex : 0;
        if (fn && (r = fn(ctx, item))) return r;
        count++;
        step = RTNH_ALIGN(nh.rtnh_len);
        if (step > len) step = len;
        p += step;
        len -= step;
    }
    return count ? 0 : NL_PARSE_MALFORMED;
}

static int parse_route(const uint8_t *p, size_t len, uint16_t op, uint16_t nlflags, nl_item_fn fn, void *ctx)
{
    struct rtmsg rtm;
    struct nl_item item;
    struct attrs tb;
    unsigned int maxlen;
    uint32_t table;
    size_t alen;
    int r;

    if (len < NLMSG_ALIGN(sizeof(rtm))) return NL_PARSE_MALFORMED;
    memcpy(&rtm, p, sizeof(rtm));
    memset(&item, 0, sizeof(item));
    if (!family_info(rtm.rtm_family, &item.u.route.family, &alen, &maxlen)) return 0;
    if (rtm.rtm_dst_len > maxlen) return NL_PARSE_MALFORMED;
    if ((r = parse_attrs(p + NLMSG_ALIGN(sizeof(rtm)), len - NLMSG_ALIGN(sizeof(rtm)), &tb))) return r;

    /* Cached clones (IPv6 exceptions, PMTU entries) are not routes anyone added. */
    if (rtm.rtm_flags & RTM_F_CLONED) return 0;
    /* rtm_table holds 8 bits; tables past 255 (VRFs) are only in RTA_TABLE. */
    if ((r = attr_u32(&tb, RTA_TABLE, &table)) < 0) return r;
    if (!r) table = rtm.rtm_table;
    /* Windows lists in one table what Linux splits in two: besides the forwarding routes (Linux's main table) it
     * shows, on each interface, the host route of every address (127.0.0.1/32 and 127.0.0.0/8 on loopback), the
     * subnet broadcast addresses and IPv6's ff00::/8, all with an unspecified next hop.  Linux keeps exactly
     * these in its local table, as RTN_LOCAL, RTN_BROADCAST and RTN_MULTICAST entries of the interface.  Its
     * local anycast entries (an IPv6 subnet's router anycast address) have no Windows row, nor have routes of
     * other tables (policy routing, VRFs): Windows has no such tables.  The main table's address-like entries
     * (a multicast route added by hand) are not forwarding routes either. */
    if (table == RT_TABLE_LOCAL)
    {
        if (rtm.rtm_type != RTN_LOCAL && rtm.rtm_type != RTN_BROADCAST && rtm.rtm_type != RTN_MULTICAST) return 0;
    }
    else if (table != RT_TABLE_MAIN) return 0;
    else switch (rtm.rtm_type)
    {
    case RTN_LOCAL: case RTN_BROADCAST: case RTN_ANYCAST: case RTN_MULTICAST:
        return 0;
    }

    item.type = WN_WIRE_ROUTE;
    item.op = op;
    item.replace = op == WN_WIRE_OP_ADD && (nlflags & NLM_F_REPLACE);
    item.u.route.dst_len = rtm.rtm_dst_len;
    item.u.route.protocol = rtm.rtm_protocol;
    item.u.route.type = rtm.rtm_type;
    item.u.route.scope = rtm.rtm_scope;
    item.u.route.table = table;
    if ((r = attr_bytes(&tb, RTA_DST, item.u.route.dst, alen)) < 0) return r;
    if (!r && rtm.rtm_dst_len) return NL_PARSE_MALFORMED;
    if ((r = attr_u32(&tb, RTA_PRIORITY, &item.u.route.metric)) < 0) return r;

    if (tb.data[RTA_MULTIPATH])
    {
        /* Check every hop before reporting any, so a bad hop reports nothing. */
        if ((r = walk_nexthops(tb.data[RTA_MULTIPATH], tb.len[RTA_MULTIPATH], alen, &item, NULL, NULL))) return r;
        return walk_nexthops(tb.data[RTA_MULTIPATH], tb.len[RTA_MULTIPATH], alen, &item, fn, ctx);
    }
    if ((r = attr_bytes(&tb, RTA_GATEWAY, item.u.route.gateway, alen)) < 0) return r;
    if ((r = attr_u32(&tb, RTA_OIF, &item.u.route.oif)) < 0) return r;
    return fn(ctx, &item);
}

/* IPv4 multicast and limited broadcast, IPv6 multicast. */
static int multicast(uint8_t family, const uint8_t *a)
{
    if (family == 6) return a[0] == 0xff;
    return (a[0] & 0xf0) == 0xe0 || (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255);
}

static int unspecified(const uint8_t *a, size_t len)
{
    while (len--)
        if (*a++) return 0;
    return 1;
}

static int parse_neigh(const uint8_t *p, size_t len, uint16_t op, nl_item_fn fn, void *ctx)
{
    struct ndmsg ndm;
    struct nda_cacheinfo ci;
    struct nl_item item;
    struct attrs tb;
    unsigned int maxlen;
    size_t alen;
    int r;

    if (len < NLMSG_ALIGN(sizeof(ndm))) return NL_PARSE_MALFORMED;
    memcpy(&ndm, p, sizeof(ndm));
    memset(&item, 0, sizeof(item));
    /* Bridge forwarding entries (AF_BRIDGE) share these messages. */
    if (!family_info(ndm.ndm_family, &item.u.neigh.family, &alen, &maxlen)) return 0;
    if (ndm.ndm_ifindex <= 0) return NL_PARSE_MALFORMED;
    /* Proxy entries answer for others; Windows' neighbour table has no such thing. */
    if (ndm.ndm_flags & NTF_PROXY) return 0;
    if ((r = parse_attrs(p + NLMSG_ALIGN(sizeof(ndm)), len - NLMSG_ALIGN(sizeof(ndm)), &tb))) return r;
    if ((r = attr_bytes(&tb, NDA_DST, item.u.neigh.addr, alen)) < 0) return r;
    if (!r) return NL_PARSE_MALFORMED;

    /* Entries the kernel makes without a word: those it maps by rule instead of asking the link (NOARP: multicast
     * and broadcast addresses, anything on loopback and point-to-point links; `ip neigh` hides them too), and
     * fresh ones no lookup has used yet (NONE).  Only what the kernel reports can be kept exact.  A deletion
     * always counts, whatever state the entry died in. */
    if (multicast(item.u.neigh.family, item.u.neigh.addr)) return 0;
    /* Loopback and point-to-point links key their one entry by the unspecified address: no neighbour's. */
    if (unspecified(item.u.neigh.addr, alen)) return 0;
    if ((ndm.ndm_state == NUD_NONE || (ndm.ndm_state & NUD_NOARP)) && op != WN_WIRE_OP_DEL) return 0;

    item.type = WN_WIRE_NEIGH;
    item.op = op;
    item.u.neigh.ifindex = (uint32_t)ndm.ndm_ifindex;
    item.u.neigh.state = ndm.ndm_state;
    item.u.neigh.flags = ndm.ndm_flags;
    item.u.neigh.type = ndm.ndm_type;
    if (tb.data[NDA_LLADDR])
    {
        if (tb.len[NDA_LLADDR] > sizeof(item.u.neigh.lladdr)) return NL_PARSE_MALFORMED;
        item.u.neigh.lladdr_len = (uint8_t)tb.len[NDA_LLADDR];
        memcpy(item.u.neigh.lladdr, tb.data[NDA_LLADDR], tb.len[NDA_LLADDR]);
    }
    if ((r = attr_bytes(&tb, NDA_CACHEINFO, &ci, sizeof(ci))) < 0) return r;
    if (r)
    {
        item.u.neigh.confirmed = ci.ndm_confirmed;
        item.u.neigh.updated = ci.ndm_updated;
    }
    return fn(ctx, &item);
}

static int parse_netconf(const uint8_t *p, size_t len, nl_item_fn fn, void *ctx)
{
    struct netconfmsg ncm;
    struct nl_item item;
    struct attrs tb;
    size_t alen;
    unsigned int maxlen;
    uint32_t value;
    int r;

    if (len < sizeof(ncm)) return NL_PARSE_MALFORMED;
    memcpy(&ncm, p, sizeof(ncm));
    memset(&item, 0, sizeof(item));
    if (!family_info(ncm.ncm_family, &item.u.netconf.family, &alen, &maxlen)) return 0;
    /* The one-byte header is padded to four; a message without attributes may end before the pad. */
    if (len < NLMSG_ALIGN(sizeof(ncm))) return 0;
    if (parse_attrs(p + NLMSG_ALIGN(sizeof(ncm)), len - NLMSG_ALIGN(sizeof(ncm)), &tb)) return NL_PARSE_MALFORMED;
    item.type = NL_ITEM_NETCONF;
    item.op = WN_WIRE_OP_ADD;
    if ((r = attr_u32(&tb, NETCONFA_IFINDEX, &value)) <= 0) return r;   /* about no link at all: nothing */
    item.u.netconf.ifindex = (int32_t)value;
    item.u.netconf.forwarding = -1;
    if ((r = attr_u32(&tb, NETCONFA_FORWARDING, &value)) < 0) return r;
    if (r) item.u.netconf.forwarding = value ? 1 : 0;
    return fn(ctx, &item);
}

/* Multicast memberships and anycast addresses: dump replies come as RTM_GETMULTICAST and RTM_GETANYCAST, and
 * kernels from 6.11 announce changes as RTM_NEW/DELMULTICAST and RTM_NEW/DELANYCAST (numbers newer than many
 * build machines' headers). */
#define NL_NEWMULTICAST 56
#define NL_DELMULTICAST 57
#define NL_NEWANYCAST 60
#define NL_DELANYCAST 61

static int parse_maddr(const uint8_t *p, size_t len, uint16_t op, uint8_t kind, nl_item_fn fn, void *ctx)
{
    struct ifaddrmsg ifa;
    struct nl_item item;
    struct attrs tb;
    unsigned int maxlen;
    size_t alen;
    int r;

    if (len < NLMSG_ALIGN(sizeof(ifa))) return NL_PARSE_MALFORMED;
    memcpy(&ifa, p, sizeof(ifa));
    memset(&item, 0, sizeof(item));
    if (!family_info(ifa.ifa_family, &item.u.maddr.family, &alen, &maxlen)) return 0;
    if (!ifa.ifa_index) return NL_PARSE_MALFORMED;
    if ((r = parse_attrs(p + NLMSG_ALIGN(sizeof(ifa)), len - NLMSG_ALIGN(sizeof(ifa)), &tb))) return r;
    item.type = WN_WIRE_MADDR;
    item.op = op;
    item.u.maddr.ifindex = ifa.ifa_index;
    item.u.maddr.kind = kind;
    if ((r = attr_bytes(&tb, kind == WN_MADDR_MULTICAST ? IFA_MULTICAST : IFA_ANYCAST, item.u.maddr.addr, alen)) <= 0)
        return r ? r : NL_PARSE_MALFORMED;
    return fn(ctx, &item);
}

/* RTM_NEWNEIGHTBL: a neighbour table (family AF_INET: ARP, AF_INET6: neighbour discovery) and its parameters;
 * the table's own message has no NDTPA_IFINDEX (its defaults), each link's has its index. */
static int parse_neightbl(const uint8_t *p, size_t len, nl_item_fn fn, void *ctx)
{
    struct ndtmsg ndtm;
    struct nl_item item;
    struct attrs tb, parms;
    size_t alen;
    unsigned int maxlen;
    uint32_t ifindex;
    uint64_t ms;
    int r;

    if (len < NLMSG_ALIGN(sizeof(ndtm))) return NL_PARSE_MALFORMED;
    memcpy(&ndtm, p, sizeof(ndtm));
    memset(&item, 0, sizeof(item));
    if (!family_info(ndtm.ndtm_family, &item.u.neigh_parms.family, &alen, &maxlen)) return 0;
    if ((r = parse_attrs(p + NLMSG_ALIGN(sizeof(ndtm)), len - NLMSG_ALIGN(sizeof(ndtm)), &tb))) return r;
    if (!tb.data[NDTA_PARMS]) return 0;
    if ((r = parse_attrs(tb.data[NDTA_PARMS], tb.len[NDTA_PARMS], &parms))) return r;
    if ((r = attr_u32(&parms, NDTPA_IFINDEX, &ifindex)) <= 0) return r;
    if (!ifindex) return 0;   /* the table's defaults for new links */
    item.type = NL_ITEM_NEIGH_PARMS;
    item.op = WN_WIRE_OP_ADD;
    item.u.neigh_parms.ifindex = ifindex;
    /* Milliseconds in 64 bits; Windows' fields have 32 (49 days), and the kernel caps them far below. */
    if ((r = attr_u64(&parms, NDTPA_BASE_REACHABLE_TIME, &ms)) < 0) return r;
    if (r) item.u.neigh_parms.reachable_ms = ms > 0xffffffffu ? 0xffffffffu : (uint32_t)ms;
    if ((r = attr_u64(&parms, NDTPA_RETRANS_TIME, &ms)) < 0) return r;
    if (r) item.u.neigh_parms.retrans_ms = ms > 0xffffffffu ? 0xffffffffu : (uint32_t)ms;
    return fn(ctx, &item);
}

int nl_parse(const void *msg, size_t len, nl_item_fn fn, void *ctx)
{
    const uint8_t *p = msg;
    struct nlmsghdr nlh;
    size_t plen;

    if (len < sizeof(nlh)) return NL_PARSE_MALFORMED;
    memcpy(&nlh, p, sizeof(nlh));
    if (nlh.nlmsg_len < NLMSG_HDRLEN || nlh.nlmsg_len > len) return NL_PARSE_MALFORMED;
    p += NLMSG_HDRLEN;
    plen = nlh.nlmsg_len - NLMSG_HDRLEN;

    switch (nlh.nlmsg_type)
    {
    case RTM_NEWLINK: return parse_link(p, plen, WN_WIRE_OP_ADD, fn, ctx);
    case RTM_DELLINK: return parse_link(p, plen, WN_WIRE_OP_DEL, fn, ctx);
    case RTM_NEWADDR: return parse_addr(p, plen, WN_WIRE_OP_ADD, fn, ctx);
    case RTM_DELADDR: return parse_addr(p, plen, WN_WIRE_OP_DEL, fn, ctx);
    case RTM_NEWROUTE: return parse_route(p, plen, WN_WIRE_OP_ADD, nlh.nlmsg_flags, fn, ctx);
    case RTM_DELROUTE: return parse_route(p, plen, WN_WIRE_OP_DEL, nlh.nlmsg_flags, fn, ctx);
    case RTM_NEWNEIGH: return parse_neigh(p, plen, WN_WIRE_OP_ADD, fn, ctx);
    case RTM_DELNEIGH: return parse_neigh(p, plen, WN_WIRE_OP_DEL, fn, ctx);
    case RTM_NEWNETCONF: return parse_netconf(p, plen, fn, ctx);
    case RTM_NEWNEIGHTBL: return parse_neightbl(p, plen, fn, ctx);
    case RTM_GETMULTICAST:
    case NL_NEWMULTICAST: return parse_maddr(p, plen, WN_WIRE_OP_ADD, WN_MADDR_MULTICAST, fn, ctx);
    case NL_DELMULTICAST: return parse_maddr(p, plen, WN_WIRE_OP_DEL, WN_MADDR_MULTICAST, fn, ctx);
    case RTM_GETANYCAST:
    case NL_NEWANYCAST: return parse_maddr(p, plen, WN_WIRE_OP_ADD, WN_MADDR_ANYCAST, fn, ctx);
    case NL_DELANYCAST: return parse_maddr(p, plen, WN_WIRE_OP_DEL, WN_MADDR_ANYCAST, fn, ctx);
    }
    return 0;
}
