/* The connectivity hint (NotifyNetworkConnectivityHintChange and friends, dlls/iphlpapi/connectivity_hint.c) from
 * the one network view: what the host's connectivity service says (a WN_TABLE_HINT record, host/connectivity.c),
 * checked against, and where it says nothing completed by, the links, addresses and routes of the same view.
 *
 * Windows decides InternetAccess with NCSI's active probe (a DNS lookup and an HTTP fetch from
 * msftconnecttest.com).  We make no probe: where the host's service has no answer, the level is read from the
 * routing view, the way Wine's own netprofm guesses it (a default gateway means internet):
 *   - a default route (IPv4 or IPv6) out of an up, running, non-loopback interface  -> InternetAccess
 *   - none, but such an interface has an address (link-local included)             -> LocalAccess
 *   - nothing but loopback (or every other interface down or without an address)    -> None
 *   - no view yet                                                                   -> Unknown
 * The two mistakes cost differently.  Claiming InternetAccess on a host that is offline costs a program one failed
 * connection.  Claiming None on a host that is online makes Chromium, which maps None and Hidden to "offline",
 * refuse to load anything.  So None is only ever said when our own view shows no usable non-loopback interface:
 * a service's None (NetworkManager's NONE, which it also says while every device is unmanaged and the host is
 * online through interfaces it does not manage) is taken only when the view agrees, and otherwise the view's
 * level is given; a service's Unknown (its check disabled or not done yet) is completed from the view too.  The
 * service's other levels come from a real probe (NetworkManager's check, the portal's) and are taken as they are.
 *
 * Plain C11 on state.h, no Windows headers: tested natively (tests/test_connectivity.c). */
#ifndef WN_COMMON_HINT_VIEW_H
#define WN_COMMON_HINT_VIEW_H

#include <stdint.h>

#include "state.h"

/* NL_NETWORK_CONNECTIVITY_HINT in wire terms (enum wn_hint_level, enum wn_hint_cost, WN_HINT_* flags). */
struct wn_connectivity
{
    uint8_t level;
    uint8_t cost;
    uint8_t flags;
};

/* The host's aggregate hint. */
void wn_connectivity_host(const struct wn_state *state, struct wn_connectivity *out);

/* One interface's hint: its own addresses and routes give the level (a service's per-interface record, when
 * one is sent, wins as the host's does); cost and flags are the host's (the services report them for the
 * connection that carries the default route, not per device).  Returns 0, or -1 when the view has no link
 * with that index. */
int wn_connectivity_interface(const struct wn_state *state, uint32_t ifindex, struct wn_connectivity *out);

/* Whether a change of the view (wn_state_listener arguments) can move a hint: a hint record, a link's
 * existence or up/running state, an address appearing or going, a default route.  The rest (address lifetimes,
 * other routes, devices) cannot, and a registration need not recompute for them: a burst of ten thousand
 * route changes costs nothing here. */
int wn_connectivity_relevant(uint32_t table, uint16_t op, const void *old_body, const void *new_body);

#endif
