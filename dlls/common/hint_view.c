/* The connectivity hint from the one network view (see hint_view.h). */
#include <string.h>

#include "hint_view.h"

/* Linux's own values, as the helper relays them in struct wn_wire_link and wn_wire_route (this file sees no
 * Linux header: it is compiled by MinGW too). */
#define LINUX_IFF_UP       0x1u
#define LINUX_IFF_LOOPBACK 0x8u
#define LINUX_IFF_RUNNING  0x40u
#define LINUX_ARPHRD_LOOPBACK 772
#define LINUX_RTN_UNICAST  1

/* Up and operationally up (IFF_RUNNING: carrier, or no notion of one), and not loopback: an interface that can
 * carry traffic off this host. */
static int usable(const struct wn_state_link *link)
{
    if (!link) return 0;
    if (link->wire.flags & LINUX_IFF_LOOPBACK || link->wire.type == LINUX_ARPHRD_LOOPBACK) return 0;
    return (link->wire.flags & (LINUX_IFF_UP | LINUX_IFF_RUNNING)) == (LINUX_IFF_UP | LINUX_IFF_RUNNING);
}

static int is_default_route(const struct wn_state_route *route)
{
    return route->wire.dst_len == 0 && route->wire.type == LINUX_RTN_UNICAST && route->wire.oif;
}

/* The level the routing view gives, for one interface (ifindex) or for any (0). */
static uint8_t derived_level(const struct wn_state *state, uint32_t ifindex)
{
    const struct wn_state_route *route;
    const struct wn_state_addr *addr;
    int local = 0;

    if (!wn_state_ready(state)) return WN_HINT_LEVEL_UNKNOWN;
    for (route = wn_state_first(state, WN_TABLE_ROUTE); route; route = wn_state_next(state, WN_TABLE_ROUTE, route))
    {
        if (!is_default_route(route) || (ifindex && route->wire.oif != ifindex)) continue;
        if (usable(wn_state_find_link(state, route->wire.oif))) return WN_HINT_LEVEL_INTERNET;
    }
    for (addr = wn_state_first(state, WN_TABLE_ADDR); addr && !local; addr = wn_state_next(state, WN_TABLE_ADDR, addr))
    {
        if (ifindex && addr->wire.ifindex != ifindex) continue;
        local = usable(wn_state_find_link(state, addr->wire.ifindex));
    }
    return local ? WN_HINT_LEVEL_LOCAL : WN_HINT_LEVEL_NONE;
}

static const struct wn_state_hint *find_hint(const struct wn_state *state, uint32_t ifindex)
{
    struct wn_state_hint key;

    memset(&key, 0, sizeof(key));
    key.wire.ifindex = ifindex;
    return wn_state_find(state, WN_TABLE_HINT, &key);
}

/* A service's level, checked against the view (hint_view.h: None only when the view agrees). */
static uint8_t combine(uint8_t service, uint8_t derived)
{
    if (service == WN_HINT_LEVEL_UNKNOWN || service == WN_HINT_LEVEL_NONE) return derived;
    return service;
}

void wn_connectivity_host(const struct wn_state *state, struct wn_connectivity *out)
{
    const struct wn_state_hint *hint = find_hint(state, 0);
    uint8_t derived = derived_level(state, 0);

    memset(out, 0, sizeof(*out));
    out->level = hint ? combine(hint->wire.level, derived) : derived;
    if (!hint) return;
    out->cost = hint->wire.cost;
    out->flags = hint->wire.flags;
}

int wn_connectivity_interface(const struct wn_state *state, uint32_t ifindex, struct wn_connectivity *out)
{
    const struct wn_state_hint *host = find_hint(state, 0), *own;
    uint8_t derived;

    memset(out, 0, sizeof(*out));
    if (!ifindex || !wn_state_find_link(state, ifindex)) return -1;
    derived = derived_level(state, ifindex);
    own = find_hint(state, ifindex);
    out->level = own ? combine(own->wire.level, derived) : derived;
    if ((own = own ? own : host))
    {
        out->cost = own->wire.cost;
        out->flags = own->wire.flags;
    }
    return 0;
}

int wn_connectivity_relevant(uint32_t table, uint16_t op, const void *old_body, const void *new_body)
{
    const struct wn_state_link *old_link = old_body, *new_link = new_body;
    const struct wn_state_route *old_route = old_body, *new_route = new_body;
    const uint32_t state_flags = LINUX_IFF_UP | LINUX_IFF_RUNNING | LINUX_IFF_LOOPBACK;

    switch (table)
    {
    case WN_TABLE_HINT:
        return 1;
    case WN_TABLE_LINK:
        if (op != WN_WIRE_OP_CHANGE) return 1;
        return ((old_link->wire.flags ^ new_link->wire.flags) & state_flags) || old_link->wire.type != new_link->wire.type;
    case WN_TABLE_ADDR:
        return op != WN_WIRE_OP_CHANGE;
    case WN_TABLE_ROUTE:
        return (old_route && is_default_route(old_route)) || (new_route && is_default_route(new_route));
    }
    return 0;
}
