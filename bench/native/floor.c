/* The native listener (see floor.h). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "floor.h"

static int fd = -1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct change want;
static int armed;
static int64_t seen_ns;
static uint32_t range_first, range_count;
static long range_seen, overflows;
static int64_t range_last_ns;

/* The event's kind, whether it is an add, and its key as nl_change.h defines them; 0 if it is none of ours. */
static int classify(const struct nlmsghdr *h, struct change *c)
{
    size_t len;
    struct rtattr *rta;

    memset(c, 0, sizeof(*c));
    switch (h->nlmsg_type)
    {
    case RTM_NEWADDR:
    case RTM_DELADDR:
    {
        const struct ifaddrmsg *ifa = NLMSG_DATA(h);

        if (ifa->ifa_family != AF_INET) return 0;
        c->kind = CHANGE_ADDR;
        c->add = h->nlmsg_type == RTM_NEWADDR;
        len = IFA_PAYLOAD(h);
        for (rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
        {
            if (rta->rta_type != IFA_LOCAL || RTA_PAYLOAD(rta) != 4) continue;
            c->key = ntohl(*(const uint32_t *)RTA_DATA(rta));
            return 1;
        }
        return 0;
    }
    case RTM_NEWROUTE:
    case RTM_DELROUTE:
    {
        const struct rtmsg *rtm = NLMSG_DATA(h);

        if (rtm->rtm_family != AF_INET || rtm->rtm_table != RT_TABLE_MAIN) return 0;
        c->kind = CHANGE_ROUTE;
        c->add = h->nlmsg_type == RTM_NEWROUTE;
        len = RTM_PAYLOAD(h);
        for (rta = RTM_RTA(rtm); RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
        {
            if (rta->rta_type != RTA_DST || RTA_PAYLOAD(rta) != 4) continue;
            c->key = ntohl(*(const uint32_t *)RTA_DATA(rta));
            return 1;
        }
        return 0;
    }
    case RTM_NEWLINK:
    case RTM_DELLINK:
    {
        const struct ifinfomsg *ifi = NLMSG_DATA(h);

        c->kind = CHANGE_LINK;
        c->add = h->nlmsg_type == RTM_NEWLINK;
        c->key = (uint32_t)ifi->ifi_index;
        return 1;
    }
    }
    return 0;
}

static void *listen_main(void *arg)
{
    static union { struct nlmsghdr hdr; uint8_t bytes[65536]; } buf;

    (void)arg;
    for (;;)
    {
        ssize_t n = recv(fd, &buf, sizeof(buf), 0);
        int64_t now = realtime_ns();
        struct nlmsghdr *h;
        size_t len;

        if (n < 0)
        {
            if (errno == ENOBUFS)
            {
                pthread_mutex_lock(&lock);
                overflows++;
                pthread_mutex_unlock(&lock);
            }
            if (errno == EINTR || errno == ENOBUFS) continue;
            return NULL;
        }
        len = (size_t)n;
        pthread_mutex_lock(&lock);
        for (h = &buf.hdr; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
        {
            struct change c;

            if (!classify(h, &c)) continue;
            if (c.kind == CHANGE_ADDR && c.key - range_first < range_count)
            {
                range_seen++;
                range_last_ns = now;
                pthread_cond_broadcast(&cond);
            }
            if (!armed || c.kind != want.kind || c.add != want.add || c.key != want.key) continue;
            armed = 0;
            seen_ns = now;
            pthread_cond_broadcast(&cond);
        }
        pthread_mutex_unlock(&lock);
    }
}

int floor_start(void)
{
    struct sockaddr_nl sa;
    pthread_t thread;
    int size = 64 * 1024 * 1024;

    if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0) return -errno;
    /* Large enough that a burst of 10,000 changes overflows the helper long before us. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    memset(&sa, 0, sizeof(sa));
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) return -errno;
    if (pthread_create(&thread, NULL, listen_main, NULL)) return -EAGAIN;
    pthread_detach(thread);
    return 0;
}

void floor_expect(const struct change *c)
{
    pthread_mutex_lock(&lock);
    want = *c;
    armed = 1;
    seen_ns = -1;
    pthread_mutex_unlock(&lock);
}

static struct timespec deadline(int timeout_ms)
{
    struct timespec until;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
    if (until.tv_nsec >= 1000000000) { until.tv_sec++; until.tv_nsec -= 1000000000; }
    return until;
}

int64_t floor_wait(int timeout_ms)
{
    struct timespec until = deadline(timeout_ms);
    int64_t t;

    pthread_mutex_lock(&lock);
    while (armed && pthread_cond_timedwait(&cond, &lock, &until) == 0) {}
    t = seen_ns;
    armed = 0;
    pthread_mutex_unlock(&lock);
    return t;
}

void floor_reset_range(uint32_t first, uint32_t count)
{
    pthread_mutex_lock(&lock);
    range_first = first;
    range_count = count;
    range_seen = 0;
    range_last_ns = -1;
    pthread_mutex_unlock(&lock);
}

long floor_range_wait(long expected, int timeout_ms, int64_t *last_ns)
{
    struct timespec until = deadline(timeout_ms);
    long seen;

    pthread_mutex_lock(&lock);
    while (range_seen < expected && pthread_cond_timedwait(&cond, &lock, &until) == 0) {}
    seen = range_seen;
    *last_ns = range_last_ns;
    pthread_mutex_unlock(&lock);
    return seen;
}

long floor_overflows(void)
{
    long n;

    pthread_mutex_lock(&lock);
    n = overflows;
    pthread_mutex_unlock(&lock);
    return n;
}
