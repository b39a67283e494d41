/* Scale: many registrations at once.  What each costs in memory (heap bytes in use, from walking every heap of
 * the process, and private bytes), how long registering and cancelling take, and how long one event takes to
 * reach all of them. */
#include <winsock2.h>
#include <windows.h>
#include <psapi.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define WAIT_MS 10000

/* Bytes in busy heap blocks, over all heaps of the process. */
static SIZE_T heap_in_use(void)
{
    HANDLE heaps[256];
    DWORD n = GetProcessHeaps(ARRAYSIZE(heaps), heaps), i;
    SIZE_T total = 0;

    if (n > ARRAYSIZE(heaps)) n = ARRAYSIZE(heaps);
    for (i = 0; i < n; i++)
    {
        PROCESS_HEAP_ENTRY e;

        if (!HeapLock(heaps[i])) continue;
        e.lpData = NULL;
        while (HeapWalk(heaps[i], &e))
            if (e.wFlags & PROCESS_HEAP_ENTRY_BUSY) total += e.cbData;
        HeapUnlock(heaps[i]);
    }
    return total;
}

static SIZE_T private_bytes(void)
{
    PROCESS_MEMORY_COUNTERS_EX pmc;

    pmc.cb = sizeof(pmc);
    if (!K32GetProcessMemoryInfo(GetCurrentProcess(), (PROCESS_MEMORY_COUNTERS *)&pmc, sizeof(pmc))) return 0;
    return pmc.PrivateUsage;
}

void phase_scale(void)
{
    unsigned int n = plan.scale_regs, i, got = 0;
    HANDLE *regs = calloc(n, sizeof(*regs));
    struct series first = { 0 }, last = { 0 }, spread = { 0 };
    SIZE_T heap0, heap1, heap2, priv0, priv1;
    double t0, t_reg, t_cancel;
    char name[64];

    if (!regs) return;
    heap0 = heap_in_use();
    priv0 = private_bytes();
    t0 = mono_us();
    for (i = 0; i < n; i++)
        if ((regs[i] = register_kind(EXPECT_ADDR))) got++;
    t_reg = (mono_us() - t0) / n;
    heap1 = heap_in_use();
    priv1 = private_bytes();
    results.mem_per_reg = (double)(heap1 - heap0) / got;
    snprintf(name, sizeof(name), "scale: %u registrations", got);
    row(name, "register %.0f us each; memory %.0f B each (heap in use), %.0f B each (private bytes)", t_reg,
        (double)(heap1 - heap0) / got, ((double)priv1 - (double)priv0) / got);

    for (i = 0; i < plan.scale_samples && got == n; i++)
    {
        uint32_t key = IP4(10, 78, 0, 1) + i;
        int op;

        for (op = 0; op < 2; op++)
        {
            const char *r;
            long long t_change, floor_ns;
            int64_t t_first, t_last;

            BOOL came;

            expect_arm(EXPECT_ADDR, op ? MibDeleteInstance : MibAddInstance, key, (LONG)n);
            if (!native_send("change addr %s %u %s", op ? "del" : "add", key, test_if)) break;
            came = expect_wait(WAIT_MS, &t_first, &t_last);
            if (!(r = native_reply()) || sscanf(r, "%lld %lld", &t_change, &floor_ns) != 2) break;
            if (!came)
            {
                first.missed++;
                continue;
            }
            series_add(&first, (double)(t_first - t_change) / 1000.0);
            series_add(&last, (double)(t_last - t_change) / 1000.0);
            series_add(&spread, (double)(t_last - t_first) / 1000.0 / (n > 1 ? n - 1 : 1));
        }
    }
    snprintf(name, sizeof(name), "scale: one event to %u registrations", n);
    row(name, "first callback p50 %.0f us, last p50 %.0f us; %.2f us per callback | n=%zu missed=%u",
        series_pct(&first, 50), series_pct(&last, 50), series_pct(&spread, 50), first.n, first.missed);
    heap2 = heap_in_use();
    snprintf(name, sizeof(name), "scale: memory after %zu events", first.n);
    row(name, "%.0f B per registration (heap in use, with the rows each keeps for its callbacks)",
        (double)(heap2 - heap0) / got);

    t0 = mono_us();
    for (i = 0; i < n; i++) if (regs[i]) CancelMibChangeNotify2(regs[i]);
    t_cancel = (mono_us() - t0) / n;
    row("scale: cancel", "%.0f us each; heap in use afterwards %+.0f B against before registering", t_cancel,
        (double)heap_in_use() - (double)heap0);
    series_free(&first);
    series_free(&last);
    series_free(&spread);
    free(regs);
}
