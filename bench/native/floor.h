/* The floor: a native Linux rtnetlink listener, as a program that needs no Wine would have.  It runs on a thread
 * of its own, blocked in recv(), and notes CLOCK_REALTIME as soon as an event arrives; the bench compares our
 * DLL's callbacks against it. */
#ifndef BENCH_FLOOR_H
#define BENCH_FLOOR_H

#include <stdint.h>

#include "nl_change.h"

/* Starts the listener thread (IPv4 addresses, IPv4 routes, links).  Returns 0 or a negative errno. */
int floor_start(void);

/* Arms the listener for the event of change c: call before making it. */
void floor_expect(const struct change *c);

/* Waits (at most timeout_ms) for the armed event; returns the time it was seen, or -1. */
int64_t floor_wait(int timeout_ms);

/* Events seen so far whose address lies in [first, first + count) (bursts), and the time of the last of them. */
void floor_reset_range(uint32_t first, uint32_t count);
/* Waits (at most timeout_ms) until expected events of the range were seen; returns how many were. */
long floor_range_wait(long expected, int timeout_ms, int64_t *last_ns);

/* Datagrams the kernel dropped for us (ENOBUFS seen). */
long floor_overflows(void);

#endif
