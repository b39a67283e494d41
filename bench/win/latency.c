/* Latency: from the host change (CLOCK_REALTIME just before the native side's netlink write) to the entry of
 * our callback, and to the native listener's wake-up (the floor), for address, route and link adds and
 * deletes, one change at a time. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define WAIT_MS 2000
#define WARMUP 5

struct kind_info
{
    enum expect_kind kind;
    const char *word, *label;
};

static const struct kind_info kinds[] =
{
    { EXPECT_ADDR, "addr", "address" },
    { EXPECT_ROUTE, "route", "route" },
    { EXPECT_LINK, "link", "link" },
};

static uint32_t key_for(enum expect_kind kind, unsigned int i)
{
    switch (kind)
    {
    case EXPECT_ADDR: return IP4(10, 77, 0, 1) + i;
    case EXPECT_ROUTE: return IP4(10, 100, 0, 0) + i * 256;
    case EXPECT_LINK: return 5000 + i;
    }
    return 0;
}

/* One change and its callback; FALSE if the native side failed.  The sample is added unless warm-up. */
static BOOL sample(const struct kind_info *k, BOOL add, uint32_t key, struct series *dll, struct series *floor_s)
{
    const char *r;
    long long t0, floor_ns;
    int64_t first, last;

    BOOL came;

    expect_arm(k->kind, add ? MibAddInstance : MibDeleteInstance, key, 1);
    if (!native_send("change %s %s %u %s", k->word, add ? "add" : "del", key, k->kind == EXPECT_LINK ? "-" : test_if))
        return FALSE;
    came = expect_wait(WAIT_MS, &first, &last);
    if (!(r = native_reply()) || sscanf(r, "%lld %lld", &t0, &floor_ns) != 2) return FALSE;
    if (!came)
    {
        if (dll) dll->missed++;
    }
    else if (dll) series_add(dll, (double)(first - t0) / 1000.0);
    if (floor_s)
    {
        if (floor_ns < 0) floor_s->missed++;
        else series_add(floor_s, (double)(floor_ns - t0) / 1000.0);
    }
    return TRUE;
}

static void add_row(const char *label, struct series *dll, struct series *floor_s)
{
    char name[64];
    double d50 = series_pct(dll, 50), d99 = series_pct(dll, 99);
    double f50 = series_pct(floor_s, 50), f99 = series_pct(floor_s, 99);

    snprintf(name, sizeof(name), "latency %s (us)", label);
    row(name, "ours p50 %5.0f p99 %6.0f | native p50 %4.0f p99 %5.0f | ratio %5.2f | n=%zu missed=%u",
        d50, d99, f50, f99, d50 / f50, dll->n, dll->missed + floor_s->missed);
}

void phase_latency(void)
{
    HANDLE regs[3];
    unsigned int k, i;

    for (k = 0; k < 3; k++) regs[k] = register_kind(kinds[k].kind);
    for (k = 0; k < 3; k++)
    {
        const struct kind_info *ki = &kinds[k];
        struct series dll[2] = { { 0 } }, floor_s[2] = { { 0 } };
        char label[32];
        int op;

        if (!regs[k]) continue;
        /* The first events start our worker threads: not what a running program pays. */
        for (i = 0; i < WARMUP; i++)
        {
            uint32_t key = key_for(ki->kind, 900 + i);

            if (!sample(ki, TRUE, key, NULL, NULL) || !sample(ki, FALSE, key, NULL, NULL)) break;
        }
        for (i = 0; i < plan.samples; i++)
        {
            uint32_t key = key_for(ki->kind, i);

            if (!sample(ki, TRUE, key, &dll[0], &floor_s[0]) || !sample(ki, FALSE, key, &dll[1], &floor_s[1]))
                break;
        }
        for (op = 0; op < 2; op++)
        {
            snprintf(label, sizeof(label), "%s %s", ki->label, op ? "delete" : "add");
            add_row(label, &dll[op], &floor_s[op]);
            for (i = 0; i < dll[op].n; i++) series_add(&results.lat_dll, dll[op].v[i]);
            for (i = 0; i < floor_s[op].n; i++) series_add(&results.lat_floor, floor_s[op].v[i]);
            results.lat_dll.missed += dll[op].missed;
            series_free(&dll[op]);
            series_free(&floor_s[op]);
        }
    }
    row("latency device arrival / removal", "n/a (CM_Register_Notification not implemented yet, issue 5)");
    for (k = 0; k < 3; k++) if (regs[k]) CancelMibChangeNotify2(regs[k]);
}
