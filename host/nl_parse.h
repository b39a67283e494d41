/* rtnetlink messages in, wire bodies out: pure functions, tested against captured kernel bytes. */
#ifndef WN_HOST_NL_PARSE_H
#define WN_HOST_NL_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "winenotify/wire.h"

#define NL_PARSE_MALFORMED (-1)

/* An item that is not a wire object: a link's per-family settings (RTM_NEWNETCONF), which the helper folds
 * into the link's record. */
#define NL_ITEM_NETCONF 0x100
/* Another: a link's neighbour parameters of one family (RTM_NEWNEIGHTBL), folded into the link's record too. */
#define NL_ITEM_NEIGH_PARMS 0x101

/* One object a message reports. */
struct nl_item
{
    uint16_t type;           /* WN_WIRE_LINK, _ADDR, _ROUTE, _NEIGH, _MADDR, NL_ITEM_NETCONF or NL_ITEM_NEIGH_PARMS */
    uint16_t op;             /* WN_WIRE_OP_ADD for RTM_NEW*, WN_WIRE_OP_DEL for RTM_DEL*: whether a NEW is an add
                              * or a change is known only to the output, which remembers what it sent */
    uint8_t  replace;        /* RTM_NEWROUTE with NLM_F_REPLACE: the kernel sends no DEL for the route it replaced */
    uint8_t  forwarding_known; /* links: the WN_LINK_FORWARDING_* bits the message's IFLA_AF_SPEC told */
    union
    {
        struct wn_wire_link link;
        struct wn_wire_addr addr;
        struct wn_wire_route route;
        struct wn_wire_neigh neigh;
        struct wn_wire_maddr maddr;
        struct
        {
            int32_t ifindex;     /* < 0: "all" or "default", not a link */
            int32_t forwarding;  /* 0 or 1; -1 when the message does not say */
            uint8_t family;      /* 4 or 6 */
        } netconf;
        struct
        {
            uint32_t ifindex;
            uint32_t reachable_ms;   /* base reachable time; 0 when the message does not say */
            uint32_t retrans_ms;
            uint8_t family;          /* 4 or 6 */
        } neigh_parms;
    } u;
};

/* Receives each object of a message; a nonzero return stops the parse and becomes its result. */
typedef int (*nl_item_fn)(void *ctx, const struct nl_item *item);

/* Parses the netlink message at msg, of which len bytes are readable (nlmsg_len may be less: the rest belongs
 * to the next message).  A multipath route reports one object per next hop, as Windows lists them.
 * Returns 0 when done (including messages that report nothing: other message types, bridge and wireless notices,
 * routes Windows would not list (host/nl_parse.c), cloned routes, proxy and bridge neighbour entries, neighbours
 * the kernel keeps by rule, families other than IPv4/IPv6), NL_PARSE_MALFORMED when a length or a field is wrong
 * (nothing is read beyond msg + len), or the callback's nonzero return. */
int nl_parse(const void *msg, size_t len, nl_item_fn fn, void *ctx);

#endif
