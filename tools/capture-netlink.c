/* Records real rtnetlink messages as test fixtures (tests/fixtures/nl-*.bin).  Not built by make:
 *
 *     gcc -std=c11 -O2 -o /tmp/capture-netlink tools/capture-netlink.c && sudo /tmp/capture-netlink tests/fixtures
 *
 * Runs as root in a private network namespace of its own, so the host's interfaces are neither touched nor
 * recorded.  It makes changes with ip(8), records every event the kernel multicasts for them, and dumps the
 * tables at the end.  Each file holds the datagrams exactly as received, one after another (netlink messages
 * are 4-byte aligned, so the files iterate with NLMSG_OK/NLMSG_NEXT).  What they contain is the list of
 * commands below; tests/test_nl_parse.c checks it. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

static union
{
    struct nlmsghdr align;
    unsigned char bytes[65536];
} buf;

static void die(const char *what)
{
    perror(what);
    exit(1);
}

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (!(f = fopen(path, "wb"))) die(path);
    return f;
}

static int open_netlink(unsigned int groups)
{
    struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = groups };
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), size = 8 << 20;

    if (fd < 0) die("socket");
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) die("bind");
    return fd;
}

/* Appends every queued event datagram to f. */
static void drain(int fd, FILE *f)
{
    for (;;)
    {
        ssize_t n = recv(fd, buf.bytes, sizeof(buf.bytes), MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        if (n < 0) die("recv (events lost? the capture is incomplete)");
        fwrite(buf.bytes, 1, (size_t)n, f);
    }
}

static void run(int events, FILE *f, const char *cmd, int optional)
{
    int status;

    printf("+ %s\n", cmd);
    fflush(stdout);
    status = system(cmd);
    if (status && !optional)
    {
        fprintf(stderr, "failed: %s\n", cmd);
        exit(1);
    }
    drain(events, f);
}

static void dump(const char *dir, const char *name, int type, int family)
{
    struct
    {
        struct nlmsghdr nlh;
        struct rtgenmsg g;
        unsigned char pad[15];
    } req;
    FILE *f = open_out(dir, name);
    int fd = open_netlink(0), done = 0;

    memset(&req, 0, sizeof(req));
    /* The family byte starts ifinfomsg, ifaddrmsg and rtmsg alike; the rest stays zero. */
    req.nlh.nlmsg_len = NLMSG_LENGTH(type == RTM_GETLINK ? sizeof(struct ifinfomsg)
                                     : type == RTM_GETADDR ? sizeof(struct ifaddrmsg) : sizeof(struct rtmsg));
    req.nlh.nlmsg_type = type;
    req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.nlh.nlmsg_seq = 1;
    req.g.rtgen_family = family;
    if (send(fd, &req, req.nlh.nlmsg_len, 0) < 0) die("send");
    while (!done)
    {
        struct nlmsghdr *nlh = &buf.align;
        ssize_t n = recv(fd, buf.bytes, sizeof(buf.bytes), 0);
        int len = (int)n;

        if (n < 0) die("recv");
        fwrite(buf.bytes, 1, (size_t)n, f);
        for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len))
            if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR) done = 1;
    }
    fclose(f);
    close(fd);
    printf("= %s\n", name);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/fixtures";
    FILE *f;
    int events;

    if (unshare(CLONE_NEWNET)) die("unshare(CLONE_NEWNET) (run as root)");
    events = open_netlink(RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE
                          | RTMGRP_IPV6_ROUTE);
    f = open_out(dir, "nl-events.bin");

    run(events, f, "ip link set lo up", 0);
    /* Not every kernel has the dummy driver; the fixture then has none. */
    run(events, f, "ip link add wndummy0 type dummy 2>/dev/null", 1);
    run(events, f, "ip link add wnveth0 type veth peer name wnveth1", 0);
    run(events, f, "ip tuntap add wntun0 mode tun", 0);
    run(events, f, "ip tuntap add wntap0 mode tap", 0);
    run(events, f, "ip link add wnbr0 type bridge", 0);
    /* An AF_BRIDGE port announcement: a message the parser must skip. */
    run(events, f, "ip link set wntap0 master wnbr0", 0);
    run(events, f, "ip link set wnveth0 mtu 1400", 0);
    run(events, f, "ip link set wnveth0 up && ip link set wnveth1 up && ip link set wntun0 up", 0);

    run(events, f, "ip addr add 192.0.2.1/24 dev wnveth0", 0);
    run(events, f, "ip addr add 10.9.0.1 peer 10.9.0.2/32 dev wntun0", 0);
    /* Tentative until DAD completes about a second later: a second RTM_NEWADDR clears the flag. */
    run(events, f, "ip -6 addr add 2001:db8::1/64 dev wnveth0", 0);
    /* Both ends claim it: DAD fails on both (IFA_F_DADFAILED). */
    run(events, f, "ip -6 addr add 2001:db8:d::1/64 dev wnveth0 && ip -6 addr add 2001:db8:d::1/64 dev wnveth1", 0);
    run(events, f, "ip -6 addr add 2001:db8:9::1/64 dev wnveth0 valid_lft 3600 preferred_lft 1800 nodad", 0);
    run(events, f, "ip -6 addr add 2001:db8:a::1/64 dev wnveth0 valid_lft 600 preferred_lft 0 nodad", 0);

    run(events, f, "ip route add 198.51.100.0/24 via 192.0.2.254", 0);
    run(events, f, "ip route add 203.0.113.0/24 dev wnveth0 metric 50", 0);
    run(events, f, "ip route add blackhole 198.18.0.0/15", 0);
    run(events, f, "ip route add 100.64.0.0/10 nexthop via 192.0.2.253 nexthop via 192.0.2.252", 0);
    run(events, f, "ip route add 192.0.2.0/24 dev wnveth0 table 100", 0);
    run(events, f, "ip -6 route add 2001:db8:1::/48 via 2001:db8:9::fe dev wnveth0", 0);
    run(events, f, "ip route replace 203.0.113.0/24 dev wnveth1 metric 50", 0);

    sleep(3);
    drain(events, f);

    dump(dir, "nl-dump-link.bin", RTM_GETLINK, AF_UNSPEC);
    dump(dir, "nl-dump-addr4.bin", RTM_GETADDR, AF_INET);
    dump(dir, "nl-dump-addr6.bin", RTM_GETADDR, AF_INET6);
    dump(dir, "nl-dump-route4.bin", RTM_GETROUTE, AF_INET);
    dump(dir, "nl-dump-route6.bin", RTM_GETROUTE, AF_INET6);

    run(events, f, "ip route del 198.51.100.0/24", 0);
    run(events, f, "ip addr del 192.0.2.1/24 dev wnveth0", 0);
    run(events, f, "ip link set wnveth0 down", 0);
    run(events, f, "ip link del wntun0", 0);
    fclose(f);
    printf("= nl-events.bin\n");
    return 0;
}
