/* The wire decoder (wire/wire.c) and the core's state (dlls/common/state.c) on an arbitrary byte stream, fed as
 * the DLL's reader feeds them (source_wine.c: REPLY records aside, every decoded record goes to wn_state_apply;
 * a malformed one ends the connection, which throws away any snapshot in progress, and the next helper's stream
 * follows: here, the rest of the input).
 *
 * Invariants: a decoded record re-encodes to the same bytes, and any shorter prefix of it asks for more; and the
 * changes the state reports are exact.  A shadow copy of the view is kept from the listener's events alone (set
 * from the state when it becomes ready, since the first snapshot loads silently); after each snapshot and at the
 * end it must hold the same objects in the same states as the state's view: nothing lost, nothing invented, no
 * ADD of a key already there, no DEL or CHANGE of one that is not. */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "check.h"

enum { T_LINK, T_ADDR, T_ROUTE, T_DEVICE, T_HINT, T_NEIGH, T_MADDR, TABLES };

static const uint32_t table_bits[TABLES] = { WN_TABLE_LINK, WN_TABLE_ADDR, WN_TABLE_ROUTE, WN_TABLE_DEVICE,
                                             WN_TABLE_HINT, WN_TABLE_NEIGH, WN_TABLE_MADDR };

union body
{
    struct wn_state_link link;
    struct wn_state_addr addr;
    struct wn_state_route route;
    struct wn_state_device device;
    struct wn_state_hint hint;
    struct wn_state_neigh neigh;
    struct wn_state_maddr maddr;
};

struct shadow_entry
{
    union body body;
    char *devpath;               /* devices: a copy, the body's pointers die with the callback */
};

struct shadow
{
    struct shadow_entry *v;
    size_t count, cap;
};

static struct shadow shadow[TABLES];
static int shadow_on;

static int table_of(uint32_t bit)
{
    int t;

    for (t = 0; t < TABLES; t++)
        if (table_bits[t] == bit) return t;
    CHECK(!"a table that does not exist");
    return -1;
}

static int same_key(int t, const union body *a, const union body *b)
{
    switch (t)
    {
    case T_LINK: return a->link.wire.ifindex == b->link.wire.ifindex;
    case T_ADDR:
        return a->addr.wire.family == b->addr.wire.family && a->addr.wire.prefixlen == b->addr.wire.prefixlen
               && a->addr.wire.ifindex == b->addr.wire.ifindex && !memcmp(a->addr.wire.addr, b->addr.wire.addr, 16);
    case T_ROUTE:
        return a->route.wire.family == b->route.wire.family && a->route.wire.dst_len == b->route.wire.dst_len
               && !memcmp(a->route.wire.dst, b->route.wire.dst, 16)
               && !memcmp(a->route.wire.gateway, b->route.wire.gateway, 16)
               && a->route.wire.oif == b->route.wire.oif && a->route.wire.metric == b->route.wire.metric
               && a->route.wire.table == b->route.wire.table;
    case T_HINT: return a->hint.wire.ifindex == b->hint.wire.ifindex;
    case T_NEIGH:
        return a->neigh.wire.family == b->neigh.wire.family && a->neigh.wire.ifindex == b->neigh.wire.ifindex
               && !memcmp(a->neigh.wire.addr, b->neigh.wire.addr, 16);
    case T_MADDR:
        return a->maddr.wire.kind == b->maddr.wire.kind && a->maddr.wire.family == b->maddr.wire.family
               && a->maddr.wire.ifindex == b->maddr.wire.ifindex && !memcmp(a->maddr.wire.addr, b->maddr.wire.addr, 16);
    }
    return !strcmp(a->device.devpath, b->device.devpath);
}

static int lifetime_kind(uint32_t lft)
{
    return lft == 0 ? 0 : lft == 0xffffffffu ? 2 : 1;
}

/* What a consumer can tell apart: the state reports no change for address lifetimes that merely count down, nor
 * for a device announced again with another ACTION or SEQNUM.  A countdown keeps the lifetimes' kinds (0, finite,
 * forever) but not their numbers, which the state replaces silently, each time within the slack of the last: so
 * the shadow, which sees only the changes, can hold it to the kinds only (changed() holds each change to more). */
static int same_state(int t, const union body *a, const union body *b)
{
    switch (t)
    {
    case T_LINK: return !memcmp(&a->link.wire, &b->link.wire, sizeof(a->link.wire)) && a->link.luid == b->link.luid;
    case T_ADDR:
        return a->addr.wire.scope == b->addr.wire.scope && a->addr.wire.flags == b->addr.wire.flags
               && lifetime_kind(a->addr.wire.preferred_lft) == lifetime_kind(b->addr.wire.preferred_lft)
               && lifetime_kind(a->addr.wire.valid_lft) == lifetime_kind(b->addr.wire.valid_lft)
               && a->addr.luid == b->addr.luid;
    case T_ROUTE:
        return !memcmp(&a->route.wire, &b->route.wire, sizeof(a->route.wire)) && a->route.luid == b->route.luid;
    case T_HINT: return !memcmp(&a->hint.wire, &b->hint.wire, sizeof(a->hint.wire));
    case T_NEIGH:
        /* Ages count up by themselves. */
        return a->neigh.wire.state == b->neigh.wire.state && a->neigh.wire.flags == b->neigh.wire.flags
               && a->neigh.wire.type == b->neigh.wire.type && a->neigh.wire.lladdr_len == b->neigh.wire.lladdr_len
               && !memcmp(a->neigh.wire.lladdr, b->neigh.wire.lladdr, 32) && a->neigh.luid == b->neigh.luid;
    case T_MADDR: return a->maddr.luid == b->maddr.luid;
    }
    return a->device.wire.ifindex == b->device.wire.ifindex;
}

/* A change the state reports: something a consumer can tell apart, or an address lifetime that ends at another
 * instant than the one it replaces. */
static int changed(int t, const union body *old, const union body *new)
{
    if (!same_state(t, old, new)) return 1;
    return t == T_ADDR && !wn_wire_addr_lifetimes_same(&old->addr.wire, &new->addr.wire);
}

static uint64_t luid_of(int t, const union body *b)
{
    switch (t)
    {
    case T_LINK: return b->link.luid;
    case T_ADDR: return b->addr.luid;
    case T_ROUTE: return b->route.luid;
    case T_NEIGH: return b->neigh.luid;
    case T_MADDR: return b->maddr.luid;
    }
    return 0;
}

static struct shadow_entry *shadow_find(int t, const union body *key)
{
    size_t i;

    for (i = 0; i < shadow[t].count; i++)
        if (same_key(t, &shadow[t].v[i].body, key)) return &shadow[t].v[i];
    return NULL;
}

static void shadow_set(int t, struct shadow_entry *e, const void *body)
{
    memcpy(&e->body, body, wn_state_body_size(table_bits[t]));
    if (t != T_DEVICE) return;
    free(e->devpath);
    e->devpath = strdup(e->body.device.devpath);
    CHECK(e->devpath != NULL);
    e->body.device.devpath = e->devpath;
    e->body.device.props = NULL;
}

static void shadow_add(int t, const void *body)
{
    struct shadow *s = &shadow[t];

    if (s->count == s->cap)
    {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = realloc(s->v, s->cap * sizeof(*s->v));
        CHECK(s->v != NULL);
    }
    s->v[s->count].devpath = NULL;
    shadow_set(t, &s->v[s->count++], body);
}

static void shadow_clear(void)
{
    size_t i;
    int t;

    for (t = 0; t < TABLES; t++)
    {
        for (i = 0; i < shadow[t].count; i++) free(shadow[t].v[i].devpath);
        free(shadow[t].v);
        memset(&shadow[t], 0, sizeof(shadow[t]));
    }
    shadow_on = 0;
}

static void check_device(const struct wn_state_device *d)
{
    CHECK(d->props && d->wire.props_len && !d->props[d->wire.props_len - 1]);
    CHECK(d->devpath >= d->props && d->devpath < d->props + d->wire.props_len);
    CHECK(d->devpath == wn_wire_prop(d->props, d->wire.props_len, "DEVPATH"));
}

static void listener(void *ctx, uint32_t table, uint16_t op, const void *old_body, const void *new_body)
{
    int t = table_of(table);
    struct shadow_entry *e;

    (void)ctx;
    CHECK(shadow_on);
    CHECK((op == WN_WIRE_OP_ADD) == !old_body);
    CHECK((op == WN_WIRE_OP_DEL) == !new_body);
    CHECK(op == WN_WIRE_OP_ADD || op == WN_WIRE_OP_CHANGE || op == WN_WIRE_OP_DEL);
    if (t == T_DEVICE) check_device(new_body ? new_body : old_body);
    e = shadow_find(t, old_body ? old_body : new_body);
    switch (op)
    {
    case WN_WIRE_OP_ADD:
        CHECK(!e);
        shadow_add(t, new_body);
        break;
    case WN_WIRE_OP_CHANGE:
        CHECK(e && same_key(t, old_body, new_body));
        CHECK(same_state(t, &e->body, old_body));
        if (t != T_DEVICE) CHECK(changed(t, old_body, new_body));
        /* Rows are keyed by LUID: another LUID is another object, reported gone and new, never changed. */
        CHECK(luid_of(t, old_body) == luid_of(t, new_body));
        shadow_set(t, e, new_body);
        break;
    case WN_WIRE_OP_DEL:
        CHECK(e);
        CHECK(same_state(t, &e->body, old_body));
        free(e->devpath);
        *e = shadow[t].v[--shadow[t].count];
        break;
    }
}

/* Like Wine's: the hardware type and the index make the LUID. */
static uint64_t luid_hook(void *ctx, uint32_t ifindex, const struct wn_wire_link *link)
{
    (void)ctx;
    return ((uint64_t)(link ? link->type : 0xffff) << 32) | ifindex;
}

/* The state's view and the shadow hold the same objects in the same states (the shadow's keys are unique: an ADD
 * of a key it holds is caught as it comes). */
static void compare(const struct wn_state *state)
{
    int t;

    for (t = 0; t < TABLES; t++)
    {
        const void *body;
        size_t n = 0, i;

        for (body = wn_state_first(state, table_bits[t]); body; body = wn_state_next(state, table_bits[t], body))
        {
            n++;
            CHECK(wn_state_find(state, table_bits[t], body) == body);
            if (t == T_DEVICE) check_device(body);
        }
        CHECK(n == wn_state_count(state, table_bits[t]));
        if (!shadow_on) continue;
        CHECK(n == shadow[t].count);
        for (i = 0; i < shadow[t].count; i++)
        {
            CHECK((body = wn_state_find(state, table_bits[t], &shadow[t].v[i].body)) != NULL);
            CHECK(same_state(t, &shadow[t].v[i].body, body));
        }
    }
}

static void start_shadow(const struct wn_state *state)
{
    int t;

    for (t = 0; t < TABLES; t++)
    {
        const void *body;

        for (body = wn_state_first(state, table_bits[t]); body; body = wn_state_next(state, table_bits[t], body))
            shadow_add(t, body);
    }
    shadow_on = 1;
}

/* A decoded record is the bytes it came from, and no shorter stream holds it. */
static void check_record(const uint8_t *p, long used, const struct wn_wire_record *rec)
{
    static uint8_t buf[WN_WIRE_MAX_RECORD];
    struct wn_wire_record again;
    size_t props_len = rec->type == WN_WIRE_DEVICE ? rec->u.device.props_len : 0;
    uint8_t *prefix;

    CHECK(used >= (long)sizeof(struct wn_wire_header) && used <= WN_WIRE_MAX_RECORD);
    CHECK(wn_wire_encode(buf, sizeof(buf), rec->type, rec->op, &rec->u, rec->props, props_len) == (size_t)used);
    CHECK(!memcmp(buf, p, (size_t)used));
    prefix = malloc((size_t)used - 1);
    CHECK(prefix != NULL);
    memcpy(prefix, p, (size_t)used - 1);
    CHECK(wn_wire_decode(prefix, (size_t)used - 1, &again) == 0);
    free(prefix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wn_state *state = wn_state_create();
    size_t off = 0;

    CHECK(state != NULL);
    wn_state_set_listener(state, listener, NULL);
    wn_state_set_luid_hook(state, luid_hook, NULL);
    while (off < size)
    {
        struct wn_wire_record rec;
        long used = wn_wire_decode(data + off, size - off, &rec);
        int r;

        if (!used) break;
        if (used < 0)
        {
            /* This connection ends; the next one's stream starts after the header that broke it. */
            wn_state_abort_snapshot(state);
            off += size - off < sizeof(struct wn_wire_header) ? size - off : sizeof(struct wn_wire_header);
            continue;
        }
        CHECK((size_t)used <= size - off);
        check_record(data + off, used, &rec);
        off += (size_t)used;
        if (rec.type == WN_WIRE_REPLY) continue;
        r = wn_state_apply(state, &rec);
        CHECK(r == WN_STATE_OK || r == WN_STATE_READY || r == WN_STATE_ERROR);
        if (r == WN_STATE_ERROR) wn_state_abort_snapshot(state);
        if (r == WN_STATE_READY)
        {
            CHECK(rec.type == WN_WIRE_SNAPSHOT_END && !shadow_on);
            start_shadow(state);
        }
        CHECK(!!wn_state_ready(state) == shadow_on);
        /* Whole views are compared where they change most; the listener checks each event as it comes. */
        if (rec.type == WN_WIRE_SNAPSHOT_END && r != WN_STATE_ERROR) compare(state);
    }
    compare(state);
    wn_state_free(state);
    shadow_clear();
    return 0;
}
