/* The rtnetlink parsers, against kernel messages recorded by tools/capture-netlink.c (tests/fixtures/nl-*.bin),
 * cut and corrupted copies of them, and hand-made messages for what the kernel did not happen to send. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/neighbour.h>
#include <linux/netconf.h>
#include <linux/netlink.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "nl_parse.h"
#include "unit.h"

#define MAX_ITEMS 256

struct items
{
    struct nl_item v[MAX_ITEMS];
    int count;
};

static int collect(void *ctx, const struct nl_item *item)
{
    struct items *items = ctx;

    if (items->count < MAX_ITEMS) items->v[items->count++] = *item;
    return 0;
}

struct fixture
{
    unsigned char *data;
    size_t len;
};

static struct fixture load(const char *name)
{
    char path[1024];
    struct fixture f = { NULL, 0 };
    FILE *file;
    long size;

    snprintf(path, sizeof(path), "%s/tests/fixtures/%s", SRCDIR, name);
    file = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    fseek(file, 0, SEEK_END);
    size = ftell(file);
    fseek(file, 0, SEEK_SET);
    CU_ASSERT_FATAL(size > 0);
    f.data = malloc((size_t)size);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f.data);
    f.len = fread(f.data, 1, (size_t)size, file);
    fclose(file);
    CU_ASSERT_EQUAL_FATAL(f.len, (size_t)size);
    return f;
}

/* Parses every message of a fixture; returns how many messages failed to parse. */
static int parse_all(const struct fixture *f, struct items *items)
{
    const struct nlmsghdr *nlh = (const struct nlmsghdr *)f->data;
    int len = (int)f->len, bad = 0;

    memset(items, 0, sizeof(*items));
    for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len))
        if (nl_parse(nlh, (size_t)len, collect, items)) bad++;
    CU_ASSERT_EQUAL(len, 0);
    return bad;
}

static const struct wn_wire_link *find_link(const struct items *items, const char *name)
{
    int i;

    for (i = 0; i < items->count; i++)
        if (items->v[i].type == WN_WIRE_LINK && !strcmp(items->v[i].u.link.name, name)) return &items->v[i].u.link;
    return NULL;
}

static uint32_t ifindex_of(const char *name)
{
    struct fixture f = load("nl-dump-link.bin");
    struct items *items = malloc(sizeof(*items));
    const struct wn_wire_link *link;
    uint32_t index = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    parse_all(&f, items);
    if ((link = find_link(items, name))) index = link->ifindex;
    free(items);
    free(f.data);
    return index;
}

static const struct nl_item *find_addr(const struct items *items, uint16_t op, const char *text)
{
    unsigned char bin[16] = { 0 };
    int family = strchr(text, ':') ? AF_INET6 : AF_INET, i;

    CU_ASSERT_FATAL(inet_pton(family, text, bin) == 1);
    for (i = 0; i < items->count; i++)
    {
        const struct nl_item *it = &items->v[i];
        if (it->type == WN_WIRE_ADDR && it->op == op && it->u.addr.family == (family == AF_INET ? 4 : 6)
            && !memcmp(it->u.addr.addr, bin, 16))
            return it;
    }
    return NULL;
}

/* The n-th route item (0-based) with this op and destination. */
static const struct nl_item *find_route(const struct items *items, uint16_t op, const char *dst, int dst_len, int n)
{
    unsigned char bin[16] = { 0 };
    int family = strchr(dst, ':') ? AF_INET6 : AF_INET, i;

    CU_ASSERT_FATAL(inet_pton(family, dst, bin) == 1);
    for (i = 0; i < items->count; i++)
    {
        const struct nl_item *it = &items->v[i];
        if (it->type == WN_WIRE_ROUTE && it->op == op && it->u.route.family == (family == AF_INET ? 4 : 6)
            && it->u.route.dst_len == dst_len && !memcmp(it->u.route.dst, bin, 16) && !n--)
            return it;
    }
    return NULL;
}

static int ip_equal(const uint8_t *bin, const char *text)
{
    unsigned char want[16] = { 0 };
    CU_ASSERT_FATAL(inet_pton(strchr(text, ':') ? AF_INET6 : AF_INET, text, want) == 1);
    return !memcmp(bin, want, 16);
}

static void test_dump_links(void)
{
    struct fixture f = load("nl-dump-link.bin");
    struct items *items = malloc(sizeof(*items));
    const struct wn_wire_link *lo, *veth, *tun;

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    CU_ASSERT_EQUAL(parse_all(&f, items), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(lo = find_link(items, "lo"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(veth = find_link(items, "wnveth0"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(tun = find_link(items, "wntun0"));
    CU_ASSERT_PTR_NOT_NULL(find_link(items, "wnveth1"));
    CU_ASSERT_PTR_NOT_NULL(find_link(items, "wnbr0"));

    CU_ASSERT_EQUAL(lo->ifindex, 1);
    CU_ASSERT_EQUAL(lo->type, ARPHRD_LOOPBACK);
    CU_ASSERT_EQUAL(lo->mtu, 65536);
    CU_ASSERT_EQUAL(lo->flags & (IFF_UP | IFF_LOOPBACK), IFF_UP | IFF_LOOPBACK);

    CU_ASSERT_EQUAL(veth->type, ARPHRD_ETHER);
    CU_ASSERT_EQUAL(veth->mtu, 1400);
    CU_ASSERT_EQUAL(veth->operstate, IF_OPER_UP);
    CU_ASSERT(veth->flags & IFF_UP);
    CU_ASSERT_EQUAL(veth->addr_len, 6);

    /* A tun device has no hardware address at all. */
    CU_ASSERT_EQUAL(tun->type, ARPHRD_NONE);
    CU_ASSERT_EQUAL(tun->addr_len, 0);
    CU_ASSERT(tun->flags & IFF_POINTOPOINT);
    CU_ASSERT(items->count >= 6);
    CU_ASSERT(items->v[0].op == WN_WIRE_OP_ADD);
    free(items);
    free(f.data);
}

static void test_dump_addresses(void)
{
    struct fixture f4 = load("nl-dump-addr4.bin"), f6 = load("nl-dump-addr6.bin");
    struct items *items = malloc(sizeof(*items));
    uint32_t veth0 = ifindex_of("wnveth0"), tun = ifindex_of("wntun0");
    const struct nl_item *it;
    int i, dadfailed = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    CU_ASSERT_EQUAL(parse_all(&f4, items), 0);
    CU_ASSERT_EQUAL(items->count, 3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_addr(items, WN_WIRE_OP_ADD, "192.0.2.1"));
    CU_ASSERT_EQUAL(it->u.addr.ifindex, veth0);
    CU_ASSERT_EQUAL(it->u.addr.prefixlen, 24);
    CU_ASSERT_EQUAL(it->u.addr.scope, RT_SCOPE_UNIVERSE);
    CU_ASSERT_EQUAL(it->u.addr.flags, IFA_F_PERMANENT);
    CU_ASSERT_EQUAL(it->u.addr.preferred_lft, 0xffffffffu);
    CU_ASSERT_EQUAL(it->u.addr.valid_lft, 0xffffffffu);
    /* Point-to-point: our address is IFA_LOCAL, not the peer in IFA_ADDRESS. */
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_addr(items, WN_WIRE_OP_ADD, "10.9.0.1"));
    CU_ASSERT_EQUAL(it->u.addr.ifindex, tun);
    CU_ASSERT_EQUAL(it->u.addr.prefixlen, 32);
    CU_ASSERT_PTR_NULL(find_addr(items, WN_WIRE_OP_ADD, "10.9.0.2"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_addr(items, WN_WIRE_OP_ADD, "127.0.0.1"));
    CU_ASSERT_EQUAL(it->u.addr.scope, RT_SCOPE_HOST);

    CU_ASSERT_EQUAL(parse_all(&f6, items), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_addr(items, WN_WIRE_OP_ADD, "2001:db8:a::1"));
    CU_ASSERT_EQUAL(it->u.addr.ifindex, veth0);
    CU_ASSERT_EQUAL(it->u.addr.prefixlen, 64);
    /* preferred_lft 0: deprecated, with a finite valid lifetime counting down from 600. */
    CU_ASSERT(it->u.addr.flags & IFA_F_DEPRECATED);
    CU_ASSERT(it->u.addr.flags & IFA_F_NODAD);
    CU_ASSERT_EQUAL(it->u.addr.preferred_lft, 0);
    CU_ASSERT(it->u.addr.valid_lft > 0 && it->u.addr.valid_lft <= 600);
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_addr(items, WN_WIRE_OP_ADD, "2001:db8:9::1"));
    CU_ASSERT(it->u.addr.preferred_lft > 0 && it->u.addr.preferred_lft <= 1800);
    CU_ASSERT(it->u.addr.valid_lft > 1800 && it->u.addr.valid_lft <= 3600);
    CU_ASSERT_NOT_EQUAL(it->u.addr.stamp, 0);           /* when those seconds were left */
    CU_ASSERT_FALSE(it->u.addr.flags & IFA_F_DEPRECATED);
    /* DAD done by the time of the dump. */
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_addr(items, WN_WIRE_OP_ADD, "2001:db8::1"));
    CU_ASSERT_EQUAL(it->u.addr.flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_addr(items, WN_WIRE_OP_ADD, "::1"));
    CU_ASSERT_EQUAL(it->u.addr.ifindex, 1);
    CU_ASSERT_EQUAL(it->u.addr.prefixlen, 128);
    /* The address both ends of the veth pair claimed: one of them lost DAD. */
    for (i = 0; i < items->count; i++)
        if (items->v[i].type == WN_WIRE_ADDR && ip_equal(items->v[i].u.addr.addr, "2001:db8:d::1")
            && (items->v[i].u.addr.flags & IFA_F_DADFAILED))
            dadfailed++;
    CU_ASSERT_EQUAL(dadfailed, 1);
    free(items);
    free(f4.data);
    free(f6.data);
}

static void test_dump_routes(void)
{
    struct fixture f4 = load("nl-dump-route4.bin"), f6 = load("nl-dump-route6.bin");
    struct items *items = malloc(sizeof(*items));
    uint32_t veth0 = ifindex_of("wnveth0"), veth1 = ifindex_of("wnveth1");
    const struct nl_item *it;
    int i, main_routes;

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    CU_ASSERT_EQUAL(parse_all(&f4, items), 0);
    for (i = main_routes = 0; i < items->count; i++)
    {
        const struct wn_wire_route *r = &items->v[i].u.route;

        if (r->table == RT_TABLE_MAIN)
        {
            CU_ASSERT(r->type == RTN_UNICAST || r->type == RTN_BLACKHOLE);
            main_routes++;
        }
        else
        {
            CU_ASSERT_EQUAL(r->table, RT_TABLE_LOCAL);
            CU_ASSERT(r->type == RTN_LOCAL || r->type == RTN_BROADCAST);
        }
    }
    /* The main table: 10.9.0.2/32, 100.64/10 twice (two next hops), 192.0.2/24, 198.18/15, 198.51.100/24,
     * 203.0.113/24.  The route of table 100 is skipped. */
    CU_ASSERT_EQUAL(main_routes, 7);
    CU_ASSERT_EQUAL(items->count, 13);
    /* Of the local table, what Windows lists too: each address's host route, 127.0.0.0/8, broadcasts. */
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_route(items, WN_WIRE_OP_ADD, "127.0.0.0", 8, 0));
    CU_ASSERT_EQUAL(it->u.route.type, RTN_LOCAL);
    CU_ASSERT_EQUAL(it->u.route.table, RT_TABLE_LOCAL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_route(items, WN_WIRE_OP_ADD, "127.0.0.1", 32, 0));
    CU_ASSERT_EQUAL(it->u.route.type, RTN_LOCAL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_route(items, WN_WIRE_OP_ADD, "198.51.100.0", 24, 0));
    CU_ASSERT(ip_equal(it->u.route.gateway, "192.0.2.254"));
    CU_ASSERT_EQUAL(it->u.route.oif, veth0);
    CU_ASSERT_EQUAL(it->u.route.protocol, RTPROT_BOOT);
    CU_ASSERT_EQUAL(it->u.route.metric, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_route(items, WN_WIRE_OP_ADD, "192.0.2.0", 24, 0));
    CU_ASSERT_EQUAL(it->u.route.protocol, RTPROT_KERNEL);
    CU_ASSERT_EQUAL(it->u.route.scope, RT_SCOPE_LINK);
    CU_ASSERT(ip_equal(it->u.route.gateway, "0.0.0.0"));
    CU_ASSERT_PTR_NULL(find_route(items, WN_WIRE_OP_ADD, "192.0.2.0", 24, 1));
    /* ip route replace moved it to the other interface. */
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_route(items, WN_WIRE_OP_ADD, "203.0.113.0", 24, 0));
    CU_ASSERT_EQUAL(it->u.route.oif, veth1);
    CU_ASSERT_EQUAL(it->u.route.metric, 50);
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_route(items, WN_WIRE_OP_ADD, "198.18.0.0", 15, 0));
    CU_ASSERT_EQUAL(it->u.route.type, RTN_BLACKHOLE);
    CU_ASSERT_EQUAL(it->u.route.oif, 0);
    /* One route per next hop, as Windows lists them. */
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_route(items, WN_WIRE_OP_ADD, "100.64.0.0", 10, 0));
    CU_ASSERT(ip_equal(it->u.route.gateway, "192.0.2.253"));
    CU_ASSERT_EQUAL(it->u.route.oif, veth0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_route(items, WN_WIRE_OP_ADD, "100.64.0.0", 10, 1));
    CU_ASSERT(ip_equal(it->u.route.gateway, "192.0.2.252"));

    CU_ASSERT_EQUAL(parse_all(&f6, items), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_route(items, WN_WIRE_OP_ADD, "2001:db8:1::", 48, 0));
    CU_ASSERT(ip_equal(it->u.route.gateway, "2001:db8:9::fe"));
    CU_ASSERT_EQUAL(it->u.route.oif, veth0);
    CU_ASSERT_EQUAL(it->u.route.metric, 1024);
    CU_ASSERT_EQUAL(it->u.route.family, 6);
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_route(items, WN_WIRE_OP_ADD, "2001:db8::", 64, 0));
    CU_ASSERT_EQUAL(it->u.route.metric, 256);
    CU_ASSERT_EQUAL(it->u.route.protocol, RTPROT_KERNEL);
    /* The local table's local and multicast entries are Windows routes of their interface. */
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_route(items, WN_WIRE_OP_ADD, "ff00::", 8, 0));
    CU_ASSERT_EQUAL(it->u.route.type, RTN_MULTICAST);
    CU_ASSERT_EQUAL(it->u.route.table, RT_TABLE_LOCAL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_route(items, WN_WIRE_OP_ADD, "2001:db8::1", 128, 0));
    CU_ASSERT_EQUAL(it->u.route.type, RTN_LOCAL);
    for (i = 0; i < items->count; i++) CU_ASSERT(items->v[i].u.route.type != RTN_ANYCAST);
    free(items);
    free(f4.data);
    free(f6.data);
}

static void test_events(void)
{
    struct fixture f = load("nl-events.bin");
    struct items *items = malloc(sizeof(*items));
    uint32_t veth0 = ifindex_of("wnveth0"), veth1 = ifindex_of("wnveth1");
    const struct nlmsghdr *nlh;
    const struct nl_item *it;
    int i, len, links = 0, link_msgs = 0, tentative = -1, settled = -1;

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    CU_ASSERT_EQUAL(parse_all(&f, items), 0);

    /* A bridge announces its port as an AF_BRIDGE RTM_NEWLINK: a message, but no link to report. */
    nlh = (const struct nlmsghdr *)f.data;
    for (len = (int)f.len; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len))
        if (nlh->nlmsg_type == RTM_NEWLINK || nlh->nlmsg_type == RTM_DELLINK) link_msgs++;
    for (i = 0; i < items->count; i++)
        if (items->v[i].type == WN_WIRE_LINK) links++;
    CU_ASSERT(links > 0 && links < link_msgs);

    /* The tentative address, then the same address once DAD succeeded. */
    for (i = 0; i < items->count; i++)
    {
        it = &items->v[i];
        if (it->type != WN_WIRE_ADDR || it->op != WN_WIRE_OP_ADD || !ip_equal(it->u.addr.addr, "2001:db8::1")) continue;
        if (it->u.addr.flags & IFA_F_TENTATIVE) { if (tentative < 0) tentative = i; }
        else if (settled < 0) settled = i;
    }
    CU_ASSERT(tentative >= 0);
    CU_ASSERT(settled > tentative);

    /* ip route replace: one RTM_NEWROUTE flagged NLM_F_REPLACE, and no DEL for the route it replaced. */
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_route(items, WN_WIRE_OP_ADD, "203.0.113.0", 24, 0));
    CU_ASSERT_EQUAL(it->u.route.oif, veth0);
    CU_ASSERT_FALSE(it->replace);
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_route(items, WN_WIRE_OP_ADD, "203.0.113.0", 24, 1));
    CU_ASSERT_EQUAL(it->u.route.oif, veth1);
    CU_ASSERT_TRUE(it->replace);
    CU_ASSERT_PTR_NULL(find_route(items, WN_WIRE_OP_DEL, "203.0.113.0", 24, 0));

    CU_ASSERT_PTR_NOT_NULL(find_route(items, WN_WIRE_OP_DEL, "198.51.100.0", 24, 0));
    CU_ASSERT_PTR_NOT_NULL_FATAL(it = find_addr(items, WN_WIRE_OP_DEL, "192.0.2.1"));
    CU_ASSERT_EQUAL(it->u.addr.ifindex, veth0);
    CU_ASSERT_EQUAL(it->u.addr.prefixlen, 24);
    /* The multipath route left silently with its gateways' subnet (the helper re-dumps routes for this). */
    CU_ASSERT_PTR_NULL(find_route(items, WN_WIRE_OP_DEL, "100.64.0.0", 10, 0));

    for (i = 0, it = NULL; i < items->count; i++)
        if (items->v[i].type == WN_WIRE_LINK && items->v[i].op == WN_WIRE_OP_DEL) it = &items->v[i];
    CU_ASSERT_PTR_NOT_NULL_FATAL(it);
    CU_ASSERT_STRING_EQUAL(it->u.link.name, "wntun0");
    free(items);
    free(f.data);
}

/* Every prefix of every recorded message, in a buffer of exactly that size (so a tool like valgrind or ASan
 * would catch a read past it): a cut message is malformed, never read beyond its end. */
static void check_cuts(const char *name)
{
    struct fixture f = load(name);
    struct items *items = malloc(sizeof(*items));
    const struct nlmsghdr *nlh = (const struct nlmsghdr *)f.data;
    int len = (int)f.len, messages = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len))
    {
        size_t cut;
        for (cut = 0; cut < nlh->nlmsg_len; cut++)
        {
            unsigned char *copy = malloc(cut ? cut : 1);
            CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
            memcpy(copy, nlh, cut);
            items->count = 0;
            CU_ASSERT_EQUAL(nl_parse(copy, cut, collect, items), NL_PARSE_MALFORMED);
            CU_ASSERT_EQUAL(items->count, 0);
            free(copy);
        }
        messages++;
    }
    CU_ASSERT(messages > 0);
    free(items);
    free(f.data);
}

/* The same messages claiming to be shorter (nlmsg_len cut, attributes running over the new end): malformed, or
 * parsed from what is left when the cut falls between attributes; never a read beyond the claimed length. */
static void check_short_claims(const char *name)
{
    struct fixture f = load(name);
    struct items *items = malloc(sizeof(*items));
    const struct nlmsghdr *nlh = (const struct nlmsghdr *)f.data;
    int len = (int)f.len, malformed = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len))
    {
        uint32_t claim;
        for (claim = NLMSG_HDRLEN; claim < nlh->nlmsg_len; claim++)
        {
            unsigned char *copy = malloc(claim);
            struct nlmsghdr hdr;
            int r;

            CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
            memcpy(copy, nlh, claim);
            memcpy(&hdr, copy, sizeof(hdr));
            hdr.nlmsg_len = claim;
            memcpy(copy, &hdr, sizeof(hdr));
            items->count = 0;
            r = nl_parse(copy, claim, collect, items);
            CU_ASSERT(r == 0 || r == NL_PARSE_MALFORMED);
            if (r) malformed++;
            free(copy);
        }
    }
    CU_ASSERT(malformed > 0);
    free(items);
    free(f.data);
}

static void test_truncated(void)
{
    check_cuts("nl-dump-link.bin");
    check_cuts("nl-dump-addr4.bin");
    check_cuts("nl-dump-addr6.bin");
    check_cuts("nl-dump-route4.bin");
    check_cuts("nl-dump-route6.bin");
    check_cuts("nl-events.bin");
    check_short_claims("nl-dump-link.bin");
    check_short_claims("nl-dump-addr6.bin");
    check_short_claims("nl-dump-route4.bin");
    check_short_claims("nl-events.bin");
}

/* Hand-made messages. */
struct msg
{
    union
    {
        struct nlmsghdr align;
        unsigned char bytes[1024];
    } u;
    size_t len;
    size_t nest;             /* offset of an open nested attribute, or 0 */
};

static void msg_init(struct msg *m, uint16_t type, uint16_t flags, const void *fixed, size_t size)
{
    memset(m, 0, sizeof(*m));
    m->u.align.nlmsg_type = type;
    m->u.align.nlmsg_flags = flags;
    memcpy(m->u.bytes + NLMSG_HDRLEN, fixed, size);
    m->len = NLMSG_HDRLEN + NLMSG_ALIGN(size);
    m->u.align.nlmsg_len = (uint32_t)m->len;
}

static void msg_attr(struct msg *m, uint16_t type, const void *data, size_t size)
{
    struct rtattr rta;

    rta.rta_len = (unsigned short)RTA_LENGTH(size);
    rta.rta_type = type;
    memcpy(m->u.bytes + m->len, &rta, sizeof(rta));
    memcpy(m->u.bytes + m->len + RTA_LENGTH(0), data, size);
    m->len += RTA_SPACE(size);
    m->u.align.nlmsg_len = (uint32_t)m->len;
}

static void msg_u32(struct msg *m, uint16_t type, uint32_t value)
{
    msg_attr(m, type, &value, sizeof(value));
}

static int parse_msg(struct msg *m, struct items *items)
{
    memset(items, 0, sizeof(*items));
    return nl_parse(m->u.bytes, m->len, collect, items);
}

static void make_addr(struct msg *m, uint16_t type, int family, int prefixlen)
{
    struct ifaddrmsg ifa = { (unsigned char)family, (unsigned char)prefixlen, IFA_F_PERMANENT, RT_SCOPE_UNIVERSE, 7 };
    msg_init(m, type, 0, &ifa, sizeof(ifa));
}

static void test_addr_attributes(void)
{
    struct items *items = malloc(sizeof(*items));
    struct msg m;
    struct ifa_cacheinfo ci = { 1800, 3600, 0, 0 };
    unsigned char local[4] = { 10, 0, 0, 1 }, peer[4] = { 10, 0, 0, 2 }, v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    /* IFA_FLAGS wins over the 8-bit ifa_flags; IFA_LOCAL over IFA_ADDRESS; IFA_CACHEINFO gives lifetimes. */
    make_addr(&m, RTM_NEWADDR, AF_INET, 32);
    msg_attr(&m, IFA_ADDRESS, peer, 4);
    msg_attr(&m, IFA_LOCAL, local, 4);
    msg_u32(&m, IFA_FLAGS, IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE);
    msg_attr(&m, IFA_CACHEINFO, &ci, sizeof(ci));
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_EQUAL(items->v[0].op, WN_WIRE_OP_ADD);
    CU_ASSERT_EQUAL(items->v[0].u.addr.ifindex, 7);
    CU_ASSERT_EQUAL(items->v[0].u.addr.family, 4);
    CU_ASSERT(!memcmp(items->v[0].u.addr.addr, local, 4));
    CU_ASSERT_EQUAL(items->v[0].u.addr.flags, IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE);
    CU_ASSERT_EQUAL(items->v[0].u.addr.preferred_lft, 1800);
    CU_ASSERT_EQUAL(items->v[0].u.addr.valid_lft, 3600);

    /* Without IFA_FLAGS and IFA_CACHEINFO: ifa_flags, and lifetimes forever. */
    make_addr(&m, RTM_DELADDR, AF_INET6, 64);
    msg_attr(&m, IFA_ADDRESS, v6, 16);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_EQUAL(items->v[0].op, WN_WIRE_OP_DEL);
    CU_ASSERT_EQUAL(items->v[0].u.addr.flags, IFA_F_PERMANENT);
    CU_ASSERT_EQUAL(items->v[0].u.addr.preferred_lft, 0xffffffffu);
    CU_ASSERT_EQUAL(items->v[0].u.addr.valid_lft, 0xffffffffu);
    CU_ASSERT(!memcmp(items->v[0].u.addr.addr, v6, 16));

    /* Malformed: no address, an address of the wrong size, a prefix longer than the family allows, a short
     * IFA_FLAGS or IFA_CACHEINFO. */
    make_addr(&m, RTM_NEWADDR, AF_INET, 24);
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    make_addr(&m, RTM_NEWADDR, AF_INET, 24);
    msg_attr(&m, IFA_ADDRESS, v6, 16);
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    make_addr(&m, RTM_NEWADDR, AF_INET, 33);
    msg_attr(&m, IFA_ADDRESS, local, 4);
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    make_addr(&m, RTM_NEWADDR, AF_INET, 24);
    msg_attr(&m, IFA_ADDRESS, local, 4);
    msg_attr(&m, IFA_FLAGS, local, 2);
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    make_addr(&m, RTM_NEWADDR, AF_INET, 24);
    msg_attr(&m, IFA_ADDRESS, local, 4);
    msg_attr(&m, IFA_CACHEINFO, &ci, 8);
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    CU_ASSERT_EQUAL(items->count, 0);

    /* Other families are not ours to report. */
    make_addr(&m, RTM_NEWADDR, AF_PACKET, 0);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL(items->count, 0);
    free(items);
}

static void make_link(struct msg *m, uint16_t type, int family, int index)
{
    struct ifinfomsg ifi = { (unsigned char)family, 0, ARPHRD_ETHER, index, IFF_UP, 0 };
    msg_init(m, type, 0, &ifi, sizeof(ifi));
}

static void test_link_attributes(void)
{
    struct items *items = malloc(sizeof(*items));
    struct msg m;
    unsigned char oper = IF_OPER_DORMANT, mac[6] = { 2, 0, 0, 0, 0, 1 }, big[33] = { 0 };
    char longname[17];

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    make_link(&m, RTM_NEWLINK, AF_UNSPEC, 9);
    msg_attr(&m, IFLA_IFNAME, "eth9", 5);
    msg_u32(&m, IFLA_MTU, 9000);
    msg_attr(&m, IFLA_OPERSTATE, &oper, 1);
    msg_attr(&m, IFLA_ADDRESS, mac, 6);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_STRING_EQUAL(items->v[0].u.link.name, "eth9");
    CU_ASSERT_EQUAL(items->v[0].u.link.ifindex, 9);
    CU_ASSERT_EQUAL(items->v[0].u.link.mtu, 9000);
    CU_ASSERT_EQUAL(items->v[0].u.link.operstate, IF_OPER_DORMANT);
    CU_ASSERT_EQUAL(items->v[0].u.link.flags, IFF_UP);
    CU_ASSERT_EQUAL(items->v[0].u.link.addr_len, 6);
    CU_ASSERT(!memcmp(items->v[0].u.link.addr, mac, 6));

    /* A deleted link needs no MTU; a new one does. */
    make_link(&m, RTM_DELLINK, AF_UNSPEC, 9);
    msg_attr(&m, IFLA_IFNAME, "eth9", 5);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL(items->count, 1);
    CU_ASSERT_EQUAL(items->v[0].op, WN_WIRE_OP_DEL);
    make_link(&m, RTM_NEWLINK, AF_UNSPEC, 9);
    msg_attr(&m, IFLA_IFNAME, "eth9", 5);
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);

    /* Wireless extensions events and bridge port notices say nothing about the link itself. */
    make_link(&m, RTM_NEWLINK, AF_UNSPEC, 9);
    msg_attr(&m, IFLA_IFNAME, "wlan0", 6);
    msg_attr(&m, IFLA_WIRELESS, mac, 6);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL(items->count, 0);
    make_link(&m, RTM_DELLINK, AF_BRIDGE, 9);
    msg_attr(&m, IFLA_IFNAME, "eth9", 5);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL(items->count, 0);

    /* Malformed: no index, an unterminated or overlong name, an address longer than any hardware address. */
    make_link(&m, RTM_NEWLINK, AF_UNSPEC, 0);
    msg_attr(&m, IFLA_IFNAME, "eth9", 5);
    msg_u32(&m, IFLA_MTU, 1500);
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    make_link(&m, RTM_NEWLINK, AF_UNSPEC, 9);
    msg_attr(&m, IFLA_IFNAME, "eth9", 4);
    msg_u32(&m, IFLA_MTU, 1500);
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    memset(longname, 'x', sizeof(longname) - 1);
    longname[16] = 0;
    make_link(&m, RTM_NEWLINK, AF_UNSPEC, 9);
    msg_attr(&m, IFLA_IFNAME, longname, sizeof(longname));
    msg_u32(&m, IFLA_MTU, 1500);
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    make_link(&m, RTM_NEWLINK, AF_UNSPEC, 9);
    msg_attr(&m, IFLA_IFNAME, "eth9", 5);
    msg_u32(&m, IFLA_MTU, 1500);
    msg_attr(&m, IFLA_ADDRESS, big, sizeof(big));
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    CU_ASSERT_EQUAL(items->count, 0);
    free(items);
}

static void make_route(struct msg *m, uint16_t type, uint16_t flags, int dst_len, int table, unsigned int rflags)
{
    struct rtmsg rtm = { AF_INET, (unsigned char)dst_len, 0, 0, (unsigned char)table, RTPROT_STATIC,
                         RT_SCOPE_UNIVERSE, RTN_UNICAST, rflags };
    msg_init(m, type, flags, &rtm, sizeof(rtm));
}

static void msg_nexthop(struct msg *m, int ifindex, const void *gateway)
{
    struct rtnexthop nh = { (unsigned short)RTNH_LENGTH(gateway ? RTA_SPACE(4) : 0), 0, 0, ifindex };
    struct rtattr rta = { (unsigned short)RTA_LENGTH(4), RTA_GATEWAY };

    memcpy(m->u.bytes + m->len, &nh, sizeof(nh));
    m->len += RTNH_LENGTH(0);
    if (gateway)
    {
        memcpy(m->u.bytes + m->len, &rta, sizeof(rta));
        memcpy(m->u.bytes + m->len + RTA_LENGTH(0), gateway, 4);
        m->len += RTA_SPACE(4);
    }
}

/* A nested attribute whose payload is built by hand: type, then the inner attributes' bytes. */
static size_t nest_attr(unsigned char *out, uint16_t type, const void *payload, size_t size)
{
    struct rtattr rta;

    rta.rta_len = (unsigned short)RTA_LENGTH(size);
    rta.rta_type = type;
    memcpy(out, &rta, sizeof(rta));
    memcpy(out + RTA_LENGTH(0), payload, size);
    return RTA_SPACE(size);
}

static void test_af_spec(void)
{
    struct items *items = malloc(sizeof(*items));
    unsigned char inet[64], inet6[512], spec[640];
    int32_t conf4[IPV4_DEVCONF_FORWARDING + 2] = { 0 }, conf6[DEVCONF_DISABLE_IPV6 + 1] = { 0 };
    size_t n4, n6, n;
    struct msg m;

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    conf4[IPV4_DEVCONF_FORWARDING - 1] = 1;
    conf6[DEVCONF_FORWARDING] = 0;
    conf6[DEVCONF_MTU6] = 1400;
    conf6[DEVCONF_ACCEPT_RA] = 2;
    conf6[DEVCONF_DAD_TRANSMITS] = 3;
    conf6[DEVCONF_DISABLE_IPV6] = 0;
    n4 = nest_attr(inet, IFLA_INET_CONF, conf4, sizeof(conf4));
    n6 = nest_attr(inet6, IFLA_INET6_CONF, conf6, sizeof(conf6));
    n = nest_attr(spec, AF_INET, inet, n4);
    n += nest_attr(spec + n, AF_INET6, inet6, n6);
    make_link(&m, RTM_NEWLINK, AF_UNSPEC, 9);
    msg_attr(&m, IFLA_IFNAME, "eth9", 5);
    msg_u32(&m, IFLA_MTU, 1500);
    msg_attr(&m, IFLA_AF_SPEC | NLA_F_NESTED, spec, n);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_EQUAL(items->v[0].u.link.forwarding, WN_LINK_FORWARDING_IPV4);
    CU_ASSERT_EQUAL(items->v[0].forwarding_known, WN_LINK_FORWARDING_IPV4 | WN_LINK_FORWARDING_IPV6);
    CU_ASSERT_EQUAL(items->v[0].u.link.ipv6, WN_LINK_IPV6_KNOWN | WN_LINK_IPV6_ENABLED);
    CU_ASSERT_EQUAL(items->v[0].u.link.mtu6, 1400);
    CU_ASSERT_EQUAL(items->v[0].u.link.accept_ra6, 2);
    CU_ASSERT_EQUAL(items->v[0].u.link.dad_transmits6, 3);

    /* IPv6 disabled; then no IPv6 settings at all (a link with an MTU below 1280 has no inet6 device). */
    conf6[DEVCONF_DISABLE_IPV6] = 1;
    n6 = nest_attr(inet6, IFLA_INET6_CONF, conf6, sizeof(conf6));
    n = nest_attr(spec, AF_INET6, inet6, n6);
    make_link(&m, RTM_NEWLINK, AF_UNSPEC, 9);
    msg_attr(&m, IFLA_IFNAME, "eth9", 5);
    msg_u32(&m, IFLA_MTU, 1500);
    msg_attr(&m, IFLA_AF_SPEC, spec, n);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_EQUAL(items->v[0].u.link.ipv6, WN_LINK_IPV6_KNOWN);
    CU_ASSERT_EQUAL(items->v[0].forwarding_known, WN_LINK_FORWARDING_IPV6);
    n = nest_attr(spec, AF_INET, inet, n4);
    make_link(&m, RTM_NEWLINK, AF_UNSPEC, 9);
    msg_attr(&m, IFLA_IFNAME, "eth9", 5);
    msg_u32(&m, IFLA_MTU, 1000);
    msg_attr(&m, IFLA_AF_SPEC, spec, n);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_EQUAL(items->v[0].u.link.ipv6, WN_LINK_IPV6_KNOWN);
    CU_ASSERT_EQUAL(items->v[0].u.link.mtu6, 0);

    /* A message without IFLA_AF_SPEC says nothing of the settings. */
    make_link(&m, RTM_NEWLINK, AF_UNSPEC, 9);
    msg_attr(&m, IFLA_IFNAME, "eth9", 5);
    msg_u32(&m, IFLA_MTU, 1500);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_EQUAL(items->v[0].u.link.ipv6, 0);
    CU_ASSERT_EQUAL(items->v[0].forwarding_known, 0);

    /* A nested attribute longer than its parent: malformed. */
    memset(spec, 0, sizeof(spec));
    n = nest_attr(spec, AF_INET6, inet6, 8);
    spec[0] = 200;
    make_link(&m, RTM_NEWLINK, AF_UNSPEC, 9);
    msg_attr(&m, IFLA_IFNAME, "eth9", 5);
    msg_u32(&m, IFLA_MTU, 1500);
    msg_attr(&m, IFLA_AF_SPEC, spec, n);
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    free(items);
}

static void test_neightbl(void)
{
    struct items *items = malloc(sizeof(*items));
    struct ndtmsg ndtm = { AF_INET6, 0, 0 };
    unsigned char parms[128];
    uint64_t base = 15000, retrans = 250;
    uint32_t ifindex = 7;
    size_t n;
    struct msg m;

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    n = nest_attr(parms, NDTPA_IFINDEX, &ifindex, sizeof(ifindex));
    n += nest_attr(parms + n, NDTPA_BASE_REACHABLE_TIME, &base, sizeof(base));
    n += nest_attr(parms + n, NDTPA_RETRANS_TIME, &retrans, sizeof(retrans));
    msg_init(&m, RTM_NEWNEIGHTBL, 0, &ndtm, sizeof(ndtm));
    msg_attr(&m, NDTA_NAME, "ndisc_cache", 12);
    msg_attr(&m, NDTA_PARMS, parms, n);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_EQUAL(items->v[0].type, NL_ITEM_NEIGH_PARMS);
    CU_ASSERT_EQUAL(items->v[0].u.neigh_parms.family, 6);
    CU_ASSERT_EQUAL(items->v[0].u.neigh_parms.ifindex, 7);
    CU_ASSERT_EQUAL(items->v[0].u.neigh_parms.reachable_ms, 15000);
    CU_ASSERT_EQUAL(items->v[0].u.neigh_parms.retrans_ms, 250);

    /* The table's own parameters (no index, or index 0) are no link's. */
    ifindex = 0;
    n = nest_attr(parms, NDTPA_IFINDEX, &ifindex, sizeof(ifindex));
    msg_init(&m, RTM_NEWNEIGHTBL, 0, &ndtm, sizeof(ndtm));
    msg_attr(&m, NDTA_PARMS, parms, n);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL(items->count, 0);
    n = nest_attr(parms, NDTPA_BASE_REACHABLE_TIME, &base, sizeof(base));
    msg_init(&m, RTM_NEWNEIGHTBL, 0, &ndtm, sizeof(ndtm));
    msg_attr(&m, NDTA_PARMS, parms, n);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL(items->count, 0);

    /* A 64-bit time in 32 bits: malformed. */
    ifindex = 7;
    n = nest_attr(parms, NDTPA_IFINDEX, &ifindex, sizeof(ifindex));
    n += nest_attr(parms + n, NDTPA_RETRANS_TIME, &ifindex, sizeof(ifindex));
    msg_init(&m, RTM_NEWNEIGHTBL, 0, &ndtm, sizeof(ndtm));
    msg_attr(&m, NDTA_PARMS, parms, n);
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    free(items);
}

static void test_maddr(void)
{
    struct items *items = malloc(sizeof(*items));
    struct ifaddrmsg ifa = { AF_INET6, 128, 0, RT_SCOPE_UNIVERSE, 3 };
    unsigned char group[16] = { 0xff, 0x02 }, any[16] = { 0xfd, 0x86 }, v4[4] = { 224, 0, 0, 1 };
    struct msg m;

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    group[15] = 1;
    /* A dump reply (RTM_GETMULTICAST), a kernel announcement (56, RTM_NEWMULTICAST) and its deletion (57). */
    msg_init(&m, RTM_GETMULTICAST, 0, &ifa, sizeof(ifa));
    msg_attr(&m, IFA_MULTICAST, group, 16);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_EQUAL(items->v[0].type, WN_WIRE_MADDR);
    CU_ASSERT_EQUAL(items->v[0].op, WN_WIRE_OP_ADD);
    CU_ASSERT_EQUAL(items->v[0].u.maddr.kind, WN_MADDR_MULTICAST);
    CU_ASSERT_EQUAL(items->v[0].u.maddr.family, 6);
    CU_ASSERT_EQUAL(items->v[0].u.maddr.ifindex, 3);
    CU_ASSERT(!memcmp(items->v[0].u.maddr.addr, group, 16));
    msg_init(&m, 57, 0, &ifa, sizeof(ifa));
    msg_attr(&m, IFA_MULTICAST, group, 16);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_EQUAL(items->v[0].op, WN_WIRE_OP_DEL);
    msg_init(&m, RTM_GETANYCAST, 0, &ifa, sizeof(ifa));
    msg_attr(&m, IFA_ANYCAST, any, 16);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_EQUAL(items->v[0].u.maddr.kind, WN_MADDR_ANYCAST);
    ifa.ifa_family = AF_INET;
    msg_init(&m, 56, 0, &ifa, sizeof(ifa));
    msg_attr(&m, IFA_MULTICAST, v4, 4);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_EQUAL(items->v[0].u.maddr.family, 4);
    CU_ASSERT(!memcmp(items->v[0].u.maddr.addr, v4, 4));

    /* Malformed: no address, an address of the other family's size, no link. */
    msg_init(&m, RTM_GETMULTICAST, 0, &ifa, sizeof(ifa));
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    msg_init(&m, RTM_GETMULTICAST, 0, &ifa, sizeof(ifa));
    msg_attr(&m, IFA_MULTICAST, group, 16);
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    ifa.ifa_index = 0;
    msg_init(&m, RTM_GETMULTICAST, 0, &ifa, sizeof(ifa));
    msg_attr(&m, IFA_MULTICAST, v4, 4);
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    free(items);
}

static void test_netconf(void)
{
    struct items *items = malloc(sizeof(*items));
    struct netconfmsg ncm = { AF_INET6 };
    struct msg m;
    uint16_t two = 2;

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    msg_init(&m, RTM_NEWNETCONF, 0, &ncm, sizeof(ncm));
    msg_u32(&m, NETCONFA_IFINDEX, 5);
    msg_u32(&m, NETCONFA_FORWARDING, 1);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_EQUAL(items->v[0].type, NL_ITEM_NETCONF);
    CU_ASSERT_EQUAL(items->v[0].u.netconf.family, 6);
    CU_ASSERT_EQUAL(items->v[0].u.netconf.ifindex, 5);
    CU_ASSERT_EQUAL(items->v[0].u.netconf.forwarding, 1);

    /* Another setting changed: the link is named, its forwarding not. */
    ncm.ncm_family = AF_INET;
    msg_init(&m, RTM_NEWNETCONF, 0, &ncm, sizeof(ncm));
    msg_u32(&m, NETCONFA_IFINDEX, (uint32_t)NETCONFA_IFINDEX_ALL);
    msg_u32(&m, NETCONFA_RP_FILTER, 1);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_EQUAL(items->v[0].u.netconf.ifindex, NETCONFA_IFINDEX_ALL);
    CU_ASSERT_EQUAL(items->v[0].u.netconf.forwarding, -1);

    /* No link named: nothing; a forwarding attribute of the wrong size: malformed. */
    msg_init(&m, RTM_NEWNETCONF, 0, &ncm, sizeof(ncm));
    msg_u32(&m, NETCONFA_FORWARDING, 1);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL(items->count, 0);
    msg_init(&m, RTM_NEWNETCONF, 0, &ncm, sizeof(ncm));
    msg_u32(&m, NETCONFA_IFINDEX, 5);
    msg_attr(&m, NETCONFA_FORWARDING, &two, sizeof(two));
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    free(items);
}

static void test_route_attributes(void)
{
    struct items *items = malloc(sizeof(*items));
    struct msg m;
    struct rtattr mp;
    size_t at;
    unsigned char dst[4] = { 198, 51, 100, 0 }, gw1[4] = { 192, 0, 2, 1 }, gw2[4] = { 192, 0, 2, 2 };

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    /* RTA_TABLE wins over rtm_table, both ways. */
    make_route(&m, RTM_NEWROUTE, NLM_F_REPLACE, 24, RT_TABLE_UNSPEC, 0);
    msg_u32(&m, RTA_TABLE, RT_TABLE_MAIN);
    msg_attr(&m, RTA_DST, dst, 4);
    msg_attr(&m, RTA_GATEWAY, gw1, 4);
    msg_u32(&m, RTA_OIF, 3);
    msg_u32(&m, RTA_PRIORITY, 20);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_TRUE(items->v[0].replace);
    CU_ASSERT_EQUAL(items->v[0].u.route.table, RT_TABLE_MAIN);
    CU_ASSERT_EQUAL(items->v[0].u.route.oif, 3);
    CU_ASSERT_EQUAL(items->v[0].u.route.metric, 20);
    CU_ASSERT_EQUAL(items->v[0].u.route.protocol, RTPROT_STATIC);
    CU_ASSERT(!memcmp(items->v[0].u.route.dst, dst, 4));
    CU_ASSERT(!memcmp(items->v[0].u.route.gateway, gw1, 4));
    make_route(&m, RTM_NEWROUTE, 0, 24, RT_TABLE_MAIN, 0);
    msg_u32(&m, RTA_TABLE, 1000);
    msg_attr(&m, RTA_DST, dst, 4);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL(items->count, 0);

    /* Cloned routes are skipped; a prefix without RTA_DST is malformed. */
    make_route(&m, RTM_NEWROUTE, 0, 24, RT_TABLE_MAIN, RTM_F_CLONED);
    msg_attr(&m, RTA_DST, dst, 4);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL(items->count, 0);
    make_route(&m, RTM_DELROUTE, 0, 24, RT_TABLE_MAIN, 0);
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);

    /* Multipath: one route per hop; a bad hop fails the message before anything is reported. */
    make_route(&m, RTM_DELROUTE, 0, 24, RT_TABLE_MAIN, 0);
    msg_attr(&m, RTA_DST, dst, 4);
    at = m.len;
    m.len += RTA_LENGTH(0);
    msg_nexthop(&m, 3, gw1);
    msg_nexthop(&m, 4, gw2);
    mp.rta_len = (unsigned short)(m.len - at);
    mp.rta_type = RTA_MULTIPATH;
    memcpy(m.u.bytes + at, &mp, sizeof(mp));
    m.u.align.nlmsg_len = (uint32_t)m.len;
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 2);
    CU_ASSERT_EQUAL(items->v[0].op, WN_WIRE_OP_DEL);
    CU_ASSERT_EQUAL(items->v[0].u.route.oif, 3);
    CU_ASSERT(!memcmp(items->v[0].u.route.gateway, gw1, 4));
    CU_ASSERT_EQUAL(items->v[1].u.route.oif, 4);
    CU_ASSERT(!memcmp(items->v[1].u.route.gateway, gw2, 4));
    /* The second hop claims more bytes than the block holds. */
    m.u.bytes[at + RTA_LENGTH(0) + RTNH_ALIGN(RTNH_LENGTH(RTA_SPACE(4)))] = 200;
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    CU_ASSERT_EQUAL(items->count, 0);
    free(items);
}

static int stop_at_first(void *ctx, const struct nl_item *item)
{
    (void)item;
    ++*(int *)ctx;
    return 42;
}

static void test_framing(void)
{
    struct items *items = malloc(sizeof(*items));
    struct msg m;
    struct fixture f = load("nl-dump-route4.bin");
    unsigned char local[4] = { 10, 0, 0, 1 };
    const struct nlmsghdr *nlh;
    struct rtattr bad;
    int calls = 0, len;

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    /* An attribute shorter than its own header, or longer than the message. */
    make_addr(&m, RTM_NEWADDR, AF_INET, 24);
    msg_attr(&m, IFA_ADDRESS, local, 4);
    bad.rta_len = 2;
    bad.rta_type = IFA_LABEL;
    memcpy(m.u.bytes + m.len, &bad, sizeof(bad));
    m.len += sizeof(bad);
    m.u.align.nlmsg_len = (uint32_t)m.len;
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    bad.rta_len = 64;
    memcpy(m.u.bytes + m.len - sizeof(bad), &bad, sizeof(bad));
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    /* Trailing bytes too few for an attribute header. */
    make_addr(&m, RTM_NEWADDR, AF_INET, 24);
    msg_attr(&m, IFA_ADDRESS, local, 4);
    m.len += 2;
    m.u.align.nlmsg_len = (uint32_t)m.len;
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    /* nlmsg_len below the header, or above what is readable. */
    make_addr(&m, RTM_NEWADDR, AF_INET, 24);
    msg_attr(&m, IFA_ADDRESS, local, 4);
    m.u.align.nlmsg_len = 8;
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    m.u.align.nlmsg_len = (uint32_t)m.len + 4;
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    /* Types we do not parse are fine, and carry nothing. */
    msg_init(&m, NLMSG_DONE, 0, &calls, sizeof(calls));
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL(items->count, 0);

    /* The callback's verdict stops the parse and is returned: the multipath route has two hops. */
    nlh = (const struct nlmsghdr *)f.data;
    for (len = (int)f.len; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len))
    {
        int before = calls;
        int r = nl_parse(nlh, (size_t)len, stop_at_first, &calls);
        CU_ASSERT(r == 0 || r == 42);
        CU_ASSERT_EQUAL(calls - before, r == 42);
    }
    /* Six messages of the main table (one with both hops) and six of the local table. */
    CU_ASSERT_EQUAL(calls, 12);
    free(items);
    free(f.data);
}

static void test_neigh_attributes(void)
{
    struct items *items = malloc(sizeof(*items));
    struct msg m;
    struct ndmsg ndm;
    struct nda_cacheinfo ci = { 150, 20, 3000, 0 };
    unsigned char dst[4] = { 10, 87, 0, 5 }, mac[6] = { 2, 0, 0x5e, 0x10, 0, 5 }, mcast[4] = { 224, 0, 0, 22 };
    unsigned char v6[16] = { 0xfe, 0x80, [15] = 9 }, all_nodes[16] = { 0xff, 0x02, [15] = 1 };

    CU_ASSERT_PTR_NOT_NULL_FATAL(items);
    memset(&ndm, 0, sizeof(ndm));
    ndm.ndm_family = AF_INET;
    ndm.ndm_ifindex = 4;
    ndm.ndm_state = NUD_REACHABLE;
    ndm.ndm_flags = NTF_ROUTER;
    ndm.ndm_type = RTN_UNICAST;
    msg_init(&m, RTM_NEWNEIGH, 0, &ndm, sizeof(ndm));
    msg_attr(&m, NDA_DST, dst, 4);
    msg_attr(&m, NDA_LLADDR, mac, 6);
    msg_attr(&m, NDA_CACHEINFO, &ci, sizeof(ci));
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_EQUAL(items->v[0].type, WN_WIRE_NEIGH);
    CU_ASSERT_EQUAL(items->v[0].op, WN_WIRE_OP_ADD);
    CU_ASSERT_EQUAL(items->v[0].u.neigh.family, 4);
    CU_ASSERT_EQUAL(items->v[0].u.neigh.ifindex, 4);
    CU_ASSERT_EQUAL(items->v[0].u.neigh.state, NUD_REACHABLE);
    CU_ASSERT_EQUAL(items->v[0].u.neigh.flags, NTF_ROUTER);
    CU_ASSERT_EQUAL(items->v[0].u.neigh.lladdr_len, 6);
    CU_ASSERT_EQUAL(memcmp(items->v[0].u.neigh.lladdr, mac, 6), 0);
    CU_ASSERT_EQUAL(memcmp(items->v[0].u.neigh.addr, dst, 4), 0);
    CU_ASSERT_EQUAL(items->v[0].u.neigh.confirmed, 150);
    CU_ASSERT_EQUAL(items->v[0].u.neigh.updated, 3000);

    /* An incomplete IPv6 entry has no link-layer address yet; its deletion is reported whatever its state. */
    ndm.ndm_family = AF_INET6;
    ndm.ndm_state = NUD_INCOMPLETE;
    ndm.ndm_flags = 0;
    msg_init(&m, RTM_NEWNEIGH, 0, &ndm, sizeof(ndm));
    msg_attr(&m, NDA_DST, v6, 16);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_EQUAL(items->v[0].u.neigh.lladdr_len, 0);
    ndm.ndm_state = NUD_NONE;
    msg_init(&m, RTM_DELNEIGH, 0, &ndm, sizeof(ndm));
    msg_attr(&m, NDA_DST, v6, 16);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL_FATAL(items->count, 1);
    CU_ASSERT_EQUAL(items->v[0].op, WN_WIRE_OP_DEL);

    /* What the kernel makes without a word is left out: a fresh unused entry, multicast mappings, proxies,
     * bridge entries. */
    msg_init(&m, RTM_NEWNEIGH, 0, &ndm, sizeof(ndm));
    msg_attr(&m, NDA_DST, v6, 16);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL(items->count, 0);
    ndm.ndm_state = NUD_NOARP;
    msg_init(&m, RTM_NEWNEIGH, 0, &ndm, sizeof(ndm));
    msg_attr(&m, NDA_DST, all_nodes, 16);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL(items->count, 0);
    ndm.ndm_family = AF_INET;
    msg_init(&m, RTM_NEWNEIGH, 0, &ndm, sizeof(ndm));
    msg_attr(&m, NDA_DST, mcast, 4);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL(items->count, 0);
    msg_init(&m, RTM_NEWNEIGH, 0, &ndm, sizeof(ndm));
    msg_attr(&m, NDA_DST, dst, 4);                     /* a unicast address mapped by rule (loopback) */
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL(items->count, 0);
    ndm.ndm_state = NUD_PERMANENT;
    ndm.ndm_flags = NTF_PROXY;
    msg_init(&m, RTM_NEWNEIGH, 0, &ndm, sizeof(ndm));
    msg_attr(&m, NDA_DST, dst, 4);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL(items->count, 0);
    ndm.ndm_flags = 0;
    ndm.ndm_family = AF_BRIDGE;
    msg_init(&m, RTM_NEWNEIGH, 0, &ndm, sizeof(ndm));
    msg_attr(&m, NDA_LLADDR, mac, 6);
    CU_ASSERT_EQUAL(parse_msg(&m, items), 0);
    CU_ASSERT_EQUAL(items->count, 0);

    /* Malformed: no destination, a destination of the wrong size, a link-layer address too long, no index. */
    ndm.ndm_family = AF_INET;
    msg_init(&m, RTM_NEWNEIGH, 0, &ndm, sizeof(ndm));
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    msg_init(&m, RTM_NEWNEIGH, 0, &ndm, sizeof(ndm));
    msg_attr(&m, NDA_DST, v6, 16);
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    {
        unsigned char longer[40] = { 0 };
        msg_init(&m, RTM_NEWNEIGH, 0, &ndm, sizeof(ndm));
        msg_attr(&m, NDA_DST, dst, 4);
        msg_attr(&m, NDA_LLADDR, longer, sizeof(longer));
        CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    }
    ndm.ndm_ifindex = 0;
    msg_init(&m, RTM_NEWNEIGH, 0, &ndm, sizeof(ndm));
    msg_attr(&m, NDA_DST, dst, 4);
    CU_ASSERT_EQUAL(parse_msg(&m, items), NL_PARSE_MALFORMED);
    free(items);
}

void register_nl_parse_tests(void)
{
    static const CU_TestInfo tests[] =
    {
        { "link dump", test_dump_links },
        { "address dumps", test_dump_addresses },
        { "route dumps", test_dump_routes },
        { "events", test_events },
        { "truncated messages", test_truncated },
        { "address attributes", test_addr_attributes },
        { "link attributes", test_link_attributes },
        { "netconf (forwarding)", test_netconf },
        { "a link's per-family settings (IFLA_AF_SPEC)", test_af_spec },
        { "a link's neighbour parameters (RTM_NEWNEIGHTBL)", test_neightbl },
        { "multicast groups and anycast addresses", test_maddr },
        { "route attributes", test_route_attributes },
        { "framing", test_framing },
        { "neighbour attributes", test_neigh_attributes },
        CU_TEST_INFO_NULL,
    };
    unit_add_suite("nl_parse", tests);
}
