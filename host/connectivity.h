/* The host's own connectivity services over D-Bus: NetworkManager and systemd-networkd on the system bus, the
 * desktop portal's network monitor on the session bus, asked in that order; the first that is there gives the
 * host's hint (a WN_WIRE_HINT record, ifindex 0).  Each is watched by its change signal (PropertiesChanged, the
 * portal's "changed") and by the bus' NameOwnerChanged, so a service that starts, stops or restarts is seen as it
 * happens; nothing is polled.  None of them there: no record, and the DLL derives the hint from its routing view.
 *
 * The buses are found the way every D-Bus client finds them: DBUS_SYSTEM_BUS_ADDRESS, else the standard socket
 * /run/dbus/system_bus_socket; DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus.  Never by autolaunch (which
 * would start dbus-launch, an X11 program, from a helper nobody sees), and never activating a service: our calls
 * carry NO_AUTO_START, so asking does not start NetworkManager on a host that does not run it.
 *
 * libdbus' own blocking calls are used when a service appears (one GetAll, bounded by CALL_TIMEOUT_MS), not on its
 * changes, which carry their values.  A bus that goes away (its daemon restarted) is dropped with its services;
 * the next helper (after a restart of the program) finds it again. */
#ifndef WN_HOST_CONNECTIVITY_H
#define WN_HOST_CONNECTIVITY_H

#include "output.h"

struct connectivity;

/* Where this module's messages go (the helper's trace). */
typedef void (*connectivity_log_fn)(const char *text);

/* Connects to the buses there are and asks each service once.  Never NULL but when out of memory: a host without
 * any bus has a source that never reports. */
struct connectivity *connectivity_open(connectivity_log_fn log);
void connectivity_close(struct connectivity *c);

/* One fd that becomes readable when a bus has something for us (-1 when no bus was reached): poll it for
 * POLLIN and call connectivity_read(). */
int connectivity_fd(const struct connectivity *c);

/* Handles what the buses sent; reports a changed hint (ADD, CHANGE or DEL of the ifindex 0 record).  Returns 0,
 * or -1 when the output is gone. */
int connectivity_read(struct connectivity *c, struct output *out);

/* Reports the current hint as an ADD record, if any service gives one, for a snapshot of WN_TABLE_HINT. */
int connectivity_enumerate(struct connectivity *c, struct output *out);

#endif
