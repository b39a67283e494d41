/* The helper's side of the wire: records queued for the DLL, written in large chunks.
 *
 * Every event source (netlink.c, uevent.c) reports through these calls and knows nothing of the socket.
 * output_record() drops a no-op re-announcement: an object record whose body equals the last one sent for the
 * same key (see seen.c). */
#ifndef WN_HOST_OUTPUT_H
#define WN_HOST_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "winenotify/wire.h"

struct output;

/* An output over fd: a connected socket or a pipe, blocking.  NULL when out of memory.  The fd stays the
 * caller's. */
struct output *output_new(int fd);
void output_free(struct output *out);

/* Writes everything queued; called once per batch of events (every poll wake-up), and by output_record itself
 * when the buffer is full.  Returns 0, or -1 when the connection is gone. */
int output_flush(struct output *out);

/* Queues one record.  For WN_WIRE_DEVICE, props/props_len is the "KEY=VALUE\0..." block (with DEVPATH).
 * Returns 0, or -1 when the connection is gone (the helper then exits). */
int output_record(struct output *out, uint16_t type, uint16_t op, const void *body,
                  const char *props, size_t props_len);

/* Brackets a snapshot of the given tables; between the two, records are sent with op ADD and the
 * re-announcement filter for those tables is rebuilt from them. */
int output_snapshot_begin(struct output *out, uint32_t tables, uint32_t reason);
int output_snapshot_end(struct output *out, uint32_t tables, uint32_t reason);

#endif
