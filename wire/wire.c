/* Encoding and decoding of wire records (include/winenotify/wire.h); compiled into the helper and the DLLs. */
#include <string.h>

#include "winenotify/wire.h"

static size_t body_size(uint16_t type)
{
    switch (type)
    {
    case WN_WIRE_HELLO: return sizeof(struct wn_wire_hello);
    case WN_WIRE_SNAPSHOT_BEGIN:
    case WN_WIRE_SNAPSHOT_END: return sizeof(struct wn_wire_snapshot);
    case WN_WIRE_LINK: return sizeof(struct wn_wire_link);
    case WN_WIRE_ADDR: return sizeof(struct wn_wire_addr);
    case WN_WIRE_ROUTE: return sizeof(struct wn_wire_route);
    case WN_WIRE_DEVICE: return sizeof(struct wn_wire_device);
    case WN_WIRE_REPLY: return sizeof(struct wn_wire_reply);
    case WN_WIRE_DUMP: return sizeof(struct wn_wire_dump);
    case WN_WIRE_SET_ADDR: return sizeof(struct wn_wire_set_addr);
    case WN_WIRE_SET_ROUTE: return sizeof(struct wn_wire_set_route);
    case WN_WIRE_SET_LINK: return sizeof(struct wn_wire_set_link);
    case WN_WIRE_SW_CREATE:
    case WN_WIRE_SW_INTERFACE:
    case WN_WIRE_SW_CLOSE: return sizeof(struct wn_wire_sw);
    case WN_WIRE_LOG: return sizeof(struct wn_wire_log);
    case WN_WIRE_HINT: return sizeof(struct wn_wire_hint);
    case WN_WIRE_NEIGH: return sizeof(struct wn_wire_neigh);
    case WN_WIRE_SET_NEIGH: return sizeof(struct wn_wire_set_neigh);
    case WN_WIRE_MADDR: return sizeof(struct wn_wire_maddr);
    }
    return 0;
}

/* Object records carry ADD, CHANGE or DEL, change requests ADD or DEL (an address or a neighbour also CHANGE, a
 * link only CHANGE); control records carry no op. */
static int op_valid(uint16_t type, uint16_t op)
{
    switch (type)
    {
    case WN_WIRE_LINK:
    case WN_WIRE_ADDR:
    case WN_WIRE_ROUTE:
    case WN_WIRE_DEVICE:
    case WN_WIRE_HINT:
    case WN_WIRE_NEIGH:
    case WN_WIRE_MADDR:
        return op == WN_WIRE_OP_ADD || op == WN_WIRE_OP_CHANGE || op == WN_WIRE_OP_DEL;
    case WN_WIRE_SET_ADDR:
    case WN_WIRE_SET_NEIGH:
        return op == WN_WIRE_OP_ADD || op == WN_WIRE_OP_CHANGE || op == WN_WIRE_OP_DEL;
    case WN_WIRE_SET_LINK:
        return op == WN_WIRE_OP_CHANGE;
    case WN_WIRE_SET_ROUTE:
    case WN_WIRE_SW_INTERFACE:
        return op == WN_WIRE_OP_ADD || op == WN_WIRE_OP_DEL;
    case WN_WIRE_SW_CREATE:
        return op == WN_WIRE_OP_ADD;
    case WN_WIRE_SW_CLOSE:
        return op == WN_WIRE_OP_DEL;
    }
    return op == WN_WIRE_OP_NONE;
}

size_t wn_wire_encode(uint8_t *buf, size_t cap, uint16_t type, uint16_t op, const void *body,
                      const char *props, size_t props_len)
{
    struct wn_wire_header hdr;
    size_t size = body_size(type), total;

    if (!size || !op_valid(type, op)) return 0;
    if (type != WN_WIRE_DEVICE) props_len = 0;
    else if (props_len > 0xffff || (props_len && props[props_len - 1])) return 0;
    total = sizeof(hdr) + size + props_len;
    if (total > cap || total > WN_WIRE_MAX_RECORD) return 0;

    hdr.length = (uint32_t)total;
    hdr.type = type;
    hdr.op = op;
    memcpy(buf, &hdr, sizeof(hdr));
    memcpy(buf + sizeof(hdr), body, size);
    if (type == WN_WIRE_DEVICE)
    {
        struct wn_wire_device dev;
        memcpy(&dev, body, sizeof(dev));
        dev.props_len = (uint16_t)props_len;
        memcpy(buf + sizeof(hdr), &dev, sizeof(dev));
        if (props_len) memcpy(buf + sizeof(hdr) + size, props, props_len);
    }
    return total;
}

static int name_terminated(const char *name, size_t size)
{
    return memchr(name, 0, size) != NULL;
}

static int lifetime_same(uint32_t a_stamp, uint32_t a, uint32_t b_stamp, uint32_t b)
{
    int64_t a_end, b_end;

    if ((a == 0) != (b == 0) || (a == 0xffffffffu) != (b == 0xffffffffu)) return 0;
    if (a == 0 || a == 0xffffffffu) return 1;
    a_end = (int64_t)a_stamp + a;
    b_end = (int64_t)b_stamp + b;
    return a_end - b_end <= WN_ADDR_LIFETIME_SLACK && b_end - a_end <= WN_ADDR_LIFETIME_SLACK;
}

int wn_wire_addr_lifetimes_same(const struct wn_wire_addr *a, const struct wn_wire_addr *b)
{
    return lifetime_same(a->stamp, a->preferred_lft, b->stamp, b->preferred_lft)
           && lifetime_same(a->stamp, a->valid_lft, b->stamp, b->valid_lft);
}

static int addr_valid(const struct wn_wire_addr *addr)
{
    if (addr->family != 4 && addr->family != 6) return 0;
    return addr->prefixlen <= (addr->family == 4 ? 32 : 128);
}

/* A multicast or anycast address: a family, a kind, a link, and no byte past an IPv4 address. */
static int maddr_valid(const struct wn_wire_maddr *m)
{
    size_t i;

    if ((m->family != 4 && m->family != 6) || !m->ifindex || m->reserved[0] || m->reserved[1]) return 0;
    if (m->kind != WN_MADDR_MULTICAST && m->kind != WN_MADDR_ANYCAST) return 0;
    for (i = m->family == 4 ? 4 : 16; i < sizeof(m->addr); i++)
        if (m->addr[i]) return 0;
    return 1;
}

static int route_valid(const struct wn_wire_route *route)
{
    if (route->family != 4 && route->family != 6) return 0;
    return route->dst_len <= (route->family == 4 ? 32 : 128);
}

static int neigh_valid(const struct wn_wire_neigh *neigh)
{
    return (neigh->family == 4 || neigh->family == 6) && neigh->lladdr_len <= sizeof(neigh->lladdr);
}

long wn_wire_decode(const uint8_t *buf, size_t len, struct wn_wire_record *rec)
{
    struct wn_wire_header hdr;
    size_t size;

    if (len < sizeof(hdr)) return 0;
    memcpy(&hdr, buf, sizeof(hdr));
    if (!(size = body_size(hdr.type)) || !op_valid(hdr.type, hdr.op)) return -1;
    if (hdr.length < sizeof(hdr) + size || hdr.length > WN_WIRE_MAX_RECORD) return -1;
    if (hdr.type != WN_WIRE_DEVICE && hdr.length != sizeof(hdr) + size) return -1;
    if (len < hdr.length) return 0;

    memset(rec, 0, sizeof(*rec));
    rec->type = hdr.type;
    rec->op = hdr.op;
    memcpy(&rec->u, buf + sizeof(hdr), size);

    switch (hdr.type)
    {
    case WN_WIRE_LINK:
        if (!name_terminated(rec->u.link.name, sizeof(rec->u.link.name))) return -1;
        if (rec->u.link.addr_len > sizeof(rec->u.link.addr)) return -1;
        break;
    case WN_WIRE_ADDR:
        if (!addr_valid(&rec->u.addr)) return -1;
        break;
    case WN_WIRE_ROUTE:
        if (!route_valid(&rec->u.route)) return -1;
        break;
    case WN_WIRE_SET_ADDR:
        if (!addr_valid(&rec->u.set_addr.addr)) return -1;
        break;
    case WN_WIRE_MADDR:
        if (!maddr_valid(&rec->u.maddr)) return -1;
        break;
    case WN_WIRE_SET_ROUTE:
        if (!route_valid(&rec->u.set_route.route)) return -1;
        break;
    case WN_WIRE_NEIGH:
        if (!neigh_valid(&rec->u.neigh)) return -1;
        break;
    case WN_WIRE_SET_NEIGH:
        if (!neigh_valid(&rec->u.set_neigh.neigh)) return -1;
        break;
    case WN_WIRE_SW_CREATE:
    case WN_WIRE_SW_INTERFACE:
    case WN_WIRE_SW_CLOSE:
        /* Framing only; the helper checks the contents (host/swd_request.c). */
        if (!name_terminated(rec->u.sw.enumerator, sizeof(rec->u.sw.enumerator))
            || !name_terminated(rec->u.sw.instance, sizeof(rec->u.sw.instance))
            || !name_terminated(rec->u.sw.refstring, sizeof(rec->u.sw.refstring))
            || !name_terminated(rec->u.sw.description, sizeof(rec->u.sw.description))
            || !name_terminated(rec->u.sw.hardware_ids, sizeof(rec->u.sw.hardware_ids))
            || !name_terminated(rec->u.sw.compatible_ids, sizeof(rec->u.sw.compatible_ids))
            || !name_terminated(rec->u.sw.parent, sizeof(rec->u.sw.parent))) return -1;
        break;
    case WN_WIRE_REPLY:
        if (rec->u.reply.result > WN_RESULT_LAST) return -1;
        break;
    case WN_WIRE_DEVICE:
        if (hdr.length != sizeof(hdr) + size + rec->u.device.props_len) return -1;
        rec->props = (const char *)buf + sizeof(hdr) + size;
        if (rec->u.device.props_len && rec->props[rec->u.device.props_len - 1]) return -1;
        if (!wn_wire_prop(rec->props, rec->u.device.props_len, "DEVPATH")) return -1;
        break;
    case WN_WIRE_SNAPSHOT_BEGIN:
    case WN_WIRE_SNAPSHOT_END:
        if (!rec->u.snapshot.tables || (rec->u.snapshot.tables & ~WN_TABLE_ALL)) return -1;
        if (rec->u.snapshot.reason < WN_REASON_INITIAL || rec->u.snapshot.reason > WN_REASON_REQUEST) return -1;
        break;
    case WN_WIRE_DUMP:
        if (!rec->u.dump.tables || (rec->u.dump.tables & ~WN_TABLE_ALL)) return -1;
        break;
    case WN_WIRE_HINT:
        if (rec->u.hint.level > WN_HINT_LEVEL_LAST || rec->u.hint.cost > WN_HINT_COST_LAST
            || (rec->u.hint.flags & ~WN_HINT_FLAGS_ALL) || !rec->u.hint.source
            || rec->u.hint.source > WN_HINT_SOURCE_LAST) return -1;
        break;
    case WN_WIRE_LOG:
        if (rec->u.log.cls > WN_LOG_TRACE || !name_terminated(rec->u.log.text, sizeof(rec->u.log.text))) return -1;
        break;
    }
    return (long)hdr.length;
}

const char *wn_wire_prop(const char *props, size_t props_len, const char *key)
{
    size_t keylen = strlen(key);
    const char *p = props, *end = props + props_len;

    while (p < end)
    {
        const char *nul = memchr(p, 0, end - p);
        if (!nul) return NULL;
        if ((size_t)(nul - p) > keylen && !memcmp(p, key, keylen) && p[keylen] == '=') return p + keylen + 1;
        p = nul + 1;
    }
    return NULL;
}
