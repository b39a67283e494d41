/* The callbacks the latency and scale phases register, and the event they wait for (see bench.h).  A callback
 * takes the time first thing, then looks whether its row is the awaited one. */
#include "bench.h"

static struct
{
    enum expect_kind kind;
    MIB_NOTIFICATION_TYPE type;
    uint32_t key;
    LONG count;
} expect;
static volatile LONG armed, hits, others;
static volatile int64_t first_ns, last_ns;
static HANDLE done;

void expect_arm(enum expect_kind kind, MIB_NOTIFICATION_TYPE type, uint32_t key, LONG count)
{
    if (!done) done = CreateEventW(NULL, TRUE, FALSE, NULL);
    InterlockedExchange(&armed, 0);
    ResetEvent(done);
    expect.kind = kind;
    expect.type = type;
    expect.key = key;
    expect.count = count;
    hits = 0;
    InterlockedExchange(&armed, 1);
}

BOOL expect_wait(DWORD ms, int64_t *first, int64_t *last)
{
    BOOL ok = WaitForSingleObject(done, ms) == WAIT_OBJECT_0;

    InterlockedExchange(&armed, 0);
    *first = first_ns;
    *last = last_ns;
    return ok;
}

LONG other_callbacks(void)
{
    return others;
}

static void seen(int64_t t, enum expect_kind kind, MIB_NOTIFICATION_TYPE type, uint32_t key)
{
    LONG n;

    if (!armed || kind != expect.kind || type != expect.type || key != expect.key)
    {
        InterlockedIncrement(&others);
        return;
    }
    n = InterlockedIncrement(&hits);
    if (n == 1) first_ns = t;
    if (n == expect.count)
    {
        last_ns = t;
        SetEvent(done);
    }
}

static void WINAPI addr_cb(void *ctx, MIB_UNICASTIPADDRESS_ROW *r, MIB_NOTIFICATION_TYPE type)
{
    int64_t t = now_ns();

    (void)ctx;
    if (r && r->Address.si_family == AF_INET) seen(t, EXPECT_ADDR, type, ntohl(r->Address.Ipv4.sin_addr.s_addr));
}

static void WINAPI route_cb(void *ctx, MIB_IPFORWARD_ROW2 *r, MIB_NOTIFICATION_TYPE type)
{
    int64_t t = now_ns();

    (void)ctx;
    if (r && r->DestinationPrefix.Prefix.si_family == AF_INET && r->DestinationPrefix.PrefixLength == 24)
        seen(t, EXPECT_ROUTE, type, ntohl(r->DestinationPrefix.Prefix.Ipv4.sin_addr.s_addr));
}

static void WINAPI iface_cb(void *ctx, MIB_IPINTERFACE_ROW *r, MIB_NOTIFICATION_TYPE type)
{
    int64_t t = now_ns();

    (void)ctx;
    if (r && r->Family == AF_INET) seen(t, EXPECT_LINK, type, r->InterfaceIndex);
}

HANDLE register_kind(enum expect_kind kind)
{
    HANDLE h = NULL;
    DWORD err = ERROR_INVALID_PARAMETER;

    switch (kind)
    {
    case EXPECT_ADDR: err = NotifyUnicastIpAddressChange(AF_INET, addr_cb, NULL, FALSE, &h); break;
    case EXPECT_ROUTE: err = NotifyRouteChange2(AF_INET, route_cb, NULL, FALSE, &h); break;
    case EXPECT_LINK: err = NotifyIpInterfaceChange(AF_INET, iface_cb, NULL, FALSE, &h); break;
    }
    if (err)
    {
        detail("registration of kind %d failed: %lu", kind, err);
        return NULL;
    }
    return h;
}
