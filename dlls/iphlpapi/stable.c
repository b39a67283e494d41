/* NotifyStableUnicastIpAddressTable (SPEC.md §4), and GetUnicastIpAddressTable with the same rows.
 *
 * On a Linux host "not stable" means duplicate address detection is still running: an address of the family
 * is tentative (IFA_F_TENTATIVE without IFA_F_DADFAILED; a failed one never becomes stable and is reported as
 * IpDadStateDuplicate).  While one is, the call pends and the callback later gets the table, once no covered
 * address is tentative any more.
 *
 * The table is the system's own GetUnicastIpAddressTable (same rows and keys as the caller gets from it, and
 * memory the system's FreeMibTable frees, as the caller and the callee must), with each row's DadState set
 * from the view: Wine reports every address as preferred. */
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdlib.h>

#include "debug.h"
#include "dispatch.h"
#include "forward.h"
#include "rows.h"

typedef DWORD (WINAPI *get_table_fn)(ADDRESS_FAMILY family, MIB_UNICASTIPADDRESS_TABLE **table);
typedef DWORD (WINAPI *notify_stable_fn)(ADDRESS_FAMILY family, MIB_UNICASTIPADDRESS_TABLE **table,
                                         PSTABLE_UNICAST_IPADDRESS_TABLE_CALLBACK callback, void *context,
                                         HANDLE *handle);

struct stable_track
{
    ADDRESS_FAMILY family;
    unsigned int tentative;  /* covered addresses whose DAD is running, as the changes tell it (reader's) */
    unsigned int initial;    /* the same in the starting view (the registering thread's) */
};

struct patch
{
    ADDRESS_FAMILY family;
    MIB_UNICASTIPADDRESS_TABLE *table;
    BOOL pending;
};

/* Under the source's lock: the view's DAD states into the system's rows. */
static void patch_view(void *ctx, const struct wn_state *state)
{
    struct patch *patch = ctx;
    const struct wn_state_addr *addr;
    ULONG i;

    for (addr = wn_state_first(state, WN_TABLE_ADDR); addr; addr = wn_state_next(state, WN_TABLE_ADDR, addr))
    {
        if (!wn_family_covers(patch->family, addr->wire.family)) continue;
        if (wn_dad_pending(&addr->wire)) patch->pending = TRUE;
        for (i = 0; patch->table && i < patch->table->NumEntries; i++)
        {
            MIB_UNICASTIPADDRESS_ROW *row = &patch->table->Table[i];

            if (wn_row_is_addr(&row->Address, row->InterfaceIndex, &addr->wire)) wn_row_unicast_state(row, &addr->wire);
        }
    }
}

/* The system's table with the view's DAD states; *pending tells whether a covered address is still tentative
 * in the view. */
static DWORD stable_table(ADDRESS_FAMILY family, MIB_UNICASTIPADDRESS_TABLE **table, BOOL *pending)
{
    get_table_fn get_table = (get_table_fn)wn_forward_lookup("GetUnicastIpAddressTable");
    struct patch patch = { family, NULL, FALSE };
    DWORD err;

    *table = NULL;
    *pending = FALSE;
    if (!get_table)
    {
        FIXME("the system DLL lacks GetUnicastIpAddressTable\n");
        return ERROR_NOT_SUPPORTED;
    }
    if ((err = get_table(family, table))) return err;
    patch.table = *table;
    if (wn_source_query(patch_view, &patch) != WN_SOURCE_OK) WARN("no view: DAD states are the system's\n");
    *pending = patch.pending;
    return NO_ERROR;
}

/* ---- the pending request ---------------------------------------------------------------------------------- */

static void count_view(void *ctx, const struct wn_state *state)
{
    struct wn_reg *reg = ctx;
    struct stable_track *track = reg->track;
    const struct wn_state_addr *addr;

    for (addr = wn_state_first(state, WN_TABLE_ADDR); addr; addr = wn_state_next(state, WN_TABLE_ADDR, addr))
        if (wn_family_covers(track->family, addr->wire.family) && wn_dad_pending(&addr->wire)) track->tentative++;
    track->initial = track->tentative;
}

static BOOL counts(const struct stable_track *track, const struct wn_state_addr *addr)
{
    return addr && wn_family_covers(track->family, addr->wire.family) && wn_dad_pending(&addr->wire);
}

/* The reader's: when the last tentative address settles, the worker builds the table. */
static void on_change(void *ctx, uint32_t table, uint16_t op, const void *old_body, const void *new_body)
{
    struct wn_reg *reg = ctx;
    struct stable_track *track = reg->track;
    unsigned int before = track->tentative;
    struct wn_note *note;

    (void)op;
    if (table != WN_TABLE_ADDR) return;
    if (counts(track, old_body) && track->tentative) track->tentative--;
    if (counts(track, new_body)) track->tentative++;
    if (!before || track->tentative) return;
    TRACE("%p: no tentative address left\n", reg);
    if (!(note = calloc(1, sizeof(*note))))
    {
        ERR("out of memory: the stable table is not delivered\n");
        return;
    }
    wn_reg_post(reg, note);
}

static void stable_deliver(struct wn_reg *reg, struct wn_note *note)
{
    MIB_UNICASTIPADDRESS_TABLE *table;
    BOOL pending;
    DWORD err;

    (void)note;
    err = stable_table(((struct stable_track *)reg->track)->family, &table, &pending);
    if (pending)
    {
        /* A new tentative address came meanwhile: its settling posts again. */
        TRACE("%p: still tentative\n", reg);
        if (table)
        {
            void (WINAPI *free_table)(void *) = (void (WINAPI *)(void *))wn_forward_lookup("FreeMibTable");

            if (free_table) free_table(table);
        }
        return;
    }
    if (err) ERR("GetUnicastIpAddressTable failed (%lu): the callback gets no table\n", err);
    wn_reg_finish(reg);
    TRACE("%p: calling back with %lu addresses\n", reg, table ? table->NumEntries : 0);
    ((PSTABLE_UNICAST_IPADDRESS_TABLE_CALLBACK)reg->callback)(reg->context, table);
}

static void stable_destroy(struct wn_reg *reg)
{
    free(reg->track);
}

static const struct wn_reg_ops stable_ops = { stable_deliver, stable_destroy, WN_REG_SPACE_IPHLPAPI };

/* ---- the export ------------------------------------------------------------------------------------------- */

/* The system's own: on Windows, or without a helper.  Wine 8 lacks it; its GetUnicastIpAddressTable (which
 * reports every address as preferred) then answers at once. */
static DWORD system_stable(ADDRESS_FAMILY family, MIB_UNICASTIPADDRESS_TABLE **table,
                           PSTABLE_UNICAST_IPADDRESS_TABLE_CALLBACK callback, void *context, HANDLE *handle)
{
    notify_stable_fn fn = (notify_stable_fn)wn_forward_lookup("NotifyStableUnicastIpAddressTable");
    get_table_fn get_table;
    DWORD err;

    if (fn)
    {
        err = fn(family, table, callback, context, handle);
        if (err == ERROR_IO_PENDING && handle && wn_running_on_wine()) wn_reg_track_system(*handle);
        return err;
    }
    if (!(get_table = (get_table_fn)wn_forward_lookup("GetUnicastIpAddressTable")))
    {
        FIXME("the system DLL lacks NotifyStableUnicastIpAddressTable and GetUnicastIpAddressTable\n");
        return ERROR_NOT_SUPPORTED;
    }
    TRACE("the system DLL lacks NotifyStableUnicastIpAddressTable: answering with its table\n");
    return get_table(family, table);
}

DWORD WINAPI NotifyStableUnicastIpAddressTable(ADDRESS_FAMILY Family, PMIB_UNICASTIPADDRESS_TABLE *Table,
                                               PSTABLE_UNICAST_IPADDRESS_TABLE_CALLBACK CallerCallback,
                                               PVOID CallerContext, HANDLE *NotificationHandle)
{
    struct stable_track *track;
    struct wn_reg *reg;
    BOOL pending;
    DWORD err;

    if (!wn_running_on_wine())
        return system_stable(Family, Table, CallerCallback, CallerContext, NotificationHandle);

    TRACE("(%u, %p, %p, %p, %p)\n", Family, Table, CallerCallback, CallerContext, NotificationHandle);
    if (!Table || !NotificationHandle) return ERROR_INVALID_PARAMETER;
    *Table = NULL;
    *NotificationHandle = NULL;
    if (!wn_family_valid(Family) || !CallerCallback) return ERROR_INVALID_PARAMETER;

    if (!(reg = wn_reg_create(&stable_ops)) || !(reg->track = track = calloc(1, sizeof(*track))))
    {
        wn_reg_discard(reg);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    track->family = Family;
    reg->callback = (wn_reg_callback)CallerCallback;
    reg->context = CallerContext;
    if (wn_source_subscribe(WN_TABLE_ADDR, on_change, reg, count_view, reg, &reg->sub) != WN_SOURCE_OK)
    {
        wn_reg_discard(reg);
        WARN("no event source: NotifyStableUnicastIpAddressTable is the system's\n");
        return system_stable(Family, Table, CallerCallback, CallerContext, NotificationHandle);
    }
    if (track->initial)
    {
        *NotificationHandle = wn_reg_publish(reg);
        TRACE("%u tentative addresses: pending as %p\n", track->initial, *NotificationHandle);
        wn_reg_start(reg);
        return ERROR_IO_PENDING;
    }
    /* Nothing is tentative: the table now, and no callback ever. */
    wn_reg_discard(reg);
    if ((err = stable_table(Family, Table, &pending))) return err;
    if (pending) TRACE("an address became tentative just now; answering with the table anyway\n");
    return NO_ERROR;
}

/* ---- GetUnicastIpAddressTable ----------------------------------------------------------------------------- */

/* The same table NotifyStableUnicastIpAddressTable gives: the system's rows (the ones its GetAdaptersAddresses
 * and GetUnicastIpAddressEntry give too), with the view's DAD states, so that the table a program lists agrees
 * with the notifications and with our GetUnicastIpAddressEntry (read.c).  On Windows the system's. */
DWORD WINAPI GetUnicastIpAddressTable(ADDRESS_FAMILY Family, PMIB_UNICASTIPADDRESS_TABLE *Table)
{
    get_table_fn get_table;
    BOOL pending;

    if (wn_running_on_wine())
    {
        /* stable_table() writes *Table first; the rest of the checks are the system's. */
        if (!Table) return ERROR_INVALID_PARAMETER;
        return stable_table(Family, Table, &pending);
    }
    if (!(get_table = (get_table_fn)wn_forward_lookup("GetUnicastIpAddressTable"))) return ERROR_NOT_SUPPORTED;
    return get_table(Family, Table);
}
