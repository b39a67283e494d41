/* GetNetworkConnectivityHint, GetNetworkConnectivityHintForInterface and NotifyNetworkConnectivityHintChange
 * (Windows 10 2004 and later; no Wine release exports them, so without us every caller gets "not supported").
 *
 * What Windows documents (learn.microsoft.com, netioapi.h and nldef.h pages of the three functions, of
 * PNETWORK_CONNECTIVITY_HINT_CHANGE_CALLBACK and of NL_NETWORK_CONNECTIVITY_HINT):
 *   - NL_NETWORK_CONNECTIVITY_HINT {ConnectivityLevel: Unknown 0, None 1, LocalAccess 2, InternetAccess 3,
 *     ConstrainedInternetAccess 4 (a captive portal), Hidden 5; ConnectivityCost: Unknown 0, Unrestricted 1,
 *     Fixed 2, Variable 3; BOOLEAN ApproachingDataLimit, OverDataLimit, Roaming}.
 *   - The callback is VOID(PVOID CallerContext, NL_NETWORK_CONNECTIVITY_HINT ConnectivityHint): the hint by
 *     value, no notification type.  It is called "when the aggregate network connectivity level and cost hints
 *     change": we call it once per change of the hint as a whole (level, cost or a flag), never for a change of
 *     the host that leaves the hint as it was.
 *   - InitialNotification TRUE asks for "an initialization notification": one callback with the current hint.
 *     As for the MIB registrations (SPEC.md §2) it runs on the registering thread and has returned when the call
 *     returns, so a program that prints the hint from it sees it before its next line.
 *   - CancelMibChangeNotify2 with the returned handle ends the registration.  Ours go through the same rundown
 *     as every registration (dispatch.c): it waits for a callback in flight, and from inside the callback it
 *     returns at once instead of deadlocking (SPEC.md §3).
 *   - Errors: the pages say only "NO_ERROR, else an error code".  For bad arguments we answer as the rest of the
 *     NETIO family documents it: ERROR_INVALID_PARAMETER for a NULL out pointer or callback (the handle set to
 *     NULL), ERROR_NOT_FOUND for an interface index that does not exist (GetIpInterfaceEntry's code).  These are
 *     inferred, not measured on Windows (no Windows machine here).
 *
 * Where the hint comes from under Wine: dlls/common/hint_view.c, on the same view as every other function of
 * ours (the helper's connectivity-service record, checked against and completed by our links, addresses and
 * routes).  Chromium reports "offline" for None and Hidden: see hint_view.h for why None is only said when
 * the view itself shows no usable interface.
 *
 * On Windows the system's functions answer; under Wine without a helper the system's too, which no Wine has
 * (ERROR_NOT_SUPPORTED with a FIXME trace, as before these were ours). */
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdlib.h>
#include <string.h>

#include "winenotify/connectivity_hint.h"
#include "hint_view.h"
#include "debug.h"
#include "dispatch.h"
#include "forward.h"

typedef DWORD (WINAPI *get_fn)(NL_NETWORK_CONNECTIVITY_HINT *hint);
typedef DWORD (WINAPI *get_for_interface_fn)(ULONG index, NL_NETWORK_CONNECTIVITY_HINT *hint);
typedef DWORD (WINAPI *notify_fn)(PNETWORK_CONNECTIVITY_HINT_CHANGE_CALLBACK callback, void *context,
                                  BOOLEAN initial, HANDLE *handle);

static const char *level_name(uint8_t level)
{
    static const char *const names[] = { "Unknown", "None", "LocalAccess", "InternetAccess",
                                         "ConstrainedInternetAccess", "Hidden" };
    return level < ARRAYSIZE(names) ? names[level] : "?";
}

static void to_windows(const struct wn_connectivity *c, NL_NETWORK_CONNECTIVITY_HINT *hint)
{
    memset(hint, 0, sizeof(*hint));
    hint->ConnectivityLevel = c->level;
    hint->ConnectivityCost = c->cost;
    hint->ApproachingDataLimit = !!(c->flags & WN_HINT_APPROACHING_LIMIT);
    hint->OverDataLimit = !!(c->flags & WN_HINT_OVER_LIMIT);
    hint->Roaming = !!(c->flags & WN_HINT_ROAMING);
}

/* ---- reads ------------------------------------------------------------------------------------------------ */

struct read
{
    ULONG index;             /* 0: the host's */
    struct wn_connectivity hint;
    BOOL found;
};

/* Under the source's lock. */
static void read_view(void *ctx, const struct wn_state *state)
{
    struct read *read = ctx;

    if (!read->index)
    {
        wn_connectivity_host(state, &read->hint);
        read->found = TRUE;
    }
    else read->found = !wn_connectivity_interface(state, read->index, &read->hint);
}

DWORD WINAPI GetNetworkConnectivityHint(NL_NETWORK_CONNECTIVITY_HINT *ConnectivityHint)
{
    struct read read;
    get_fn fn;

    memset(&read, 0, sizeof(read));
    if (wn_running_on_wine())
    {
        TRACE("(%p)\n", ConnectivityHint);
        if (!ConnectivityHint) return ERROR_INVALID_PARAMETER;
        if (wn_source_query(read_view, &read) == WN_SOURCE_OK)
        {
            to_windows(&read.hint, ConnectivityHint);
            TRACE("level %s, cost %u, flags %#x\n", level_name(read.hint.level), read.hint.cost, read.hint.flags);
            return NO_ERROR;
        }
        WARN("no event source: GetNetworkConnectivityHint is the system's\n");
    }
    if (!(fn = (get_fn)wn_forward_lookup("GetNetworkConnectivityHint")))
    {
        FIXME("the system DLL lacks GetNetworkConnectivityHint\n");
        return ERROR_NOT_SUPPORTED;
    }
    return fn(ConnectivityHint);
}

DWORD WINAPI GetNetworkConnectivityHintForInterface(ULONG InterfaceIndex,
                                                    NL_NETWORK_CONNECTIVITY_HINT *ConnectivityHint)
{
    struct read read;
    get_for_interface_fn fn;

    memset(&read, 0, sizeof(read));
    read.index = InterfaceIndex;
    if (wn_running_on_wine())
    {
        TRACE("(%lu, %p)\n", InterfaceIndex, ConnectivityHint);
        if (!ConnectivityHint) return ERROR_INVALID_PARAMETER;
        if (!InterfaceIndex) return ERROR_NOT_FOUND;
        if (wn_source_query(read_view, &read) == WN_SOURCE_OK)
        {
            if (!read.found) return ERROR_NOT_FOUND;
            to_windows(&read.hint, ConnectivityHint);
            TRACE("index %lu: level %s, cost %u, flags %#x\n", InterfaceIndex, level_name(read.hint.level),
                  read.hint.cost, read.hint.flags);
            return NO_ERROR;
        }
        WARN("no event source: GetNetworkConnectivityHintForInterface is the system's\n");
    }
    if (!(fn = (get_for_interface_fn)wn_forward_lookup("GetNetworkConnectivityHintForInterface")))
    {
        FIXME("the system DLL lacks GetNetworkConnectivityHintForInterface\n");
        return ERROR_NOT_SUPPORTED;
    }
    return fn(InterfaceIndex, ConnectivityHint);
}

/* ---- the registration ------------------------------------------------------------------------------------- */

struct hint_note
{
    struct wn_note head;
    NL_NETWORK_CONNECTIVITY_HINT hint;
};

struct hint_track
{
    struct wn_connectivity last;     /* the reader's: the hint last posted (or the starting one) */
    struct wn_connectivity initial;  /* the registering thread's: the starting hint */
};

static void hint_deliver(struct wn_reg *reg, struct wn_note *head)
{
    struct hint_note *note = CONTAINING_RECORD(head, struct hint_note, head);

    ((PNETWORK_CONNECTIVITY_HINT_CHANGE_CALLBACK)reg->callback)(reg->context, note->hint);
}

static void hint_destroy(struct wn_reg *reg)
{
    free(reg->track);
}

static const struct wn_reg_ops hint_ops = { hint_deliver, hint_destroy, WN_REG_SPACE_IPHLPAPI };

/* Under the source's lock, before any change reaches the registration. */
static void start_view(void *ctx, const struct wn_state *state)
{
    struct wn_reg *reg = ctx;
    struct hint_track *track = reg->track;

    wn_connectivity_host(state, &track->initial);
    track->last = track->initial;
}

static void read_host(void *ctx, const struct wn_state *state)
{
    wn_connectivity_host(state, ctx);
}

/* The reader's, one change at a time.  The hint is read from the view as it is now, which already holds this
 * change and possibly later ones of the same batch: a burst that ends where it began gives no callback, one
 * that moves the hint gives one with where it ended. */
static void on_change(void *ctx, uint32_t table, uint16_t op, const void *old_body, const void *new_body)
{
    struct wn_reg *reg = ctx;
    struct hint_track *track = reg->track;
    struct wn_connectivity now;
    struct hint_note *note;

    if (!wn_connectivity_relevant(table, op, old_body, new_body)) return;
    if (wn_source_query(read_host, &now) != WN_SOURCE_OK) return;
    if (!memcmp(&now, &track->last, sizeof(now))) return;
    TRACE("%p: level %s -> %s, cost %u -> %u, flags %#x -> %#x\n", reg, level_name(track->last.level),
          level_name(now.level), track->last.cost, now.cost, track->last.flags, now.flags);
    track->last = now;
    if (!(note = calloc(1, sizeof(*note))))
    {
        ERR("out of memory: a connectivity hint change is lost\n");
        return;
    }
    to_windows(&now, &note->hint);
    wn_reg_post(reg, &note->head);
}

DWORD WINAPI NotifyNetworkConnectivityHintChange(PNETWORK_CONNECTIVITY_HINT_CHANGE_CALLBACK Callback,
                                                 PVOID CallerContext, BOOLEAN InitialNotification,
                                                 PHANDLE NotificationHandle)
{
    NL_NETWORK_CONNECTIVITY_HINT initial;
    struct wn_reg *reg;
    notify_fn fn;
    HANDLE h;
    DWORD err;

    if (wn_running_on_wine())
    {
        TRACE("(%p, %p, %u, %p)\n", Callback, CallerContext, InitialNotification, NotificationHandle);
        if (!NotificationHandle) return ERROR_INVALID_PARAMETER;
        *NotificationHandle = NULL;
        if (!Callback) return ERROR_INVALID_PARAMETER;

        if (!(reg = wn_reg_create(&hint_ops)) || !(reg->track = calloc(1, sizeof(struct hint_track))))
        {
            wn_reg_discard(reg);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        reg->callback = (wn_reg_callback)Callback;
        reg->context = CallerContext;
        if (wn_source_subscribe(WN_TABLE_LINK | WN_TABLE_ADDR | WN_TABLE_ROUTE | WN_TABLE_HINT, on_change, reg,
                                start_view, reg, &reg->sub) == WN_SOURCE_OK)
        {
            /* Published before the initial callback, so that the callback may already use (and cancel) it. */
            *NotificationHandle = h = wn_reg_publish(reg);
            to_windows(&((struct hint_track *)reg->track)->initial, &initial);
            TRACE("registered %p, starting at level %s\n", h, level_name(initial.ConnectivityLevel));
            if (InitialNotification) Callback(CallerContext, initial);
            if (!wn_reg_start(reg)) TRACE("%p was cancelled by its initial callback\n", h);
            return NO_ERROR;
        }
        wn_reg_discard(reg);
        WARN("no event source: NotifyNetworkConnectivityHintChange is the system's\n");
    }
    if (!(fn = (notify_fn)wn_forward_lookup("NotifyNetworkConnectivityHintChange")))
    {
        FIXME("the system DLL lacks NotifyNetworkConnectivityHintChange\n");
        if (NotificationHandle) *NotificationHandle = NULL;
        return ERROR_NOT_SUPPORTED;
    }
    err = fn(Callback, CallerContext, InitialNotification, NotificationHandle);
    if (!err && NotificationHandle && wn_running_on_wine()) wn_reg_track_system(*NotificationHandle);
    return err;
}
