/* The rtnetlink parser (host/nl_parse.c) on arbitrary datagrams, walked message by message as netlink.c walks
 * what the kernel sends.
 *
 * Besides the sanitizers' own checks, each message is parsed three ways that must agree: in place (the rest of the
 * datagram readable after it), copied alone into a buffer of exactly its length (ASan then catches a read past
 * nlmsg_len, not only past the datagram) and at an odd address (fields are copied out, never cast).  A malformed
 * message reports nothing, and every object reported is a record the DLL's decoder accepts unchanged: the helper
 * sends it as is, and a record the DLL refuses drops the connection. */
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "nl_parse.h"
#include "check.h"

#define MAX_ITEMS 64

struct items
{
    struct nl_item v[MAX_ITEMS];
    int count;
};

static void check_wire(const struct nl_item *item)
{
    uint8_t buf[WN_WIRE_MAX_RECORD];
    struct wn_wire_record rec;
    size_t len = wn_wire_encode(buf, sizeof(buf), item->type, item->op, &item->u, NULL, 0);

    CHECK(len > sizeof(struct wn_wire_header));
    CHECK(wn_wire_decode(buf, len, &rec) == (long)len);
    CHECK(rec.type == item->type && rec.op == item->op);
    CHECK(!memcmp(&rec.u, &item->u, len - sizeof(struct wn_wire_header)));
}

static int collect(void *ctx, const struct nl_item *item)
{
    struct items *items = ctx;

    CHECK(item->op == WN_WIRE_OP_ADD || item->op == WN_WIRE_OP_DEL);
    CHECK(!item->replace || (item->type == WN_WIRE_ROUTE && item->op == WN_WIRE_OP_ADD));
    switch (item->type)
    {
    case NL_ITEM_NETCONF:
        CHECK(item->u.netconf.family == 4 || item->u.netconf.family == 6);
        CHECK(item->u.netconf.forwarding >= -1 && item->u.netconf.forwarding <= 1);
        break;
    case WN_WIRE_LINK:
        CHECK(item->u.link.ifindex > 0 && item->u.link.ifindex <= 0x7fffffff);
        CHECK(memchr(item->u.link.name, 0, sizeof(item->u.link.name)) != NULL);
        check_wire(item);
        break;
    case WN_WIRE_ADDR:
        CHECK(item->u.addr.ifindex != 0);
        check_wire(item);
        break;
    case WN_WIRE_ROUTE:
        CHECK(item->u.route.table == RT_TABLE_MAIN);
        check_wire(item);
        break;
    case NL_ITEM_NEIGH_PARMS:
        CHECK(item->u.neigh.family == 4 || item->u.neigh.family == 6);
        CHECK(item->u.neigh.ifindex != 0);
        break;
    case WN_WIRE_MADDR:
        CHECK(item->u.maddr.ifindex != 0);
        check_wire(item);
        break;
    default:
        CHECK(!"an item of no known type");
    }
    if (items->count < MAX_ITEMS) memcpy(&items->v[items->count], item, sizeof(*item));
    items->count++;
    return 0;
}

static int parse(const void *msg, size_t len, struct items *items)
{
    int r;

    memset(items, 0, sizeof(*items));
    r = nl_parse(msg, len, collect, items);
    CHECK(r == 0 || r == NL_PARSE_MALFORMED);
    if (r) CHECK(items->count == 0);
    return r;
}

static void same(int r1, const struct items *a, int r2, const struct items *b)
{
    int n = a->count < MAX_ITEMS ? a->count : MAX_ITEMS;

    CHECK(r1 == r2);
    CHECK(a->count == b->count);
    CHECK(!memcmp(a->v, b->v, (size_t)n * sizeof(a->v[0])));
}

/* A callback's nonzero return stops the parse at once and is its result. */
static int stop(void *ctx, const struct nl_item *item)
{
    (void)item;
    ++*(int *)ctx;
    return 7;
}

/* NLMSG_OK, without its signed/unsigned comparison that clang warns about. */
static int msg_ok(const struct nlmsghdr *nlh, int len)
{
    return len >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) && nlh->nlmsg_len <= (unsigned int)len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct items in_place, alone, odd;
    const struct nlmsghdr *nlh = (const struct nlmsghdr *)data;
    int len = size > 0x10000 ? 0x10000 : (int)size;

    for (; msg_ok(nlh, len); nlh = NLMSG_NEXT(nlh, len))
    {
        size_t msg_len = nlh->nlmsg_len;
        uint8_t *exact = malloc(msg_len), *shifted = malloc(msg_len + 1);
        int r, calls = 0;

        CHECK(exact != NULL && shifted != NULL);
        r = parse(nlh, (size_t)len, &in_place);
        memcpy(exact, nlh, msg_len);
        same(r, &in_place, parse(exact, msg_len, &alone), &alone);
        memcpy(shifted + 1, nlh, msg_len);
        same(r, &in_place, parse(shifted + 1, msg_len, &odd), &odd);
        if (!r && in_place.count)
        {
            CHECK(nl_parse(nlh, (size_t)len, stop, &calls) == 7);
            CHECK(calls == 1);
        }
        free(exact);
        free(shifted);
    }
    /* The whole input as one message, as a datagram that lies about its first length starts. */
    if (size) parse(data, size, &in_place);
    return 0;
}
