/* Registrations of the notification functions (iphlpapi's MIB changes, cfgmgr32's device changes): their
 * handles, the worker threads that run their callbacks, and the rundown that ends them (see ARCHITECTURE.md,
 * "Principles", and SPEC.md §2-§4, §6-§7).
 *
 * A registration's notes (one per callback) are queued by the event source's reader thread and delivered by a
 * small pool of worker threads of ours: never on the reader thread, because a callback may block (sleep, wait
 * for another registration's callback through CancelMibChangeNotify2) and the reader must keep reading.  The
 * callbacks of one registration run one at a time and in order; different registrations may run in parallel,
 * so one slow callback delays only its own registration.  Idle workers wait without a timeout.
 *
 * Notes are the kind's: a struct that starts with a struct wn_note, allocated with malloc, freed here.
 * Row memory: a note holds the row the callback is given.  After delivery it is kept among the registration's
 * last WN_REG_KEPT_ROWS delivered notes, so the row stays valid after the callback returns (GLib reads the
 * MIB_IPFORWARD_ROW2 later, from an idle handler) until that many newer notes of the same registration have
 * been delivered, or the registration is cancelled.  The kept notes are chained through their own next link
 * (idle once delivered), oldest first, instead of in an array of WN_REG_KEPT_ROWS slots: a registration pays
 * three fields plus the notes it has actually had (at most WN_REG_KEPT_ROWS), and keeping a note allocates
 * nothing, so running out of memory can never cut the promise short.
 *
 * Handles are numbers in [0x40000000, 0x80000000), not pointers.  A kernel handle is an index into the
 * process's handle table times 4, and that table holds at most 2^24 entries, so no kernel handle reaches this
 * range and CloseHandle fails on ours; the pseudo-handles sit at the top of the address range, far above.
 * Numbers are not reused until 2^27 registrations later (and never while live), so a cancelled handle stays
 * unknown instead of naming a newer registration, as a freed and reused pointer would.  A handle is looked up
 * in the registry of live registrations; an unknown value is never dereferenced.  Each DLL has its own registry
 * (this file is linked into both): their handles are told apart by their handle space, so that one DLL's handle
 * given to the other's cancel function is unknown there instead of naming an unrelated registration. */
#ifndef WN_COMMON_DISPATCH_H
#define WN_COMMON_DISPATCH_H

#include <winsock2.h>
#include <windows.h>

#include "source.h"

#define WN_REG_KEPT_ROWS 256

/* One callback to make: the head of the kind's own note. */
struct wn_note
{
    struct wn_note *next;
};

/* The caller's callback, cast back to its real type by the kind (void (*)(void) converts to and from any
 * function pointer type). */
typedef void (*wn_reg_callback)(void);

struct wn_reg;

struct wn_reg_ops
{
    /* Worker thread, no lock held: make the callback for note (or decide that none is due). */
    void (*deliver)(struct wn_reg *reg, struct wn_note *note);
    /* Frees what the kind added; the subscription has ended and no callback runs. */
    void (*destroy)(struct wn_reg *reg);
    /* WN_REG_SPACE_*: the DLL whose handles these are. */
    unsigned int handle_space;
};

#define WN_REG_SPACE_IPHLPAPI 0
#define WN_REG_SPACE_CFGMGR32 1

struct wn_reg
{
    /* Set by the kind (notify_mib.c, stable.c, cfgmgr32's notify.c) before wn_reg_publish(). */
    const struct wn_reg_ops *ops;
    wn_reg_callback callback;
    void *context;
    struct wn_subscription *sub;  /* ended by the rundown */
    void *track;                  /* the kind's own state */

    /* dispatch.c's, under its lock. */
    ULONG_PTR handle;
    struct wn_reg *next;          /* registry */
    struct wn_reg *ready_next;
    struct wn_note *queue_head, *queue_tail;
    struct wn_note *kept_head, *kept_tail;  /* delivered notes whose rows may still be read, oldest first */
    unsigned int kept_count;
    DWORD running_tid;            /* thread making a callback (or holding it, see wn_reg_create) */
    BOOL running, ready, cancelled, free_when_done, finished;
};

/* A registration held by the calling thread: notes posted to it wait until wn_reg_start().  NULL when out of
 * memory. */
struct wn_reg *wn_reg_create(const struct wn_reg_ops *ops);

/* Frees a registration that was never published (its subscription, if any, is ended first). */
void wn_reg_discard(struct wn_reg *reg);

/* Enters it in the registry and returns its handle: from now on wn_reg_cancel() finds it.  The creator
 * still holds it, so a cancel from another thread waits for wn_reg_start(). */
HANDLE wn_reg_publish(struct wn_reg *reg);

/* The creator lets go: queued notes start to be delivered.  Returns FALSE if the registration was cancelled
 * meanwhile (from the initial callback, or by another thread): it must not be touched any more. */
BOOL wn_reg_start(struct wn_reg *reg);

/* Queues a note (any thread; the reader's).  Dropped (freed) if the registration is being cancelled. */
void wn_reg_post(struct wn_reg *reg, struct wn_note *note);

/* From deliver(): this is the registration's last callback; when it returns the registration ends by itself
 * (removed from the registry, its subscription ended, freed), unless it was cancelled meanwhile. */
void wn_reg_finish(struct wn_reg *reg);

/* Cancels one of our handles (CancelMibChangeNotify2, CM_Unregister_Notification): NO_ERROR when it was ours,
 * live, and is now ended (its callback in flight has returned, unless the caller is that very callback, which then is its last); ERROR_INVALID_HANDLE
 * when the handle is not a live registration of ours. */
DWORD wn_reg_cancel(HANDLE handle);

/* Handles the system DLL gave out when we fell back to it (no helper): the cancel function passes these on. */
void wn_reg_track_system(HANDLE handle);
BOOL wn_reg_untrack_system(HANDLE handle);

#endif
