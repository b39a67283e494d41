/* GetAdaptersAddresses: the system's answer, with the prefixes and gateways from the view.
 *
 * Every Wine lists the adapters (names, {GUID} adapter names, LUIDs, indexes, addresses, DNS) as its other
 * functions do, and that part is kept.  What it gets wrong is what GAA_FLAG_INCLUDE_PREFIX and
 * GAA_FLAG_INCLUDE_GATEWAYS add: Debian's Wine 10.0 fails the whole call with ERROR_INVALID_DATA when prefixes are
 * asked for with AF_UNSPEC (SPEC.md §10), which breaks every WireGuard-style adapter lookup, and where it
 * answers it lists only the main table's on-link routes (no loopback subnet, no host or broadcast prefixes; Wine
 * 8 no IPv6 routes at all, so no IPv6 gateway either).  So under Wine with a helper, when either flag is given,
 * the system is asked without them and ours are added from the view the notifications come from, as Windows
 * derives them from its routing table:
 *   prefixes: for each IPv4 address its subnet, the address itself (/32) and the subnet's broadcast (/32), and
 *             per adapter with IPv4 the multicast (224.0.0.0/4) and limited broadcast (255.255.255.255/32)
 *             prefixes; for each IPv6 address its subnet and the address (/128), and per adapter with IPv6 the
 *             multicast prefix (ff00::/8) (Microsoft's page of IP_ADAPTER_PREFIX and of GetAdaptersAddresses);
 *   gateways: the next hops of the adapter's default routes.
 * Without either flag, on Windows, and under Wine without a helper, the system answers alone. */
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdlib.h>
#include <string.h>

#include "debug.h"
#include "forward.h"
#include "rows.h"
#include "source.h"

#define EXTRA_FLAGS (GAA_FLAG_INCLUDE_PREFIX | GAA_FLAG_INCLUDE_GATEWAYS)

typedef ULONG (WINAPI *gaa_fn)(ULONG, ULONG, void *, IP_ADAPTER_ADDRESSES *, ULONG *);

static gaa_fn system_gaa(void)
{
    return (gaa_fn)wn_forward_lookup("GetAdaptersAddresses");
}

/* ---- what the view adds ----------------------------------------------------------------------------------- */

enum extra_kind { EXTRA_PREFIX, EXTRA_GATEWAY };

struct extra
{
    uint64_t luid;
    enum extra_kind kind;
    uint8_t family;          /* 4 or 6 */
    uint8_t len;             /* prefixes */
    uint8_t addr[16];
};

struct extras
{
    ULONG family;            /* the caller's */
    ULONG flags;
    struct extra *items;
    size_t count, cap;
    BOOL failed;
};

static void add_extra(struct extras *x, uint64_t luid, enum extra_kind kind, uint8_t family, const uint8_t *addr,
                      unsigned int len)
{
    struct extra e;
    size_t i;

    memset(&e, 0, sizeof(e));
    e.luid = luid;
    e.kind = kind;
    e.family = family;
    e.len = (uint8_t)len;
    memcpy(e.addr, addr, family == 4 ? 4 : 16);
    /* Two addresses of one subnet give its prefix once. */
    for (i = 0; i < x->count; i++)
        if (!memcmp(&x->items[i], &e, sizeof(e))) return;
    if (x->count == x->cap)
    {
        size_t cap = x->cap ? x->cap * 2 : 32;
        struct extra *bigger = realloc(x->items, cap * sizeof(*bigger));

        if (!bigger)
        {
            x->failed = TRUE;
            return;
        }
        x->items = bigger;
        x->cap = cap;
    }
    x->items[x->count++] = e;
}

/* The prefix of len bits of addr (the rest cleared), or with the rest set (a broadcast address). */
static void masked(uint8_t *out, const uint8_t *addr, unsigned int size, unsigned int len, BOOL set_rest)
{
    unsigned int i;

    for (i = 0; i < size; i++)
    {
        unsigned int bits = len >= (i + 1) * 8 ? 8 : len > i * 8 ? len - i * 8 : 0;
        uint8_t keep = (uint8_t)(0xff00 >> bits);

        out[i] = set_rest ? (uint8_t)(addr[i] | ~keep) : (uint8_t)(addr[i] & keep);
    }
}

static void collect_extras(void *ctx, const struct wn_state *state)
{
    static const uint8_t mcast4[4] = { 224 }, bcast4[4] = { 255, 255, 255, 255 }, mcast6[16] = { 0xff };
    struct extras *x = ctx;
    const struct wn_state_addr *a;
    const struct wn_state_route *r;
    const struct wn_state_link *link;

    if (x->flags & GAA_FLAG_INCLUDE_PREFIX)
    {
        for (a = wn_state_first(state, WN_TABLE_ADDR); a; a = wn_state_next(state, WN_TABLE_ADDR, a))
        {
            unsigned int size = a->wire.family == 4 ? 4 : 16, max = size * 8;
            uint8_t p[16];

            if (!wn_family_covers((ADDRESS_FAMILY)x->family, a->wire.family)) continue;
            masked(p, a->wire.addr, size, a->wire.prefixlen, FALSE);
            add_extra(x, a->luid, EXTRA_PREFIX, a->wire.family, p, a->wire.prefixlen);
            add_extra(x, a->luid, EXTRA_PREFIX, a->wire.family, a->wire.addr, max);
            if (a->wire.family == 4 && a->wire.prefixlen < 31)
            {
                masked(p, a->wire.addr, size, a->wire.prefixlen, TRUE);
                add_extra(x, a->luid, EXTRA_PREFIX, 4, p, 32);
            }
        }
        /* The per-adapter ones, for the adapters with an address of the family (the link's current LUID). */
        for (link = wn_state_first(state, WN_TABLE_LINK); link; link = wn_state_next(state, WN_TABLE_LINK, link))
        {
            BOOL v4 = FALSE, v6 = FALSE;

            for (a = wn_state_first(state, WN_TABLE_ADDR); a; a = wn_state_next(state, WN_TABLE_ADDR, a))
            {
                if (a->wire.ifindex != link->wire.ifindex) continue;
                if (a->wire.family == 4) v4 = TRUE;
                else v6 = TRUE;
            }
            if (v4 && wn_family_covers((ADDRESS_FAMILY)x->family, 4))
            {
                add_extra(x, link->luid, EXTRA_PREFIX, 4, mcast4, 4);
                add_extra(x, link->luid, EXTRA_PREFIX, 4, bcast4, 32);
            }
            if (v6 && wn_family_covers((ADDRESS_FAMILY)x->family, 6))
                add_extra(x, link->luid, EXTRA_PREFIX, 6, mcast6, 8);
        }
    }
    if (x->flags & GAA_FLAG_INCLUDE_GATEWAYS)
    {
        for (r = wn_state_first(state, WN_TABLE_ROUTE); r; r = wn_state_next(state, WN_TABLE_ROUTE, r))
        {
            static const uint8_t zero[16];

            if (r->wire.dst_len || !r->wire.oif || !memcmp(r->wire.gateway, zero, sizeof(zero))) continue;
            if (!wn_family_covers((ADDRESS_FAMILY)x->family, r->wire.family)) continue;
            add_extra(x, r->luid, EXTRA_GATEWAY, r->wire.family, r->wire.gateway, 0);
        }
    }
}

/* ---- the caller's buffer ---------------------------------------------------------------------------------- */

/* The shape every list entry of IP_ADAPTER_ADDRESSES shares (unicast, anycast, multicast, DNS server, prefix,
 * WINS server, gateway): a length and flags, the next entry, the address. */
struct entry
{
    union { ULONGLONG Alignment; struct { ULONG Length; DWORD Flags; } s; } u;
    struct entry *Next;
    SOCKET_ADDRESS Address;
};

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static size_t extra_size(const struct extra *e)
{
    size_t sa = e->family == 4 ? sizeof(SOCKADDR_IN) : sizeof(SOCKADDR_IN6);

    return align8(e->kind == EXTRA_PREFIX ? sizeof(IP_ADAPTER_PREFIX) : sizeof(IP_ADAPTER_GATEWAY_ADDRESS_LH))
           + align8(sa);
}

/* Moves a pointer of the system's buffer to the same place in ours. */
static void *moved(void *p, const char *from, size_t len, char *to)
{
    if (!p || (const char *)p < from || (const char *)p >= from + len) return p;
    return to + ((const char *)p - from);
}

static void move_list(struct entry **first, const char *from, size_t len, char *to)
{
    struct entry **e;

    for (e = first; (*e = moved(*e, from, len, to)); e = &(*e)->Next)
        (*e)->Address.lpSockaddr = moved((*e)->Address.lpSockaddr, from, len, to);
}

/* Copies the system's list (len bytes at from) to to, pointers and all. */
static void copy_list(char *to, const char *from, size_t len)
{
    IP_ADAPTER_ADDRESSES *aa;
    IP_ADAPTER_DNS_SUFFIX **s;

    memcpy(to, from, len);
    for (aa = (IP_ADAPTER_ADDRESSES *)to; aa; aa = aa->Next)
    {
        aa->Next = moved(aa->Next, from, len, to);
        aa->AdapterName = moved(aa->AdapterName, from, len, to);
        aa->DnsSuffix = moved(aa->DnsSuffix, from, len, to);
        aa->Description = moved(aa->Description, from, len, to);
        aa->FriendlyName = moved(aa->FriendlyName, from, len, to);
        move_list((struct entry **)&aa->FirstUnicastAddress, from, len, to);
        move_list((struct entry **)&aa->FirstAnycastAddress, from, len, to);
        move_list((struct entry **)&aa->FirstMulticastAddress, from, len, to);
        move_list((struct entry **)&aa->FirstDnsServerAddress, from, len, to);
        /* Only the Vista layout has the rest, and every Wine and Windows we run gives it. */
        if (aa->Length < sizeof(IP_ADAPTER_ADDRESSES_LH)) continue;
        move_list((struct entry **)&aa->FirstPrefix, from, len, to);
        move_list((struct entry **)&aa->FirstWinsServerAddress, from, len, to);
        move_list((struct entry **)&aa->FirstGatewayAddress, from, len, to);
        for (s = &aa->FirstDnsSuffix; (*s = moved(*s, from, len, to)); s = &(*s)->Next) {}
    }
}

/* Appends the view's prefixes and gateways at p, each to its adapter's list in the view's order. */
static void append_extras(IP_ADAPTER_ADDRESSES *list, const struct extras *x, char *p)
{
    IP_ADAPTER_ADDRESSES *aa;
    size_t i;

    for (aa = list; aa; aa = aa->Next)
    {
        struct entry **prefix_tail, **gateway_tail;

        if (aa->Length < sizeof(IP_ADAPTER_ADDRESSES_LH)) continue;
        /* Ours replace whatever the system had (it was asked for none). */
        aa->FirstPrefix = NULL;
        aa->FirstGatewayAddress = NULL;
        prefix_tail = (struct entry **)&aa->FirstPrefix;
        gateway_tail = (struct entry **)&aa->FirstGatewayAddress;
        for (i = 0; i < x->count; i++)
        {
            const struct extra *e = &x->items[i];
            size_t head = align8(e->kind == EXTRA_PREFIX ? sizeof(IP_ADAPTER_PREFIX)
                                                         : sizeof(IP_ADAPTER_GATEWAY_ADDRESS_LH));
            struct entry *entry = (struct entry *)p;
            SOCKADDR_INET *sa = (SOCKADDR_INET *)(p + head);

            if (e->luid != aa->Luid.Value) continue;
            memset(p, 0, extra_size(e));
            entry->u.s.Length = (ULONG)(e->kind == EXTRA_PREFIX ? sizeof(IP_ADAPTER_PREFIX)
                                                                : sizeof(IP_ADAPTER_GATEWAY_ADDRESS_LH));
            entry->Address.lpSockaddr = (SOCKADDR *)sa;
            if (e->family == 4)
            {
                sa->Ipv4.sin_family = AF_INET;
                memcpy(&sa->Ipv4.sin_addr, e->addr, 4);
                entry->Address.iSockaddrLength = sizeof(SOCKADDR_IN);
            }
            else
            {
                sa->Ipv6.sin6_family = AF_INET6;
                memcpy(&sa->Ipv6.sin6_addr, e->addr, 16);
                /* A link-local next hop means this link (the scope the system gives such addresses). */
                if (e->addr[0] == 0xfe && (e->addr[1] & 0xc0) == 0x80) sa->Ipv6.sin6_scope_id = aa->Ipv6IfIndex;
                entry->Address.iSockaddrLength = sizeof(SOCKADDR_IN6);
            }
            if (e->kind == EXTRA_PREFIX)
            {
                ((IP_ADAPTER_PREFIX *)entry)->PrefixLength = e->len;
                *prefix_tail = entry;
                prefix_tail = &entry->Next;
            }
            else
            {
                *gateway_tail = entry;
                gateway_tail = &entry->Next;
            }
            p += extra_size(e);
        }
    }
}

/* The system's call.  Debian's Wine 10.0 fails it with DNS_ERROR_NO_DNS_SERVERS when the family has no DNS server
 * (IPv6 on a host whose resolv.conf lists IPv4 servers only); Windows lists the adapters without any, which is
 * what the same call without DNS servers gives. */
static ULONG call_system(gaa_fn fn, ULONG family, ULONG flags, void *reserved, IP_ADAPTER_ADDRESSES *addresses,
                         ULONG *size)
{
    ULONG err = fn(family, flags, reserved, addresses, size);

    if (err == DNS_ERROR_NO_DNS_SERVERS && wn_running_on_wine() && !(flags & GAA_FLAG_SKIP_DNS_SERVER))
    {
        WARN("the system has no DNS server of family %lu: listed without\n", family);
        err = fn(family, flags | GAA_FLAG_SKIP_DNS_SERVER, reserved, addresses, size);
    }
    return err;
}

/* The system's list without the flags ours answer, into a buffer of its own (NULL and the error when it fails). */
static ULONG system_list(ULONG family, ULONG flags, void *reserved, char **out, ULONG *len)
{
    gaa_fn fn = system_gaa();
    ULONG err = ERROR_BUFFER_OVERFLOW, size = 0;
    int tries;

    *out = NULL;
    /* The list can grow between two calls: ask again, a few times. */
    for (tries = 0; tries < 4 && err == ERROR_BUFFER_OVERFLOW; tries++)
    {
        free(*out);
        *out = size ? malloc(size) : NULL;
        if (size && !*out) return ERROR_NOT_ENOUGH_MEMORY;
        err = call_system(fn, family, flags, reserved, (IP_ADAPTER_ADDRESSES *)*out, &size);
    }
    if (err)
    {
        free(*out);
        *out = NULL;
    }
    *len = size;
    return err;
}

ULONG WINAPI GetAdaptersAddresses(ULONG family, ULONG flags, void *reserved, IP_ADAPTER_ADDRESSES *addresses,
                                  ULONG *size)
{
    gaa_fn fn = system_gaa();
    struct extras x;
    char *sys = NULL;
    ULONG err, sys_len = 0;
    size_t need, i;

    if (!fn)
    {
        FIXME("the system DLL lacks GetAdaptersAddresses\n");
        return ERROR_NOT_SUPPORTED;
    }
    if (!wn_running_on_wine()) return fn(family, flags, reserved, addresses, size);
    /* Microsoft's page: ERROR_INVALID_PARAMETER for a NULL size or a family other than these three; every Wine
     * checks the size only, and lists all families for any other. */
    if (!size || (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)) return ERROR_INVALID_PARAMETER;
    if (!(flags & EXTRA_FLAGS)) return call_system(fn, family, flags, reserved, addresses, size);
    TRACE("(%lu, %#lx, %p, %p, %p)\n", family, flags, reserved, addresses, size);

    memset(&x, 0, sizeof(x));
    x.family = family;
    x.flags = flags;
    if (wn_source_query(collect_extras, &x) != WN_SOURCE_OK)
    {
        free(x.items);
        WARN("no host helper: GetAdaptersAddresses is the system's\n");
        return call_system(fn, family, flags, reserved, addresses, size);
    }
    if (x.failed) err = ERROR_NOT_ENOUGH_MEMORY;
    else err = system_list(family, flags & ~EXTRA_FLAGS, reserved, &sys, &sys_len);
    if (err)
    {
        free(x.items);
        return err;
    }
    need = align8(sys_len);
    for (i = 0; i < x.count; i++) need += extra_size(&x.items[i]);
    if (need > 0xffffffffu) err = ERROR_NOT_ENOUGH_MEMORY;
    else if (!addresses || *size < need)
    {
        *size = (ULONG)need;
        err = ERROR_BUFFER_OVERFLOW;
    }
    else
    {
        copy_list((char *)addresses, sys, sys_len);
        append_extras(addresses, &x, (char *)addresses + align8(sys_len));
    }
    TRACE("%u prefixes and gateways from the view: %lu\n", (unsigned int)x.count, err);
    free(sys);
    free(x.items);
    return err;
}
