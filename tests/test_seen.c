/* The re-announcement filter (seen.c), alone and as the output applies it to what reaches the DLL. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "output.h"
#include "seen.h"
#include "unit.h"

static struct wn_wire_link make_link(uint32_t ifindex, uint32_t mtu)
{
    struct wn_wire_link link;

    memset(&link, 0, sizeof(link));
    link.ifindex = ifindex;
    link.mtu = mtu;
    link.flags = 0x1003;
    link.operstate = 6;
    strcpy(link.name, "eth0");
    return link;
}

static struct wn_wire_addr make_addr(uint32_t n, uint32_t preferred, uint32_t valid)
{
    struct wn_wire_addr addr;

    memset(&addr, 0, sizeof(addr));
    addr.ifindex = 2;
    addr.family = 6;
    addr.prefixlen = 64;
    addr.addr[0] = 0x20;
    addr.addr[1] = 0x01;
    memcpy(addr.addr + 12, &n, sizeof(n));
    addr.preferred_lft = preferred;
    addr.valid_lft = valid;
    return addr;
}

static void test_links(void)
{
    struct seen *seen = seen_new();
    struct wn_wire_link a = make_link(3, 1500), b = make_link(3, 9000), c = make_link(4, 1500);

    CU_ASSERT_PTR_NOT_NULL_FATAL(seen);
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_LINK, &a, NULL, 0), SEEN_NEW);
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_LINK, &a, NULL, 0), SEEN_SAME);
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_LINK, &b, NULL, 0), SEEN_CHANGED);
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_LINK, &b, NULL, 0), SEEN_SAME);
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_LINK, &c, NULL, 0), SEEN_NEW);
    CU_ASSERT_EQUAL(seen_count(seen, WN_WIRE_LINK), 2);
    /* The key is the ifindex alone: a DEL body need not match the last one sent. */
    CU_ASSERT_EQUAL(seen_forget(seen, WN_WIRE_LINK, &a, NULL, 0), 1);
    CU_ASSERT_EQUAL(seen_forget(seen, WN_WIRE_LINK, &a, NULL, 0), 0);
    CU_ASSERT_EQUAL(seen_count(seen, WN_WIRE_LINK), 1);
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_LINK, &b, NULL, 0), SEEN_NEW);
    seen_free(seen);
}

static void test_address_lifetimes(void)
{
    struct seen *seen = seen_new();
    struct wn_wire_addr addr = make_addr(1, 1800, 3600), other;

    CU_ASSERT_PTR_NOT_NULL_FATAL(seen);
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ADDR, &addr, NULL, 0), SEEN_NEW);
    /* Re-announced 600 s later (a dump, an unchanged router advertisement): less time left, the same end, give or
     * take the rounding of the kernel's count and of the stamp. */
    addr.stamp = 1000;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ADDR, &addr, NULL, 0), SEEN_CHANGED);
    other = make_addr(1, 1200, 3000);
    other.stamp = 1600;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ADDR, &other, NULL, 0), SEEN_SAME);
    other = make_addr(1, 1199, 3001);
    other.stamp = 1601;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ADDR, &other, NULL, 0), SEEN_SAME);
    /* Extended (SetUnicastIpAddressEntry, ip addr change): the lifetime ends later, which is news once. */
    other = make_addr(1, 86400, 86400 * 2);
    other.stamp = 1602;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ADDR, &other, NULL, 0), SEEN_CHANGED);
    other = make_addr(1, 86400 - 100, 86400 * 2 - 100);
    other.stamp = 1702;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ADDR, &other, NULL, 0), SEEN_SAME);
    /* Shortened to less than the countdown had reached: news too, the valid lifetime alone as well. */
    other = make_addr(1, 60, 86400 * 2 - 100);
    other.stamp = 1702;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ADDR, &other, NULL, 0), SEEN_CHANGED);
    other = make_addr(1, 60, 120);
    other.stamp = 1702;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ADDR, &other, NULL, 0), SEEN_CHANGED);
    /* A stamp that moved back with the lifetime left the same (a new boot's helper): the end moved. */
    other.stamp = 10;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ADDR, &other, NULL, 0), SEEN_CHANGED);
    /* Deprecated: preferred lifetime reached 0. */
    other = make_addr(1, 0, 3000);
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ADDR, &other, NULL, 0), SEEN_CHANGED);
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ADDR, &other, NULL, 0), SEEN_SAME);
    /* Made permanent. */
    other = make_addr(1, 0xffffffffu, 0xffffffffu);
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ADDR, &other, NULL, 0), SEEN_CHANGED);
    other = make_addr(1, 0xffffffffu, 100);
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ADDR, &other, NULL, 0), SEEN_CHANGED);
    /* Anything else is a change: DAD finished. */
    other.flags = 0x40;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ADDR, &other, NULL, 0), SEEN_CHANGED);
    other.flags = 0;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ADDR, &other, NULL, 0), SEEN_CHANGED);
    /* Another prefix length is another address. */
    other.prefixlen = 48;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ADDR, &other, NULL, 0), SEEN_NEW);
    CU_ASSERT_EQUAL(seen_count(seen, WN_WIRE_ADDR), 2);
    seen_free(seen);
}

static void test_routes(void)
{
    struct seen *seen = seen_new();
    struct wn_wire_route route, other;

    CU_ASSERT_PTR_NOT_NULL_FATAL(seen);
    memset(&route, 0, sizeof(route));
    route.family = 4;
    route.dst_len = 24;
    route.dst[0] = 10;
    route.gateway[0] = 192;
    route.oif = 2;
    route.metric = 100;
    route.table = 254;
    route.protocol = 3;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ROUTE, &route, NULL, 0), SEEN_NEW);
    other = route;
    other.protocol = 4;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ROUTE, &other, NULL, 0), SEEN_CHANGED);
    /* Each key field makes another route: next hops of one prefix are separate rows. */
    other.gateway[3] = 1;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ROUTE, &other, NULL, 0), SEEN_NEW);
    other.oif = 3;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ROUTE, &other, NULL, 0), SEEN_NEW);
    other.metric = 5;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ROUTE, &other, NULL, 0), SEEN_NEW);
    other.dst_len = 16;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ROUTE, &other, NULL, 0), SEEN_NEW);
    CU_ASSERT_EQUAL(seen_count(seen, WN_WIRE_ROUTE), 5);
    seen_free(seen);
}

static const char props_a[] = "ACTION=add\0DEVPATH=/devices/virtual/net/tun0\0SUBSYSTEM=net\0SEQNUM=100\0IFINDEX=5";
static const char props_b[] = "ACTION=change\0DEVPATH=/devices/virtual/net/tun0\0SUBSYSTEM=net\0SEQNUM=107\0IFINDEX=5";
static const char props_c[] = "DEVPATH=/devices/virtual/net/tun0\0SUBSYSTEM=net\0IFINDEX=5";
static const char props_d[] = "DEVPATH=/devices/virtual/net/tun0\0SUBSYSTEM=net\0IFINDEX=5\0INTERFACE=tun0";
static const char props_nokey[] = "SUBSYSTEM=net";

static void test_devices(void)
{
    struct seen *seen = seen_new();
    struct wn_wire_device dev = { 100, 5, 0, 0 };

    CU_ASSERT_PTR_NOT_NULL_FATAL(seen);
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_DEVICE, &dev, props_a, sizeof(props_a)), SEEN_NEW);
    /* Another event for the same device with the same properties: only SEQNUM and ACTION moved. */
    dev.seqnum = 107;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_DEVICE, &dev, props_b, sizeof(props_b)), SEEN_SAME);
    /* As enumerated from /sys, without SEQNUM and ACTION. */
    dev.seqnum = 0;
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_DEVICE, &dev, props_c, sizeof(props_c)), SEEN_SAME);
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_DEVICE, &dev, props_d, sizeof(props_d)), SEEN_CHANGED);
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_DEVICE, &dev, props_nokey, sizeof(props_nokey)), SEEN_ERROR);
    CU_ASSERT_EQUAL(seen_count(seen, WN_WIRE_DEVICE), 1);
    CU_ASSERT_EQUAL(seen_forget(seen, WN_WIRE_DEVICE, &dev, props_c, sizeof(props_c)), 1);
    CU_ASSERT_EQUAL(seen_count(seen, WN_WIRE_DEVICE), 0);
    seen_free(seen);
}

static void test_clear(void)
{
    struct seen *seen = seen_new();
    struct wn_wire_link link = make_link(1, 1500);
    struct wn_wire_addr addr = make_addr(1, 0, 0);

    CU_ASSERT_PTR_NOT_NULL_FATAL(seen);
    seen_update(seen, WN_WIRE_LINK, &link, NULL, 0);
    seen_update(seen, WN_WIRE_ADDR, &addr, NULL, 0);
    seen_clear(seen, WN_TABLE_ADDR);
    CU_ASSERT_EQUAL(seen_count(seen, WN_WIRE_LINK), 1);
    CU_ASSERT_EQUAL(seen_count(seen, WN_WIRE_ADDR), 0);
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_ADDR, &addr, NULL, 0), SEEN_NEW);
    CU_ASSERT_EQUAL(seen_update(seen, WN_WIRE_LINK, &link, NULL, 0), SEEN_SAME);
    seen_free(seen);
}

/* Tens of thousands of addresses: insertions, lookups and deletions in any order stay exact (the deletion
 * shifts probe runs, which a wrong shift would break for keys after the hole). */
static void test_scale(void)
{
    enum { N = 40000 };
    struct seen *seen = seen_new();
    uint32_t i;
    int wrong = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(seen);
    for (i = 0; i < N; i++)
    {
        struct wn_wire_addr addr = make_addr(i * 2654435761u, 0xffffffffu, 0xffffffffu);
        wrong += seen_update(seen, WN_WIRE_ADDR, &addr, NULL, 0) != SEEN_NEW;
    }
    CU_ASSERT_EQUAL(seen_count(seen, WN_WIRE_ADDR), N);
    for (i = 0; i < N; i += 3)
    {
        struct wn_wire_addr addr = make_addr(i * 2654435761u, 0, 0);
        wrong += seen_forget(seen, WN_WIRE_ADDR, &addr, NULL, 0) != 1;
    }
    for (i = 0; i < N; i++)
    {
        struct wn_wire_addr addr = make_addr(i * 2654435761u, 0xffffffffu, 0xffffffffu);
        wrong += seen_update(seen, WN_WIRE_ADDR, &addr, NULL, 0) != (i % 3 ? SEEN_SAME : SEEN_NEW);
    }
    CU_ASSERT_EQUAL(wrong, 0);
    CU_ASSERT_EQUAL(seen_count(seen, WN_WIRE_ADDR), N);
    seen_free(seen);
}

/* The output over a socket pair: what the DLL would read. */
struct pipe_out
{
    int fds[2];
    struct output *out;
    unsigned char buf[256 * 1024];
    size_t len;
};

static void open_out(struct pipe_out *p)
{
    CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, p->fds), 0);
    fcntl(p->fds[1], F_SETFL, O_NONBLOCK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p->out = output_new(p->fds[0]));
    p->len = 0;
}

static void close_out(struct pipe_out *p)
{
    output_free(p->out);
    close(p->fds[0]);
    close(p->fds[1]);
}

/* Reads what arrived and decodes it into recs; returns the count. */
static int read_records(struct pipe_out *p, struct wn_wire_record *recs, int max)
{
    size_t done = 0;
    ssize_t n;
    long r;
    int count = 0;

    while ((n = read(p->fds[1], p->buf + p->len, sizeof(p->buf) - p->len)) > 0) p->len += (size_t)n;
    while (count < max && (r = wn_wire_decode(p->buf + done, p->len - done, &recs[count])) > 0)
    {
        done += (size_t)r;
        count++;
    }
    memmove(p->buf, p->buf + done, p->len - done);
    p->len -= done;
    return count;
}

static void test_output_ops(void)
{
    struct pipe_out *p = malloc(sizeof(*p));
    struct wn_wire_record recs[16];
    struct wn_wire_link a = make_link(3, 1500), b = make_link(3, 9000), gone = make_link(8, 1500);

    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    open_out(p);
    /* A NEW of an unknown key is an ADD; the same again nothing; a different body a CHANGE. */
    CU_ASSERT_EQUAL(output_record(p->out, WN_WIRE_LINK, WN_WIRE_OP_ADD, &a, NULL, 0), 0);
    CU_ASSERT_EQUAL(output_record(p->out, WN_WIRE_LINK, WN_WIRE_OP_ADD, &a, NULL, 0), 0);
    CU_ASSERT_EQUAL(output_record(p->out, WN_WIRE_LINK, WN_WIRE_OP_ADD, &b, NULL, 0), 0);
    /* A DEL of a key the DLL never heard of is no news either. */
    CU_ASSERT_EQUAL(output_record(p->out, WN_WIRE_LINK, WN_WIRE_OP_DEL, &gone, NULL, 0), 0);
    CU_ASSERT_EQUAL(output_record(p->out, WN_WIRE_LINK, WN_WIRE_OP_DEL, &a, NULL, 0), 0);
    /* Queued, not written, until flushed. */
    CU_ASSERT_EQUAL(read_records(p, recs, 16), 0);
    CU_ASSERT_EQUAL(output_flush(p->out), 0);
    CU_ASSERT_EQUAL_FATAL(read_records(p, recs, 16), 3);
    CU_ASSERT_EQUAL(recs[0].op, WN_WIRE_OP_ADD);
    CU_ASSERT_EQUAL(recs[0].u.link.mtu, 1500);
    CU_ASSERT_EQUAL(recs[1].op, WN_WIRE_OP_CHANGE);
    CU_ASSERT_EQUAL(recs[1].u.link.mtu, 9000);
    CU_ASSERT_EQUAL(recs[2].op, WN_WIRE_OP_DEL);

    /* A snapshot lists everything as ADD, known or not, and rebuilds the filter from what it lists. */
    CU_ASSERT_EQUAL(output_record(p->out, WN_WIRE_LINK, WN_WIRE_OP_ADD, &gone, NULL, 0), 0);
    CU_ASSERT_EQUAL(output_snapshot_begin(p->out, WN_TABLE_LINK, WN_REASON_RESYNC), 0);
    CU_ASSERT_EQUAL(output_record(p->out, WN_WIRE_LINK, WN_WIRE_OP_ADD, &a, NULL, 0), 0);
    CU_ASSERT_EQUAL(output_snapshot_end(p->out, WN_TABLE_LINK, WN_REASON_RESYNC), 0);
    CU_ASSERT_EQUAL(output_record(p->out, WN_WIRE_LINK, WN_WIRE_OP_ADD, &a, NULL, 0), 0);
    CU_ASSERT_EQUAL(output_record(p->out, WN_WIRE_LINK, WN_WIRE_OP_DEL, &gone, NULL, 0), 0);
    CU_ASSERT_EQUAL(output_flush(p->out), 0);
    CU_ASSERT_EQUAL_FATAL(read_records(p, recs, 16), 4);
    CU_ASSERT_EQUAL(recs[0].op, WN_WIRE_OP_ADD);
    CU_ASSERT_EQUAL(recs[0].u.link.ifindex, 8);
    CU_ASSERT_EQUAL(recs[1].type, WN_WIRE_SNAPSHOT_BEGIN);
    CU_ASSERT_EQUAL(recs[1].u.snapshot.tables, WN_TABLE_LINK);
    CU_ASSERT_EQUAL(recs[1].u.snapshot.reason, WN_REASON_RESYNC);
    CU_ASSERT_EQUAL(recs[2].op, WN_WIRE_OP_ADD);
    CU_ASSERT_EQUAL(recs[2].u.link.ifindex, 3);
    CU_ASSERT_EQUAL(recs[3].type, WN_WIRE_SNAPSHOT_END);
    close_out(p);
    free(p);
}

static void test_output_buffering(void)
{
    struct pipe_out *p = malloc(sizeof(*p));
    struct wn_wire_record *recs = malloc(3000 * sizeof(*recs));
    uint32_t i;
    int count, wrong = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(recs);
    open_out(p);
    /* 2000 records of 44 bytes outgrow the buffer: the first part goes out unasked, in one large write. */
    for (i = 0; i < 2000; i++)
    {
        struct wn_wire_addr addr = make_addr(i, 0xffffffffu, 0xffffffffu);
        CU_ASSERT_EQUAL(output_record(p->out, WN_WIRE_ADDR, WN_WIRE_OP_ADD, &addr, NULL, 0), 0);
    }
    count = read_records(p, recs, 3000);
    CU_ASSERT(count > 1000 && count < 2000);
    CU_ASSERT_EQUAL(output_flush(p->out), 0);
    count += read_records(p, recs + count, 3000 - count);
    CU_ASSERT_EQUAL(count, 2000);
    for (i = 0; i < (uint32_t)count; i++)
    {
        uint32_t n;
        memcpy(&n, recs[i].u.addr.addr + 12, sizeof(n));
        wrong += recs[i].type != WN_WIRE_ADDR || recs[i].op != WN_WIRE_OP_ADD || n != i;
    }
    CU_ASSERT_EQUAL(wrong, 0);

    /* The DLL went away: the output says so, now and from then on. */
    close(p->fds[1]);
    p->fds[1] = open("/dev/null", O_RDONLY);
    CU_ASSERT_EQUAL(output_record(p->out, WN_WIRE_ADDR, WN_WIRE_OP_DEL, &recs[0].u.addr, NULL, 0), 0);
    CU_ASSERT_EQUAL(output_flush(p->out), -1);
    CU_ASSERT_EQUAL(output_record(p->out, WN_WIRE_ADDR, WN_WIRE_OP_DEL, &recs[1].u.addr, NULL, 0), -1);
    close_out(p);
    free(recs);
    free(p);
}

void register_seen_tests(void)
{
    static const CU_TestInfo tests[] =
    {
        { "links", test_links },
        { "address lifetimes", test_address_lifetimes },
        { "routes", test_routes },
        { "devices", test_devices },
        { "clear one table", test_clear },
        { "40000 addresses", test_scale },
        { "output ops", test_output_ops },
        { "output buffering", test_output_buffering },
        CU_TEST_INFO_NULL,
    };
    unit_add_suite("seen", tests);
}
