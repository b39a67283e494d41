/* The real helper binary (host/winenotify-host) as a DLL meets it, attacked from the DLL's end of the wire.
 *
 * Root only, in a private network namespace (a forked child unshares one).  The test plays the DLL: it listens on
 * 127.0.0.1, starts the helper with the port and a token file name on its command line (as helper_launch.c
 * does), checks that the HELLO's token is the one in the file, that the file is the helper's user's alone, reads
 * the initial snapshot.  Then:
 *   - secrets: the token is on no command line and in no environment, /proc/PID/environ is readable by nobody
 *     but its owner, and the token file is gone once the helper has exited;
 *   - every field of SET_ADDR and SET_ROUTE broken one at a time, for ADD and DEL, and every rule of the
 *     software-device requests: the next record is REPLY INVALID (NOT_FOUND for a device the connection did not
 *     make) with the request's id, with no object record before it (the helper sends a change's own events
 *     before its reply, so a change would show), and the connection goes on;
 *   - what wire.h calls a malformed stream (unknown types, records of the helper's own direction, wrong
 *     lengths, wrong ops, families, prefix lengths or DUMP tables, a record cut short by the end of the
 *     connection): no REPLY, the connection closed, and the helper exits by itself, never by a signal;
 *   - at the end a dump of links, addresses and routes is byte for byte the initial snapshot's: nothing the
 *     requests asked for reached the kernel.
 * Valid requests on the same connection (an address and a route added and deleted) show the path is live. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "winenotify/wire.h"
#include "unit.h"

#define WAIT_MS 10000            /* bound on any wait for the helper: generous, never reached when it works */
#define NL_TABLES (WN_TABLE_LINK | WN_TABLE_ADDR | WN_TABLE_ROUTE)

static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { failures++; fprintf(stderr, "helper_wire: %s:%d: ", __FILE__, \
    __LINE__); fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

struct helper
{
    pid_t pid;
    int fd;
    char token_dir[64], token_file[128];
    char token_hex[2 * WN_WIRE_TOKEN_SIZE + 1];
    size_t len;
    uint8_t buf[2 * WN_WIRE_MAX_RECORD];
};

static const char *helper_path(void)
{
    const char *path = getenv("WINENOTIFY_HOST");
    return path && *path ? path : HOST_HELPER;
}

/* The next record into rec (and its bytes into raw, when given): 1, or 0 at the end of the stream, -1 on a
 * malformed stream or when nothing came within WAIT_MS. */
static int next_record(struct helper *h, struct wn_wire_record *rec, uint8_t *raw, size_t *raw_len)
{
    static uint8_t copy[WN_WIRE_MAX_RECORD];
    long used;

    for (;;)
    {
        struct pollfd pfd = { h->fd, POLLIN, 0 };
        ssize_t n;

        if ((used = wn_wire_decode(h->buf, h->len, rec)))
        {
            if (used < 0) return -1;
            /* rec->props points into buf: keep the bytes where they stay put. */
            memcpy(raw ? raw : copy, h->buf, (size_t)used);
            if (rec->type == WN_WIRE_DEVICE)
                rec->props = (const char *)(raw ? raw : copy) + (rec->props - (const char *)h->buf);
            if (raw_len) *raw_len = (size_t)used;
            memmove(h->buf, h->buf + used, h->len - (size_t)used);
            h->len -= (size_t)used;
            return 1;
        }
        if (poll(&pfd, 1, WAIT_MS) <= 0) return -1;
        n = read(h->fd, h->buf + h->len, sizeof(h->buf) - h->len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == ECONNRESET) return 0;
        if (n < 0) return -1;
        if (!n) return h->len ? -1 : 0;
        h->len += (size_t)n;
    }
}

/* Reads records up to SNAPSHOT_END(tables), appending the bytes of object records of those tables to out. */
static int read_snapshot(struct helper *h, uint32_t tables, uint8_t *out, size_t cap, size_t *out_len)
{
    struct wn_wire_record rec;
    uint8_t raw[WN_WIRE_MAX_RECORD];
    size_t n;

    *out_len = 0;
    while (next_record(h, &rec, raw, &n) == 1)
    {
        if (rec.type == WN_WIRE_SNAPSHOT_END) return rec.u.snapshot.tables == tables ? 0 : -1;
        if (rec.type != WN_WIRE_LINK && rec.type != WN_WIRE_ADDR && rec.type != WN_WIRE_ROUTE) continue;
        if (*out_len + n > cap) return -1;
        /* When the helper read an address's lifetimes is not the kernel's state. */
        if (rec.type == WN_WIRE_ADDR) memset(raw + n - sizeof(rec.u.addr.stamp), 0, sizeof(rec.u.addr.stamp));
        memcpy(out + *out_len, raw, n);
        *out_len += n;
    }
    return -1;
}

/* The token the helper left in its file, as hex, with the file's mode checked: what the DLL reads. */
static int read_token_file(struct helper *h)
{
    struct stat st;
    ssize_t n;
    int fd = open(h->token_file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

    CHECK(fd >= 0, "no token file %s: %s", h->token_file, strerror(errno));
    if (fd < 0) return -1;
    CHECK(!fstat(fd, &st) && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0600 && st.st_uid == geteuid(),
          "the token file is mode %o, owner %u", (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
    n = read(fd, h->token_hex, sizeof(h->token_hex));
    close(fd);
    CHECK(n == 2 * WN_WIRE_TOKEN_SIZE, "the token file holds %zd bytes", n);
    if (n != 2 * WN_WIRE_TOKEN_SIZE) return -1;
    h->token_hex[n] = 0;
    return 0;
}

/* Starts the helper as helper_launch.c does and reads its HELLO and initial snapshot; the snapshot's link,
 * address and route records go to snap.  The token file is left for helper_reap() to see removed. */
static int helper_start(struct helper *h, uint8_t *snap, size_t cap, size_t *snap_len)
{
    struct sockaddr_in sa;
    socklen_t sa_len = sizeof(sa);
    char token_hex[2 * WN_WIRE_TOKEN_SIZE + 1];
    struct wn_wire_record rec;
    struct pollfd pfd;
    char port[8];
    int listener, i, before = failures;

    memset(h, 0, sizeof(*h));
    h->fd = -1;
    snprintf(h->token_dir, sizeof(h->token_dir), "/tmp/wn-helper-wire-XXXXXX");
    if (!mkdtemp(h->token_dir)) return -1;
    snprintf(h->token_file, sizeof(h->token_file), "%s/winenotify-0011223344556677.token", h->token_dir);
    listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (listener < 0 || bind(listener, (struct sockaddr *)&sa, sizeof(sa)) || listen(listener, 1)
        || getsockname(listener, (struct sockaddr *)&sa, &sa_len))
    {
        CHECK(0, "cannot listen on 127.0.0.1: %s", strerror(errno));
        if (listener >= 0) close(listener);
        return -1;
    }
    snprintf(port, sizeof(port), "%u", ntohs(sa.sin_port));
    fflush(NULL);
    if (!(h->pid = fork()))
    {
        execl(helper_path(), "winenotify-host", "--port", port, "--token-file", h->token_file, "--debug", "0",
              (char *)NULL);
        _exit(127);
    }
    pfd.fd = listener;
    pfd.events = POLLIN;
    if (h->pid > 0 && poll(&pfd, 1, WAIT_MS) == 1) h->fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    close(listener);
    CHECK(h->fd >= 0, "the helper %s did not connect", helper_path());
    if (h->fd < 0) return -1;
    CHECK(next_record(h, &rec, NULL, NULL) == 1 && rec.type == WN_WIRE_HELLO, "no HELLO");
    if (failures != before || read_token_file(h)) return -1;
    for (i = 0; i < WN_WIRE_TOKEN_SIZE; i++) sprintf(token_hex + 2 * i, "%02x", rec.u.hello.token[i]);
    CHECK(!strcmp(token_hex, h->token_hex), "HELLO with token %s, the file has %s", token_hex, h->token_hex);
    CHECK(rec.u.hello.version == WN_WIRE_VERSION, "HELLO version %u", rec.u.hello.version);
    CHECK(rec.u.hello.pid == (uint32_t)h->pid, "HELLO pid %u, started %d", rec.u.hello.pid, (int)h->pid);
    /* Neighbours come only when asked for (host/netlink.h). */
    CHECK(!read_snapshot(h, WN_TABLE_ALL & ~WN_TABLE_NEIGH, snap, cap, snap_len), "no initial snapshot");
    return failures != before ? -1 : 0;
}

/* The helper must go by itself once its connection is closed or broken, exiting, never killed by a signal.
 * Returns its exit status (-1 when it had to be killed). */
static int helper_reap(struct helper *h)
{
    int status, i;

    if (h->fd >= 0) close(h->fd);
    h->fd = -1;
    for (i = 0; i < WAIT_MS / 10; i++)
    {
        pid_t r = waitpid(h->pid, &status, WNOHANG);

        if (r == h->pid)
        {
            CHECK(WIFEXITED(status), "the helper died of signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
            /* The DLL deletes it once read; a helper that goes first (here: always) must not leave it behind. */
            if (h->token_file[0])
                CHECK(access(h->token_file, F_OK) && errno == ENOENT, "the helper left %s", h->token_file);
            if (h->token_dir[0]) rmdir(h->token_dir);
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        usleep(10000);
    }
    CHECK(0, "the helper %d did not exit", (int)h->pid);
    kill(h->pid, SIGKILL);
    waitpid(h->pid, &status, 0);
    if (h->token_file[0]) unlink(h->token_file);
    if (h->token_dir[0]) rmdir(h->token_dir);
    return -1;
}

static int send_bytes(struct helper *h, const void *data, size_t len)
{
    return write(h->fd, data, len) == (ssize_t)len ? 0 : -1;
}

static int send_record(struct helper *h, uint16_t type, uint16_t op, const void *body, size_t size)
{
    struct wn_wire_header hdr = { (uint32_t)(sizeof(hdr) + size), type, op };
    uint8_t buf[WN_WIRE_MAX_RECORD];

    memcpy(buf, &hdr, sizeof(hdr));
    memcpy(buf + sizeof(hdr), body, size);
    return send_bytes(h, buf, sizeof(hdr) + size);
}

/* ---- secrets ------------------------------------------------------------------------------------------------ */

static char *read_proc(pid_t pid, const char *what, size_t *len)
{
    static char buf[65536];
    char path[64];
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
    if ((fd = open(path, O_RDONLY)) < 0) return NULL;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n < 0) return NULL;
    *len = (size_t)n;
    return buf;
}

static int contains(const char *hay, size_t len, const char *needle)
{
    return memmem(hay, len, needle, strlen(needle)) != NULL;
}

static void check_secrets(const struct helper *h)
{
    char path[64], upper[sizeof(h->token_hex)];
    struct stat st;
    const char *text;
    size_t len, i;
    pid_t pid;
    int status;

    for (i = 0; i < sizeof(upper); i++)
        upper[i] = (char)(h->token_hex[i] >= 'a' ? h->token_hex[i] - 32 : h->token_hex[i]);
    CHECK((text = read_proc(h->pid, "cmdline", &len)) != NULL, "cannot read the helper's cmdline");
    if (text)
        CHECK(!contains(text, len, h->token_hex) && !contains(text, len, upper), "the token is on the command line");
    CHECK((text = read_proc(h->pid, "environ", &len)) != NULL, "cannot read the helper's environ");
    if (text)
        CHECK(!contains(text, len, h->token_hex) && !contains(text, len, upper),
              "the token is in the helper's environment");
    snprintf(path, sizeof(path), "/proc/%d/environ", (int)h->pid);
    CHECK(!stat(path, &st) && !(st.st_mode & 077), "%s is mode %o", path, (unsigned)(st.st_mode & 0777));
    /* Another user cannot open it, whatever the mode says. */
    fflush(NULL);
    if (!(pid = fork()))
    {
        if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) _exit(2);
        _exit(open(path, O_RDONLY) < 0 ? 0 : 1);
    }
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status),
          "another user (nobody) read %s", path);
}

/* ---- requests ------------------------------------------------------------------------------------------------ */

static uint32_t next_id = 100;
static unsigned int refused, closed, accepted;

static struct wn_wire_addr good_addr(void)
{
    struct wn_wire_addr a;

    memset(&a, 0, sizeof(a));
    a.ifindex = 1;
    a.family = 4;
    a.prefixlen = 24;
    a.preferred_lft = a.valid_lft = 0xffffffff;
    inet_pton(AF_INET, "10.77.0.1", a.addr);
    return a;
}

static struct wn_wire_route good_route(void)
{
    struct wn_wire_route r;

    memset(&r, 0, sizeof(r));
    r.family = 4;
    r.dst_len = 16;
    r.oif = 1;
    r.metric = 7;
    inet_pton(AF_INET, "10.78.0.0", r.dst);
    return r;
}

/* Sends a request and returns the result of its REPLY; object records before it are counted in *events. */
static int request(struct helper *h, uint16_t type, uint16_t op, const void *body, unsigned int *events)
{
    struct wn_wire_set_addr sa;
    struct wn_wire_set_route sr;
    struct wn_wire_sw sw;
    struct wn_wire_record rec;
    uint32_t id = ++next_id;

    *events = 0;
    if (type == WN_WIRE_SW_CREATE || type == WN_WIRE_SW_INTERFACE || type == WN_WIRE_SW_CLOSE)
    {
        memcpy(&sw, body, sizeof(sw));
        sw.id = id;
        if (send_record(h, type, op, &sw, sizeof(sw))) return -1;
    }
    else if (type == WN_WIRE_SET_LINK)
    {
        struct wn_wire_set_link sl;

        memcpy(&sl, body, sizeof(sl));
        sl.id = id;
        if (send_record(h, type, op, &sl, sizeof(sl))) return -1;
    }
    else if (type == WN_WIRE_SET_ADDR)
    {
        sa.id = id;
        memcpy(&sa.addr, body, sizeof(sa.addr));
        if (send_record(h, type, op, &sa, sizeof(sa))) return -1;
    }
    else
    {
        sr.id = id;
        memcpy(&sr.route, body, sizeof(sr.route));
        if (send_record(h, type, op, &sr, sizeof(sr))) return -1;
    }
    while (next_record(h, &rec, NULL, NULL) == 1)
    {
        if (rec.type != WN_WIRE_REPLY)
        {
            ++*events;
            continue;
        }
        return rec.u.reply.id == id ? (int)rec.u.reply.result : -1;
    }
    return -1;
}

static void expect_invalid(struct helper *h, uint16_t type, const void *body, const char *what)
{
    static const uint16_t ops[] = { WN_WIRE_OP_ADD, WN_WIRE_OP_DEL };
    unsigned int i, events;
    int r;

    for (i = 0; i < 2; i++)
    {
        /* Lifetimes are ignored for a deletion (wire.h). */
        if (ops[i] == WN_WIRE_OP_DEL && strstr(what, "lifetime")) continue;
        r = request(h, type, ops[i], body, &events);
        CHECK(r == WN_RESULT_INVALID && !events, "%s %s: result %d after %u object records", what,
              ops[i] == WN_WIRE_OP_ADD ? "add" : "del", r, events);
        refused++;
    }
}

static void addr_fields(struct helper *h)
{
    static const struct { int family; const char *text; const char *what; } not_unicast[] = {
        { 4, "0.0.0.0", "unspecified IPv4" }, { 4, "224.0.0.1", "multicast IPv4" },
        { 4, "239.255.255.255", "multicast IPv4 (last)" }, { 4, "255.255.255.255", "IPv4 broadcast" },
        { 6, "::", "unspecified IPv6" }, { 6, "ff02::1", "multicast IPv6" },
    };
    struct wn_wire_addr a;
    unsigned int i;

    a = good_addr(); a.ifindex = 0; expect_invalid(h, WN_WIRE_SET_ADDR, &a, "address: ifindex 0");
    a = good_addr(); a.scope = 200; expect_invalid(h, WN_WIRE_SET_ADDR, &a, "address: scope");
    a = good_addr(); a.reserved = 1; expect_invalid(h, WN_WIRE_SET_ADDR, &a, "address: reserved");
    a = good_addr(); a.flags = 0x80; expect_invalid(h, WN_WIRE_SET_ADDR, &a, "address: flags");
    a = good_addr(); a.addr[4] = 1; expect_invalid(h, WN_WIRE_SET_ADDR, &a, "address: IPv4 bytes past 4");
    a = good_addr(); a.addr[15] = 1; expect_invalid(h, WN_WIRE_SET_ADDR, &a, "address: IPv4 byte 15");
    a = good_addr(); a.valid_lft = 10; a.preferred_lft = 20;
    expect_invalid(h, WN_WIRE_SET_ADDR, &a, "address: valid lifetime below preferred");
    for (i = 0; i < sizeof(not_unicast) / sizeof(not_unicast[0]); i++)
    {
        a = good_addr();
        a.family = (uint8_t)not_unicast[i].family;
        if (a.family == 6) a.prefixlen = 64;
        memset(a.addr, 0, sizeof(a.addr));
        inet_pton(a.family == 4 ? AF_INET : AF_INET6, not_unicast[i].text, a.addr);
        expect_invalid(h, WN_WIRE_SET_ADDR, &a, not_unicast[i].what);
    }
}

static void route_fields(struct helper *h)
{
    static const struct { int family; const char *text; const char *what; } bad_gateway[] = {
        { 4, "224.0.0.9", "multicast IPv4 gateway" }, { 4, "255.255.255.255", "broadcast gateway" },
        { 6, "ff02::2", "multicast IPv6 gateway" },
    };
    struct wn_wire_route r;
    unsigned int i;

    r = good_route(); r.oif = 0; expect_invalid(h, WN_WIRE_SET_ROUTE, &r, "route: oif 0");
    r = good_route(); r.table = 254; expect_invalid(h, WN_WIRE_SET_ROUTE, &r, "route: table 254 (must be 0)");
    r = good_route(); r.table = 255; expect_invalid(h, WN_WIRE_SET_ROUTE, &r, "route: table 255");
    r = good_route(); r.protocol = 4; expect_invalid(h, WN_WIRE_SET_ROUTE, &r, "route: protocol");
    r = good_route(); r.type = 6; expect_invalid(h, WN_WIRE_SET_ROUTE, &r, "route: type (prohibit)");
    r = good_route(); r.scope = 253; expect_invalid(h, WN_WIRE_SET_ROUTE, &r, "route: scope");
    for (i = 0; i < sizeof(r.reserved); i++)
    {
        r = good_route();
        r.reserved[i] = 0xff;
        expect_invalid(h, WN_WIRE_SET_ROUTE, &r, "route: reserved byte");
    }
    r = good_route(); r.dst[2] = 1; expect_invalid(h, WN_WIRE_SET_ROUTE, &r, "route: dst bits past dst_len");
    r = good_route(); r.dst[4] = 1; expect_invalid(h, WN_WIRE_SET_ROUTE, &r, "route: IPv4 dst bytes past 4");
    r = good_route(); r.gateway[4] = 1; expect_invalid(h, WN_WIRE_SET_ROUTE, &r, "route: IPv4 gateway bytes past 4");
    r = good_route(); r.family = 6; r.dst_len = 60; memset(r.dst, 0, 16); r.dst[0] = 0xfd; r.dst[7] = 0x0f;
    expect_invalid(h, WN_WIRE_SET_ROUTE, &r, "route: IPv6 dst bits past dst_len");
    for (i = 0; i < sizeof(bad_gateway) / sizeof(bad_gateway[0]); i++)
    {
        r = good_route();
        if (bad_gateway[i].family == 6)
        {
            r.family = 6;
            r.dst_len = 64;
            memset(r.dst, 0, 16);
            r.dst[0] = 0xfd;
        }
        inet_pton(r.family == 4 ? AF_INET : AF_INET6, bad_gateway[i].text, r.gateway);
        expect_invalid(h, WN_WIRE_SET_ROUTE, &r, bad_gateway[i].what);
    }
}

/* ---- software devices ---------------------------------------------------------------------------------------- */

static const uint8_t disk_guid[16] = { 0x07, 0x63, 0xf5, 0x53, 0xbf, 0xb6, 0xd0, 0x11,
                                       0x94, 0xf2, 0x00, 0xa0, 0xc9, 0x1e, 0xfb, 0x8b };

static struct wn_wire_sw good_sw(void)
{
    struct wn_wire_sw sw;

    memset(&sw, 0, sizeof(sw));
    strcpy(sw.enumerator, "WNTEST");
    strcpy(sw.instance, "dev0");
    return sw;
}

static void expect_sw(struct helper *h, uint16_t type, uint16_t op, const struct wn_wire_sw *sw, int want,
                      const char *what)
{
    unsigned int events;
    int r = request(h, type, op, sw, &events);

    CHECK(r == want && !events, "%s: result %d after %u records, expected %d", what, r, events, want);
    refused++;
}

/* Every rule wire.h gives software-device requests, broken one at a time: INVALID (or NOT_FOUND for a device
 * this connection did not make) and nothing made, in a directory of the test's own. */
static void sw_fields(struct helper *h)
{
    static const char *bad_ids[] = { "", "A\\B", "A,B", "A B", "A\x7f", "A\x01", "\xc3\xa9" };
    struct wn_wire_sw sw;
    unsigned int i, events;
    int res;

    for (i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++)
    {
        sw = good_sw();
        memset(sw.enumerator, 0, sizeof(sw.enumerator));
        strcpy(sw.enumerator, bad_ids[i]);
        expect_sw(h, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &sw, WN_RESULT_INVALID, "create: bad enumerator");
        sw = good_sw();
        memset(sw.instance, 0, sizeof(sw.instance));
        strcpy(sw.instance, bad_ids[i]);
        expect_sw(h, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &sw, WN_RESULT_INVALID, "create: bad instance");
        if (!*bad_ids[i]) continue;   /* an empty reference string is allowed */
        sw = good_sw();
        strcpy(sw.refstring, bad_ids[i]);
        expect_sw(h, WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &sw, WN_RESULT_INVALID, "interface: bad refstring");
    }
    sw = good_sw(); sw.enumerator[40] = 'x';
    expect_sw(h, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &sw, WN_RESULT_INVALID, "create: a byte past the enumerator");
    sw = good_sw(); sw.instance[199] = 'x';
    expect_sw(h, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &sw, WN_RESULT_INVALID, "create: a byte past the instance");
    sw = good_sw(); sw.refstring[63] = 'x';
    expect_sw(h, WN_WIRE_SW_CLOSE, WN_WIRE_OP_DEL, &sw, WN_RESULT_INVALID, "close: a byte past the refstring");
    sw = good_sw(); strcpy(sw.refstring, "ref");
    expect_sw(h, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &sw, WN_RESULT_INVALID, "create: a refstring");
    sw = good_sw(); memcpy(sw.guid, disk_guid, 16);
    expect_sw(h, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &sw, WN_RESULT_INVALID, "create: a guid");
    sw = good_sw(); memcpy(sw.guid, disk_guid, 16);
    expect_sw(h, WN_WIRE_SW_CLOSE, WN_WIRE_OP_DEL, &sw, WN_RESULT_INVALID, "close: a guid");
    sw = good_sw();
    expect_sw(h, WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &sw, WN_RESULT_INVALID, "interface: no guid");
    /* "SWD\" enumerator "\" instance past 200 characters; the interface's name past 250. */
    sw = good_sw(); memset(sw.enumerator, 'E', 63); memset(sw.instance, 'I', 150);
    expect_sw(h, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &sw, WN_RESULT_INVALID, "create: device ID too long");
    sw = good_sw(); memset(sw.enumerator, 'E', 60); memset(sw.instance, 'I', 130); memset(sw.refstring, 'R', 63);
    memcpy(sw.guid, disk_guid, 16);
    expect_sw(h, WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &sw, WN_RESULT_INVALID, "interface: name too long");
    /* Well formed, but not a device of this connection. */
    sw = good_sw(); memcpy(sw.guid, disk_guid, 16);
    expect_sw(h, WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &sw, WN_RESULT_NOT_FOUND, "interface on no device");
    sw = good_sw();
    expect_sw(h, WN_WIRE_SW_CLOSE, WN_WIRE_OP_DEL, &sw, WN_RESULT_NOT_FOUND, "close of no device");

    /* The valid path: made, an interface enabled and disabled, closed; each reported before its reply. */
    sw = good_sw();
    CHECK((res = request(h, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &sw, &events)) == WN_RESULT_OK && events >= 1,
          "create: result %d, %u events", res, events);
    memcpy(sw.guid, disk_guid, 16);
    CHECK((res = request(h, WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &sw, &events)) == WN_RESULT_OK && events >= 1,
          "enable: result %d, %u events", res, events);
    CHECK((res = request(h, WN_WIRE_SW_INTERFACE, WN_WIRE_OP_DEL, &sw, &events)) == WN_RESULT_OK && events >= 1,
          "disable: result %d, %u events", res, events);
    memset(sw.guid, 0, 16);
    CHECK((res = request(h, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &sw, &events)) == WN_RESULT_EXISTS && !events,
          "create twice: result %d, %u events", res, events);
    CHECK((res = request(h, WN_WIRE_SW_CLOSE, WN_WIRE_OP_DEL, &sw, &events)) == WN_RESULT_OK && events >= 1,
          "close: result %d, %u events", res, events);
    accepted += 5;
}

/* How many software devices and interfaces a dump of the device table holds. */
static int sw_devices(struct helper *h)
{
    struct wn_wire_dump d = { WN_TABLE_DEVICE };
    struct wn_wire_record rec;
    int n = 0;

    if (send_record(h, WN_WIRE_DUMP, WN_WIRE_OP_NONE, &d, sizeof(d))) return -1;
    while (next_record(h, &rec, NULL, NULL) == 1)
    {
        const char *sub;

        if (rec.type == WN_WIRE_SNAPSHOT_END) return n;
        if (rec.type != WN_WIRE_DEVICE) continue;
        sub = wn_wire_prop(rec.props, rec.u.device.props_len, "SUBSYSTEM");
        if (sub && !strncmp(sub, "winenotify_swd", 14)) n++;
    }
    return -1;
}

/* Valid requests on the same connection: the path really reaches the kernel, and reports its events first. */
static struct wn_wire_set_link good_link(void)
{
    struct wn_wire_set_link s;

    memset(&s, 0, sizeof(s));
    s.ifindex = 1;
    s.family = 6;
    s.fields = WN_SET_LINK_FORWARDING;
    return s;
}

/* Interface settings: the rules of wire.h, field by field, through the real helper; a refused request changes
 * nothing and sends no record. */
static void link_fields(struct helper *h)
{
    static const struct { uint8_t family; uint32_t fields; uint32_t value; const char *what; } bad[] = {
        { 6, 0, 0, "no field" },
        { 6, 0x40, 0, "an unknown field" },
        { 5, WN_SET_LINK_FORWARDING, 0, "family 5" },
        { 10, WN_SET_LINK_FORWARDING, 0, "family 10 (AF_INET6, not 6)" },
        { 4, WN_SET_LINK_MTU, 67, "IPv4 MTU 67" },
        { 6, WN_SET_LINK_MTU, 1279, "IPv6 MTU 1279" },
        { 6, WN_SET_LINK_MTU, 65536, "MTU 65536" },
        { 6, WN_SET_LINK_FORWARDING, 2, "forwarding 2" },
        { 4, WN_SET_LINK_DAD_TRANSMITS, 1, "IPv4 DAD probes" },
        { 6, WN_SET_LINK_DAD_TRANSMITS, 256, "256 DAD probes" },
        { 4, WN_SET_LINK_ACCEPT_RA, 1, "IPv4 router advertisements" },
        { 6, WN_SET_LINK_ACCEPT_RA, 3, "accept_ra 3" },
        { 6, WN_SET_LINK_REACHABLE, 0, "reachable time 0" },
        { 6, WN_SET_LINK_REACHABLE, 3600001, "reachable time past an hour" },
        { 6, WN_SET_LINK_RETRANS, 0, "retransmission time 0" },
    };
    struct wn_wire_set_link s;
    unsigned int i, events;
    int r;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
        s = good_link();
        s.family = bad[i].family;
        s.fields = bad[i].fields;
        s.mtu = s.forwarding = s.dad_transmits = s.accept_ra = s.reachable_ms = s.retrans_ms = bad[i].value;
        r = request(h, WN_WIRE_SET_LINK, WN_WIRE_OP_CHANGE, &s, &events);
        CHECK(r == WN_RESULT_INVALID && !events, "link: %s: result %d after %u records", bad[i].what, r, events);
        refused++;
    }
    s = good_link(); s.ifindex = 0;
    r = request(h, WN_WIRE_SET_LINK, WN_WIRE_OP_CHANGE, &s, &events);
    CHECK(r == WN_RESULT_INVALID && !events, "link: ifindex 0: result %d after %u records", r, events);
    s = good_link(); s.reserved[2] = 1;
    r = request(h, WN_WIRE_SET_LINK, WN_WIRE_OP_CHANGE, &s, &events);
    CHECK(r == WN_RESULT_INVALID && !events, "link: reserved: result %d after %u records", r, events);
    s = good_link(); s.ifindex = 999;
    r = request(h, WN_WIRE_SET_LINK, WN_WIRE_OP_CHANGE, &s, &events);
    CHECK(r == WN_RESULT_NOT_FOUND && !events, "link: no such link: result %d after %u records", r, events);
    refused += 3;
}

static void valid_requests(struct helper *h)
{
    struct wn_wire_addr a = good_addr();
    struct wn_wire_route r = good_route();
    unsigned int events;
    int res;

    CHECK((res = request(h, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, &a, &events)) == WN_RESULT_OK && events >= 1,
          "valid address add: result %d, %u events", res, events);
    CHECK((res = request(h, WN_WIRE_SET_ROUTE, WN_WIRE_OP_ADD, &r, &events)) == WN_RESULT_OK && events >= 1,
          "valid route add: result %d, %u events", res, events);
    CHECK((res = request(h, WN_WIRE_SET_ROUTE, WN_WIRE_OP_DEL, &r, &events)) == WN_RESULT_OK && events >= 1,
          "valid route delete: result %d, %u events", res, events);
    CHECK((res = request(h, WN_WIRE_SET_ADDR, WN_WIRE_OP_DEL, &a, &events)) == WN_RESULT_OK && events >= 1,
          "valid address delete: result %d, %u events", res, events);
    /* Well formed, but no such interface: the kernel's answer, and still nothing changed. */
    a.ifindex = 999;
    CHECK((res = request(h, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, &a, &events)) == WN_RESULT_NOT_FOUND && !events,
          "address on no interface: result %d, %u events", res, events);
    /* An interface setting: lo's IPv6 forwarding on and off again, each with lo's new record before the reply. */
    {
        struct wn_wire_set_link s = good_link();

        s.forwarding = 1;
        CHECK((res = request(h, WN_WIRE_SET_LINK, WN_WIRE_OP_CHANGE, &s, &events)) == WN_RESULT_OK && events >= 1,
              "valid link change: result %d, %u events", res, events);
        s.forwarding = 0;
        CHECK((res = request(h, WN_WIRE_SET_LINK, WN_WIRE_OP_CHANGE, &s, &events)) == WN_RESULT_OK && events >= 1,
              "valid link change back: result %d, %u events", res, events);
    }
    accepted += 7;
}

/* ---- malformed streams ------------------------------------------------------------------------------------- */

struct raw_case
{
    const char *what;
    int64_t length;              /* DEF: header + size */
    uint16_t type, op;
    size_t size;                 /* body bytes sent */
    void (*fill)(uint8_t *body); /* NULL: zeros */
    int cut;                     /* send only the first half, then end the connection */
};

static void fill_addr(uint8_t *b) { struct wn_wire_set_addr s = { 1, good_addr() }; memcpy(b, &s, sizeof(s)); }
static void fill_route(uint8_t *b) { struct wn_wire_set_route s = { 1, good_route() }; memcpy(b, &s, sizeof(s)); }
static void fill_addr_family0(uint8_t *b) { fill_addr(b); ((struct wn_wire_set_addr *)b)->addr.family = 0; }
static void fill_addr_family5(uint8_t *b) { fill_addr(b); ((struct wn_wire_set_addr *)b)->addr.family = 5; }
static void fill_addr_family2(uint8_t *b) { fill_addr(b); ((struct wn_wire_set_addr *)b)->addr.family = 2; }
static void fill_addr_len33(uint8_t *b) { fill_addr(b); ((struct wn_wire_set_addr *)b)->addr.prefixlen = 33; }
static void fill_addr_len129(uint8_t *b)
{
    fill_addr(b);
    ((struct wn_wire_set_addr *)b)->addr.family = 6;
    ((struct wn_wire_set_addr *)b)->addr.prefixlen = 129;
}
static void fill_route_family0(uint8_t *b) { fill_route(b); ((struct wn_wire_set_route *)b)->route.family = 0; }
static void fill_route_family10(uint8_t *b) { fill_route(b); ((struct wn_wire_set_route *)b)->route.family = 10; }
static void fill_route_len33(uint8_t *b) { fill_route(b); ((struct wn_wire_set_route *)b)->route.dst_len = 33; }
static void fill_route_len129(uint8_t *b)
{
    fill_route(b);
    ((struct wn_wire_set_route *)b)->route.family = 6;
    ((struct wn_wire_set_route *)b)->route.dst_len = 255;
}
static void fill_tables(uint8_t *b, uint32_t tables) { memcpy(b, &tables, sizeof(tables)); }
static void fill_dump0(uint8_t *b) { fill_tables(b, 0); }
static void fill_dump_next_bit(uint8_t *b) { fill_tables(b, WN_TABLE_ALL + 1); }
static void fill_dump_all_bits(uint8_t *b) { fill_tables(b, 0xffffffff); }
static void fill_dump_ok(uint8_t *b) { fill_tables(b, WN_TABLE_ALL); }
static void fill_snapshot(uint8_t *b)
{
    struct wn_wire_snapshot s = { WN_TABLE_ALL, WN_REASON_INITIAL };
    memcpy(b, &s, sizeof(s));
}
static void fill_link(uint8_t *b)
{
    struct wn_wire_link l;

    memset(&l, 0, sizeof(l));
    l.ifindex = 1;
    strcpy(l.name, "lo");
    memcpy(b, &l, sizeof(l));
}
static void fill_device(uint8_t *b)
{
    static const char props[] = "DEVPATH=/devices/x";
    struct wn_wire_device d = { 0, 0, sizeof(props), 0 };

    memcpy(b, &d, sizeof(d));
    memcpy(b + sizeof(d), props, sizeof(props));
}
static void fill_log(uint8_t *b)
{
    struct wn_wire_log l;

    memset(&l, 0, sizeof(l));
    l.cls = WN_LOG_ERR;
    strcpy(l.text, "not from the DLL");
    memcpy(b, &l, sizeof(l));
}
static void fill_route_body(uint8_t *b) { struct wn_wire_route r = good_route(); memcpy(b, &r, sizeof(r)); }
static void fill_addr_body(uint8_t *b) { struct wn_wire_addr a = good_addr(); memcpy(b, &a, sizeof(a)); }

static void fill_sw(uint8_t *b) { struct wn_wire_sw sw = good_sw(); memcpy(b, &sw, sizeof(sw)); }
static void fill_sw_enum_open(uint8_t *b) { fill_sw(b); memset(((struct wn_wire_sw *)b)->enumerator, 'A', 64); }
static void fill_sw_inst_open(uint8_t *b) { fill_sw(b); memset(((struct wn_wire_sw *)b)->instance, 'A', 200); }
static void fill_sw_ref_open(uint8_t *b) { fill_sw(b); memset(((struct wn_wire_sw *)b)->refstring, 'A', 64); }

#define DEF (-1)
#define SWS sizeof(struct wn_wire_sw)
#define SA sizeof(struct wn_wire_set_addr)
#define SR sizeof(struct wn_wire_set_route)
#define HDR sizeof(struct wn_wire_header)

static const struct raw_case raw_cases[] = {
    /* Types nobody sends to the helper. */
    { "type 0", DEF, 0, 0, 8, NULL, 0 },
    { "type 10", DEF, 10, 0, 8, NULL, 0 },
    { "type 31", DEF, 31, 0, 8, NULL, 0 },
    { "type 99", DEF, 99, 0, 8, NULL, 0 },
    { "type 0xffff", DEF, 0xffff, 0, 8, NULL, 0 },
    /* Records of the helper's own direction, well formed. */
    { "HELLO", DEF, WN_WIRE_HELLO, 0, sizeof(struct wn_wire_hello), NULL, 0 },
    { "SNAPSHOT_BEGIN", DEF, WN_WIRE_SNAPSHOT_BEGIN, 0, sizeof(struct wn_wire_snapshot), fill_snapshot, 0 },
    { "SNAPSHOT_END", DEF, WN_WIRE_SNAPSHOT_END, 0, sizeof(struct wn_wire_snapshot), fill_snapshot, 0 },
    { "LINK", DEF, WN_WIRE_LINK, WN_WIRE_OP_ADD, sizeof(struct wn_wire_link), fill_link, 0 },
    { "ADDR", DEF, WN_WIRE_ADDR, WN_WIRE_OP_ADD, sizeof(struct wn_wire_addr), fill_addr_body, 0 },
    { "ROUTE", DEF, WN_WIRE_ROUTE, WN_WIRE_OP_DEL, sizeof(struct wn_wire_route), fill_route_body, 0 },
    { "DEVICE", DEF, WN_WIRE_DEVICE, WN_WIRE_OP_ADD, sizeof(struct wn_wire_device) + 19, fill_device, 0 },
    { "REPLY", DEF, WN_WIRE_REPLY, 0, sizeof(struct wn_wire_reply), NULL, 0 },
    { "LOG", DEF, WN_WIRE_LOG, 0, sizeof(struct wn_wire_log), fill_log, 0 },
    /* Lengths. */
    { "length 0", 0, WN_WIRE_DUMP, 0, 4, fill_dump_ok, 0 },
    { "length shorter than the header", 4, WN_WIRE_DUMP, 0, 4, fill_dump_ok, 0 },
    { "SET_ADDR length one short", HDR + SA - 1, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, SA, fill_addr, 0 },
    { "SET_ADDR length one long", HDR + SA + 1, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, SA + 1, fill_addr, 0 },
    { "SET_ROUTE length one short", HDR + SR - 1, WN_WIRE_SET_ROUTE, WN_WIRE_OP_ADD, SR, fill_route, 0 },
    { "DUMP length past the maximum", WN_WIRE_MAX_RECORD + 1, WN_WIRE_DUMP, 0, 4, fill_dump_ok, 0 },
    { "length 0xffffffff", 0xffffffff, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, SA, fill_addr, 0 },
    /* Ops. */
    { "SET_ADDR op NONE", DEF, WN_WIRE_SET_ADDR, WN_WIRE_OP_NONE, SA, fill_addr, 0 },
    { "SET_LINK op ADD", DEF, WN_WIRE_SET_LINK, WN_WIRE_OP_ADD, sizeof(struct wn_wire_set_link), NULL, 0 },
    { "SET_LINK op DEL", DEF, WN_WIRE_SET_LINK, WN_WIRE_OP_DEL, sizeof(struct wn_wire_set_link), NULL, 0 },
    { "SET_LINK length one short", HDR + sizeof(struct wn_wire_set_link) - 1, WN_WIRE_SET_LINK, WN_WIRE_OP_CHANGE,
      sizeof(struct wn_wire_set_link), NULL, 0 },
    { "SET_ROUTE op 7", DEF, WN_WIRE_SET_ROUTE, 7, SR, fill_route, 0 },
    { "DUMP op ADD", DEF, WN_WIRE_DUMP, WN_WIRE_OP_ADD, 4, fill_dump_ok, 0 },
    /* Families and prefix lengths the decoder refuses. */
    { "SET_ADDR family 0", DEF, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, SA, fill_addr_family0, 0 },
    { "SET_ADDR family 2 (AF_INET, not 4)", DEF, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, SA, fill_addr_family2, 0 },
    { "SET_ADDR family 5", DEF, WN_WIRE_SET_ADDR, WN_WIRE_OP_DEL, SA, fill_addr_family5, 0 },
    { "SET_ADDR IPv4 prefix 33", DEF, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, SA, fill_addr_len33, 0 },
    { "SET_ADDR IPv6 prefix 129", DEF, WN_WIRE_SET_ADDR, WN_WIRE_OP_DEL, SA, fill_addr_len129, 0 },
    { "SET_ROUTE family 0", DEF, WN_WIRE_SET_ROUTE, WN_WIRE_OP_ADD, SR, fill_route_family0, 0 },
    { "SET_ROUTE family 10 (AF_INET6, not 6)", DEF, WN_WIRE_SET_ROUTE, WN_WIRE_OP_ADD, SR, fill_route_family10, 0 },
    { "SET_ROUTE IPv4 dst_len 33", DEF, WN_WIRE_SET_ROUTE, WN_WIRE_OP_ADD, SR, fill_route_len33, 0 },
    { "SET_ROUTE IPv6 dst_len 255", DEF, WN_WIRE_SET_ROUTE, WN_WIRE_OP_DEL, SR, fill_route_len129, 0 },
    /* Software devices: ops and unterminated strings. */
    { "SW_CREATE op NONE", DEF, WN_WIRE_SW_CREATE, WN_WIRE_OP_NONE, SWS, fill_sw, 0 },
    { "SW_CREATE op DEL", DEF, WN_WIRE_SW_CREATE, WN_WIRE_OP_DEL, SWS, fill_sw, 0 },
    { "SW_CLOSE op ADD", DEF, WN_WIRE_SW_CLOSE, WN_WIRE_OP_ADD, SWS, fill_sw, 0 },
    { "SW_INTERFACE op CHANGE", DEF, WN_WIRE_SW_INTERFACE, WN_WIRE_OP_CHANGE, SWS, fill_sw, 0 },
    { "SW_CREATE enumerator unterminated", DEF, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, SWS, fill_sw_enum_open, 0 },
    { "SW_CREATE instance unterminated", DEF, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, SWS, fill_sw_inst_open, 0 },
    { "SW_INTERFACE refstring unterminated", DEF, WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, SWS, fill_sw_ref_open, 0 },
    { "SW_CLOSE length one short", HDR + SWS - 1, WN_WIRE_SW_CLOSE, WN_WIRE_OP_DEL, SWS, fill_sw, 0 },
    /* DUMP tables. */
    { "DUMP tables 0", DEF, WN_WIRE_DUMP, 0, 4, fill_dump0, 0 },
    { "DUMP tables past WN_TABLE_ALL", DEF, WN_WIRE_DUMP, 0, 4, fill_dump_next_bit, 0 },
    { "DUMP tables 0xffffffff", DEF, WN_WIRE_DUMP, 0, 4, fill_dump_all_bits, 0 },
    /* Records cut short by the end of the connection. */
    { "half a header, then EOF", DEF, WN_WIRE_DUMP, 0, 0, NULL, 1 },
    { "SET_ADDR cut short, then EOF", DEF, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, SA, fill_addr, 1 },
    { "SET_ROUTE cut short, then EOF", DEF, WN_WIRE_SET_ROUTE, WN_WIRE_OP_ADD, SR, fill_route, 1 },
};

/* One malformed stream against a fresh helper: no REPLY, the connection closed by the helper (or by us, for a
 * record cut short), the helper gone by itself. */
static void raw_case(const struct raw_case *c, const uint8_t *snap, size_t snap_len)
{
    uint8_t buf[2 * WN_WIRE_MAX_RECORD], again[16384];
    struct wn_wire_header hdr;
    struct wn_wire_record rec;
    struct helper h;
    size_t total = HDR + c->size, again_len;
    int r, status;

    if (helper_start(&h, again, sizeof(again), &again_len))
    {
        CHECK(0, "%s: the helper did not start", c->what);
        if (h.pid > 0) helper_reap(&h);
        return;
    }
    CHECK(again_len == snap_len && !memcmp(again, snap, snap_len), "%s: the kernel's state changed before it",
          c->what);
    memset(buf, 0, sizeof(buf));
    hdr.length = c->length == DEF ? (uint32_t)total : (uint32_t)c->length;
    hdr.type = c->type;
    hdr.op = c->op;
    memcpy(buf, &hdr, HDR);
    if (c->fill) c->fill(buf + HDR);
    if (c->cut)
    {
        /* The DLL's end goes away in the middle of a record. */
        send_bytes(&h, buf, total / 2 ? total / 2 : 4);
        shutdown(h.fd, SHUT_WR);
    }
    else send_bytes(&h, buf, total);
    while ((r = next_record(&h, &rec, NULL, NULL)) == 1)
        CHECK(rec.type != WN_WIRE_REPLY, "%s: answered with REPLY %u", c->what, rec.u.reply.result);
    CHECK(r == 0, "%s: the helper kept the connection open", c->what);
    status = helper_reap(&h);
    /* 1: it gave up on a malformed stream; 0: its peer went away. */
    CHECK(status == (c->cut ? 0 : 1), "%s: exit status %d", c->what, status);
    closed++;
}

/* ---- the run ------------------------------------------------------------------------------------------------ */

static int loopback_up(void)
{
    struct ifreq ifr;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

    if (fd < 0) return -1;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    r = ioctl(fd, SIOCGIFFLAGS, &ifr);
    ifr.ifr_flags |= IFF_UP;
    if (!r) r = ioctl(fd, SIOCSIFFLAGS, &ifr);
    close(fd);
    return r;
}

/* Entries of a directory, "." and ".." aside. */
static unsigned int dir_entries(const char *path)
{
    unsigned int n = 0;
    struct dirent *de;
    DIR *dir = opendir(path);

    if (!dir) return 0;
    while ((de = readdir(dir)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) n++;
    closedir(dir);
    return n;
}

static int run_child(void)
{
    static uint8_t snap[16384], dump[16384];
    size_t snap_len, dump_len, i;
    struct wn_wire_dump d = { NL_TABLES };
    struct helper h;
    unsigned int events;
    struct wn_wire_addr a;

    char swd_dir[] = "/tmp/wn-helper-wire-XXXXXX", prefix[] = "/tmp/wn-helper-prefix-XXXXXX", dos[64], state[64];
    char cmd[128];

    if (unshare(CLONE_NEWNET)) return UNIT_SKIP;
    if (access(helper_path(), X_OK))
    {
        printf("skipped: no helper at %s ", helper_path());
        return UNIT_SKIP;
    }
    signal(SIGPIPE, SIG_IGN);
    CHECK(!loopback_up(), "lo up: %s", strerror(errno));
    /* Software devices in a directory of our own, not the user's shared one. */
    CHECK(mkdtemp(swd_dir) != NULL, "mkdtemp: %s", strerror(errno));
    setenv("WINENOTIFY_SWD_DIR", swd_dir, 1);
    /* And a prefix of our own: the helper makes dosdevices entries for device links in $WINEPREFIX's. */
    CHECK(mkdtemp(prefix) != NULL, "mkdtemp: %s", strerror(errno));
    snprintf(dos, sizeof(dos), "%s/dosdevices", prefix);
    snprintf(state, sizeof(state), "%s/links", prefix);
    CHECK(!mkdir(dos, 0755), "mkdir %s: %s", dos, strerror(errno));
    setenv("WINEPREFIX", prefix, 1);
    setenv("WINENOTIFY_LINKS_DIR", state, 1);
    if (failures || helper_start(&h, snap, sizeof(snap), &snap_len)) return 1;

    check_secrets(&h);
    valid_requests(&h);
    addr_fields(&h);
    route_fields(&h);
    link_fields(&h);
    sw_fields(&h);
    CHECK(sw_devices(&h) == 0, "software devices left behind");
    /* A request split across writes is put together again. */
    {
        struct wn_wire_set_addr sa = { ++next_id, good_addr() };
        struct wn_wire_header hdr = { HDR + SA, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD };
        uint8_t buf[HDR + SA];
        struct wn_wire_record rec;

        sa.addr.ifindex = 0;
        memcpy(buf, &hdr, HDR);
        memcpy(buf + HDR, &sa, SA);
        send_bytes(&h, buf, 3);
        send_bytes(&h, buf + 3, HDR + 7);
        send_bytes(&h, buf + HDR + 10, SA - 10);
        CHECK(next_record(&h, &rec, NULL, NULL) == 1 && rec.type == WN_WIRE_REPLY && rec.u.reply.id == sa.id
              && rec.u.reply.result == WN_RESULT_INVALID, "a request in three pieces was not answered");
        refused++;
    }
    /* Still serving after all that: a dump, and it shows the kernel as it was. */
    CHECK(!send_record(&h, WN_WIRE_DUMP, WN_WIRE_OP_NONE, &d, sizeof(d)), "cannot send DUMP");
    CHECK(!read_snapshot(&h, NL_TABLES, dump, sizeof(dump), &dump_len), "no snapshot after DUMP");
    CHECK(dump_len == snap_len && !memcmp(dump, snap, snap_len), "the kernel's state changed (%zu bytes, was %zu)",
          dump_len, snap_len);
    /* Neighbours, never in a snapshot so far, come when asked for (and are followed from then on). */
    {
        struct wn_wire_dump nd = { WN_TABLE_NEIGH };

        CHECK(!send_record(&h, WN_WIRE_DUMP, WN_WIRE_OP_NONE, &nd, sizeof(nd)), "cannot send DUMP of neighbours");
        CHECK(!read_snapshot(&h, WN_TABLE_NEIGH, dump, sizeof(dump), &dump_len), "no snapshot of neighbours");
    }
    a = good_addr();
    CHECK(request(&h, WN_WIRE_SET_ADDR, WN_WIRE_OP_DEL, &a, &events) == WN_RESULT_NOT_FOUND,
          "the valid address is still there");
    CHECK(helper_reap(&h) == 0, "the helper did not exit cleanly when its connection closed");

    for (i = 0; i < sizeof(raw_cases) / sizeof(raw_cases[0]); i++) raw_case(&raw_cases[i], snap, snap_len);

    /* Asked to end with SIGTERM: it exits as when its connection closes, and takes its dosdevices entries (root
     * may open this machine's disks and ports, so there are some) along. */
    if (!helper_start(&h, snap, sizeof(snap), &snap_len))
    {
        unsigned int had = dir_entries(dos);

        kill(h.pid, SIGTERM);
        CHECK(helper_reap(&h) == 0, "the helper did not exit cleanly on SIGTERM");
        CHECK(dir_entries(dos) == 0, "%u of the %u dosdevices entries left after SIGTERM", dir_entries(dos), had);
        printf("(%u dosdevices entries made, none left after SIGTERM) ", had);
    }
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", prefix);
    CHECK(system(cmd) == 0, "cannot remove %s", prefix);
    unsetenv("WINEPREFIX");
    unsetenv("WINENOTIFY_LINKS_DIR");
    rmdir(swd_dir);
    printf("(%u bad requests refused, %u malformed streams closed, %u valid requests) ", refused, closed, accepted);
    return failures ? 1 : 0;
}

static void test_helper_wire(void)
{
    unit_run_root_child(run_child);
}

void register_helper_wire_tests(void)
{
    static const CU_TestInfo tests[] =
    {
        { "the helper refuses every bad request and keeps no secret in sight", test_helper_wire },
        CU_TEST_INFO_NULL,
    };

    unit_add_suite("helper_wire", tests);
}
