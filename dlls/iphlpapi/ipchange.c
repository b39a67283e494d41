/* NotifyAddrChange, NotifyRouteChange and CancelIPChangeNotify (SPEC.md §5).
 *
 * Under Wine with a working helper the requests are ours: one subscription to the event source (addresses and
 * routes), made by the first request of the process and kept for its life, completes every request pending at
 * an IPv4 address change (NotifyAddrChange) or an IPv4 route change (NotifyRouteChange; the routes Windows lists:
 * routes.c).
 * IPv6 changes and link changes complete nothing.  A request completes once: the caller re-arms.  On Windows,
 * and under Wine when the event source is unavailable (no helper), the system DLL's functions answer; then
 * CancelIPChangeNotify passes OVERLAPPEDs it does not know on to the system's.
 *
 * The handle.  On Windows *Handle is a file handle of the network stack, and GetOverlappedResult with
 * ovl->hEvent NULL waits on it: the I/O manager clears a file object's event when a request on it starts and
 * sets it when one completes.  Ours is an event per function (one for NotifyAddrChange, one for
 * NotifyRouteChange, so that completions of one kind do not wake waiters of the other), manual-reset, made on
 * first use and never closed, with the same rules: reset when a request is armed, set when one completes or is
 * cancelled.  GetOverlappedResult(handle, ovl, &n, TRUE) then works with and without ovl->hEvent, since it
 * looks at ovl->Internal first and waits on hEvent if there is one and on the handle otherwise.  (As on
 * Windows, several requests of one kind pending at once with hEvent NULL share that signal: a cancel of one
 * wakes the others' waits.  A file handle with real overlapped reads, completed by writes from us, would add
 * nothing for the caller but cancellation on thread exit, and cost a pipe and its accounting.)
 *
 * Completion: ovl->InternalHigh = 0, then ovl->Internal = STATUS_SUCCESS (STATUS_CANCELLED for a cancel),
 * then hEvent and the handle are set.  The OVERLAPPED is never touched after Internal is written, because the
 * caller may free it as soon as HasOverlappedIoCompleted says so; its hEvent is therefore duplicated when the
 * request is armed (Windows references the event object at that point too, so a caller may even close its
 * handle while the request pends).  Completing runs no user code, so it happens under our lock: a cancel
 * racing a completion finds the request or not, never half-done, and an arm cannot reset the handle between a
 * completion's Internal and its SetEvent.
 *
 * The synchronous mode (NULL, NULL) waits on a condition variable with our lock released, without a timeout
 * and not alertable, like a synchronous device request. */
#include <winsock2.h>
#include <windows.h>
#include <iphlpapi.h>
#include <stdlib.h>

#include "debug.h"
#include "forward.h"
#include "source.h"

/* ntstatus.h, which does not mix with windows.h. */
#define WN_STATUS_SUCCESS   ((ULONG_PTR)0x00000000u)
#define WN_STATUS_CANCELLED ((ULONG_PTR)0xc0000120u)

enum change_kind { CHANGE_ADDR, CHANGE_ROUTE, CHANGE_KINDS };

typedef DWORD (WINAPI *notify_fn)(HANDLE *handle, OVERLAPPED *overlapped);
typedef BOOL (WINAPI *cancel_fn)(OVERLAPPED *overlapped);

static const char *const function_names[CHANGE_KINDS] =
{
    [CHANGE_ADDR] = "NotifyAddrChange",
    [CHANGE_ROUTE] = "NotifyRouteChange",
};

struct request
{
    struct request *next;
    enum change_kind kind;
    OVERLAPPED *ovl;       /* NULL: a synchronous caller, waiting for done */
    HANDLE event;          /* our duplicate of ovl->hEvent, or NULL */
    BOOL done;
};

static SRWLOCK lock = SRWLOCK_INIT;
static CONDITION_VARIABLE sync_cv = CONDITION_VARIABLE_INIT;  /* a synchronous request completed */
static struct request *requests;                              /* pending, all kinds */
static HANDLE handles[CHANGE_KINDS];                          /* given out as *Handle */
static LONG system_used;                                      /* we fell back to the system's functions */

static SRWLOCK start_lock = SRWLOCK_INIT;                     /* held while the first request subscribes */
static struct wn_subscription *subscription;

/* ---- completion ------------------------------------------------------------------------------------------- */

/* Lock held; req is unlinked.  A synchronous request's waiter is woken by the caller. */
static void finish(struct request *req, ULONG_PTR status)
{
    if (!req->ovl)
    {
        req->done = TRUE;
        return;
    }
    req->ovl->InternalHigh = 0;
    MemoryBarrier();
    *(volatile ULONG_PTR *)&req->ovl->Internal = status;
    if (req->event)
    {
        SetEvent(req->event);
        CloseHandle(req->event);
    }
    SetEvent(handles[req->kind]);
    free(req);
}

static void complete_all(enum change_kind kind)
{
    struct request **p = &requests, *req;
    unsigned int n = 0;
    BOOL sync = FALSE;

    AcquireSRWLockExclusive(&lock);
    while ((req = *p))
    {
        if (req->kind != kind)
        {
            p = &req->next;
            continue;
        }
        *p = req->next;
        if (!req->ovl) sync = TRUE;
        finish(req, WN_STATUS_SUCCESS);
        n++;
    }
    if (sync) WakeAllConditionVariable(&sync_cv);
    ReleaseSRWLockExclusive(&lock);
    if (n) TRACE("%s: %u requests completed\n", function_names[kind], n);
}

/* The reader's: only IPv4 objects count, and only addresses for NotifyAddrChange (a link going up or down
 * changes no address on Linux; when it removes one, that DEL comes as its own event). */
static void on_change(void *ctx, uint32_t table, uint16_t op, const void *old_body, const void *new_body)
{
    const void *body = new_body ? new_body : old_body;

    (void)ctx;
    (void)op;
    if (!body) return;
    if (table == WN_TABLE_ADDR && ((const struct wn_state_addr *)body)->wire.family == 4)
        complete_all(CHANGE_ADDR);
    else if (table == WN_TABLE_ROUTE && ((const struct wn_state_route *)body)->wire.family == 4)
        complete_all(CHANGE_ROUTE);
}

/* ---- requests --------------------------------------------------------------------------------------------- */

/* The one subscription, made by the first request (never before: a process that never asks starts nothing). */
static enum wn_source_status subscribe(void)
{
    enum wn_source_status status = WN_SOURCE_OK;

    AcquireSRWLockExclusive(&start_lock);
    if (!subscription)
    {
        status = wn_source_subscribe(WN_TABLE_ADDR | WN_TABLE_ROUTE, on_change, NULL, NULL, NULL, &subscription);
        if (status == WN_SOURCE_OK) TRACE("listening for IPv4 address and route changes\n");
    }
    ReleaseSRWLockExclusive(&start_lock);
    return status;
}

/* The system's own: on Windows, or without a helper. */
static DWORD system_request(enum change_kind kind, HANDLE *handle, OVERLAPPED *ovl)
{
    notify_fn fn = (notify_fn)wn_forward_lookup(function_names[kind]);

    if (!fn)
    {
        FIXME("the system DLL lacks %s\n", function_names[kind]);
        return ERROR_NOT_SUPPORTED;
    }
    if (wn_running_on_wine()) InterlockedExchange(&system_used, 1);
    return fn(handle, ovl);
}

static DWORD wait_sync(enum change_kind kind)
{
    struct request req = { NULL, kind, NULL, NULL, FALSE };

    TRACE("%s: waiting for the next change\n", function_names[kind]);
    AcquireSRWLockExclusive(&lock);
    req.next = requests;
    requests = &req;
    while (!req.done) SleepConditionVariableSRW(&sync_cv, &lock, INFINITE, 0);
    ReleaseSRWLockExclusive(&lock);
    return NO_ERROR;
}

static DWORD arm(enum change_kind kind, HANDLE *handle, OVERLAPPED *ovl)
{
    /* The low bit of hEvent only tells a completion port to stay out of it. */
    HANDLE user_event = (HANDLE)((ULONG_PTR)ovl->hEvent & ~(ULONG_PTR)1);
    struct request *req, *r;

    if (!(req = calloc(1, sizeof(*req)))) return ERROR_NOT_ENOUGH_MEMORY;
    req->kind = kind;
    req->ovl = ovl;
    if (user_event && !DuplicateHandle(GetCurrentProcess(), user_event, GetCurrentProcess(), &req->event,
                                       EVENT_MODIFY_STATE, FALSE, 0))
    {
        WARN("%s: cannot use the event %p (error %lu)\n", function_names[kind], user_event, GetLastError());
        free(req);
        return ERROR_INVALID_HANDLE;
    }

    AcquireSRWLockExclusive(&lock);
    for (r = requests; r; r = r->next)
        if (r->ovl == ovl) break;
    if (r || (!handles[kind] && !(handles[kind] = CreateEventW(NULL, TRUE, FALSE, NULL))))
    {
        ReleaseSRWLockExclusive(&lock);
        if (req->event) CloseHandle(req->event);
        free(req);
        if (r)
        {
            TRACE("%s: %p is already pending\n", function_names[kind], ovl);
            return ERROR_INVALID_PARAMETER;
        }
        ERR("cannot create the handle (error %lu)\n", GetLastError());
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    /* As the I/O manager does when a request starts. */
    ovl->InternalHigh = 0;
    ovl->Internal = STATUS_PENDING;
    if (req->event) ResetEvent(req->event);
    ResetEvent(handles[kind]);
    *handle = handles[kind];
    req->next = requests;
    requests = req;
    ReleaseSRWLockExclusive(&lock);

    TRACE("%s: %p pending on %p\n", function_names[kind], ovl, *handle);
    SetLastError(ERROR_IO_PENDING);
    return ERROR_IO_PENDING;
}

static DWORD request_change(enum change_kind kind, HANDLE *handle, OVERLAPPED *ovl)
{
    if (!wn_running_on_wine()) return system_request(kind, handle, ovl);

    TRACE("%s(%p, %p)\n", function_names[kind], handle, ovl);
    /* Documented: both NULL (synchronous) or both set (overlapped); one without the other is not. */
    if (!handle != !ovl) return ERROR_INVALID_PARAMETER;
    if (subscribe() != WN_SOURCE_OK)
    {
        WARN("no event source: %s is the system's\n", function_names[kind]);
        return system_request(kind, handle, ovl);
    }
    return ovl ? arm(kind, handle, ovl) : wait_sync(kind);
}

DWORD WINAPI NotifyAddrChange(HANDLE *Handle, OVERLAPPED *overlapped)
{
    return request_change(CHANGE_ADDR, Handle, overlapped);
}

DWORD WINAPI NotifyRouteChange(HANDLE *Handle, OVERLAPPED *overlapped)
{
    return request_change(CHANGE_ROUTE, Handle, overlapped);
}

BOOL WINAPI CancelIPChangeNotify(OVERLAPPED *notifyOverlapped)
{
    struct request **p, *req;
    BOOL found = FALSE;
    cancel_fn fn;

    if (wn_running_on_wine())
    {
        TRACE("(%p)\n", notifyOverlapped);
        if (!notifyOverlapped) return FALSE;
        AcquireSRWLockExclusive(&lock);
        for (p = &requests; (req = *p); p = &req->next)
        {
            if (req->ovl != notifyOverlapped) continue;
            *p = req->next;
            finish(req, WN_STATUS_CANCELLED);
            found = TRUE;
            break;
        }
        ReleaseSRWLockExclusive(&lock);
        if (found)
        {
            TRACE("%p cancelled\n", notifyOverlapped);
            return TRUE;
        }
        if (!system_used)
        {
            TRACE("%p is not pending\n", notifyOverlapped);
            return FALSE;
        }
    }
    if (!(fn = (cancel_fn)wn_forward_lookup("CancelIPChangeNotify")))
    {
        FIXME("the system DLL lacks CancelIPChangeNotify\n");
        return FALSE;
    }
    return fn(notifyOverlapped);
}
