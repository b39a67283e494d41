/* What a program calls right after a notification: InitializeIpInterfaceEntry, InitializeIpForwardEntry,
 * InitializeUnicastIpAddressEntry (to build a row) and GetIpForwardEntry2 (to re-read the notified route).
 *
 * No Wine release exports the three Initialize* functions or GetIpForwardEntry2 (Wine 8.0, 10.0 and 11.0
 * checked: they are commented out of Wine's iphlpapi.spec), so under Wine ours answer, and on Windows the
 * system's do.  GetIpForwardEntry2 answers from the same view as NotifyRouteChange2 (SPEC.md §2, §10): the
 * LUID, index and values a program re-reads with the notified row's keys are the ones the notification gave.
 * Under Wine without a helper it is the system's (which Wine lacks: ERROR_NOT_SUPPORTED with a FIXME). */
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <string.h>

#include "debug.h"
#include "forward.h"
#include "rows.h"
#include "source.h"

#define FOREVER 0xffffffffu

/* The system's own Initialize* on Windows; FALSE when there is none to call (then ours fills the row). */
static BOOL system_initialize(const char *name, void *row)
{
    void (WINAPI *fn)(void *);

    if (wn_running_on_wine()) return FALSE;
    if (!(fn = (void (WINAPI *)(void *))wn_forward_lookup(name))) return FALSE;
    fn(row);
    return TRUE;
}

/* ---- Initialize* ------------------------------------------------------------------------------------------ */

/* Microsoft's page for InitializeIpInterfaceEntry: Family AF_UNSPEC, InterfaceLuid "an unspecified value" (0
 * here: no interface, so that a row used without setting it names none), everything else zero. */
void WINAPI InitializeIpInterfaceEntry(MIB_IPINTERFACE_ROW *row)
{
    /* Windows documents no error for a void function; a NULL row is ignored rather than a crash. */
    if (!row || system_initialize("InitializeIpInterfaceEntry", row)) return;
    memset(row, 0, sizeof(*row));
    row->Family = AF_UNSPEC;
}

/* Microsoft's page for InitializeIpForwardEntry: ValidLifetime and PreferredLifetime infinite; Loopback,
 * AutoconfigureAddress, Publish and Immortal TRUE; SitePrefixLength, Metric and Protocol "illegal values"
 * (rows.h); everything else zero. */
void WINAPI InitializeIpForwardEntry(MIB_IPFORWARD_ROW2 *row)
{
    if (!row || system_initialize("InitializeIpForwardEntry", row)) return;
    memset(row, 0, sizeof(*row));
    row->ValidLifetime = FOREVER;
    row->PreferredLifetime = FOREVER;
    row->Loopback = TRUE;
    row->AutoconfigureAddress = TRUE;
    row->Publish = TRUE;
    row->Immortal = TRUE;
    row->SitePrefixLength = WN_SITE_PREFIX_UNSET;
    row->Metric = WN_ROUTE_METRIC_UNSET;
    row->Protocol = (NL_ROUTE_PROTOCOL)WN_ROUTE_PROTOCOL_UNSET;
}

/* Microsoft's page for InitializeUnicastIpAddressEntry: PrefixOrigin IpPrefixOriginUnchanged, SuffixOrigin
 * IpSuffixOriginUnchanged, OnLinkPrefixLength "an illegal value" (rows.h), both lifetimes infinite,
 * SkipAsSource FALSE, everything else zero. */
void WINAPI InitializeUnicastIpAddressEntry(MIB_UNICASTIPADDRESS_ROW *row)
{
    if (!row || system_initialize("InitializeUnicastIpAddressEntry", row)) return;
    memset(row, 0, sizeof(*row));
    row->PrefixOrigin = IpPrefixOriginUnchanged;
    row->SuffixOrigin = IpSuffixOriginUnchanged;
    row->OnLinkPrefixLength = WN_ONLINK_PREFIX_UNSET;
    row->ValidLifetime = FOREVER;
    row->PreferredLifetime = FOREVER;
    row->SkipAsSource = FALSE;
}

/* ---- GetIpForwardEntry2 ----------------------------------------------------------------------------------- */

struct route_query
{
    /* in */
    uint64_t luid;               /* names the interface when not 0 */
    NET_IFINDEX index;           /* otherwise this does */
    struct wn_wire_route key;    /* family, dst, dst_len, gateway */
    /* out */
    BOOL have_link;
    BOOL found;
    struct wn_state_route route;
};

static void find_route(void *ctx, const struct wn_state *state)
{
    struct route_query *q = ctx;
    const struct wn_state_link *link;
    const struct wn_state_route *r;
    uint32_t ifindex = 0;

    /* The LUID wins when it is given, as on Windows: a wrong LUID with a right index finds nothing. */
    for (link = wn_state_first(state, WN_TABLE_LINK); link; link = wn_state_next(state, WN_TABLE_LINK, link))
    {
        if (q->luid ? link->luid != q->luid : link->wire.ifindex != q->index) continue;
        ifindex = link->wire.ifindex;
        break;
    }
    if (!(q->have_link = ifindex != 0)) return;

    /* Windows keys a route by (prefix, next hop, interface); Linux also by metric, so two Linux routes can be
     * one Windows route (for a moment during a metric change: add the new, delete the old).  The lowest
     * metric is the one Linux uses, and the one that stays. */
    for (r = wn_state_first(state, WN_TABLE_ROUTE); r; r = wn_state_next(state, WN_TABLE_ROUTE, r))
    {
        if (r->wire.oif != ifindex || r->wire.family != q->key.family || r->wire.dst_len != q->key.dst_len
            || memcmp(r->wire.dst, q->key.dst, sizeof(r->wire.dst))
            || memcmp(r->wire.gateway, q->key.gateway, sizeof(r->wire.gateway)))
            continue;
        if (q->found && r->wire.metric >= q->route.wire.metric) continue;
        q->found = TRUE;
        q->route = *r;
    }
}

/* Microsoft's page: ERROR_INVALID_PARAMETER for a NULL row, a DestinationPrefix or NextHop not given (not an
 * address of a family; the next hop's must be the destination's), or neither InterfaceLuid nor InterfaceIndex;
 * ERROR_NOT_FOUND when the interface has no such route, and (STATUS_NOT_FOUND in the kernel's page) when there
 * is no such interface. */
DWORD WINAPI GetIpForwardEntry2(MIB_IPFORWARD_ROW2 *row)
{
    struct route_query q;
    enum wn_source_status status;
    unsigned int family;

    if (!wn_running_on_wine()) return wn_row_system_call("GetIpForwardEntry2", row);
    TRACE("(%p)\n", row);
    if (!row) return ERROR_INVALID_PARAMETER;
    if (!(family = wn_wire_family(row->DestinationPrefix.Prefix.si_family))) return ERROR_INVALID_PARAMETER;
    if (row->NextHop.si_family != row->DestinationPrefix.Prefix.si_family) return ERROR_INVALID_PARAMETER;
    if (!row->InterfaceLuid.Value && !row->InterfaceIndex) return ERROR_INVALID_PARAMETER;
    if (row->DestinationPrefix.PrefixLength > (family == 4 ? 32 : 128)) return ERROR_INVALID_PARAMETER;

    memset(&q, 0, sizeof(q));
    q.luid = row->InterfaceLuid.Value;
    q.index = row->InterfaceIndex;
    q.key.family = (uint8_t)family;
    q.key.dst_len = row->DestinationPrefix.PrefixLength;
    wn_wire_address(q.key.dst, &row->DestinationPrefix.Prefix);
    wn_wire_address(q.key.gateway, &row->NextHop);
    if ((status = wn_source_query(find_route, &q)) != WN_SOURCE_OK)
    {
        WARN("no host helper: GetIpForwardEntry2 is the system's\n");
        return wn_row_system_call("GetIpForwardEntry2", row);
    }
    if (!q.found)
    {
        TRACE("no such %s\n", q.have_link ? "route" : "interface");
        return ERROR_NOT_FOUND;
    }
    /* The same row NotifyRouteChange2 gives for it, every field filled. */
    wn_row_route(row, &q.route);
    return NO_ERROR;
}
