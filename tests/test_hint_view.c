/* The connectivity hint from the view (dlls/common/hint_view.c): the routing view's levels, a service's hint
 * checked against it (never None while the view shows a usable interface), per interface, and which changes can
 * move it. */
#include <stdio.h>
#include <string.h>

#include "hint_view.h"
#include "state.h"
#include "unit.h"

/* Linux values, as the helper relays them. */
#define IFF_UP_RUNNING 0x41u        /* IFF_UP | IFF_RUNNING */
#define IFF_LOOPBACK_ 0x8u
#define ARPHRD_ETHER_ 1
#define ARPHRD_LOOPBACK_ 772

static struct wn_state *state;
static unsigned int hint_events;
static uint16_t last_hint_op;

static void listener(void *ctx, uint32_t table, uint16_t op, const void *old_body, const void *new_body)
{
    (void)ctx; (void)old_body; (void)new_body;
    if (table != WN_TABLE_HINT) return;
    hint_events++;
    last_hint_op = op;
}

static void put(uint16_t op, struct wn_wire_record *r)
{
    r->op = op;
    CU_ASSERT_EQUAL(wn_state_apply(state, r), WN_STATE_OK);
}

static void link_(uint16_t op, uint32_t ifindex, uint32_t flags, uint16_t type)
{
    struct wn_wire_record r;

    memset(&r, 0, sizeof(r));
    r.type = WN_WIRE_LINK;
    r.u.link.ifindex = ifindex;
    r.u.link.flags = flags;
    r.u.link.type = type;
    r.u.link.mtu = 1500;
    snprintf(r.u.link.name, sizeof(r.u.link.name), "if%u", (unsigned)ifindex);
    put(op, &r);
}

static void addr(uint16_t op, uint32_t ifindex, uint8_t a, uint8_t b)
{
    struct wn_wire_record r;

    memset(&r, 0, sizeof(r));
    r.type = WN_WIRE_ADDR;
    r.u.addr.ifindex = ifindex;
    r.u.addr.family = 4;
    r.u.addr.prefixlen = 8;
    r.u.addr.preferred_lft = r.u.addr.valid_lft = 0xffffffff;
    r.u.addr.addr[0] = a;
    r.u.addr.addr[3] = b;
    put(op, &r);
}

/* A unicast route of the main table: dst_len 0 is a default route; gw 0 on-link. */
static void route(uint16_t op, uint32_t oif, uint8_t dst_len, uint8_t gw)
{
    struct wn_wire_record r;

    memset(&r, 0, sizeof(r));
    r.type = WN_WIRE_ROUTE;
    r.u.route.family = 4;
    r.u.route.dst_len = dst_len;
    r.u.route.type = 1;  /* RTN_UNICAST */
    r.u.route.table = 254;
    r.u.route.oif = oif;
    if (dst_len) r.u.route.dst[0] = 10;
    r.u.route.gateway[0] = gw ? 10 : 0;
    r.u.route.gateway[3] = gw;
    put(op, &r);
}

static void hint(uint16_t op, uint32_t ifindex, uint8_t level, uint8_t cost)
{
    struct wn_wire_record r;

    memset(&r, 0, sizeof(r));
    r.type = WN_WIRE_HINT;
    r.u.hint.ifindex = ifindex;
    r.u.hint.level = level;
    r.u.hint.cost = cost;
    r.u.hint.source = WN_HINT_SOURCE_NETWORKMANAGER;
    put(op, &r);
}

static void snapshot(uint16_t type)
{
    struct wn_wire_record r;

    memset(&r, 0, sizeof(r));
    r.type = type;
    r.u.snapshot.tables = WN_TABLE_ALL;
    r.u.snapshot.reason = WN_REASON_INITIAL;
    CU_ASSERT(wn_state_apply(state, &r) >= WN_STATE_OK);
}

/* A view with loopback (1, 127.0.0.1) only. */
static void start(void)
{
    state = wn_state_create();
    CU_ASSERT_PTR_NOT_NULL_FATAL(state);
    wn_state_set_listener(state, listener, NULL);
    hint_events = 0;
    snapshot(WN_WIRE_SNAPSHOT_BEGIN);
    link_(WN_WIRE_OP_ADD, 1, IFF_UP_RUNNING | IFF_LOOPBACK_, ARPHRD_LOOPBACK_);
    addr(WN_WIRE_OP_ADD, 1, 127, 1);
    snapshot(WN_WIRE_SNAPSHOT_END);
}

static uint8_t host_level(void)
{
    struct wn_connectivity c;

    wn_connectivity_host(state, &c);
    return c.level;
}

static void test_no_view(void)
{
    struct wn_connectivity c;

    state = wn_state_create();
    CU_ASSERT_PTR_NOT_NULL_FATAL(state);
    memset(&c, 0xff, sizeof(c));
    wn_connectivity_host(state, &c);
    CU_ASSERT_EQUAL(c.level, WN_HINT_LEVEL_UNKNOWN);
    CU_ASSERT_EQUAL(c.cost, WN_HINT_COST_UNKNOWN);
    CU_ASSERT_EQUAL(c.flags, 0);
    wn_state_free(state);
}

static void test_routing_levels(void)
{
    start();
    CU_ASSERT_EQUAL(host_level(), WN_HINT_LEVEL_NONE);
    /* An interface that is up but has no address, or has one but is not running (no carrier): still None. */
    link_(WN_WIRE_OP_ADD, 2, IFF_UP_RUNNING, ARPHRD_ETHER_);
    CU_ASSERT_EQUAL(host_level(), WN_HINT_LEVEL_NONE);
    link_(WN_WIRE_OP_CHANGE, 2, 0x1, ARPHRD_ETHER_);
    addr(WN_WIRE_OP_ADD, 2, 10, 2);
    CU_ASSERT_EQUAL(host_level(), WN_HINT_LEVEL_NONE);
    link_(WN_WIRE_OP_CHANGE, 2, IFF_UP_RUNNING, ARPHRD_ETHER_);
    CU_ASSERT_EQUAL(host_level(), WN_HINT_LEVEL_LOCAL);
    /* A route that is not a default route changes nothing; a default route through a gateway is the internet. */
    route(WN_WIRE_OP_ADD, 2, 8, 0);
    CU_ASSERT_EQUAL(host_level(), WN_HINT_LEVEL_LOCAL);
    route(WN_WIRE_OP_ADD, 2, 0, 1);
    CU_ASSERT_EQUAL(host_level(), WN_HINT_LEVEL_INTERNET);
    /* Its interface losing carrier takes it away. */
    link_(WN_WIRE_OP_CHANGE, 2, 0x1, ARPHRD_ETHER_);
    CU_ASSERT_EQUAL(host_level(), WN_HINT_LEVEL_NONE);
    link_(WN_WIRE_OP_CHANGE, 2, IFF_UP_RUNNING, ARPHRD_ETHER_);
    CU_ASSERT_EQUAL(host_level(), WN_HINT_LEVEL_INTERNET);
    /* The last non-loopback address going (its routes with it, as the kernel does): None; back: not None. */
    route(WN_WIRE_OP_DEL, 2, 0, 1);
    route(WN_WIRE_OP_DEL, 2, 8, 0);
    addr(WN_WIRE_OP_DEL, 2, 10, 2);
    CU_ASSERT_EQUAL(host_level(), WN_HINT_LEVEL_NONE);
    addr(WN_WIRE_OP_ADD, 2, 10, 2);
    CU_ASSERT_EQUAL(host_level(), WN_HINT_LEVEL_LOCAL);
    /* A default route out of loopback is no way off the host. */
    route(WN_WIRE_OP_ADD, 1, 0, 0);
    CU_ASSERT_EQUAL(host_level(), WN_HINT_LEVEL_LOCAL);
    wn_state_free(state);
}

static void test_service(void)
{
    struct wn_connectivity c;

    start();
    /* The service's word with its cost, where the view does not contradict it. */
    hint(WN_WIRE_OP_ADD, 0, WN_HINT_LEVEL_INTERNET, WN_HINT_COST_FIXED);
    CU_ASSERT_EQUAL(hint_events, 1);
    wn_connectivity_host(state, &c);
    CU_ASSERT_EQUAL(c.level, WN_HINT_LEVEL_INTERNET);
    CU_ASSERT_EQUAL(c.cost, WN_HINT_COST_FIXED);
    /* Its None while only loopback is up: None. */
    hint(WN_WIRE_OP_CHANGE, 0, WN_HINT_LEVEL_NONE, WN_HINT_COST_UNRESTRICTED);
    CU_ASSERT_EQUAL(host_level(), WN_HINT_LEVEL_NONE);
    /* Its None while an interface of the view is up with an address and a default route: not believed. */
    link_(WN_WIRE_OP_ADD, 2, IFF_UP_RUNNING, ARPHRD_ETHER_);
    addr(WN_WIRE_OP_ADD, 2, 10, 2);
    CU_ASSERT_EQUAL(host_level(), WN_HINT_LEVEL_LOCAL);
    route(WN_WIRE_OP_ADD, 2, 0, 1);
    wn_connectivity_host(state, &c);
    CU_ASSERT_EQUAL(c.level, WN_HINT_LEVEL_INTERNET);
    CU_ASSERT_EQUAL(c.cost, WN_HINT_COST_UNRESTRICTED);
    /* Unknown (its check off): the view's level. */
    hint(WN_WIRE_OP_CHANGE, 0, WN_HINT_LEVEL_UNKNOWN, WN_HINT_COST_UNKNOWN);
    CU_ASSERT_EQUAL(host_level(), WN_HINT_LEVEL_INTERNET);
    /* A probe's verdict below the view's guess wins: a captive portal, a network without the internet. */
    hint(WN_WIRE_OP_CHANGE, 0, WN_HINT_LEVEL_CONSTRAINED, WN_HINT_COST_UNKNOWN);
    CU_ASSERT_EQUAL(host_level(), WN_HINT_LEVEL_CONSTRAINED);
    hint(WN_WIRE_OP_CHANGE, 0, WN_HINT_LEVEL_LOCAL, WN_HINT_COST_UNKNOWN);
    CU_ASSERT_EQUAL(host_level(), WN_HINT_LEVEL_LOCAL);
    /* The same again is no change of the view. */
    hint_events = 0;
    hint(WN_WIRE_OP_CHANGE, 0, WN_HINT_LEVEL_LOCAL, WN_HINT_COST_UNKNOWN);
    CU_ASSERT_EQUAL(hint_events, 0);
    /* The service gone: the view alone, and no cost. */
    hint(WN_WIRE_OP_DEL, 0, WN_HINT_LEVEL_LOCAL, WN_HINT_COST_UNKNOWN);
    CU_ASSERT_EQUAL(hint_events, 1);
    CU_ASSERT_EQUAL(last_hint_op, WN_WIRE_OP_DEL);
    wn_connectivity_host(state, &c);
    CU_ASSERT_EQUAL(c.level, WN_HINT_LEVEL_INTERNET);
    CU_ASSERT_EQUAL(c.cost, WN_HINT_COST_UNKNOWN);
    wn_state_free(state);
}

/* A resync (a restarted helper) without the record: the diff reports it gone. */
static void test_snapshot_drops_hint(void)
{
    start();
    hint(WN_WIRE_OP_ADD, 0, WN_HINT_LEVEL_INTERNET, WN_HINT_COST_FIXED);
    hint_events = 0;
    snapshot(WN_WIRE_SNAPSHOT_BEGIN);
    link_(WN_WIRE_OP_ADD, 1, IFF_UP_RUNNING | IFF_LOOPBACK_, ARPHRD_LOOPBACK_);
    snapshot(WN_WIRE_SNAPSHOT_END);
    CU_ASSERT_EQUAL(hint_events, 1);
    CU_ASSERT_EQUAL(last_hint_op, WN_WIRE_OP_DEL);
    CU_ASSERT_EQUAL(wn_state_count(state, WN_TABLE_HINT), 0);
    wn_state_free(state);
}

static void test_interface(void)
{
    struct wn_connectivity c;

    start();
    link_(WN_WIRE_OP_ADD, 2, IFF_UP_RUNNING, ARPHRD_ETHER_);
    link_(WN_WIRE_OP_ADD, 3, IFF_UP_RUNNING, ARPHRD_ETHER_);
    addr(WN_WIRE_OP_ADD, 2, 10, 2);
    addr(WN_WIRE_OP_ADD, 3, 11, 3);
    route(WN_WIRE_OP_ADD, 3, 0, 1);
    hint(WN_WIRE_OP_ADD, 0, WN_HINT_LEVEL_UNKNOWN, WN_HINT_COST_FIXED);
    CU_ASSERT_EQUAL(wn_connectivity_interface(state, 2, &c), 0);
    CU_ASSERT_EQUAL(c.level, WN_HINT_LEVEL_LOCAL);
    CU_ASSERT_EQUAL(c.cost, WN_HINT_COST_FIXED);
    CU_ASSERT_EQUAL(wn_connectivity_interface(state, 3, &c), 0);
    CU_ASSERT_EQUAL(c.level, WN_HINT_LEVEL_INTERNET);
    CU_ASSERT_EQUAL(wn_connectivity_interface(state, 1, &c), 0);
    CU_ASSERT_EQUAL(c.level, WN_HINT_LEVEL_NONE);
    CU_ASSERT_EQUAL(wn_connectivity_interface(state, 9, &c), -1);
    CU_ASSERT_EQUAL(wn_connectivity_interface(state, 0, &c), -1);
    wn_state_free(state);
}

static void test_relevant(void)
{
    struct wn_state_link a, b;
    struct wn_state_route r;
    struct wn_state_addr ad;

    memset(&a, 0, sizeof(a));
    a.wire.flags = IFF_UP_RUNNING;
    b = a;
    b.wire.mtu = 9000;
    CU_ASSERT_FALSE(wn_connectivity_relevant(WN_TABLE_LINK, WN_WIRE_OP_CHANGE, &a, &b));
    b.wire.flags = 0x1;
    CU_ASSERT_TRUE(wn_connectivity_relevant(WN_TABLE_LINK, WN_WIRE_OP_CHANGE, &a, &b));
    CU_ASSERT_TRUE(wn_connectivity_relevant(WN_TABLE_LINK, WN_WIRE_OP_DEL, &a, NULL));
    memset(&ad, 0, sizeof(ad));
    CU_ASSERT_TRUE(wn_connectivity_relevant(WN_TABLE_ADDR, WN_WIRE_OP_ADD, NULL, &ad));
    CU_ASSERT_FALSE(wn_connectivity_relevant(WN_TABLE_ADDR, WN_WIRE_OP_CHANGE, &ad, &ad));
    memset(&r, 0, sizeof(r));
    r.wire.type = 1;
    r.wire.oif = 2;
    r.wire.dst_len = 24;
    CU_ASSERT_FALSE(wn_connectivity_relevant(WN_TABLE_ROUTE, WN_WIRE_OP_ADD, NULL, &r));
    r.wire.dst_len = 0;
    CU_ASSERT_TRUE(wn_connectivity_relevant(WN_TABLE_ROUTE, WN_WIRE_OP_DEL, &r, NULL));
    CU_ASSERT_TRUE(wn_connectivity_relevant(WN_TABLE_HINT, WN_WIRE_OP_ADD, NULL, &r));
    CU_ASSERT_FALSE(wn_connectivity_relevant(WN_TABLE_DEVICE, WN_WIRE_OP_ADD, NULL, &r));
}

static const CU_TestInfo tests[] = {
    { "no view: Unknown", test_no_view },
    { "routing view: None, LocalAccess, InternetAccess", test_routing_levels },
    { "a service's hint, None only when the view agrees", test_service },
    { "a resync without the service's record drops it", test_snapshot_drops_hint },
    { "per interface", test_interface },
    { "which changes can move the hint", test_relevant },
    CU_TEST_INFO_NULL,
};

void register_hint_view_tests(void)
{
    unit_add_suite("connectivity hint", tests);
}
