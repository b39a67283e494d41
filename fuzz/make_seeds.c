/* Seed corpora for the fuzz targets, made at run time from the CUnit fixtures (tests/fixtures/):
 *
 *     make_seeds FIXTURES-DIR OUT-DIR
 *
 * fills OUT-DIR/nl_parse, uevent_parse, wire and nl_request.  The netlink fixtures hold many messages one after
 * another: each message is a seed, and so are runs of them up to a datagram's size.  The wire and request seeds
 * are what the helper would send and receive for the same captures: the dumps and devices as an initial
 * snapshot, then live events, then a resync; the captured addresses and routes as change requests. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/netlink.h>

#include "nl_parse.h"
#include "uevent_parse.h"

#define SEED_MAX 4096          /* the netlink seeds: a datagram's worth */
#define STREAM_MAX 8192        /* the wire seeds */

static const char *out_dir;

_Noreturn static void die(const char *what)
{
    fprintf(stderr, "make_seeds: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void save(const char *target, const char *name, unsigned int n, const void *data, size_t len)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", out_dir, target);
    if (mkdir(path, 0777) && errno != EEXIST) die(path);
    snprintf(path, sizeof(path), "%s/%s/%s.%u", out_dir, target, name, n);
    if (!(f = fopen(path, "wb")) || fwrite(data, 1, len, f) != len || fclose(f)) die(path);
}

static uint8_t *load(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    uint8_t *data;
    FILE *f;
    long size;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (!(f = fopen(path, "rb")) || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
        die(path);
    /* Aligned, so that the messages can be walked with the kernel's macros. */
    if (!(data = aligned_alloc(4, ((size_t)size + 4) & ~(size_t)3))) die("out of memory");
    if (fread(data, 1, (size_t)size, f) != (size_t)size) die(path);
    fclose(f);
    *len = (size_t)size;
    return data;
}

/* ---- the wire stream the helper would send --------------------------------------------------------------- */

struct stream
{
    uint8_t bytes[STREAM_MAX];
    size_t len;
};

static int put(struct stream *s, uint16_t type, uint16_t op, const void *body, const char *props, size_t props_len)
{
    size_t n = wn_wire_encode(s->bytes + s->len, sizeof(s->bytes) - s->len, type, op, body, props, props_len);

    s->len += n;
    return n ? 0 : -1;
}

static void put_snapshot(struct stream *s, uint16_t type, uint32_t tables, uint32_t reason)
{
    struct wn_wire_snapshot snap = { tables, reason };

    put(s, type, WN_WIRE_OP_NONE, &snap, NULL, 0);
}

/* The objects of the captures: dumps (as a snapshot would list them) and events. */
#define MAX_OBJECTS 4096

struct objects
{
    struct nl_item item[MAX_OBJECTS];
    size_t count;
};

static struct objects dumped, events;

static int collect(void *ctx, const struct nl_item *item)
{
    struct objects *o = ctx;

    if (item->type != NL_ITEM_NETCONF && o->count < MAX_OBJECTS) o->item[o->count++] = *item;
    return 0;
}

static struct uevent devices[64];
static size_t n_devices;

/* ---- the seeds ------------------------------------------------------------------------------------------- */

/* NLMSG_OK, without its signed/unsigned comparison that clang warns about. */
static int msg_ok(const struct nlmsghdr *nlh, int len)
{
    return len >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) && nlh->nlmsg_len <= (unsigned int)len;
}

static void netlink_seeds(const char *dir, const char *name)
{
    size_t size, run_start = 0, run_len = 0;
    uint8_t *data = load(dir, name, &size);
    const struct nlmsghdr *nlh = (const struct nlmsghdr *)data;
    unsigned int n = 0;
    int len = (int)size;

    for (; msg_ok(nlh, len); nlh = NLMSG_NEXT(nlh, len))
    {
        size_t off = (size_t)((const uint8_t *)nlh - data), msg_len = NLMSG_ALIGN(nlh->nlmsg_len);

        save("nl_parse", name, n++, nlh, nlh->nlmsg_len);
        nl_parse(nlh, (size_t)len, collect, strstr(name, "dump") ? &dumped : &events);
        if (run_len && run_len + msg_len > SEED_MAX)
        {
            save("nl_parse", name, n++, data + run_start, run_len);
            run_len = 0;
        }
        if (!run_len) run_start = off;
        run_len += msg_len;
    }
    if (run_len) save("nl_parse", name, n++, data + run_start, run_len);
    free(data);
}

static void uevent_seed(const char *dir, const char *name)
{
    size_t size;
    uint8_t *data = load(dir, name, &size);

    save("uevent_parse", name, 0, data, size);
    if (n_devices < sizeof(devices) / sizeof(devices[0]) && !uevent_parse(data, size, &devices[n_devices]))
        n_devices++;
    free(data);
}

static void put_device(struct stream *s, const struct uevent *ev, uint16_t op)
{
    struct wn_wire_device dev = { ev->seqnum, ev->ifindex, 0, 0 };

    put(s, WN_WIRE_DEVICE, op, &dev, ev->props, ev->props_len);
}

/* The initial snapshot: every dumped object and every device that was added. */
static void initial(struct stream *s)
{
    size_t i;

    s->len = 0;
    put_snapshot(s, WN_WIRE_SNAPSHOT_BEGIN, WN_TABLE_ALL, WN_REASON_INITIAL);
    for (i = 0; i < dumped.count; i++) put(s, dumped.item[i].type, WN_WIRE_OP_ADD, &dumped.item[i].u, NULL, 0);
    for (i = 0; i < n_devices; i++)
        if (devices[i].op == WN_WIRE_OP_ADD) put_device(s, &devices[i], WN_WIRE_OP_ADD);
    put_snapshot(s, WN_WIRE_SNAPSHOT_END, WN_TABLE_ALL, WN_REASON_INITIAL);
}

static void wire_seeds(void)
{
    static struct stream s;
    struct wn_wire_reply reply = { 1, WN_RESULT_OK };
    struct wn_wire_dump dump = { WN_TABLE_ALL };
    struct wn_wire_set_addr set_addr;
    struct wn_wire_set_route set_route;
    struct wn_wire_set_neigh set_neigh;
    unsigned int n = 0;
    size_t i, next = 0, mark;

    initial(&s);
    save("wire", "initial", n++, s.bytes, s.len);

    /* Live events after the initial snapshot, as many seeds as it takes. */
    while (next < events.count)
    {
        initial(&s);
        for (; next < events.count; next++)
            if (put(&s, events.item[next].type, events.item[next].op, &events.item[next].u, NULL, 0)) break;
        save("wire", "events", n++, s.bytes, s.len);
    }
    initial(&s);
    for (i = 0; i < n_devices; i++) put_device(&s, &devices[i], devices[i].op);
    put(&s, WN_WIRE_REPLY, WN_WIRE_OP_NONE, &reply, NULL, 0);
    save("wire", "devices", n++, s.bytes, s.len);

    /* A connectivity service's hint: in the snapshot, changed, gone. */
    {
        struct wn_wire_hint hint = { 0, WN_HINT_LEVEL_INTERNET, WN_HINT_COST_UNRESTRICTED, 0,
                                     WN_HINT_SOURCE_NETWORKMANAGER };

        s.len = 0;
        put_snapshot(&s, WN_WIRE_SNAPSHOT_BEGIN, WN_TABLE_ALL, WN_REASON_INITIAL);
        for (i = 0; i < dumped.count; i++) put(&s, dumped.item[i].type, WN_WIRE_OP_ADD, &dumped.item[i].u, NULL, 0);
        put(&s, WN_WIRE_HINT, WN_WIRE_OP_ADD, &hint, NULL, 0);
        put_snapshot(&s, WN_WIRE_SNAPSHOT_END, WN_TABLE_ALL, WN_REASON_INITIAL);
        hint.level = WN_HINT_LEVEL_CONSTRAINED;
        hint.cost = WN_HINT_COST_FIXED;
        put(&s, WN_WIRE_HINT, WN_WIRE_OP_CHANGE, &hint, NULL, 0);
        put(&s, WN_WIRE_HINT, WN_WIRE_OP_DEL, &hint, NULL, 0);
        save("wire", "hint", n++, s.bytes, s.len);
    }

    /* A resync of the network tables that finds the routes gone, and one cut short by a broken record. */
    initial(&s);
    put_snapshot(&s, WN_WIRE_SNAPSHOT_BEGIN, WN_TABLE_LINK | WN_TABLE_ADDR | WN_TABLE_ROUTE, WN_REASON_RESYNC);
    for (i = 0; i < dumped.count; i++)
        if (dumped.item[i].type != WN_WIRE_ROUTE)
            put(&s, dumped.item[i].type, WN_WIRE_OP_ADD, &dumped.item[i].u, NULL, 0);
    mark = s.len;
    put_snapshot(&s, WN_WIRE_SNAPSHOT_END, WN_TABLE_LINK | WN_TABLE_ADDR | WN_TABLE_ROUTE, WN_REASON_RESYNC);
    save("wire", "resync", n++, s.bytes, s.len);
    s.len = mark;
    memset(s.bytes + s.len, 0xff, 8);
    s.len += 8;
    save("wire", "broken", n++, s.bytes, s.len);

    /* What the DLL sends the helper: the same decoder reads it there. */
    s.len = 0;
    put(&s, WN_WIRE_DUMP, WN_WIRE_OP_NONE, &dump, NULL, 0);
    for (i = 0; i < dumped.count; i++)
    {
        if (dumped.item[i].type == WN_WIRE_ADDR)
        {
            set_addr.id = (uint32_t)i;
            set_addr.addr = dumped.item[i].u.addr;
            put(&s, WN_WIRE_SET_ADDR, WN_WIRE_OP_ADD, &set_addr, NULL, 0);
        }
        else if (dumped.item[i].type == WN_WIRE_ROUTE)
        {
            set_route.id = (uint32_t)i;
            set_route.route = dumped.item[i].u.route;
            put(&s, WN_WIRE_SET_ROUTE, WN_WIRE_OP_DEL, &set_route, NULL, 0);
        }
    }
    /* Version 5: a neighbour set by hand, asked to resolve, deleted. */
    memset(&set_neigh, 0, sizeof(set_neigh));
    set_neigh.id = 77;
    set_neigh.neigh.family = 4;
    set_neigh.neigh.ifindex = 2;
    set_neigh.neigh.addr[0] = 10;
    set_neigh.neigh.addr[3] = 5;
    set_neigh.neigh.state = 0x80;
    set_neigh.neigh.lladdr_len = 6;
    set_neigh.neigh.lladdr[0] = 2;
    put(&s, WN_WIRE_SET_NEIGH, WN_WIRE_OP_ADD, &set_neigh, NULL, 0);
    set_neigh.neigh.state = 0;
    set_neigh.neigh.lladdr_len = 0;
    set_neigh.neigh.lladdr[0] = 0;
    put(&s, WN_WIRE_SET_NEIGH, WN_WIRE_OP_CHANGE, &set_neigh, NULL, 0);
    put(&s, WN_WIRE_SET_NEIGH, WN_WIRE_OP_DEL, &set_neigh, NULL, 0);
    save("wire", "requests", n++, s.bytes, s.len);
}

/* A captured address or route as a request: the body in the form the rules of wire.h ask for. */
static void request_seeds(void)
{
    unsigned int n = 0;
    size_t i;

    for (i = 0; i < dumped.count; i++)
    {
        struct nl_item item = dumped.item[i];
        uint8_t seed[7 + sizeof(item.u)];
        static const uint16_t ops[] = { WN_WIRE_OP_ADD, WN_WIRE_OP_DEL };
        uint32_t seq = (uint32_t)i + 1;
        size_t body, j;

        if (item.type == WN_WIRE_ADDR)
        {
            item.u.addr.scope = 0;
            item.u.addr.flags = 0;
            body = sizeof(item.u.addr);
            seed[0] = 0;
        }
        else if (item.type == WN_WIRE_ROUTE)
        {
            item.u.route.protocol = item.u.route.type = item.u.route.scope = 0;
            item.u.route.table = 0;
            body = sizeof(item.u.route);
            seed[0] = 1;
        }
        else if (item.type == WN_WIRE_NEIGH)
        {
            item.u.neigh.flags = item.u.neigh.type = 0;
            item.u.neigh.confirmed = item.u.neigh.updated = 0;
            body = sizeof(item.u.neigh);
            seed[0] = 2;
        }
        else continue;
        for (j = 0; j < sizeof(ops) / sizeof(ops[0]); j++)
        {
            memcpy(seed + 1, &ops[j], sizeof(ops[j]));
            memcpy(seed + 3, &seq, sizeof(seq));
            memcpy(seed + 7, &item.u, body);
            save("nl_request", "request", n++, seed, 7 + body);
        }
    }
}

int main(int argc, char **argv)
{
    struct dirent **names;
    int count, i;

    if (argc != 3)
    {
        fprintf(stderr, "usage: make_seeds FIXTURES-DIR OUT-DIR\n");
        return 2;
    }
    out_dir = argv[2];
    if (mkdir(out_dir, 0777) && errno != EEXIST) die(out_dir);
    if ((count = scandir(argv[1], &names, NULL, alphasort)) < 0) die(argv[1]);
    for (i = 0; i < count; i++)
    {
        const char *name = names[i]->d_name;

        if (!strncmp(name, "nl-", 3)) netlink_seeds(argv[1], name);
        else if (!strncmp(name, "uevent-", 7)) uevent_seed(argv[1], name);
        free(names[i]);
    }
    free(names);
    if (!dumped.count || !n_devices)
    {
        fprintf(stderr, "make_seeds: no netlink dump or no uevent in %s\n", argv[1]);
        return 1;
    }
    wire_seeds();
    request_seeds();
    return 0;
}
