/* Change requests: the rules of wire.h, the messages built for the kernel, and, as root in a private network
 * namespace, what the kernel answers to them (the results the DLL turns into Windows errors). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "netlink.h"
#include "output.h"
#include "nl_request.h"
#include "unit.h"

static struct wn_wire_addr make_addr(int family, const char *text, uint8_t prefixlen, uint32_t ifindex)
{
    struct wn_wire_addr a;

    memset(&a, 0, sizeof(a));
    a.family = (uint8_t)family;
    a.prefixlen = prefixlen;
    a.ifindex = ifindex;
    a.preferred_lft = a.valid_lft = 0xffffffff;
    CU_ASSERT_FATAL(inet_pton(family == 4 ? AF_INET : AF_INET6, text, a.addr) == 1);
    return a;
}

static struct wn_wire_route make_route(int family, const char *dst, uint8_t len, const char *gw, uint32_t oif)
{
    struct wn_wire_route r;
    int af = family == 4 ? AF_INET : AF_INET6;

    memset(&r, 0, sizeof(r));
    r.family = (uint8_t)family;
    r.dst_len = len;
    r.oif = oif;
    CU_ASSERT_FATAL(inet_pton(af, dst, r.dst) == 1);
    if (gw) CU_ASSERT_FATAL(inet_pton(af, gw, r.gateway) == 1);
    return r;
}

/* Finds attribute type in the message's attributes (after a body of body_size); its payload, or NULL. */
static const void *find_attr(const uint8_t *msg, size_t len, size_t body_size, uint16_t type, size_t *payload)
{
    const struct nlmsghdr *nlh = (const void *)msg;
    const struct rtattr *rta = (const void *)(msg + NLMSG_SPACE(body_size));
    int left = (int)(len - NLMSG_SPACE(body_size));

    CU_ASSERT_EQUAL(nlh->nlmsg_len, len);
    for (; RTA_OK(rta, left); rta = RTA_NEXT(rta, left))
    {
        if (rta->rta_type != type) continue;
        *payload = RTA_PAYLOAD(rta);
        return RTA_DATA(rta);
    }
    return NULL;
}

static void test_addr_message(void)
{
    uint8_t buf[NL_REQUEST_MAX];
    struct wn_wire_addr a = make_addr(4, "10.1.2.3", 24, 7);
    const struct nlmsghdr *nlh = (const void *)buf;
    const struct ifaddrmsg *ifa = NLMSG_DATA(nlh);
    size_t len, n;
    const uint8_t *p;

    len = nl_request_addr(buf, WN_WIRE_OP_ADD, &a, 42);
    CU_ASSERT_FATAL(len > 0 && len <= NL_REQUEST_MAX);
    CU_ASSERT_EQUAL(nlh->nlmsg_type, RTM_NEWADDR);
    CU_ASSERT_EQUAL(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
    CU_ASSERT_EQUAL(nlh->nlmsg_seq, 42);
    CU_ASSERT_EQUAL(ifa->ifa_family, AF_INET);
    CU_ASSERT_EQUAL(ifa->ifa_prefixlen, 24);
    CU_ASSERT_EQUAL(ifa->ifa_index, 7);
    p = find_attr(buf, len, sizeof(*ifa), IFA_LOCAL, &n);
    CU_ASSERT_TRUE(p && n == 4 && !memcmp(p, a.addr, 4));
    CU_ASSERT_PTR_NULL(find_attr(buf, len, sizeof(*ifa), IFA_CACHEINFO, &n));

    /* Finite lifetimes travel as cache info. */
    a.valid_lft = 300;
    a.preferred_lft = 100;
    len = nl_request_addr(buf, WN_WIRE_OP_ADD, &a, 43);
    p = find_attr(buf, len, sizeof(*ifa), IFA_CACHEINFO, &n);
    CU_ASSERT_FATAL(p && n == sizeof(struct ifa_cacheinfo));
    CU_ASSERT_EQUAL(((const struct ifa_cacheinfo *)p)->ifa_valid, 300);
    CU_ASSERT_EQUAL(((const struct ifa_cacheinfo *)p)->ifa_prefered, 100);

    a = make_addr(6, "fd00::5", 64, 3);
    len = nl_request_addr(buf, WN_WIRE_OP_DEL, &a, 44);
    CU_ASSERT_EQUAL(nlh->nlmsg_type, RTM_DELADDR);
    CU_ASSERT_EQUAL(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
    CU_ASSERT_EQUAL(ifa->ifa_family, AF_INET6);
    p = find_attr(buf, len, sizeof(*ifa), IFA_ADDRESS, &n);
    CU_ASSERT_TRUE(p && n == 16 && !memcmp(p, a.addr, 16));
}

static void test_addr_rules(void)
{
    static const struct { int family; const char *text; uint8_t len; } bad[] =
    {
        { 4, "0.0.0.0", 24 }, { 4, "224.0.0.1", 24 }, { 4, "239.1.1.1", 8 }, { 4, "255.255.255.255", 32 },
        { 6, "::", 64 }, { 6, "ff02::1", 64 },
    };
    uint8_t buf[NL_REQUEST_MAX];
    struct wn_wire_addr a;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
        a = make_addr(bad[i].family, bad[i].text, bad[i].len, 1);
        CU_ASSERT_EQUAL(nl_request_addr(buf, WN_WIRE_OP_ADD, &a, 1), 0);
    }
    a = make_addr(4, "10.0.0.1", 33, 1);
    CU_ASSERT_EQUAL(nl_request_addr(buf, WN_WIRE_OP_ADD, &a, 1), 0);
    a = make_addr(4, "10.0.0.1", 8, 0);                  /* no interface */
    CU_ASSERT_EQUAL(nl_request_addr(buf, WN_WIRE_OP_ADD, &a, 1), 0);
    a = make_addr(4, "10.0.0.1", 8, 1);
    a.addr[4] = 1;                                       /* bytes past an IPv4 address */
    CU_ASSERT_EQUAL(nl_request_addr(buf, WN_WIRE_OP_ADD, &a, 1), 0);
    a = make_addr(4, "10.0.0.1", 8, 1);
    a.flags = IFA_F_NODAD;                               /* flags are the helper's to choose */
    CU_ASSERT_EQUAL(nl_request_addr(buf, WN_WIRE_OP_ADD, &a, 1), 0);
    a = make_addr(4, "10.0.0.1", 8, 1);
    a.stamp = 5;                                         /* the helper's own, in its records only */
    CU_ASSERT_EQUAL(nl_request_addr(buf, WN_WIRE_OP_CHANGE, &a, 1), 0);
    a = make_addr(4, "10.0.0.1", 8, 1);
    a.preferred_lft = 10;
    a.valid_lft = 5;                                     /* preferred outlives valid */
    CU_ASSERT_EQUAL(nl_request_addr(buf, WN_WIRE_OP_ADD, &a, 1), 0);
    CU_ASSERT_NOT_EQUAL(nl_request_addr(buf, WN_WIRE_OP_DEL, &a, 1), 0);  /* lifetimes do not matter */
    CU_ASSERT_EQUAL(nl_request_addr(buf, WN_WIRE_OP_CHANGE, &a, 1), 0);
}

static void test_route_message(void)
{
    uint8_t buf[NL_REQUEST_MAX];
    struct wn_wire_route r = make_route(4, "10.8.0.0", 16, NULL, 5);
    const struct nlmsghdr *nlh = (const void *)buf;
    const struct rtmsg *rtm = NLMSG_DATA(nlh);
    size_t len, n;
    const uint8_t *p;

    r.metric = 7;
    len = nl_request_route(buf, WN_WIRE_OP_ADD, &r, 9);
    CU_ASSERT_FATAL(len > 0 && len <= NL_REQUEST_MAX);
    CU_ASSERT_EQUAL(nlh->nlmsg_type, RTM_NEWROUTE);
    CU_ASSERT_EQUAL(rtm->rtm_table, RT_TABLE_MAIN);
    CU_ASSERT_EQUAL(rtm->rtm_protocol, RTPROT_STATIC);
    CU_ASSERT_EQUAL(rtm->rtm_type, RTN_UNICAST);
    CU_ASSERT_EQUAL(rtm->rtm_scope, RT_SCOPE_LINK);
    CU_ASSERT_EQUAL(rtm->rtm_dst_len, 16);
    p = find_attr(buf, len, sizeof(*rtm), RTA_DST, &n);
    CU_ASSERT_TRUE(p && n == 4 && !memcmp(p, r.dst, 4));
    CU_ASSERT_PTR_NULL(find_attr(buf, len, sizeof(*rtm), RTA_GATEWAY, &n));
    p = find_attr(buf, len, sizeof(*rtm), RTA_PRIORITY, &n);
    CU_ASSERT_TRUE(p && n == 4 && !memcmp(p, &r.metric, 4));
    p = find_attr(buf, len, sizeof(*rtm), RTA_OIF, &n);
    CU_ASSERT_TRUE(p && n == 4 && !memcmp(p, &r.oif, 4));

    /* A default route through a gateway: no destination attribute, universe scope. */
    r = make_route(6, "::", 0, "fd00::1", 5);
    len = nl_request_route(buf, WN_WIRE_OP_ADD, &r, 10);
    CU_ASSERT_EQUAL(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
    CU_ASSERT_PTR_NULL(find_attr(buf, len, sizeof(*rtm), RTA_DST, &n));
    p = find_attr(buf, len, sizeof(*rtm), RTA_GATEWAY, &n);
    CU_ASSERT_TRUE(p && n == 16 && !memcmp(p, r.gateway, 16));

    /* A delete names the key and leaves scope and protocol open. */
    len = nl_request_route(buf, WN_WIRE_OP_DEL, &r, 11);
    CU_ASSERT_EQUAL(nlh->nlmsg_type, RTM_DELROUTE);
    CU_ASSERT_EQUAL(rtm->rtm_scope, RT_SCOPE_NOWHERE);
    CU_ASSERT_EQUAL(rtm->rtm_protocol, 0);
}

static void test_route_rules(void)
{
    uint8_t buf[NL_REQUEST_MAX];
    struct wn_wire_route r;

    r = make_route(4, "10.8.1.0", 16, NULL, 5);          /* host bits past the prefix */
    CU_ASSERT_EQUAL(nl_request_route(buf, WN_WIRE_OP_ADD, &r, 1), 0);
    r = make_route(6, "fd00::1", 64, NULL, 5);
    CU_ASSERT_EQUAL(nl_request_route(buf, WN_WIRE_OP_ADD, &r, 1), 0);
    r = make_route(4, "10.8.0.0", 16, "224.0.0.1", 5);   /* a multicast gateway */
    CU_ASSERT_EQUAL(nl_request_route(buf, WN_WIRE_OP_ADD, &r, 1), 0);
    r = make_route(4, "10.8.0.0", 16, NULL, 0);          /* no interface */
    CU_ASSERT_EQUAL(nl_request_route(buf, WN_WIRE_OP_ADD, &r, 1), 0);
    r = make_route(4, "10.8.0.0", 16, NULL, 5);
    r.table = 255;                                       /* only the main table */
    CU_ASSERT_EQUAL(nl_request_route(buf, WN_WIRE_OP_ADD, &r, 1), 0);
    r = make_route(4, "10.8.0.0", 16, NULL, 5);
    r.type = RTN_BLACKHOLE;
    CU_ASSERT_EQUAL(nl_request_route(buf, WN_WIRE_OP_ADD, &r, 1), 0);
    r = make_route(4, "10.8.0.0", 16, NULL, 5);
    r.protocol = RTPROT_KERNEL;
    CU_ASSERT_EQUAL(nl_request_route(buf, WN_WIRE_OP_ADD, &r, 1), 0);
    r = make_route(4, "0.0.0.0", 0, NULL, 5);
    CU_ASSERT_NOT_EQUAL(nl_request_route(buf, WN_WIRE_OP_ADD, &r, 1), 0);
}

static struct wn_wire_neigh make_neigh(int family, const char *text, uint32_t ifindex, uint16_t state, int lladdr)
{
    struct wn_wire_neigh n;

    memset(&n, 0, sizeof(n));
    n.family = (uint8_t)family;
    n.ifindex = ifindex;
    n.state = state;
    CU_ASSERT_FATAL(inet_pton(family == 4 ? AF_INET : AF_INET6, text, n.addr) == 1);
    if (lladdr)
    {
        n.lladdr_len = 6;
        memcpy(n.lladdr, "\x02\x00\x5e\x10\x00\x05", 6);
    }
    return n;
}

static void test_neigh_message(void)
{
    uint8_t buf[NL_REQUEST_MAX];
    struct wn_wire_neigh n = make_neigh(4, "10.87.0.5", 4, NUD_PERMANENT, 1);
    const struct nlmsghdr *nlh = (const void *)buf;
    const struct ndmsg *ndm = NLMSG_DATA(nlh);
    size_t len, size;
    const uint8_t *p;

    len = nl_request_neigh(buf, WN_WIRE_OP_ADD, &n, 3);
    CU_ASSERT_FATAL(len > 0 && len <= NL_REQUEST_MAX);
    CU_ASSERT_EQUAL(nlh->nlmsg_type, RTM_NEWNEIGH);
    CU_ASSERT_EQUAL(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
    CU_ASSERT_EQUAL(ndm->ndm_family, AF_INET);
    CU_ASSERT_EQUAL(ndm->ndm_ifindex, 4);
    CU_ASSERT_EQUAL(ndm->ndm_state, NUD_PERMANENT);
    CU_ASSERT_EQUAL(ndm->ndm_flags, 0);
    p = find_attr(buf, len, sizeof(*ndm), NDA_DST, &size);
    CU_ASSERT_TRUE(p && size == 4 && !memcmp(p, n.addr, 4));
    p = find_attr(buf, len, sizeof(*ndm), NDA_LLADDR, &size);
    CU_ASSERT_TRUE(p && size == 6 && !memcmp(p, n.lladdr, 6));

    /* A change replaces or creates. */
    len = nl_request_neigh(buf, WN_WIRE_OP_CHANGE, &n, 4);
    CU_ASSERT_EQUAL(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE);

    /* Resolving: no link-layer address, NTF_USE. */
    n = make_neigh(6, "fd00:87::5", 4, NUD_NONE, 0);
    len = nl_request_neigh(buf, WN_WIRE_OP_CHANGE, &n, 5);
    CU_ASSERT_FATAL(len > 0);
    CU_ASSERT_EQUAL(ndm->ndm_flags, NTF_USE);
    CU_ASSERT_EQUAL(ndm->ndm_family, AF_INET6);
    CU_ASSERT_PTR_NULL(find_attr(buf, len, sizeof(*ndm), NDA_LLADDR, &size));

    /* A delete names the address only. */
    len = nl_request_neigh(buf, WN_WIRE_OP_DEL, &n, 6);
    CU_ASSERT_EQUAL(nlh->nlmsg_type, RTM_DELNEIGH);
    p = find_attr(buf, len, sizeof(*ndm), NDA_DST, &size);
    CU_ASSERT_TRUE(p && size == 16 && !memcmp(p, n.addr, 16));
}

static void test_neigh_rules(void)
{
    uint8_t buf[NL_REQUEST_MAX];
    struct wn_wire_neigh n;

    n = make_neigh(4, "10.87.0.5", 0, NUD_PERMANENT, 1);       /* no interface */
    CU_ASSERT_EQUAL(nl_request_neigh(buf, WN_WIRE_OP_ADD, &n, 1), 0);
    n = make_neigh(4, "224.0.0.5", 4, NUD_PERMANENT, 1);       /* multicast */
    CU_ASSERT_EQUAL(nl_request_neigh(buf, WN_WIRE_OP_ADD, &n, 1), 0);
    n = make_neigh(6, "::", 4, NUD_PERMANENT, 1);              /* unspecified */
    CU_ASSERT_EQUAL(nl_request_neigh(buf, WN_WIRE_OP_ADD, &n, 1), 0);
    n = make_neigh(4, "10.87.0.5", 4, NUD_PERMANENT, 0);       /* ADD without a link-layer address */
    CU_ASSERT_EQUAL(nl_request_neigh(buf, WN_WIRE_OP_ADD, &n, 1), 0);
    n = make_neigh(4, "10.87.0.5", 4, NUD_NONE, 0);            /* resolving is a CHANGE, not an ADD */
    CU_ASSERT_EQUAL(nl_request_neigh(buf, WN_WIRE_OP_ADD, &n, 1), 0);
    n = make_neigh(4, "10.87.0.5", 4, NUD_INCOMPLETE, 1);      /* a state only the kernel sets */
    CU_ASSERT_EQUAL(nl_request_neigh(buf, WN_WIRE_OP_ADD, &n, 1), 0);
    n = make_neigh(4, "10.87.0.5", 4, NUD_PERMANENT, 1);
    n.flags = NTF_ROUTER;                                      /* flags are the helper's */
    CU_ASSERT_EQUAL(nl_request_neigh(buf, WN_WIRE_OP_ADD, &n, 1), 0);
    n = make_neigh(4, "10.87.0.5", 4, NUD_PERMANENT, 1);
    n.confirmed = 1;
    CU_ASSERT_EQUAL(nl_request_neigh(buf, WN_WIRE_OP_ADD, &n, 1), 0);
    n = make_neigh(4, "10.87.0.5", 4, NUD_PERMANENT, 1);
    n.addr[4] = 1;                                             /* bytes past an IPv4 address */
    CU_ASSERT_EQUAL(nl_request_neigh(buf, WN_WIRE_OP_ADD, &n, 1), 0);
    n = make_neigh(4, "10.87.0.5", 4, NUD_PERMANENT, 1);
    n.lladdr[20] = 1;                                          /* bytes past the link-layer address */
    CU_ASSERT_EQUAL(nl_request_neigh(buf, WN_WIRE_OP_ADD, &n, 1), 0);
    n = make_neigh(4, "10.87.0.5", 4, NUD_PERMANENT, 1);       /* a delete carries no address or state */
    CU_ASSERT_EQUAL(nl_request_neigh(buf, WN_WIRE_OP_DEL, &n, 1), 0);
    CU_ASSERT_EQUAL(nl_request_neigh(buf, WN_WIRE_OP_NONE, &n, 1), 0);
    n = make_neigh(4, "10.87.0.5", 4, NUD_STALE, 1);
    CU_ASSERT_NOT_EQUAL(nl_request_neigh(buf, WN_WIRE_OP_ADD, &n, 1), 0);
}

static struct wn_wire_set_link make_link(uint8_t family, uint32_t fields)
{
    struct wn_wire_set_link s;

    memset(&s, 0, sizeof(s));
    s.ifindex = 4;
    s.family = family;
    s.fields = fields;
    s.mtu = family == 4 ? 1400 : 1300;
    s.forwarding = 1;
    s.dad_transmits = 2;
    s.accept_ra = 2;
    s.reachable_ms = 20000;
    s.retrans_ms = 500;
    return s;
}

static void test_link_rules(void)
{
    struct wn_wire_set_link s;

    s = make_link(4, WN_SET_LINK_MTU | WN_SET_LINK_FORWARDING | WN_SET_LINK_REACHABLE | WN_SET_LINK_RETRANS);
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_OK);
    s = make_link(6, WN_SET_LINK_ALL);
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_OK);
    /* Every rule of wire.h, one at a time. */
    s = make_link(6, WN_SET_LINK_MTU); s.ifindex = 0;
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_INVALID);
    s = make_link(5, WN_SET_LINK_MTU);
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_INVALID);
    s = make_link(6, WN_SET_LINK_MTU); s.reserved[1] = 1;
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_INVALID);
    s = make_link(6, 0);
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_INVALID);
    s = make_link(6, 0x40);
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_INVALID);
    s = make_link(4, WN_SET_LINK_MTU); s.mtu = 67;
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_INVALID);
    s = make_link(4, WN_SET_LINK_MTU); s.mtu = 68;
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_OK);
    s = make_link(6, WN_SET_LINK_MTU); s.mtu = 1279;
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_INVALID);
    s = make_link(6, WN_SET_LINK_MTU); s.mtu = 65536;
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_INVALID);
    s = make_link(4, WN_SET_LINK_FORWARDING); s.forwarding = 2;
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_INVALID);
    s = make_link(4, WN_SET_LINK_DAD_TRANSMITS);
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_INVALID);
    s = make_link(4, WN_SET_LINK_ACCEPT_RA);
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_INVALID);
    s = make_link(6, WN_SET_LINK_DAD_TRANSMITS); s.dad_transmits = 256;
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_INVALID);
    s = make_link(6, WN_SET_LINK_ACCEPT_RA); s.accept_ra = 3;
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_INVALID);
    s = make_link(6, WN_SET_LINK_REACHABLE); s.reachable_ms = 0;
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_INVALID);
    s = make_link(6, WN_SET_LINK_REACHABLE); s.reachable_ms = 3600001;
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_INVALID);
    s = make_link(6, WN_SET_LINK_RETRANS); s.retrans_ms = 0;
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_INVALID);
    /* A field not asked for is not looked at. */
    s = make_link(4, WN_SET_LINK_FORWARDING); s.mtu = 0; s.dad_transmits = 1000;
    CU_ASSERT_EQUAL(nl_request_link_check(&s), WN_RESULT_OK);
}

static void test_link_requests(void)
{
    uint8_t buf[NL_REQUEST_MAX];
    struct wn_wire_set_link s = make_link(6, WN_SET_LINK_ALL);
    char path[128], value[16];
#define SYSCTL(field, name) nl_request_sysctl(&s, field, name, path, sizeof(path), value, sizeof(value))
    const struct nlmsghdr *nlh = (const void *)buf;
    const struct ifinfomsg *ifi = (const void *)(buf + NLMSG_HDRLEN);
    const uint32_t *mtu;
    size_t len, payload = 0;

    CU_ASSERT_EQUAL_FATAL(SYSCTL(WN_SET_LINK_MTU, "wntun0"), 1);
    CU_ASSERT_STRING_EQUAL(path, "/proc/sys/net/ipv6/conf/wntun0/mtu");
    CU_ASSERT_STRING_EQUAL(value, "1300\n");
    CU_ASSERT_EQUAL(SYSCTL(WN_SET_LINK_FORWARDING, "wntun0"), 1);
    CU_ASSERT_STRING_EQUAL(path, "/proc/sys/net/ipv6/conf/wntun0/forwarding");
    CU_ASSERT_EQUAL(SYSCTL(WN_SET_LINK_DAD_TRANSMITS, "wntun0"), 1);
    CU_ASSERT_STRING_EQUAL(path, "/proc/sys/net/ipv6/conf/wntun0/dad_transmits");
    CU_ASSERT_EQUAL(SYSCTL(WN_SET_LINK_ACCEPT_RA, "wntun0"), 1);
    CU_ASSERT_STRING_EQUAL(path, "/proc/sys/net/ipv6/conf/wntun0/accept_ra");
    CU_ASSERT_STRING_EQUAL(value, "2\n");
    CU_ASSERT_EQUAL(SYSCTL(WN_SET_LINK_REACHABLE, "wntun0"), 1);
    CU_ASSERT_STRING_EQUAL(path, "/proc/sys/net/ipv6/neigh/wntun0/base_reachable_time_ms");
    CU_ASSERT_STRING_EQUAL(value, "20000\n");
    CU_ASSERT_EQUAL(SYSCTL(WN_SET_LINK_RETRANS, "wntun0"), 1);
    CU_ASSERT_STRING_EQUAL(path, "/proc/sys/net/ipv6/neigh/wntun0/retrans_time_ms");
    /* Names that would leave the link's own directory, a field not asked for, buffers too small. */
    CU_ASSERT_EQUAL(SYSCTL(WN_SET_LINK_MTU, ".."), 0);
    CU_ASSERT_EQUAL(SYSCTL(WN_SET_LINK_MTU, "a/b"), 0);
    CU_ASSERT_EQUAL(SYSCTL(WN_SET_LINK_MTU, ""), 0);
    CU_ASSERT_EQUAL(nl_request_sysctl(&s, WN_SET_LINK_MTU, "wntun0", path, 20, value, sizeof(value)), 0);
    CU_ASSERT_EQUAL(nl_request_sysctl(&s, WN_SET_LINK_MTU, "wntun0", path, sizeof(path), value, 3), 0);
    s.fields = WN_SET_LINK_FORWARDING;
    CU_ASSERT_EQUAL(SYSCTL(WN_SET_LINK_MTU, "wntun0"), 0);
    /* IPv4's MTU is the link's: no sysctl, an RTM_SETLINK. */
    s = make_link(4, WN_SET_LINK_MTU | WN_SET_LINK_FORWARDING);
    CU_ASSERT_EQUAL(SYSCTL(WN_SET_LINK_MTU, "wntun0"), 0);
    CU_ASSERT_EQUAL(SYSCTL(WN_SET_LINK_FORWARDING, "wntun0"), 1);
    CU_ASSERT_STRING_EQUAL(path, "/proc/sys/net/ipv4/conf/wntun0/forwarding");
    CU_ASSERT_STRING_EQUAL(value, "1\n");

    len = nl_request_link_mtu(buf, 4, 1400, 9);
    CU_ASSERT_FATAL(len > 0);
    CU_ASSERT_EQUAL(nlh->nlmsg_type, RTM_SETLINK);
    CU_ASSERT_EQUAL(nlh->nlmsg_seq, 9);
    CU_ASSERT(nlh->nlmsg_flags & NLM_F_ACK);
    CU_ASSERT_EQUAL(ifi->ifi_index, 4);
    mtu = find_attr(buf, len, sizeof(struct ifinfomsg), IFLA_MTU, &payload);
    CU_ASSERT_FATAL(mtu != NULL);
    CU_ASSERT_EQUAL(payload, 4);
    CU_ASSERT_EQUAL(*mtu, 1400);
    CU_ASSERT_EQUAL(nl_request_link_mtu(buf, 0, 1400, 9), 0);
    CU_ASSERT_EQUAL(nl_request_link_mtu(buf, 4, 67, 9), 0);
    CU_ASSERT_EQUAL(nl_request_link_mtu(buf, 4, 65536, 9), 0);
#undef SYSCTL
}

static void test_addr_change(void)
{
    uint8_t buf[NL_REQUEST_MAX];
    struct wn_wire_addr a = make_addr(6, "fd00::5", 64, 3);
    const struct nlmsghdr *nlh = (const void *)buf;
    const struct ifa_cacheinfo *ci;
    size_t len, payload = 0;

    a.valid_lft = 600;
    a.preferred_lft = 300;
    len = nl_request_addr(buf, WN_WIRE_OP_CHANGE, &a, 3);
    CU_ASSERT_FATAL(len > 0);
    CU_ASSERT_EQUAL(nlh->nlmsg_type, RTM_NEWADDR);
    /* Replace, never create or fail because it exists. */
    CU_ASSERT(nlh->nlmsg_flags & NLM_F_REPLACE);
    CU_ASSERT(!(nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)));
    ci = find_attr(buf, len, sizeof(struct ifaddrmsg), IFA_CACHEINFO, &payload);
    CU_ASSERT_FATAL(ci != NULL);
    CU_ASSERT_EQUAL(ci->ifa_valid, 600);
    CU_ASSERT_EQUAL(ci->ifa_prefered, 300);
    /* Infinite lifetimes are carried too: they are the change. */
    a.valid_lft = a.preferred_lft = 0xffffffff;
    len = nl_request_addr(buf, WN_WIRE_OP_CHANGE, &a, 3);
    CU_ASSERT_PTR_NOT_NULL(find_attr(buf, len, sizeof(struct ifaddrmsg), IFA_CACHEINFO, &payload));
    a.preferred_lft = 10;
    a.valid_lft = 5;
    CU_ASSERT_EQUAL(nl_request_addr(buf, WN_WIRE_OP_CHANGE, &a, 3), 0);
}

static void test_results(void)
{
    CU_ASSERT_EQUAL(nl_request_result(0), WN_RESULT_OK);
    CU_ASSERT_EQUAL(nl_request_result(EPERM), WN_RESULT_ACCESS_DENIED);
    CU_ASSERT_EQUAL(nl_request_result(EEXIST), WN_RESULT_EXISTS);
    CU_ASSERT_EQUAL(nl_request_result(ENODEV), WN_RESULT_NOT_FOUND);
    CU_ASSERT_EQUAL(nl_request_result(ESRCH), WN_RESULT_NOT_FOUND);
    CU_ASSERT_EQUAL(nl_request_result(EADDRNOTAVAIL), WN_RESULT_NOT_FOUND);
    CU_ASSERT_EQUAL(nl_request_result(EINVAL), WN_RESULT_INVALID);
    CU_ASSERT_EQUAL(nl_request_result(ENOMEM), WN_RESULT_FAILED);
}

/* ---- against the kernel ----------------------------------------------------------------------------------- */

static int failures;

/* /sys shows the namespace it was mounted in: ask the kernel in this one. */
static int link_mtu(const char *name)
{
    struct ifreq ifr;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), mtu = -1;

    memset(&ifr, 0, sizeof(ifr));
    strncpy(ifr.ifr_name, name, sizeof(ifr.ifr_name) - 1);
    if (fd >= 0 && !ioctl(fd, SIOCGIFMTU, &ifr)) mtu = ifr.ifr_mtu;
    if (fd >= 0) close(fd);
    return mtu;
}

static long read_number(const char *path)
{
    FILE *f = fopen(path, "r");
    long value = -1;

    if (f)
    {
        if (fscanf(f, "%ld", &value) != 1) value = -1;
        fclose(f);
    }
    return value;
}

#define CHECK(cond, ...) do { if (!(cond)) { failures++; fprintf(stderr, "nl_request: %s:%d: ", __FILE__, \
    __LINE__); fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static int run_child(void)
{
    struct wn_wire_addr a4 = make_addr(4, "10.66.0.1", 24, 1), a6 = make_addr(6, "fd66::1", 64, 1);
    struct wn_wire_route r = make_route(4, "10.67.0.0", 16, NULL, 1);
    struct nl *nl;
    uint32_t res;

    if (unshare(CLONE_NEWNET)) return UNIT_SKIP;
    if (!(nl = nl_open())) return 1;
    /* lo is down in a new namespace: a route through it is refused, an address is not. */
    CHECK((res = nl_change(nl, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, &a4)) == WN_RESULT_OK, "add IPv4: %u", res);
    CHECK((res = nl_change(nl, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, &a4)) == WN_RESULT_EXISTS, "add twice: %u", res);
    CHECK((res = nl_change(nl, WN_WIRE_SET_ROUTE, WN_WIRE_OP_ADD, &r)) != WN_RESULT_OK, "route via down lo");
    CHECK((res = nl_change(nl, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, &a6)) == WN_RESULT_OK, "add IPv6: %u", res);
    CHECK((res = nl_change(nl, WN_WIRE_SET_ADDR, WN_WIRE_OP_DEL, &a6)) == WN_RESULT_OK, "del IPv6: %u", res);
    CHECK((res = nl_change(nl, WN_WIRE_SET_ADDR, WN_WIRE_OP_DEL, &a6)) == WN_RESULT_NOT_FOUND, "del twice: %u", res);
    CHECK((res = nl_change(nl, WN_WIRE_SET_ADDR, WN_WIRE_OP_DEL, &a4)) == WN_RESULT_OK, "del IPv4: %u", res);
    CHECK((res = nl_change(nl, WN_WIRE_SET_ROUTE, WN_WIRE_OP_DEL, &r)) == WN_RESULT_NOT_FOUND, "del route: %u", res);
    a4.ifindex = 999;
    CHECK((res = nl_change(nl, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, &a4)) == WN_RESULT_NOT_FOUND, "no if: %u", res);
    a4.prefixlen = 40;
    CHECK((res = nl_change(nl, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, &a4)) == WN_RESULT_INVALID, "bad: %u", res);
    /* Interface settings on lo (IPv4: the link's MTU; IPv6: its own) and an address's lifetimes. */
    {
        struct wn_wire_set_link s;
        struct wn_wire_addr a = make_addr(6, "fd66::2", 64, 1);
        int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
        struct output *out = devnull >= 0 ? output_new(devnull) : NULL;

        memset(&s, 0, sizeof(s));
        s.ifindex = 1;
        s.family = 4;
        s.fields = WN_SET_LINK_MTU | WN_SET_LINK_FORWARDING;
        s.mtu = 9000;
        s.forwarding = 1;
        CHECK((res = nl_set_link(nl, &s)) == WN_RESULT_NOT_FOUND, "link before any dump: %u", res);
        CHECK(out && !nl_refresh_links(nl, out), "refresh");
        CHECK((res = nl_set_link(nl, &s)) == WN_RESULT_OK, "IPv4 MTU and forwarding: %u", res);
        CHECK(link_mtu("lo") == 9000, "lo's MTU");
        CHECK(read_number("/proc/sys/net/ipv4/conf/lo/forwarding") == 1, "lo's IPv4 forwarding");
        s.family = 6;
        s.fields = WN_SET_LINK_MTU | WN_SET_LINK_DAD_TRANSMITS | WN_SET_LINK_REACHABLE;
        s.mtu = 1300;
        s.dad_transmits = 2;
        s.reachable_ms = 20000;
        CHECK((res = nl_set_link(nl, &s)) == WN_RESULT_OK, "IPv6 settings: %u", res);
        CHECK(read_number("/proc/sys/net/ipv6/conf/lo/mtu") == 1300, "lo's IPv6 MTU");
        CHECK(read_number("/proc/sys/net/ipv6/conf/lo/dad_transmits") == 2, "lo's DAD probes");
        CHECK(read_number("/proc/sys/net/ipv6/neigh/lo/base_reachable_time_ms") == 20000, "lo's reachable time");
        /* The kernel's own limit: an IPv6 MTU above the link's. */
        s.fields = WN_SET_LINK_MTU;
        s.mtu = 9001;
        CHECK((res = nl_set_link(nl, &s)) == WN_RESULT_INVALID, "IPv6 MTU above the link's: %u", res);
        s.ifindex = 999;
        CHECK((res = nl_set_link(nl, &s)) == WN_RESULT_NOT_FOUND, "no such link: %u", res);
        s.ifindex = 0;
        CHECK((res = nl_set_link(nl, &s)) == WN_RESULT_INVALID, "ifindex 0: %u", res);
        CHECK((res = nl_change(nl, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, &a)) == WN_RESULT_OK, "add: %u", res);
        a.valid_lft = 600;
        a.preferred_lft = 300;
        CHECK((res = nl_change(nl, WN_WIRE_SET_ADDR, WN_WIRE_OP_CHANGE, &a)) == WN_RESULT_OK, "lifetimes: %u", res);
        CHECK((res = nl_change(nl, WN_WIRE_SET_ADDR, WN_WIRE_OP_DEL, &a)) == WN_RESULT_OK, "del: %u", res);
        output_free(out);
        if (devnull >= 0) close(devnull);
    }
    /* As nobody, the interface settings are refused too. */
    {
        struct wn_wire_set_link s;

        memset(&s, 0, sizeof(s));
        s.ifindex = 1;
        s.family = 6;
        s.fields = WN_SET_LINK_FORWARDING;
        if (!fork())
        {
            if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) _exit(2);
            _exit(nl_set_link(nl, &s) == WN_RESULT_ACCESS_DENIED ? 0 : 1);
        }
        else
        {
            int status = -1;
            wait(&status);
            CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "nobody's interface settings: %d", status);
        }
    }
    /* A user without the namespace's CAP_NET_ADMIN is refused, as Windows refuses a program without admin. */
    CHECK(!setresgid(65534, 65534, 65534) && !setresuid(65534, 65534, 65534), "cannot become nobody");
    a4 = make_addr(4, "10.66.0.1", 24, 1);
    CHECK((res = nl_change(nl, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, &a4)) == WN_RESULT_ACCESS_DENIED, "nobody: %u", res);
    nl_close(nl);
    return failures ? 1 : 0;
}

static void test_kernel(void)
{
    unit_run_root_child(run_child);
}

void register_nl_request_tests(void)
{
    static const CU_TestInfo tests[] =
    {
        { "address requests become RTM_NEWADDR/RTM_DELADDR", test_addr_message },
        { "address requests outside the rules are refused", test_addr_rules },
        { "route requests become RTM_NEWROUTE/RTM_DELROUTE", test_route_message },
        { "route requests outside the rules are refused", test_route_rules },
        { "neighbour requests become RTM_NEWNEIGH/RTM_DELNEIGH", test_neigh_message },
        { "neighbour requests outside the rules are refused", test_neigh_rules },
        { "interface setting requests: rules", test_link_rules },
        { "interface setting requests: sysctls and RTM_SETLINK", test_link_requests },
        { "address lifetime changes become RTM_NEWADDR with NLM_F_REPLACE", test_addr_change },
        { "kernel errors map to results", test_results },
        { "the kernel's answers in a private namespace (root)", test_kernel },
        CU_TEST_INFO_NULL,
    };
    unit_add_suite("nl_request", tests);
}
