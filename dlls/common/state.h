/* The core's view of the host: one table per kind of object (links, addresses, routes, neighbours, devices, and
 * what the host's connectivity services say: hints), fed with the
 * helper's decoded wire records, and the exact changes between successive views.
 *
 * Keys are the ones Windows keys its tables by: a link by its index; an address by family, index, address and
 * prefix length; a route by family, destination and prefix length, gateway, output index, metric and Linux table
 * (the main table's and the local table's entries are both Windows routes: wire.h); a neighbour by family, index
 * and address; a device
 * by its DEVPATH; a hint by its ifindex (0: the host as a whole).
 *
 * Live records (op ADD, CHANGE, DEL) update a table and give one event each: ADD of a new key -> ADD; ADD or
 * CHANGE of a known key with another body -> CHANGE; the same body again -> nothing (a re-announcement); DEL of
 * a known key -> DEL, of an unknown one -> nothing.  A deleted link takes the addresses, routes and neighbours
 * that used it
 * along (each reported as a DEL): the kernel removes IPv4 routes of a vanished link without telling anyone.
 *
 * A snapshot (SNAPSHOT_BEGIN(tables) ... SNAPSHOT_END(tables)) is the complete truth for its tables: its records
 * build a pending table and at the end the pending table replaces the current one; the events are the diff,
 * deletions first (routes, addresses, then links) and then additions and changes (links first), so that a
 * consumer never hears of an address on a link it does not know.  Routes whose link stays and whose key nobody
 * takes are the exception: their deletions come last, as Linux orders a metric change (add the new route, then
 * delete the old), so a consumer that keys routes without the metric sees one route change, not a gap.  The first snapshot after creation loads
 * silently and makes the state ready; any later one (a resync, a restarted helper, a dump request) is diffed.
 * A snapshot that never ends is thrown away with wn_state_abort_snapshot().
 *
 * Each link carries the 64-bit LUID of its interface, asked of a hook when the link first appears (the system's
 * answer is only to be had while the interface exists); addresses and routes copy their link's LUID when they
 * appear, so a deletion reports the LUID the object had, even after its link is gone.  An object never changes
 * LUID in place: a link index that comes back with another hardware type, and an address or route that would
 * take another LUID (first seen before its link, by the bare index; or its index reused by another interface),
 * are reported as a DEL with the old LUID and an ADD with the new one.
 *
 * Plain C11, no Windows headers: compiled natively for the unit tests and by MinGW into the DLLs.  No locking
 * inside: the owner serializes every call (source_wine.c holds its lock around them).  The listener and the hook
 * run inside wn_state_apply() and must not call back into the state. */
#ifndef WN_STATE_H
#define WN_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "winenotify/wire.h"

/* The bodies handed to listeners and returned by queries, per table. */
struct wn_state_link
{
    struct wn_wire_link wire;
    uint64_t luid;               /* NET_LUID.Value of the interface */
};

struct wn_state_addr
{
    struct wn_wire_addr wire;
    uint64_t luid;               /* of its link, taken when the address appeared */
};

struct wn_state_route
{
    struct wn_wire_route wire;
    uint64_t luid;               /* of its output link (0 for a route without one), taken when it appeared */
};

/* Neighbours feed queries only (GetIpNetEntry2, GetIpNetTable2): Windows has no notification for them. */
struct wn_state_neigh
{
    struct wn_wire_neigh wire;
    uint64_t luid;               /* of its link, taken when the entry appeared */
};

struct wn_state_device
{
    struct wn_wire_device wire;  /* wire.props_len: bytes at props */
    const char *devpath;         /* the DEVPATH value, inside props */
    const char *props;           /* "KEY=VALUE\0..." as the kernel sent them; see wn_wire_prop() */
};

struct wn_state_hint
{
    struct wn_wire_hint wire;
};

/* A change: table is one WN_TABLE_* bit, op a WN_WIRE_OP_* value; old_body is NULL for ADD, new_body NULL for
 * DEL, both set for CHANGE.  The bodies are struct wn_state_link/addr/route/device/hint and are valid only during
 * the call. */
typedef void (*wn_state_listener)(void *ctx, uint32_t table, uint16_t op, const void *old_body,
                                  const void *new_body);

/* The LUID of a link that has just appeared; link is NULL when an address or route names an index that no
 * known link has (it is asked with the bare index then). */
typedef uint64_t (*wn_state_luid_hook)(void *ctx, uint32_t ifindex, const struct wn_wire_link *link);

struct wn_state;

/* sizeof the body struct of a table (one WN_TABLE_* bit). */
size_t wn_state_body_size(uint32_t table);

/* An empty state, not ready; NULL when out of memory. */
struct wn_state *wn_state_create(void);
void wn_state_free(struct wn_state *state);

void wn_state_set_listener(struct wn_state *state, wn_state_listener fn, void *ctx);
void wn_state_set_luid_hook(struct wn_state *state, wn_state_luid_hook fn, void *ctx);

#define WN_STATE_ERROR (-1)      /* a record out of place, or out of memory: drop the connection and resync */
#define WN_STATE_OK    0
#define WN_STATE_READY 1         /* this record (the first SNAPSHOT_END) made the state ready */

/* Applies one decoded record (anything but HELLO and DUMP, which do not belong in the helper's stream). */
int wn_state_apply(struct wn_state *state, const struct wn_wire_record *rec);

/* Forgets any snapshot in progress: its connection is gone and the next helper starts a new one. */
void wn_state_abort_snapshot(struct wn_state *state);

/* Nonzero once the first snapshot has ended. */
int wn_state_ready(const struct wn_state *state);

/* Queries on the current view (never the pending one).  table is one WN_TABLE_* bit.  Iteration follows the
 * order in which the objects appeared; a body stays valid until the next wn_state_apply(). */
size_t wn_state_count(const struct wn_state *state, uint32_t table);
const void *wn_state_first(const struct wn_state *state, uint32_t table);
const void *wn_state_next(const struct wn_state *state, uint32_t table, const void *body);

/* The object with the same key as key_body (a struct wn_state_* of that table; only its key fields are read,
 * and for devices only devpath), or NULL. */
const void *wn_state_find(const struct wn_state *state, uint32_t table, const void *key_body);
const struct wn_state_link *wn_state_find_link(const struct wn_state *state, uint32_t ifindex);

#endif
