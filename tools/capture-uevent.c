/* Captures raw kernel uevent datagrams into files, for the parser's fixtures (tests/fixtures/uevent-*.bin).
 *
 * Not built by make: gcc -std=c11 -Wall -Wextra -o capture-uevent tools/capture-uevent.c
 * Run as root, then cause events from another shell, e.g.:
 *   ip netns add cap && ip netns exec cap ./capture-uevent /tmp/cap 4 &   # net devices: their own netns
 *   ip netns exec cap ip tuntap add dev t0 mode tun; ip netns exec cap ip link set t0 name t1  # add, move
 *   ./capture-uevent /tmp/cap 10 &                                        # block devices: initial netns
 *   losetup /dev/loop8 /tmp/x.img; addpart /dev/loop8 1 2048 4096         # change, partition add
 *   echo add > /sys/class/tty/ttyS0/uevent                                # a synthetic event
 * Each datagram is written unchanged to OUTDIR/NNN-<action>-<subsystem>.bin.  One line per datagram on stdout
 * also tells whether /dev/DEVNAME existed when the datagram was read: a kernel "add" may precede its node. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/netlink.h>

static const char *prop(const char *buf, size_t len, const char *key)
{
    size_t keylen = strlen(key), off = strnlen(buf, len) + 1;

    while (off < len)
    {
        const char *s = buf + off;
        size_t slen = strnlen(s, len - off);
        if (slen > keylen && !memcmp(s, key, keylen) && s[keylen] == '=') return s + keylen + 1;
        off += slen + 1;
    }
    return NULL;
}

static void sanitize(char *dst, size_t cap, const char *src)
{
    size_t i;

    for (i = 0; src && src[i] && i + 1 < cap; i++)
        dst[i] = (src[i] >= 'a' && src[i] <= 'z') || (src[i] >= '0' && src[i] <= '9') ? src[i] : '_';
    dst[i] = 0;
}

int main(int argc, char **argv)
{
    struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1 };
    static char buf[16384];
    int fd, count = 0, max;

    if (argc != 3)
    {
        fprintf(stderr, "usage: %s OUTDIR COUNT\n", argv[0]);
        return 2;
    }
    max = atoi(argv[2]);
    mkdir(argv[1], 0755);
    fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
    {
        perror("uevent socket");
        return 1;
    }
    printf("listening\n");
    fflush(stdout);

    while (count < max)
    {
        struct sockaddr_nl from;
        struct iovec iov = { buf, sizeof(buf) };
        struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1 };
        char path[4096], action[32], subsystem[32];
        const char *devname;
        struct stat st;
        ssize_t len = recvmsg(fd, &msg, 0);
        FILE *f;

        if (len < 0)
        {
            if (errno == EINTR) continue;
            perror("recvmsg");
            return 1;
        }
        if (from.nl_pid != 0) continue;
        devname = prop(buf, len, "DEVNAME");
        sanitize(action, sizeof(action), prop(buf, len, "ACTION"));
        sanitize(subsystem, sizeof(subsystem), prop(buf, len, "SUBSYSTEM"));
        snprintf(path, sizeof(path), "%s/%03d-%s-%s.bin", argv[1], count, action, subsystem);
        if (!(f = fopen(path, "wb")) || fwrite(buf, 1, len, f) != (size_t)len || fclose(f))
        {
            perror(path);
            return 1;
        }
        if (devname)
        {
            char node[4096];
            snprintf(node, sizeof(node), "/dev/%s", devname);
            printf("%s: %.200s (%zd bytes) /dev/%s %s\n", path, buf, len, devname,
                   stat(node, &st) ? "absent" : "present");
        }
        else printf("%s: %.200s (%zd bytes)\n", path, buf, len);
        fflush(stdout);
        count++;
    }
    close(fd);
    return 0;
}
