/* The bench's own changes to the host: rtnetlink requests for IPv4 addresses, IPv4 routes and links, written
 * directly on a netlink socket (no ip(8) process per change, so that the time taken just before the write is the
 * moment of the change). */
#ifndef BENCH_NL_CHANGE_H
#define BENCH_NL_CHANGE_H

#include <stdint.h>

enum change_kind { CHANGE_ADDR, CHANGE_ROUTE, CHANGE_LINK };

/* One change: add (or delete) an address (key: the IPv4 address, host order, as a /32 on ifindex), a route (key:
 * the /24 destination, host order, through ifindex), or a link (an ifb device whose index is key). */
struct change
{
    enum change_kind kind;
    int add;
    uint32_t key;
    int ifindex;
};

struct nl_change;

/* NULL with errno set on failure. */
struct nl_change *nl_change_open(void);
void nl_change_close(struct nl_change *nc);

/* Makes one change and waits for the kernel's answer.  *t0_ns is CLOCK_REALTIME taken just before the write.
 * Returns 0 or a negative errno. */
int nl_change_do(struct nl_change *nc, const struct change *c, int64_t *t0_ns);

/* Writes one change without waiting for an answer (bursts); failures are counted by nl_change_errors(). */
int nl_change_post(struct nl_change *nc, const struct change *c);

/* Collects the answers to posted changes (only failures answer; the kernel carries a request out within its
 * write, so all of them are there): returns how many failed so far. */
long nl_change_errors(struct nl_change *nc);

int64_t realtime_ns(void);

#endif
