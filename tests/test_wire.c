/* The wire protocol: round trips of every record type, streams cut anywhere, and malformed input. */
#include <string.h>

#include "unit.h"
#include "winenotify/wire.h"

static uint8_t buf[WN_WIRE_MAX_RECORD * 4];

static struct wn_wire_link sample_link(void)
{
    struct wn_wire_link link;

    memset(&link, 0, sizeof(link));
    link.ifindex = 7;
    link.flags = 0x1043;
    link.mtu = 1500;
    link.type = 1;
    link.operstate = 6;
    link.addr_len = 6;
    memcpy(link.addr, "\x02\x00\x00\xaa\xbb\xcc", 6);
    strcpy(link.name, "veth0");
    return link;
}

static void test_round_trip_objects(void)
{
    struct wn_wire_link link = sample_link();
    struct wn_wire_addr addr;
    struct wn_wire_route route;
    struct wn_wire_record rec;
    size_t n1, n2, n3;

    memset(&addr, 0, sizeof(addr));
    addr.ifindex = 7;
    addr.family = 6;
    addr.prefixlen = 64;
    addr.flags = 0x40 | 0x100; /* tentative, and a bit only the 32-bit IFA_FLAGS attribute can carry */
    addr.preferred_lft = addr.valid_lft = 0xffffffff;
    memcpy(addr.addr, "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16);

    memset(&route, 0, sizeof(route));
    route.family = 4;
    route.dst_len = 24;
    route.table = 254;
    route.oif = 7;
    route.metric = 100;
    memcpy(route.dst, "\x0a\x09\x00\x00", 4);

    n1 = wn_wire_encode(buf, sizeof(buf), WN_WIRE_LINK, WN_WIRE_OP_ADD, &link, NULL, 0);
    n2 = wn_wire_encode(buf + n1, sizeof(buf) - n1, WN_WIRE_ADDR, WN_WIRE_OP_CHANGE, &addr, NULL, 0);
    n3 = wn_wire_encode(buf + n1 + n2, sizeof(buf) - n1 - n2, WN_WIRE_ROUTE, WN_WIRE_OP_DEL, &route, NULL, 0);
    CU_ASSERT_EQUAL(n1, 8 + sizeof(link));
    CU_ASSERT_EQUAL(n2, 8 + sizeof(addr));
    CU_ASSERT_EQUAL(n3, 8 + sizeof(route));

    CU_ASSERT_EQUAL_FATAL(wn_wire_decode(buf, n1 + n2 + n3, &rec), (long)n1);
    CU_ASSERT_EQUAL(rec.type, WN_WIRE_LINK);
    CU_ASSERT_EQUAL(rec.op, WN_WIRE_OP_ADD);
    CU_ASSERT_EQUAL(memcmp(&rec.u.link, &link, sizeof(link)), 0);

    CU_ASSERT_EQUAL_FATAL(wn_wire_decode(buf + n1, n2 + n3, &rec), (long)n2);
    CU_ASSERT_EQUAL(rec.type, WN_WIRE_ADDR);
    CU_ASSERT_EQUAL(rec.op, WN_WIRE_OP_CHANGE);
    CU_ASSERT_EQUAL(memcmp(&rec.u.addr, &addr, sizeof(addr)), 0);

    CU_ASSERT_EQUAL_FATAL(wn_wire_decode(buf + n1 + n2, n3, &rec), (long)n3);
    CU_ASSERT_EQUAL(rec.type, WN_WIRE_ROUTE);
    CU_ASSERT_EQUAL(rec.op, WN_WIRE_OP_DEL);
    CU_ASSERT_EQUAL(memcmp(&rec.u.route, &route, sizeof(route)), 0);
}

static void test_round_trip_control(void)
{
    struct wn_wire_hello hello = { .version = WN_WIRE_VERSION, .pid = 1234 };
    struct wn_wire_snapshot snap = { WN_TABLE_ALL, WN_REASON_RESYNC };
    struct wn_wire_dump dump = { WN_TABLE_ADDR };
    struct wn_wire_record rec;
    size_t n;

    memset(hello.token, 0xa5, sizeof(hello.token));
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_HELLO, WN_WIRE_OP_NONE, &hello, NULL, 0);
    CU_ASSERT_EQUAL_FATAL(wn_wire_decode(buf, n, &rec), (long)n);
    CU_ASSERT_EQUAL(rec.u.hello.pid, 1234);
    CU_ASSERT_EQUAL(memcmp(rec.u.hello.token, hello.token, sizeof(hello.token)), 0);

    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_SNAPSHOT_END, WN_WIRE_OP_NONE, &snap, NULL, 0);
    CU_ASSERT_EQUAL_FATAL(wn_wire_decode(buf, n, &rec), (long)n);
    CU_ASSERT_EQUAL(rec.type, WN_WIRE_SNAPSHOT_END);
    CU_ASSERT_EQUAL(rec.u.snapshot.tables, WN_TABLE_ALL);
    CU_ASSERT_EQUAL(rec.u.snapshot.reason, WN_REASON_RESYNC);

    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_DUMP, WN_WIRE_OP_NONE, &dump, NULL, 0);
    CU_ASSERT_EQUAL_FATAL(wn_wire_decode(buf, n, &rec), (long)n);
    CU_ASSERT_EQUAL(rec.u.dump.tables, WN_TABLE_ADDR);
}

static const char props[] = "ACTION=add\0DEVPATH=/devices/virtual/net/wntun0\0SUBSYSTEM=net\0INTERFACE=wntun0\0IFINDEX=2";

static void test_maddr(void)
{
    struct wn_wire_maddr m;
    struct wn_wire_record rec;
    size_t n;

    memset(&m, 0, sizeof(m));
    m.ifindex = 4;
    m.family = 6;
    m.kind = WN_MADDR_MULTICAST;
    m.addr[0] = 0xff;
    m.addr[1] = 0x02;
    m.addr[15] = 1;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_MADDR, WN_WIRE_OP_ADD, &m, NULL, 0);
    CU_ASSERT_EQUAL_FATAL(wn_wire_decode(buf, n, &rec), (long)n);
    CU_ASSERT_EQUAL(rec.type, WN_WIRE_MADDR);
    CU_ASSERT_EQUAL(memcmp(&rec.u.maddr, &m, sizeof(m)), 0);
    /* Refused: another kind, a reserved byte, no link, bytes past an IPv4 address. */
    m.kind = 3;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_MADDR, WN_WIRE_OP_ADD, &m, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
    m.kind = WN_MADDR_ANYCAST;
    m.reserved[1] = 1;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_MADDR, WN_WIRE_OP_DEL, &m, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
    m.reserved[1] = 0;
    m.ifindex = 0;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_MADDR, WN_WIRE_OP_DEL, &m, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
    m.ifindex = 4;
    m.family = 4;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_MADDR, WN_WIRE_OP_ADD, &m, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
}

static void test_requests(void)
{
    struct wn_wire_set_addr set_addr;
    struct wn_wire_set_route set_route;
    struct wn_wire_reply reply = { 77, WN_RESULT_EXISTS };
    struct wn_wire_record rec;
    size_t n;

    memset(&set_addr, 0, sizeof(set_addr));
    set_addr.id = 5;
    set_addr.addr.family = 6;
    set_addr.addr.prefixlen = 64;
    set_addr.addr.ifindex = 3;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, &set_addr, NULL, 0);
    CU_ASSERT_EQUAL_FATAL(wn_wire_decode(buf, n, &rec), (long)n);
    CU_ASSERT_EQUAL(rec.type, WN_WIRE_SET_ADDR);
    CU_ASSERT_EQUAL(rec.op, WN_WIRE_OP_ADD);
    CU_ASSERT_EQUAL(memcmp(&rec.u.set_addr, &set_addr, sizeof(set_addr)), 0);
    /* An address request adds, deletes, or changes the lifetimes; a route request never changes; a link
     * request only changes. */
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_SET_ADDR, WN_WIRE_OP_CHANGE, &set_addr, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), (long)n);
    CU_ASSERT_EQUAL(rec.op, WN_WIRE_OP_CHANGE);
    {
        struct wn_wire_set_link set_link;

        memset(&set_link, 0, sizeof(set_link));
        set_link.id = 8;
        set_link.ifindex = 3;
        set_link.family = 6;
        set_link.fields = WN_SET_LINK_MTU;
        set_link.mtu = 1400;
        n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_SET_LINK, WN_WIRE_OP_CHANGE, &set_link, NULL, 0);
        CU_ASSERT_EQUAL_FATAL(wn_wire_decode(buf, n, &rec), (long)n);
        CU_ASSERT_EQUAL(rec.type, WN_WIRE_SET_LINK);
        CU_ASSERT_EQUAL(memcmp(&rec.u.set_link, &set_link, sizeof(set_link)), 0);
        CU_ASSERT_EQUAL(wn_wire_encode(buf, sizeof(buf), WN_WIRE_SET_LINK, WN_WIRE_OP_ADD, &set_link, NULL, 0), 0);
        CU_ASSERT_EQUAL(wn_wire_encode(buf, sizeof(buf), WN_WIRE_SET_LINK, WN_WIRE_OP_DEL, &set_link, NULL, 0), 0);
    }
    set_addr.addr.prefixlen = 129;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_SET_ADDR, WN_WIRE_OP_DEL, &set_addr, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);

    memset(&set_route, 0, sizeof(set_route));
    set_route.id = 6;
    set_route.route.family = 4;
    set_route.route.dst_len = 16;
    set_route.route.oif = 2;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_SET_ROUTE, WN_WIRE_OP_DEL, &set_route, NULL, 0);
    CU_ASSERT_EQUAL_FATAL(wn_wire_decode(buf, n, &rec), (long)n);
    CU_ASSERT_EQUAL(rec.u.set_route.id, 6);
    CU_ASSERT_EQUAL(rec.u.set_route.route.oif, 2);
    set_route.route.family = 5;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_SET_ROUTE, WN_WIRE_OP_ADD, &set_route, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);

    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_REPLY, WN_WIRE_OP_NONE, &reply, NULL, 0);
    CU_ASSERT_EQUAL_FATAL(wn_wire_decode(buf, n, &rec), (long)n);
    CU_ASSERT_EQUAL(rec.u.reply.id, 77);
    CU_ASSERT_EQUAL(rec.u.reply.result, WN_RESULT_EXISTS);
    reply.result = WN_RESULT_LAST + 1;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_REPLY, WN_WIRE_OP_NONE, &reply, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
}

static void test_device_properties(void)
{
    struct wn_wire_device dev = { .seqnum = 99, .ifindex = 2, .props_len = 1 /* overwritten */ };
    struct wn_wire_record rec;
    size_t n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_DEVICE, WN_WIRE_OP_ADD, &dev, props, sizeof(props));

    CU_ASSERT_EQUAL_FATAL(n, 8 + sizeof(dev) + sizeof(props));
    CU_ASSERT_EQUAL_FATAL(wn_wire_decode(buf, n, &rec), (long)n);
    CU_ASSERT_EQUAL(rec.u.device.props_len, sizeof(props));
    CU_ASSERT_EQUAL(rec.u.device.ifindex, 2);
    CU_ASSERT_STRING_EQUAL(wn_wire_prop(rec.props, rec.u.device.props_len, "SUBSYSTEM"), "net");
    CU_ASSERT_STRING_EQUAL(wn_wire_prop(rec.props, rec.u.device.props_len, "IFINDEX"), "2");
    CU_ASSERT_PTR_NULL(wn_wire_prop(rec.props, rec.u.device.props_len, "DEVNAME"));
    /* A key that is a prefix of another is not matched by it. */
    CU_ASSERT_PTR_NULL(wn_wire_prop(rec.props, rec.u.device.props_len, "DEV"));

    /* Unterminated property blocks are refused on both sides. */
    CU_ASSERT_EQUAL(wn_wire_encode(buf, sizeof(buf), WN_WIRE_DEVICE, WN_WIRE_OP_ADD, &dev, props, sizeof(props) - 1), 0);
    buf[n - 1] = 'x';
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
}

/* A reader gets the stream in arbitrary pieces: every cut must ask for more, never misparse. */
static void test_every_cut_needs_more(void)
{
    struct wn_wire_link link = sample_link();
    struct wn_wire_device dev = { 0 };
    struct wn_wire_record rec;
    size_t n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_LINK, WN_WIRE_OP_ADD, &link, NULL, 0), i;
    size_t m = wn_wire_encode(buf + n, sizeof(buf) - n, WN_WIRE_DEVICE, WN_WIRE_OP_DEL, &dev, props, sizeof(props));

    for (i = 0; i < n; i++) CU_ASSERT_EQUAL(wn_wire_decode(buf, i, &rec), 0);
    for (i = 0; i < m; i++) CU_ASSERT_EQUAL(wn_wire_decode(buf + n, i, &rec), 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf + n, m, &rec), (long)m);
}

static void put_header(uint32_t length, uint16_t type, uint16_t op)
{
    struct wn_wire_header hdr = { length, type, op };
    memcpy(buf, &hdr, sizeof(hdr));
}

static void test_malformed(void)
{
    struct wn_wire_link link = sample_link();
    struct wn_wire_addr addr = { .family = 4, .prefixlen = 33 };
    struct wn_wire_route route = { .family = 5 };
    struct wn_wire_snapshot snap = { 0, WN_REASON_INITIAL };
    struct wn_wire_record rec;
    size_t n;

    memset(buf, 0, sizeof(buf));
    put_header(8 + sizeof(link), 99, 0);                      /* unknown type */
    CU_ASSERT_EQUAL(wn_wire_decode(buf, sizeof(buf), &rec), -1);
    put_header(8 + sizeof(link) - 1, WN_WIRE_LINK, 1);         /* short */
    CU_ASSERT_EQUAL(wn_wire_decode(buf, sizeof(buf), &rec), -1);
    put_header(8 + sizeof(link) + 4, WN_WIRE_LINK, 1);         /* long */
    CU_ASSERT_EQUAL(wn_wire_decode(buf, sizeof(buf), &rec), -1);
    put_header(0xffffffff, WN_WIRE_DEVICE, 1);                 /* absurd */
    CU_ASSERT_EQUAL(wn_wire_decode(buf, sizeof(buf), &rec), -1);
    put_header(8 + sizeof(link), WN_WIRE_LINK, 0);             /* object without op */
    CU_ASSERT_EQUAL(wn_wire_decode(buf, sizeof(buf), &rec), -1);
    put_header(8 + sizeof(snap), WN_WIRE_SNAPSHOT_BEGIN, 1);   /* control with op */
    CU_ASSERT_EQUAL(wn_wire_decode(buf, sizeof(buf), &rec), -1);

    memset(link.name, 'x', sizeof(link.name));                 /* unterminated name */
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_LINK, WN_WIRE_OP_ADD, &link, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
    link = sample_link();
    link.addr_len = 33;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_LINK, WN_WIRE_OP_ADD, &link, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_ADDR, WN_WIRE_OP_ADD, &addr, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_ROUTE, WN_WIRE_OP_ADD, &route, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_SNAPSHOT_BEGIN, WN_WIRE_OP_NONE, &snap, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);

    /* A device without DEVPATH has no key. */
    {
        static const char nopath[] = "ACTION=add\0SUBSYSTEM=net";
        struct wn_wire_device dev = { 0 };
        n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_DEVICE, WN_WIRE_OP_ADD, &dev, nopath, sizeof(nopath));
        CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
    }
}

static void test_encode_refuses(void)
{
    struct wn_wire_link link = sample_link();
    struct wn_wire_device dev = { 0 };
    static char big[WN_WIRE_MAX_RECORD];

    CU_ASSERT_EQUAL(wn_wire_encode(buf, 8 + sizeof(link) - 1, WN_WIRE_LINK, WN_WIRE_OP_ADD, &link, NULL, 0), 0);
    CU_ASSERT_EQUAL(wn_wire_encode(buf, sizeof(buf), WN_WIRE_LINK, 7, &link, NULL, 0), 0);
    CU_ASSERT_EQUAL(wn_wire_encode(buf, sizeof(buf), 77, WN_WIRE_OP_ADD, &link, NULL, 0), 0);
    memset(big, 'a', sizeof(big));
    big[sizeof(big) - 1] = 0;
    CU_ASSERT_EQUAL(wn_wire_encode(buf, sizeof(buf), WN_WIRE_DEVICE, WN_WIRE_OP_ADD, &dev, big, sizeof(big)), 0);
}

/* The helper's messages: a class the DLL knows and one terminated line, nothing else. */
static void test_log(void)
{
    struct wn_wire_log log;
    struct wn_wire_record rec;
    size_t n;

    memset(&log, 0, sizeof(log));
    log.cls = WN_LOG_ERR;
    strcpy(log.text, "cannot open rtnetlink: Permission denied");
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_LOG, WN_WIRE_OP_NONE, &log, NULL, 0);
    CU_ASSERT_EQUAL(n, sizeof(struct wn_wire_header) + sizeof(log));
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), (long)n);
    CU_ASSERT_EQUAL(rec.type, WN_WIRE_LOG);
    CU_ASSERT_EQUAL(rec.u.log.cls, WN_LOG_ERR);
    CU_ASSERT_STRING_EQUAL(rec.u.log.text, log.text);

    /* An op, a class past trace, or text without its NUL is a broken stream. */
    CU_ASSERT_EQUAL(wn_wire_encode(buf, sizeof(buf), WN_WIRE_LOG, WN_WIRE_OP_ADD, &log, NULL, 0), 0);
    log.cls = WN_LOG_TRACE + 1;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_LOG, WN_WIRE_OP_NONE, &log, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
    log.cls = WN_LOG_TRACE;
    memset(log.text, 'x', sizeof(log.text));
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_LOG, WN_WIRE_OP_NONE, &log, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
}

/* A connectivity service's hint: Windows' levels and costs, known flags, a named source; an op like any object. */
static void test_hint(void)
{
    struct wn_wire_hint hint = { 0, WN_HINT_LEVEL_CONSTRAINED, WN_HINT_COST_FIXED, WN_HINT_ROAMING,
                                 WN_HINT_SOURCE_PORTAL }, bad;
    struct wn_wire_record rec;
    size_t n;

    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_HINT, WN_WIRE_OP_CHANGE, &hint, NULL, 0);
    CU_ASSERT_EQUAL(n, sizeof(struct wn_wire_header) + 8);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), (long)n);
    CU_ASSERT_EQUAL(rec.type, WN_WIRE_HINT);
    CU_ASSERT_EQUAL(rec.op, WN_WIRE_OP_CHANGE);
    CU_ASSERT_EQUAL(memcmp(&rec.u.hint, &hint, sizeof(hint)), 0);
    CU_ASSERT_EQUAL(wn_wire_encode(buf, sizeof(buf), WN_WIRE_HINT, WN_WIRE_OP_NONE, &hint, NULL, 0), 0);

    bad = hint;
    bad.level = WN_HINT_LEVEL_HIDDEN + 1;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_HINT, WN_WIRE_OP_ADD, &bad, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
    bad = hint;
    bad.cost = WN_HINT_COST_VARIABLE + 1;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_HINT, WN_WIRE_OP_ADD, &bad, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
    bad = hint;
    bad.flags = 0x8;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_HINT, WN_WIRE_OP_ADD, &bad, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
    bad = hint;
    bad.source = 0;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_HINT, WN_WIRE_OP_ADD, &bad, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
    bad.source = WN_HINT_SOURCE_PORTAL + 1;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_HINT, WN_WIRE_OP_ADD, &bad, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
}

/* Version 5: neighbours and their change requests. */
static void test_neigh(void)
{
    struct wn_wire_neigh neigh, bad;
    struct wn_wire_set_neigh set;
    struct wn_wire_record rec;
    size_t n;

    memset(&neigh, 0, sizeof(neigh));
    neigh.ifindex = 3;
    neigh.family = 6;
    neigh.state = 0x02;
    neigh.flags = 0x80;
    neigh.type = 1;
    neigh.confirmed = 1234;
    neigh.updated = 99;
    neigh.addr[0] = 0xfe;
    neigh.addr[1] = 0x80;
    neigh.addr[15] = 7;
    neigh.lladdr_len = 6;
    memcpy(neigh.lladdr, "\x02\x00\x5e\x10\x00\x05", 6);
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_NEIGH, WN_WIRE_OP_ADD, &neigh, NULL, 0);
    CU_ASSERT_EQUAL(n, sizeof(struct wn_wire_header) + 68);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), (long)n);
    CU_ASSERT_EQUAL(rec.type, WN_WIRE_NEIGH);
    CU_ASSERT_EQUAL(memcmp(&rec.u.neigh, &neigh, sizeof(neigh)), 0);
    CU_ASSERT_EQUAL(wn_wire_encode(buf, sizeof(buf), WN_WIRE_NEIGH, WN_WIRE_OP_NONE, &neigh, NULL, 0), 0);

    bad = neigh;
    bad.family = 5;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_NEIGH, WN_WIRE_OP_ADD, &bad, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);
    bad = neigh;
    bad.lladdr_len = 33;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_NEIGH, WN_WIRE_OP_DEL, &bad, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), -1);

    /* A change request may also replace (CHANGE), unlike the address and route requests. */
    memset(&set, 0, sizeof(set));
    set.id = 17;
    set.neigh = neigh;
    n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_SET_NEIGH, WN_WIRE_OP_CHANGE, &set, NULL, 0);
    CU_ASSERT_EQUAL(n, sizeof(struct wn_wire_header) + 72);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), (long)n);
    CU_ASSERT_EQUAL(rec.u.set_neigh.id, 17);
    CU_ASSERT_EQUAL(memcmp(&rec.u.set_neigh.neigh, &neigh, sizeof(neigh)), 0);
    CU_ASSERT_EQUAL(wn_wire_encode(buf, sizeof(buf), WN_WIRE_SET_NEIGH, WN_WIRE_OP_NONE, &set, NULL, 0), 0);
    CU_ASSERT_EQUAL(wn_wire_encode(buf, sizeof(buf), WN_WIRE_SET_ROUTE, WN_WIRE_OP_CHANGE, &set, NULL, 0), 0);

    /* The neighbour table is a snapshot table like the others. */
    {
        struct wn_wire_snapshot snap = { WN_TABLE_NEIGH, WN_REASON_RESYNC };
        n = wn_wire_encode(buf, sizeof(buf), WN_WIRE_SNAPSHOT_BEGIN, WN_WIRE_OP_NONE, &snap, NULL, 0);
        CU_ASSERT_EQUAL(wn_wire_decode(buf, n, &rec), (long)n);
    }
}

void register_wire_tests(void)
{
    static const CU_TestInfo tests[] =
    {
        { "link, address and route round trips", test_round_trip_objects },
        { "hello, snapshot and dump round trips", test_round_trip_control },
        { "change requests and replies", test_requests },
        { "multicast and anycast addresses", test_maddr },
        { "device property blocks", test_device_properties },
        { "a stream cut anywhere asks for more", test_every_cut_needs_more },
        { "malformed records are refused", test_malformed },
        { "the encoder refuses what does not fit", test_encode_refuses },
        { "the helper's log records", test_log },
        { "connectivity hints", test_hint },
        { "neighbours and their requests", test_neigh },
        CU_TEST_INFO_NULL,
    };
    unit_add_suite("wire", tests);
}
