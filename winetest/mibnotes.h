/* MIB change notifications as a test records them (NotifyIpInterfaceChange, NotifyUnicastIpAddressChange,
 * NotifyRouteChange2 with the callbacks below), to wait for one and re-read its row with the notified keys: shared
 * by ifaddr.c and winipcfg.c.  A test calls mib_notes_init() before it registers. */
#ifndef WINETEST_MIBNOTES_H
#define WINETEST_MIBNOTES_H

#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <string.h>

#ifndef MIBNOTES_WAIT_MS
#define MIBNOTES_WAIT_MS 10000
#endif

enum mib_kind { NOTE_IFACE, NOTE_ADDR, NOTE_ROUTE };

struct mib_note
{
    enum mib_kind kind;
    MIB_NOTIFICATION_TYPE type;
    ADDRESS_FAMILY family;
    NET_LUID luid;
    NET_IFINDEX index;
    SOCKADDR_INET addr;      /* address, or route destination */
    UINT8 prefix_len;        /* routes */
};

static struct
{
    CRITICAL_SECTION cs;
    HANDLE signal;
    struct mib_note notes[512];
    int count;
} mib_seen;

static inline void mib_notes_init(void)
{
    InitializeCriticalSection(&mib_seen.cs);
    mib_seen.signal = CreateEventW(NULL, FALSE, FALSE, NULL);
}

static inline void mib_record(const struct mib_note *n)
{
    EnterCriticalSection(&mib_seen.cs);
    if (mib_seen.count < (int)ARRAY_SIZE(mib_seen.notes)) mib_seen.notes[mib_seen.count++] = *n;
    LeaveCriticalSection(&mib_seen.cs);
    SetEvent(mib_seen.signal);
}

static inline void WINAPI mib_on_interface(void *ctx, MIB_IPINTERFACE_ROW *row, MIB_NOTIFICATION_TYPE type)
{
    struct mib_note n;

    (void)ctx;
    if (!row) return;
    memset(&n, 0, sizeof(n));
    n.kind = NOTE_IFACE;
    n.type = type;
    n.family = row->Family;
    n.luid = row->InterfaceLuid;
    n.index = row->InterfaceIndex;
    mib_record(&n);
}

static inline void WINAPI mib_on_address(void *ctx, MIB_UNICASTIPADDRESS_ROW *row, MIB_NOTIFICATION_TYPE type)
{
    struct mib_note n;

    (void)ctx;
    if (!row) return;
    memset(&n, 0, sizeof(n));
    n.kind = NOTE_ADDR;
    n.type = type;
    n.family = row->Address.si_family;
    n.luid = row->InterfaceLuid;
    n.index = row->InterfaceIndex;
    n.addr = row->Address;
    mib_record(&n);
}

static inline void WINAPI mib_on_route(void *ctx, MIB_IPFORWARD_ROW2 *row, MIB_NOTIFICATION_TYPE type)
{
    struct mib_note n;

    (void)ctx;
    if (!row) return;
    memset(&n, 0, sizeof(n));
    n.kind = NOTE_ROUTE;
    n.type = type;
    n.family = row->DestinationPrefix.Prefix.si_family;
    n.luid = row->InterfaceLuid;
    n.index = row->InterfaceIndex;
    n.addr = row->DestinationPrefix.Prefix;
    n.prefix_len = row->DestinationPrefix.PrefixLength;
    mib_record(&n);
}

static inline BOOL mib_same_address(const SOCKADDR_INET *a, const SOCKADDR_INET *b)
{
    if (a->si_family != b->si_family) return FALSE;
    if (a->si_family == AF_INET) return a->Ipv4.sin_addr.s_addr == b->Ipv4.sin_addr.s_addr;
    return !memcmp(&a->Ipv6.sin6_addr, &b->Ipv6.sin6_addr, 16);
}

/* The index of the last notification so far (-1: none), to wait for one after it. */
static inline int mib_notes_last(void)
{
    int n;

    EnterCriticalSection(&mib_seen.cs);
    n = mib_seen.count - 1;
    LeaveCriticalSection(&mib_seen.cs);
    return n;
}

/* A notification after index `after` (luid 0: of any interface; addr NULL: of any address); its index, or -1 after
 * MIBNOTES_WAIT_MS. */
static inline int mib_notes_wait(enum mib_kind kind, MIB_NOTIFICATION_TYPE type, ADDRESS_FAMILY family,
                                 NET_LUID luid, const SOCKADDR_INET *addr, int after)
{
    ULONGLONG deadline = GetTickCount64() + MIBNOTES_WAIT_MS, now;
    int i;

    for (;;)
    {
        EnterCriticalSection(&mib_seen.cs);
        for (i = after + 1; i < mib_seen.count; i++)
        {
            const struct mib_note *n = &mib_seen.notes[i];

            if (n->kind != kind || n->type != type || n->family != family) continue;
            if (luid.Value && n->luid.Value != luid.Value) continue;
            if (addr && !mib_same_address(&n->addr, addr)) continue;
            LeaveCriticalSection(&mib_seen.cs);
            return i;
        }
        LeaveCriticalSection(&mib_seen.cs);
        if ((now = GetTickCount64()) >= deadline) return -1;
        WaitForSingleObject(mib_seen.signal, (DWORD)(deadline - now));
    }
}

#endif
