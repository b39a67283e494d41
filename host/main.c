/* winenotify-host: the native helper our DLLs start under Wine.
 *
 * Connects back to the DLL on 127.0.0.1 (the port on our command line; the token we make ourselves and leave
 * for the DLL in a file only our user can read, see handshake.h), says HELLO, sends a snapshot of every table,
 * then relays changes as they happen.
 * It sleeps in poll() with no timeout between events and exits when the connection closes, which is how it
 * learns that the Wine process is gone (exit, crash, kill -9 alike).
 *
 * It also makes the changes the DLL asks for (CreateUnicastIpAddressEntry and friends), with the privileges it
 * has: those of the user who runs Wine, in Wine's network namespace.  It makes nothing the kernel would not let
 * that user make directly, and it checks every request against the rules in wire.h before the kernel sees it.
 *
 * Software devices (SwDeviceCreate & co.) live in a directory shared by every helper of the user (swd.c): each
 * helper reports all of them, whoever made them, and removes its own when its connection closes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "winenotify/wire.h"
#include "connectivity.h"
#include "handshake.h"
#include "netlink.h"
#include "output.h"
#include "swd.h"
#include "swd_request.h"
#include "uevent.h"

static int debug;
static unsigned int log_mask = WN_LOG_DEFAULT;
static struct output *log_out;

/* Our messages go to the DLL as LOG records, which it writes into its debug channel (Wine's, where the user
 * looks), of the classes it has on (--debug).  Before the connection exists, and for whoever runs us
 * by hand, WINENOTIFY_HOST_DEBUG also sends them to stderr (the Wine process's: otherwise we hold none of the
 * program's stdio, see reserve_stdio). */
static void host_log(enum wn_wire_log_class cls, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void host_log(enum wn_wire_log_class cls, const char *fmt, ...)
{
    struct wn_wire_log rec;
    va_list args;
    size_t n;

    if (debug)
    {
        va_start(args, fmt);
        fprintf(stderr, "winenotify-host[%d]: ", (int)getpid());
        vfprintf(stderr, fmt, args);
        va_end(args);
    }
    if (!log_out || !((log_mask >> cls) & 1)) return;
    memset(&rec, 0, sizeof(rec));
    rec.cls = cls;
    va_start(args, fmt);
    vsnprintf(rec.text, sizeof(rec.text), fmt, args);
    va_end(args);
    if ((n = strlen(rec.text)) && rec.text[n - 1] == '\n') rec.text[n - 1] = 0;
    /* A lost message is no reason to stop: the connection's own failure shows at the next flush. */
    (void)output_record(log_out, WN_WIRE_LOG, WN_WIRE_OP_NONE, &rec, NULL, 0);
}
#define trace(...) host_log(WN_LOG_TRACE, __VA_ARGS__)

static void trace_text(const char *text)
{
    trace("%s\n", text);
}

/* Bounded: with the loopback interface down a SYN to 127.0.0.1 goes nowhere and a blocking connect would wait
 * for TCP's own give-up (about two minutes), long after the DLL stopped waiting for us. */
#define CONNECT_TIMEOUT_MS 5000

static int connect_back(int port)
{
    struct sockaddr_in sa;
    struct pollfd pfd;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), one = 1, err = 0;
    socklen_t len = sizeof(err);

    if (fd < 0) return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) && errno != EINPROGRESS) err = errno;
    else
    {
        pfd.fd = fd;
        pfd.events = POLLOUT;
        if (poll(&pfd, 1, CONNECT_TIMEOUT_MS) != 1) err = ETIMEDOUT;
        else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)) err = errno;
    }
    if (err || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK))
    {
        close(fd);
        errno = err ? err : errno;
        return -1;
    }
    /* We already write whole batches; Nagle would only hold a small one back until the DLL's delayed ACK. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

/* Started by Wine (ntdll's __wine_unix_spawnvp forks and execs us), we inherit the signal mask of the Wine thread
 * that asked, and any descriptor of the Wine process that was not close-on-exec: we block nothing, and hold
 * nothing of the process we serve, so that its sockets close when it goes. */
static void drop_inherited(void)
{
    sigset_t none;
    long fd, max = sysconf(_SC_OPEN_MAX);

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (!close_range(3, ~0U, 0)) return;
    for (fd = 3; fd < max; fd++) close((int)fd);
}

/* Our fds must not land on 0-2: a stray write to stderr would go into the DLL's stream.  Nor may we hold the
 * program's own stdio (Wine passes its pipes on to us): a script reading the program's output would wait for
 * us too.  stderr stays for WINENOTIFY_HOST_DEBUG. */
static void reserve_stdio(void)
{
    int fd = open("/dev/null", O_RDWR), i;

    if (fd < 0) return;
    for (i = 0; i <= 2; i++)
        if (i != 2 || !debug || fcntl(2, F_GETFD) < 0) dup2(fd, i);
    if (fd > 2) close(fd);
}

struct helper
{
    int conn, uevent_fd;
    struct nl *nl;
    struct output *out;
    struct swd *swd;         /* NULL when the shared directory is unusable */
    struct connectivity *hint;
    struct links *links;     /* NULL when no prefix is known or usable: no dosdevices entries */
    size_t in_len;
    uint8_t in[8192];
};

/* A software device's record: no seqnum, no ifindex. */
static int report_swd(void *ctx, uint16_t op, const char *props, size_t props_len)
{
    struct wn_wire_device dev;

    memset(&dev, 0, sizeof(dev));
    return output_record(ctx, WN_WIRE_DEVICE, op, &dev, props, props_len);
}

static int snapshot(struct helper *h, uint32_t tables, uint32_t reason)
{
    if (output_snapshot_begin(h->out, tables, reason)) return -1;
    if ((tables & NL_TABLES) && nl_dump(h->nl, h->out, tables & NL_TABLES)) return -1;
    if (tables & WN_TABLE_DEVICE) links_snapshot_begin(h->links);
    if ((tables & WN_TABLE_DEVICE) && uevent_enumerate(h->out, h->links)) return -1;
    if ((tables & WN_TABLE_DEVICE) && h->swd && swd_enumerate(h->swd, report_swd, h->out)) return -1;
    if ((tables & WN_TABLE_HINT) && connectivity_enumerate(h->hint, h->out)) return -1;
    if (tables & WN_TABLE_DEVICE) links_snapshot_end(h->links);
    return output_snapshot_end(h->out, tables, reason);
}

/* Reports what changed in the shared directory; a resync of the device table if inotify lost events. */
static int read_swd(struct helper *h)
{
    int r = swd_read(h->swd, report_swd, h->out);

    if (r < 0) return -1;
    if (!r) return 0;
    trace("software-device events lost: resynchronising devices\n");
    return snapshot(h, WN_TABLE_DEVICE, WN_REASON_RESYNC);
}

/* A software-device request: checked, carried out, its DEVICE records, then the reply. */
static int sw_change(struct helper *h, const struct wn_wire_record *rec)
{
    struct wn_wire_reply reply;

    reply.id = rec->u.sw.id;
    reply.result = swd_request_check(rec->type, rec->op, &rec->u.sw);
    if (reply.result == WN_RESULT_OK)
        reply.result = h->swd ? swd_request(h->swd, rec->type, rec->op, &rec->u.sw) : WN_RESULT_ACCESS_DENIED;
    trace("software device request %u (type %u, op %u) for %s\\%s: result %u\n", reply.id, rec->type, rec->op,
          rec->u.sw.enumerator, rec->u.sw.instance, reply.result);
    if (h->swd && read_swd(h)) return -1;
    return output_record(h->out, WN_WIRE_REPLY, WN_WIRE_OP_NONE, &reply, NULL, 0);
}

/* Carries out a change request.  The change's own events go out before the reply, so that when the API call
 * returns, the DLL's view already holds the change. */
static int change(struct helper *h, const struct wn_wire_record *rec)
{
    static const char *const ops[] = { "?", "add", "change", "delete" };
    struct wn_wire_reply reply;
    const char *what;
    const void *body;

    switch (rec->type)
    {
    case WN_WIRE_SET_ADDR:
        what = "address";
        body = &rec->u.set_addr.addr;
        reply.id = rec->u.set_addr.id;
        break;
    case WN_WIRE_SET_ROUTE:
        what = "route";
        body = &rec->u.set_route.route;
        reply.id = rec->u.set_route.id;
        break;
    default:
        what = "neighbour";
        body = &rec->u.set_neigh.neigh;
        reply.id = rec->u.set_neigh.id;
        break;
    }
    reply.result = nl_change(h->nl, rec->type, rec->op, body);
    trace("%s %s request %u: result %u\n", what, ops[rec->op <= WN_WIRE_OP_DEL ? rec->op : 0], reply.id,
          reply.result);
    if (nl_read_events(h->nl, h->out)) return -1;
    return output_record(h->out, WN_WIRE_REPLY, WN_WIRE_OP_NONE, &reply, NULL, 0);
}

/* An interface's settings: carried out, then the links dumped again, since the kernel announces only some of
 * these changes (forwarding, the link's MTU) by itself; the reply follows the link's new record. */
static int link_change(struct helper *h, const struct wn_wire_record *rec)
{
    struct wn_wire_reply reply;

    reply.id = rec->u.set_link.id;
    reply.result = nl_set_link(h->nl, &rec->u.set_link);
    trace("link request %u for %u, IPv%u, fields 0x%x: result %u\n", reply.id, rec->u.set_link.ifindex,
          rec->u.set_link.family, rec->u.set_link.fields, reply.result);
    if (nl_read_events(h->nl, h->out) || nl_refresh_links(h->nl, h->out)) return -1;
    return output_record(h->out, WN_WIRE_REPLY, WN_WIRE_OP_NONE, &reply, NULL, 0);
}

/* Reads what the DLL sent and serves it.  Returns 0, 1 when the connection closed, or -1 on a malformed
 * request or a failed dump. */
static int serve_requests(struct helper *h)
{
    struct wn_wire_record rec;
    size_t done = 0;
    ssize_t n;
    long r;

    n = read(h->conn, h->in + h->in_len, sizeof(h->in) - h->in_len);
    if (n < 0) return errno == EINTR || errno == EAGAIN ? 0 : 1;
    if (!n) return 1;
    h->in_len += (size_t)n;
    while ((r = wn_wire_decode(h->in + done, h->in_len - done, &rec)) > 0)
    {
        done += (size_t)r;
        switch (rec.type)
        {
        case WN_WIRE_DUMP:
            trace("dump requested: tables 0x%x\n", rec.u.dump.tables);
            if ((rec.u.dump.tables & WN_TABLE_NEIGH) && nl_follow_neighbours(h->nl))
            {
                trace("cannot follow neighbours: %s\n", strerror(errno));
                return -1;
            }
            if (snapshot(h, rec.u.dump.tables, WN_REASON_REQUEST)) return -1;
            break;
        case WN_WIRE_SET_ADDR:
        case WN_WIRE_SET_ROUTE:
        case WN_WIRE_SET_NEIGH:
            if (change(h, &rec)) return -1;
            break;
        case WN_WIRE_SET_LINK:
            if (link_change(h, &rec)) return -1;
            break;
        case WN_WIRE_SW_CREATE:
        case WN_WIRE_SW_INTERFACE:
        case WN_WIRE_SW_CLOSE:
            if (sw_change(h, &rec)) return -1;
            break;
        default:
            trace("unexpected record type %u from the DLL\n", rec.type);
            return -1;
        }
    }
    if (r < 0)
    {
        trace("malformed request\n");
        return -1;
    }
    memmove(h->in, h->in + done, h->in_len - done);
    h->in_len -= done;
    return 0;
}

/* Asked to end (SIGTERM, SIGHUP, SIGINT: a session closing, Ctrl-C in the terminal of the program we serve): we end
 * as when the connection closes, so that our dosdevices entries go with us. */
static volatile sig_atomic_t stop_signal;
static sigset_t during_poll;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

/* From the start: blocked but while we sleep in ppoll, which then returns EINTR, so that a signal can slip in
 * neither before the sleep nor before run() (one that comes while we start waits for the first ppoll). */
static void catch_stop_signals(void)
{
    static const int stops[] = { SIGTERM, SIGHUP, SIGINT };
    struct sigaction sa;
    sigset_t blocked;
    unsigned int i;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&blocked);
    for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
    {
        sigaddset(&blocked, stops[i]);
        sigaction(stops[i], &sa, NULL);
    }
    sigprocmask(SIG_BLOCK, &blocked, &during_poll);
    for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) sigdelset(&during_poll, stops[i]);
}

static int run(struct helper *h)
{
    struct pollfd fds[5];
    nfds_t nfds = 5;

    fds[0].fd = h->conn;
    fds[1].fd = nl_event_fd(h->nl);
    fds[2].fd = h->uevent_fd;   /* poll() skips negative fds */
    fds[3].fd = h->swd ? swd_fd(h->swd) : -1;
    fds[4].fd = connectivity_fd(h->hint);
    fds[0].events = fds[1].events = fds[2].events = fds[3].events = fds[4].events = POLLIN;

    for (;;)
    {
        unsigned int resyncs = nl_resyncs(h->nl);
        int r;

        if (ppoll(fds, nfds, NULL, &during_poll) < 0)
        {
            if (errno != EINTR) return 1;
            if (!stop_signal) continue;
            trace("signal %d: ending\n", (int)stop_signal);
            return 0;
        }
        if (fds[1].revents && nl_read_events(h->nl, h->out)) return 1;
        if (nl_resyncs(h->nl) != resyncs) trace("netlink events lost: resynchronised\n");
        if (fds[3].revents && read_swd(h)) return 1;
        if (fds[4].revents && connectivity_read(h->hint, h->out)) return 1;
        if (fds[2].revents)
        {
            if ((r = uevent_read(h->uevent_fd, h->out, h->links)) < 0) return 1;
            if (r == 1)
            {
                trace("uevents lost: resynchronising devices\n");
                if (snapshot(h, WN_TABLE_DEVICE, WN_REASON_RESYNC)) return 1;
            }
        }
        if (fds[0].revents)
        {
            if ((r = serve_requests(h)) > 0)
            {
                trace("connection closed\n");
                return 0;
            }
            if (r < 0) return 1;
        }
        if (output_flush(h->out))
        {
            trace("connection lost\n");
            return 0;
        }
    }
}

/* The token file is the DLL's to delete once it has read it; whatever way we end, it must not outlive us. */
static const char *token_file;

static void remove_token_file(void)
{
    if (token_file) unlink(token_file);
}

/* Likewise our dosdevices entries, whichever return ends main (a kill leaves them to the next helper's sweep).
 * From atexit the output may be freed already: then nothing is logged. */
static struct links *published;

static void release_links(void)
{
    links_close(published);
    published = NULL;
}

static void release_links_at_exit(void)
{
    log_out = NULL;
    release_links();
}

int main(int argc, char **argv)
{
    struct helper h;
    struct wn_wire_hello hello;
    struct handshake_args args;
    char swd_dir[PATH_MAX] = "", dos_dir[PATH_MAX] = "", links_dir[PATH_MAX] = "";
    unsigned int i;
    int status;

    drop_inherited();
    catch_stop_signals();
    if (handshake_parse_args(argc, argv, &args))
    {
        if (getenv("WINENOTIFY_HOST_DEBUG"))
            fprintf(stderr, "usage: winenotify-host --port PORT --token-file PATH [--debug MASK] [--env NAME=VALUE]...\n"
                    "(started by winenotify's iphlpapi.dll and cfgmgr32.dll under Wine; not a program to run by "
                    "hand)\n");
        return 2;
    }
    for (i = 0; i < args.n_env; i++) putenv((char *)args.env[i]);
    debug = getenv("WINENOTIFY_HOST_DEBUG") != NULL;
    reserve_stdio();
    signal(SIGPIPE, SIG_IGN);
    if (args.has_log_mask) log_mask = args.log_mask;
    memset(&hello, 0, sizeof(hello));
    if (handshake_make_token(args.token_file, hello.token))
    {
        trace("cannot make the token file %s: %s\n", args.token_file, strerror(errno));
        return 2;
    }
    token_file = args.token_file;
    atexit(remove_token_file);
    memset(&h, 0, sizeof(h));
    if ((h.conn = connect_back(args.port)) < 0)
    {
        trace("cannot connect to 127.0.0.1:%d: %s\n", args.port, strerror(errno));
        return 1;
    }
    if (!(h.out = output_new(h.conn))) return 1;
    hello.version = WN_WIRE_VERSION;
    hello.pid = (uint32_t)getpid();
    status = output_record(h.out, WN_WIRE_HELLO, WN_WIRE_OP_NONE, &hello, NULL, 0) || output_flush(h.out);
    memset(&hello, 0, sizeof(hello));
    if (status) return 0;
    log_out = h.out;
    trace("pid %d, protocol version %u, debug classes 0x%x\n", (int)getpid(), WN_WIRE_VERSION, log_mask);

    if (!(h.nl = nl_open()))
    {
        host_log(WN_LOG_ERR, "cannot open rtnetlink: %s: no network events (is this a Linux kernel with "
                 "NETLINK_ROUTE?)\n", strerror(errno));
        output_flush(h.out);
        return 1;
    }
    /* For the fault tests (RELIABILITY.md): a tiny receive buffer makes the kernel drop events, so that the
     * resync after an overflow can be tested end to end. */
    if (getenv("WINENOTIFY_HOST_RCVBUF") && nl_set_rcvbuf(h.nl, atoi(getenv("WINENOTIFY_HOST_RCVBUF"))))
        trace("cannot set the receive buffer: %s\n", strerror(errno));
    /* Without uevents devices are still listed at start and on request, only changes go unseen. */
    if ((h.uevent_fd = uevent_open()) < 0)
        host_log(WN_LOG_WARN, "cannot open the uevent socket: %s: devices are listed, their changes go unseen\n",
                 strerror(errno));
    /* Without it, software devices are refused (ACCESS_DENIED) and other processes' go unseen. */
    if (swd_default_dir(swd_dir, sizeof(swd_dir)) || !(h.swd = swd_open(swd_dir)))
        trace("cannot use the software-device directory %s: %s\n", swd_dir, strerror(errno));

    /* Before the first snapshot, whose devices get their entries before the DLL hears of them. */
    if (links_default_dirs(dos_dir, sizeof(dos_dir), links_dir, sizeof(links_dir)) ||
        !(h.links = links_open(dos_dir, links_dir, "/dev", trace_text)))
        trace("no dosdevices entries for device links (prefix %s, state %s): %s\n", dos_dir, links_dir,
              strerror(errno));
    published = h.links;
    atexit(release_links_at_exit);

    /* Before the first snapshot, so that the first view already has what the host's services say. */
    if (!(h.hint = connectivity_open(trace_text))) return 1;

    /* Neighbours come when the DLL first asks for them (nl_follow_neighbours). */
    if (snapshot(&h, WN_TABLE_ALL & ~WN_TABLE_NEIGH, WN_REASON_INITIAL) || output_flush(h.out)) return 1;
    trace("initial snapshot sent\n");
    status = run(&h);
    release_links();
    connectivity_close(h.hint);
    swd_close(h.swd);
    nl_close(h.nl);
    output_free(h.out);
    return status;
}
