/* The core's tables and their diff (dlls/common/state.c): every record and every resync must give exactly the
 * changes between two views, nothing lost and nothing invented. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "unit.h"

/* ---- what the listener heard ----------------------------------------------------------------------------- */

struct event
{
    uint32_t table;
    uint16_t op;
    uint32_t ifindex;            /* of the object (link index, address index, route oif, device IFINDEX) */
    uint64_t luid;               /* of the old body for DEL, of the new one otherwise */
    uint8_t byte;                /* links: mtu & 0xff; addresses and routes: the last byte of the address/dst */
    uint32_t metric;             /* routes */
};

static struct event *events;
static size_t n_events, cap_events;
static unsigned int hook_calls;

static void listener(void *ctx, uint32_t table, uint16_t op, const void *old_body, const void *new_body)
{
    const void *body = new_body ? new_body : old_body;
    struct event ev = { table, op, 0, 0, 0, 0 };

    CU_ASSERT_PTR_EQUAL(ctx, &events);
    CU_ASSERT((op == WN_WIRE_OP_ADD) == (old_body == NULL));
    CU_ASSERT((op == WN_WIRE_OP_DEL) == (new_body == NULL));
    switch (table)
    {
    case WN_TABLE_LINK:
        ev.ifindex = ((const struct wn_state_link *)body)->wire.ifindex;
        ev.luid = ((const struct wn_state_link *)body)->luid;
        ev.byte = (uint8_t)((const struct wn_state_link *)body)->wire.mtu;
        break;
    case WN_TABLE_ADDR:
        ev.ifindex = ((const struct wn_state_addr *)body)->wire.ifindex;
        ev.luid = ((const struct wn_state_addr *)body)->luid;
        ev.byte = ((const struct wn_state_addr *)body)->wire.addr[3];
        break;
    case WN_TABLE_ROUTE:
        ev.ifindex = ((const struct wn_state_route *)body)->wire.oif;
        ev.luid = ((const struct wn_state_route *)body)->luid;
        ev.byte = ((const struct wn_state_route *)body)->wire.dst[3];
        ev.metric = ((const struct wn_state_route *)body)->wire.metric;
        break;
    case WN_TABLE_DEVICE:
        ev.ifindex = ((const struct wn_state_device *)body)->wire.ifindex;
        break;
    case WN_TABLE_NEIGH:
        ev.ifindex = ((const struct wn_state_neigh *)body)->wire.ifindex;
        ev.luid = ((const struct wn_state_neigh *)body)->luid;
        ev.byte = ((const struct wn_state_neigh *)body)->wire.addr[3];
        break;
    case WN_TABLE_MADDR:
        ev.ifindex = ((const struct wn_state_maddr *)body)->wire.ifindex;
        ev.luid = ((const struct wn_state_maddr *)body)->luid;
        ev.byte = ((const struct wn_state_maddr *)body)->wire.addr[15];
        break;
    }
    if (n_events == cap_events)
    {
        cap_events = cap_events ? cap_events * 2 : 64;
        events = realloc(events, cap_events * sizeof(*events));
    }
    events[n_events++] = ev;
}

/* Wine's rule, so that the numbers look like the real ones. */
static uint64_t luid_hook(void *ctx, uint32_t ifindex, const struct wn_wire_link *link)
{
    (void)ctx;
    hook_calls++;
    uint64_t type = !link ? 1 : link->type == 772 ? 24 : link->type == 1 ? 6 : 1;

    return (type << 48) | ((uint64_t)ifindex << 24);
}

static struct wn_state *new_state(void)
{
    struct wn_state *s = wn_state_create();

    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    wn_state_set_listener(s, listener, &events);
    wn_state_set_luid_hook(s, luid_hook, NULL);
    n_events = 0;
    hook_calls = 0;
    return s;
}

static void done(struct wn_state *s)
{
    wn_state_free(s);
    free(events);
    events = NULL;
    n_events = cap_events = 0;
}

/* ---- records ---------------------------------------------------------------------------------------------- */

static struct wn_wire_record link_rec(uint16_t op, uint32_t ifindex, uint32_t mtu)
{
    struct wn_wire_record r;

    memset(&r, 0, sizeof(r));
    r.type = WN_WIRE_LINK;
    r.op = op;
    r.u.link.ifindex = ifindex;
    r.u.link.mtu = mtu;
    r.u.link.type = 1; /* ARPHRD_ETHER */
    r.u.link.flags = 0x1043;
    snprintf(r.u.link.name, sizeof(r.u.link.name), "eth%u", (unsigned)ifindex);
    return r;
}

/* 10.x.y.z/24 on ifindex; n picks x.y.z. */
static struct wn_wire_record addr_rec(uint16_t op, uint32_t ifindex, uint32_t n, uint32_t flags)
{
    struct wn_wire_record r;

    memset(&r, 0, sizeof(r));
    r.type = WN_WIRE_ADDR;
    r.op = op;
    r.u.addr.ifindex = ifindex;
    r.u.addr.family = 4;
    r.u.addr.prefixlen = 24;
    r.u.addr.flags = flags;
    r.u.addr.preferred_lft = r.u.addr.valid_lft = 0xffffffff;
    r.u.addr.addr[0] = 10;
    r.u.addr.addr[1] = (uint8_t)(n >> 16);
    r.u.addr.addr[2] = (uint8_t)(n >> 8);
    r.u.addr.addr[3] = (uint8_t)n;
    return r;
}

static struct wn_wire_record route_rec(uint16_t op, uint32_t oif, uint8_t net, uint32_t metric)
{
    struct wn_wire_record r;

    memset(&r, 0, sizeof(r));
    r.type = WN_WIRE_ROUTE;
    r.op = op;
    r.u.route.family = 4;
    r.u.route.dst_len = 24;
    r.u.route.dst[0] = 192;
    r.u.route.dst[1] = 168;
    r.u.route.dst[3] = net;
    r.u.route.oif = oif;
    r.u.route.metric = metric;
    r.u.route.table = 254;
    r.u.route.protocol = 4;
    return r;
}

static struct wn_wire_record device_rec(uint16_t op, const char *props, size_t len, uint32_t ifindex)
{
    struct wn_wire_record r;

    memset(&r, 0, sizeof(r));
    r.type = WN_WIRE_DEVICE;
    r.op = op;
    r.u.device.ifindex = ifindex;
    r.u.device.props_len = (uint16_t)len;
    r.props = props;
    return r;
}

static struct wn_wire_record snap_rec(uint16_t type, uint32_t tables, uint32_t reason)
{
    struct wn_wire_record r;

    memset(&r, 0, sizeof(r));
    r.type = type;
    r.u.snapshot.tables = tables;
    r.u.snapshot.reason = reason;
    return r;
}

static int apply(struct wn_state *s, struct wn_wire_record r)
{
    return wn_state_apply(s, &r);
}

/* Loads links 1 (lo) and 2 with one address and one route each, silently, and checks the state is ready. */
static void initial(struct wn_state *s)
{
    struct wn_wire_record lo = link_rec(WN_WIRE_OP_ADD, 1, 65536);

    lo.u.link.type = 772;
    CU_ASSERT_EQUAL(wn_state_ready(s), 0);
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_BEGIN, WN_TABLE_ALL, WN_REASON_INITIAL)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, lo), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_ADD, 2, 1500)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 1, 1, 0x80)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 2, 2, 0x80)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, route_rec(WN_WIRE_OP_ADD, 2, 2, 100)), WN_STATE_OK);
    CU_ASSERT_EQUAL(wn_state_ready(s), 0);
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_END, WN_TABLE_ALL, WN_REASON_INITIAL)), WN_STATE_READY);
    CU_ASSERT_EQUAL(wn_state_ready(s), 1);
}

static void expect(size_t i, uint32_t table, uint16_t op, uint32_t ifindex)
{
    CU_ASSERT_FATAL(i < n_events);
    CU_ASSERT_EQUAL(events[i].table, table);
    CU_ASSERT_EQUAL(events[i].op, op);
    CU_ASSERT_EQUAL(events[i].ifindex, ifindex);
}

/* ---- tests ------------------------------------------------------------------------------------------------ */

static void test_first_snapshot_silent(void)
{
    struct wn_state *s = new_state();

    initial(s);
    CU_ASSERT_EQUAL(n_events, 0);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_LINK), 2);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_ADDR), 2);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_ROUTE), 1);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_DEVICE), 0);
    CU_ASSERT_EQUAL(wn_state_find_link(s, 1)->luid, (24ull << 48) | (1ull << 24));
    CU_ASSERT_EQUAL(wn_state_find_link(s, 2)->luid, (6ull << 48) | (2ull << 24));
    CU_ASSERT_PTR_NULL(wn_state_find_link(s, 3));
    CU_ASSERT_EQUAL(hook_calls, 2);
    /* A second snapshot equal to the first says nothing, keeps the LUIDs and is not "ready" again. */
    {
        struct wn_wire_record lo = link_rec(WN_WIRE_OP_ADD, 1, 65536);

        lo.u.link.type = 772;
        CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_BEGIN, WN_TABLE_LINK, WN_REASON_REQUEST)), WN_STATE_OK);
        CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_ADD, 2, 1500)), WN_STATE_OK);
        CU_ASSERT_EQUAL(wn_state_apply(s, &lo), WN_STATE_OK);
        CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_END, WN_TABLE_LINK, WN_REASON_REQUEST)), WN_STATE_OK);
    }
    CU_ASSERT_EQUAL(n_events, 0);
    CU_ASSERT_EQUAL(hook_calls, 2);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_ADDR), 2);
    /* Link 1 comes back as ARPHRD_ETHER instead of loopback: another interface, so DEL and ADD. */
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_BEGIN, WN_TABLE_LINK, WN_REASON_REQUEST)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_ADD, 2, 1500)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_ADD, 1, 65536)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_END, WN_TABLE_LINK, WN_REASON_REQUEST)), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 3);
    expect(0, WN_TABLE_ADDR, WN_WIRE_OP_DEL, 1);
    expect(1, WN_TABLE_LINK, WN_WIRE_OP_DEL, 1);
    expect(2, WN_TABLE_LINK, WN_WIRE_OP_ADD, 1);
    CU_ASSERT_EQUAL(events[1].luid, (24ull << 48) | (1ull << 24));
    CU_ASSERT_EQUAL(events[2].luid, (6ull << 48) | (1ull << 24));
    done(s);
}

static void test_live_add_change_del(void)
{
    struct wn_state *s = new_state();
    const struct wn_state_link *link;

    initial(s);
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_ADD, 7, 1500)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_CHANGE, 7, 1400)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_ADD, 7, 1300)), WN_STATE_OK); /* ADD of a known key */
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 7, 77, 0x40)), WN_STATE_OK); /* tentative */
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_CHANGE, 7, 77, 0)), WN_STATE_OK);  /* DAD done */
    CU_ASSERT_EQUAL(apply(s, route_rec(WN_WIRE_OP_ADD, 7, 7, 10)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, route_rec(WN_WIRE_OP_ADD, 7, 7, 20)), WN_STATE_OK);  /* another metric: another key */
    CU_ASSERT_EQUAL(apply(s, route_rec(WN_WIRE_OP_DEL, 7, 7, 10)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_DEL, 7, 77, 0)), WN_STATE_OK);

    CU_ASSERT_EQUAL(n_events, 9);
    expect(0, WN_TABLE_LINK, WN_WIRE_OP_ADD, 7);
    expect(1, WN_TABLE_LINK, WN_WIRE_OP_CHANGE, 7);
    CU_ASSERT_EQUAL(events[1].byte, 1400 & 0xff);
    expect(2, WN_TABLE_LINK, WN_WIRE_OP_CHANGE, 7);
    CU_ASSERT_EQUAL(events[2].byte, 1300 & 0xff);
    expect(3, WN_TABLE_ADDR, WN_WIRE_OP_ADD, 7);
    expect(4, WN_TABLE_ADDR, WN_WIRE_OP_CHANGE, 7);
    expect(5, WN_TABLE_ROUTE, WN_WIRE_OP_ADD, 7);
    expect(6, WN_TABLE_ROUTE, WN_WIRE_OP_ADD, 7);
    expect(7, WN_TABLE_ROUTE, WN_WIRE_OP_DEL, 7);
    expect(8, WN_TABLE_ADDR, WN_WIRE_OP_DEL, 7);
    CU_ASSERT_EQUAL(events[3].luid, (6ull << 48) | (7ull << 24));
    CU_ASSERT_EQUAL(events[8].luid, (6ull << 48) | (7ull << 24));
    CU_ASSERT_EQUAL(hook_calls, 3); /* once per new link, never for a change */

    link = wn_state_find_link(s, 7);
    CU_ASSERT_PTR_NOT_NULL_FATAL(link);
    CU_ASSERT_EQUAL(link->wire.mtu, 1300);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_ROUTE), 2);

    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_DEL, 7, 1300)), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 11);
    expect(9, WN_TABLE_ROUTE, WN_WIRE_OP_DEL, 7);  /* taken along with its link */
    expect(10, WN_TABLE_LINK, WN_WIRE_OP_DEL, 7);
    CU_ASSERT_PTR_NULL(wn_state_find_link(s, 7));
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_ROUTE), 1);
    done(s);
}

static void test_reannouncement_noop(void)
{
    struct wn_state *s = new_state();
    struct wn_wire_record a = addr_rec(WN_WIRE_OP_ADD, 2, 2, 0x80);
    const struct wn_state_addr *found;
    struct wn_state_addr key;

    initial(s);
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_ADD, 2, 1500)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_CHANGE, 2, 1500)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, route_rec(WN_WIRE_OP_ADD, 2, 2, 100)), WN_STATE_OK);
    /* Lifetimes count down: a record read 100 s later with 100 s less left is not a change, but the new values
     * are kept. */
    a.u.addr.preferred_lft = 3000;
    a.u.addr.valid_lft = 4000;
    a.u.addr.stamp = 500;
    CU_ASSERT_EQUAL(wn_state_apply(s, &a), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 1);    /* from forever to finite is one */
    a.u.addr.preferred_lft = 2900;
    a.u.addr.valid_lft = 3901;
    a.u.addr.stamp = 600;
    CU_ASSERT_EQUAL(wn_state_apply(s, &a), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 1);
    key.wire = a.u.addr;
    found = wn_state_find(s, WN_TABLE_ADDR, &key);
    CU_ASSERT_PTR_NOT_NULL_FATAL(found);
    CU_ASSERT_EQUAL(found->wire.valid_lft, 3901);
    CU_ASSERT_EQUAL(found->wire.stamp, 600);
    /* A lifetime set to end later (SetUnicastIpAddressEntry, ip addr change) is a change, once ... */
    a.u.addr.valid_lft = 7200;
    a.u.addr.stamp = 601;
    CU_ASSERT_EQUAL(wn_state_apply(s, &a), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 2);
    CU_ASSERT_EQUAL(wn_state_apply(s, &a), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 2);
    /* ... and so is one set to end sooner than the countdown had reached. */
    a.u.addr.preferred_lft = 60;
    a.u.addr.stamp = 602;
    CU_ASSERT_EQUAL(wn_state_apply(s, &a), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 3);
    /* A snapshot that shows the countdown (a re-dump 20 s later) changes nothing. */
    a.u.addr.preferred_lft = 40;
    a.u.addr.valid_lft = 7180;
    a.u.addr.stamp = 622;
    CU_ASSERT_EQUAL(wn_state_apply(s, &a), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 3);
    /* Deprecation (preferred lifetime 0) is a change. */
    a.u.addr.preferred_lft = 0;
    CU_ASSERT_EQUAL(wn_state_apply(s, &a), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 4);
    expect(3, WN_TABLE_ADDR, WN_WIRE_OP_CHANGE, 2);
    /* Deleting what is not there says nothing. */
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_DEL, 2, 99, 0)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_DEL, 42, 1500)), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 4);
    done(s);
}

static void test_devices(void)
{
    static const char add[] = "ACTION=add\0DEVPATH=/devices/virtual/net/tun0\0SUBSYSTEM=net\0INTERFACE=tun0\0"
                              "IFINDEX=5\0SEQNUM=100";
    static const char sys[] = "DEVPATH=/devices/virtual/net/tun0\0INTERFACE=tun0\0SUBSYSTEM=net\0IFINDEX=5";
    static const char move[] = "ACTION=move\0DEVPATH=/devices/virtual/net/tun0\0SUBSYSTEM=net\0INTERFACE=tun1\0"
                               "IFINDEX=5\0SEQNUM=102";
    struct wn_state *s = new_state();
    struct wn_state_device key;
    const struct wn_state_device *dev;

    initial(s);
    CU_ASSERT_EQUAL(apply(s, device_rec(WN_WIRE_OP_ADD, add, sizeof(add), 5)), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 1);
    /* The same device found under /sys by a resync (no ACTION, no SEQNUM, another order) is no change. */
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_BEGIN, WN_TABLE_DEVICE, WN_REASON_RESYNC)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, device_rec(WN_WIRE_OP_ADD, sys, sizeof(sys), 5)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_END, WN_TABLE_DEVICE, WN_REASON_RESYNC)), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 1);
    CU_ASSERT_EQUAL(apply(s, device_rec(WN_WIRE_OP_CHANGE, move, sizeof(move), 5)), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 2);
    expect(1, WN_TABLE_DEVICE, WN_WIRE_OP_CHANGE, 5);

    key.devpath = "/devices/virtual/net/tun0";
    dev = wn_state_find(s, WN_TABLE_DEVICE, &key);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dev);
    CU_ASSERT_STRING_EQUAL(wn_wire_prop(dev->props, dev->wire.props_len, "INTERFACE"), "tun1");
    CU_ASSERT_STRING_EQUAL(dev->devpath, "/devices/virtual/net/tun0");

    CU_ASSERT_EQUAL(apply(s, device_rec(WN_WIRE_OP_DEL, move, sizeof(move), 5)), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 3);
    expect(2, WN_TABLE_DEVICE, WN_WIRE_OP_DEL, 5);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_DEVICE), 0);
    done(s);
}

static void test_snapshot_diff(void)
{
    struct wn_state *s = new_state();
    struct wn_wire_record lo = link_rec(WN_WIRE_OP_ADD, 1, 65536);
    size_t i, n_del = 0, n_add = 0, n_change = 0;
    const struct wn_state_addr *a;

    initial(s);
    lo.u.link.type = 772;
    /* Link 2 is gone (with its address and route), link 3 is new with an address, lo's address changed flags,
     * lo has a new route. */
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_BEGIN, WN_TABLE_LINK | WN_TABLE_ADDR | WN_TABLE_ROUTE,
                                      WN_REASON_INITIAL)), WN_STATE_OK);
    CU_ASSERT_EQUAL(wn_state_apply(s, &lo), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_ADD, 3, 1500)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 1, 1, 0x00)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 3, 3, 0x80)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, route_rec(WN_WIRE_OP_ADD, 1, 1, 0)), WN_STATE_OK);
    /* Nothing is said and nothing changes in the view until the end. */
    CU_ASSERT_EQUAL(n_events, 0);
    CU_ASSERT_PTR_NOT_NULL(wn_state_find_link(s, 2));
    CU_ASSERT_PTR_NULL(wn_state_find_link(s, 3));
    /* Live records of a table outside the snapshot still apply at once. */
    CU_ASSERT_EQUAL(apply(s, device_rec(WN_WIRE_OP_ADD, "DEVPATH=/x", 11, 0)), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 1);
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_END, WN_TABLE_LINK | WN_TABLE_ADDR | WN_TABLE_ROUTE,
                                      WN_REASON_INITIAL)), WN_STATE_OK);
    /* An empty snapshot of the devices: the one device is gone. */
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_DEVICE), 1);
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_BEGIN, WN_TABLE_DEVICE, WN_REASON_REQUEST)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_END, WN_TABLE_DEVICE, WN_REASON_REQUEST)), WN_STATE_OK);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_DEVICE), 0);

    /* device ADD; then route DEL, addr DEL, link DEL; link ADD, addr CHANGE, addr ADD, route ADD; device DEL. */
    CU_ASSERT_EQUAL(n_events, 9);
    expect(1, WN_TABLE_ROUTE, WN_WIRE_OP_DEL, 2);
    expect(2, WN_TABLE_ADDR, WN_WIRE_OP_DEL, 2);
    expect(3, WN_TABLE_LINK, WN_WIRE_OP_DEL, 2);
    expect(4, WN_TABLE_LINK, WN_WIRE_OP_ADD, 3);
    expect(5, WN_TABLE_ADDR, WN_WIRE_OP_CHANGE, 1);
    expect(6, WN_TABLE_ADDR, WN_WIRE_OP_ADD, 3);
    expect(7, WN_TABLE_ROUTE, WN_WIRE_OP_ADD, 1);
    expect(8, WN_TABLE_DEVICE, WN_WIRE_OP_DEL, 0);
    for (i = 0; i < n_events; i++)
    {
        n_del += events[i].op == WN_WIRE_OP_DEL;
        n_add += events[i].op == WN_WIRE_OP_ADD;
        n_change += events[i].op == WN_WIRE_OP_CHANGE;
    }
    CU_ASSERT_EQUAL(n_del, 4);
    CU_ASSERT_EQUAL(n_add, 4);
    CU_ASSERT_EQUAL(n_change, 1);
    CU_ASSERT_EQUAL(events[2].luid, (6ull << 48) | (2ull << 24));
    CU_ASSERT_EQUAL(events[6].luid, (6ull << 48) | (3ull << 24));

    /* The view is the snapshot, in the snapshot's order. */
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_LINK), 2);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_ADDR), 2);
    a = wn_state_first(s, WN_TABLE_ADDR);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(a->wire.ifindex, 1);
    CU_ASSERT_EQUAL(a->wire.flags, 0);
    a = wn_state_next(s, WN_TABLE_ADDR, a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(a->wire.ifindex, 3);
    CU_ASSERT_PTR_NULL(wn_state_next(s, WN_TABLE_ADDR, a));
    done(s);
}

static void test_aborted_snapshot(void)
{
    struct wn_state *s = new_state();

    /* Before the first snapshot ends nothing is ready; a lost first snapshot leaves it so. */
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_BEGIN, WN_TABLE_ALL, WN_REASON_INITIAL)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_ADD, 9, 1500)), WN_STATE_OK);
    wn_state_abort_snapshot(s);
    CU_ASSERT_EQUAL(wn_state_ready(s), 0);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_LINK), 0);
    /* An end whose beginning was thrown away is a broken stream. */
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_END, WN_TABLE_ALL, WN_REASON_INITIAL)), WN_STATE_ERROR);

    initial(s);
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_BEGIN, WN_TABLE_ALL, WN_REASON_RESYNC)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_ADD, 9, 1500)), WN_STATE_OK);
    wn_state_abort_snapshot(s);
    CU_ASSERT_EQUAL(n_events, 0);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_LINK), 2);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_ADDR), 2);
    /* After the abort, records are live again. */
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_ADD, 9, 1500)), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 1);
    expect(0, WN_TABLE_LINK, WN_WIRE_OP_ADD, 9);
    /* Records that have no place in the helper's stream. */
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_HELLO, 0, 0)), WN_STATE_ERROR);
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_DUMP, 0, 0)), WN_STATE_ERROR);
    done(s);
}

/* What "the system" answers once an interface is gone. */
static uint64_t gone_hook(void *ctx, uint32_t ifindex, const struct wn_wire_link *link)
{
    (void)ctx;
    (void)ifindex;
    (void)link;
    hook_calls++;
    return 0xdead;
}

static void test_luid_of_deleted(void)
{
    struct wn_state *s = new_state();
    struct wn_wire_record tun = link_rec(WN_WIRE_OP_ADD, 12, 1500);
    const uint64_t luid12 = (1ull << 48) | (12ull << 24), luid13 = (6ull << 48) | (13ull << 24);

    initial(s);
    tun.u.link.type = 65534; /* ARPHRD_NONE */
    CU_ASSERT_EQUAL(wn_state_apply(s, &tun), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 12, 12, 0)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, route_rec(WN_WIRE_OP_ADD, 12, 12, 0)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_ADD, 13, 1500)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 13, 13, 0)), WN_STATE_OK);
    CU_ASSERT_EQUAL(wn_state_find_link(s, 12)->luid, luid12);
    CU_ASSERT_EQUAL(events[1].luid, luid12);
    CU_ASSERT_EQUAL(events[2].luid, luid12);
    CU_ASSERT_EQUAL(hook_calls, 4); /* lo, 2, 12, 13: never for an address or a route */

    /* From now on the system cannot answer: every deletion still reports the LUID the object had. */
    wn_state_set_luid_hook(s, gone_hook, NULL);
    hook_calls = 0;
    n_events = 0;
    /* Link 12 vanished during a resync of the links alone: its address and route go with it. */
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_BEGIN, WN_TABLE_LINK, WN_REASON_RESYNC)), WN_STATE_OK);
    {
        struct wn_wire_record lo = link_rec(WN_WIRE_OP_ADD, 1, 65536);
        lo.u.link.type = 772;
        CU_ASSERT_EQUAL(wn_state_apply(s, &lo), WN_STATE_OK);
    }
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_ADD, 2, 1500)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_ADD, 13, 1500)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_END, WN_TABLE_LINK, WN_REASON_RESYNC)), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 3);
    expect(0, WN_TABLE_ROUTE, WN_WIRE_OP_DEL, 12);
    expect(1, WN_TABLE_ADDR, WN_WIRE_OP_DEL, 12);
    expect(2, WN_TABLE_LINK, WN_WIRE_OP_DEL, 12);
    CU_ASSERT_EQUAL(events[0].luid, luid12);
    CU_ASSERT_EQUAL(events[1].luid, luid12);
    CU_ASSERT_EQUAL(events[2].luid, luid12);
    CU_ASSERT_EQUAL(wn_state_find_link(s, 13)->luid, luid13); /* kept through the resync */

    /* Link 13 deleted live; the address's own deletion, arriving late, is then nothing. */
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_DEL, 13, 1500)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_DEL, 13, 13, 0)), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 5);
    expect(3, WN_TABLE_ADDR, WN_WIRE_OP_DEL, 13);
    expect(4, WN_TABLE_LINK, WN_WIRE_OP_DEL, 13);
    CU_ASSERT_EQUAL(events[3].luid, luid13);
    CU_ASSERT_EQUAL(events[4].luid, luid13);
    CU_ASSERT_EQUAL(hook_calls, 0);
    done(s);
}

/* A resync of links, addresses and routes finding lo, link2 and link 9 (ethernet), each with its address, and
 * routes on 2 and 9. */
static void resync_links_2_9(struct wn_state *s, const struct wn_wire_record *link2)
{
    struct wn_wire_record lo = link_rec(WN_WIRE_OP_ADD, 1, 65536);
    const uint32_t tables = WN_TABLE_LINK | WN_TABLE_ADDR | WN_TABLE_ROUTE;

    lo.u.link.type = 772;
    n_events = 0;
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_BEGIN, tables, WN_REASON_RESYNC)), WN_STATE_OK);
    CU_ASSERT_EQUAL(wn_state_apply(s, &lo), WN_STATE_OK);
    CU_ASSERT_EQUAL(wn_state_apply(s, link2), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_ADD, 9, 1500)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 1, 1, 0x80)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 2, 2, 0x80)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 9, 9, 0x80)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, route_rec(WN_WIRE_OP_ADD, 2, 2, 100)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, route_rec(WN_WIRE_OP_ADD, 9, 9, 0)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_END, tables, WN_REASON_RESYNC)), WN_STATE_OK);
}

/* An address or route never changes LUID in place: a consumer keys its rows by LUID, so another LUID is another
 * row, gone and new (found by fuzz/fuzz_wire.c, which compares the LUIDs it heard with the view's). */
static void test_luid_change_is_del_add(void)
{
    struct wn_state *s = new_state();
    struct wn_wire_record eth2_rec = link_rec(WN_WIRE_OP_ADD, 2, 1500), tun = link_rec(WN_WIRE_OP_ADD, 2, 1500);
    const uint64_t bare9 = (1ull << 48) | (9ull << 24), eth9 = (6ull << 48) | (9ull << 24);
    const uint64_t eth2 = (6ull << 48) | (2ull << 24), none2 = (1ull << 48) | (2ull << 24);
    unsigned int t;

    initial(s);
    tun.u.link.type = 65534; /* ARPHRD_NONE: another interface on index 2 */

    /* An address and a route on index 9 arrive before link 9: the LUID is asked with the bare index. */
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 9, 9, 0x80)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, route_rec(WN_WIRE_OP_ADD, 9, 9, 0)), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 2);
    CU_ASSERT_EQUAL(events[0].luid, bare9);
    CU_ASSERT_EQUAL(events[1].luid, bare9);
    /* A resync brings link 9 and the same address and route: they now carry the link's LUID. */
    resync_links_2_9(s, &eth2_rec);
    CU_ASSERT_EQUAL(n_events, 5);
    expect(0, WN_TABLE_ROUTE, WN_WIRE_OP_DEL, 9);
    expect(1, WN_TABLE_ADDR, WN_WIRE_OP_DEL, 9);
    expect(2, WN_TABLE_LINK, WN_WIRE_OP_ADD, 9);
    expect(3, WN_TABLE_ADDR, WN_WIRE_OP_ADD, 9);
    expect(4, WN_TABLE_ROUTE, WN_WIRE_OP_ADD, 9);
    CU_ASSERT_EQUAL(events[0].luid, bare9);
    CU_ASSERT_EQUAL(events[1].luid, bare9);
    for (t = 2; t < 5; t++) CU_ASSERT_EQUAL(events[t].luid, eth9);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_ADDR), 3);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_ROUTE), 2);

    /* A resync finds index 2 reused by an interface of another type holding the same address and route. */
    resync_links_2_9(s, &tun);
    CU_ASSERT_EQUAL(n_events, 6);
    expect(0, WN_TABLE_ROUTE, WN_WIRE_OP_DEL, 2);
    expect(1, WN_TABLE_ADDR, WN_WIRE_OP_DEL, 2);
    expect(2, WN_TABLE_LINK, WN_WIRE_OP_DEL, 2);
    expect(3, WN_TABLE_LINK, WN_WIRE_OP_ADD, 2);
    expect(4, WN_TABLE_ADDR, WN_WIRE_OP_ADD, 2);
    expect(5, WN_TABLE_ROUTE, WN_WIRE_OP_ADD, 2);
    for (t = 0; t < 3; t++) CU_ASSERT_EQUAL(events[t].luid, eth2);
    for (t = 3; t < 6; t++) CU_ASSERT_EQUAL(events[t].luid, none2);

    /* Live: an address first seen before its link, then changed once the link is known. */
    n_events = 0;
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 11, 11, 0x40)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_ADD, 11, 1500)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_CHANGE, 11, 11, 0)), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 4);
    expect(0, WN_TABLE_ADDR, WN_WIRE_OP_ADD, 11);
    expect(1, WN_TABLE_LINK, WN_WIRE_OP_ADD, 11);
    expect(2, WN_TABLE_ADDR, WN_WIRE_OP_DEL, 11);
    expect(3, WN_TABLE_ADDR, WN_WIRE_OP_ADD, 11);
    CU_ASSERT_EQUAL(events[2].luid, (1ull << 48) | (11ull << 24));
    CU_ASSERT_EQUAL(events[3].luid, (6ull << 48) | (11ull << 24));
    /* With the LUID settled, the next change is an ordinary one. */
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_CHANGE, 11, 11, 0x40)), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 5);
    expect(4, WN_TABLE_ADDR, WN_WIRE_OP_CHANGE, 11);
    done(s);
}

/* 10,000 addresses loaded, then a resync in which 1,000 are gone, 1,000 are new and 1,000 changed flags. */
static void test_large_resync(void)
{
    enum { N = 10000, K = 1000 };
    struct wn_state *s = new_state();
    size_t i, n_add = 0, n_del = 0, n_change = 0;
    unsigned char *seen = calloc(N + K, 1);
    const struct wn_state_addr *a;

    CU_ASSERT_PTR_NOT_NULL_FATAL(seen);
    initial(s);
    for (i = 0; i < N; i++) CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 2, 1000 + i, 0x80)), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, N);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_ADDR), N + 2);
    n_events = 0;

    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_BEGIN, WN_TABLE_ADDR, WN_REASON_RESYNC)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 1, 1, 0x80)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 2, 2, 0x80)), WN_STATE_OK);
    for (i = K; i < N + K; i++)
        CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 2, 1000 + i, i < 2 * K ? 0x40 : 0x80)), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 0);
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_END, WN_TABLE_ADDR, WN_REASON_RESYNC)), WN_STATE_OK);

    for (i = 0; i < n_events; i++)
    {
        CU_ASSERT_EQUAL(events[i].table, WN_TABLE_ADDR);
        CU_ASSERT_EQUAL(events[i].luid, (6ull << 48) | (2ull << 24));
        n_add += events[i].op == WN_WIRE_OP_ADD;
        n_del += events[i].op == WN_WIRE_OP_DEL;
        n_change += events[i].op == WN_WIRE_OP_CHANGE;
        /* Every deletion comes before any addition. */
        if (i) CU_ASSERT(!(events[i].op == WN_WIRE_OP_DEL && events[i - 1].op != WN_WIRE_OP_DEL));
    }
    CU_ASSERT_EQUAL(n_del, K);
    CU_ASSERT_EQUAL(n_add, K);
    CU_ASSERT_EQUAL(n_change, K);
    CU_ASSERT_EQUAL(n_events, 3 * K);

    /* The view holds exactly the snapshot's addresses, each once, with the new flags. */
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_ADDR), N + 2);
    for (a = wn_state_first(s, WN_TABLE_ADDR); a; a = wn_state_next(s, WN_TABLE_ADDR, a))
    {
        uint32_t n = ((uint32_t)a->wire.addr[1] << 16) | ((uint32_t)a->wire.addr[2] << 8) | a->wire.addr[3];

        if (n < 1000) continue;
        n -= 1000;
        CU_ASSERT_FATAL(n >= K && n < N + K);
        CU_ASSERT_EQUAL(seen[n], 0);
        seen[n] = 1;
        CU_ASSERT_EQUAL(a->wire.flags, n < 2 * K ? 0x40u : 0x80u);
    }
    for (i = K; i < N + K; i++) CU_ASSERT_EQUAL(seen[i], 1);
    for (i = K; i < N + K; i++)
    {
        struct wn_wire_record r = addr_rec(WN_WIRE_OP_ADD, 2, 1000 + i, 0);
        struct wn_state_addr key;

        key.wire = r.u.addr;
        CU_ASSERT_PTR_NOT_NULL(wn_state_find(s, WN_TABLE_ADDR, &key));
    }
    free(seen);
    done(s);
}

/* Linux changes a route's metric by adding the new route, then deleting the old one.  A resync whose dump comes
 * after both (the helper re-dumps routes after any link event) must report them in that order: the other way
 * round, a consumer keying routes without the metric (iphlpapi's route rows) hears a deletion and an addition
 * instead of one route that changed.  Seen under load as notify.c's metric change reported as a delete. */
static void test_metric_change_in_snapshot(void)
{
    static const uint32_t tables[] = { WN_TABLE_ROUTE, WN_TABLE_LINK | WN_TABLE_ADDR | WN_TABLE_ROUTE };
    unsigned int i;

    for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
    {
        struct wn_state *s = new_state();
        struct wn_wire_record lo = link_rec(WN_WIRE_OP_ADD, 1, 65536);

        initial(s);
        lo.u.link.type = 772;
        CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_BEGIN, tables[i], WN_REASON_RESYNC)), WN_STATE_OK);
        if (tables[i] & WN_TABLE_LINK)
        {
            CU_ASSERT_EQUAL(wn_state_apply(s, &lo), WN_STATE_OK);
            CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_ADD, 2, 1500)), WN_STATE_OK);
            CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 1, 1, 0x80)), WN_STATE_OK);
            CU_ASSERT_EQUAL(apply(s, addr_rec(WN_WIRE_OP_ADD, 2, 2, 0x80)), WN_STATE_OK);
        }
        CU_ASSERT_EQUAL(apply(s, route_rec(WN_WIRE_OP_ADD, 2, 2, 200)), WN_STATE_OK);
        CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_END, tables[i], WN_REASON_RESYNC)), WN_STATE_OK);

        CU_ASSERT_EQUAL_FATAL(n_events, 2);
        expect(0, WN_TABLE_ROUTE, WN_WIRE_OP_ADD, 2);
        CU_ASSERT_EQUAL(events[0].metric, 200);
        expect(1, WN_TABLE_ROUTE, WN_WIRE_OP_DEL, 2);
        CU_ASSERT_EQUAL(events[1].metric, 100);
        CU_ASSERT_EQUAL(events[1].luid, (6ull << 48) | (2ull << 24));
        CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_ROUTE), 1);
        done(s);
    }
}

static struct wn_wire_record neigh_rec(uint16_t op, uint32_t ifindex, uint8_t n, uint16_t state)
{
    struct wn_wire_record r;

    memset(&r, 0, sizeof(r));
    r.type = WN_WIRE_NEIGH;
    r.op = op;
    r.u.neigh.family = 4;
    r.u.neigh.ifindex = ifindex;
    r.u.neigh.state = state;
    r.u.neigh.addr[0] = 10;
    r.u.neigh.addr[3] = n;
    r.u.neigh.lladdr_len = 6;
    r.u.neigh.lladdr[5] = n;
    return r;
}

/* Neighbours: keyed by family, index and address; their ages are no change; they carry their link's LUID and go
 * with it. */
static void test_neighbours(void)
{
    struct wn_state *s = new_state();
    struct wn_wire_record r;
    struct wn_state_neigh key;
    const struct wn_state_neigh *found;

    initial(s);
    n_events = 0;
    r = neigh_rec(WN_WIRE_OP_ADD, 2, 7, 0x02);
    r.u.neigh.confirmed = 10;
    CU_ASSERT_EQUAL(apply(s, r), WN_STATE_OK);
    CU_ASSERT_EQUAL_FATAL(n_events, 1);
    expect(0, WN_TABLE_NEIGH, WN_WIRE_OP_ADD, 2);
    CU_ASSERT_EQUAL(events[0].luid, (6ull << 48) | (2ull << 24));
    /* Older by a second: the same entry. */
    r.u.neigh.confirmed = 110;
    CU_ASSERT_EQUAL(apply(s, r), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 1);
    memset(&key, 0, sizeof(key));
    key.wire = r.u.neigh;
    found = wn_state_find(s, WN_TABLE_NEIGH, &key);
    CU_ASSERT_PTR_NOT_NULL_FATAL(found);
    CU_ASSERT_EQUAL(found->wire.confirmed, 110);
    /* Reachable to stale: a change. */
    r.u.neigh.state = 0x04;
    CU_ASSERT_EQUAL(apply(s, r), WN_STATE_OK);
    CU_ASSERT_EQUAL_FATAL(n_events, 2);
    expect(1, WN_TABLE_NEIGH, WN_WIRE_OP_CHANGE, 2);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_NEIGH), 1);
    /* The link goes: its neighbour goes first. */
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_DEL, 2, 1500)), WN_STATE_OK);
    CU_ASSERT_FATAL(n_events >= 4);
    CU_ASSERT_EQUAL(events[2].table, WN_TABLE_NEIGH);
    CU_ASSERT_EQUAL(events[2].op, WN_WIRE_OP_DEL);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_NEIGH), 0);

    /* A snapshot of neighbours alone diffs them alone. */
    CU_ASSERT_EQUAL(apply(s, neigh_rec(WN_WIRE_OP_ADD, 1, 8, 0x80)), WN_STATE_OK);
    n_events = 0;
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_BEGIN, WN_TABLE_NEIGH, WN_REASON_RESYNC)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, neigh_rec(WN_WIRE_OP_ADD, 1, 9, 0x80)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, snap_rec(WN_WIRE_SNAPSHOT_END, WN_TABLE_NEIGH, WN_REASON_RESYNC)), WN_STATE_OK);
    CU_ASSERT_EQUAL_FATAL(n_events, 2);
    CU_ASSERT_EQUAL(events[0].op, WN_WIRE_OP_DEL);
    CU_ASSERT_EQUAL(events[0].byte, 8);
    CU_ASSERT_EQUAL(events[1].op, WN_WIRE_OP_ADD);
    CU_ASSERT_EQUAL(events[1].byte, 9);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_ROUTE), 0);
    done(s);
}

/* A route of the local table and one of the main table with the same destination, interface and metric are two
 * routes (an address's host route and one added by hand). */
static void test_route_tables(void)
{
    struct wn_state *s = new_state();
    struct wn_wire_record main_route = route_rec(WN_WIRE_OP_ADD, 2, 9, 0), local_route;

    initial(s);
    n_events = 0;
    main_route.u.route.table = 254;
    local_route = main_route;
    local_route.u.route.table = 255;
    local_route.u.route.type = 2;   /* RTN_LOCAL */
    CU_ASSERT_EQUAL(apply(s, main_route), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, local_route), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 2);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_ROUTE), 3);
    main_route.op = WN_WIRE_OP_DEL;
    CU_ASSERT_EQUAL(apply(s, main_route), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 3);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_ROUTE), 2);
    done(s);
}

static struct wn_wire_record maddr_rec(uint16_t op, uint32_t ifindex, uint8_t kind, uint8_t last)
{
    struct wn_wire_record r;

    memset(&r, 0, sizeof(r));
    r.type = WN_WIRE_MADDR;
    r.op = op;
    r.u.maddr.ifindex = ifindex;
    r.u.maddr.family = 6;
    r.u.maddr.kind = kind;
    r.u.maddr.addr[0] = 0xff;
    r.u.maddr.addr[1] = 0x02;
    r.u.maddr.addr[15] = last;
    return r;
}

/* Multicast groups and anycast addresses: keyed by kind too, with their link's LUID, gone with their link, and
 * a re-announcement says nothing. */
static void test_maddr(void)
{
    struct wn_state *s = new_state();
    struct wn_state_maddr key;

    initial(s);
    CU_ASSERT_EQUAL(apply(s, maddr_rec(WN_WIRE_OP_ADD, 2, WN_MADDR_MULTICAST, 1)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, maddr_rec(WN_WIRE_OP_ADD, 2, WN_MADDR_MULTICAST, 1)), WN_STATE_OK);
    CU_ASSERT_EQUAL(apply(s, maddr_rec(WN_WIRE_OP_ADD, 2, WN_MADDR_ANYCAST, 1)), WN_STATE_OK);
    CU_ASSERT_EQUAL(n_events, 2);
    expect(0, WN_TABLE_MADDR, WN_WIRE_OP_ADD, 2);
    expect(1, WN_TABLE_MADDR, WN_WIRE_OP_ADD, 2);
    CU_ASSERT_EQUAL(events[0].luid, wn_state_find_link(s, 2)->luid);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_MADDR), 2);
    memset(&key, 0, sizeof(key));
    key.wire = maddr_rec(WN_WIRE_OP_ADD, 2, WN_MADDR_ANYCAST, 1).u.maddr;
    CU_ASSERT_PTR_NOT_NULL(wn_state_find(s, WN_TABLE_MADDR, &key));
    CU_ASSERT_EQUAL(apply(s, link_rec(WN_WIRE_OP_DEL, 2, 1500)), WN_STATE_OK);
    CU_ASSERT_EQUAL(wn_state_count(s, WN_TABLE_MADDR), 0);
    CU_ASSERT(n_events >= 5);
    expect(n_events - 1, WN_TABLE_LINK, WN_WIRE_OP_DEL, 2);
    done(s);
}

static const CU_TestInfo tests[] = {
    { "neighbours", test_neighbours },
    { "routes of two tables", test_route_tables },
    { "multicast and anycast addresses", test_maddr },
    { "first snapshot loads silently", test_first_snapshot_silent },
    { "live add, change, delete", test_live_add_change_del },
    { "re-announcements say nothing", test_reannouncement_noop },
    { "devices", test_devices },
    { "snapshot diff", test_snapshot_diff },
    { "aborted snapshot discarded", test_aborted_snapshot },
    { "LUID kept for deleted objects", test_luid_of_deleted },
    { "a LUID change is a deletion and an addition", test_luid_change_is_del_add },
    { "10,000-entry resync", test_large_resync },
    { "a metric change in a snapshot: addition before deletion", test_metric_change_in_snapshot },
    CU_TEST_INFO_NULL,
};

void register_state_tests(void)
{
    unit_add_suite("state", tests);
}
