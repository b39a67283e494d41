/* The rtnetlink sockets: subscription, dumps and events.  Framing uses the kernel's uapi macros; the message
 * contents are left to nl_parse.c. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/neighbour.h>
#include <linux/netconf.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "netlink.h"
#include "nl_parse.h"
#include "nl_request.h"

/* Dump parts are at most 32 KiB plus a page (the kernel sizes them from our buffer, up to that); events are
 * one message per datagram. */
#define NL_BUFFER (64 * 1024)
/* The event queue's slack: an event takes about 1 KiB of receive buffer, so this holds a few thousand before the
 * kernel drops and we resync.  Memory is charged only while events wait. */
#define EVENT_RCVBUF (4 * 1024 * 1024)

#define DUMP_REDO 1

struct item_list
{
    struct nl_item *items;
    size_t count, cap;
};

/* What netconf and the neighbour tables said of a link, and the link's last record: a forwarding change is news
 * about the link, which Windows reports as an interface parameter change, so the link's record is sent again
 * with it. */
struct link_conf
{
    uint32_t ifindex;
    uint32_t forwarding;     /* WN_LINK_FORWARDING_* */
    uint32_t reachable_ms[2], retrans_ms[2];
    int have_link;
    struct wn_wire_link link;
};

typedef union
{
    struct nlmsghdr align;
    uint8_t bytes[NL_BUFFER];
} nl_buffer;

struct nl
{
    int ev_fd, dump_fd;
    uint32_t dump_portid;
    uint32_t seq;
    unsigned int resyncs;
    unsigned int bad_dump_messages;
    int maddr_live;          /* the kernel announces multicast and anycast changes (groups joined) */
    uint32_t followed;       /* NL_TABLES bits whose events are followed */
    struct item_list list;
    struct link_conf *conf;
    size_t n_conf, cap_conf;
    nl_buffer buf;
    nl_buffer aux;           /* for the neighbour tables, asked while an event in buf is being read */
};

/* Raises the receive buffer as far as we may.  SO_RCVBUFFORCE passes net.core.rmem_max but needs CAP_NET_ADMIN;
 * SO_RCVBUF is capped at rmem_max, which could even be below the default.  Returns -1 if the buffer shrank: the
 * caller then starts over with a fresh socket, which has the default again. */
static int grow_rcvbuf(int fd)
{
    int size = EVENT_RCVBUF, before = 0, after = 0;
    socklen_t len = sizeof(before);

    if (!setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size))) return 0;
    if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &before, &len)) return 0;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size))) return 0;
    len = sizeof(after);
    if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &after, &len)) return 0;
    return after < before ? -1 : 0;
}

static int open_socket(int flags, uint32_t groups, int grow, uint32_t *portid)
{
    struct sockaddr_nl sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | flags, NETLINK_ROUTE);

    if (fd < 0) return -1;
    if (grow && grow_rcvbuf(fd))
    {
        close(fd);
        return open_socket(flags, groups, 0, portid);
    }
    memset(&sa, 0, sizeof(sa));
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = groups;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || getsockname(fd, (struct sockaddr *)&sa, &len))
    {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    if (portid) *portid = sa.nl_pid;
    return fd;
}

struct nl *nl_open(void)
{
    struct nl *nl = calloc(1, sizeof(*nl));
    int err;

    if (!nl) return NULL;
    nl->dump_fd = -1;
    nl->followed = NL_TABLES & ~WN_TABLE_NEIGH;
    /* Subscribed before the first dump: a change made while we dump is queued here, not lost. */
    nl->ev_fd = open_socket(SOCK_NONBLOCK, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR
                            | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE | 1u << (RTNLGRP_IPV4_NETCONF - 1)
                            | 1u << (RTNLGRP_IPV6_NETCONF - 1), 1, NULL);
    if (nl->ev_fd >= 0 && (nl->dump_fd = open_socket(0, 0, 0, &nl->dump_portid)) >= 0)
    {
        /* RTNLGRP_IPV4_MCADDR, RTNLGRP_IPV6_MCADDR, RTNLGRP_IPV6_ACADDR: kernels from 6.11 have them (past the
         * 32 groups of the bind mask); an older one refuses, and the table is dumped again after the events
         * that change the kernel's own memberships (netlink.h). */
        static const int groups[] = { 37, 38, 39 };
        size_t i;

        nl->maddr_live = 1;
        for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
            if (setsockopt(nl->ev_fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &groups[i], sizeof(groups[i])))
                nl->maddr_live = 0;
        return nl;
    }
    err = errno;
    nl_close(nl);
    errno = err;
    return NULL;
}

void nl_close(struct nl *nl)
{
    if (!nl) return;
    if (nl->ev_fd >= 0) close(nl->ev_fd);
    if (nl->dump_fd >= 0) close(nl->dump_fd);
    free(nl->list.items);
    free(nl->conf);
    free(nl);
}

int nl_follow_neighbours(struct nl *nl)
{
    int group = RTNLGRP_NEIGH;

    if (nl->followed & WN_TABLE_NEIGH) return 0;
    if (setsockopt(nl->ev_fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group))) return -1;
    nl->followed |= WN_TABLE_NEIGH;
    return 0;
}

uint32_t nl_followed(const struct nl *nl)
{
    return nl->followed;
}

int nl_event_fd(const struct nl *nl)
{
    return nl->ev_fd;
}

unsigned int nl_resyncs(const struct nl *nl)
{
    return nl->resyncs;
}

int nl_set_rcvbuf(struct nl *nl, int bytes)
{
    if (!setsockopt(nl->ev_fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes))) return 0;
    return setsockopt(nl->ev_fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

static ssize_t receive(int fd, int flags, void *buf, size_t size, uint32_t *sender, int *msg_flags)
{
    struct sockaddr_nl sa;
    struct iovec iov = { buf, size };
    struct msghdr msg;
    ssize_t n;

    memset(&msg, 0, sizeof(msg));
    msg.msg_name = &sa;
    msg.msg_namelen = sizeof(sa);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    do n = recvmsg(fd, &msg, flags);
    while (n < 0 && errno == EINTR);
    if (n >= 0)
    {
        *sender = sa.nl_pid;
        *msg_flags = msg.msg_flags;
    }
    return n;
}

static int send_dump_request(struct nl *nl, uint16_t type, uint8_t family, uint32_t seq)
{
    /* ifinfomsg, ifaddrmsg and rtmsg all start with the family; the largest is 16 bytes. */
    union
    {
        struct nlmsghdr align;
        uint8_t bytes[NLMSG_LENGTH(sizeof(struct ifinfomsg))];
    } req;
    struct nlmsghdr nlh;
    struct sockaddr_nl kernel;
    size_t body = type == RTM_GETLINK ? sizeof(struct ifinfomsg)
                : type == RTM_GETADDR || type == RTM_GETMULTICAST || type == RTM_GETANYCAST ? sizeof(struct ifaddrmsg)
                : type == RTM_GETNETCONF ? sizeof(struct netconfmsg)
                : type == RTM_GETNEIGH ? sizeof(struct ndmsg)
                : type == RTM_GETNEIGHTBL ? sizeof(struct ndtmsg) : sizeof(struct rtmsg);
    ssize_t n;

    memset(&req, 0, sizeof(req));
    memset(&nlh, 0, sizeof(nlh));
    nlh.nlmsg_len = (uint32_t)NLMSG_LENGTH(body);
    nlh.nlmsg_type = type;
    nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    nlh.nlmsg_seq = seq;
    memcpy(req.bytes, &nlh, sizeof(nlh));
    req.bytes[NLMSG_HDRLEN] = family;

    memset(&kernel, 0, sizeof(kernel));
    kernel.nl_family = AF_NETLINK;
    do n = sendto(nl->dump_fd, req.bytes, nlh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)nlh.nlmsg_len ? 0 : -1;
}

/* Sends one request built by nl_request.c on the dump socket and waits for the kernel's answer: one NLMSG_ERROR
 * (error 0 is the ACK); anything else on this socket is stale. */
static uint32_t ask(struct nl *nl, const uint8_t *req, size_t len, uint32_t seq)
{
    struct sockaddr_nl kernel;
    ssize_t n;

    if (!len) return WN_RESULT_INVALID;
    memset(&kernel, 0, sizeof(kernel));
    kernel.nl_family = AF_NETLINK;
    do n = sendto(nl->dump_fd, req, len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)len) return nl_request_result(errno);
    for (;;)
    {
        const struct nlmsghdr *nlh = &nl->buf.align;
        uint32_t sender;
        int msg_flags, left;

        n = receive(nl->dump_fd, 0, nl->buf.bytes, sizeof(nl->buf.bytes), &sender, &msg_flags);
        if (n < 0) return errno == ENOBUFS ? WN_RESULT_FAILED : nl_request_result(errno);
        for (left = (int)n; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left))
        {
            struct nlmsgerr e;

            if (nlh->nlmsg_seq != seq || nlh->nlmsg_type != NLMSG_ERROR) continue;
            if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(e))) return WN_RESULT_FAILED;
            memcpy(&e, NLMSG_DATA(nlh), sizeof(e));
            return nl_request_result(-e.error);
        }
    }
}

uint32_t nl_change(struct nl *nl, uint16_t type, uint16_t op, const void *body)
{
    uint8_t req[NL_REQUEST_MAX];
    uint32_t seq = ++nl->seq;
    size_t len = type == WN_WIRE_SET_ADDR ? nl_request_addr(req, op, body, seq)
               : type == WN_WIRE_SET_ROUTE ? nl_request_route(req, op, body, seq)
               : type == WN_WIRE_SET_NEIGH ? nl_request_neigh(req, op, body, seq) : 0;

    return ask(nl, req, len, seq);
}

/* ---- link settings ------------------------------------------------------------------------------------------ */

static struct link_conf *conf_find(struct nl *nl, uint32_t ifindex, int create)
{
    size_t i;

    for (i = 0; i < nl->n_conf; i++)
        if (nl->conf[i].ifindex == ifindex) return &nl->conf[i];
    if (!create) return NULL;
    if (nl->n_conf == nl->cap_conf)
    {
        size_t cap = nl->cap_conf ? nl->cap_conf * 2 : 16;
        struct link_conf *conf = realloc(nl->conf, cap * sizeof(*conf));
        if (!conf) return NULL;
        nl->conf = conf;
        nl->cap_conf = cap;
    }
    memset(&nl->conf[nl->n_conf], 0, sizeof(nl->conf[0]));
    nl->conf[nl->n_conf].ifindex = ifindex;
    return &nl->conf[nl->n_conf++];
}

/* Takes a netconf item in.  Returns the link whose record must be sent again, or NULL. */
static const struct wn_wire_link *conf_apply(struct nl *nl, const struct nl_item *item)
{
    uint32_t bit = item->u.netconf.family == 4 ? WN_LINK_FORWARDING_IPV4 : WN_LINK_FORWARDING_IPV6, before;
    struct link_conf *c;

    if (item->u.netconf.ifindex <= 0 || item->u.netconf.forwarding < 0) return NULL;
    if (!(c = conf_find(nl, (uint32_t)item->u.netconf.ifindex, 1))) return NULL;
    before = c->forwarding;
    if (item->u.netconf.forwarding) c->forwarding |= bit;
    else c->forwarding &= ~bit;
    if (c->forwarding == before || !c->have_link) return NULL;
    c->link.forwarding = c->forwarding;
    return &c->link;
}

/* A link record on its way out: gets the link's settings, and is remembered (or forgotten). */
static void conf_link(struct nl *nl, struct nl_item *item)
{
    struct link_conf *c = conf_find(nl, item->u.link.ifindex, item->op != WN_WIRE_OP_DEL);

    if (!c) return;
    if (item->op == WN_WIRE_OP_DEL)
    {
        *c = nl->conf[--nl->n_conf];
        return;
    }
    /* The link's own message is the newer word on what it tells; netconf keeps the rest. */
    c->forwarding = (c->forwarding & ~item->forwarding_known) | (item->u.link.forwarding & item->forwarding_known);
    item->u.link.forwarding = c->forwarding;
    if (!(item->u.link.ipv6 & WN_LINK_IPV6_KNOWN) && c->have_link)
    {
        item->u.link.ipv6 = c->link.ipv6;
        item->u.link.mtu6 = c->link.mtu6;
        item->u.link.dad_transmits6 = c->link.dad_transmits6;
        item->u.link.accept_ra6 = c->link.accept_ra6;
    }
    memcpy(item->u.link.reachable_ms, c->reachable_ms, sizeof(c->reachable_ms));
    memcpy(item->u.link.retrans_ms, c->retrans_ms, sizeof(c->retrans_ms));
    c->link = item->u.link;
    c->have_link = 1;
}

/* Takes a link's neighbour parameters in (they go out with the link's next record). */
static void neigh_parms_apply(struct nl *nl, const struct nl_item *item)
{
    struct link_conf *c = conf_find(nl, item->u.neigh_parms.ifindex, 1);
    int f = item->u.neigh_parms.family == 6;

    if (!c) return;
    c->reachable_ms[f] = item->u.neigh_parms.reachable_ms;
    c->retrans_ms[f] = item->u.neigh_parms.retrans_ms;
}

static int neigh_parms_collect(void *ctx, const struct nl_item *item)
{
    if (item->type == NL_ITEM_NEIGH_PARMS) neigh_parms_apply(ctx, item);
    return 0;
}

static int collect(void *ctx, const struct nl_item *item)
{
    struct item_list *list = ctx;

    if (list->count == list->cap)
    {
        size_t cap = list->cap ? list->cap * 2 : 256;
        struct nl_item *items = realloc(list->items, cap * sizeof(*items));
        if (!items) return 1;
        list->items = items;
        list->cap = cap;
    }
    list->items[list->count++] = *item;
    return 0;
}

/* What an error ending a dump means: retry, an empty table, or failure. */
static int dump_error(int err)
{
    switch (err)
    {
    case EINTR:
    case EBUSY:
    case EAGAIN:
        return DUMP_REDO;
    case EAFNOSUPPORT:
    case EOPNOTSUPP:
        return 0;            /* a kernel without IPv6 has no IPv6 addresses or routes */
    }
    return -1;
}

/* One dump, each object to fn, read through buf.  Returns 0, DUMP_REDO, or -1. */
static int dump_into(struct nl *nl, uint16_t type, uint8_t family, nl_buffer *buf, nl_item_fn fn, void *ctx)
{
    uint32_t seq = ++nl->seq;
    int interrupted = 0;

    if (send_dump_request(nl, type, family, seq)) return -1;
    for (;;)
    {
        const struct nlmsghdr *nlh = &buf->align;
        uint32_t sender;
        int msg_flags, len;
        ssize_t n = receive(nl->dump_fd, 0, buf->bytes, sizeof(buf->bytes), &sender, &msg_flags);

        if (n < 0) return errno == ENOBUFS ? DUMP_REDO : -1;
        if (msg_flags & MSG_TRUNC) return -1;
        for (len = (int)n; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len))
        {
            /* Parts of a dump we abandoned earlier carry an older sequence number. */
            if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != nl->dump_portid) continue;
            /* The table changed while the kernel walked it: entries may be missing or doubled. */
            if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) interrupted = 1;
            if (nlh->nlmsg_type == NLMSG_DONE)
            {
                int err = 0;
                if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(err))) memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
                if (err < 0) return dump_error(-err);
                return interrupted ? DUMP_REDO : 0;
            }
            if (nlh->nlmsg_type == NLMSG_ERROR)
            {
                struct nlmsgerr e;
                if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(e))) return -1;
                memcpy(&e, NLMSG_DATA(nlh), sizeof(e));
                if (!e.error) continue;
                return dump_error(-e.error);
            }
            switch (nl_parse(nlh, (size_t)len, fn, ctx))
            {
            case 0: break;
            case NL_PARSE_MALFORMED:
                /* Failing the dump would restart us into the same message forever; the one object is missing
                 * until its next event. */
                nl->bad_dump_messages++;
                break;
            default: return -1;
            }
        }
    }
}

/* One dump into nl->list. */
static int dump_once(struct nl *nl, uint16_t type, uint8_t family)
{
    return dump_into(nl, type, family, &nl->buf, collect, &nl->list);
}

/* The neighbour tables' per-link parameters, which no event announces: asked with each link message, so that a
 * link's record carries them as they are when the link last changed.  A failure keeps the last ones. */
static void neigh_parms_refresh(struct nl *nl)
{
    int r;

    do r = dump_into(nl, RTM_GETNEIGHTBL, AF_UNSPEC, &nl->aux, neigh_parms_collect, nl);
    while (r == DUMP_REDO);
}

int nl_dump(struct nl *nl, struct output *out, uint32_t tables)
{
    static const struct
    {
        uint32_t table;
        uint16_t type;
        uint8_t family;
    } dumps[] =
    {
        /* Settings first: each link's record carries them. */
        { WN_TABLE_LINK, RTM_GETNETCONF, AF_INET },
        { WN_TABLE_LINK, RTM_GETNETCONF, AF_INET6 },
        { WN_TABLE_LINK, RTM_GETNEIGHTBL, AF_UNSPEC },
        { WN_TABLE_LINK, RTM_GETLINK, AF_UNSPEC },
        { WN_TABLE_ADDR, RTM_GETADDR, AF_INET },
        { WN_TABLE_ADDR, RTM_GETADDR, AF_INET6 },
        { WN_TABLE_ROUTE, RTM_GETROUTE, AF_INET },
        { WN_TABLE_ROUTE, RTM_GETROUTE, AF_INET6 },
        { WN_TABLE_NEIGH, RTM_GETNEIGH, AF_INET },
        { WN_TABLE_NEIGH, RTM_GETNEIGH, AF_INET6 },
        /* IPv4 groups only from kernels 6.10 on: an older one answers EOPNOTSUPP, an empty table (dump_error). */
        { WN_TABLE_MADDR, RTM_GETMULTICAST, AF_INET },
        { WN_TABLE_MADDR, RTM_GETMULTICAST, AF_INET6 },
        { WN_TABLE_MADDR, RTM_GETANYCAST, AF_INET6 },
    };
    size_t i, j;

    if (tables & WN_TABLE_LINK) nl->n_conf = 0;
    for (i = 0; i < sizeof(dumps) / sizeof(dumps[0]); i++)
    {
        int r;

        if (!(tables & dumps[i].table)) continue;
        do
        {
            nl->list.count = 0;
            r = dump_once(nl, dumps[i].type, dumps[i].family);
        } while (r == DUMP_REDO);
        if (r) return -1;
        for (j = 0; j < nl->list.count; j++)
        {
            struct nl_item *item = &nl->list.items[j];

            if (item->type == NL_ITEM_NETCONF)
            {
                conf_apply(nl, item);
                continue;
            }
            if (item->type == NL_ITEM_NEIGH_PARMS)
            {
                neigh_parms_apply(nl, item);
                continue;
            }
            if (item->type == WN_WIRE_LINK) conf_link(nl, item);
            if (output_record(out, item->type, WN_WIRE_OP_ADD, &item->u, NULL, 0)) return -1;
        }
    }
    return 0;
}

static int resync(struct nl *nl, struct output *out, uint32_t tables)
{
    if (output_snapshot_begin(out, tables, WN_REASON_RESYNC)) return -1;
    if (nl_dump(nl, out, tables)) return -1;
    return output_snapshot_end(out, tables, WN_REASON_RESYNC);
}

struct event_ctx
{
    struct nl *nl;
    struct output *out;
    int routes_in_doubt;
    int neighbours_in_doubt;
    int links_in_doubt;
    int maddrs_in_doubt;
};

static int on_event(void *ctx_, const struct nl_item *item_)
{
    struct event_ctx *ctx = ctx_;
    struct nl_item copy = *item_, *item = &copy;

    /* Without the kernel's own announcements, the memberships are dumped again after what changes them: a link,
     * an address, forwarding (a forwarding IPv6 link has its subnet-router anycast addresses). */
    if (!ctx->nl->maddr_live && (item->type == WN_WIRE_LINK || item->type == WN_WIRE_ADDR
                                 || item->type == NL_ITEM_NETCONF))
        ctx->maddrs_in_doubt = 1;
    if (item->type == NL_ITEM_NETCONF)
    {
        const struct wn_wire_link *link = conf_apply(ctx->nl, item);
        return link && output_record(ctx->out, WN_WIRE_LINK, WN_WIRE_OP_ADD, link, NULL, 0) ? 1 : 0;
    }
    if (item->type == NL_ITEM_NEIGH_PARMS) return 0;
    if (item->type == WN_WIRE_LINK)
    {
        if (item->op != WN_WIRE_OP_DEL) neigh_parms_refresh(ctx->nl);
        conf_link(ctx->nl, item);
    }
    if (item->type == WN_WIRE_NEIGH && !(ctx->nl->followed & WN_TABLE_NEIGH)) return 0;

    /* IPv4 drops routes without a word (measured on 6.x): those of a link that goes down or away, and those
     * whose gateway or source was an address being deleted.  A replaced route (ip route replace/change) comes
     * as one RTM_NEWROUTE and no DEL for the route it replaced, whose key differs when the gateway or interface
     * changed.  After any of these, the route table is dumped again. */
    if (item->type == WN_WIRE_LINK || item->replace
        || (item->type == WN_WIRE_ADDR && item->op == WN_WIRE_OP_DEL && item->u.addr.family == 4))
        ctx->routes_in_doubt = 1;
    /* A link going down or away flushes its neighbours, and not every kernel says so for each of them. */
    if (item->type == WN_WIRE_LINK && (ctx->nl->followed & WN_TABLE_NEIGH)) ctx->neighbours_in_doubt = 1;
    /* Enabling or disabling IPv6 on a link (disable_ipv6) sends no link message, only the link-local address's
     * arrival or departure (none at all while the link is down: the view learns it with the link's next
     * message): after an IPv6 address event the links are dumped again, and those whose settings changed are
     * sent. */
    if (item->type == WN_WIRE_ADDR && item->u.addr.family == 6) ctx->links_in_doubt = 1;
    return output_record(ctx->out, item->type, item->op, &item->u, NULL, 0) ? 1 : 0;
}

int nl_read_events(struct nl *nl, struct output *out)
{
    struct event_ctx ctx = { nl, out, 0, 0, 0, 0 };
    int lost = 0;

    for (;;)
    {
        const struct nlmsghdr *nlh = &nl->buf.align;
        uint32_t sender;
        int msg_flags, len;
        ssize_t n = receive(nl->ev_fd, MSG_DONTWAIT, nl->buf.bytes, sizeof(nl->buf.bytes), &sender, &msg_flags);

        if (n < 0)
        {
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            /* ENOBUFS: the kernel dropped events.  Read on to empty the queue (what is queued predates the
             * re-dump below, which covers it), and only then dump. */
            lost = 1;
            if (errno == ENOBUFS) continue;
            break;
        }
        /* Only the kernel sends on these groups; anything else is not ours to believe. */
        if (lost || sender) continue;
        if (msg_flags & MSG_TRUNC)
        {
            lost = 1;
            continue;
        }
        for (len = (int)n; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len))
        {
            int r = nl_parse(nlh, (size_t)len, on_event, &ctx);
            if (r == NL_PARSE_MALFORMED)
            {
                /* A message we cannot read may have been a change: treat it as lost. */
                lost = 1;
                break;
            }
            if (r) return -1;
        }
        if (!lost && len > 0) lost = 1;    /* bytes that do not form a message */
    }
    if (lost)
    {
        nl->resyncs++;
        return resync(nl, out, nl->followed);
    }
    if (ctx.links_in_doubt && nl_refresh_links(nl, out)) return -1;
    if (ctx.maddrs_in_doubt && resync(nl, out, WN_TABLE_MADDR)) return -1;
    if (ctx.routes_in_doubt || ctx.neighbours_in_doubt)
        return resync(nl, out, (ctx.routes_in_doubt ? WN_TABLE_ROUTE : 0)
                               | (ctx.neighbours_in_doubt ? WN_TABLE_NEIGH : 0));
    return 0;
}

/* ---- link settings: changes ----------------------------------------------------------------------------------- */

/* Writes one sysctl of this network namespace (the helper's, which is the Wine process's).  The files belong to
 * the root of the user namespace that owns the network namespace: anyone else gets EACCES, as the kernel's
 * RTM_SETLINK would refuse them. */
static uint32_t write_sysctl(const char *path, const char *value)
{
    size_t len = strlen(value);
    ssize_t n;
    int fd, err;

    if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0) return nl_request_result(errno);
    do n = write(fd, value, len);
    while (n < 0 && errno == EINTR);
    err = n == (ssize_t)len ? 0 : n < 0 ? errno : EIO;
    close(fd);
    return nl_request_result(err);
}

uint32_t nl_set_link(struct nl *nl, const struct wn_wire_set_link *s)
{
    uint8_t req[NL_REQUEST_MAX];
    struct link_conf *c;
    uint32_t result, field;

    if ((result = nl_request_link_check(s))) return result;
    if (!(c = conf_find(nl, s->ifindex, 0)) || !c->have_link) return WN_RESULT_NOT_FOUND;
    for (field = 1; field & WN_SET_LINK_ALL; field <<= 1)
    {
        char path[128], value[16];

        if (!(s->fields & field)) continue;
        /* IPv4 has no MTU of its own on Linux: it is the link's. */
        if (field == WN_SET_LINK_MTU && s->family == 4)
        {
            uint32_t seq = ++nl->seq;
            result = ask(nl, req, nl_request_link_mtu(req, s->ifindex, s->mtu, seq), seq);
        }
        else if (!nl_request_sysctl(s, field, c->link.name, path, sizeof(path), value, sizeof(value)))
            result = WN_RESULT_INVALID;
        else result = write_sysctl(path, value);
        if (result) break;
    }
    return result;
}

int nl_refresh_links(struct nl *nl, struct output *out)
{
    size_t j;
    int r;

    neigh_parms_refresh(nl);
    do
    {
        nl->list.count = 0;
        r = dump_once(nl, RTM_GETLINK, AF_UNSPEC);
    } while (r == DUMP_REDO);
    if (r) return -1;
    for (j = 0; j < nl->list.count; j++)
    {
        struct nl_item *item = &nl->list.items[j];

        if (item->type != WN_WIRE_LINK) continue;
        conf_link(nl, item);
        if (output_record(out, WN_WIRE_LINK, WN_WIRE_OP_ADD, &item->u, NULL, 0)) return -1;
    }
    return 0;
}
