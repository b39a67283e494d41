/* Tables of links, addresses, routes, neighbours, multicast and anycast addresses and devices, and the changes
 * between views (see state.h).
 *
 * Each table is a chained hash (O(1) average lookup, grown at load factor 1) threaded on a list in order of
 * appearance.  Committing a snapshot matches every pending entry with its current twin in one pass, so a
 * resync costs O(n) whatever its size. */
#include <stdlib.h>
#include <string.h>

#include "state.h"

enum { T_LINK, T_ADDR, T_ROUTE, T_DEVICE, T_HINT, T_NEIGH, T_MADDR, T_COUNT };

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

struct entry
{
    struct entry *chain;         /* next in its hash bucket */
    struct entry *prev, *next;   /* order of appearance */
    struct entry *match;         /* while a snapshot commits: the entry with the same key in the other view */
    uint32_t hash;
    union body body;
    char props[];                /* devices: the property block */
};

struct table
{
    struct entry **buckets;
    size_t nbuckets;             /* a power of two, or 0 before the first insertion */
    size_t count;
    struct entry *head, *tail;
};

struct wn_state
{
    struct table current[T_COUNT];
    struct table pending[T_COUNT];
    unsigned int pending_mask;   /* tables with a snapshot in progress (bit = 1 << T_*) */
    int ready;
    wn_state_listener listener;
    void *listener_ctx;
    wn_state_luid_hook luid_hook;
    void *luid_ctx;
};

static const uint32_t table_bits[T_COUNT] = { WN_TABLE_LINK, WN_TABLE_ADDR, WN_TABLE_ROUTE, WN_TABLE_DEVICE,
                                              WN_TABLE_HINT, WN_TABLE_NEIGH, WN_TABLE_MADDR };

static int table_index(uint32_t bit)
{
    int t;
    for (t = 0; t < T_COUNT; t++)
        if (table_bits[t] == bit) return t;
    return -1;
}

static int record_table(uint16_t type)
{
    switch (type)
    {
    case WN_WIRE_LINK: return T_LINK;
    case WN_WIRE_ADDR: return T_ADDR;
    case WN_WIRE_ROUTE: return T_ROUTE;
    case WN_WIRE_DEVICE: return T_DEVICE;
    case WN_WIRE_HINT: return T_HINT;
    case WN_WIRE_NEIGH: return T_NEIGH;
    case WN_WIRE_MADDR: return T_MADDR;
    }
    return -1;
}

static struct entry *entry_of(const void *body)
{
    return (struct entry *)((char *)body - offsetof(struct entry, body));
}

/* ---- keys ------------------------------------------------------------------------------------------------ */

static uint32_t fnv1a(const void *data, size_t len, uint32_t hash)
{
    const uint8_t *p = data;
    while (len--) hash = (hash ^ *p++) * 16777619u;
    return hash;
}

#define KEY_MAX 48

/* The key of a link, address or route as bytes (bodies are normalized, so unused bytes are zero). */
static size_t key_bytes(int t, const union body *b, uint8_t *key)
{
    size_t n = 0;

#define PUT(field) (memcpy(key + n, &(field), sizeof(field)), n += sizeof(field))
    switch (t)
    {
    case T_LINK:
        PUT(b->link.wire.ifindex);
        break;
    case T_ADDR:
        PUT(b->addr.wire.family);
        PUT(b->addr.wire.prefixlen);
        PUT(b->addr.wire.ifindex);
        PUT(b->addr.wire.addr);
        break;
    case T_ROUTE:
        PUT(b->route.wire.family);
        PUT(b->route.wire.dst_len);
        PUT(b->route.wire.dst);
        PUT(b->route.wire.gateway);
        PUT(b->route.wire.oif);
        PUT(b->route.wire.metric);
        PUT(b->route.wire.table);
        break;
    case T_NEIGH:
        PUT(b->neigh.wire.family);
        PUT(b->neigh.wire.ifindex);
        PUT(b->neigh.wire.addr);
        break;
    case T_HINT:
        PUT(b->hint.wire.ifindex);
        break;
    case T_MADDR:
        PUT(b->maddr.wire.kind);
        PUT(b->maddr.wire.family);
        PUT(b->maddr.wire.ifindex);
        PUT(b->maddr.wire.addr);
        break;
    }
#undef PUT
    return n;
}

static uint32_t key_hash(int t, const union body *b)
{
    uint8_t key[KEY_MAX];

    if (t == T_DEVICE) return fnv1a(b->device.devpath, strlen(b->device.devpath), 2166136261u);
    return fnv1a(key, key_bytes(t, b, key), 2166136261u);
}

static int key_equal(int t, const union body *a, const union body *b)
{
    uint8_t ka[KEY_MAX], kb[KEY_MAX];
    size_t n;

    if (t == T_DEVICE) return !strcmp(a->device.devpath, b->device.devpath);
    n = key_bytes(t, a, ka);
    key_bytes(t, b, kb);
    return !memcmp(ka, kb, n);
}

/* Device properties that differ between two announcements of the same device without saying anything about it:
 * the event's own action and sequence number. */
static int prop_ignored(const char *prop)
{
    return !strncmp(prop, "ACTION=", 7) || !strncmp(prop, "SEQNUM=", 7);
}

/* Whether every property of a (but the ignored ones) is in b, and how many there are. */
static int props_subset(const struct wn_state_device *a, const struct wn_state_device *b, size_t *count)
{
    const char *p = a->props, *end = a->props + a->wire.props_len;

    *count = 0;
    for (; p < end; p += strlen(p) + 1)
    {
        const char *q = b->props, *qend = b->props + b->wire.props_len;

        if (!*p || prop_ignored(p)) continue;
        ++*count;
        for (; q < qend; q += strlen(q) + 1)
            if (!strcmp(p, q)) break;
        if (q >= qend) return 0;
    }
    return 1;
}

/* Whether two bodies with the same key describe the same object state.  Address lifetimes count down by
 * themselves: that is no change, but one set to end at another instant is (wn_wire_addr_lifetimes_same). */
static int body_equal(int t, const union body *a, const union body *b)
{
    size_t na, nb;

    switch (t)
    {
    case T_LINK:
        return !memcmp(&a->link.wire, &b->link.wire, sizeof(a->link.wire));
    case T_ADDR:
        return a->addr.wire.scope == b->addr.wire.scope && a->addr.wire.flags == b->addr.wire.flags &&
               wn_wire_addr_lifetimes_same(&a->addr.wire, &b->addr.wire);
    case T_ROUTE:
        return !memcmp(&a->route.wire, &b->route.wire, sizeof(a->route.wire));
    case T_HINT:
        return !memcmp(&a->hint.wire, &b->hint.wire, sizeof(a->hint.wire));
    case T_NEIGH:
        /* The ages count up by themselves. */
        return a->neigh.wire.state == b->neigh.wire.state && a->neigh.wire.flags == b->neigh.wire.flags &&
               a->neigh.wire.type == b->neigh.wire.type && a->neigh.wire.lladdr_len == b->neigh.wire.lladdr_len &&
               !memcmp(a->neigh.wire.lladdr, b->neigh.wire.lladdr, sizeof(a->neigh.wire.lladdr));
    case T_MADDR:
        return 1;            /* all there is of it is its key */
    case T_DEVICE:
        if (a->device.wire.ifindex != b->device.wire.ifindex) return 0;
        return props_subset(&a->device, &b->device, &na) && props_subset(&b->device, &a->device, &nb) && na == nb;
    }
    return 0;
}

/* ---- tables ---------------------------------------------------------------------------------------------- */

static struct entry *table_find(const struct table *tb, int t, const union body *key, uint32_t hash)
{
    struct entry *e;

    if (!tb->nbuckets) return NULL;
    for (e = tb->buckets[hash & (tb->nbuckets - 1)]; e; e = e->chain)
        if (e->hash == hash && key_equal(t, &e->body, key)) return e;
    return NULL;
}

static void table_grow(struct table *tb)
{
    size_t n = tb->nbuckets ? tb->nbuckets * 2 : 16, i;
    struct entry **buckets = calloc(n, sizeof(*buckets)), *e;

    if (!buckets) return; /* longer chains, still correct */
    for (i = 0; i < tb->nbuckets; i++)
        while ((e = tb->buckets[i]))
        {
            tb->buckets[i] = e->chain;
            e->chain = buckets[e->hash & (n - 1)];
            buckets[e->hash & (n - 1)] = e;
        }
    free(tb->buckets);
    tb->buckets = buckets;
    tb->nbuckets = n;
}

/* Fails only when the table has no bucket at all and none can be had. */
static int table_insert(struct table *tb, struct entry *e)
{
    struct entry **slot;

    if (tb->count >= tb->nbuckets) table_grow(tb);
    if (!tb->nbuckets) return -1;
    slot = &tb->buckets[e->hash & (tb->nbuckets - 1)];
    e->chain = *slot;
    *slot = e;
    e->prev = tb->tail;
    e->next = NULL;
    if (tb->tail) tb->tail->next = e;
    else tb->head = e;
    tb->tail = e;
    tb->count++;
    return 0;
}

static void table_unlink(struct table *tb, struct entry *e)
{
    struct entry **slot = &tb->buckets[e->hash & (tb->nbuckets - 1)];

    while (*slot != e) slot = &(*slot)->chain;
    *slot = e->chain;
    if (e->prev) e->prev->next = e->next;
    else tb->head = e->next;
    if (e->next) e->next->prev = e->prev;
    else tb->tail = e->prev;
    tb->count--;
}

/* Puts e where old was, in the bucket and in the order (same key, same hash). */
static void table_replace(struct table *tb, struct entry *old, struct entry *e)
{
    struct entry **slot = &tb->buckets[old->hash & (tb->nbuckets - 1)];

    while (*slot != old) slot = &(*slot)->chain;
    *slot = e;
    e->chain = old->chain;
    e->prev = old->prev;
    e->next = old->next;
    if (e->prev) e->prev->next = e;
    else tb->head = e;
    if (e->next) e->next->prev = e;
    else tb->tail = e;
}

static void table_clear(struct table *tb)
{
    struct entry *e, *next;

    for (e = tb->head; e; e = next)
    {
        next = e->next;
        free(e);
    }
    free(tb->buckets);
    memset(tb, 0, sizeof(*tb));
}

/* ---- entries --------------------------------------------------------------------------------------------- */

/* A private copy of a record's object, with every byte that carries no meaning zeroed so that bodies compare
 * with memcmp; NULL when out of memory. */
static struct entry *entry_new(int t, const struct wn_wire_record *rec)
{
    size_t props_len = t == T_DEVICE ? rec->u.device.props_len : 0;
    struct entry *e = calloc(1, sizeof(*e) + props_len);
    size_t n;

    if (!e) return NULL;
    switch (t)
    {
    case T_LINK:
        e->body.link.wire = rec->u.link;
        n = strlen(e->body.link.wire.name);
        memset(e->body.link.wire.name + n, 0, sizeof(e->body.link.wire.name) - n);
        n = e->body.link.wire.addr_len;
        memset(e->body.link.wire.addr + n, 0, sizeof(e->body.link.wire.addr) - n);
        break;
    case T_ADDR:
        e->body.addr.wire = rec->u.addr;
        e->body.addr.wire.reserved = 0;
        if (e->body.addr.wire.family == 4) memset(e->body.addr.wire.addr + 4, 0, 12);
        break;
    case T_MADDR:
        e->body.maddr.wire = rec->u.maddr;
        memset(e->body.maddr.wire.reserved, 0, sizeof(e->body.maddr.wire.reserved));
        if (e->body.maddr.wire.family == 4) memset(e->body.maddr.wire.addr + 4, 0, 12);
        break;
    case T_ROUTE:
        e->body.route.wire = rec->u.route;
        memset(e->body.route.wire.reserved, 0, sizeof(e->body.route.wire.reserved));
        if (e->body.route.wire.family == 4)
        {
            memset(e->body.route.wire.dst + 4, 0, 12);
            memset(e->body.route.wire.gateway + 4, 0, 12);
        }
        break;
    case T_DEVICE:
        e->body.device.wire = rec->u.device;
        e->body.device.wire.reserved = 0;
        memcpy(e->props, rec->props, props_len);
        e->body.device.props = e->props;
        /* wn_wire_decode() has checked that DEVPATH is there. */
        e->body.device.devpath = wn_wire_prop(e->props, props_len, "DEVPATH");
        if (!e->body.device.devpath) e->body.device.devpath = "";
        break;
    case T_HINT:
        e->body.hint.wire = rec->u.hint;
        break;
    case T_NEIGH:
        e->body.neigh.wire = rec->u.neigh;
        memset(e->body.neigh.wire.reserved, 0, sizeof(e->body.neigh.wire.reserved));
        if (e->body.neigh.wire.family == 4) memset(e->body.neigh.wire.addr + 4, 0, 12);
        n = e->body.neigh.wire.lladdr_len;
        memset(e->body.neigh.wire.lladdr + n, 0, sizeof(e->body.neigh.wire.lladdr) - n);
        break;
    }
    e->hash = key_hash(t, &e->body);
    return e;
}

static void emit(struct wn_state *s, int t, uint16_t op, const struct entry *old, const struct entry *e)
{
    if (!s->ready || !s->listener) return;
    s->listener(s->listener_ctx, table_bits[t], op, old ? &old->body : NULL, e ? &e->body : NULL);
}

/* The view a new address or route finds its link in: the pending links while a link snapshot is in progress. */
static const struct table *link_view(const struct wn_state *s)
{
    return (s->pending_mask & (1u << T_LINK)) ? &s->pending[T_LINK] : &s->current[T_LINK];
}

static uint64_t ask_luid(struct wn_state *s, uint32_t ifindex, const struct wn_wire_link *link)
{
    return s->luid_hook ? s->luid_hook(s->luid_ctx, ifindex, link) : 0;
}

/* The LUID a link, address, route, neighbour or multicast or anycast address carries. */
static uint64_t entry_luid(int t, const struct entry *e)
{
    switch (t)
    {
    case T_LINK: return e->body.link.luid;
    case T_ADDR: return e->body.addr.luid;
    case T_ROUTE: return e->body.route.luid;
    case T_NEIGH: return e->body.neigh.luid;
    case T_MADDR: return e->body.maddr.luid;
    }
    return 0;
}

static uint64_t link_luid(struct wn_state *s, uint32_t ifindex, const struct entry *previous, int t)
{
    union body key;
    const struct entry *link;

    if (!ifindex) return 0;
    key.link.wire.ifindex = ifindex;
    if ((link = table_find(link_view(s), T_LINK, &key, key_hash(T_LINK, &key)))) return link->body.link.luid;
    if (previous) return entry_luid(t, previous);
    return ask_luid(s, ifindex, NULL);
}

/* Gives a new entry its LUID; previous is the entry it replaces (same key), if any. */
static void assign_luid(struct wn_state *s, int t, struct entry *e, const struct entry *previous)
{
    switch (t)
    {
    case T_LINK:
        if (previous && previous->body.link.wire.type == e->body.link.wire.type)
            e->body.link.luid = previous->body.link.luid;
        else
            e->body.link.luid = ask_luid(s, e->body.link.wire.ifindex, &e->body.link.wire);
        break;
    case T_ADDR:
        e->body.addr.luid = link_luid(s, e->body.addr.wire.ifindex, previous, t);
        break;
    case T_ROUTE:
        e->body.route.luid = link_luid(s, e->body.route.wire.oif, previous, t);
        break;
    case T_NEIGH:
        e->body.neigh.luid = link_luid(s, e->body.neigh.wire.ifindex, previous, t);
        break;
    case T_MADDR:
        e->body.maddr.luid = link_luid(s, e->body.maddr.wire.ifindex, previous, t);
        break;
    }
}

/* Whether a pending entry is the same object as its current twin (same key): a link index that comes back with
 * another hardware type is another interface, and an address or route that would carry another LUID (its link
 * first seen by bare index, or its index reused by another interface) is reported gone and new, as its link is. */
static int same_object(int t, const struct entry *current, const struct entry *e)
{
    if (t == T_LINK) return current->body.link.wire.type == e->body.link.wire.type;
    return t == T_DEVICE || t == T_HINT || entry_luid(t, current) == entry_luid(t, e);
}

static uint32_t entry_ifindex(int t, const struct entry *e)
{
    if (t == T_NEIGH) return e->body.neigh.wire.ifindex;
    if (t == T_MADDR) return e->body.maddr.wire.ifindex;
    return t == T_ADDR ? e->body.addr.wire.ifindex : e->body.route.wire.oif;
}

/* A link is gone: so are its addresses, multicast and anycast addresses, routes and neighbours.  Tables in skip are
 * being committed and diff themselves. */
static void purge_link(struct wn_state *s, uint32_t ifindex, unsigned int skip)
{
    static const int dependents[] = { T_NEIGH, T_ROUTE, T_MADDR, T_ADDR };
    struct entry *e, *next;
    unsigned int i;

    for (i = 0; i < sizeof(dependents) / sizeof(dependents[0]); i++)
    {
        int t = dependents[i];

        if (skip & (1u << t)) continue;
        for (e = s->pending[t].head; e; e = next)
        {
            next = e->next;
            if (entry_ifindex(t, e) != ifindex) continue;
            table_unlink(&s->pending[t], e);
            free(e);
        }
        for (e = s->current[t].head; e; e = next)
        {
            next = e->next;
            if (entry_ifindex(t, e) != ifindex) continue;
            emit(s, t, WN_WIRE_OP_DEL, e, NULL);
            table_unlink(&s->current[t], e);
            free(e);
        }
    }
}

/* Removes a current entry, reporting it (and, for a link, its dependents first). */
static void remove_current(struct wn_state *s, int t, struct entry *e)
{
    if (t == T_LINK) purge_link(s, e->body.link.wire.ifindex, 0);
    emit(s, t, WN_WIRE_OP_DEL, e, NULL);
    table_unlink(&s->current[t], e);
    free(e);
}

/* ---- records --------------------------------------------------------------------------------------------- */

static int apply_live(struct wn_state *s, int t, const struct wn_wire_record *rec)
{
    struct table *tb = &s->current[t];
    struct entry *e = entry_new(t, rec), *old;

    if (!e) return WN_STATE_ERROR;
    old = table_find(tb, t, &e->body, e->hash);
    if (rec->op == WN_WIRE_OP_DEL)
    {
        free(e);
        if (old) remove_current(s, t, old);
        return WN_STATE_OK;
    }
    /* A link index that comes back with another hardware type is another interface. */
    if (old && t == T_LINK && old->body.link.wire.type != e->body.link.wire.type)
    {
        remove_current(s, t, old);
        old = NULL;
    }
    if (!old)
    {
        assign_luid(s, t, e, NULL);
        if (table_insert(tb, e))
        {
            free(e);
            return WN_STATE_ERROR;
        }
        emit(s, t, WN_WIRE_OP_ADD, NULL, e);
        return WN_STATE_OK;
    }
    if (body_equal(t, &old->body, &e->body))
    {
        /* Keep what moved without meaning (lifetimes); the LUID stays. */
        if (t == T_ADDR) old->body.addr.wire = e->body.addr.wire;
        if (t == T_NEIGH) old->body.neigh.wire = e->body.neigh.wire;
        free(e);
        return WN_STATE_OK;
    }
    assign_luid(s, t, e, old);
    if (t != T_LINK && entry_luid(t, e) != entry_luid(t, old))
    {
        /* Its link is now known with another LUID than the one it had: to a consumer, another object. */
        remove_current(s, t, old);
        if (table_insert(tb, e))
        {
            free(e);
            return WN_STATE_ERROR;
        }
        emit(s, t, WN_WIRE_OP_ADD, NULL, e);
        return WN_STATE_OK;
    }
    table_replace(tb, old, e);
    emit(s, t, WN_WIRE_OP_CHANGE, old, e);
    free(old);
    return WN_STATE_OK;
}

/* A record of a table whose snapshot is in progress: it goes to the pending view, silently. */
static int apply_pending(struct wn_state *s, int t, const struct wn_wire_record *rec)
{
    struct table *tb = &s->pending[t];
    struct entry *e = entry_new(t, rec), *old, *previous;

    if (!e) return WN_STATE_ERROR;
    old = table_find(tb, t, &e->body, e->hash);
    if (rec->op == WN_WIRE_OP_DEL)
    {
        free(e);
        if (old)
        {
            table_unlink(tb, old);
            free(old);
        }
        return WN_STATE_OK;
    }
    previous = old ? old : table_find(&s->current[t], t, &e->body, e->hash);
    assign_luid(s, t, e, previous);
    if (old)
    {
        table_replace(tb, old, e);
        free(old);
        return WN_STATE_OK;
    }
    if (table_insert(tb, e))
    {
        free(e);
        return WN_STATE_ERROR;
    }
    return WN_STATE_OK;
}

static void snapshot_begin(struct wn_state *s, uint32_t tables)
{
    int t;

    for (t = 0; t < T_COUNT; t++)
    {
        if (!(tables & table_bits[t])) continue;
        table_clear(&s->pending[t]);
        s->pending_mask |= 1u << t;
    }
}

/* Whether a current route the snapshot lacks is reported gone after the additions rather than before.  Linux
 * changes a route's metric by adding the route with the new metric before deleting the old one; a snapshot that
 * spans both must keep that order, or a consumer keying routes without the metric (a Windows route row) hears
 * the route vanish and come back.  A route stays first when its link is going (dependents before their link) or
 * when another object takes its key (the old one must be gone before the new one is added). */
static int route_del_last(const struct wn_state *s, unsigned int mask, const struct entry *c)
{
    union body key;
    const struct entry *link;

    if (table_find(&s->pending[T_ROUTE], T_ROUTE, &c->body, c->hash)) return 0;
    key.link.wire.ifindex = c->body.route.wire.oif;
    if (!key.link.wire.ifindex) return 0;
    link = table_find(&s->current[T_LINK], T_LINK, &key, key_hash(T_LINK, &key));
    return link && (!(mask & (1u << T_LINK)) || link->match);
}

/* Replaces the current view of the tables in mask (bits 1 << T_*) with the pending one and reports the
 * difference: deletions dependents first, then additions and changes links first, then the deletions of routes
 * that route_del_last() keeps for the end. */
static void snapshot_commit(struct wn_state *s, unsigned int mask)
{
    static const int del_order[T_COUNT] = { T_HINT, T_DEVICE, T_NEIGH, T_MADDR, T_ROUTE, T_ADDR, T_LINK };
    static const int add_order[T_COUNT] = { T_LINK, T_ADDR, T_MADDR, T_ROUTE, T_NEIGH, T_DEVICE, T_HINT };
    struct entry *e, *c;
    int i, t;

    for (t = 0; t < T_COUNT; t++)
    {
        if (!(mask & (1u << t))) continue;
        for (c = s->current[t].head; c; c = c->next) c->match = NULL;
        for (e = s->pending[t].head; e; e = e->next)
        {
            e->match = table_find(&s->current[t], t, &e->body, e->hash);
            if (e->match && !same_object(t, e->match, e)) e->match = NULL;
            if (e->match) e->match->match = e;
        }
    }

    for (i = 0; i < T_COUNT; i++)
    {
        t = del_order[i];
        if (!(mask & (1u << t))) continue;
        for (c = s->current[t].head; c; c = c->next)
        {
            if (c->match || (t == T_ROUTE && route_del_last(s, mask, c))) continue;
            if (t == T_LINK) purge_link(s, c->body.link.wire.ifindex, mask);
            emit(s, t, WN_WIRE_OP_DEL, c, NULL);
        }
    }
    for (i = 0; i < T_COUNT; i++)
    {
        t = add_order[i];
        if (!(mask & (1u << t))) continue;
        for (e = s->pending[t].head; e; e = e->next)
        {
            if (!e->match) emit(s, t, WN_WIRE_OP_ADD, NULL, e);
            else if (!body_equal(t, &e->match->body, &e->body)) emit(s, t, WN_WIRE_OP_CHANGE, e->match, e);
        }
    }
    if (mask & (1u << T_ROUTE))
        for (c = s->current[T_ROUTE].head; c; c = c->next)
            if (!c->match && route_del_last(s, mask, c)) emit(s, T_ROUTE, WN_WIRE_OP_DEL, c, NULL);

    for (t = 0; t < T_COUNT; t++)
    {
        if (!(mask & (1u << t))) continue;
        table_clear(&s->current[t]);
        s->current[t] = s->pending[t];
        memset(&s->pending[t], 0, sizeof(s->pending[t]));
    }
    s->pending_mask &= ~mask;
}

int wn_state_apply(struct wn_state *s, const struct wn_wire_record *rec)
{
    unsigned int mask = 0;
    int t;

    switch (rec->type)
    {
    case WN_WIRE_SNAPSHOT_BEGIN:
        snapshot_begin(s, rec->u.snapshot.tables);
        return WN_STATE_OK;
    case WN_WIRE_SNAPSHOT_END:
        for (t = 0; t < T_COUNT; t++)
            if (rec->u.snapshot.tables & table_bits[t]) mask |= 1u << t;
        /* An end without its beginning: the stream is not what we think it is. */
        if ((mask & s->pending_mask) != mask) return WN_STATE_ERROR;
        snapshot_commit(s, mask);
        if (s->ready) return WN_STATE_OK;
        s->ready = 1;
        return WN_STATE_READY;
    case WN_WIRE_LINK:
    case WN_WIRE_ADDR:
    case WN_WIRE_ROUTE:
    case WN_WIRE_DEVICE:
    case WN_WIRE_HINT:
    case WN_WIRE_NEIGH:
    case WN_WIRE_MADDR:
        t = record_table(rec->type);
        if (s->pending_mask & (1u << t)) return apply_pending(s, t, rec);
        return apply_live(s, t, rec);
    }
    return WN_STATE_ERROR;
}

void wn_state_abort_snapshot(struct wn_state *s)
{
    int t;

    for (t = 0; t < T_COUNT; t++) table_clear(&s->pending[t]);
    s->pending_mask = 0;
}

/* ---- life and queries ------------------------------------------------------------------------------------ */

struct wn_state *wn_state_create(void)
{
    return calloc(1, sizeof(struct wn_state));
}

void wn_state_free(struct wn_state *s)
{
    int t;

    if (!s) return;
    for (t = 0; t < T_COUNT; t++)
    {
        table_clear(&s->current[t]);
        table_clear(&s->pending[t]);
    }
    free(s);
}

void wn_state_set_listener(struct wn_state *s, wn_state_listener fn, void *ctx)
{
    s->listener = fn;
    s->listener_ctx = ctx;
}

void wn_state_set_luid_hook(struct wn_state *s, wn_state_luid_hook fn, void *ctx)
{
    s->luid_hook = fn;
    s->luid_ctx = ctx;
}

int wn_state_ready(const struct wn_state *s)
{
    return s->ready;
}

size_t wn_state_count(const struct wn_state *s, uint32_t table)
{
    int t = table_index(table);
    return t < 0 ? 0 : s->current[t].count;
}

const void *wn_state_first(const struct wn_state *s, uint32_t table)
{
    int t = table_index(table);
    return t < 0 || !s->current[t].head ? NULL : &s->current[t].head->body;
}

const void *wn_state_next(const struct wn_state *s, uint32_t table, const void *body)
{
    const struct entry *e = entry_of(body);

    (void)s;
    (void)table;
    return e->next ? &e->next->body : NULL;
}

const void *wn_state_find(const struct wn_state *s, uint32_t table, const void *key_body)
{
    int t = table_index(table);
    union body key;
    const struct entry *e;

    if (t < 0) return NULL;
    memset(&key, 0, sizeof(key));
    switch (t)
    {
    case T_LINK: key.link.wire.ifindex = ((const struct wn_state_link *)key_body)->wire.ifindex; break;
    case T_ADDR:
        key.addr.wire = ((const struct wn_state_addr *)key_body)->wire;
        if (key.addr.wire.family == 4) memset(key.addr.wire.addr + 4, 0, 12);
        break;
    case T_ROUTE:
        key.route.wire = ((const struct wn_state_route *)key_body)->wire;
        if (key.route.wire.family == 4)
        {
            memset(key.route.wire.dst + 4, 0, 12);
            memset(key.route.wire.gateway + 4, 0, 12);
        }
        break;
    case T_MADDR:
        key.maddr.wire = ((const struct wn_state_maddr *)key_body)->wire;
        if (key.maddr.wire.family == 4) memset(key.maddr.wire.addr + 4, 0, 12);
        break;
    case T_DEVICE: key.device.devpath = ((const struct wn_state_device *)key_body)->devpath; break;
    case T_HINT: key.hint.wire.ifindex = ((const struct wn_state_hint *)key_body)->wire.ifindex; break;
    case T_NEIGH:
        key.neigh.wire = ((const struct wn_state_neigh *)key_body)->wire;
        if (key.neigh.wire.family == 4) memset(key.neigh.wire.addr + 4, 0, 12);
        break;
    }
    e = table_find(&s->current[t], t, &key, key_hash(t, &key));
    return e ? &e->body : NULL;
}

const struct wn_state_link *wn_state_find_link(const struct wn_state *s, uint32_t ifindex)
{
    struct wn_state_link key;

    key.wire.ifindex = ifindex;
    return wn_state_find(s, WN_TABLE_LINK, &key);
}

size_t wn_state_body_size(uint32_t table)
{
    switch (table)
    {
    case WN_TABLE_LINK: return sizeof(struct wn_state_link);
    case WN_TABLE_ADDR: return sizeof(struct wn_state_addr);
    case WN_TABLE_ROUTE: return sizeof(struct wn_state_route);
    case WN_TABLE_HINT: return sizeof(struct wn_state_hint);
    case WN_TABLE_NEIGH: return sizeof(struct wn_state_neigh);
    case WN_TABLE_MADDR: return sizeof(struct wn_state_maddr);
    }
    return sizeof(struct wn_state_device);
}
