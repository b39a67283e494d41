/* The PE core against the real host helper, under Wine (dlls/common/source*.c, state.c, luid.c,
 * helper_launch.c linked in directly; winenotify-host beside this program).
 *
 * Changes are made with ip(8) through /bin/sh, which Wine starts as a Linux process.  Wine loses such a
 * process's exit code and gives no handle to wait on, so every command ends by adding an "ack" address
 * 127.77.x.y/32 to lo, and the test waits (bounded) for that address's event: the command has run by then.
 *
 * Every change the source delivers is checked against a replica of the view, built from the subscription's
 * starting view: an ADD of something known, a DEL or CHANGE of something unknown, or a CHANGE that changes
 * nothing is an invented event; a replica that ends unlike a fresh view means a lost one.  The view itself is
 * compared with what the system's own iphlpapi reports.
 *
 * Run by tools/wine-test-run (private network namespace, root or a user namespace with CAP_NET_ADMIN).  The
 * program re-runs itself as "core.exe core child <mode>" for what needs a process of its own. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "fakehelper.h"
#include "unix.h"

#include "luid.h"
#include "source.h"
#include "state.h"

#define WAIT_MS 10000

/* ---- what the subscription saw ---------------------------------------------------------------------------- */

union body
{
    struct wn_state_link link;
    struct wn_state_addr addr;
    struct wn_state_route route;
    struct wn_state_device device;
};

/* A body with its own copy of a device's properties. */
struct item
{
    uint32_t table;
    union body body;
    char *props;
};

struct event
{
    uint32_t table;
    uint16_t op;
    struct item old, new;     /* old.table/new.table are 0 when absent */
};

static CRITICAL_SECTION events_cs;
static HANDLE events_signal;          /* auto-reset: set after every event */
static struct event *events;
static size_t n_events, cap_events;
static DWORD reader_thread;

/* The replica: the subscription's starting view with every event applied. */
static struct item *replica;
static size_t n_replica, cap_replica;
static LONG invented;                 /* events that did not fit the replica */

static void item_set(struct item *it, uint32_t table, const void *body)
{
    it->table = table;
    memcpy(&it->body, body, wn_state_body_size(table));
    it->props = NULL;
    if (table == WN_TABLE_DEVICE)
    {
        const struct wn_state_device *dev = body;

        it->props = malloc(dev->wire.props_len + 1);
        memcpy(it->props, dev->props, dev->wire.props_len);
        it->props[dev->wire.props_len] = 0;
        it->body.device.props = it->props;
        it->body.device.devpath = it->props + (dev->devpath - dev->props);
    }
}

static BOOL same_key(uint32_t table, const union body *a, const union body *b)
{
    switch (table)
    {
    case WN_TABLE_LINK:
        return a->link.wire.ifindex == b->link.wire.ifindex;
    case WN_TABLE_ADDR:
        return a->addr.wire.family == b->addr.wire.family && a->addr.wire.ifindex == b->addr.wire.ifindex &&
               a->addr.wire.prefixlen == b->addr.wire.prefixlen && !memcmp(a->addr.wire.addr, b->addr.wire.addr, 16);
    case WN_TABLE_ROUTE:
        return a->route.wire.family == b->route.wire.family && a->route.wire.dst_len == b->route.wire.dst_len &&
               !memcmp(a->route.wire.dst, b->route.wire.dst, 16) &&
               !memcmp(a->route.wire.gateway, b->route.wire.gateway, 16) &&
               a->route.wire.oif == b->route.wire.oif && a->route.wire.metric == b->route.wire.metric;
    }
    return !strcmp(a->device.devpath, b->device.devpath);
}

/* Whether every property of a but ACTION and SEQNUM (which belong to the event, not the device) is in b. */
static BOOL props_within(const struct wn_state_device *a, const struct wn_state_device *b)
{
    const char *p, *q;

    for (p = a->props; p < a->props + a->wire.props_len; p += strlen(p) + 1)
    {
        if (!*p || !strncmp(p, "ACTION=", 7) || !strncmp(p, "SEQNUM=", 7)) continue;
        for (q = b->props; q < b->props + b->wire.props_len; q += strlen(q) + 1)
            if (!strcmp(p, q)) break;
        if (q >= b->props + b->wire.props_len) return FALSE;
    }
    return TRUE;
}

/* Same object in the same state, as state.h defines it: address lifetimes count down by themselves, and a
 * device found under /sys equals its announcement. */
static BOOL same_body(uint32_t table, const union body *a, const union body *b)
{
    if (!same_key(table, a, b)) return FALSE;
    switch (table)
    {
    case WN_TABLE_LINK:
        return !memcmp(&a->link.wire, &b->link.wire, sizeof(a->link.wire)) && a->link.luid == b->link.luid;
    case WN_TABLE_ADDR:
        return a->addr.wire.flags == b->addr.wire.flags && a->addr.wire.scope == b->addr.wire.scope &&
               !a->addr.wire.preferred_lft == !b->addr.wire.preferred_lft && a->addr.luid == b->addr.luid;
    case WN_TABLE_ROUTE:
        return !memcmp(&a->route.wire, &b->route.wire, sizeof(a->route.wire)) && a->route.luid == b->route.luid;
    }
    return a->device.wire.ifindex == b->device.wire.ifindex && props_within(&a->device, &b->device) &&
           props_within(&b->device, &a->device);
}

static struct item *replica_find(uint32_t table, const void *body)
{
    size_t i;

    for (i = 0; i < n_replica; i++)
        if (replica[i].table == table && same_key(table, &replica[i].body, body)) return &replica[i];
    return NULL;
}

static void replica_add(uint32_t table, const void *body)
{
    if (n_replica == cap_replica)
    {
        cap_replica = cap_replica ? 2 * cap_replica : 256;
        replica = realloc(replica, cap_replica * sizeof(*replica));
    }
    item_set(&replica[n_replica++], table, body);
}

static void replica_remove(struct item *it)
{
    free(it->props);
    *it = replica[--n_replica];
}

static const char *describe(uint32_t table, const union body *b, char *buf, size_t size)
{
    char addr[64];

    switch (table)
    {
    case WN_TABLE_LINK:
        snprintf(buf, size, "link %u %s mtu %u", b->link.wire.ifindex, b->link.wire.name, b->link.wire.mtu);
        break;
    case WN_TABLE_ADDR:
        if (b->addr.wire.family == 4)
            snprintf(addr, sizeof(addr), "%u.%u.%u.%u", b->addr.wire.addr[0], b->addr.wire.addr[1],
                     b->addr.wire.addr[2], b->addr.wire.addr[3]);
        else
            snprintf(addr, sizeof(addr), "%02x%02x:...:%02x%02x", b->addr.wire.addr[0], b->addr.wire.addr[1],
                     b->addr.wire.addr[14], b->addr.wire.addr[15]);
        snprintf(buf, size, "address %s/%u on %u", addr, b->addr.wire.prefixlen, b->addr.wire.ifindex);
        break;
    case WN_TABLE_ROUTE:
        snprintf(buf, size, "route v%u %u.%u.%u.%u/%u dev %u metric %u", b->route.wire.family, b->route.wire.dst[0],
                 b->route.wire.dst[1], b->route.wire.dst[2], b->route.wire.dst[3], b->route.wire.dst_len,
                 b->route.wire.oif, b->route.wire.metric);
        break;
    default:
        snprintf(buf, size, "device %s", b->device.devpath);
        break;
    }
    return buf;
}

static void on_event(void *ctx, uint32_t table, uint16_t op, const void *old_body, const void *new_body)
{
    struct item *known;
    struct event *ev;
    char buf[160];
    LONG before;

    ok(ctx == &events, "context %p\n", ctx);
    EnterCriticalSection(&events_cs);
    reader_thread = GetCurrentThreadId();
    if (n_events == cap_events)
    {
        cap_events = cap_events ? 2 * cap_events : 256;
        events = realloc(events, cap_events * sizeof(*events));
    }
    ev = &events[n_events++];
    memset(ev, 0, sizeof(*ev));
    ev->table = table;
    ev->op = op;
    if (old_body) item_set(&ev->old, table, old_body);
    if (new_body) item_set(&ev->new, table, new_body);

    known = replica_find(table, new_body ? new_body : old_body);
    before = invented;
    switch (op)
    {
    case WN_WIRE_OP_ADD:
        if (known || !new_body || old_body) invented++;
        if (!known && new_body) replica_add(table, new_body);
        break;
    case WN_WIRE_OP_DEL:
        if (!known || new_body || !same_body(table, &known->body, old_body)) invented++;
        if (known) replica_remove(known);
        break;
    case WN_WIRE_OP_CHANGE:
        if (!known || !old_body || !new_body || !same_body(table, &known->body, old_body) ||
            same_body(table, old_body, new_body))
            invented++;
        if (known) replica_remove(known);
        if (new_body) replica_add(table, new_body);
        break;
    default:
        invented++;
    }
    if (invented != before)
        trace("event %u of table %#x does not fit: %s (%s)\n", op, table,
              describe(table, new_body ? new_body : old_body, buf, sizeof(buf)), known ? "known" : "unknown");
    if (winetest_debug > 1)
        trace("event %s %s\n", op == WN_WIRE_OP_ADD ? "add" : op == WN_WIRE_OP_DEL ? "del" : "change",
              describe(table, new_body ? new_body : old_body, buf, sizeof(buf)));
    LeaveCriticalSection(&events_cs);
    SetEvent(events_signal);
}

/* The subscription's starting view becomes the replica. */
static void take_view(void *ctx, const struct wn_state *state)
{
    static const uint32_t tables[] = { WN_TABLE_LINK, WN_TABLE_ADDR, WN_TABLE_ROUTE, WN_TABLE_DEVICE };
    const void *body;
    size_t i;

    (void)ctx;
    EnterCriticalSection(&events_cs);
    for (i = 0; i < ARRAY_SIZE(tables); i++)
        for (body = wn_state_first(state, tables[i]); body; body = wn_state_next(state, tables[i], body))
            replica_add(tables[i], body);
    LeaveCriticalSection(&events_cs);
}

/* Whether the replica equals the current view: nothing was lost. */
struct compare
{
    size_t view_count, missing, differing;
    char first[160];
};

static void compare_view(void *ctx, const struct wn_state *state)
{
    static const uint32_t tables[] = { WN_TABLE_LINK, WN_TABLE_ADDR, WN_TABLE_ROUTE, WN_TABLE_DEVICE };
    struct compare *cmp = ctx;
    const void *body;
    size_t i;

    EnterCriticalSection(&events_cs);
    for (i = 0; i < ARRAY_SIZE(tables); i++)
        for (body = wn_state_first(state, tables[i]); body; body = wn_state_next(state, tables[i], body))
        {
            struct item *known = replica_find(tables[i], body);

            cmp->view_count++;
            if (known && same_body(tables[i], &known->body, body)) continue;
            if (known) cmp->differing++;
            else cmp->missing++;
            if (!cmp->first[0]) describe(tables[i], body, cmp->first, sizeof(cmp->first));
        }
    LeaveCriticalSection(&events_cs);
}

static void check_replica(const char *when)
{
    struct compare cmp;

    memset(&cmp, 0, sizeof(cmp));
    ok(wn_source_query(compare_view, &cmp) == WN_SOURCE_OK, "%s: query failed\n", when);
    EnterCriticalSection(&events_cs);
    ok(cmp.view_count == n_replica, "%s: view has %u objects, the events left %u\n", when,
       (unsigned)cmp.view_count, (unsigned)n_replica);
    ok(!cmp.missing && !cmp.differing, "%s: %u objects never announced, %u announced differently, e.g. %s\n", when,
       (unsigned)cmp.missing, (unsigned)cmp.differing, cmp.first);
    ok(!invented, "%s: %ld events did not fit the view they were applied to\n", when, invented);
    LeaveCriticalSection(&events_cs);
}

/* ---- waiting for events ----------------------------------------------------------------------------------- */

typedef BOOL (*event_match)(const struct event *ev, const void *arg);

/* The index of the first event at or after *from that matches, waiting up to timeout ms; -1 if none came.
 * *from moves past the match. */
static long wait_event(size_t *from, event_match match, const void *arg, DWORD timeout)
{
    ULONGLONG deadline = GetTickCount64() + timeout;

    for (;;)
    {
        ULONGLONG now;
        size_t i;

        EnterCriticalSection(&events_cs);
        for (i = *from; i < n_events; i++)
            if (match(&events[i], arg))
            {
                LeaveCriticalSection(&events_cs);
                *from = i + 1;
                return (long)i;
            }
        LeaveCriticalSection(&events_cs);
        if ((now = GetTickCount64()) >= deadline) return -1;
        WaitForSingleObject(events_signal, (DWORD)(deadline - now));
    }
}

struct match
{
    uint32_t table;
    uint16_t op;
    const char *name;          /* links: the name; devices: the devpath's end */
    int family;                /* addresses, routes */
    uint8_t bytes[16];         /* address or destination */
    uint8_t len;               /* prefix length */
};

static const struct item *event_item(const struct event *ev)
{
    return ev->new.table ? &ev->new : &ev->old;
}

static BOOL match_event(const struct event *ev, const void *arg)
{
    const struct match *m = arg;
    const union body *b = &event_item(ev)->body;
    size_t n;

    if (ev->table != m->table || ev->op != m->op) return FALSE;
    switch (m->table)
    {
    case WN_TABLE_LINK:
        return !strcmp(b->link.wire.name, m->name);
    case WN_TABLE_ADDR:
        return b->addr.wire.family == m->family && b->addr.wire.prefixlen == m->len &&
               !memcmp(b->addr.wire.addr, m->bytes, m->family == 4 ? 4 : 16);
    case WN_TABLE_ROUTE:
        return b->route.wire.family == m->family && b->route.wire.dst_len == m->len &&
               !memcmp(b->route.wire.dst, m->bytes, m->family == 4 ? 4 : 16);
    case WN_TABLE_DEVICE:
        n = strlen(b->device.devpath);
        return n >= strlen(m->name) && !strcmp(b->device.devpath + n - strlen(m->name), m->name);
    }
    return FALSE;
}

static struct match link_match(uint16_t op, const char *name)
{
    struct match m;

    memset(&m, 0, sizeof(m));
    m.table = WN_TABLE_LINK;
    m.op = op;
    m.name = name;
    return m;
}

static struct match device_match(uint16_t op, const char *devpath_end)
{
    struct match m = link_match(op, devpath_end);

    m.table = WN_TABLE_DEVICE;
    return m;
}

/* An address or route; text is "a.b.c.d" or an IPv6 address inet_pton understands. */
static struct match ip_match(uint32_t table, uint16_t op, const char *text, uint8_t len)
{
    struct match m;

    memset(&m, 0, sizeof(m));
    m.table = table;
    m.op = op;
    m.len = len;
    m.family = strchr(text, ':') ? 6 : 4;
    if (m.family == 4) inet_pton(AF_INET, text, m.bytes);
    else inet_pton(AF_INET6, text, m.bytes);
    return m;
}

/* Waits for an event; reports a failure naming it if it does not come.  Returns its index or -1. */
static long expect_event(size_t *from, struct match m, const char *what)
{
    long i = wait_event(from, match_event, &m, WAIT_MS);

    ok(i >= 0, "no event for %s within %u ms\n", what, WAIT_MS);
    return i;
}

static size_t event_count(void)
{
    size_t n;

    EnterCriticalSection(&events_cs);
    n = n_events;
    LeaveCriticalSection(&events_cs);
    return n;
}

/* A copy: the array moves as the reader adds to it (the property copies it points to stay). */
static struct event event_at(long i)
{
    struct event ev;

    EnterCriticalSection(&events_cs);
    ev = events[i];
    LeaveCriticalSection(&events_cs);
    return ev;
}

/* ---- Unix commands ---------------------------------------------------------------------------------------- */

static char unix_cwd[1024];
static unsigned int ack_count;

static BOOL run_unix(const char *script)
{
    return winetest_run_unix(unix_cwd, script);
}

/* Runs a script and waits until it has run: it ends by adding the next ack address to lo. */
static BOOL run_unix_wait(size_t *from, const char *fmt, ...)
{
    char script[2048], ack[32];
    va_list args;
    size_t n;
    unsigned int k = ++ack_count;

    va_start(args, fmt);
    n = vsnprintf(script, sizeof(script), fmt, args);
    va_end(args);
    snprintf(ack, sizeof(ack), "127.77.%u.%u", k / 250, k % 250 + 1);
    snprintf(script + n, sizeof(script) - n, "; ip addr add %s/32 dev lo", ack);
    if (!run_unix(script)) return FALSE;
    if (expect_event(from, ip_match(WN_TABLE_ADDR, WN_WIRE_OP_ADD, ack, 32), script) < 0) return FALSE;
    /* The kernel announces the address's own host route (local table) right after the address: the view has it
     * too, and the command is over only when both have come. */
    return expect_event(from, ip_match(WN_TABLE_ROUTE, WN_WIRE_OP_ADD, ack, 32), script) >= 0;
}

/* The pids of the helpers running in this namespace, from pgrep (the bracket keeps pgrep's own shell out). */
static size_t helper_pids(size_t *from, unsigned int *pids, size_t max)
{
    char *text, *p;
    size_t n = 0;

    DeleteFileA("pids.txt");
    if (!run_unix_wait(from, "pgrep -f 'winenotify-hos[t]' > pids.txt")) return 0;
    if (!(text = winetest_read_file("pids.txt", NULL))) return 0;
    for (p = text; *p && n < max;)
    {
        char *end;
        unsigned long pid = strtoul(p, &end, 10);

        if (end == p) break;
        pids[n++] = (unsigned int)pid;
        p = end;
        while (*p == '\n' || *p == ' ') p++;
    }
    free(text);
    return n;
}

/* ---- the system's own tables ------------------------------------------------------------------------------ */

static HMODULE sys_iphlpapi;
static DWORD (WINAPI *pConvertInterfaceIndexToLuid)(NET_IFINDEX, NET_LUID *);
static DWORD (WINAPI *pGetUnicastIpAddressTable)(ADDRESS_FAMILY, MIB_UNICASTIPADDRESS_TABLE **);
static DWORD (WINAPI *pGetIfTable2)(MIB_IF_TABLE2 **);
static DWORD (WINAPI *pGetIpForwardTable2)(ADDRESS_FAMILY, MIB_IPFORWARD_TABLE2 **);
static void (WINAPI *pFreeMibTable)(void *);

static void load_system_iphlpapi(void)
{
    WCHAR path[MAX_PATH + 32];
    UINT len = GetSystemDirectoryW(path, MAX_PATH);

    wcscpy(path + len, L"\\iphlpapi.dll");
    sys_iphlpapi = LoadLibraryExW(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    ok(sys_iphlpapi != NULL, "cannot load the system iphlpapi: %lu\n", GetLastError());
    if (!sys_iphlpapi) return;
#define LOAD(name) p##name = (void *)GetProcAddress(sys_iphlpapi, #name)
    LOAD(ConvertInterfaceIndexToLuid);
    LOAD(GetUnicastIpAddressTable);
    LOAD(GetIfTable2);
    LOAD(GetIpForwardTable2);
    LOAD(FreeMibTable);
#undef LOAD
}

static uint64_t system_luid(uint32_t ifindex, DWORD *err)
{
    NET_LUID luid;

    luid.Value = 0;
    *err = pConvertInterfaceIndexToLuid ? pConvertInterfaceIndexToLuid(ifindex, &luid) : ERROR_PROC_NOT_FOUND;
    return luid.Value;
}

/* Every link's LUID is the system's, and Wine's rule (luid.c's fallback) gives the same. */
static void check_link_luids(void *ctx, const struct wn_state *state)
{
    const struct wn_state_link *link;
    unsigned int *count = ctx;

    for (link = wn_state_first(state, WN_TABLE_LINK); link; link = wn_state_next(state, WN_TABLE_LINK, link))
    {
        DWORD err;
        uint64_t sys = system_luid(link->wire.ifindex, &err), rule;
        BOOL newer_ppp;

        ok(!err, "%s: ConvertInterfaceIndexToLuid failed: %lu\n", link->wire.name, err);
        ok(link->luid == sys, "%s (type %u): LUID %#llx, system %#llx\n", link->wire.name, link->wire.type,
           (unsigned long long)link->luid, (unsigned long long)sys);
        rule = wn_luid_wine_rule(link->wire.ifindex, link->wire.type);
        /* The rule is Wine 8's (luid.h); Wine 10 calls every point-to-point link (Linux IFF_POINTOPOINT, 0x10) PPP,
         * a tun among them, which the hardware type alone cannot tell.  Only the type may differ. */
        newer_ppp = (link->wire.flags & 0x10) && (sys >> 48) == IF_TYPE_PPP &&
                    (rule & 0xffffffffffffull) == (sys & 0xffffffffffffull);
        todo_wine_if(newer_ppp)
        ok(rule == sys, "%s (type %u): Wine's rule gives %#llx, system %#llx\n", link->wire.name, link->wire.type,
           (unsigned long long)rule, (unsigned long long)sys);
        (*count)++;
    }
}

static BOOL sockaddr_is(const SOCKADDR_INET *sa, const struct wn_wire_addr *a)
{
    if (a->family == 4)
        return sa->si_family == AF_INET && !memcmp(&sa->Ipv4.sin_addr, a->addr, 4);
    return sa->si_family == AF_INET6 && !memcmp(&sa->Ipv6.sin6_addr, a->addr, 16);
}

struct system_tables
{
    MIB_UNICASTIPADDRESS_TABLE *addrs;
    MIB_IF_TABLE2 *ifs;
    MIB_IPFORWARD_TABLE2 *routes;
    unsigned int checked_addrs, checked_links, checked_routes;
};

/* The view against the system's tables: the same addresses (both ways), every link known to the system with
 * the same LUID, the same IPv4 routes of the main table (Wine reads /proc/net/route, the main table: both ways).
 * The view also has the local table's routes Windows lists (wire.h), which Wine's table lacks but for the two
 * loopback routes Wine 11 makes up, 127.0.0.0/8 and 127.0.0.1/32: those are in the view as the local table's. */
static void compare_system(void *ctx, const struct wn_state *state)
{
    struct system_tables *sys = ctx;
    const struct wn_state_addr *a;
    const struct wn_state_link *link;
    const struct wn_state_route *r;
    ULONG i;

    for (a = wn_state_first(state, WN_TABLE_ADDR); a; a = wn_state_next(state, WN_TABLE_ADDR, a))
    {
        const MIB_UNICASTIPADDRESS_ROW *row = NULL;
        char buf[160];

        for (i = 0; i < sys->addrs->NumEntries && !row; i++)
            if (sockaddr_is(&sys->addrs->Table[i].Address, &a->wire) &&
                sys->addrs->Table[i].InterfaceIndex == a->wire.ifindex)
                row = &sys->addrs->Table[i];
        ok(row != NULL, "%s: not in the system's table\n", describe(WN_TABLE_ADDR, (const void *)a, buf, sizeof(buf)));
        if (!row) continue;
        ok(row->InterfaceLuid.Value == a->luid, "%s: LUID %#llx, system %#llx\n",
           describe(WN_TABLE_ADDR, (const void *)a, buf, sizeof(buf)), (unsigned long long)a->luid,
           (unsigned long long)row->InterfaceLuid.Value);
        ok(row->OnLinkPrefixLength == a->wire.prefixlen, "%s: system prefix length %u\n",
           describe(WN_TABLE_ADDR, (const void *)a, buf, sizeof(buf)), row->OnLinkPrefixLength);
        sys->checked_addrs++;
    }
    for (i = 0; i < sys->addrs->NumEntries; i++)
    {
        const MIB_UNICASTIPADDRESS_ROW *row = &sys->addrs->Table[i];
        BOOL found = FALSE;

        for (a = wn_state_first(state, WN_TABLE_ADDR); a && !found; a = wn_state_next(state, WN_TABLE_ADDR, a))
            found = sockaddr_is(&row->Address, &a->wire) && row->InterfaceIndex == a->wire.ifindex;
        ok(found, "system address %lu (family %u, interface %lu) is not in the view\n", i, row->Address.si_family,
           row->InterfaceIndex);
    }

    for (link = wn_state_first(state, WN_TABLE_LINK); link; link = wn_state_next(state, WN_TABLE_LINK, link))
    {
        const MIB_IF_ROW2 *row = NULL;

        for (i = 0; i < sys->ifs->NumEntries && !row; i++)
            if (sys->ifs->Table[i].InterfaceIndex == link->wire.ifindex) row = &sys->ifs->Table[i];
        ok(row != NULL, "link %s (%u) is not in the system's table\n", link->wire.name, link->wire.ifindex);
        if (!row) continue;
        ok(row->InterfaceLuid.Value == link->luid, "link %s: LUID %#llx, system %#llx\n", link->wire.name,
           (unsigned long long)link->luid, (unsigned long long)row->InterfaceLuid.Value);
        sys->checked_links++;
    }

    for (r = wn_state_first(state, WN_TABLE_ROUTE); r; r = wn_state_next(state, WN_TABLE_ROUTE, r))
    {
        BOOL found = FALSE;
        char buf[160];

        if (r->wire.family != 4 || r->wire.table != 254) continue;
        for (i = 0; i < sys->routes->NumEntries && !found; i++)
        {
            const MIB_IPFORWARD_ROW2 *row = &sys->routes->Table[i];

            found = row->InterfaceIndex == r->wire.oif && row->DestinationPrefix.PrefixLength == r->wire.dst_len &&
                    !memcmp(&row->DestinationPrefix.Prefix.Ipv4.sin_addr, r->wire.dst, 4) &&
                    !memcmp(&row->NextHop.Ipv4.sin_addr, r->wire.gateway, 4);
            if (found)
                ok(row->InterfaceLuid.Value == r->luid, "%s: LUID %#llx, system %#llx\n",
                   describe(WN_TABLE_ROUTE, (const void *)r, buf, sizeof(buf)), (unsigned long long)r->luid,
                   (unsigned long long)row->InterfaceLuid.Value);
        }
        ok(found, "%s: not in the system's table\n", describe(WN_TABLE_ROUTE, (const void *)r, buf, sizeof(buf)));
        sys->checked_routes++;
    }
    for (i = 0; i < sys->routes->NumEntries; i++)
    {
        const MIB_IPFORWARD_ROW2 *row = &sys->routes->Table[i];
        BOOL found = FALSE;

        for (r = wn_state_first(state, WN_TABLE_ROUTE); r && !found; r = wn_state_next(state, WN_TABLE_ROUTE, r))
            found = r->wire.family == 4 && row->InterfaceIndex == r->wire.oif &&
                    row->DestinationPrefix.PrefixLength == r->wire.dst_len &&
                    !memcmp(&row->DestinationPrefix.Prefix.Ipv4.sin_addr, r->wire.dst, 4);
        ok(found, "system route %lu (interface %lu, /%u) is not in the view\n", i, row->InterfaceIndex,
           row->DestinationPrefix.PrefixLength);
    }
}

static void check_against_system(const char *when)
{
    struct system_tables sys;
    DWORD err;

    memset(&sys, 0, sizeof(sys));
    if (!pGetUnicastIpAddressTable || !pGetIfTable2 || !pGetIpForwardTable2 || !pFreeMibTable)
    {
        skip("%s: the system iphlpapi lacks the table functions\n", when);
        return;
    }
    winetest_push_context("%s", when);
    err = pGetUnicastIpAddressTable(AF_UNSPEC, &sys.addrs);
    ok(!err, "GetUnicastIpAddressTable: %lu\n", err);
    err = pGetIfTable2(&sys.ifs);
    ok(!err, "GetIfTable2: %lu\n", err);
    err = pGetIpForwardTable2(AF_INET, &sys.routes);
    ok(!err, "GetIpForwardTable2: %lu\n", err);
    if (sys.addrs && sys.ifs && sys.routes)
    {
        ok(wn_source_query(compare_system, &sys) == WN_SOURCE_OK, "query failed\n");
        trace("compared %u addresses, %u links and %u IPv4 routes with the system's\n", sys.checked_addrs,
              sys.checked_links, sys.checked_routes);
    }
    if (sys.addrs) pFreeMibTable(sys.addrs);
    if (sys.ifs) pFreeMibTable(sys.ifs);
    if (sys.routes) pFreeMibTable(sys.routes);
    winetest_pop_context();
}

/* ---- the tests -------------------------------------------------------------------------------------------- */

static size_t cursor;       /* events before this one have been looked at */
static BOOL have_tun;       /* the runner could make tun devices (not in a user namespace) */

/* The command that makes a test link: a tun where possible, else a veth pair (name and name + "p"). */
static const char *add_link(const char *name)
{
    static char cmd[4][96];
    static unsigned int next;
    char *buf = cmd[next++ % ARRAY_SIZE(cmd)];

    if (have_tun) snprintf(buf, sizeof(cmd[0]), "ip tuntap add dev %s mode tun", name);
    else snprintf(buf, sizeof(cmd[0]), "ip link add %s type veth peer name %sp", name, name);
    return buf;
}

static uint64_t event_luid(long i)
{
    struct event ev = event_at(i);
    const struct item *it = event_item(&ev);

    switch (it->table)
    {
    case WN_TABLE_LINK: return it->body.link.luid;
    case WN_TABLE_ADDR: return it->body.addr.luid;
    case WN_TABLE_ROUTE: return it->body.route.luid;
    }
    return 0;
}

/* Waits for an event at or after start. */
static long expect_since(size_t start, struct match m, const char *what)
{
    return expect_event(&start, m, what);
}

/* Link, address, route and device changes of a fresh tun, and the LUID after it is gone. */
static void test_changes(void)
{
    struct event ev;
    size_t start;
    long i;
    uint32_t ifindex;
    uint64_t luid, sys;
    DWORD err;

    winetest_push_context("changes");
    start = event_count();
    if (!run_unix_wait(&cursor, "%s", add_link("wnct0"))) goto done;
    if ((i = expect_since(start, link_match(WN_WIRE_OP_ADD, "wnct0"), "link wnct0 added")) < 0) goto done;
    ev = event_at(i);
    ifindex = ev.new.body.link.wire.ifindex;
    luid = ev.new.body.link.luid;
    sys = system_luid(ifindex, &err);
    ok(!err && luid == sys, "wnct0: LUID %#llx, system %#llx (error %lu)\n", (unsigned long long)luid,
       (unsigned long long)sys, err);
    /* ARPHRD_NONE for a tun, ARPHRD_ETHER for a veth. */
    ok(ev.new.body.link.wire.type == (have_tun ? 65534 : 1), "wnct0: type %u\n", ev.new.body.link.wire.type);
    expect_since(start, device_match(WN_WIRE_OP_ADD, "/net/wnct0"), "device wnct0 added");

    start = event_count();
    run_unix_wait(&cursor, "ip link set wnct0 up; ip addr add 10.98.0.1/24 dev wnct0; "
                  "ip -6 addr add fd00:98::1/64 dev wnct0 nodad; "
                  "ip route add 10.97.0.0/16 dev wnct0 metric 50; ip -6 route add fd00:97::/48 dev wnct0");
    expect_since(start, link_match(WN_WIRE_OP_CHANGE, "wnct0"), "link wnct0 up");
    if ((i = expect_since(start, ip_match(WN_TABLE_ADDR, WN_WIRE_OP_ADD, "10.98.0.1", 24), "IPv4 address")) >= 0)
        ok(event_luid(i) == luid, "IPv4 address: LUID %#llx\n", (unsigned long long)event_luid(i));
    if ((i = expect_since(start, ip_match(WN_TABLE_ADDR, WN_WIRE_OP_ADD, "fd00:98::1", 64), "IPv6 address")) >= 0)
        ok(event_luid(i) == luid, "IPv6 address: LUID %#llx\n", (unsigned long long)event_luid(i));
    if ((i = expect_since(start, ip_match(WN_TABLE_ROUTE, WN_WIRE_OP_ADD, "10.97.0.0", 16), "IPv4 route")) >= 0)
    {
        ok(event_luid(i) == luid, "IPv4 route: LUID %#llx\n", (unsigned long long)event_luid(i));
        ev = event_at(i);
        ok(ev.new.body.route.wire.metric == 50, "metric %u\n", ev.new.body.route.wire.metric);
    }
    if ((i = expect_since(start, ip_match(WN_TABLE_ROUTE, WN_WIRE_OP_ADD, "fd00:97::", 48), "IPv6 route")) >= 0)
        ok(event_luid(i) == luid, "IPv6 route: LUID %#llx\n", (unsigned long long)event_luid(i));
    check_against_system("wnct0 configured");

    /* Deletions on a live link. */
    start = event_count();
    /* The route first: removing a link's last IPv4 address takes its IPv4 routes along. */
    run_unix_wait(&cursor, "ip route del 10.97.0.0/16 dev wnct0 metric 50; ip addr del 10.98.0.1/24 dev wnct0");
    if ((i = expect_since(start, ip_match(WN_TABLE_ADDR, WN_WIRE_OP_DEL, "10.98.0.1", 24), "IPv4 address gone")) >= 0)
        ok(event_luid(i) == luid, "IPv4 address gone: LUID %#llx\n", (unsigned long long)event_luid(i));
    expect_since(start, ip_match(WN_TABLE_ROUTE, WN_WIRE_OP_DEL, "10.97.0.0", 16), "IPv4 route gone");

    /* The link goes, and everything on it: each deletion still carries the LUID it had. */
    start = event_count();
    run_unix_wait(&cursor, "ip link del wnct0");
    if ((i = expect_since(start, link_match(WN_WIRE_OP_DEL, "wnct0"), "link wnct0 gone")) >= 0)
        ok(event_luid(i) == luid, "link gone: LUID %#llx, was %#llx\n", (unsigned long long)event_luid(i),
           (unsigned long long)luid);
    if ((i = expect_since(start, ip_match(WN_TABLE_ADDR, WN_WIRE_OP_DEL, "fd00:98::1", 64), "IPv6 address gone")) >= 0)
        ok(event_luid(i) == luid, "IPv6 address gone: LUID %#llx\n", (unsigned long long)event_luid(i));
    if ((i = expect_since(start, ip_match(WN_TABLE_ROUTE, WN_WIRE_OP_DEL, "fd00:97::", 48), "IPv6 route gone")) >= 0)
        ok(event_luid(i) == luid, "IPv6 route gone: LUID %#llx\n", (unsigned long long)event_luid(i));
    expect_since(start, device_match(WN_WIRE_OP_DEL, "/net/wnct0"), "device wnct0 removed");
    check_replica("after wnct0");
done:
    winetest_pop_context();
}

/* The helper is killed while things change: a new one is started, and its first view, diffed against ours,
 * gives exactly the changes missed. */
static void test_helper_killed(void)
{
    unsigned int before[8], after[8];
    size_t n_before, n_after, start, i;
    long link_add;


    winetest_push_context("killed");
    if (!run_unix_wait(&cursor, "%s; ip link set wnkt0 up; "
                       "ip addr add 10.96.0.1/24 dev wnkt0; ip route add 10.95.0.0/16 dev wnkt0", add_link("wnkt0")))
        goto done;
    n_before = helper_pids(&cursor, before, ARRAY_SIZE(before));
    ok(n_before == 1, "%u helpers running\n", (unsigned)n_before);
    check_replica("before the kill");

    start = event_count();
    run_unix_wait(&cursor, "pkill -KILL -f 'winenotify-hos[t]'; ip addr del 10.96.0.1/24 dev wnkt0; "
                  "ip addr add 10.96.0.2/24 dev wnkt0; ip link set wnkt0 mtu 1280; "
                  "ip link add wnkv0 type veth peer name wnkv1; ip route add 10.94.0.0/16 dev wnkt0 metric 7; "
                  "%s; ip link del wnkt1", add_link("wnkt1"));
    expect_since(start, ip_match(WN_TABLE_ADDR, WN_WIRE_OP_DEL, "10.96.0.1", 24), "address gone");
    expect_since(start, ip_match(WN_TABLE_ADDR, WN_WIRE_OP_ADD, "10.96.0.2", 24), "address added");
    expect_since(start, link_match(WN_WIRE_OP_CHANGE, "wnkt0"), "MTU changed");
    link_add = expect_since(start, link_match(WN_WIRE_OP_ADD, "wnkv0"), "veth added");
    expect_since(start, link_match(WN_WIRE_OP_ADD, "wnkv1"), "veth peer added");
    expect_since(start, ip_match(WN_TABLE_ROUTE, WN_WIRE_OP_ADD, "10.94.0.0", 16), "route added");

    n_after = helper_pids(&cursor, after, ARRAY_SIZE(after));
    ok(n_after == 1, "%u helpers running after the kill\n", (unsigned)n_after);
    for (i = 0; i < n_after && n_before; i++)
        ok(after[i] != before[0], "the killed helper %u is still there\n", before[0]);
    if (link_add >= 0)
    {
        struct event ev = event_at(link_add);
        const struct item *it = event_item(&ev);
        DWORD err;
        uint64_t sys = system_luid(it->body.link.wire.ifindex, &err);

        ok(it->body.link.luid == sys, "wnkv0: LUID %#llx, system %#llx\n", (unsigned long long)it->body.link.luid,
           (unsigned long long)sys);
    }
    check_replica("after the kill");
    check_against_system("after the kill");
    ok(wn_source_request_dump(WN_TABLE_ALL) == WN_SOURCE_OK, "cannot ask for a dump\n");
    run_unix_wait(&cursor, "ip link del wnkt0; ip link del wnkv0");
done:
    winetest_pop_context();
}

/* The helper's command line is the port, the token file's name and our debug classes, holding no token; no
 * environment holds one; the token file is gone once the helper is in. */
static void test_no_token_visible(void)
{
    unsigned int pids[8];
    size_t n, len, i, run = 0, longest = 0;
    char *text, *argv[24] = { NULL }, *exists;
    unsigned int argc = 0;

    winetest_push_context("token");
    n = helper_pids(&cursor, pids, ARRAY_SIZE(pids));
    ok(n == 1, "%u helpers running\n", (unsigned)n);
    if (!n) goto done;
    DeleteFileA("cmdline.bin");
    run_unix_wait(&cursor, "cat /proc/%u/cmdline > cmdline.bin", pids[0]);
    text = winetest_read_file("cmdline.bin", &len);
    ok(text && len, "no command line read\n");
    if (text)
    {
        for (i = 0; i < len; i++)
        {
            if ((!i || !text[i - 1]) && argc < ARRAY_SIZE(argv)) argv[argc++] = text + i;
            run = isxdigit((unsigned char)text[i]) ? run + 1 : 0;
            if (run > longest) longest = run;
        }
        /* Then --env NAME=VALUE pairs: the helper's own settings from our environment (WINENOTIFY_SWD_DIR here). */
        ok(argc >= 7 && argc % 2, "the helper has %u arguments\n", argc);
        for (i = 7; i + 1 < argc; i += 2)
            ok(!strcmp(argv[i], "--env") && (!strncmp(argv[i + 1], "WINENOTIFY_HOST_", 16) ||
               !strncmp(argv[i + 1], "WINENOTIFY_SWD_DIR=", 19)), "argument %u: %s %s\n", (unsigned)i, argv[i],
               argv[i + 1]);
        ok(longest < 2 * WN_WIRE_TOKEN_SIZE, "the command line has a run of %u hex digits\n", (unsigned)longest);
        ok(strstr(argv[0], "winenotify-host") != NULL, "command line %s\n", argv[0]);
        if (argc >= 7)
        {
            ok(!strcmp(argv[1], "--port") && atoi(argv[2]) > 0, "%s %s\n", argv[1], argv[2]);
            ok(!strcmp(argv[3], "--token-file") && argv[4][0] == '/' && strstr(argv[4], "winenotify-") &&
               strstr(argv[4], ".token"), "%s %s\n", argv[3], argv[4]);
            ok(!strcmp(argv[5], "--debug"), "%s %s\n", argv[5], argv[6]);
            /* Deleted by the DLL as soon as the helper's HELLO matched it. */
            DeleteFileA("exists.txt");
            run_unix_wait(&cursor, "if [ -e '%s' ]; then echo left; else echo gone; fi > exists.txt", argv[4]);
            exists = winetest_read_file("exists.txt", NULL);
            ok(exists && !strcmp(exists, "gone\n"), "the token file %s: %s\n", argv[4], exists ? exists : "?");
            free(exists);
        }
        free(text);
    }
    /* Nothing of the handshake in any process's environment (Wine 8 and 10 would pass one on to the helper). */
    DeleteFileA("environ.txt");
    run_unix_wait(&cursor, "grep -las 'WINENOTIFY_TOKEN\\|WINENOTIFY_PORT' /proc/[0-9]*/environ > environ.txt; "
                  "echo scanned >> environ.txt");
    text = winetest_read_file("environ.txt", NULL);
    ok(text && !strcmp(text, "scanned\n"), "handshake variables in: %s\n", text ? text : "(no scan)");
    free(text);
done:
    winetest_pop_context();
}

/* Subscriptions: a table mask, unsubscribing from inside one's own callback, unsubscribing from another thread
 * while the callback runs (it waits), and the starting view. */
static LONG self_calls, slow_calls, slow_done, link_calls;
static struct wn_subscription *self_sub;
static HANDLE slow_entered;

static void self_cb(void *ctx, uint32_t table, uint16_t op, const void *old_body, const void *new_body)
{
    (void)ctx; (void)table; (void)op; (void)old_body; (void)new_body;
    InterlockedIncrement(&self_calls);
    wn_source_unsubscribe(self_sub);
}

static void slow_cb(void *ctx, uint32_t table, uint16_t op, const void *old_body, const void *new_body)
{
    (void)ctx; (void)table; (void)op; (void)old_body; (void)new_body;
    if (InterlockedIncrement(&slow_calls) > 1) return;
    SetEvent(slow_entered);
    Sleep(300);
    InterlockedExchange(&slow_done, 1);
}

static void link_cb(void *ctx, uint32_t table, uint16_t op, const void *old_body, const void *new_body)
{
    (void)ctx; (void)op; (void)old_body; (void)new_body;
    ok(table == WN_TABLE_LINK, "a link subscription got table %#x\n", table);
    InterlockedIncrement(&link_calls);
}

static void count_links(void *ctx, const struct wn_state *state)
{
    *(size_t *)ctx = wn_state_count(state, WN_TABLE_LINK);
}

static void test_subscriptions(void)
{
    struct wn_subscription *slow_sub, *link_sub;
    size_t links = 0;
    LONG calls;

    winetest_push_context("subscriptions");
    slow_entered = CreateEventW(NULL, FALSE, FALSE, NULL);
    ok(wn_source_subscribe(WN_TABLE_ALL, self_cb, NULL, NULL, NULL, &self_sub) == WN_SOURCE_OK, "subscribe\n");
    ok(wn_source_subscribe(WN_TABLE_ADDR, slow_cb, NULL, NULL, NULL, &slow_sub) == WN_SOURCE_OK, "subscribe\n");
    ok(wn_source_subscribe(WN_TABLE_LINK, link_cb, NULL, count_links, &links, &link_sub) == WN_SOURCE_OK,
       "subscribe\n");
    ok(links >= 1, "the starting view has %u links\n", (unsigned)links);

    /* Not waiting for the command: slow_cb must still be running when we unsubscribe. */
    run_unix("ip addr add 10.93.1.1/24 dev lo; ip addr add 10.93.2.1/24 dev lo");
    ok(WaitForSingleObject(slow_entered, WAIT_MS) == WAIT_OBJECT_0, "slow callback not called\n");
    wn_source_unsubscribe(slow_sub);
    ok(slow_done, "unsubscribe returned while the callback was running\n");
    calls = slow_calls;
    run_unix_wait(&cursor, "ip addr del 10.93.1.1/24 dev lo; ip addr del 10.93.2.1/24 dev lo");
    ok(slow_calls == calls, "called %ld times after unsubscribe\n", slow_calls - calls);
    ok(self_calls == 1, "called %ld times after unsubscribing itself\n", self_calls);
    run_unix_wait(&cursor, "ip link add wnsv0 type veth peer name wnsv1; ip link del wnsv0");
    ok(link_calls >= 2, "link subscription called %ld times\n", link_calls);
    wn_source_unsubscribe(link_sub);
    CloseHandle(slow_entered);
    winetest_pop_context();
}

/* A second process with its own helper, found through WINENOTIFY_HOST as a Unix path: the helper exits when the
 * process does.  A third with no helper to find: the source is unavailable, at once. */
static void child_main(const char *mode)
{
    struct wn_subscription *sub = NULL;
    enum wn_source_status status;
    ULONGLONG t0 = GetTickCount64();

    status = wn_source_subscribe(WN_TABLE_LINK, on_event, &events, NULL, NULL, &sub);
    if (!strcmp(mode, "missing") || !strcmp(mode, "version"))
    {
        ok(status == WN_SOURCE_UNAVAILABLE, "status %u\n", status);
        ok(sub == NULL, "subscription %p\n", sub);
        ok(GetTickCount64() - t0 < 3000, "took %llu ms to give up\n", GetTickCount64() - t0);
        return;
    }
    ok(status == WN_SOURCE_OK, "status %u\n", status);
    if (!strcmp(mode, "impostor")) return;
    /* Tell the parent we run, and wait to be told to exit. */
    SetEvent(OpenEventW(EVENT_MODIFY_STATE, FALSE, L"winenotify_core_child_up"));
    WaitForSingleObject(OpenEventW(SYNCHRONIZE, FALSE, L"winenotify_core_child_exit"), WAIT_MS);
}

static HANDLE start_child(const char *mode, const WCHAR *host)
{
    char args[64];

    snprintf(args, sizeof(args), "core child %s", mode);
    return winetest_start_child(args, host);
}

/* Helpers that are not ours, given to a child as WINENOTIFY_HOST: one connects twice with garbage and a wrong
 * token before the real helper (which must still be the one taken), one presents the right token but another
 * protocol version (the source must give up at once). */
static const char impostor_script[] = /* a format: %s is our directory */
    "#!/bin/bash\n"
    "port=$2\n"
    "exec 3<>/dev/tcp/127.0.0.1/$port 4<>/dev/tcp/127.0.0.1/$port || exit 1\n"
    "printf 'GET / HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3\n"
    "printf '\\x20\\x00\\x00\\x00\\x01\\x00\\x00\\x00' >&4\n"
    "printf '\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\x09\\x0a\\x0b\\x0c\\x0d\\x0e\\x0f' >&4\n"
    "printf '\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00' >&4\n"
    "exec 3>&- 4>&-\n"
    "exec '%s/winenotify-host' \"$@\"\n";
static const char version_script[] =
    "#!/bin/bash\n"
    FAKE_HELPER_HANDSHAKE
    "exec 3<>/dev/tcp/127.0.0.1/$port || exit 1\n"
    "printf '\\x20\\x00\\x00\\x00\\x01\\x00\\x00\\x00' >&3\n"
    "printf \"$(hello_token)\" >&3\n"
    "printf '\\x63\\x00\\x00\\x00\\x00\\x00\\x00\\x00' >&3\n";


static HANDLE start_child(const char *mode, const WCHAR *host);

static void run_child_with_script(const char *mode, const char *script_name)
{
    char unix_path[1100];
    WCHAR host[1100];
    HANDLE child;

    snprintf(unix_path, sizeof(unix_path), "%s/%s", unix_cwd, script_name);
    MultiByteToWideChar(CP_UTF8, 0, unix_path, -1, host, ARRAY_SIZE(host));
    if (!(child = start_child(mode, host))) return;
    ok(WaitForSingleObject(child, WAIT_MS) == WAIT_OBJECT_0, "the %s child did not exit\n", mode);
    CloseHandle(child);
}

static void test_authentication(void)
{
    char script[2048];

    winetest_push_context("authentication");
    snprintf(script, sizeof(script), impostor_script, unix_cwd);
    ok(winetest_write_file("impostor.sh", script), "cannot write impostor.sh\n");
    ok(winetest_write_file("version.sh", version_script), "cannot write version.sh\n");
    run_unix_wait(&cursor, "chmod +x impostor.sh version.sh");
    run_child_with_script("impostor", "impostor.sh");
    run_child_with_script("version", "version.sh");
    winetest_pop_context();
}

static void test_helper_exits_with_process(void)
{
    HANDLE up = CreateEventW(NULL, TRUE, FALSE, L"winenotify_core_child_up");
    HANDLE quit = CreateEventW(NULL, TRUE, FALSE, L"winenotify_core_child_exit");
    unsigned int before[8], during[8];
    size_t n_before, n_during, i, j;
    unsigned int child_helper = 0;
    char host_unix[1100], *state, temp[MAX_PATH], stale[MAX_PATH + 40], fresh[MAX_PATH + 40];
    HANDLE child, file;
    FILETIME ft;

    winetest_push_context("child");
    /* Token files of launches whose program and helper were both killed: the next launch removes those older
     * than a minute, and leaves a fresh one (another launch's, still waiting) alone. */
    GetTempPathA(ARRAY_SIZE(temp), temp);
    snprintf(stale, sizeof(stale), "%swinenotify-0000000000000001.token", temp);
    snprintf(fresh, sizeof(fresh), "%swinenotify-0000000000000002.token", temp);
    ok(winetest_write_file(stale, "00112233445566778899aabbccddeeff"), "cannot write %s\n", stale);
    ok(winetest_write_file(fresh, "00112233445566778899aabbccddeeff"), "cannot write %s\n", fresh);
    if ((file = CreateFileA(stale, FILE_WRITE_ATTRIBUTES, 0, NULL, OPEN_EXISTING, 0, NULL)) != INVALID_HANDLE_VALUE)
    {
        ULARGE_INTEGER t;

        GetSystemTimeAsFileTime(&ft);
        t.LowPart = ft.dwLowDateTime;
        t.HighPart = ft.dwHighDateTime;
        t.QuadPart -= 120 * 10000000ULL;
        ft.dwLowDateTime = t.LowPart;
        ft.dwHighDateTime = t.HighPart;
        ok(SetFileTime(file, NULL, NULL, &ft), "cannot date %s back\n", stale);
        CloseHandle(file);
    }
    /* Our own helper's Unix path, for the child's WINENOTIFY_HOST. */
    snprintf(host_unix, sizeof(host_unix), "%s/winenotify-host", unix_cwd);
    n_before = helper_pids(&cursor, before, ARRAY_SIZE(before));
    {
        WCHAR host[1100];
        MultiByteToWideChar(CP_UTF8, 0, host_unix, -1, host, ARRAY_SIZE(host));
        child = start_child("helper", host);
    }
    if (!child) goto done;
    ok(WaitForSingleObject(up, WAIT_MS) == WAIT_OBJECT_0, "the child did not come up\n");
    ok(GetFileAttributesA(stale) == INVALID_FILE_ATTRIBUTES, "%s was left\n", stale);
    ok(GetFileAttributesA(fresh) != INVALID_FILE_ATTRIBUTES, "%s was removed\n", fresh);
    DeleteFileA(stale);
    DeleteFileA(fresh);
    n_during = helper_pids(&cursor, during, ARRAY_SIZE(during));
    ok(n_during == n_before + 1, "%u helpers before the child, %u with it\n", (unsigned)n_before,
       (unsigned)n_during);
    for (i = 0; i < n_during; i++)
    {
        for (j = 0; j < n_before && before[j] != during[i]; j++) ;
        if (j == n_before) child_helper = during[i];
    }
    SetEvent(quit);
    ok(WaitForSingleObject(child, WAIT_MS) == WAIT_OBJECT_0, "the child did not exit\n");
    CloseHandle(child);
    if (child_helper)
    {
        DeleteFileA("gone.txt");
        /* The helper exits when its connection closes; give it a bounded time, in the shell. */
        run_unix_wait(&cursor, "i=0; while [ -d /proc/%u ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; "
                      "if [ -d /proc/%u ]; then echo alive > gone.txt; else echo gone > gone.txt; fi",
                      child_helper, child_helper);
        state = winetest_read_file("gone.txt", NULL);
        ok(state && !strncmp(state, "gone", 4), "the child's helper %u: %s\n", child_helper, state ? state : "?");
        free(state);
    }

    /* No helper to be found: unavailable, quickly, and the process goes on. */
    if ((child = start_child("missing", L"Z:\\nonexistent\\winenotify-host")))
    {
        ok(WaitForSingleObject(child, WAIT_MS) == WAIT_OBJECT_0, "the child did not exit\n");
        CloseHandle(child);
    }
done:
    CloseHandle(up);
    CloseHandle(quit);
    winetest_pop_context();
}

/* With subscriptions and nothing changing on the host, neither the helper nor our reader thread wakes up: no
 * timers, no polling.  Counted, not timed: context switches of the helper and returns from the reader's recv()
 * over two idle seconds (the private network namespace has no background traffic). */
/* The witness of test_idle(): a listener of the kernel's uevent group (the one the helper joins), in the
 * helper's namespace.  Block, tty and other devices that belong to no network namespace announce themselves to
 * every namespace's listeners, so another process attaching a loop device anywhere on the host legitimately
 * wakes the helper and then the reader.  Run as "perl idle.pl PID SECONDS": it starts listening, samples PID's
 * context switches, creates the file idle.start (the test's own window starts when it sees it), counts the
 * datagrams of the next SECONDS (at least SECONDS-1) seconds, samples again and prints "voluntary nonvoluntary
 * voluntary nonvoluntary datagrams".  A file, not an ack address: the helper must not be woken by the start.
 * Core perl only: no Socket module, no Time::HiRes. */
static const char idle_witness[] =
    "use strict; use warnings;\n"
    "my ($pid, $secs) = @ARGV;\n"
    "sub ctxt { open(my $f, '<', qq{/proc/$pid/status}) or die qq{helper $pid: $!};\n"
    "           my %c = map { /^(\\w+_ctxt_switches):\\s+(\\d+)/ ? ($1, $2) : () } <$f>;\n"
    "           return ($c{voluntary_ctxt_switches}, $c{nonvoluntary_ctxt_switches}); }\n"
    "socket(my $s, 16, 2, 15) or die qq{socket: $!};                # AF_NETLINK, SOCK_DGRAM, KOBJECT_UEVENT\n"
    "bind($s, pack('SSLL', 16, 0, 0, 1)) or die qq{bind: $!};     # the kernel's group, as the helper\n"
    "select(undef, undef, undef, 0.5);                             # an earlier event is handled by then\n"
    "my @a = ctxt();\n"
    "open(my $f, '>', 'idle.start') or die qq{idle.start: $!}; close($f);\n"
    "my ($n, $end) = (0, time + $secs);\n"
    "while ((my $left = $end - time) > 0) {\n"
    "    my $r = ''; vec($r, fileno($s), 1) = 1;\n"
    "    next if select($r, undef, undef, $left) <= 0;\n"
    "    recv($s, my $buf, 65536, 0); $n++;                        # an error (ENOBUFS) counts as noise too\n"
    "}\n"
    "print join(' ', @a, ctxt(), $n), qq{\\n};\n";

/* Idle means that nothing changes on the host, so a window counts only if the witness heard no uevent during
 * it; a noisy one is tried again, up to IDLE_TRIES times, and a host that never goes quiet is skipped, saying
 * so.  Subtracting what was delivered instead would need to know how many wake-ups each event is worth, which
 * is the very thing under test.  In a quiet window the check stays strict: a timer or a polling loop in the
 * helper or in the reader shows up as a wake-up.  Windows nest: the witness listens from before the reader's
 * window (idle.start) to after it (its ack comes after the reader's last sample, or the try is void), and
 * samples the helper's counters inside its own listening. */
#define IDLE_TRIES 8
#define IDLE_WITNESS_SECS 5

static void test_idle(void)
{
    unsigned int pids[8], v1, n1, v2, n2, heard, tries, quiet = 0;
    unsigned long before, after;
    char script[256], ack[32];
    size_t n, events_then;
    ULONGLONG deadline;
    char *text;
    long i;

    winetest_push_context("idle");
    n = helper_pids(&cursor, pids, ARRAY_SIZE(pids));
    ok(n == 1, "%u helpers running\n", (unsigned)n);
    if (n != 1) goto done;
    if (!winetest_write_file("idle.pl", idle_witness))
    {
        ok(0, "cannot write idle.pl: %lu\n", GetLastError());
        goto done;
    }

    for (tries = 1; tries <= IDLE_TRIES && !quiet; tries++)
    {
        unsigned int k = ++ack_count;

        DeleteFileA("idle.start");
        DeleteFileA("idle.txt");
        snprintf(ack, sizeof(ack), "127.77.%u.%u", k / 250, k % 250 + 1);
        snprintf(script, sizeof(script), "perl idle.pl %u %u > idle.txt 2>&1; ip addr add %s/32 dev lo", pids[0],
                 IDLE_WITNESS_SECS, ack);
        if (!run_unix(script)) break;
        /* The test's own wait, not a condition of the product: a file cannot be waited for through Wine. */
        deadline = GetTickCount64() + WAIT_MS;
        while (GetFileAttributesA("idle.start") == INVALID_FILE_ATTRIBUTES && GetTickCount64() < deadline)
            Sleep(10);
        before = wn_source_reader_wakeups();
        Sleep(2000);
        after = wn_source_reader_wakeups();
        events_then = event_count();
        i = expect_event(&cursor, ip_match(WN_TABLE_ADDR, WN_WIRE_OP_ADD, ack, 32), script);
        text = winetest_read_file("idle.txt", NULL);
        if (text && strstr(text, "perl: not found"))
        {
            skip("no perl for the idle test's witness\n");
            free(text);
            break;
        }
        if (i < 0 || !text || sscanf(text, "%u %u %u %u %u", &v1, &n1, &v2, &n2, &heard) != 5)
        {
            ok(0, "the witness did not run: %s\n", text ? text : "no output");
            free(text);
            break;
        }
        free(text);
        if ((size_t)i < events_then)
            trace("try %u: the witness ended before the reader's window did (a loaded host): again\n", tries);
        else if (heard)
            trace("try %u: the host sent %u uevents during the window: again\n", tries, heard);
        else
        {
            quiet = 1;
            ok(after == before, "the reader woke %lu times in 2 idle seconds\n", after - before);
            ok(v1 == v2 && n1 == n2, "the helper switched %u+%u times in %u idle seconds\n", v2 - v1, n2 - n1,
               IDLE_WITNESS_SECS - 1);
        }
    }
    if (!quiet && tries > IDLE_TRIES)
        skip("the host never went quiet: uevents (another process's devices) in each of %u windows\n", IDLE_TRIES);
    DeleteFileA("idle.pl");
done:
    winetest_pop_context();
}

START_TEST(core)
{
    struct wn_subscription *sub = NULL;
    enum wn_source_status status;
    unsigned int links = 0;
    char **argv;
    ULONGLONG t0;
    int argc = winetest_get_mainargs(&argv);

    InitializeCriticalSection(&events_cs);
    events_signal = CreateEventW(NULL, FALSE, FALSE, NULL);
    if (argc >= 4 && !strcmp(argv[2], "child"))
    {
        child_main(argv[3]);
        return;
    }

    if (!winetest_platform_is_wine)
    {
        ok(wn_source_subscribe(WN_TABLE_ALL, on_event, &events, NULL, NULL, &sub) == WN_SOURCE_PASSTHROUGH,
           "not pass-through on Windows\n");
        skip("the core's helper backend runs under Wine only; on Windows our DLLs pass through\n");
        return;
    }

    if (!winetest_unix_cwd(unix_cwd, sizeof(unix_cwd))) return;
    load_system_iphlpapi();
    have_tun = GetEnvironmentVariableA("WINENOTIFY_TEST_TUN", NULL, 0) > 1;
    if (!have_tun) trace("no tun devices here: testing with veth pairs\n");

    t0 = GetTickCount64();
    /* The tables the replica models; the host's connectivity hint (a real NetworkManager's, where the machine has
     * one) is connhint.c's. */
    status = wn_source_subscribe(WN_TABLE_LINK | WN_TABLE_ADDR | WN_TABLE_ROUTE | WN_TABLE_DEVICE, on_event, &events,
                                 take_view, NULL, &sub);
    if (status == WN_SOURCE_UNAVAILABLE)
    {
        ok(0, "no helper: put winenotify-host beside core.exe (see WINEDEBUG=+winenotify)\n");
        return;
    }
    ok(status == WN_SOURCE_OK, "subscribe: %u\n", status);
    ok(sub != NULL, "no subscription\n");
    trace("first view in %llu ms: %u objects\n", GetTickCount64() - t0, (unsigned)n_replica);
    ok(wn_source_query(check_link_luids, &links) == WN_SOURCE_OK, "query failed\n");
    ok(links >= 1, "%u links in the view\n", links);
    check_against_system("start");

    test_no_token_visible();
    test_changes();
    test_helper_killed();
    test_subscriptions();
    test_authentication();
    test_helper_exits_with_process();
    test_idle();
    check_replica("at the end");

    wn_source_unsubscribe(sub);
    ok(reader_thread != GetCurrentThreadId(), "callbacks ran on the caller's thread\n");
}
