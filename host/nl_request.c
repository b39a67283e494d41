/* Change requests: validation and message building (see nl_request.h). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "nl_request.h"

#define FOREVER 0xffffffffu

struct msg
{
    uint8_t *buf;
    size_t len;
};

static void put(struct msg *m, const void *data, size_t len)
{
    memcpy(m->buf + m->len, data, len);
    m->len += NLMSG_ALIGN(len);
}

static void put_attr(struct msg *m, uint16_t type, const void *data, size_t len)
{
    struct rtattr rta;

    rta.rta_len = (unsigned short)RTA_LENGTH(len);
    rta.rta_type = type;
    memcpy(m->buf + m->len, &rta, sizeof(rta));
    memcpy(m->buf + m->len + RTA_LENGTH(0), data, len);
    m->len += RTA_ALIGN(rta.rta_len);
}

static void begin(struct msg *m, uint8_t *buf, uint16_t type, uint16_t flags, uint32_t seq)
{
    struct nlmsghdr nlh;

    memset(buf, 0, NL_REQUEST_MAX);
    memset(&nlh, 0, sizeof(nlh));
    nlh.nlmsg_type = type;
    nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    nlh.nlmsg_seq = seq;
    m->buf = buf;
    m->len = 0;
    put(m, &nlh, sizeof(nlh));
}

static size_t end(struct msg *m)
{
    uint32_t len = (uint32_t)m->len;

    memcpy(m->buf + offsetof(struct nlmsghdr, nlmsg_len), &len, sizeof(len));
    return m->len;
}

static size_t addr_size(uint8_t family)
{
    return family == 4 ? 4 : 16;
}

static int all_zero(const uint8_t *p, size_t len)
{
    while (len--) if (*p++) return 0;
    return 1;
}

/* An address a host may own: not unspecified, not multicast, not the IPv4 limited broadcast. */
static int unicast(uint8_t family, const uint8_t *a)
{
    static const uint8_t broadcast[4] = { 255, 255, 255, 255 };

    if (all_zero(a, addr_size(family))) return 0;
    if (family == 4) return (a[0] & 0xf0) != 0xe0 && memcmp(a, broadcast, 4);
    return a[0] != 0xff;
}

/* No bit set past the prefix: the kernel would refuse it for IPv4 and silently mask it for IPv6. */
static int prefix_clean(const uint8_t *a, size_t size, unsigned int len)
{
    size_t byte = len / 8;

    if (len % 8 && (a[byte++] & (0xff >> (len % 8)))) return 0;
    return all_zero(a + byte, size - byte);
}

static int family_ok(uint8_t family, unsigned int len)
{
    return (family == 4 && len <= 32) || (family == 6 && len <= 128);
}

size_t nl_request_addr(uint8_t *buf, uint16_t op, const struct wn_wire_addr *a, uint32_t seq)
{
    struct ifaddrmsg ifa;
    struct msg m;
    size_t size;

    if ((op != WN_WIRE_OP_ADD && op != WN_WIRE_OP_CHANGE && op != WN_WIRE_OP_DEL)
        || !family_ok(a->family, a->prefixlen)) return 0;
    if (!a->ifindex || a->scope || a->reserved || a->flags || a->stamp) return 0;
    size = addr_size(a->family);
    if (!unicast(a->family, a->addr) || !all_zero(a->addr + size, sizeof(a->addr) - size)) return 0;
    if (op != WN_WIRE_OP_DEL && a->valid_lft < a->preferred_lft) return 0;

    if (op == WN_WIRE_OP_ADD) begin(&m, buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, seq);
    /* A change replaces the lifetimes of the address with that key.  The kernel would create the address if it
     * were not there (it ignores a missing NLM_F_CREATE for addresses): the DLL asks only for one in its view. */
    else if (op == WN_WIRE_OP_CHANGE) begin(&m, buf, RTM_NEWADDR, NLM_F_REPLACE, seq);
    else begin(&m, buf, RTM_DELADDR, 0, seq);
    memset(&ifa, 0, sizeof(ifa));
    ifa.ifa_family = a->family == 4 ? AF_INET : AF_INET6;
    ifa.ifa_prefixlen = a->prefixlen;
    ifa.ifa_index = a->ifindex;
    put(&m, &ifa, sizeof(ifa));
    /* Both, as for a link that is not point-to-point: IPv4 matches a delete on IFA_LOCAL, IPv6 on IFA_ADDRESS. */
    put_attr(&m, IFA_LOCAL, a->addr, size);
    put_attr(&m, IFA_ADDRESS, a->addr, size);
    if (op == WN_WIRE_OP_CHANGE || (op == WN_WIRE_OP_ADD && (a->valid_lft != FOREVER || a->preferred_lft != FOREVER)))
    {
        struct ifa_cacheinfo ci;

        memset(&ci, 0, sizeof(ci));
        ci.ifa_prefered = a->preferred_lft;
        ci.ifa_valid = a->valid_lft;
        put_attr(&m, IFA_CACHEINFO, &ci, sizeof(ci));
    }
    return end(&m);
}

size_t nl_request_route(uint8_t *buf, uint16_t op, const struct wn_wire_route *r, uint32_t seq)
{
    struct rtmsg rtm;
    struct msg m;
    size_t size;
    int on_link;

    if ((op != WN_WIRE_OP_ADD && op != WN_WIRE_OP_DEL) || !family_ok(r->family, r->dst_len)) return 0;
    if (!r->oif || r->protocol || r->type || r->scope || r->table || !all_zero(r->reserved, sizeof(r->reserved)))
        return 0;
    size = addr_size(r->family);
    if (!prefix_clean(r->dst, size, r->dst_len) || !all_zero(r->dst + size, sizeof(r->dst) - size)) return 0;
    if (!all_zero(r->gateway + size, sizeof(r->gateway) - size)) return 0;
    on_link = all_zero(r->gateway, size);
    if (!on_link && !unicast(r->family, r->gateway)) return 0;

    if (op == WN_WIRE_OP_ADD) begin(&m, buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, seq);
    else begin(&m, buf, RTM_DELROUTE, 0, seq);
    memset(&rtm, 0, sizeof(rtm));
    rtm.rtm_family = r->family == 4 ? AF_INET : AF_INET6;
    rtm.rtm_dst_len = r->dst_len;
    rtm.rtm_table = RT_TABLE_MAIN;
    if (op == WN_WIRE_OP_ADD)
    {
        rtm.rtm_protocol = RTPROT_STATIC;
        rtm.rtm_type = RTN_UNICAST;
        rtm.rtm_scope = on_link ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
    }
    else rtm.rtm_scope = RT_SCOPE_NOWHERE;   /* any scope, any protocol: the key is what follows */
    put(&m, &rtm, sizeof(rtm));
    if (r->dst_len) put_attr(&m, RTA_DST, r->dst, size);
    if (!on_link) put_attr(&m, RTA_GATEWAY, r->gateway, size);
    put_attr(&m, RTA_OIF, &r->oif, sizeof(r->oif));
    put_attr(&m, RTA_PRIORITY, &r->metric, sizeof(r->metric));
    return end(&m);
}

size_t nl_request_neigh(uint8_t *buf, uint16_t op, const struct wn_wire_neigh *n, uint32_t seq)
{
    struct ndmsg ndm;
    struct msg m;
    size_t size;
    int resolve = 0;

    if (op != WN_WIRE_OP_ADD && op != WN_WIRE_OP_CHANGE && op != WN_WIRE_OP_DEL) return 0;
    /* The kernel's index is a signed int. */
    if ((n->family != 4 && n->family != 6) || !n->ifindex || n->ifindex > 0x7fffffffu) return 0;
    if (n->flags || n->type || !all_zero(n->reserved, sizeof(n->reserved)) || n->confirmed || n->updated) return 0;
    size = addr_size(n->family);
    if (!unicast(n->family, n->addr) || !all_zero(n->addr + size, sizeof(n->addr) - size)) return 0;
    if (n->lladdr_len > sizeof(n->lladdr) || !all_zero(n->lladdr + n->lladdr_len, sizeof(n->lladdr) - n->lladdr_len))
        return 0;
    if (op == WN_WIRE_OP_DEL)
    {
        if (n->lladdr_len || n->state) return 0;
    }
    else if (!n->lladdr_len)
    {
        /* No link-layer address: only a request to resolve the address. */
        if (op != WN_WIRE_OP_CHANGE || n->state != NUD_NONE) return 0;
        resolve = 1;
    }
    else if (n->state != NUD_PERMANENT && n->state != NUD_REACHABLE && n->state != NUD_STALE)
        return 0;

    if (op == WN_WIRE_OP_DEL) begin(&m, buf, RTM_DELNEIGH, 0, seq);
    else begin(&m, buf, RTM_NEWNEIGH, NLM_F_CREATE | (op == WN_WIRE_OP_ADD ? NLM_F_EXCL : NLM_F_REPLACE), seq);
    memset(&ndm, 0, sizeof(ndm));
    ndm.ndm_family = n->family == 4 ? AF_INET : AF_INET6;
    ndm.ndm_ifindex = (int)n->ifindex;
    ndm.ndm_state = n->state;
    /* NTF_USE makes the kernel send a solicitation for the entry, as traffic to it would. */
    if (resolve) ndm.ndm_flags = NTF_USE;
    put(&m, &ndm, sizeof(ndm));
    put_attr(&m, NDA_DST, n->addr, size);
    if (n->lladdr_len) put_attr(&m, NDA_LLADDR, n->lladdr, n->lladdr_len);
    return end(&m);
}

uint32_t nl_request_link_check(const struct wn_wire_set_link *s)
{
    uint32_t f = s->fields;

    if (!s->ifindex || (s->family != 4 && s->family != 6) || !all_zero(s->reserved, sizeof(s->reserved)))
        return WN_RESULT_INVALID;
    if (!f || (f & ~WN_SET_LINK_ALL)) return WN_RESULT_INVALID;
    /* 68: RFC 791's minimum, which the kernel keeps for IPv4; 1280: RFC 8200's for IPv6. */
    if ((f & WN_SET_LINK_MTU) && (s->mtu < (s->family == 4 ? 68u : 1280u) || s->mtu > 65535)) return WN_RESULT_INVALID;
    if ((f & WN_SET_LINK_FORWARDING) && s->forwarding > 1) return WN_RESULT_INVALID;
    /* Linux probes only IPv6 addresses and takes router advertisements only for IPv6. */
    if ((f & (WN_SET_LINK_DAD_TRANSMITS | WN_SET_LINK_ACCEPT_RA)) && s->family != 6) return WN_RESULT_INVALID;
    if ((f & WN_SET_LINK_DAD_TRANSMITS) && s->dad_transmits > 255) return WN_RESULT_INVALID;
    if ((f & WN_SET_LINK_ACCEPT_RA) && s->accept_ra > 2) return WN_RESULT_INVALID;
    if ((f & WN_SET_LINK_REACHABLE) && (!s->reachable_ms || s->reachable_ms > 3600000)) return WN_RESULT_INVALID;
    if ((f & WN_SET_LINK_RETRANS) && (!s->retrans_ms || s->retrans_ms > 3600000)) return WN_RESULT_INVALID;
    return WN_RESULT_OK;
}

size_t nl_request_link_mtu(uint8_t *buf, uint32_t ifindex, uint32_t mtu, uint32_t seq)
{
    struct ifinfomsg ifi;
    struct msg m;

    if (!ifindex || ifindex > 0x7fffffffu || mtu < 68 || mtu > 65535) return 0;
    begin(&m, buf, RTM_SETLINK, 0, seq);
    memset(&ifi, 0, sizeof(ifi));
    ifi.ifi_family = AF_UNSPEC;
    ifi.ifi_index = (int)ifindex;
    put(&m, &ifi, sizeof(ifi));
    put_attr(&m, IFLA_MTU, &mtu, sizeof(mtu));
    return end(&m);
}

/* A link name that names one file under /proc/sys/net: what the kernel allows in a name (no '/', not "." or
 * ".."), which the helper got from the kernel itself; checked again rather than trusted into a path. */
static int name_ok(const char *name)
{
    size_t len = strnlen(name, 16);

    if (!len || len >= 16 || strchr(name, '/')) return 0;
    return strcmp(name, ".") && strcmp(name, "..");
}

int nl_request_sysctl(const struct wn_wire_set_link *s, uint32_t field, const char *name, char *path,
                      size_t path_size, char *value, size_t value_size)
{
    const char *dir = "conf", *file;
    uint32_t v;
    int n;

    if (nl_request_link_check(s) || !(s->fields & field) || !name_ok(name)) return 0;
    switch (field)
    {
    case WN_SET_LINK_MTU:
        if (s->family != 6) return 0;   /* IPv4's is the link's: RTM_SETLINK */
        file = "mtu"; v = s->mtu; break;
    case WN_SET_LINK_FORWARDING: file = "forwarding"; v = s->forwarding; break;
    case WN_SET_LINK_DAD_TRANSMITS: file = "dad_transmits"; v = s->dad_transmits; break;
    case WN_SET_LINK_ACCEPT_RA: file = "accept_ra"; v = s->accept_ra; break;
    case WN_SET_LINK_REACHABLE: dir = "neigh"; file = "base_reachable_time_ms"; v = s->reachable_ms; break;
    case WN_SET_LINK_RETRANS: dir = "neigh"; file = "retrans_time_ms"; v = s->retrans_ms; break;
    default: return 0;
    }
    n = snprintf(path, path_size, "/proc/sys/net/ipv%u/%s/%s/%s", s->family, dir, name, file);
    if (n < 0 || (size_t)n >= path_size) return 0;
    n = snprintf(value, value_size, "%u\n", v);
    return n > 0 && (size_t)n < value_size;
}

uint32_t nl_request_result(int err)
{
    switch (err)
    {
    case 0: return WN_RESULT_OK;
    case EPERM:
    case EACCES: return WN_RESULT_ACCESS_DENIED;
    case ENODEV:
    case ESRCH:
    case ENOENT:
    case EADDRNOTAVAIL: return WN_RESULT_NOT_FOUND;
    case EEXIST: return WN_RESULT_EXISTS;
    case EINVAL:
    case ERANGE:
    case ENETUNREACH:
    case EHOSTUNREACH: return WN_RESULT_INVALID;
    case EAFNOSUPPORT:
    case EOPNOTSUPP:
    case EPROTONOSUPPORT: return WN_RESULT_NOT_SUPPORTED;
    }
    return WN_RESULT_FAILED;
}
