/* Burst: the native side makes address changes as fast as it can (adds, and after each add past the lag a
 * delete of the address added lag before), while one registration applies every callback to a replica of the
 * table it started from.  The replica must end equal to GetUnicastIpAddressTable, and each change should have
 * had its callback (a resync delivers only the difference, so changes undone within it are missed). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define BUCKETS 16384

struct entry
{
    struct entry *next;
    BOOL matched;            /* by the system's table, when comparing */
    ADDRESS_FAMILY family;
    NET_IFINDEX ifindex;
    BYTE addr[16];
};

static CRITICAL_SECTION cs;
static struct entry *buckets[BUCKETS];
static LONG invented;          /* adds of present, deletes of absent addresses */
static uint32_t first_key, n_keys, lag;
static BYTE *present;          /* the burst's addresses, by key - first_key */
static long mismatch;          /* burst addresses whose presence differs from the expected end */
static long delivered;         /* callbacks for burst addresses */
static int64_t converged_ns;
static HANDLE converged, marker_seen;
static uint32_t marker_key;

static void key_of(const SOCKADDR_INET *a, NET_IFINDEX ifindex, struct entry *e)
{
    memset(e, 0, sizeof(*e));
    e->family = a->si_family;
    e->ifindex = ifindex;
    if (a->si_family == AF_INET) memcpy(e->addr, &a->Ipv4.sin_addr, 4);
    else memcpy(e->addr, &a->Ipv6.sin6_addr, 16);
}

static unsigned int hash(const struct entry *e)
{
    unsigned int h = 2166136261u, i;

    for (i = 0; i < 16; i++) h = (h ^ e->addr[i]) * 16777619u;
    return (h ^ e->ifindex ^ e->family) % BUCKETS;
}

static struct entry **find(const struct entry *key)
{
    struct entry **p;

    for (p = &buckets[hash(key)]; *p; p = &(*p)->next)
        if ((*p)->family == key->family && (*p)->ifindex == key->ifindex && !memcmp((*p)->addr, key->addr, 16))
            return p;
    return p;
}

/* Returns FALSE if it was there already. */
static BOOL insert(const struct entry *key)
{
    struct entry **p = find(key), *e;

    if (*p) return FALSE;
    if (!(e = malloc(sizeof(*e)))) return FALSE;
    *e = *key;
    e->next = NULL;
    *p = e;
    return TRUE;
}

static BOOL remove_entry(const struct entry *key)
{
    struct entry **p = find(key), *e = *p;

    if (!e) return FALSE;
    *p = e->next;
    free(e);
    return TRUE;
}

static void clear(void)
{
    unsigned int i;

    for (i = 0; i < BUCKETS; i++)
        while (buckets[i])
        {
            struct entry *e = buckets[i];

            buckets[i] = e->next;
            free(e);
        }
}

static BOOL expected_present(uint32_t i)
{
    return i >= n_keys - lag;
}

static void WINAPI burst_cb(void *ctx, MIB_UNICASTIPADDRESS_ROW *r, MIB_NOTIFICATION_TYPE type)
{
    int64_t t = now_ns();
    struct entry key;
    uint32_t k;

    (void)ctx;
    if (!r) return;
    key_of(&r->Address, r->InterfaceIndex, &key);
    EnterCriticalSection(&cs);
    if (type == MibAddInstance && !insert(&key)) invented++;
    else if (type == MibDeleteInstance && !remove_entry(&key)) invented++;
    else if (type == MibParameterNotification && !*find(&key)) invented++;
    if (r->Address.si_family == AF_INET && type != MibParameterNotification)
    {
        k = ntohl(r->Address.Ipv4.sin_addr.s_addr);
        if (k == marker_key && type == MibAddInstance) SetEvent(marker_seen);
        else if (k - first_key < n_keys)
        {
            BYTE now_present = type == MibAddInstance;
            uint32_t i = k - first_key;

            delivered++;
            if (present[i] != now_present)
            {
                present[i] = now_present;
                mismatch += now_present == expected_present(i) ? -1 : 1;
                if (!mismatch)
                {
                    converged_ns = t;
                    SetEvent(converged);
                }
            }
        }
    }
    LeaveCriticalSection(&cs);
}

/* Compares the replica with GetUnicastIpAddressTable: returns how many differ, and prints the first few. */
static long compare_with_system(void)
{
    MIB_UNICASTIPADDRESS_TABLE *table;
    long diff = 0;
    ULONG i, shown = 0;
    unsigned int b;
    struct entry *e;

    if (GetUnicastIpAddressTable(AF_UNSPEC, &table))
    {
        detail("burst: GetUnicastIpAddressTable failed");
        return -1;
    }
    EnterCriticalSection(&cs);
    for (b = 0; b < BUCKETS; b++)
        for (e = buckets[b]; e; e = e->next) e->matched = FALSE;
    for (i = 0; i < table->NumEntries; i++)
    {
        struct entry key, **p;

        key_of(&table->Table[i].Address, table->Table[i].InterfaceIndex, &key);
        if (*(p = find(&key))) (*p)->matched = TRUE;
        else
        {
            diff++;
            if (shown++ < 5) detail("burst: the replica lacks an address of family %u on interface %lu",
                                    key.family, (unsigned long)key.ifindex);
        }
    }
    for (b = 0; b < BUCKETS; b++)
        for (e = buckets[b]; e; e = e->next)
        {
            if (e->matched) continue;
            diff++;
            if (shown++ < 5) detail("burst: the replica has an address of family %u on interface %lu too many",
                                    e->family, (unsigned long)e->ifindex);
        }
    LeaveCriticalSection(&cs);
    FreeMibTable(table);
    return diff;
}

/* The "resynchronised" lines the helper traced (tools/bench starts it with WINENOTIFY_HOST_DEBUG, stderr to
 * helper.log beside us); -1 when there is no trace. */
static long helper_resyncs(long *lines)
{
    FILE *f = fopen("helper.log", "r");
    char line[512];
    long n = 0;

    *lines = 0;
    if (!f) return -1;
    while (fgets(line, sizeof(line), f))
    {
        (*lines)++;
        if (strstr(line, "resynchronised")) n++;
    }
    fclose(f);
    return n;
}

void phase_burst(void)
{
    MIB_UNICASTIPADDRESS_TABLE *table;
    HANDLE h = NULL;
    const char *r;
    long long t_first, t_last, floor_last;
    long failed, floor_seen, floor_over, ops, diff, resyncs_before, resyncs, lines;
    ULONG i;
    DWORD wait;
    char resync_text[32];

    InitializeCriticalSection(&cs);
    converged = CreateEventW(NULL, TRUE, FALSE, NULL);
    marker_seen = CreateEventW(NULL, TRUE, FALSE, NULL);
    first_key = IP4(10, 88, 0, 1);
    n_keys = plan.burst_adds;
    lag = plan.burst_lag;
    marker_key = IP4(10, 89, 0, 1);
    ops = (long)n_keys + (long)(n_keys - lag);
    present = calloc(n_keys, 1);
    mismatch = lag;
    resyncs_before = helper_resyncs(&lines);

    /* The replica starts from the table; nothing changes between the two calls. */
    if (NotifyUnicastIpAddressChange(AF_UNSPEC, burst_cb, NULL, FALSE, &h) ||
        GetUnicastIpAddressTable(AF_UNSPEC, &table))
    {
        detail("burst: cannot register or read the table");
        return;
    }
    EnterCriticalSection(&cs);
    for (i = 0; i < table->NumEntries; i++)
    {
        struct entry key;

        key_of(&table->Table[i].Address, table->Table[i].InterfaceIndex, &key);
        insert(&key);
    }
    LeaveCriticalSection(&cs);
    FreeMibTable(table);

    if (!(r = native_cmd("burst %u %u %u %s", first_key, n_keys, lag, test_if)) ||
        sscanf(r, "%lld %lld %ld %ld %lld %ld", &t_first, &t_last, &failed, &floor_seen, &floor_last,
               &floor_over) != 6)
        return;
    wait = WaitForSingleObject(converged, plan.quick ? 10000 : 60000);
    /* A marker made after the burst: once its callback came, everything before it has been delivered. */
    if ((r = native_cmd("change addr add %u %s", marker_key, test_if)))
        WaitForSingleObject(marker_seen, 10000);
    diff = compare_with_system();
    resyncs = helper_resyncs(&lines);
    detail("helper trace: %ld lines", lines);
    CancelMibChangeNotify2(h);
    native_cmd("change addr del %u %s", marker_key, test_if);

    row("burst: changes made", "%ld in %.1f ms (%ld failed); native listener saw %ld%s", ops,
        (t_last - t_first) / 1e6, failed, floor_seen, floor_over ? " (it overflowed)" : "");
    if (resyncs < 0) snprintf(resync_text, sizeof(resync_text), "not traced");
    else snprintf(resync_text, sizeof(resync_text), "%ld", resyncs - (resyncs_before > 0 ? resyncs_before : 0));
    row("burst: our callbacks", "%ld delivered, %ld lost, %ld invented; helper resyncs %s", delivered,
        delivered < ops ? ops - delivered : 0, (long)invented, resync_text);
    if (wait == WAIT_OBJECT_0)
        row("burst: convergence", "%.1f ms after the last change (native listener: %.1f ms)",
            (converged_ns - t_last) / 1e6, floor_last > t_last ? (floor_last - t_last) / 1e6 : 0.0);
    else row("burst: convergence", "never (%ld addresses still differ)", mismatch);
    row("burst: final table exact", "%s (%ld differences against GetUnicastIpAddressTable)",
        diff == 0 && !invented ? "yes" : "no", diff);
    results.converge_ms = wait == WAIT_OBJECT_0 ? (converged_ns - t_last) / 1e6 : NAN;
    results.burst_lost = delivered < ops ? ops - delivered : 0;
    results.burst_exact = diff == 0 && !invented && wait == WAIT_OBJECT_0;
    results.burst_ok = TRUE;

    EnterCriticalSection(&cs);
    clear();
    LeaveCriticalSection(&cs);
    free(present);
}
