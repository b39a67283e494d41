/* The event source under Wine: the host helper (see source.h, helper_launch.h, ARCHITECTURE.md).
 *
 * One reader thread, started by the first use, owns the helper's connection.  It blocks in recv() with no
 * timeout (an idle process wakes nobody), reads in 64 KiB chunks (each recv costs ~100 us under Wine), decodes
 * the records, applies them to the view under the lock, and then, with no lock held, hands each resulting
 * change to the subscribers of its table.  Changes are numbered as they are applied; a subscription remembers
 * the number it started at, so its starting view and the changes it is given fit together exactly.
 *
 * When the connection ends (the helper died or was killed, a read failed, a record was malformed) the reader
 * starts a new helper.  Its first snapshot is diffed against the view like any resync, so subscribers see only
 * what really changed meanwhile.  Failed starts are retried a few times with growing waits; a helper that
 * cannot work at all (missing, not executable) makes the source unavailable at once, and the API layer falls
 * back to the system's functions. */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "winenotify/wire.h"
#include "debug.h"
#include "helper_launch.h"
#include "luid.h"
#include "source.h"
#include "state.h"

extern IMAGE_DOS_HEADER __ImageBase;

_Static_assert((int)WN_LOG_FIXME == (int)WN_DBG_FIXME && (int)WN_LOG_ERR == (int)WN_DBG_ERR &&
               (int)WN_LOG_WARN == (int)WN_DBG_WARN && (int)WN_LOG_TRACE == (int)WN_DBG_TRACE,
               "the helper's log classes are our debug classes");

#define HELLO_TIMEOUT_MS 5000        /* from starting the helper to its HELLO (it takes 3-5 ms) */
#define READY_TIMEOUT_MS 10000       /* the first user's wait for the first complete view */
#define CHUNK (64 * 1024)
#define CHANGE_TIMEOUT_MS 10000      /* from a change request to its reply (a netlink round trip) */

/* Waits before the next start after consecutive failures; past the last one the source gives up. */
static const DWORD backoff_ms[] = { 50, 250, 1000, 3000, 10000 };

struct wn_subscription
{
    struct wn_subscription *prev, *next;
    uint32_t tables;
    wn_source_event_fn fn;
    void *ctx;
    uint64_t start_seq;      /* changes up to this number were already in its starting view */
    BOOL busy;               /* its callback is running */
    BOOL dead;               /* unsubscribed: no further callback */
    BOOL free_after;         /* unsubscribed from inside its own callback: the reader frees it afterwards */
};

union body_copy
{
    struct wn_state_link link;
    struct wn_state_addr addr;
    struct wn_state_route route;
    struct wn_state_device device;
    struct wn_state_hint hint;
    struct wn_state_neigh neigh;
    struct wn_state_maddr maddr;
};

/* A change waiting for dispatch, with its own copies of the bodies (the view moves on meanwhile). */
struct change
{
    uint64_t seq;
    uint32_t table;
    uint16_t op;
    BOOL has_old, has_new;
    union body_copy old, new;
    char *props;             /* device property blocks of old and new */
};

enum phase
{
    PHASE_IDLE,              /* nothing started */
    PHASE_STARTING,          /* the reader runs, no complete view yet */
    PHASE_RUNNING,           /* the view is ready (the connection may be between two helpers) */
    PHASE_FAILED,            /* no helper, and none will come */
};

static INIT_ONCE init_once = INIT_ONCE_STATIC_INIT;
static CRITICAL_SECTION lock;            /* guards everything below but the reader's own fields */
static CONDITION_VARIABLE cond;          /* phase changes; a busy subscription became idle */
static enum phase phase = PHASE_IDLE;
static struct wn_state *view;
static SOCKET conn = INVALID_SOCKET;
static uint64_t change_seq;              /* changes applied so far */
static struct wn_subscription *subs_head, *subs_tail;
static DWORD reader_tid;
static BOOL view_late;                   /* a caller waited READY_TIMEOUT_MS for the first view in vain */
/* Tables the helper reports only on demand (wn_source_follow): asked of, and followed by, this connection's
 * helper.  A new helper starts without them. */
static uint32_t follow_asked, followed;

/* A change request waiting for the helper's reply. */
struct request
{
    struct request *next;
    uint32_t id;
    uint32_t result;
    BOOL done;
};

static struct request *requests;         /* under the lock */
static uint32_t last_request_id;

/* The reader's own: changes applied by the last chunk, not yet dispatched. */
static struct change *pending;
static size_t n_pending, cap_pending;

/* ---- changes ---------------------------------------------------------------------------------------------- */

static const char *table_name(uint32_t table)
{
    switch (table)
    {
    case WN_TABLE_LINK: return "link";
    case WN_TABLE_ADDR: return "address";
    case WN_TABLE_ROUTE: return "route";
    case WN_TABLE_DEVICE: return "device";
    case WN_TABLE_HINT: return "connectivity hint";
    case WN_TABLE_NEIGH: return "neighbour";
    case WN_TABLE_MADDR: return "multicast or anycast address";
    }
    return "?";
}

static const char *op_name(uint16_t op)
{
    return op == WN_WIRE_OP_ADD ? "add" : op == WN_WIRE_OP_DEL ? "delete" : "change";
}

/* For traces: which object. */
static const char *describe(uint32_t table, const void *body)
{
    static char buf[160]; /* reader thread only */
    const struct wn_state_addr *a = body;
    const struct wn_state_route *r = body;

    switch (table)
    {
    case WN_TABLE_LINK:
        snprintf(buf, sizeof(buf), "%s (index %u)", ((const struct wn_state_link *)body)->wire.name,
                 ((const struct wn_state_link *)body)->wire.ifindex);
        break;
    case WN_TABLE_ADDR:
        snprintf(buf, sizeof(buf), "IPv%u /%u on index %u", a->wire.family, a->wire.prefixlen, a->wire.ifindex);
        break;
    case WN_TABLE_ROUTE:
        snprintf(buf, sizeof(buf), "IPv%u /%u via index %u metric %u", r->wire.family, r->wire.dst_len, r->wire.oif,
                 r->wire.metric);
        break;
    case WN_TABLE_HINT:
        snprintf(buf, sizeof(buf), "index %u: level %u cost %u flags %#x (source %u)",
                 ((const struct wn_state_hint *)body)->wire.ifindex, ((const struct wn_state_hint *)body)->wire.level,
                 ((const struct wn_state_hint *)body)->wire.cost, ((const struct wn_state_hint *)body)->wire.flags,
                 ((const struct wn_state_hint *)body)->wire.source);
        break;
    case WN_TABLE_MADDR:
        snprintf(buf, sizeof(buf), "IPv%u %s on index %u", ((const struct wn_state_maddr *)body)->wire.family,
                 ((const struct wn_state_maddr *)body)->wire.kind == WN_MADDR_ANYCAST ? "anycast" : "multicast",
                 ((const struct wn_state_maddr *)body)->wire.ifindex);
        break;
    case WN_TABLE_NEIGH:
        snprintf(buf, sizeof(buf), "IPv%u on index %u state %#x", ((const struct wn_state_neigh *)body)->wire.family,
                 ((const struct wn_state_neigh *)body)->wire.ifindex, ((const struct wn_state_neigh *)body)->wire.state);
        break;
    case WN_TABLE_DEVICE:
        snprintf(buf, sizeof(buf), "%s", ((const struct wn_state_device *)body)->devpath);
        break;
    default:
        /* A table added without a description here says so rather than reading the body as another's. */
        snprintf(buf, sizeof(buf), "table %#x", table);
        break;
    }
    return buf;
}

/* Copies a device's property block to dst and points the copy's fields into it; returns the bytes used. */
static size_t copy_props(struct wn_state_device *copy, const struct wn_state_device *dev, char *dst)
{
    memcpy(dst, dev->props, dev->wire.props_len);
    copy->devpath = dst + (dev->devpath - dev->props);
    copy->props = dst;
    return dev->wire.props_len;
}

/* The view's listener (reader thread, lock held): queue the change for dispatch. */
static void on_change(void *ctx, uint32_t table, uint16_t op, const void *old_body, const void *new_body)
{
    struct change *c;
    size_t props = 0;

    (void)ctx;
    if (n_pending == cap_pending)
    {
        size_t cap = cap_pending ? cap_pending * 2 : 64;
        struct change *bigger = realloc(pending, cap * sizeof(*bigger));

        if (!bigger)
        {
            ERR("out of memory: a %s %s is lost\n", table_name(table), op_name(op));
            return;
        }
        pending = bigger;
        cap_pending = cap;
    }
    c = &pending[n_pending];
    memset(c, 0, sizeof(*c));
    c->seq = ++change_seq;
    c->table = table;
    c->op = op;
    if ((c->has_old = old_body != NULL)) memcpy(&c->old, old_body, wn_state_body_size(table));
    if ((c->has_new = new_body != NULL)) memcpy(&c->new, new_body, wn_state_body_size(table));
    if (table == WN_TABLE_DEVICE)
    {
        size_t len = (old_body ? c->old.device.wire.props_len : 0) + (new_body ? c->new.device.wire.props_len : 0);

        if (!(c->props = malloc(len ? len : 1)))
        {
            ERR("out of memory: a device %s is lost\n", op_name(op));
            return;
        }
        if (old_body) props = copy_props(&c->old.device, old_body, c->props);
        if (new_body) copy_props(&c->new.device, new_body, c->props + props);
    }
    n_pending++;
    TRACE("%s %s: %s\n", table_name(table), op_name(op), describe(table, new_body ? new_body : old_body));
}

static uint64_t luid_hook(void *ctx, uint32_t ifindex, const struct wn_wire_link *link)
{
    (void)ctx;
    return wn_luid_for_index(ifindex, link ? link->type : WN_LUID_TYPE_UNKNOWN);
}

static void unlink_sub(struct wn_subscription *sub)
{
    if (sub->prev) sub->prev->next = sub->next;
    else subs_head = sub->next;
    if (sub->next) sub->next->prev = sub->prev;
    else subs_tail = sub->prev;
}

/* Hands the queued changes to the subscribers, in order, one callback at a time, with the lock released around
 * each callback.  A subscription being called cannot be freed under us: unsubscribe waits for it, or leaves the
 * freeing to us when it is called from that very callback. */
static void dispatch(void)
{
    size_t i;

    for (i = 0; i < n_pending; i++)
    {
        struct change *c = &pending[i];
        struct wn_subscription *sub, *next;

        EnterCriticalSection(&lock);
        for (sub = subs_head; sub; sub = next)
        {
            next = sub->next;
            if (sub->dead || !(sub->tables & c->table) || c->seq <= sub->start_seq) continue;
            sub->busy = TRUE;
            LeaveCriticalSection(&lock);
            sub->fn(sub->ctx, c->table, c->op, c->has_old ? &c->old : NULL, c->has_new ? &c->new : NULL);
            EnterCriticalSection(&lock);
            sub->busy = FALSE;
            next = sub->next;
            if (sub->free_after)
            {
                unlink_sub(sub);
                free(sub);
            }
            else if (sub->dead) WakeAllConditionVariable(&cond);
        }
        LeaveCriticalSection(&lock);
        free(c->props);
    }
    n_pending = 0;
}

/* ---- change requests -------------------------------------------------------------------------------------- */

/* Lock held. */
static void complete_requests(BOOL all, uint32_t id, uint32_t result)
{
    struct request *req;

    for (req = requests; req; req = req->next)
    {
        if (req->done || (!all && req->id != id)) continue;
        req->done = TRUE;
        req->result = result;
    }
    WakeAllConditionVariable(&cond);
}

static void unlink_request(struct request *req)
{
    struct request **p;

    for (p = &requests; *p; p = &(*p)->next)
    {
        if (*p != req) continue;
        *p = req->next;
        break;
    }
}

/* ---- the reader ------------------------------------------------------------------------------------------- */

static void set_phase(enum phase p)
{
    EnterCriticalSection(&lock);
    phase = p;
    WakeAllConditionVariable(&cond);
    LeaveCriticalSection(&lock);
}

/* Every return from recv(): with nothing changing on the host it must not move (no timers, no polling). */
static volatile LONG reader_wakeups;

unsigned long wn_source_reader_wakeups(void)
{
    return (unsigned long)InterlockedCompareExchange(&reader_wakeups, 0, 0);
}

/* Reads the helper's records until the connection ends.  Returns TRUE if at least one snapshot was completed,
 * i.e. the helper worked. */
static BOOL read_stream(SOCKET s, char *buf)
{
    size_t have = 0;
    BOOL worked = FALSE;

    for (;;)
    {
        struct wn_wire_record rec;
        size_t off = 0;
        BOOL bad = FALSE;
        int n = recv(s, buf + have, (int)(CHUNK + WN_WIRE_MAX_RECORD - have), 0);

        InterlockedIncrement(&reader_wakeups);
        if (n <= 0)
        {
            if (n == 0) WARN("the helper closed the connection: starting a new one\n");
            else WARN("reading from the helper failed (%d): starting a new one\n", WSAGetLastError());
            return worked;
        }
        have += n;

        EnterCriticalSection(&lock);
        while (off < have)
        {
            long used = wn_wire_decode((const uint8_t *)buf + off, have - off, &rec);
            int ret = WN_STATE_OK;

            if (!used) break;
            if (used > 0 && rec.type == WN_WIRE_LOG)
            {
                /* The helper's own message, into our channel as if it were ours. */
                if (wn_debug_on(rec.u.log.cls)) wn_debug_log(rec.u.log.cls, "winenotify-host", "%s\n", rec.u.log.text);
                off += used;
                continue;
            }
            if (used > 0 && rec.type == WN_WIRE_REPLY)
            {
                /* Its change's records came first and are applied: the view holds the change. */
                complete_requests(FALSE, rec.u.reply.id, rec.u.reply.result);
                off += used;
                continue;
            }
            if (used < 0 || (ret = wn_state_apply(view, &rec)) == WN_STATE_ERROR)
            {
                bad = TRUE;
                break;
            }
            off += used;
            if (rec.type == WN_WIRE_SNAPSHOT_BEGIN)
                TRACE("snapshot of tables %#x (reason %u)\n", rec.u.snapshot.tables, rec.u.snapshot.reason);
            if (rec.type != WN_WIRE_SNAPSHOT_END) continue;
            worked = TRUE;
            if (rec.u.snapshot.tables & follow_asked & ~followed)
            {
                followed |= rec.u.snapshot.tables & follow_asked;
                WakeAllConditionVariable(&cond);
            }
            if (ret != WN_STATE_READY) continue;
            TRACE("first view ready\n");
            phase = PHASE_RUNNING;
            WakeAllConditionVariable(&cond);
        }
        LeaveCriticalSection(&lock);

        /* What was applied before a bad record did happen: deliver it. */
        dispatch();
        if (bad)
        {
            uint16_t type = 0;

            /* rec is not filled in when the header itself is bad: the type as sent, for the trace. */
            if (have - off >= sizeof(struct wn_wire_header)) memcpy(&type, buf + off + 4, sizeof(type));
            ERR("malformed record from the helper (type %u, %u bytes buffered): dropping the connection and starting "
                "a new helper\n", type, (unsigned)(have - off));
            return worked;
        }
        memmove(buf, buf + off, have - off);
        have -= off;
    }
}

static DWORD WINAPI reader_main(void *module)
{
    unsigned int failures = 0;
    WSADATA wsa;
    char *buf;
    int err;

    if ((err = WSAStartup(MAKEWORD(2, 2), &wsa)) || !(buf = malloc(CHUNK + WN_WIRE_MAX_RECORD)))
    {
        ERR("cannot start (WSAStartup %d, or out of memory): no network or device events\n", err);
        if (!err) WSACleanup();
        set_phase(PHASE_FAILED);
        FreeLibraryAndExitThread(module, 1);
    }
    wn_luid_init();

    for (;;)
    {
        struct wn_launch launch;
        enum wn_launch_result result = wn_helper_launch(&launch, HELLO_TIMEOUT_MS);
        BOOL worked = FALSE;

        if (result == WN_LAUNCH_UNUSABLE) break;
        if (result == WN_LAUNCH_OK)
        {
            EnterCriticalSection(&lock);
            conn = launch.sock;
            WakeAllConditionVariable(&cond);
            LeaveCriticalSection(&lock);

            worked = read_stream(launch.sock, buf);

            EnterCriticalSection(&lock);
            conn = INVALID_SOCKET;
            follow_asked = followed = 0;
            /* The rest of an interrupted snapshot will never come; the next helper sends a whole one. */
            wn_state_abort_snapshot(view);
            /* Nor will these replies: whether the change was made, the next snapshot tells. */
            complete_requests(TRUE, 0, WN_RESULT_FAILED);
            LeaveCriticalSection(&lock);
            closesocket(launch.sock);
        }
        if (worked) failures = 0;
        else if (++failures > ARRAYSIZE(backoff_ms))
        {
            ERR_ONCE("gave-up", "the helper failed %u times in a row: no more network or device events "
                     "(WINEDEBUG=+winenotify shows why)\n", failures - 1);
            break;
        }
        if (failures) Sleep(backoff_ms[failures - 1]);
    }
    free(buf);
    WSACleanup();
    set_phase(PHASE_FAILED);
    FreeLibraryAndExitThread(module, 0);
}

/* ---- the interface ---------------------------------------------------------------------------------------- */

static BOOL CALLBACK init_source(INIT_ONCE *once, void *param, void **context)
{
    (void)once; (void)param; (void)context;
    InitializeCriticalSection(&lock);
    InitializeConditionVariable(&cond);
    if (!(view = wn_state_create()))
    {
        ERR("out of memory\n");
        phase = PHASE_FAILED;
        return TRUE;
    }
    wn_state_set_listener(view, on_change, NULL);
    wn_state_set_luid_hook(view, luid_hook, NULL);
    return TRUE;
}

/* Starts the reader on first use and waits (bounded) for the first view.  Called without the lock. */
static enum wn_source_status start(void)
{
    ULONGLONG deadline;
    enum wn_source_status status;

    InitOnceExecuteOnce(&init_once, init_source, NULL, NULL);
    EnterCriticalSection(&lock);
    if (phase == PHASE_IDLE)
    {
        HMODULE module;
        HANDLE thread = NULL;

        /* The reader runs our code for the life of the process: keep our module loaded. */
        if (GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, (const WCHAR *)&__ImageBase, &module))
        {
            if (!(thread = CreateThread(NULL, 0, reader_main, module, 0, &reader_tid))) FreeLibrary(module);
        }
        if (thread)
        {
            CloseHandle(thread);
            phase = PHASE_STARTING;
        }
        else
        {
            ERR("cannot start the reader thread (error %lu)\n", GetLastError());
            phase = PHASE_FAILED;
        }
    }
    deadline = GetTickCount64() + READY_TIMEOUT_MS;
    /* Once a caller has waited in vain, the others fall back at once instead of each waiting as long again
     * while the reader keeps retrying (a broken helper, loopback down: up to a minute). */
    while (phase == PHASE_STARTING && !view_late)
    {
        ULONGLONG now = GetTickCount64();

        if (now >= deadline)
        {
            WARN("no view from the helper after %u ms: falling back until there is one\n", READY_TIMEOUT_MS);
            view_late = TRUE;
            break;
        }
        SleepConditionVariableCS(&cond, &lock, (DWORD)(deadline - now));
    }
    status = phase == PHASE_RUNNING ? WN_SOURCE_OK : WN_SOURCE_UNAVAILABLE;
    LeaveCriticalSection(&lock);
    return status;
}

static enum wn_source_status wine_subscribe(uint32_t tables, wn_source_event_fn fn, void *ctx,
                                            wn_source_view_fn view_fn, void *view_ctx,
                                            struct wn_subscription **out)
{
    struct wn_subscription *sub;
    enum wn_source_status status;

    *out = NULL;
    if ((status = start()) != WN_SOURCE_OK) return status;
    if (!(sub = calloc(1, sizeof(*sub)))) return WN_SOURCE_UNAVAILABLE;
    sub->tables = tables;
    sub->fn = fn;
    sub->ctx = ctx;

    EnterCriticalSection(&lock);
    sub->start_seq = change_seq;
    sub->prev = subs_tail;
    if (subs_tail) subs_tail->next = sub;
    else subs_head = sub;
    subs_tail = sub;
    if (view_fn) view_fn(view_ctx, view);
    LeaveCriticalSection(&lock);
    *out = sub;
    return WN_SOURCE_OK;
}

static void wine_unsubscribe(struct wn_subscription *sub)
{
    EnterCriticalSection(&lock);
    sub->dead = TRUE;
    if (sub->busy && GetCurrentThreadId() == reader_tid)
    {
        /* From its own callback: the reader frees it when the callback returns. */
        sub->free_after = TRUE;
        LeaveCriticalSection(&lock);
        return;
    }
    while (sub->busy) SleepConditionVariableCS(&cond, &lock, INFINITE);
    unlink_sub(sub);
    LeaveCriticalSection(&lock);
    free(sub);
}

static enum wn_source_status wine_query(wn_source_view_fn fn, void *ctx)
{
    enum wn_source_status status = start();

    if (status != WN_SOURCE_OK) return status;
    EnterCriticalSection(&lock);
    fn(ctx, view);
    LeaveCriticalSection(&lock);
    return WN_SOURCE_OK;
}

static enum wn_source_status wine_request_dump(uint32_t tables)
{
    struct wn_wire_dump dump;
    uint8_t buf[sizeof(struct wn_wire_header) + sizeof(dump)];
    enum wn_source_status status = WN_SOURCE_UNAVAILABLE;
    size_t len;

    dump.tables = tables & WN_TABLE_ALL;
    if (!(len = wn_wire_encode(buf, sizeof(buf), WN_WIRE_DUMP, WN_WIRE_OP_NONE, &dump, NULL, 0)))
        return WN_SOURCE_UNAVAILABLE;
    InitOnceExecuteOnce(&init_once, init_source, NULL, NULL);
    EnterCriticalSection(&lock);
    /* Twelve bytes on a blocking socket: one send. */
    if (conn != INVALID_SOCKET && send(conn, (const char *)buf, (int)len, 0) == (int)len) status = WN_SOURCE_OK;
    LeaveCriticalSection(&lock);
    return status;
}

/* Waits on the condition until deadline; FALSE when it has passed.  Lock held. */
static BOOL wait_until(ULONGLONG deadline)
{
    ULONGLONG now = GetTickCount64();

    if (now >= deadline) return FALSE;
    SleepConditionVariableCS(&cond, &lock, (DWORD)(deadline - now));
    return TRUE;
}

static enum wn_source_status wine_follow(uint32_t tables)
{
    struct wn_wire_dump dump;
    uint8_t buf[sizeof(struct wn_wire_header) + sizeof(dump)];
    enum wn_source_status status;
    ULONGLONG deadline = GetTickCount64() + CHANGE_TIMEOUT_MS;
    size_t len;

    if ((status = start()) != WN_SOURCE_OK) return status;
    if (GetCurrentThreadId() == reader_tid)
    {
        /* The snapshot would have to come through this very thread. */
        ERR("neighbours asked for from inside an event callback cannot be waited for\n");
        return WN_SOURCE_UNAVAILABLE;
    }
    dump.tables = tables & WN_TABLE_NEIGH;
    EnterCriticalSection(&lock);
    while ((followed & dump.tables) != dump.tables)
    {
        /* Asked once per helper: its snapshot of them (a DUMP's, reason REQUEST) marks them followed.  Between
         * two helpers, the next one is asked. */
        if (conn != INVALID_SOCKET && (follow_asked & dump.tables) != dump.tables)
        {
            if (!(len = wn_wire_encode(buf, sizeof(buf), WN_WIRE_DUMP, WN_WIRE_OP_NONE, &dump, NULL, 0))
                || send(conn, (const char *)buf, (int)len, 0) != (int)len)
                break;
            TRACE("asked the helper to follow tables %#x\n", dump.tables);
            follow_asked |= dump.tables;
        }
        if (phase != PHASE_RUNNING || !wait_until(deadline)) break;
    }
    status = (followed & dump.tables) == dump.tables ? WN_SOURCE_OK : WN_SOURCE_UNAVAILABLE;
    LeaveCriticalSection(&lock);
    if (status != WN_SOURCE_OK) WARN("the helper did not send tables %#x\n", dump.tables);
    return status;
}

static enum wn_source_status wine_change(uint16_t type, uint16_t op, const void *body, uint32_t *result)
{
    union
    {
        struct wn_wire_set_addr addr;
        struct wn_wire_set_route route;
        struct wn_wire_set_neigh neigh;
        struct wn_wire_set_link link;
        struct wn_wire_sw sw;
    } set;
    uint8_t buf[sizeof(struct wn_wire_header) + sizeof(set)];
    struct request req;
    enum wn_source_status status;
    ULONGLONG deadline;
    size_t len;

    *result = WN_RESULT_FAILED;
    if ((status = start()) != WN_SOURCE_OK) return status;
    if (GetCurrentThreadId() == reader_tid)
    {
        /* The reply would have to come through this very thread. */
        ERR("a change requested from inside an event callback cannot be waited for\n");
        return WN_SOURCE_OK;
    }
    memset(&set, 0, sizeof(set));
    memset(&req, 0, sizeof(req));
    deadline = GetTickCount64() + CHANGE_TIMEOUT_MS;

    EnterCriticalSection(&lock);
    /* Between two helpers (one died, the next is starting): wait for the next. */
    while (conn == INVALID_SOCKET && phase == PHASE_RUNNING && wait_until(deadline)) {}
    if (conn == INVALID_SOCKET)
    {
        LeaveCriticalSection(&lock);
        WARN("no helper to make the change\n");
        return WN_SOURCE_UNAVAILABLE;
    }
    req.id = ++last_request_id;
    if (type == WN_WIRE_SET_ADDR)
    {
        set.addr.id = req.id;
        memcpy(&set.addr.addr, body, sizeof(set.addr.addr));
    }
    else if (type == WN_WIRE_SET_ROUTE)
    {
        set.route.id = req.id;
        memcpy(&set.route.route, body, sizeof(set.route.route));
    }
    else if (type == WN_WIRE_SET_NEIGH)
    {
        set.neigh.id = req.id;
        memcpy(&set.neigh.neigh, body, sizeof(set.neigh.neigh));
    }
    else if (type == WN_WIRE_SET_LINK)
    {
        /* A link's request carries its id inside the body, as a software device's does. */
        memcpy(&set.link, body, sizeof(set.link));
        set.link.id = req.id;
    }
    else
    {
        /* A software-device request carries its id inside the body. */
        memcpy(&set.sw, body, sizeof(set.sw));
        set.sw.id = req.id;
    }
    if (!(len = wn_wire_encode(buf, sizeof(buf), type, op, &set, NULL, 0)))
    {
        LeaveCriticalSection(&lock);
        *result = WN_RESULT_INVALID;
        return WN_SOURCE_OK;
    }
    /* A few dozen bytes on a blocking socket: one send, under the lock so that records never interleave. */
    if (send(conn, (const char *)buf, (int)len, 0) != (int)len)
    {
        LeaveCriticalSection(&lock);
        WARN("cannot send the change request (%d)\n", WSAGetLastError());
        return WN_SOURCE_UNAVAILABLE;
    }
    req.next = requests;
    requests = &req;
    while (!req.done && wait_until(deadline)) {}
    unlink_request(&req);
    LeaveCriticalSection(&lock);
    if (!req.done) ERR("no answer to change request %u after %u ms\n", req.id, CHANGE_TIMEOUT_MS);
    else *result = req.result;
    TRACE("change request %u (type %u, op %u): result %u\n", req.id, type, op, *result);
    return WN_SOURCE_OK;
}

const struct wn_source_backend wn_source_wine_backend =
{
    "Wine host helper",
    wine_subscribe,
    wine_unsubscribe,
    wine_query,
    wine_request_dump,
    wine_change,
    wine_follow,
};
