/* Multicast and anycast addresses: GetMulticastIpAddressEntry/Table, GetAnycastIpAddressEntry/Table from the view,
 * CreateAnycastIpAddressEntry and DeleteAnycastIpAddressEntry.
 *
 * The view follows them live (wire.h, WN_WIRE_MADDR) rather than dumping them on each call: a call then costs no
 * round trip to the helper, and the LUIDs and indexes are the view's, as for every other row; the kernel
 * announces their changes from 6.11 on, and on older kernels the helper dumps them again after each link and
 * address event, which is when the kernel's own memberships change.  No Wine exports the multicast functions
 * (Wine 11's spec comments them out) and Wine 11's GetAnycastIpAddressTable is a stub that lists nothing: under
 * Wine with a helper ours answer; on Windows, and under Wine without one, the system's.
 *
 * Linux has no system-wide anycast address a program adds: an IPv6 anycast address is a socket's
 * (IPV6_JOIN_ANYCAST) and goes with the socket, and the kernel's own (subnet-router anycast while a link
 * forwards) follow the configuration.  A Windows anycast entry outlives the program that made it, which a
 * socket held by the helper (gone with the program) cannot honestly stand for: Create and Delete answer
 * ERROR_NOT_SUPPORTED, Windows' answer for a request it cannot carry out, with a FIXME. */
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

/* MIB_MULTICASTIPADDRESS_ROW and MIB_ANYCASTIPADDRESS_ROW have the same fields. */
typedef MIB_MULTICASTIPADDRESS_ROW maddr_row;

/* The scope a link-local or interface-local address needs: its interface's index (IPv6 multicast scopes 1 and
 * 2, link-local unicast for anycast), as the system's rows give it; none otherwise. */
static ULONG scope_of(const struct wn_wire_maddr *m)
{
    if (m->family != 6) return 0;
    if (m->addr[0] == 0xff) return (m->addr[1] & 0x0f) <= 2 ? m->ifindex : 0;
    return m->addr[0] == 0xfe && (m->addr[1] & 0xc0) == 0x80 ? m->ifindex : 0;
}

static void fill_row(maddr_row *row, const struct wn_state_maddr *m)
{
    memset(row, 0, sizeof(*row));
    wn_row_sockaddr(&row->Address, m->wire.family, m->wire.addr, m->wire.ifindex);
    if (m->wire.family == 6) row->Address.Ipv6.sin6_scope_id = scope_of(&m->wire);
    row->InterfaceIndex = m->wire.ifindex;
    row->InterfaceLuid.Value = m->luid;
    row->ScopeId.Value = scope_of(&m->wire);
}

/* ---- tables ----------------------------------------------------------------------------------------------- */

struct listing
{
    uint8_t kind;
    ADDRESS_FAMILY family;
    maddr_row *rows;
    size_t count;
    BOOL failed;
};

static void list_maddrs(void *ctx, const struct wn_state *state)
{
    struct listing *l = ctx;
    const struct wn_state_maddr *m;
    size_t n = 0;

    for (m = wn_state_first(state, WN_TABLE_MADDR); m; m = wn_state_next(state, WN_TABLE_MADDR, m))
        if (m->wire.kind == l->kind && wn_family_covers(l->family, m->wire.family)) n++;
    if (!n || !(l->rows = malloc(n * sizeof(*l->rows))))
    {
        l->failed = n != 0;
        return;
    }
    for (m = wn_state_first(state, WN_TABLE_MADDR); m; m = wn_state_next(state, WN_TABLE_MADDR, m))
        if (m->wire.kind == l->kind && wn_family_covers(l->family, m->wire.family)) fill_row(&l->rows[l->count++], m);
}

/* Microsoft's pages: ERROR_INVALID_PARAMETER for a NULL table or another family, ERROR_NOT_FOUND when there is no
 * entry of the family.  The table is the process heap's, which the system's FreeMibTable frees. */
static DWORD get_table(const char *name, uint8_t kind, ADDRESS_FAMILY family, void **table)
{
    MIB_MULTICASTIPADDRESS_TABLE *t;
    struct listing l;

    if (!wn_running_on_wine()) return wn_row_system_table(name, family, table);
    TRACE("%s(%u, %p)\n", name, family, table);
    if (!table || !wn_family_valid(family)) return ERROR_INVALID_PARAMETER;
    *table = NULL;
    memset(&l, 0, sizeof(l));
    l.kind = kind;
    l.family = family;
    if (wn_source_query(list_maddrs, &l) != WN_SOURCE_OK)
    {
        free(l.rows);
        WARN("no host helper: %s is the system's\n", name);
        return wn_row_system_table(name, family, table);
    }
    if (l.failed)
    {
        free(l.rows);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (!l.count) return ERROR_NOT_FOUND;
    if (!(t = HeapAlloc(GetProcessHeap(), 0, offsetof(MIB_MULTICASTIPADDRESS_TABLE, Table[l.count]))))
    {
        free(l.rows);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    t->NumEntries = (ULONG)l.count;
    memcpy(t->Table, l.rows, l.count * sizeof(*l.rows));
    free(l.rows);
    *table = t;
    return NO_ERROR;
}

DWORD WINAPI GetMulticastIpAddressTable(ADDRESS_FAMILY family, MIB_MULTICASTIPADDRESS_TABLE **table)
{
    return get_table("GetMulticastIpAddressTable", WN_MADDR_MULTICAST, family, (void **)table);
}

DWORD WINAPI GetAnycastIpAddressTable(ADDRESS_FAMILY family, MIB_ANYCASTIPADDRESS_TABLE **table)
{
    return get_table("GetAnycastIpAddressTable", WN_MADDR_ANYCAST, family, (void **)table);
}

/* ---- entries ---------------------------------------------------------------------------------------------- */

struct entry_query
{
    uint8_t kind;
    uint64_t luid;
    NET_IFINDEX index;
    uint8_t family;
    uint8_t addr[16];
    BOOL have_link, found;
    maddr_row row;
};

static void find_maddr(void *ctx, const struct wn_state *state)
{
    struct entry_query *q = ctx;
    const struct wn_state_link *link = wn_view_link(state, q->luid, q->index);
    const struct wn_state_maddr *m;
    uint32_t ifindex;

    if (!(q->have_link = link != NULL)) return;
    ifindex = link->wire.ifindex;
    for (m = wn_state_first(state, WN_TABLE_MADDR); m; m = wn_state_next(state, WN_TABLE_MADDR, m))
        if (m->wire.kind == q->kind && m->wire.ifindex == ifindex && m->wire.family == q->family
            && !memcmp(m->wire.addr, q->addr, sizeof(q->addr)))
        {
            q->found = TRUE;
            fill_row(&q->row, m);
            return;
        }
}

/* Whether an address can be one of the kind: a multicast group, or for anycast a unicast address (an anycast
 * address is taken from the unicast space). */
static BOOL kind_address(uint8_t kind, unsigned int family, const uint8_t *a)
{
    static const uint8_t zero[16];
    BOOL multicast = family == 4 ? (a[0] & 0xf0) == 0xe0 : a[0] == 0xff;

    if (kind == WN_MADDR_MULTICAST) return multicast;
    return !multicast && memcmp(a, zero, family == 4 ? 4 : 16);
}

/* Microsoft's pages: ERROR_INVALID_PARAMETER for a NULL row, an address that is none of the kind, or neither
 * LUID nor index; ERROR_FILE_NOT_FOUND when no interface has that LUID or index; ERROR_NOT_FOUND when it has no
 * such address. */
static DWORD get_entry(const char *name, uint8_t kind, maddr_row *row)
{
    struct entry_query q;
    unsigned int family;

    if (!wn_running_on_wine()) return wn_row_system_call(name, row);
    TRACE("%s(%p)\n", name, row);
    if (!row || !(family = wn_wire_family(row->Address.si_family))) return ERROR_INVALID_PARAMETER;
    if (!row->InterfaceLuid.Value && !row->InterfaceIndex) return ERROR_INVALID_PARAMETER;
    memset(&q, 0, sizeof(q));
    q.kind = kind;
    q.luid = row->InterfaceLuid.Value;
    q.index = row->InterfaceIndex;
    q.family = (uint8_t)family;
    wn_wire_address(q.addr, &row->Address);
    if (!kind_address(kind, family, q.addr)) return ERROR_INVALID_PARAMETER;
    if (wn_source_query(find_maddr, &q) != WN_SOURCE_OK)
    {
        WARN("no host helper: %s is the system's\n", name);
        return wn_row_system_call(name, row);
    }
    if (!q.have_link) return ERROR_FILE_NOT_FOUND;
    if (!q.found) return ERROR_NOT_FOUND;
    *row = q.row;
    return NO_ERROR;
}

DWORD WINAPI GetMulticastIpAddressEntry(MIB_MULTICASTIPADDRESS_ROW *row)
{
    return get_entry("GetMulticastIpAddressEntry", WN_MADDR_MULTICAST, row);
}

DWORD WINAPI GetAnycastIpAddressEntry(MIB_ANYCASTIPADDRESS_ROW *row)
{
    return get_entry("GetAnycastIpAddressEntry", WN_MADDR_ANYCAST, (maddr_row *)row);
}

/* ---- Create / Delete -------------------------------------------------------------------------------------- */

static DWORD change_anycast(const char *name, const MIB_ANYCASTIPADDRESS_ROW *row)
{
    unsigned int family;
    uint8_t addr[16];

    if (!wn_running_on_wine()) return wn_row_system_call(name, row);
    TRACE("%s(%p)\n", name, row);
    if (!row || !(family = wn_wire_family(row->Address.si_family))) return ERROR_INVALID_PARAMETER;
    if (!row->InterfaceLuid.Value && !row->InterfaceIndex) return ERROR_INVALID_PARAMETER;
    wn_wire_address(addr, &row->Address);
    if (!kind_address(WN_MADDR_ANYCAST, family, addr)) return ERROR_INVALID_PARAMETER;
    FIXME("%s: Linux keeps no anycast address beyond the socket that joined it (see maddr.c)\n", name);
    return ERROR_NOT_SUPPORTED;
}

DWORD WINAPI CreateAnycastIpAddressEntry(const MIB_ANYCASTIPADDRESS_ROW *row)
{
    return change_anycast("CreateAnycastIpAddressEntry", row);
}

DWORD WINAPI DeleteAnycastIpAddressEntry(const MIB_ANYCASTIPADDRESS_ROW *row)
{
    return change_anycast("DeleteAnycastIpAddressEntry", row);
}
