/* rtnetlink: links, addresses, routes, neighbours and multicast and anycast addresses, from dumps and from the
 * kernel's change events.
 *
 * Two sockets: one subscribed to the link, address and route groups (events), one for dumps, one request at a
 * time.  The event socket is subscribed when opened, before the first dump, so no change falls in between. */
#ifndef WN_HOST_NETLINK_H
#define WN_HOST_NETLINK_H

#include <stdint.h>

#include "output.h"

/* The tables this module reports; neighbours only once asked to follow them (nl_follow_neighbours). */
#define NL_TABLES (WN_TABLE_LINK | WN_TABLE_ADDR | WN_TABLE_ROUTE | WN_TABLE_NEIGH | WN_TABLE_MADDR)

struct nl;

/* Opens both sockets, the event socket non-blocking with as large a receive buffer as we may have.  NULL on
 * failure (errno set). */
struct nl *nl_open(void);
void nl_close(struct nl *nl);

/* Neighbours change far more often than links, addresses and routes (every reachability change of every peer)
 * and only the neighbour queries of the DLL need them: they are followed only from the DLL's first DUMP that
 * names them on.  Joins the neighbour group before any dump of them, so nothing falls in between.  Returns 0 or
 * -1 (errno set). */
int nl_follow_neighbours(struct nl *nl);

/* The tables followed: NL_TABLES without WN_TABLE_NEIGH until nl_follow_neighbours(). */
uint32_t nl_followed(const struct nl *nl);

/* The event socket, to poll for POLLIN. */
int nl_event_fd(const struct nl *nl);

/* Sets the event socket's receive buffer (the kernel doubles it and enforces a minimum); for the overflow test.
 * Returns 0 or -1. */
int nl_set_rcvbuf(struct nl *nl, int bytes);

/* Reports every object of the given tables (within NL_TABLES) as ADD records, for the caller to bracket with
 * output_snapshot_begin/end.  Each table is dumped whole before it is reported, so an interrupted dump
 * (NLM_F_DUMP_INTR) is redone without reporting anything twice.  Returns 0, or -1 when the output is gone or the
 * kernel refused a dump. */
int nl_dump(struct nl *nl, struct output *out, uint32_t tables);

/* Reports every pending event; after lost events (ENOBUFS) or a message we cannot trust, drains the socket and
 * sends a snapshot of the followed tables with WN_REASON_RESYNC.  Returns 0, or -1 when the output is gone or a dump
 * failed. */
int nl_read_events(struct nl *nl, struct output *out);

/* Carries out a change request (WN_WIRE_SET_ADDR, SET_ROUTE or SET_NEIGH, body the request's object)
 * on the dump socket, between dumps, and waits for the kernel's answer.  Returns an enum wn_wire_result.  The
 * change's own events are queued on the event socket by the time it returns: read them before replying. */
uint32_t nl_change(struct nl *nl, uint16_t type, uint16_t op, const void *body);

/* Carries out a SET_LINK request: checked (nl_request_link_check), then each field named, in the order of the
 * WN_SET_LINK_* bits, through RTM_SETLINK (the IPv4 MTU, which is the link's) or the link's sysctl, stopping at
 * the first the host refuses.  Returns an enum wn_wire_result.  The kernel announces few of these: call
 * nl_refresh_links() before replying. */
uint32_t nl_set_link(struct nl *nl, const struct wn_wire_set_link *req);

/* Dumps the links again and reports those whose record changed (the output drops the rest).  Returns 0 or -1. */
int nl_refresh_links(struct nl *nl, struct output *out);

/* How many times events were lost so far (for traces). */
unsigned int nl_resyncs(const struct nl *nl);

#endif
