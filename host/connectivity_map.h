/* What the host's connectivity services say, read from their D-Bus property values, and what that is in
 * Windows' terms (NL_NETWORK_CONNECTIVITY_HINT, as struct wn_wire_hint).  Pure functions over libdbus message
 * iterators: tested natively on recorded property sets (tests/test_connectivity_map.c); host/connectivity.c does
 * the talking.
 *
 * The services and their properties (their own D-Bus API documentation):
 *   NetworkManager, org.freedesktop.NetworkManager on the system bus: Connectivity (u: UNKNOWN 0, NONE 1,
 *     PORTAL 2, LIMITED 3, FULL 4), the result of its connectivity check; Metered (u: UNKNOWN 0, YES 1, NO 2,
 *     GUESS_YES 3, GUESS_NO 4), of the primary connection.
 *   systemd-networkd, org.freedesktop.network1.Manager on the system bus: OperationalState (s: off, no-carrier,
 *     dormant, degraded-carrier, carrier, degraded, enslaved, routable) and OnlineState (s: offline, partial,
 *     online, unknown; systemd 249 and later).  Neither is a probe: "routable" means a routable address and a
 *     route, "online" that the links required for it are so.
 *   The desktop portal's network monitor, org.freedesktop.portal.NetworkMonitor on the session bus (Flatpak,
 *     Steam's pressure-vessel): GetStatus() returns available (b), metered (b) and connectivity (u: local 1,
 *     limited 2, captive portal 3, full network 4), GLib's network monitor as the host's session sees it.
 * Limits, roaming: none of them says; those bits stay clear. */
#ifndef WN_HOST_CONNECTIVITY_MAP_H
#define WN_HOST_CONNECTIVITY_MAP_H

#include <stdint.h>
#include <dbus/dbus.h>

#include "winenotify/wire.h"

/* The properties we read of each service; have_* says whether the service gave one at all. */
struct cmap_nm
{
    uint32_t connectivity, metered;
    int have_connectivity, have_metered;
};

#define CMAP_STATE_LEN 24

struct cmap_networkd
{
    char operational[CMAP_STATE_LEN];   /* "" when not given */
    char online[CMAP_STATE_LEN];
};

struct cmap_portal
{
    uint32_t connectivity;
    dbus_bool_t available, metered;
    int have_connectivity, have_available, have_metered;
};

/* Updates props from a property dictionary (a{sv}: a GetAll reply, PropertiesChanged's changed properties, or
 * the portal's GetStatus reply), iter on the dictionary itself.  Properties of other names are skipped; one of
 * ours with another type than its documented one is ignored, as if not sent.  Returns 1 if one of ours changed,
 * 0 if not, -1 if iter is not a dictionary of that shape. */
int cmap_nm_update(struct cmap_nm *props, DBusMessageIter *dict);
int cmap_networkd_update(struct cmap_networkd *props, DBusMessageIter *dict);
int cmap_portal_update(struct cmap_portal *props, DBusMessageIter *dict);

/* Whether PropertiesChanged's invalidated list (as, iter on the array) names a property we read: then the
 * values must be fetched again (services may invalidate instead of sending the value). */
int cmap_nm_invalidated(DBusMessageIter *names);
int cmap_networkd_invalidated(DBusMessageIter *names);

/* The hint each service's properties give (ifindex 0, the source set). */
void cmap_nm_hint(const struct cmap_nm *props, struct wn_wire_hint *hint);
void cmap_networkd_hint(const struct cmap_networkd *props, struct wn_wire_hint *hint);
void cmap_portal_hint(const struct cmap_portal *props, struct wn_wire_hint *hint);

#endif
