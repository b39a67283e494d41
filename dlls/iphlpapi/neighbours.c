/* The neighbour table (ARP and IPv6 neighbour discovery): GetIpNetEntry2, GetIpNetTable2, ResolveIpNetEntry2,
 * CreateIpNetEntry2, SetIpNetEntry2, DeleteIpNetEntry2, FlushIpNetTable2.
 *
 * No Wine release has GetIpNetEntry2, ResolveIpNetEntry2 or the writes (commented out of Wine 11's spec: a
 * program importing GetIpNetEntry2 does not even start); Wine's GetIpNetTable2 lists what its nsiproxy reads.
 * Under Wine with a helper they answer from the view, which follows the kernel's neighbour tables
 * (RTM_NEWNEIGH/RTM_DELNEIGH, host/nl_parse.c) from the first of these calls on (wn_source_follow: neighbours
 * change with every peer's reachability, and a process that never asks should not wake for them); writes go
 * through the helper with the rights of Create* (write.c):
 * root or the owner of the network namespace, else ERROR_ACCESS_DENIED.  Windows has no notification for
 * neighbours, so the view's neighbours feed these queries only.
 *
 * What the view leaves out (host/nl_parse.c): the entries Linux makes by rule and never reports (NOARP: multicast
 * and broadcast addresses, whatever goes over loopback or a point-to-point link; Windows lists a few multicast
 * ones as permanent), and entries no lookup has used yet.
 *
 * On Windows, and under Wine without a helper, the system's functions answer (ERROR_NOT_SUPPORTED with a FIXME
 * where Wine lacks them). */
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdlib.h>
#include <string.h>

#include "winenotify/wire.h"
#include "debug.h"
#include "forward.h"
#include "rows.h"
#include "source.h"

/* linux/neighbour.h */
#define NUD_INCOMPLETE 0x01
#define NUD_REACHABLE  0x02
#define NUD_STALE      0x04
#define NUD_DELAY      0x08
#define NUD_PROBE      0x10
#define NUD_FAILED     0x20
#define NUD_NOARP      0x40
#define NUD_PERMANENT  0x80
#define NTF_ROUTER     0x80
/* linux/if.h */
#define IFF_LOOPBACK_LINUX    0x8
#define IFF_POINTOPOINT_LINUX 0x10

/* How long ResolveIpNetEntry2 waits for the kernel: Linux gives up on an address after 3 solicitations a second
 * apart (mcast_solicit, retrans_time_ms), and Windows' own default is the same. */
#define RESOLVE_TIMEOUT_MS 3500

/* ---- rows ------------------------------------------------------------------------------------------------- */

static NL_NEIGHBOR_STATE neighbour_state(unsigned int nud)
{
    if (nud & (NUD_PERMANENT | NUD_NOARP)) return NlnsPermanent;
    if (nud & NUD_REACHABLE) return NlnsReachable;
    if (nud & NUD_STALE) return NlnsStale;
    if (nud & NUD_DELAY) return NlnsDelay;
    if (nud & NUD_PROBE) return NlnsProbe;
    if (nud & NUD_INCOMPLETE) return NlnsIncomplete;
    return NlnsUnreachable;   /* NUD_FAILED */
}

static void fill_neighbour(MIB_IPNET_ROW2 *row, const struct wn_state_neigh *n)
{
    memset(row, 0, sizeof(*row));
    wn_row_sockaddr(&row->Address, n->wire.family, n->wire.addr, n->wire.ifindex);
    row->InterfaceIndex = n->wire.ifindex;
    row->InterfaceLuid.Value = n->luid;
    row->PhysicalAddressLength = n->wire.lladdr_len;
    memcpy(row->PhysicalAddress, n->wire.lladdr, n->wire.lladdr_len);
    row->State = neighbour_state(n->wire.state);
    row->IsRouter = (n->wire.flags & NTF_ROUTER) != 0;
    row->IsUnreachable = (n->wire.state & NUD_FAILED) != 0;
    /* Milliseconds since the neighbour was last known reachable (or, unreachable, since it was found so), from
     * the kernel's ages in hundredths of a second as of the entry's last change. */
    if (row->IsUnreachable) row->ReachabilityTime.LastUnreachable = n->wire.updated * 10;
    else row->ReachabilityTime.LastReachable = n->wire.confirmed * 10;
}

/* ---- finding things in the view --------------------------------------------------------------------------- */

struct neigh_query
{
    /* in */
    uint64_t luid;               /* names the interface when not 0 */
    NET_IFINDEX index;           /* otherwise this does */
    unsigned int family;         /* 0: any (a flush of both families) */
    uint8_t addr[16];
    BOOL all;                    /* collect every neighbour of the family on the interface (index 0: on all) */
    /* out */
    uint32_t ifindex;            /* 0: no such interface */
    BOOL no_neighbours;          /* a loopback or point-to-point link */
    BOOL found;
    struct wn_state_neigh neigh;
    size_t count;
    struct wn_state_neigh *items;
    BOOL failed;
};

static void find_interface(struct neigh_query *q, const struct wn_state *state)
{
    const struct wn_state_link *link = wn_view_link(state, q->luid, q->index);

    if (!link) return;
    q->ifindex = link->wire.ifindex;
    q->no_neighbours = (link->wire.flags & (IFF_LOOPBACK_LINUX | IFF_POINTOPOINT_LINUX)) != 0;
}

static void find_neighbours(void *ctx, const struct wn_state *state)
{
    struct neigh_query *q = ctx;
    const struct wn_state_neigh *n;
    size_t cap;

    if (q->all)
    {
        if (q->index) find_interface(q, state);
        if (q->index && !q->ifindex) return;
        if (!(cap = wn_state_count(state, WN_TABLE_NEIGH))) return;
        if (!(q->items = malloc(cap * sizeof(*q->items))))
        {
            q->failed = TRUE;
            return;
        }
        for (n = wn_state_first(state, WN_TABLE_NEIGH); n; n = wn_state_next(state, WN_TABLE_NEIGH, n))
            if ((!q->family || n->wire.family == q->family) && (!q->ifindex || n->wire.ifindex == q->ifindex))
                q->items[q->count++] = *n;
        return;
    }
    find_interface(q, state);
    if (!q->ifindex) return;
    for (n = wn_state_first(state, WN_TABLE_NEIGH); n; n = wn_state_next(state, WN_TABLE_NEIGH, n))
        if (n->wire.ifindex == q->ifindex && n->wire.family == q->family && !memcmp(n->wire.addr, q->addr, 16))
        {
            q->found = TRUE;
            q->neigh = *n;
            return;
        }
}

/* The view's neighbours, which the helper reports only once a process asks for them (source.h). */
static enum wn_source_status query_neighbours(struct neigh_query *q)
{
    enum wn_source_status status = wn_source_follow(WN_TABLE_NEIGH);

    return status == WN_SOURCE_OK ? wn_source_query(find_neighbours, q) : status;
}

/* A row's keys, checked as Windows documents them: an IPv4 or IPv6 address, and a LUID or an index. */
static BOOL row_keys(const MIB_IPNET_ROW2 *row, struct neigh_query *q)
{
    memset(q, 0, sizeof(*q));
    if (!row || !(q->family = wn_wire_family(row->Address.si_family))) return FALSE;
    if (!row->InterfaceLuid.Value && !row->InterfaceIndex) return FALSE;
    q->luid = row->InterfaceLuid.Value;
    q->index = row->InterfaceIndex;
    wn_wire_address(q->addr, &row->Address);
    return TRUE;
}

static BOOL unspecified(const uint8_t *addr, unsigned int family)
{
    static const uint8_t zero[16];
    return !memcmp(addr, zero, family == 4 ? 4 : 16);
}

static BOOL loopback(const uint8_t *addr, unsigned int family)
{
    static const uint8_t one[16] = { [15] = 1 };
    return family == 4 ? addr[0] == 127 : !memcmp(addr, one, 16);
}

static BOOL multicast(const uint8_t *addr, unsigned int family)
{
    if (family == 6) return addr[0] == 0xff;
    return (addr[0] & 0xf0) == 0xe0 || (addr[0] == 255 && addr[1] == 255 && addr[2] == 255 && addr[3] == 255);
}

/* ---- GetIpNetEntry2, GetIpNetTable2 ----------------------------------------------------------------------- */

/* Microsoft's page: ERROR_INVALID_PARAMETER for a NULL row, an address that is not IPv4 or IPv6, or neither a
 * LUID nor an index; ERROR_FILE_NOT_FOUND when no interface has that LUID or index; ERROR_NOT_FOUND when the
 * interface has no such neighbour. */
DWORD WINAPI GetIpNetEntry2(MIB_IPNET_ROW2 *row)
{
    struct neigh_query q;

    if (!wn_running_on_wine()) return wn_row_system_call("GetIpNetEntry2", row);
    TRACE("(%p)\n", row);
    if (!row_keys(row, &q)) return ERROR_INVALID_PARAMETER;
    if (query_neighbours(&q) != WN_SOURCE_OK)
    {
        WARN("no host helper: GetIpNetEntry2 is the system's\n");
        return wn_row_system_call("GetIpNetEntry2", row);
    }
    if (!q.ifindex) return ERROR_FILE_NOT_FOUND;
    if (!q.found) return ERROR_NOT_FOUND;
    fill_neighbour(row, &q.neigh);
    return NO_ERROR;
}

/* Microsoft's page: ERROR_INVALID_PARAMETER for a NULL Table or a Family other than AF_UNSPEC, AF_INET and
 * AF_INET6; ERROR_NOT_FOUND when there is no neighbour of the family.  IPv4 entries first, as Windows and Wine
 * list them.  The table is the process heap's, as the system's FreeMibTable frees it. */
DWORD WINAPI GetIpNetTable2(ADDRESS_FAMILY family, MIB_IPNET_TABLE2 **table)
{
    struct neigh_query q;
    MIB_IPNET_TABLE2 *t = NULL;
    DWORD err = NO_ERROR;
    size_t i, n = 0;
    unsigned int pass;

    if (!wn_running_on_wine()) return wn_row_system_table("GetIpNetTable2", family, (void **)table);
    TRACE("(%u, %p)\n", family, table);
    if (!table || !wn_family_valid(family)) return ERROR_INVALID_PARAMETER;
    memset(&q, 0, sizeof(q));
    q.all = TRUE;
    q.family = wn_wire_family(family);
    if (query_neighbours(&q) != WN_SOURCE_OK)
    {
        free(q.items);
        WARN("no host helper: GetIpNetTable2 is the system's\n");
        return wn_row_system_table("GetIpNetTable2", family, (void **)table);
    }
    if (q.failed) err = ERROR_NOT_ENOUGH_MEMORY;
    else if (!q.count) err = ERROR_NOT_FOUND;
    else if (!(t = HeapAlloc(GetProcessHeap(), 0, offsetof(MIB_IPNET_TABLE2, Table[q.count]))))
        err = ERROR_NOT_ENOUGH_MEMORY;
    else
    {
        for (pass = 4; pass <= 6; pass += 2)
            for (i = 0; i < q.count; i++)
                if (q.items[i].wire.family == pass) fill_neighbour(&t->Table[n++], &q.items[i]);
        t->NumEntries = (ULONG)n;
    }
    free(q.items);
    *table = t;
    return err;
}

/* ---- writes ----------------------------------------------------------------------------------------------- */

/* One request to the helper (wire.h's neighbour rules); *asked is FALSE when there is no helper. */
static DWORD ask(uint16_t op, uint32_t ifindex, unsigned int family, const uint8_t *addr, const UCHAR *lladdr,
                 ULONG lladdr_len, uint16_t state, BOOL *asked)
{
    struct wn_wire_neigh body;
    uint32_t result;

    memset(&body, 0, sizeof(body));
    body.ifindex = ifindex;
    body.family = (uint8_t)family;
    memcpy(body.addr, addr, family == 4 ? 4 : 16);
    body.lladdr_len = (uint8_t)lladdr_len;
    if (lladdr_len) memcpy(body.lladdr, lladdr, lladdr_len);
    body.state = state;
    *asked = wn_source_change(WN_WIRE_SET_NEIGH, op, &body, &result) == WN_SOURCE_OK;
    if (!*asked) return ERROR_GEN_FAILURE;
    if (result != WN_RESULT_OK) TRACE("the host answered %u\n", result);
    return wn_row_result_error(result);
}

/* Create and Set: the address a neighbour may have, and a link-layer address.  A neighbour made by hand is
 * permanent, as an `arp -s` entry is on Windows. */
static DWORD check_write(const MIB_IPNET_ROW2 *row, struct neigh_query *q)
{
    if (!row_keys(row, q)) return ERROR_INVALID_PARAMETER;
    if (unspecified(q->addr, q->family) || loopback(q->addr, q->family)) return ERROR_INVALID_PARAMETER;
    if (!row->PhysicalAddressLength || row->PhysicalAddressLength > IF_MAX_PHYS_ADDRESS_LENGTH)
        return ERROR_INVALID_PARAMETER;
    return NO_ERROR;
}

/* Microsoft's page: ERROR_INVALID_PARAMETER for a NULL row, an address that is not a unicast, anycast or
 * multicast address, a loopback address, no physical address, or neither LUID nor index; ERROR_NOT_FOUND for an
 * unknown interface; ERROR_OBJECT_ALREADY_EXISTS when the interface has that neighbour; ERROR_ACCESS_DENIED
 * without administrator rights.  Linux maps multicast addresses to link-layer ones by rule and keeps no entry a
 * program could set, and keeps a single entry for a whole loopback or point-to-point link: ERROR_NOT_SUPPORTED
 * for those. */
DWORD WINAPI CreateIpNetEntry2(const MIB_IPNET_ROW2 *row)
{
    struct neigh_query q;
    BOOL asked;
    DWORD err;

    if (!wn_running_on_wine()) return wn_row_system_call("CreateIpNetEntry2", row);
    TRACE("(%p)\n", row);
    if ((err = check_write(row, &q))) return err;
    if (query_neighbours(&q) != WN_SOURCE_OK)
    {
        WARN("no host helper: CreateIpNetEntry2 is the system's\n");
        return wn_row_system_call("CreateIpNetEntry2", row);
    }
    if (!q.ifindex) return ERROR_NOT_FOUND;
    if (q.found) return ERROR_OBJECT_ALREADY_EXISTS;
    /* Linux keeps one entry for a whole loopback or point-to-point link (it has no neighbours to tell apart). */
    if (multicast(q.addr, q.family) || q.no_neighbours) return ERROR_NOT_SUPPORTED;
    err = ask(WN_WIRE_OP_ADD, q.ifindex, q.family, q.addr, row->PhysicalAddress, row->PhysicalAddressLength,
              NUD_PERMANENT, &asked);
    return asked ? err : wn_row_system_call("CreateIpNetEntry2", row);
}

/* Microsoft's page: the entry is named as for GetIpNetEntry2 (ERROR_FILE_NOT_FOUND for an unknown interface) and
 * gets the row's physical address; ERROR_NOT_FOUND when there is no such neighbour.  The entry becomes
 * permanent, as one set by hand. */
DWORD WINAPI SetIpNetEntry2(MIB_IPNET_ROW2 *row)
{
    struct neigh_query q;
    BOOL asked;
    DWORD err;

    if (!wn_running_on_wine()) return wn_row_system_call("SetIpNetEntry2", row);
    TRACE("(%p)\n", row);
    if ((err = check_write(row, &q))) return err;
    if (query_neighbours(&q) != WN_SOURCE_OK)
    {
        WARN("no host helper: SetIpNetEntry2 is the system's\n");
        return wn_row_system_call("SetIpNetEntry2", row);
    }
    if (!q.ifindex) return ERROR_FILE_NOT_FOUND;
    if (!q.found) return ERROR_NOT_FOUND;
    err = ask(WN_WIRE_OP_CHANGE, q.ifindex, q.family, q.addr, row->PhysicalAddress, row->PhysicalAddressLength,
              NUD_PERMANENT, &asked);
    return asked ? err : wn_row_system_call("SetIpNetEntry2", row);
}

/* Microsoft's page: named as for GetIpNetEntry2 (ERROR_FILE_NOT_FOUND for an unknown interface, ERROR_NOT_FOUND
 * for an unknown neighbour). */
DWORD WINAPI DeleteIpNetEntry2(const MIB_IPNET_ROW2 *row)
{
    struct neigh_query q;
    BOOL asked;
    DWORD err;

    if (!wn_running_on_wine()) return wn_row_system_call("DeleteIpNetEntry2", row);
    TRACE("(%p)\n", row);
    if (!row_keys(row, &q)) return ERROR_INVALID_PARAMETER;
    if (query_neighbours(&q) != WN_SOURCE_OK)
    {
        WARN("no host helper: DeleteIpNetEntry2 is the system's\n");
        return wn_row_system_call("DeleteIpNetEntry2", row);
    }
    if (!q.ifindex) return ERROR_FILE_NOT_FOUND;
    if (!q.found) return ERROR_NOT_FOUND;
    err = ask(WN_WIRE_OP_DEL, q.ifindex, q.family, q.addr, NULL, 0, 0, &asked);
    return asked ? err : wn_row_system_call("DeleteIpNetEntry2", row);
}

static DWORD system_flush(ADDRESS_FAMILY family, NET_IFINDEX index)
{
    DWORD (WINAPI *fn)(ADDRESS_FAMILY, NET_IFINDEX);

    if (!(fn = (DWORD (WINAPI *)(ADDRESS_FAMILY, NET_IFINDEX))wn_forward_lookup("FlushIpNetTable2")))
    {
        FIXME("the system DLL lacks FlushIpNetTable2\n");
        return ERROR_NOT_SUPPORTED;
    }
    return fn(family, index);
}

/* Microsoft's page: every neighbour of the family (AF_UNSPEC: both) on the interface (0: on every interface);
 * ERROR_INVALID_PARAMETER for another family, ERROR_ACCESS_DENIED without administrator rights.  As `ip neigh
 * flush` and Windows' arp -d do, permanent entries (set by hand) stay; learnt ones go. */
DWORD WINAPI FlushIpNetTable2(ADDRESS_FAMILY family, NET_IFINDEX index)
{
    struct neigh_query q;
    DWORD err = NO_ERROR, e;
    BOOL asked = TRUE;
    size_t i;

    if (!wn_running_on_wine()) return system_flush(family, index);
    TRACE("(%u, %lu)\n", family, index);
    if (!wn_family_valid(family)) return ERROR_INVALID_PARAMETER;
    memset(&q, 0, sizeof(q));
    q.all = TRUE;
    q.family = wn_wire_family(family);
    q.index = index;
    if (query_neighbours(&q) != WN_SOURCE_OK)
    {
        free(q.items);
        WARN("no host helper: FlushIpNetTable2 is the system's\n");
        return system_flush(family, index);
    }
    if (index && !q.ifindex) err = ERROR_FILE_NOT_FOUND;
    else if (q.failed) err = ERROR_NOT_ENOUGH_MEMORY;
    for (i = 0; !err && asked && i < q.count; i++)
    {
        if (q.items[i].wire.state & (NUD_PERMANENT | NUD_NOARP)) continue;
        e = ask(WN_WIRE_OP_DEL, q.items[i].wire.ifindex, q.items[i].wire.family, q.items[i].wire.addr, NULL, 0, 0,
                &asked);
        /* One that expired meanwhile is gone anyway. */
        if (e != ERROR_NOT_FOUND) err = e;
    }
    free(q.items);
    if (!asked) return system_flush(family, index);
    return err;
}

/* ---- ResolveIpNetEntry2 ----------------------------------------------------------------------------------- */

struct resolve_wait
{
    struct neigh_query q;        /* the key; q.neigh the answer once done */
    HANDLE done;
    volatile LONG finished;
};

/* Resolved: the kernel has a link-layer address; failed: it gave up. */
static BOOL resolve_settled(const struct wn_state_neigh *n)
{
    return (n->wire.state & NUD_FAILED) || (n->wire.lladdr_len && !(n->wire.state & NUD_INCOMPLETE));
}

static BOOL resolve_match(struct resolve_wait *w, const struct wn_state_neigh *n)
{
    return n->wire.ifindex == w->q.ifindex && n->wire.family == w->q.family && !memcmp(n->wire.addr, w->q.addr, 16);
}

static void resolve_event(void *ctx, uint32_t table, uint16_t op, const void *old_body, const void *new_body)
{
    struct resolve_wait *w = ctx;
    const struct wn_state_neigh *n = new_body;

    (void)old_body;
    if (table != WN_TABLE_NEIGH || op == WN_WIRE_OP_DEL || !n || !resolve_match(w, n) || !resolve_settled(n)) return;
    if (InterlockedExchange(&w->finished, 1)) return;
    w->q.neigh = *n;
    SetEvent(w->done);
}

static void resolve_view(void *ctx, const struct wn_state *state)
{
    struct resolve_wait *w = ctx;
    const struct wn_state_neigh *n;

    for (n = wn_state_first(state, WN_TABLE_NEIGH); n; n = wn_state_next(state, WN_TABLE_NEIGH, n))
        if (resolve_match(w, n) && resolve_settled(n) && !(n->wire.state & NUD_FAILED))
        {
            w->finished = 1;
            w->q.neigh = *n;
            SetEvent(w->done);
            return;
        }
}

static DWORD system_resolve(MIB_IPNET_ROW2 *row, const SOCKADDR_INET *source)
{
    DWORD (WINAPI *fn)(MIB_IPNET_ROW2 *, const SOCKADDR_INET *);

    if (!(fn = (DWORD (WINAPI *)(MIB_IPNET_ROW2 *, const SOCKADDR_INET *))wn_forward_lookup("ResolveIpNetEntry2")))
    {
        FIXME("the system DLL lacks ResolveIpNetEntry2\n");
        return ERROR_NOT_SUPPORTED;
    }
    return fn(row, source);
}

/* Microsoft's page: ERROR_INVALID_PARAMETER as for GetIpNetEntry2 (and a loopback or unspecified address);
 * ERROR_NOT_FOUND for an unknown interface; ERROR_BAD_NET_NAME when the address cannot be resolved.  A neighbour
 * already known with its link-layer address answers at once; otherwise the kernel is asked to solicit it
 * (NTF_USE, as traffic to it would) and the answer is the entry the kernel reports.  Linux picks the solicitation's
 * source address itself: SourceAddress is not passed on. */
DWORD WINAPI ResolveIpNetEntry2(MIB_IPNET_ROW2 *row, const SOCKADDR_INET *source)
{
    struct resolve_wait w;
    struct wn_subscription *sub = NULL;
    BOOL asked;
    DWORD err;

    if (!wn_running_on_wine()) return system_resolve(row, source);
    TRACE("(%p, %p)\n", row, source);
    memset(&w, 0, sizeof(w));
    if (!row_keys(row, &w.q)) return ERROR_INVALID_PARAMETER;
    if (unspecified(w.q.addr, w.q.family) || loopback(w.q.addr, w.q.family) || multicast(w.q.addr, w.q.family))
        return ERROR_INVALID_PARAMETER;
    if (query_neighbours(&w.q) != WN_SOURCE_OK)
    {
        WARN("no host helper: ResolveIpNetEntry2 is the system's\n");
        return system_resolve(row, source);
    }
    if (!w.q.ifindex) return ERROR_NOT_FOUND;
    if (w.q.no_neighbours) return ERROR_NOT_SUPPORTED;
    if (w.q.found && resolve_settled(&w.q.neigh) && !(w.q.neigh.wire.state & NUD_FAILED))
    {
        fill_neighbour(row, &w.q.neigh);
        return NO_ERROR;
    }

    if (!(w.done = CreateEventW(NULL, TRUE, FALSE, NULL))) return ERROR_NOT_ENOUGH_MEMORY;
    /* Subscribed before asking, so that the answer cannot slip by. */
    if (wn_source_follow(WN_TABLE_NEIGH) != WN_SOURCE_OK
        || wn_source_subscribe(WN_TABLE_NEIGH, resolve_event, &w, resolve_view, &w, &sub) != WN_SOURCE_OK)
    {
        CloseHandle(w.done);
        return system_resolve(row, source);
    }
    err = NO_ERROR;
    if (!w.finished) err = ask(WN_WIRE_OP_CHANGE, w.q.ifindex, w.q.family, w.q.addr, NULL, 0, 0, &asked);
    if (!err && WaitForSingleObject(w.done, RESOLVE_TIMEOUT_MS) != WAIT_OBJECT_0) err = ERROR_BAD_NET_NAME;
    wn_source_unsubscribe(sub);
    CloseHandle(w.done);
    if (err) return err;
    if (w.q.neigh.wire.state & NUD_FAILED) return ERROR_BAD_NET_NAME;
    fill_neighbour(row, &w.q.neigh);
    return NO_ERROR;
}
