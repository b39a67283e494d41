/* The view's changes as the notes of one MIB registration (see mib_changes.h). */
#include <winsock2.h>
#include <windows.h>
#include <stdlib.h>
#include <string.h>

#include "debug.h"
#include "mib_changes.h"
#include "rows.h"

struct known_link
{
    struct wn_state_link link;
    BOOL v4, v6;             /* the interface of that family was reported (or was there at the start) */
};

struct wn_mib_track
{
    enum wn_mib_kind kind;
    ADDRESS_FAMILY family;
    size_t count, cap;
    void *items;             /* struct known_link (interfaces) or struct wn_state_route (routes) */
};

struct wn_mib_track *wn_mib_track_create(enum wn_mib_kind kind, ADDRESS_FAMILY family)
{
    struct wn_mib_track *track = calloc(1, sizeof(*track));

    if (!track) return NULL;
    track->kind = kind;
    track->family = family;
    return track;
}

void wn_mib_track_free(struct wn_mib_track *track)
{
    if (!track) return;
    free(track->items);
    free(track);
}

enum wn_mib_kind wn_mib_track_kind(const struct wn_mib_track *track)
{
    return track->kind;
}

uint32_t wn_mib_tables(enum wn_mib_kind kind, ADDRESS_FAMILY family)
{
    switch (kind)
    {
    case WN_MIB_INTERFACE:
        /* Addresses tell whether a link has IPv6. */
        return WN_TABLE_LINK | (wn_family_covers(family, 6) ? WN_TABLE_ADDR : 0);
    case WN_MIB_ADDRESS:
        return WN_TABLE_ADDR;
    case WN_MIB_ROUTE:
        return WN_TABLE_ROUTE;
    }
    return 0;
}

static size_t item_size(const struct wn_mib_track *track)
{
    return track->kind == WN_MIB_INTERFACE ? sizeof(struct known_link) : sizeof(struct wn_state_route);
}

static void *item_at(const struct wn_mib_track *track, size_t i)
{
    return (char *)track->items + i * item_size(track);
}

/* Appends a zeroed item; NULL when out of memory. */
static void *append(struct wn_mib_track *track)
{
    void *item;

    if (track->count == track->cap)
    {
        size_t cap = track->cap ? track->cap * 2 : 16;
        void *bigger = realloc(track->items, cap * item_size(track));

        if (!bigger) return NULL;
        track->items = bigger;
        track->cap = cap;
    }
    item = item_at(track, track->count++);
    memset(item, 0, item_size(track));
    return item;
}

static void remove_at(struct wn_mib_track *track, size_t i)
{
    size_t size = item_size(track);

    memmove(item_at(track, i), item_at(track, i + 1), (track->count - i - 1) * size);
    track->count--;
}

/* ---- notes ------------------------------------------------------------------------------------------------ */

static struct wn_mib_note *new_note(MIB_NOTIFICATION_TYPE type)
{
    struct wn_mib_note *note = calloc(1, sizeof(*note));

    if (!note) ERR("out of memory: a notification is lost\n");
    else note->type = type;
    return note;
}

static void post_interface(struct wn_reg *reg, MIB_NOTIFICATION_TYPE type, ADDRESS_FAMILY family,
                           const struct wn_state_link *link)
{
    struct wn_mib_note *note = new_note(type);

    if (!note) return;
    wn_row_interface(&note->row.iface, family, link);
    TRACE("%p: interface %u (%s, family %u) type %d\n", reg, link->wire.ifindex,
          link->wire.name, family, type);
    wn_reg_post(reg, &note->head);
}

static void post_address(struct wn_reg *reg, MIB_NOTIFICATION_TYPE type, const struct wn_state_addr *addr)
{
    struct wn_mib_note *note = new_note(type);

    if (!note) return;
    wn_row_unicast(&note->row.addr, addr);
    TRACE("%p: address on %u type %d\n", reg, addr->wire.ifindex, type);
    wn_reg_post(reg, &note->head);
}

static void post_route(struct wn_reg *reg, MIB_NOTIFICATION_TYPE type, const struct wn_state_route *route)
{
    struct wn_mib_note *note = new_note(type);

    if (!note) return;
    wn_row_route(&note->row.route, route);
    TRACE("%p: route via %u /%u type %d\n", reg, route->wire.oif, route->wire.dst_len, type);
    wn_reg_post(reg, &note->head);
}

/* ---- interfaces ------------------------------------------------------------------------------------------- */

static struct known_link *find_link(struct wn_mib_track *track, uint32_t ifindex, size_t *index)
{
    size_t i;

    for (i = 0; i < track->count; i++)
    {
        struct known_link *known = item_at(track, i);

        if (known->link.wire.ifindex != ifindex) continue;
        if (index) *index = i;
        return known;
    }
    return NULL;
}

/* A parameter notification is a change of what the family's interface row shows of the link (rows.h): its MTU,
 * whether it is up and running (the kernel's summary of the operational state, so that its intermediate steps
 * give no notification), forwarding, and the per-family settings the link's record carries. */
static BOOL link_params_differ(const struct wn_state_link *a, const struct wn_state_link *b, ADDRESS_FAMILY family)
{
    MIB_IPINTERFACE_ROW ra, rb;

    wn_row_interface(&ra, family, a);
    wn_row_interface(&rb, family, b);
    rb.InterfaceLuid = ra.InterfaceLuid;
    return memcmp(&ra, &rb, sizeof(ra)) != 0;
}

static void interface_link_change(struct wn_reg *reg, struct wn_mib_track *track, uint16_t op,
                                  const struct wn_state_link *old, const struct wn_state_link *new)
{
    const struct wn_state_link *link = new ? new : old;
    size_t index;
    struct known_link *known = find_link(track, link->wire.ifindex, &index);

    switch (op)
    {
    case WN_WIRE_OP_ADD:
        if (known) return;
        if (!(known = append(track)))
        {
            ERR("out of memory: interface %u is not followed\n", link->wire.ifindex);
            return;
        }
        known->link = *new;
        if ((known->v4 = wn_family_covers(track->family, 4)))
            post_interface(reg, MibAddInstance, AF_INET, new);
        return;
    case WN_WIRE_OP_CHANGE:
        if (!known) return;
        known->link = *new;
        if (known->v4 && link_params_differ(old, new, AF_INET))
            post_interface(reg, MibParameterNotification, AF_INET, new);
        if (known->v6 && link_params_differ(old, new, AF_INET6))
            post_interface(reg, MibParameterNotification, AF_INET6, new);
        return;
    case WN_WIRE_OP_DEL:
        if (!known) return;
        /* The row of a deleted interface keeps the LUID it had. */
        if (known->v4) post_interface(reg, MibDeleteInstance, AF_INET, &known->link);
        if (known->v6) post_interface(reg, MibDeleteInstance, AF_INET6, &known->link);
        remove_at(track, index);
        return;
    }
}

static void interface_addr_change(struct wn_reg *reg, struct wn_mib_track *track, uint16_t op,
                                  const struct wn_state_addr *addr)
{
    struct known_link *known;

    if (op != WN_WIRE_OP_ADD || addr->wire.family != 6 || !wn_family_covers(track->family, 6)) return;
    if (!(known = find_link(track, addr->wire.ifindex, NULL)) || known->v6) return;
    known->v6 = TRUE;
    post_interface(reg, MibAddInstance, AF_INET6, &known->link);
}

/* ---- routes ----------------------------------------------------------------------------------------------- */

/* The fields Windows keys a route by: prefix, next hop, interface (not the metric). */
static BOOL same_windows_route(const struct wn_wire_route *a, const struct wn_wire_route *b)
{
    return a->family == b->family && a->dst_len == b->dst_len && a->oif == b->oif &&
           !memcmp(a->dst, b->dst, sizeof(a->dst)) && !memcmp(a->gateway, b->gateway, sizeof(a->gateway));
}

/* The view's own key: the Windows one plus the metric and the Linux table (a host route of the main table can
 * have the key of an address's own route in the local table). */
static BOOL same_linux_route(const struct wn_wire_route *a, const struct wn_wire_route *b)
{
    return same_windows_route(a, b) && a->metric == b->metric && a->table == b->table;
}

static struct wn_state_route *find_route(struct wn_mib_track *track, const struct wn_wire_route *key,
                                         BOOL (*same)(const struct wn_wire_route *, const struct wn_wire_route *),
                                         size_t *index)
{
    size_t i;

    for (i = 0; i < track->count; i++)
    {
        struct wn_state_route *route = item_at(track, i);

        if (!same(&route->wire, key)) continue;
        if (index) *index = i;
        return route;
    }
    return NULL;
}

/* A route without an output interface (blackhole, unreachable) has no Windows row. */
static BOOL route_covered(const struct wn_mib_track *track, const struct wn_state_route *route)
{
    return route->wire.oif && wn_family_covers(track->family, route->wire.family);
}

static void route_change(struct wn_reg *reg, struct wn_mib_track *track, uint16_t op,
                         const struct wn_state_route *old, const struct wn_state_route *new)
{
    const struct wn_state_route *route = new ? new : old;
    struct wn_state_route *known, *twin;
    size_t index;

    if (!route_covered(track, route)) return;
    known = find_route(track, &route->wire, same_linux_route, &index);
    switch (op)
    {
    case WN_WIRE_OP_ADD:
        if (known) return;
        twin = find_route(track, &new->wire, same_windows_route, NULL);
        if (!(known = append(track)))
        {
            ERR("out of memory: a route is not followed\n");
            return;
        }
        *known = *new;
        post_route(reg, twin ? MibParameterNotification : MibAddInstance, new);
        return;
    case WN_WIRE_OP_CHANGE:
        if (!known) return;
        *known = *new;
        post_route(reg, MibParameterNotification, new);
        return;
    case WN_WIRE_OP_DEL:
        if (!known) return;
        remove_at(track, index);
        if ((twin = find_route(track, &old->wire, same_windows_route, NULL)))
            post_route(reg, MibParameterNotification, twin);
        else post_route(reg, MibDeleteInstance, old);
        return;
    }
}

/* ---- addresses -------------------------------------------------------------------------------------------- */

static void address_change(struct wn_reg *reg, struct wn_mib_track *track, uint16_t op,
                           const struct wn_state_addr *old, const struct wn_state_addr *new)
{
    const struct wn_state_addr *addr = new ? new : old;

    if (!wn_family_covers(track->family, addr->wire.family)) return;
    switch (op)
    {
    case WN_WIRE_OP_ADD:
        post_address(reg, MibAddInstance, new);
        return;
    case WN_WIRE_OP_CHANGE:
        /* Lifetimes count down and are re-announced all the time, which is no news; a lifetime set to end at
         * another instant (SetUnicastIpAddressEntry, ip addr change, a renewal) or that becomes or stops being
         * infinite is, as is the DAD state. */
        if (wn_dad_state(&old->wire) != wn_dad_state(&new->wire)
            || !wn_wire_addr_lifetimes_same(&old->wire, &new->wire))
            post_address(reg, MibParameterNotification, new);
        return;
    case WN_WIRE_OP_DEL:
        post_address(reg, MibDeleteInstance, old);
        return;
    }
}

/* ---- the source's callbacks ------------------------------------------------------------------------------- */

void wn_mib_start_view(void *ctx, const struct wn_state *state)
{
    struct wn_reg *reg = ctx;
    struct wn_mib_track *track = reg->track;
    const struct wn_state_link *link;
    const struct wn_state_addr *addr;
    const struct wn_state_route *route;

    switch (track->kind)
    {
    case WN_MIB_INTERFACE:
        for (link = wn_state_first(state, WN_TABLE_LINK); link; link = wn_state_next(state, WN_TABLE_LINK, link))
        {
            struct known_link *known = append(track);

            if (!known) break;
            known->link = *link;
            known->v4 = wn_family_covers(track->family, 4);
        }
        if (!wn_family_covers(track->family, 6)) break;
        for (addr = wn_state_first(state, WN_TABLE_ADDR); addr; addr = wn_state_next(state, WN_TABLE_ADDR, addr))
        {
            struct known_link *known;

            if (addr->wire.family == 6 && (known = find_link(track, addr->wire.ifindex, NULL))) known->v6 = TRUE;
        }
        break;
    case WN_MIB_ROUTE:
        for (route = wn_state_first(state, WN_TABLE_ROUTE); route;
             route = wn_state_next(state, WN_TABLE_ROUTE, route))
        {
            struct wn_state_route *known;

            if (!route_covered(track, route)) continue;
            if (!(known = append(track))) break;
            *known = *route;
        }
        break;
    case WN_MIB_ADDRESS:
        break;
    }
}

void wn_mib_on_change(void *ctx, uint32_t table, uint16_t op, const void *old_body, const void *new_body)
{
    struct wn_reg *reg = ctx;
    struct wn_mib_track *track = reg->track;

    switch (track->kind)
    {
    case WN_MIB_INTERFACE:
        if (table == WN_TABLE_LINK) interface_link_change(reg, track, op, old_body, new_body);
        else if (table == WN_TABLE_ADDR) interface_addr_change(reg, track, op, new_body ? new_body : old_body);
        break;
    case WN_MIB_ADDRESS:
        if (table == WN_TABLE_ADDR) address_change(reg, track, op, old_body, new_body);
        break;
    case WN_MIB_ROUTE:
        if (table == WN_TABLE_ROUTE) route_change(reg, track, op, old_body, new_body);
        break;
    }
}
