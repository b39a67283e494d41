/* The re-announcement filter: one open-addressing hash table (linear probing, backward-shift deletion, at most
 * half full) per record type, holding a copy of the last body sent for each key. */
#include <stdlib.h>
#include <string.h>

#include "winenotify/wire.h"
#include "seen.h"

struct entry
{
    uint32_t hash;
    uint32_t len;            /* body, then the property block for devices */
    uint8_t *data;           /* NULL: free slot */
};

struct table
{
    struct entry *slots;
    size_t cap;              /* a power of two, or 0 */
    size_t count;
};

/* Indexed by record type, in the order of the WN_TABLE_* bits: table i holds the objects of bit 1 << i. */
#define NTABLES 7    /* 4: hints, which have no filter */

struct seen
{
    struct table tables[NTABLES];
};

/* A key: its bytes, either copied into buf or pointing into the record (a device's DEVPATH). */
struct key
{
    const uint8_t *p;
    size_t n;
    uint8_t buf[64];
};

static int table_index(uint16_t type)
{
    switch (type)
    {
    case WN_WIRE_LINK: return 0;
    case WN_WIRE_ADDR: return 1;
    case WN_WIRE_ROUTE: return 2;
    case WN_WIRE_DEVICE: return 3;
    case WN_WIRE_NEIGH: return 5;
    case WN_WIRE_MADDR: return 6;
    }
    return -1;
}

static size_t body_size(uint16_t type)
{
    switch (type)
    {
    case WN_WIRE_LINK: return sizeof(struct wn_wire_link);
    case WN_WIRE_ADDR: return sizeof(struct wn_wire_addr);
    case WN_WIRE_ROUTE: return sizeof(struct wn_wire_route);
    case WN_WIRE_NEIGH: return sizeof(struct wn_wire_neigh);
    case WN_WIRE_MADDR: return sizeof(struct wn_wire_maddr);
    }
    return sizeof(struct wn_wire_device);
}

static void key_put(struct key *key, const void *field, size_t size)
{
    memcpy(key->buf + key->n, field, size);
    key->n += size;
}

/* data: a body, followed for devices by props_len bytes of properties.  Returns 0, or -1 for a device without
 * DEVPATH (it has no key). */
static int make_key(uint16_t type, const uint8_t *data, size_t props_len, struct key *key)
{
    key->n = 0;
    key->p = key->buf;
    switch (type)
    {
    case WN_WIRE_LINK:
    {
        struct wn_wire_link link;
        memcpy(&link, data, sizeof(link));
        key_put(key, &link.ifindex, sizeof(link.ifindex));
        return 0;
    }
    case WN_WIRE_ADDR:
    {
        struct wn_wire_addr addr;
        memcpy(&addr, data, sizeof(addr));
        key_put(key, &addr.family, 1);
        key_put(key, &addr.prefixlen, 1);
        key_put(key, &addr.ifindex, sizeof(addr.ifindex));
        key_put(key, addr.addr, sizeof(addr.addr));
        return 0;
    }
    case WN_WIRE_ROUTE:
    {
        struct wn_wire_route route;
        memcpy(&route, data, sizeof(route));
        key_put(key, &route.family, 1);
        key_put(key, &route.dst_len, 1);
        key_put(key, route.dst, sizeof(route.dst));
        key_put(key, route.gateway, sizeof(route.gateway));
        key_put(key, &route.oif, sizeof(route.oif));
        key_put(key, &route.metric, sizeof(route.metric));
        key_put(key, &route.table, sizeof(route.table));
        return 0;
    }
    case WN_WIRE_NEIGH:
    {
        struct wn_wire_neigh neigh;
        memcpy(&neigh, data, sizeof(neigh));
        key_put(key, &neigh.family, 1);
        key_put(key, &neigh.ifindex, sizeof(neigh.ifindex));
        key_put(key, neigh.addr, sizeof(neigh.addr));
        return 0;
    }
    case WN_WIRE_MADDR:
    {
        struct wn_wire_maddr m;
        memcpy(&m, data, sizeof(m));
        key_put(key, &m.kind, 1);
        key_put(key, &m.family, 1);
        key_put(key, &m.ifindex, sizeof(m.ifindex));
        key_put(key, m.addr, sizeof(m.addr));
        return 0;
    }
    default:
    {
        const char *devpath = wn_wire_prop((const char *)data + sizeof(struct wn_wire_device), props_len, "DEVPATH");
        if (!devpath) return -1;
        key->p = (const uint8_t *)devpath;
        key->n = strlen(devpath);
        return 0;
    }
    }
}

static uint32_t hash_key(const struct key *key)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < key->n; i++) h = (h ^ key->p[i]) * 16777619u;
    /* FNV's low bits are weak for keys that differ in one byte; the probe uses only the low bits. */
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    return h;
}

/* Address lifetimes count down between re-announcements (one per router advertisement): the DLL is told only
 * when one changes otherwise (wn_wire_addr_lifetimes_same); the stamp moves with every reading. */
static int addr_same(const uint8_t *a_data, const uint8_t *b_data)
{
    struct wn_wire_addr a, b;

    memcpy(&a, a_data, sizeof(a));
    memcpy(&b, b_data, sizeof(b));
    if (!wn_wire_addr_lifetimes_same(&a, &b)) return 0;
    a.preferred_lft = b.preferred_lft = a.valid_lft = b.valid_lft = a.stamp = b.stamp = 0;
    return !memcmp(&a, &b, sizeof(a));
}

/* A neighbour's ages grow by themselves: only its state, flags and link-layer address are news. */
static int neigh_same(const uint8_t *a_data, const uint8_t *b_data)
{
    struct wn_wire_neigh a, b;

    memcpy(&a, a_data, sizeof(a));
    memcpy(&b, b_data, sizeof(b));
    a.confirmed = b.confirmed = a.updated = b.updated = 0;
    return !memcmp(&a, &b, sizeof(a));
}

/* Properties that differ on every event without the device changing. */
static int volatile_prop(const char *prop, size_t len)
{
    return (len >= 7 && !memcmp(prop, "SEQNUM=", 7)) || (len >= 7 && !memcmp(prop, "ACTION=", 7));
}

/* Steps over volatile properties; *len receives the length of the one found (up to its NUL or the end). */
static const char *next_prop(const char *p, const char *end, size_t *len)
{
    for (; p < end; p += *len + 1)
    {
        const char *nul = memchr(p, 0, end - p);
        *len = nul ? (size_t)(nul - p) : (size_t)(end - p);
        if (!volatile_prop(p, *len)) break;
    }
    return p;
}

static int device_same(const uint8_t *a_data, size_t a_len, const uint8_t *b_data, size_t b_len)
{
    struct wn_wire_device a, b;
    const char *pa = (const char *)a_data + sizeof(a), *ea = (const char *)a_data + a_len;
    const char *pb = (const char *)b_data + sizeof(b), *eb = (const char *)b_data + b_len;
    size_t la = 0, lb = 0;

    memcpy(&a, a_data, sizeof(a));
    memcpy(&b, b_data, sizeof(b));
    /* The fixed part without seqnum, which counts events, not changes (props_len follows the block). */
    if (a.ifindex != b.ifindex) return 0;
    for (;;)
    {
        pa = next_prop(pa, ea, &la);
        pb = next_prop(pb, eb, &lb);
        if (pa >= ea || pb >= eb) return pa >= ea && pb >= eb;
        if (la != lb || memcmp(pa, pb, la)) return 0;
        pa += la + 1;
        pb += lb + 1;
    }
}

static int same(uint16_t type, const struct entry *e, const uint8_t *data, size_t len)
{
    switch (type)
    {
    case WN_WIRE_ADDR: return addr_same(e->data, data);
    case WN_WIRE_NEIGH: return neigh_same(e->data, data);
    case WN_WIRE_DEVICE: return device_same(e->data, e->len, data, len);
    }
    return e->len == len && !memcmp(e->data, data, len);
}

/* Returns the slot holding key, or the free slot where it would go. */
static size_t find(const struct table *t, uint16_t type, const struct key *key, uint32_t hash)
{
    size_t mask = t->cap - 1, i = hash & mask;

    for (;; i = (i + 1) & mask)
    {
        const struct entry *e = &t->slots[i];
        struct key other;

        if (!e->data) return i;
        if (e->hash != hash) continue;
        make_key(type, e->data, e->len - body_size(type), &other);
        if (other.n == key->n && !memcmp(other.p, key->p, key->n)) return i;
    }
}

static int grow(struct table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64, i;
    struct entry *slots = calloc(cap, sizeof(*slots));

    if (!slots) return -1;
    for (i = 0; i < t->cap; i++)
    {
        size_t j;
        if (!t->slots[i].data) continue;
        for (j = t->slots[i].hash & (cap - 1); slots[j].data; j = (j + 1) & (cap - 1)) {}
        slots[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return 0;
}

/* Backward-shift deletion: later entries of the probe run move up, so no tombstones accumulate. */
static void remove_slot(struct table *t, size_t i)
{
    size_t mask = t->cap - 1, j = i;

    free(t->slots[i].data);
    for (;;)
    {
        size_t home;

        j = (j + 1) & mask;
        if (!t->slots[j].data) break;
        home = t->slots[j].hash & mask;
        /* The entry at j may fill the hole at i only if its home is not cyclically within (i, j]. */
        if (i <= j ? (i < home && home <= j) : (i < home || home <= j)) continue;
        t->slots[i] = t->slots[j];
        i = j;
    }
    t->slots[i].data = NULL;
    t->count--;
}

static uint8_t *copy_record(uint16_t type, const void *body, const char *props, size_t props_len)
{
    size_t size = body_size(type);
    uint8_t *data = malloc(size + props_len);

    if (!data) return NULL;
    memcpy(data, body, size);
    if (props_len) memcpy(data + size, props, props_len);
    return data;
}

/* The record as one contiguous block (the key is found in it); for devices a temporary copy. */
static const uint8_t *record_data(uint16_t type, const void *body, const char *props, size_t props_len,
                                  uint8_t **copy)
{
    *copy = NULL;
    if (type != WN_WIRE_DEVICE) return body;
    return *copy = copy_record(type, body, props, props_len);
}

struct seen *seen_new(void)
{
    return calloc(1, sizeof(struct seen));
}

void seen_free(struct seen *seen)
{
    if (!seen) return;
    seen_clear(seen, WN_TABLE_ALL);
    free(seen);
}

enum seen_result seen_update(struct seen *seen, uint16_t type, const void *body, const char *props, size_t props_len)
{
    int index = table_index(type);
    struct table *t;
    struct entry *e;
    struct key key;
    uint8_t *copy, *data;
    const uint8_t *rec;
    size_t len, slot;
    uint32_t hash;
    enum seen_result result = SEEN_ERROR;

    if (index < 0) return SEEN_ERROR;
    if (type != WN_WIRE_DEVICE) props_len = 0;
    t = &seen->tables[index];
    len = body_size(type) + props_len;
    if (!(rec = record_data(type, body, props, props_len, &copy))) return SEEN_ERROR;
    if (make_key(type, rec, props_len, &key)) goto done;
    hash = hash_key(&key);
    if ((t->count + 1) * 2 > t->cap && grow(t)) goto done;

    slot = find(t, type, &key, hash);
    e = &t->slots[slot];
    if (e->data && same(type, e, rec, len))
    {
        result = SEEN_SAME;
        goto done;
    }
    if (!(data = copy ? copy : copy_record(type, body, props, props_len))) goto done;
    copy = NULL;
    result = e->data ? SEEN_CHANGED : SEEN_NEW;
    if (e->data) free(e->data);
    else t->count++;
    e->data = data;
    e->len = (uint32_t)len;
    e->hash = hash;
done:
    free(copy);
    return result;
}

int seen_forget(struct seen *seen, uint16_t type, const void *body, const char *props, size_t props_len)
{
    int index = table_index(type), known = 0;
    struct table *t;
    struct key key;
    uint8_t *copy;
    const uint8_t *rec;
    size_t slot;

    if (index < 0) return 0;
    if (type != WN_WIRE_DEVICE) props_len = 0;
    t = &seen->tables[index];
    if (!t->count) return 0;
    if (!(rec = record_data(type, body, props, props_len, &copy))) return 0;
    if (!make_key(type, rec, props_len, &key))
    {
        slot = find(t, type, &key, hash_key(&key));
        if ((known = t->slots[slot].data != NULL)) remove_slot(t, slot);
    }
    free(copy);
    return known;
}

void seen_clear(struct seen *seen, uint32_t tables)
{
    int i;

    for (i = 0; i < NTABLES; i++)
    {
        struct table *t = &seen->tables[i];
        size_t j;

        if (!(tables & (1u << i))) continue;
        for (j = 0; j < t->cap; j++) free(t->slots[j].data);
        free(t->slots);
        memset(t, 0, sizeof(*t));
    }
}

size_t seen_count(const struct seen *seen, uint16_t type)
{
    int index = table_index(type);
    return index < 0 ? 0 : seen->tables[index].count;
}
