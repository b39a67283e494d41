/* Thousands of changes against a tiny netlink receive buffer end in the exact final state.
 *
 * Root only, in a private network namespace (a forked child unshares one, so the host is untouched).  A writer
 * thread makes address changes with raw RTM_NEWADDR/RTM_DELADDR requests, adds routes through the new subnets,
 * and takes a bridge down and up (IPv4 then drops routes without a word), while this thread runs the helper's
 * netlink loop.  Every record goes through a real output over a socket pair into a reader thread, which applies
 * it to a model the way the DLL does and checks every op against it (no ADD of a known object, no CHANGE or DEL
 * of an unknown one).  Two phases: with the helper's own receive buffer (live events and route re-dumps), then
 * with a tiny one (lost events and resyncs).  After each, the model must equal a fresh dump and the addresses
 * must be exactly what the writer left; the second must have resynchronised at least once. */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "netlink.h"
#include "output.h"
#include "unit.h"

#define SLOTS4 600
#define SLOTS6 600
#define OPS 6000
#define BATCH 64

static int failures;
static const char *phase_name = "setup";

#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
    fprintf(stderr, "overflow (%s): %s:%d: ", phase_name, __FILE__, __LINE__); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/* ---- the model: what the DLL would believe, kept as plain arrays ------------------------------------------ */

struct table
{
    struct wn_wire_record *v;
    size_t count, cap;
};

/* Links, addresses, routes, neighbours, multicast and anycast addresses. */
#define MODEL_TABLES 5

struct model
{
    struct table t[MODEL_TABLES];
};

static int table_of(uint16_t type)
{
    return type == WN_WIRE_LINK ? 0 : type == WN_WIRE_ADDR ? 1 : type == WN_WIRE_ROUTE ? 2
         : type == WN_WIRE_NEIGH ? 3 : type == WN_WIRE_MADDR ? 4 : -1;
}

/* The WN_TABLE_* bit of each model table. */
static const uint32_t model_bits[MODEL_TABLES] = { WN_TABLE_LINK, WN_TABLE_ADDR, WN_TABLE_ROUTE, WN_TABLE_NEIGH,
                                                   WN_TABLE_MADDR };

/* Keys as the wire documents them, written out independently of seen.c. */
static int same_key(const struct wn_wire_record *a, const struct wn_wire_record *b)
{
    switch (a->type)
    {
    case WN_WIRE_LINK:
        return a->u.link.ifindex == b->u.link.ifindex;
    case WN_WIRE_ADDR:
        return a->u.addr.family == b->u.addr.family && a->u.addr.ifindex == b->u.addr.ifindex
            && a->u.addr.prefixlen == b->u.addr.prefixlen && !memcmp(a->u.addr.addr, b->u.addr.addr, 16);
    case WN_WIRE_NEIGH:
        return a->u.neigh.family == b->u.neigh.family && a->u.neigh.ifindex == b->u.neigh.ifindex
            && !memcmp(a->u.neigh.addr, b->u.neigh.addr, 16);
    case WN_WIRE_MADDR:
        return a->u.maddr.kind == b->u.maddr.kind && a->u.maddr.family == b->u.maddr.family
            && a->u.maddr.ifindex == b->u.maddr.ifindex && !memcmp(a->u.maddr.addr, b->u.maddr.addr, 16);
    default:
        return a->u.route.family == b->u.route.family && a->u.route.dst_len == b->u.route.dst_len
            && !memcmp(a->u.route.dst, b->u.route.dst, 16) && !memcmp(a->u.route.gateway, b->u.route.gateway, 16)
            && a->u.route.oif == b->u.route.oif && a->u.route.metric == b->u.route.metric
            && a->u.route.table == b->u.route.table;
    }
}

static int same_body(const struct wn_wire_record *a, const struct wn_wire_record *b)
{
    switch (a->type)
    {
    case WN_WIRE_LINK: return !memcmp(&a->u.link, &b->u.link, sizeof(a->u.link));
    case WN_WIRE_ADDR:
    {
        /* Two readings of a finite lifetime differ by the time between them: the same lifetime ends at the same
         * moment (stamp + seconds left). */
        struct wn_wire_addr x = a->u.addr, y = b->u.addr;

        if (!wn_wire_addr_lifetimes_same(&x, &y)) return 0;
        x.preferred_lft = y.preferred_lft = x.valid_lft = y.valid_lft = x.stamp = y.stamp = 0;
        return !memcmp(&x, &y, sizeof(x));
    }
    case WN_WIRE_NEIGH:
    {
        /* Ages grow by themselves; the helper passes on the rest. */
        struct wn_wire_neigh x = a->u.neigh, y = b->u.neigh;
        x.confirmed = y.confirmed = x.updated = y.updated = 0;
        return !memcmp(&x, &y, sizeof(x));
    }
    case WN_WIRE_MADDR: return !memcmp(&a->u.maddr, &b->u.maddr, sizeof(a->u.maddr));
    default: return !memcmp(&a->u.route, &b->u.route, sizeof(a->u.route));
    }
}

static long find(const struct table *t, const struct wn_wire_record *rec)
{
    size_t i;

    for (i = 0; i < t->count; i++)
        if (same_key(&t->v[i], rec)) return (long)i;
    return -1;
}

static void add(struct table *t, const struct wn_wire_record *rec)
{
    if (t->count == t->cap)
    {
        t->cap = t->cap ? t->cap * 2 : 1024;
        t->v = realloc(t->v, t->cap * sizeof(*t->v));
        if (!t->v) abort();
    }
    t->v[t->count++] = *rec;
}

static void model_copy(struct model *dst, const struct model *src)
{
    int i;

    for (i = 0; i < MODEL_TABLES; i++)
    {
        dst->t[i] = src->t[i];
        dst->t[i].v = malloc((src->t[i].count + 1) * sizeof(*src->t[i].v));
        if (!dst->t[i].v) abort();
        if (src->t[i].count) memcpy(dst->t[i].v, src->t[i].v, src->t[i].count * sizeof(*src->t[i].v));
        dst->t[i].cap = src->t[i].count + 1;
    }
}

static void model_free(struct model *m)
{
    int i;
    for (i = 0; i < MODEL_TABLES; i++) free(m->t[i].v);
}

/* ---- the reader: decodes the stream and applies it ------------------------------------------------------ */

struct reader
{
    int fd;
    struct model model;
    struct model before_request;  /* the model as the live records left it, when a requested dump began */
    struct model request;         /* what that dump listed */
    uint32_t snapshot;            /* tables of the snapshot in progress */
    uint32_t reason;
    unsigned int full_resyncs, route_resyncs, records, errors;
    unsigned int doubled;         /* objects a snapshot listed twice */
    unsigned int requests_done;   /* requested dumps read: the main thread waits for these */
    pthread_mutex_t lock;
    pthread_cond_t cond;
};

static void apply(struct reader *r, const struct wn_wire_record *rec)
{
    int index = table_of(rec->type);
    struct table *t;
    long at;

    r->records++;
    if (rec->type == WN_WIRE_SNAPSHOT_BEGIN)
    {
        int i;
        if (r->snapshot) r->errors++;
        r->snapshot = rec->u.snapshot.tables;
        r->reason = rec->u.snapshot.reason;
        if (r->reason == WN_REASON_RESYNC && r->snapshot == NL_TABLES) r->full_resyncs++;
        if (r->reason == WN_REASON_RESYNC && r->snapshot != NL_TABLES && (r->snapshot & WN_TABLE_ROUTE))
            r->route_resyncs++;
        if (r->reason == WN_REASON_REQUEST) model_copy(&r->before_request, &r->model);
        for (i = 0; i < MODEL_TABLES; i++)
            if (r->snapshot & model_bits[i]) r->model.t[i].count = 0;
        return;
    }
    if (rec->type == WN_WIRE_SNAPSHOT_END)
    {
        if (r->snapshot != rec->u.snapshot.tables || r->reason != rec->u.snapshot.reason) r->errors++;
        r->snapshot = 0;
        if (r->reason == WN_REASON_REQUEST)
        {
            model_copy(&r->request, &r->model);
            pthread_mutex_lock(&r->lock);
            r->requests_done++;
            pthread_cond_signal(&r->cond);
            pthread_mutex_unlock(&r->lock);
        }
        return;
    }
    if (index < 0)
    {
        r->errors++;
        return;
    }
    t = &r->model.t[index];
    if (r->snapshot & model_bits[index])
    {
        /* Inside a snapshot everything is an ADD.  A dump the kernel walks while the writer changes the table
         * may list an object twice; the DLL keeps one (state.c's apply_pending replaces it), and so must the
         * model, or the object's next DEL leaves a copy here that its next ADD then finds. */
        if (rec->op != WN_WIRE_OP_ADD) r->errors++;
        if ((at = find(t, rec)) >= 0)
        {
            r->doubled++;
            t->v[at] = *rec;
        }
        else add(t, rec);
        return;
    }
    at = find(t, rec);
    switch (rec->op)
    {
    case WN_WIRE_OP_ADD:
        if (at >= 0) { r->errors++; fprintf(stderr, "overflow: ADD of a known object (type %u)\n", rec->type); }
        else add(t, rec);
        break;
    case WN_WIRE_OP_CHANGE:
        if (at < 0) { r->errors++; fprintf(stderr, "overflow: CHANGE of an unknown object (type %u)\n", rec->type); }
        else if (same_body(&t->v[at], rec)) { r->errors++; fprintf(stderr, "overflow: CHANGE that changes nothing\n"); }
        else t->v[at] = *rec;
        break;
    case WN_WIRE_OP_DEL:
        if (at < 0) { r->errors++; fprintf(stderr, "overflow: DEL of an unknown object (type %u)\n", rec->type); }
        else t->v[at] = t->v[--t->count];
        break;
    }
}

static void *reader_main(void *arg)
{
    struct reader *r = arg;
    static unsigned char buf[1 << 20];
    size_t len = 0;

    for (;;)
    {
        struct wn_wire_record rec;
        size_t done = 0;
        ssize_t n = read(r->fd, buf + len, sizeof(buf) - len);
        long k;

        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += (size_t)n;
        while ((k = wn_wire_decode(buf + done, len - done, &rec)) > 0)
        {
            apply(r, &rec);
            done += (size_t)k;
        }
        if (k < 0)
        {
            r->errors++;
            fprintf(stderr, "overflow: malformed stream\n");
            break;
        }
        memmove(buf, buf + done, len - done);
        len -= done;
    }
    return NULL;
}

/* ---- the writer: raw rtnetlink requests ------------------------------------------------------------------ */

struct request
{
    union
    {
        struct nlmsghdr nlh;
        unsigned char bytes[256];
    } u;
};

static void req_init(struct request *q, uint16_t type, uint16_t flags, const void *fixed, size_t size)
{
    memset(q, 0, sizeof(*q));
    q->u.nlh.nlmsg_len = NLMSG_LENGTH(size);
    q->u.nlh.nlmsg_type = type;
    q->u.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    memcpy(NLMSG_DATA(&q->u.nlh), fixed, size);
}

static struct rtattr *req_attr(struct request *q, uint16_t type, const void *data, size_t size)
{
    struct rtattr *rta = (struct rtattr *)(q->u.bytes + NLMSG_ALIGN(q->u.nlh.nlmsg_len));

    rta->rta_type = type;
    rta->rta_len = (unsigned short)RTA_LENGTH(size);
    if (size) memcpy(RTA_DATA(rta), data, size);
    q->u.nlh.nlmsg_len = NLMSG_ALIGN(q->u.nlh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
    return rta;
}

static void req_end_nest(struct request *q, struct rtattr *nest)
{
    nest->rta_len = (unsigned short)(q->u.bytes + q->u.nlh.nlmsg_len - (unsigned char *)nest);
}

struct writer
{
    int fd;
    int bridge;              /* ifindex of our bridge, or 0 (IPv4 then lives on lo and no link goes down) */
    int bridge_up;
    uint32_t seq;
    uint32_t rng;
    unsigned char present[SLOTS4 + SLOTS6];
    unsigned char deprecated[SLOTS4 + SLOTS6];
    int ops;
    int done;
    pthread_mutex_t lock;
};

/* Sends one request and waits for its ack.  Returns the kernel's errno (0 for success). */
static int transact(struct writer *w, struct request *q)
{
    unsigned char buf[8192];

    q->u.nlh.nlmsg_seq = ++w->seq;
    if (send(w->fd, q->u.bytes, q->u.nlh.nlmsg_len, 0) < 0) return errno;
    for (;;)
    {
        ssize_t n = recv(w->fd, buf, sizeof(buf), 0);
        struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
        int len = (int)n;

        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len))
            if (nlh->nlmsg_type == NLMSG_ERROR && nlh->nlmsg_seq == w->seq)
                return -((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
    }
}

static int set_link_up(struct writer *w, int ifindex, int up)
{
    struct ifinfomsg ifi = { AF_UNSPEC, 0, 0, ifindex, up ? IFF_UP : 0, IFF_UP };
    struct request q;

    req_init(&q, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
    return transact(w, &q);
}

static int create_bridge(struct writer *w)
{
    struct ifinfomsg ifi = { AF_UNSPEC, 0, 0, 0, 0, 0 };
    struct request q;
    struct rtattr *info, *spec, *inet6;
    unsigned char mode = IN6_ADDR_GEN_MODE_NONE;

    req_init(&q, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi));
    req_attr(&q, IFLA_IFNAME, "wnovf0", 7);
    info = req_attr(&q, IFLA_LINKINFO, NULL, 0);
    req_attr(&q, IFLA_INFO_KIND, "bridge", 7);
    req_end_nest(&q, info);
    if (transact(w, &q)) return 0;
    ifi.ifi_index = (int)if_nametoindex("wnovf0");
    /* No IPv6 link-local address: its DAD would finish on a timer, after the writer, and race the final
     * comparison. */
    req_init(&q, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
    spec = req_attr(&q, IFLA_AF_SPEC, NULL, 0);
    inet6 = req_attr(&q, AF_INET6, NULL, 0);
    req_attr(&q, IFLA_INET6_ADDR_GEN_MODE, &mode, 1);
    req_end_nest(&q, inet6);
    req_end_nest(&q, spec);
    transact(w, &q);
    return ifi.ifi_index;
}

static void slot_address(int slot, unsigned char *family, unsigned char addr[16], int *ifindex, int bridge)
{
    memset(addr, 0, 16);
    if (slot < SLOTS4)
    {
        *family = AF_INET;
        addr[0] = 10;
        addr[1] = (unsigned char)(1 + slot / 256);
        addr[2] = (unsigned char)(slot % 256);
        addr[3] = 1;
        *ifindex = bridge ? bridge : 1;
    }
    else
    {
        slot -= SLOTS4;
        *family = AF_INET6;
        addr[0] = 0x20; addr[1] = 0x01; addr[2] = 0x0d; addr[3] = 0xb8;
        addr[4] = (unsigned char)(slot >> 8);
        addr[5] = (unsigned char)slot;
        addr[15] = 1;
        *ifindex = 1;
    }
}

/* An address request: add (create), change (replace the preferred lifetime) or delete. */
static void address_request(struct writer *w, struct request *q, int slot, uint16_t type, uint16_t flags,
                            int deprecated)
{
    unsigned char family, addr[16];
    int ifindex;
    struct ifaddrmsg ifa;
    struct ifa_cacheinfo ci = { deprecated ? 0 : 0xffffffffu, 0xffffffffu, 0, 0 };
    uint32_t ifa_flags = IFA_F_NODAD;

    slot_address(slot, &family, addr, &ifindex, w->bridge);
    memset(&ifa, 0, sizeof(ifa));
    ifa.ifa_family = family;
    ifa.ifa_prefixlen = family == AF_INET ? 24 : 64;
    ifa.ifa_index = (unsigned int)ifindex;
    req_init(q, type, flags, &ifa, sizeof(ifa));
    req_attr(q, IFA_LOCAL, addr, family == AF_INET ? 4 : 16);
    req_attr(q, IFA_ADDRESS, addr, family == AF_INET ? 4 : 16);
    if (type == RTM_NEWADDR)
    {
        req_attr(q, IFA_FLAGS, &ifa_flags, sizeof(ifa_flags));
        req_attr(q, IFA_CACHEINFO, &ci, sizeof(ci));
    }
}

/* A route through the slot's subnet: IPv4 drops it silently when the address or the link goes. */
static void gateway_route_request(struct request *q, int slot)
{
    struct rtmsg rtm = { AF_INET, 24, 0, 0, RT_TABLE_MAIN, RTPROT_STATIC, RT_SCOPE_UNIVERSE, RTN_UNICAST, 0 };
    unsigned char dst[4] = { 172, (unsigned char)(16 + slot / 256), (unsigned char)(slot % 256), 0 };
    unsigned char gw[4] = { 10, (unsigned char)(1 + slot / 256), (unsigned char)(slot % 256), 2 };

    req_init(q, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &rtm, sizeof(rtm));
    req_attr(q, RTA_DST, dst, 4);
    req_attr(q, RTA_GATEWAY, gw, 4);
}

static uint32_t next_random(struct writer *w)
{
    w->rng ^= w->rng << 13;
    w->rng ^= w->rng >> 17;
    w->rng ^= w->rng << 5;
    return w->rng;
}

/* One batch: up to BATCH requests sent back to back, then their acks.  The expected state follows only what the
 * kernel acknowledged. */
static int write_batch(struct writer *w, int *ops_left)
{
    struct request q[BATCH];
    int slot_of[BATCH], kind[BATCH];   /* kind: 0 add, 1 change, 2 delete, 3 route (errors allowed), 4 link */
    unsigned char buf[BATCH * sizeof(struct request)], touched[SLOTS4 + SLOTS6];
    size_t len = 0;
    int n = 0, acked = 0, i;
    uint32_t first = w->seq + 1;

    /* Requests of one batch touch a slot at most once, so the acks update the expected state in any order. */
    memset(touched, 0, sizeof(touched));
    while (n + 2 <= BATCH && *ops_left > 0)
    {
        uint32_t r = next_random(w);
        int slot = (int)(r % (SLOTS4 + SLOTS6));

        (*ops_left)--;
        if (w->bridge && r % 100 < 2)
        {
            struct ifinfomsg ifi = { AF_UNSPEC, 0, 0, w->bridge, w->bridge_up ? 0 : IFF_UP, IFF_UP };
            req_init(&q[n], RTM_NEWLINK, 0, &ifi, sizeof(ifi));
            w->bridge_up = !w->bridge_up;
            kind[n] = 4;
            slot_of[n++] = 0;
            continue;
        }
        if (touched[slot]) continue;
        touched[slot] = 1;
        if (!w->present[slot])
        {
            int dep = (int)((r >> 8) & 1);
            address_request(w, &q[n], slot, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, dep);
            kind[n] = 0;
            slot_of[n++] = slot | dep << 16;
            if (slot < SLOTS4)
            {
                gateway_route_request(&q[n], slot);
                kind[n] = 3;
                slot_of[n++] = slot;
            }
        }
        else if ((r >> 8) % 3 == 0)
        {
            int dep = !w->deprecated[slot];
            address_request(w, &q[n], slot, RTM_NEWADDR, NLM_F_REPLACE, dep);
            kind[n] = 1;
            slot_of[n++] = slot | dep << 16;
        }
        else
        {
            address_request(w, &q[n], slot, RTM_DELADDR, 0, 0);
            kind[n] = 2;
            slot_of[n++] = slot;
        }
    }
    for (i = 0; i < n; i++)
    {
        q[i].u.nlh.nlmsg_seq = first + (uint32_t)i;
        memcpy(buf + len, q[i].u.bytes, q[i].u.nlh.nlmsg_len);
        len += NLMSG_ALIGN(q[i].u.nlh.nlmsg_len);
    }
    w->seq += (uint32_t)n;
    if (!n) return 0;
    if (send(w->fd, buf, len, 0) != (ssize_t)len) return -1;

    while (acked < n)
    {
        unsigned char rbuf[65536];
        ssize_t got = recv(w->fd, rbuf, sizeof(rbuf), 0);
        struct nlmsghdr *nlh = (struct nlmsghdr *)rbuf;
        int rlen = (int)got;

        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return -1;
        for (; NLMSG_OK(nlh, rlen); nlh = NLMSG_NEXT(nlh, rlen))
        {
            int k, err, slot;
            if (nlh->nlmsg_type != NLMSG_ERROR) continue;
            k = (int)(nlh->nlmsg_seq - first);
            if (k < 0 || k >= n) continue;
            err = -((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
            acked++;
            slot = slot_of[k] & 0xffff;
            switch (kind[k])
            {
            case 0:
                CHECK(!err, "adding slot %d: %s", slot, strerror(err));
                if (!err) { w->present[slot] = 1; w->deprecated[slot] = (unsigned char)(slot_of[k] >> 16); }
                break;
            case 1:
                CHECK(!err, "changing slot %d: %s", slot, strerror(err));
                if (!err) w->deprecated[slot] = (unsigned char)(slot_of[k] >> 16);
                break;
            case 2:
                CHECK(!err, "deleting slot %d: %s", slot, strerror(err));
                if (!err) w->present[slot] = 0;
                break;
            case 4:
                CHECK(!err, "toggling the bridge: %s", strerror(err));
                break;
            }
        }
    }
    return 0;
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    int ops_left = w->ops;

    while (ops_left > 0)
        if (write_batch(w, &ops_left))
        {
            CHECK(0, "writer: %s", strerror(errno));
            break;
        }
    /* Back up, so the final state has the bridge's routes too. */
    if (w->bridge && !w->bridge_up) CHECK(!set_link_up(w, w->bridge, 1), "bridge up");
    pthread_mutex_lock(&w->lock);
    w->done = 1;
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

static int writer_done(struct writer *w)
{
    int done;
    pthread_mutex_lock(&w->lock);
    done = w->done;
    pthread_mutex_unlock(&w->lock);
    return done;
}

/* ---- the checks ---------------------------------------------------------------------------------------- */

static void compare_tables(const char *what, const struct table *a, const struct table *b)
{
    size_t i;
    int missing = 0, differ = 0;

    CHECK(a->count == b->count, "%s: %zu after the events, %zu in a fresh dump", what, a->count, b->count);
    for (i = 0; i < b->count; i++)
    {
        long at = find(a, &b->v[i]);
        if (at < 0) missing++;
        else if (!same_body(&a->v[at], &b->v[i])) differ++;
    }
    CHECK(!missing && !differ, "%s: %d of the fresh dump missing, %d different", what, missing, differ);
}

static void check_addresses(const struct writer *w, const struct table *t)
{
    int slot, wrong = 0, count = 0;

    for (slot = 0; slot < SLOTS4 + SLOTS6; slot++)
    {
        struct wn_wire_record rec;
        unsigned char family, addr[16];
        int ifindex;
        long at;

        memset(&rec, 0, sizeof(rec));
        slot_address(slot, &family, addr, &ifindex, w->bridge);
        rec.type = WN_WIRE_ADDR;
        rec.u.addr.family = family == AF_INET ? 4 : 6;
        rec.u.addr.prefixlen = family == AF_INET ? 24 : 64;
        rec.u.addr.ifindex = (uint32_t)ifindex;
        memcpy(rec.u.addr.addr, addr, 16);
        at = find(t, &rec);
        if ((at >= 0) != w->present[slot]) wrong++;
        /* IPv4 reports a permanent address's preferred lifetime as forever even when deprecated: use the flag. */
        else if (at >= 0 && !(t->v[at].u.addr.flags & IFA_F_DEPRECATED) != !w->deprecated[slot]) wrong++;
        count += w->present[slot];
    }
    CHECK(!wrong, "%d of %d addresses differ from what the writer left", wrong, SLOTS4 + SLOTS6);
    CHECK(count > 100, "only %d addresses at the end", count);
}

struct phase_result
{
    unsigned int full, routes, doubled;
};

/* The writer makes ops changes while this thread runs the helper's loop; then a requested dump must equal what
 * the records built, and the addresses must be what the writer left. */
static void phase(struct phase_result *res, const char *name, struct nl *nl, struct output *out, struct writer *w,
                  struct reader *r, int ops)
{
    pthread_t writer_thread;
    unsigned int full, routes, doubled, requests;

    phase_name = name;
    pthread_mutex_lock(&r->lock);
    full = r->full_resyncs;
    routes = r->route_resyncs;
    doubled = r->doubled;
    requests = r->requests_done;
    pthread_mutex_unlock(&r->lock);

    w->ops = ops;
    w->done = 0;
    pthread_create(&writer_thread, NULL, writer_main, w);
    /* The helper's loop, with a timeout only so the test notices the writer finished. */
    for (;;)
    {
        struct pollfd p = { nl_event_fd(nl), POLLIN, 0 };
        int done = writer_done(w);

        poll(&p, 1, done ? 0 : 100);
        if (nl_read_events(nl, out) || output_flush(out))
        {
            CHECK(0, "nl_read_events or output failed");
            break;
        }
        /* Once the writer is done every event it caused is queued: this pass read them all. */
        if (done) break;
    }
    pthread_join(writer_thread, NULL);
    /* Another pass, after a moment for anything the kernel finishes on a timer. */
    usleep(100 * 1000);
    CHECK(!nl_read_events(nl, out) && !output_flush(out), "last events");

    CHECK(!output_snapshot_begin(out, NL_TABLES, WN_REASON_REQUEST) && !nl_dump(nl, out, NL_TABLES)
          && !output_snapshot_end(out, NL_TABLES, WN_REASON_REQUEST) && !output_flush(out), "fresh dump");
    pthread_mutex_lock(&r->lock);
    while (r->requests_done == requests) pthread_cond_wait(&r->cond, &r->lock);
    res->full = r->full_resyncs - full;
    res->routes = r->route_resyncs - routes;
    res->doubled = r->doubled - doubled;
    pthread_mutex_unlock(&r->lock);

    compare_tables("links", &r->before_request.t[0], &r->request.t[0]);
    compare_tables("addresses", &r->before_request.t[1], &r->request.t[1]);
    compare_tables("routes", &r->before_request.t[2], &r->request.t[2]);
    compare_tables("neighbours", &r->before_request.t[3], &r->request.t[3]);
    check_addresses(w, &r->request.t[1]);
    printf("(%s: %u resyncs after lost events, %u route re-dumps, %u objects listed twice by a dump, %zu addresses, "
           "%zu routes) ", name, res->full, res->routes, res->doubled, r->request.t[1].count, r->request.t[2].count);
    model_free(&r->before_request);
    model_free(&r->request);
    memset(&r->before_request, 0, sizeof(r->before_request));
    memset(&r->request, 0, sizeof(r->request));
}

static int run_child(void)
{
    struct writer *w = calloc(1, sizeof(*w));
    struct reader *r = calloc(1, sizeof(*r));
    struct sockaddr_nl sa = { AF_NETLINK, 0, 0, 0 };
    pthread_t reader_thread;
    struct phase_result result;
    struct output *out;
    struct nl *nl;
    int sv[2], big = 4 << 20;

    if (!w || !r) return 1;
    if (unshare(CLONE_NEWNET))
    {
        printf("skipped: cannot create a network namespace (%s)\n", strerror(errno));
        return UNIT_SKIP;
    }
    w->rng = 0x9e3779b9u;
    pthread_mutex_init(&w->lock, NULL);
    w->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    CHECK(w->fd >= 0 && !bind(w->fd, (struct sockaddr *)&sa, sizeof(sa)), "request socket: %s", strerror(errno));
    if (failures) return 1;
    /* Acks for a whole batch must fit. */
    setsockopt(w->fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
    CHECK(!set_link_up(w, 1, 1), "lo up");
    if ((w->bridge = create_bridge(w)))
    {
        CHECK(!set_link_up(w, w->bridge, 1), "bridge up");
        w->bridge_up = 1;
    }
    else printf("(no bridge driver: IPv4 on lo, no link changes) ");

    nl = nl_open();
    CHECK(nl != NULL, "nl_open: %s", strerror(errno));
    if (failures) return 1;
    CHECK(!nl_follow_neighbours(nl), "nl_follow_neighbours: %s", strerror(errno));
    CHECK(!socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), "socketpair");
    out = output_new(sv[0]);
    r->fd = sv[1];
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->cond, NULL);
    CHECK(out != NULL, "output_new");
    if (failures) return 1;
    pthread_create(&reader_thread, NULL, reader_main, r);

    CHECK(!output_snapshot_begin(out, NL_TABLES, WN_REASON_INITIAL) && !nl_dump(nl, out, NL_TABLES)
          && !output_snapshot_end(out, NL_TABLES, WN_REASON_INITIAL) && !output_flush(out), "initial snapshot");
    phase(&result, "live events", nl, out, w, r, OPS / 2);
    CHECK(result.routes >= 1, "IPv4 dropped routes silently, yet the routes were never dumped again");
    /* The kernel rounds this up to its minimum: a few messages at most. */
    CHECK(!nl_set_rcvbuf(nl, 1), "tiny receive buffer: %s", strerror(errno));
    phase(&result, "tiny receive buffer", nl, out, w, r, OPS);
    CHECK(result.full >= 1, "no resync happened: the receive buffer did not overflow");
    shutdown(sv[0], SHUT_WR);
    pthread_join(reader_thread, NULL);
    CHECK(!r->errors, "%u records did not fit the model", r->errors);
    fflush(stdout);

    nl_close(nl);
    output_free(out);
    model_free(&r->model);
    return failures ? 1 : 0;
}

static void test_overflow(void)
{
    unit_run_root_child(run_child);
}

void register_overflow_tests(void)
{
    static const CU_TestInfo tests[] =
    {
        { "thousands of changes, tiny receive buffer, exact final state", test_overflow },
        CU_TEST_INFO_NULL,
    };
    unit_add_suite("overflow", tests);
}
