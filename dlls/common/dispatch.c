/* Registrations: registry, handles, worker threads, rundown (see dispatch.h). */
#include <winsock2.h>
#include <windows.h>
#include <stdlib.h>

#include "debug.h"
#include "dispatch.h"

extern IMAGE_DOS_HEADER __ImageBase;

/* Enough for callbacks that block now and then; past it, ready registrations wait for a worker to come free. */
#define MAX_WORKERS 4

#define HANDLE_BASE  0x40000000u
#define HANDLE_STEP  8u          /* the two handle spaces 4 apart: every handle a multiple of 4, as Windows ones */
#define HANDLE_COUNT (0x40000000u / HANDLE_STEP)

static SRWLOCK lock = SRWLOCK_INIT;
static CONDITION_VARIABLE work_cv = CONDITION_VARIABLE_INIT;  /* a registration became ready */
static CONDITION_VARIABLE done_cv = CONDITION_VARIABLE_INIT;  /* a cancelled registration's callback returned */

static struct wn_reg *registry;
static ULONG next_handle;
static struct wn_reg *ready_head, *ready_tail;
static unsigned int n_workers, n_sleeping, n_wakes;

/* Only used without a helper, and then only by Wine versions whose functions give handles (Wine 8's are
 * stubs that give none). */
#define MAX_SYSTEM_HANDLES 64
static HANDLE system_handles[MAX_SYSTEM_HANDLES];

static void free_notes(struct wn_note *note)
{
    while (note)
    {
        struct wn_note *next = note->next;

        free(note);
        note = next;
    }
}

static void destroy(struct wn_reg *reg)
{
    if (reg->ops && reg->ops->destroy) reg->ops->destroy(reg);
    free_notes(reg->queue_head);
    free_notes(reg->kept_head);
    free(reg);
}

struct wn_reg *wn_reg_create(const struct wn_reg_ops *ops)
{
    struct wn_reg *reg = calloc(1, sizeof(*reg));

    if (!reg) return NULL;
    reg->ops = ops;
    reg->running = TRUE;
    reg->running_tid = GetCurrentThreadId();
    return reg;
}

void wn_reg_discard(struct wn_reg *reg)
{
    if (!reg) return;
    AcquireSRWLockExclusive(&lock);
    reg->cancelled = TRUE;
    ReleaseSRWLockExclusive(&lock);
    wn_source_unsubscribe(reg->sub);
    destroy(reg);
}

static struct wn_reg *find(ULONG_PTR handle)
{
    struct wn_reg *reg;

    for (reg = registry; reg; reg = reg->next)
        if (reg->handle == handle) return reg;
    return NULL;
}

static void unlink_registry(struct wn_reg *reg)
{
    struct wn_reg **p;

    for (p = &registry; *p; p = &(*p)->next)
    {
        if (*p != reg) continue;
        *p = reg->next;
        return;
    }
}

HANDLE wn_reg_publish(struct wn_reg *reg)
{
    AcquireSRWLockExclusive(&lock);
    do
    {
        reg->handle = HANDLE_BASE + (ULONG_PTR)(next_handle++ % HANDLE_COUNT) * HANDLE_STEP
                      + (reg->ops->handle_space ? HANDLE_STEP / 2 : 0);
    } while (find(reg->handle));
    reg->next = registry;
    registry = reg;
    ReleaseSRWLockExclusive(&lock);
    return (HANDLE)reg->handle;
}

/* ---- workers ---------------------------------------------------------------------------------------------- */

static DWORD WINAPI worker_main(void *arg);

/* Lock held. */
static void start_worker(void)
{
    HMODULE module;
    HANDLE thread;

    /* Workers run our code until the process ends: keep our module loaded. */
    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, (const WCHAR *)&__ImageBase, &module))
    {
        ERR("cannot pin our module (error %lu): no worker started\n", GetLastError());
        return;
    }
    if (!(thread = CreateThread(NULL, 0, worker_main, module, 0, NULL)))
    {
        ERR("cannot start a worker thread (error %lu)\n", GetLastError());
        FreeLibrary(module);
        return;
    }
    CloseHandle(thread);
    n_workers++;
    TRACE("worker %u started\n", n_workers);
}

/* Queues a registration with notes for the workers (lock held).  A worker that has just made its callback
 * queues it without help: it takes the next ready registration itself. */
static void make_ready(struct wn_reg *reg, BOOL from_worker)
{
    if (reg->ready || reg->running || reg->cancelled || !reg->queue_head) return;
    reg->ready = TRUE;
    reg->ready_next = NULL;
    if (ready_tail) ready_tail->ready_next = reg;
    else ready_head = reg;
    ready_tail = reg;

    if (from_worker) return;
    if (n_sleeping > n_wakes)
    {
        n_wakes++;
        WakeConditionVariable(&work_cv);
    }
    /* Past the limit, a busy worker takes it when its callback returns. */
    else if (n_workers < MAX_WORKERS) start_worker();
}

/* Lock held. */
static void unlink_ready(struct wn_reg *reg)
{
    struct wn_reg **p, *prev = NULL;

    if (!reg->ready) return;
    for (p = &ready_head; *p; prev = *p, p = &(*p)->ready_next)
    {
        if (*p != reg) continue;
        *p = reg->ready_next;
        if (ready_tail == reg) ready_tail = prev;
        break;
    }
    reg->ready = FALSE;
}

/* Keeps a delivered note as the row the callback may still be reading, letting go of the oldest past
 * WN_REG_KEPT_ROWS (lock held). */
static void keep_row(struct wn_reg *reg, struct wn_note *note)
{
    note->next = NULL;
    if (reg->kept_tail) reg->kept_tail->next = note;
    else reg->kept_head = note;
    reg->kept_tail = note;
    if (++reg->kept_count <= WN_REG_KEPT_ROWS) return;

    note = reg->kept_head;
    reg->kept_head = note->next;
    reg->kept_count--;
    free(note);
}

/* The registration ends by itself after its last callback (wn_reg_finish): lock held on entry, released. */
static void end_finished(struct wn_reg *reg)
{
    unlink_registry(reg);
    reg->cancelled = TRUE;
    free_notes(reg->queue_head);
    reg->queue_head = reg->queue_tail = NULL;
    ReleaseSRWLockExclusive(&lock);
    wn_source_unsubscribe(reg->sub);
    destroy(reg);
}

static DWORD WINAPI worker_main(void *arg)
{
    (void)arg;
    AcquireSRWLockExclusive(&lock);
    for (;;)
    {
        struct wn_reg *reg;
        struct wn_note *note;

        while (!ready_head)
        {
            n_sleeping++;
            SleepConditionVariableSRW(&work_cv, &lock, INFINITE, 0);
            n_sleeping--;
            if (n_wakes) n_wakes--;
        }
        reg = ready_head;
        if (!(ready_head = reg->ready_next)) ready_tail = NULL;
        reg->ready = FALSE;
        note = reg->queue_head;
        if (!(reg->queue_head = note->next)) reg->queue_tail = NULL;
        reg->running = TRUE;
        reg->running_tid = GetCurrentThreadId();
        ReleaseSRWLockExclusive(&lock);

        reg->ops->deliver(reg, note);

        AcquireSRWLockExclusive(&lock);
        reg->running = FALSE;
        keep_row(reg, note);
        if (reg->cancelled)
        {
            if (reg->free_when_done)
            {
                /* Cancelled from its own callback: the canceller could not wait, so the rundown ends here. */
                ReleaseSRWLockExclusive(&lock);
                destroy(reg);
                AcquireSRWLockExclusive(&lock);
            }
            else WakeAllConditionVariable(&done_cv);
        }
        else if (reg->finished)
        {
            end_finished(reg);
            AcquireSRWLockExclusive(&lock);
        }
        else make_ready(reg, TRUE);
    }
    return 0;  /* not reached: workers live as long as the process */
}

/* ---- the interface ---------------------------------------------------------------------------------------- */

BOOL wn_reg_start(struct wn_reg *reg)
{
    AcquireSRWLockExclusive(&lock);
    reg->running = FALSE;
    if (reg->cancelled)
    {
        if (reg->free_when_done)
        {
            ReleaseSRWLockExclusive(&lock);
            destroy(reg);
            return FALSE;
        }
        WakeAllConditionVariable(&done_cv);
        ReleaseSRWLockExclusive(&lock);
        return FALSE;
    }
    make_ready(reg, FALSE);
    ReleaseSRWLockExclusive(&lock);
    return TRUE;
}

void wn_reg_post(struct wn_reg *reg, struct wn_note *note)
{
    note->next = NULL;
    AcquireSRWLockExclusive(&lock);
    if (reg->cancelled || reg->finished)
    {
        ReleaseSRWLockExclusive(&lock);
        free(note);
        return;
    }
    if (reg->queue_tail) reg->queue_tail->next = note;
    else reg->queue_head = note;
    reg->queue_tail = note;
    make_ready(reg, FALSE);
    ReleaseSRWLockExclusive(&lock);
}

void wn_reg_finish(struct wn_reg *reg)
{
    AcquireSRWLockExclusive(&lock);
    reg->finished = TRUE;
    ReleaseSRWLockExclusive(&lock);
}

DWORD wn_reg_cancel(HANDLE handle)
{
    struct wn_reg *reg;
    BOOL own;

    AcquireSRWLockExclusive(&lock);
    if (!(reg = find((ULONG_PTR)handle)))
    {
        ReleaseSRWLockExclusive(&lock);
        return ERROR_INVALID_HANDLE;
    }
    unlink_registry(reg);
    unlink_ready(reg);
    reg->cancelled = TRUE;
    free_notes(reg->queue_head);
    reg->queue_head = reg->queue_tail = NULL;
    own = reg->running && reg->running_tid == GetCurrentThreadId();
    if (own) reg->free_when_done = TRUE;
    ReleaseSRWLockExclusive(&lock);

    /* No lock of ours held: the reader may be inside this subscription's event callback, which posts. */
    wn_source_unsubscribe(reg->sub);
    reg->sub = NULL;
    if (own)
    {
        TRACE("handle %p cancelled from its own callback\n", handle);
        return NO_ERROR;
    }

    AcquireSRWLockExclusive(&lock);
    while (reg->running) SleepConditionVariableSRW(&done_cv, &lock, INFINITE, 0);
    ReleaseSRWLockExclusive(&lock);
    destroy(reg);
    TRACE("handle %p cancelled\n", handle);
    return NO_ERROR;
}

void wn_reg_track_system(HANDLE handle)
{
    unsigned int i;

    if (!handle) return;
    AcquireSRWLockExclusive(&lock);
    for (i = 0; i < MAX_SYSTEM_HANDLES; i++)
    {
        if (system_handles[i]) continue;
        system_handles[i] = handle;
        break;
    }
    ReleaseSRWLockExclusive(&lock);
    if (i == MAX_SYSTEM_HANDLES) WARN("too many system handles: %p will not be recognised\n", handle);
}

BOOL wn_reg_untrack_system(HANDLE handle)
{
    unsigned int i;
    BOOL found = FALSE;

    AcquireSRWLockExclusive(&lock);
    for (i = 0; i < MAX_SYSTEM_HANDLES && !found; i++)
    {
        if (system_handles[i] != handle) continue;
        system_handles[i] = NULL;
        found = TRUE;
    }
    ReleaseSRWLockExclusive(&lock);
    return found;
}
