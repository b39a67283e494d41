/* The change-request builder (host/nl_request.c) on arbitrary bodies, as a DLL (or anything that got hold of the
 * connection) could send them.  The first input byte picks address, route, neighbour or interface settings (its
 * value modulo 4), the next two the op, four more the sequence number; the rest is the body (cut, or padded with
 * zeros).
 *
 * Invariants: the rules of wire.h, restated here on their own, decide exactly which bodies are refused; an
 * accepted one gives a message within NL_REQUEST_MAX (in a buffer of exactly that size) whose header is right and
 * which our own rtnetlink parser reads back as the very object asked for. */
#include <stdlib.h>
#include <string.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "nl_parse.h"
#include "nl_request.h"
#include "check.h"

static int zero(const uint8_t *p, size_t len)
{
    while (len--)
        if (*p++) return 0;
    return 1;
}

static size_t size_of(uint8_t family)
{
    return family == 4 ? 4 : 16;
}

static unsigned int max_prefix(uint8_t family)
{
    return family == 4 ? 32 : 128;
}

/* A host's own address: not unspecified, not multicast (224/4, ff00::/8), not 255.255.255.255; nothing past the
 * family's size. */
static int unicast(uint8_t family, const uint8_t *a)
{
    size_t size = size_of(family);

    if (zero(a, size) || !zero(a + size, 16 - size)) return 0;
    if (family == 6) return a[0] != 0xff;
    return a[0] < 224 || a[0] > 239 ? !(a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255) : 0;
}

static int addr_allowed(uint16_t op, const struct wn_wire_addr *a)
{
    if (op != WN_WIRE_OP_ADD && op != WN_WIRE_OP_CHANGE && op != WN_WIRE_OP_DEL) return 0;
    if ((a->family != 4 && a->family != 6) || a->prefixlen > max_prefix(a->family)) return 0;
    if (!a->ifindex || a->scope || a->reserved || a->flags || a->stamp || !unicast(a->family, a->addr)) return 0;
    return op == WN_WIRE_OP_DEL || a->valid_lft >= a->preferred_lft;
}

static int link_allowed(const struct wn_wire_set_link *l)
{
    uint32_t f = l->fields;

    if (!l->ifindex || (l->family != 4 && l->family != 6) || l->reserved[0] || l->reserved[1] || l->reserved[2])
        return 0;
    if (!f || f > 0x3f) return 0;
    if ((f & WN_SET_LINK_MTU) && (l->mtu < (l->family == 4 ? 68u : 1280u) || l->mtu > 65535)) return 0;
    if ((f & WN_SET_LINK_FORWARDING) && l->forwarding > 1) return 0;
    if ((f & (WN_SET_LINK_DAD_TRANSMITS | WN_SET_LINK_ACCEPT_RA)) && l->family == 4) return 0;
    if ((f & WN_SET_LINK_DAD_TRANSMITS) && l->dad_transmits > 255) return 0;
    if ((f & WN_SET_LINK_ACCEPT_RA) && l->accept_ra > 2) return 0;
    if ((f & WN_SET_LINK_REACHABLE) && (!l->reachable_ms || l->reachable_ms > 3600000)) return 0;
    if ((f & WN_SET_LINK_RETRANS) && (!l->retrans_ms || l->retrans_ms > 3600000)) return 0;
    return 1;
}

static int route_allowed(uint16_t op, const struct wn_wire_route *r)
{
    unsigned int bit;

    if (op != WN_WIRE_OP_ADD && op != WN_WIRE_OP_DEL) return 0;
    if ((r->family != 4 && r->family != 6) || r->dst_len > max_prefix(r->family)) return 0;
    if (!r->oif || r->table || r->protocol || r->type || r->scope || !zero(r->reserved, sizeof(r->reserved)))
        return 0;
    for (bit = r->dst_len; bit < 128; bit++)
        if (r->dst[bit / 8] & (0x80 >> (bit % 8))) return 0;
    return zero(r->gateway, 16) || unicast(r->family, r->gateway);
}

static int neigh_allowed(uint16_t op, const struct wn_wire_neigh *n)
{
    if (op != WN_WIRE_OP_ADD && op != WN_WIRE_OP_CHANGE && op != WN_WIRE_OP_DEL) return 0;
    if ((n->family != 4 && n->family != 6) || !n->ifindex || n->ifindex > 0x7fffffffu) return 0;
    if (!unicast(n->family, n->addr)) return 0;
    if (n->flags || n->type || !zero(n->reserved, sizeof(n->reserved)) || n->confirmed || n->updated) return 0;
    if (n->lladdr_len > sizeof(n->lladdr) || !zero(n->lladdr + n->lladdr_len, sizeof(n->lladdr) - n->lladdr_len))
        return 0;
    if (op == WN_WIRE_OP_DEL) return !n->lladdr_len && !n->state;
    if (!n->lladdr_len) return op == WN_WIRE_OP_CHANGE && n->state == NUD_NONE;
    return n->state == NUD_PERMANENT || n->state == NUD_REACHABLE || n->state == NUD_STALE;
}

struct parsed
{
    struct nl_item item;
    int count;
};

static int collect(void *ctx, const struct nl_item *item)
{
    struct parsed *p = ctx;

    p->item = *item;
    p->count++;
    return 0;
}

/* The header of a built message, and what our parser reads in it (count: how many objects it must find). */
static struct nl_item check_message_count(const uint8_t *buf, size_t len, uint16_t type, uint32_t seq, int count)
{
    struct nlmsghdr nlh;
    struct parsed parsed = { .count = 0 };
    uint8_t *exact;

    CHECK(len >= NLMSG_HDRLEN && len <= NL_REQUEST_MAX && len % 4 == 0);
    memcpy(&nlh, buf, sizeof(nlh));
    CHECK(nlh.nlmsg_len == len && nlh.nlmsg_type == type && nlh.nlmsg_seq == seq);
    CHECK((nlh.nlmsg_flags & (NLM_F_REQUEST | NLM_F_ACK)) == (NLM_F_REQUEST | NLM_F_ACK));
    exact = malloc(len);
    CHECK(exact != NULL);
    memcpy(exact, buf, len);
    CHECK(nl_parse(exact, len, collect, &parsed) == 0);
    free(exact);
    CHECK(parsed.count == count);
    return parsed.item;
}

static struct nl_item check_message(const uint8_t *buf, size_t len, uint16_t type, uint32_t seq)
{
    return check_message_count(buf, len, type, seq, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    union
    {
        struct wn_wire_addr addr;
        struct wn_wire_route route;
        struct wn_wire_neigh neigh;
        struct wn_wire_set_link link;
    } body;
    uint8_t *buf;
    uint16_t op;
    uint32_t seq;
    size_t len;

    if (size < 7) return 0;
    memcpy(&op, data + 1, sizeof(op));
    memcpy(&seq, data + 3, sizeof(seq));
    memset(&body, 0, sizeof(body));
    memcpy(&body, data + 7, size - 7 < sizeof(body) ? size - 7 : sizeof(body));
    buf = malloc(NL_REQUEST_MAX);
    CHECK(buf != NULL);

    if (data[0] % 4 == 3)
    {
        /* An interface's settings: the rules decide, and each field asked for names one file of the link's own
         * (the IPv4 MTU none: it is an RTM_SETLINK). */
        const struct wn_wire_set_link *l = &body.link;
        char path[128], value[16];
        uint32_t field;

        CHECK((nl_request_link_check(l) == WN_RESULT_OK) == link_allowed(l));
        for (field = 1; field <= WN_SET_LINK_ALL; field <<= 1)
        {
            int made = nl_request_sysctl(l, field, "fuzz0", path, sizeof(path), value, sizeof(value));

            CHECK(!made || (link_allowed(l) && (l->fields & field)));
            if (made)
                CHECK(!strncmp(path, "/proc/sys/net/ipv", 17) && strstr(path, "/fuzz0/") && !strstr(path, ".."));
            if (link_allowed(l) && (l->fields & field)) CHECK(made == !(field == WN_SET_LINK_MTU && l->family == 4));
        }
        len = nl_request_link_mtu(buf, l->ifindex, l->mtu, seq);
        CHECK(!!len == (l->ifindex && l->ifindex <= 0x7fffffffu && l->mtu >= 68 && l->mtu <= 65535));
        if (len) CHECK(len <= NL_REQUEST_MAX);
    }
    else if (data[0] % 4 == 0)
    {
        const struct wn_wire_addr *a = &body.addr;
        struct nl_item item;

        len = nl_request_addr(buf, op, a, seq);
        CHECK(!!len == addr_allowed(op, a));
        if (len)
        {
            item = check_message(buf, len, op == WN_WIRE_OP_DEL ? RTM_DELADDR : RTM_NEWADDR, seq);
            /* A lifetime change is an RTM_NEWADDR, which the parser reads as an add. */
            CHECK(item.type == WN_WIRE_ADDR && item.op == (op == WN_WIRE_OP_DEL ? WN_WIRE_OP_DEL : WN_WIRE_OP_ADD));
            CHECK(item.u.addr.family == a->family && item.u.addr.prefixlen == a->prefixlen);
            CHECK(item.u.addr.ifindex == a->ifindex && !memcmp(item.u.addr.addr, a->addr, 16));
            if (op != WN_WIRE_OP_DEL)
                CHECK(item.u.addr.preferred_lft == a->preferred_lft && item.u.addr.valid_lft == a->valid_lft);
        }
    }
    else if (data[0] % 4 == 1)
    {
        const struct wn_wire_route *r = &body.route;
        struct nl_item item;

        len = nl_request_route(buf, op, r, seq);
        CHECK(!!len == route_allowed(op, r));
        if (len)
        {
            item = check_message(buf, len, op == WN_WIRE_OP_ADD ? RTM_NEWROUTE : RTM_DELROUTE, seq);
            CHECK(item.type == WN_WIRE_ROUTE && item.op == op && !item.replace);
            CHECK(item.u.route.family == r->family && item.u.route.dst_len == r->dst_len);
            CHECK(!memcmp(item.u.route.dst, r->dst, 16) && !memcmp(item.u.route.gateway, r->gateway, 16));
            CHECK(item.u.route.oif == r->oif && item.u.route.metric == r->metric);
            CHECK(item.u.route.table == RT_TABLE_MAIN);
        }
    }
    else
    {
        const struct wn_wire_neigh *n = &body.neigh;
        struct nl_item item;
        int resolve;

        len = nl_request_neigh(buf, op, n, seq);
        CHECK(!!len == neigh_allowed(op, n));
        if (len)
        {
            /* A request to resolve names no state: the parser, like the kernel, reports no such entry. */
            resolve = op != WN_WIRE_OP_DEL && !n->lladdr_len;
            item = check_message_count(buf, len, op == WN_WIRE_OP_DEL ? RTM_DELNEIGH : RTM_NEWNEIGH, seq, !resolve);
            if (!resolve)
            {
                CHECK(item.type == WN_WIRE_NEIGH);
                CHECK(item.op == (op == WN_WIRE_OP_DEL ? WN_WIRE_OP_DEL : WN_WIRE_OP_ADD));
                CHECK(item.u.neigh.family == n->family && item.u.neigh.ifindex == n->ifindex);
                CHECK(!memcmp(item.u.neigh.addr, n->addr, 16) && item.u.neigh.state == n->state);
                CHECK(item.u.neigh.lladdr_len == n->lladdr_len && !memcmp(item.u.neigh.lladdr, n->lladdr, 32));
            }
        }
    }
    free(buf);
    return 0;
}
