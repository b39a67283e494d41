/* rtnetlink requests for the bench's changes (see nl_change.h). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "nl_change.h"

struct nl_change
{
    int fd;
    uint32_t seq;
    long errors;
};

union request
{
    struct nlmsghdr hdr;
    uint8_t bytes[512];
};

int64_t realtime_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct nl_change *nl_change_open(void)
{
    struct nl_change *nc = calloc(1, sizeof(*nc));
    struct sockaddr_nl sa;
    /* Failed posts answer here; a burst must not overflow it and hide them. */
    int size = 16 * 1024 * 1024;

    if (!nc) return NULL;
    if ((nc->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0)
    {
        free(nc);
        return NULL;
    }
    if (setsockopt(nc->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
        setsockopt(nc->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    memset(&sa, 0, sizeof(sa));
    sa.nl_family = AF_NETLINK;
    if (bind(nc->fd, (struct sockaddr *)&sa, sizeof(sa)))
    {
        nl_change_close(nc);
        return NULL;
    }
    return nc;
}

void nl_change_close(struct nl_change *nc)
{
    if (!nc) return;
    close(nc->fd);
    free(nc);
}

static void put_attr(struct nlmsghdr *h, unsigned short type, const void *data, size_t len)
{
    struct rtattr *rta = (struct rtattr *)((uint8_t *)h + NLMSG_ALIGN(h->nlmsg_len));

    rta->rta_type = type;
    rta->rta_len = (unsigned short)RTA_LENGTH(len);
    if (len) memcpy(RTA_DATA(rta), data, len);
    h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

static struct rtattr *nest_begin(struct nlmsghdr *h, unsigned short type)
{
    struct rtattr *rta = (struct rtattr *)((uint8_t *)h + NLMSG_ALIGN(h->nlmsg_len));

    put_attr(h, type, NULL, 0);
    return rta;
}

static void nest_end(struct nlmsghdr *h, struct rtattr *nest)
{
    nest->rta_len = (unsigned short)((uint8_t *)h + h->nlmsg_len - (uint8_t *)nest);
}

static void build(struct nl_change *nc, const struct change *c, int ack, union request *req)
{
    struct nlmsghdr *h = &req->hdr;
    uint32_t key = htonl(c->key);
    uint32_t oif = (uint32_t)c->ifindex;

    memset(req, 0, sizeof(*req));
    h->nlmsg_flags = NLM_F_REQUEST | (ack ? NLM_F_ACK : 0) | (c->add ? NLM_F_CREATE | NLM_F_EXCL : 0);
    h->nlmsg_seq = ++nc->seq;
    switch (c->kind)
    {
    case CHANGE_ADDR:
    {
        struct ifaddrmsg *ifa = NLMSG_DATA(h);

        h->nlmsg_type = c->add ? RTM_NEWADDR : RTM_DELADDR;
        h->nlmsg_len = NLMSG_LENGTH(sizeof(*ifa));
        ifa->ifa_family = AF_INET;
        ifa->ifa_prefixlen = 32;
        ifa->ifa_scope = RT_SCOPE_UNIVERSE;
        ifa->ifa_index = (uint32_t)c->ifindex;
        put_attr(h, IFA_LOCAL, &key, 4);
        put_attr(h, IFA_ADDRESS, &key, 4);
        break;
    }
    case CHANGE_ROUTE:
    {
        struct rtmsg *rtm = NLMSG_DATA(h);

        h->nlmsg_type = c->add ? RTM_NEWROUTE : RTM_DELROUTE;
        h->nlmsg_len = NLMSG_LENGTH(sizeof(*rtm));
        rtm->rtm_family = AF_INET;
        rtm->rtm_dst_len = 24;
        rtm->rtm_table = RT_TABLE_MAIN;
        rtm->rtm_protocol = RTPROT_STATIC;
        rtm->rtm_scope = RT_SCOPE_LINK;
        rtm->rtm_type = RTN_UNICAST;
        put_attr(h, RTA_DST, &key, 4);
        put_attr(h, RTA_OIF, &oif, 4);
        break;
    }
    case CHANGE_LINK:
    {
        struct ifinfomsg *ifi = NLMSG_DATA(h);
        char name[16];

        h->nlmsg_type = c->add ? RTM_NEWLINK : RTM_DELLINK;
        h->nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        /* We choose the index, so that both sides know which link an event is about. */
        ifi->ifi_index = (int)c->key;
        if (c->add)
        {
            struct rtattr *info;

            snprintf(name, sizeof(name), "wnb%u", c->key);
            put_attr(h, IFLA_IFNAME, name, strlen(name) + 1);
            info = nest_begin(h, IFLA_LINKINFO);
            /* ifb: one plain link per request (this kernel has no dummy; veth would make two). */
            put_attr(h, IFLA_INFO_KIND, "ifb", 4);
            nest_end(h, info);
        }
        break;
    }
    }
}

static int send_req(struct nl_change *nc, const union request *req)
{
    struct sockaddr_nl to;

    memset(&to, 0, sizeof(to));
    to.nl_family = AF_NETLINK;
    if (sendto(nc->fd, req, req->hdr.nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) return -errno;
    return 0;
}

/* Reads answers; with want_seq, until the one to that request (returning its error). */
static int read_answers(struct nl_change *nc, uint32_t want_seq)
{
    union { struct nlmsghdr hdr; uint8_t bytes[16384]; } buf;

    for (;;)
    {
        ssize_t n = recv(nc->fd, &buf, sizeof(buf), want_seq ? 0 : MSG_DONTWAIT);
        struct nlmsghdr *h;
        size_t len;

        if (n < 0)
        {
            if (errno == EINTR) continue;
            if (errno == ENOBUFS) { nc->errors++; continue; }
            return want_seq ? -errno : 0;
        }
        len = (size_t)n;
        for (h = &buf.hdr; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
        {
            const struct nlmsgerr *e = NLMSG_DATA(h);

            if (h->nlmsg_type != NLMSG_ERROR) continue;
            if (want_seq && h->nlmsg_seq == want_seq) return e->error;
            if (e->error) nc->errors++;
        }
    }
}

int nl_change_do(struct nl_change *nc, const struct change *c, int64_t *t0_ns)
{
    union request req;
    int err;

    build(nc, c, 1, &req);
    *t0_ns = realtime_ns();
    if ((err = send_req(nc, &req))) return err;
    return read_answers(nc, req.hdr.nlmsg_seq);
}

int nl_change_post(struct nl_change *nc, const struct change *c)
{
    union request req;
    int err;

    build(nc, c, 0, &req);
    if ((err = send_req(nc, &req))) nc->errors++;
    return err;
}

long nl_change_errors(struct nl_change *nc)
{
    /* A netlink request is carried out inside sendto(): by now every answer is queued. */
    read_answers(nc, 0);
    return nc->errors;
}
