/* What a MIB registration has been told: turns the view's changes (links, addresses, routes) into the
 * add/delete/parameter notes of the Windows objects the registration covers.
 *
 * Interfaces: Windows has one MIB_IPINTERFACE_ROW per (family, interface).  The IPv4 one exists for every link
 * (Linux gives every link IPv4).  The IPv6 one exists from the first IPv6 address the registration sees on the
 * link (with IPv6 enabled, Linux gives an up link its link-local address at once; without any address the
 * link has no IPv6 to speak of) until the link goes away.  It is kept when the addresses go (a link that goes
 * down loses them), so that down and up are parameter changes of the same interface, as on Windows.  MTU,
 * administrative and operational state changes are parameter notifications.
 *
 * Routes: Windows keys a route by prefix, next hop and interface; Linux also by metric, so two Linux routes
 * can be one Windows route.  The first of them to appear is an add, the last to go a delete, and anything
 * in between (a metric change: a new route, then the old one deleted) a parameter notification.
 *
 * Addresses: add, delete, and a parameter notification when the DadState changes.
 *
 * The callbacks below run on the source's reader thread (and the view callback under the source's lock); the
 * tracking state is theirs alone. */
#ifndef WN_IPHLPAPI_MIB_CHANGES_H
#define WN_IPHLPAPI_MIB_CHANGES_H

#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>

#include "dispatch.h"

union wn_mib_row
{
    MIB_IPINTERFACE_ROW iface;
    MIB_UNICASTIPADDRESS_ROW addr;
    MIB_IPFORWARD_ROW2 route;
};

/* A MIB registration's note: the row its callback is given. */
struct wn_mib_note
{
    struct wn_note head;
    MIB_NOTIFICATION_TYPE type;
    union wn_mib_row row;
};

enum wn_mib_kind
{
    WN_MIB_INTERFACE,
    WN_MIB_ADDRESS,
    WN_MIB_ROUTE,
};

struct wn_mib_track;

/* NULL when out of memory. */
struct wn_mib_track *wn_mib_track_create(enum wn_mib_kind kind, ADDRESS_FAMILY family);
void wn_mib_track_free(struct wn_mib_track *track);
enum wn_mib_kind wn_mib_track_kind(const struct wn_mib_track *track);

/* The WN_TABLE_* a registration of this kind and family subscribes to. */
uint32_t wn_mib_tables(enum wn_mib_kind kind, ADDRESS_FAMILY family);

/* wn_source_view_fn and wn_source_event_fn; ctx is the struct wn_reg whose track this is. */
void wn_mib_start_view(void *ctx, const struct wn_state *state);
void wn_mib_on_change(void *ctx, uint32_t table, uint16_t op, const void *old_body, const void *new_body);

#endif
