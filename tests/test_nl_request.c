/* Change requests: the rules of wire.h, the messages built for the kernel, and, as root in a private network
 * namespace, what the kernel answers to them (the results the DLL turns into Windows errors). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "netlink.h"
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
        { "kernel errors map to results", test_results },
        { "the kernel's answers in a private namespace (root)", test_kernel },
        CU_TEST_INFO_NULL,
    };
    unit_add_suite("nl_request", tests);
}
