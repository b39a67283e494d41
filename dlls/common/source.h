/* The event source: where the API layer (iphlpapi, cfgmgr32) gets the host's links, addresses, routes and
 * devices, and hears of every change to them.
 *
 * One interface, one backend per host, chosen at first use:
 *   - real Windows (ntdll has no wine_get_version): pass-through.  Our DLL is transparent there, and every call
 *     answers WN_SOURCE_PASSTHROUGH so that the API layer calls the system DLL instead.
 *   - Wine (source_wine.c): the host helper, started on first use, one reader thread, the view in state.c.
 * Nothing is started before the first wn_source_subscribe() or wn_source_query(): a process that never uses
 * them starts no helper and no thread.
 *
 * Threads: callbacks run on the reader thread, one at a time, with no lock of ours held; they may call every
 * function here, wn_source_unsubscribe() of their own subscription included.  A subscription sees each change
 * that happens after it was made exactly once, in order; its view callback (at subscription) and the changes
 * that follow fit together without gap or overlap. */
#ifndef WN_SOURCE_H
#define WN_SOURCE_H

#include <stdint.h>

#include "state.h"

enum wn_source_status
{
    WN_SOURCE_OK,
    WN_SOURCE_PASSTHROUGH,   /* real Windows: call the system DLL */
    WN_SOURCE_UNAVAILABLE,   /* under Wine without a working helper (missing, broken, no view in time): call the
                                system DLL; a trace says why */
};

struct wn_subscription;

/* A change (see wn_state_listener in state.h): table is one WN_TABLE_* bit, op a WN_WIRE_OP_* value; the
 * bodies are struct wn_state_link/addr/route/device, valid only during the call. */
typedef void (*wn_source_event_fn)(void *ctx, uint32_t table, uint16_t op, const void *old_body,
                                   const void *new_body);

/* Reads the current view (state.h queries), under the source's lock: keep it short, do not block, and call
 * nothing in this header from it. */
typedef void (*wn_source_view_fn)(void *ctx, const struct wn_state *state);

/* Subscribes fn to the changes of the tables in mask (WN_TABLE_*).  The first use starts the backend and waits
 * (bounded) for the helper's first complete view.  If view is not NULL it is called with the view the
 * subscription starts from, before any change is delivered.  On WN_SOURCE_OK *sub is set; otherwise it is NULL
 * and nothing was registered. */
enum wn_source_status wn_source_subscribe(uint32_t tables, wn_source_event_fn fn, void *ctx,
                                          wn_source_view_fn view, void *view_ctx, struct wn_subscription **sub);

/* Ends a subscription: when it returns, no callback of it runs any more, and none is running unless the caller
 * is that callback (then it simply gets no further call).  sub is freed; NULL is ignored. */
void wn_source_unsubscribe(struct wn_subscription *sub);

/* Calls fn with the current view (starting the backend like wn_source_subscribe). */
enum wn_source_status wn_source_query(wn_source_view_fn fn, void *ctx);

/* Asks the helper for a fresh snapshot of the tables in mask; its differences from the view arrive as changes.
 * Does not start the backend.  Returns WN_SOURCE_OK when the request was sent. */
enum wn_source_status wn_source_request_dump(uint32_t tables);

/* Makes sure the view follows the tables in mask that are followed only on demand (WN_TABLE_NEIGH: neighbours
 * change often and feed no notification, so the helper reports them only once a process asks): the first call
 * asks the helper for them and waits (bounded) for their snapshot; later calls return at once while the same
 * helper runs.  Starts the backend like wn_source_query.  WN_SOURCE_OK when the view holds those tables. */
enum wn_source_status wn_source_follow(uint32_t tables);

/* Asks the host to add or delete an address, a route or a neighbour: type WN_WIRE_SET_ADDR, SET_ROUTE or SET_NEIGH,
 * op WN_WIRE_OP_ADD or WN_WIRE_OP_DEL (neighbours also CHANGE), body a struct wn_wire_addr, wn_wire_route or
 * wn_wire_neigh following the rules in wire.h.  Or an address's new lifetimes: WN_WIRE_SET_ADDR with op
 * WN_WIRE_OP_CHANGE.  Or an interface's settings: WN_WIRE_SET_LINK, op WN_WIRE_OP_CHANGE, body a struct
 * wn_wire_set_link (its id is filled in here).
 * Or a software-device request: type WN_WIRE_SW_*, body a struct wn_wire_sw (its id is filled in here).
 * Starts the backend like wn_source_subscribe and waits (bounded) for the host's answer.  On WN_SOURCE_OK,
 * *result is an enum wn_wire_result, and on success the view already holds the change (its notifications may
 * still be on their way).  On any other status nothing was asked. */
enum wn_source_status wn_source_change(uint16_t type, uint16_t op, const void *body, uint32_t *result);

/* How often the Wine backend's reader thread has woken up.  An idle process with subscriptions must not wake at
 * all: for the tests and the benchmark. */
unsigned long wn_source_reader_wakeups(void);

/* A backend. */
struct wn_source_backend
{
    const char *name;
    enum wn_source_status (*subscribe)(uint32_t tables, wn_source_event_fn fn, void *ctx, wn_source_view_fn view,
                                       void *view_ctx, struct wn_subscription **sub);
    void (*unsubscribe)(struct wn_subscription *sub);
    enum wn_source_status (*query)(wn_source_view_fn fn, void *ctx);
    enum wn_source_status (*request_dump)(uint32_t tables);
    enum wn_source_status (*change)(uint16_t type, uint16_t op, const void *body, uint32_t *result);
    enum wn_source_status (*follow)(uint32_t tables);
};

extern const struct wn_source_backend wn_source_wine_backend;

#endif
