/* Records queued in one buffer and written in large chunks: the DLL pays ~100 µs per recv under Wine, so a burst
 * of events must reach it in as few segments as possible.  Writes block: a DLL that stops reading stalls the
 * helper, whose netlink queue then overflows and is resynchronised once it can write again. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "output.h"
#include "seen.h"

#define OUTPUT_BUFFER (64 * 1024)

struct output
{
    int fd;
    int dead;
    int not_socket;          /* a pipe: write() instead of send() */
    uint32_t snapshot;       /* WN_TABLE_* of the snapshot in progress */
    struct seen *seen;
    size_t used;
    uint8_t buf[OUTPUT_BUFFER];
};

struct output *output_new(int fd)
{
    struct output *out = malloc(sizeof(*out));

    if (!out) return NULL;
    memset(out, 0, offsetof(struct output, buf));
    out->fd = fd;
    if (!(out->seen = seen_new()))
    {
        free(out);
        return NULL;
    }
    return out;
}

void output_free(struct output *out)
{
    if (!out) return;
    seen_free(out->seen);
    free(out);
}

static ssize_t write_some(struct output *out, const uint8_t *p, size_t len)
{
    ssize_t n;

    /* MSG_NOSIGNAL: a closed connection must be an error to handle, not a SIGPIPE that kills us silently. */
    if (!out->not_socket)
    {
        n = send(out->fd, p, len, MSG_NOSIGNAL);
        if (n >= 0 || errno != ENOTSOCK) return n;
        out->not_socket = 1;
    }
    return write(out->fd, p, len);
}

int output_flush(struct output *out)
{
    size_t done = 0;

    if (out->dead) return -1;
    while (done < out->used)
    {
        ssize_t n = write_some(out, out->buf + done, out->used - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
        {
            out->dead = 1;
            return -1;
        }
        done += (size_t)n;
    }
    out->used = 0;
    return 0;
}

static uint32_t table_of(uint16_t type)
{
    switch (type)
    {
    case WN_WIRE_LINK: return WN_TABLE_LINK;
    case WN_WIRE_ADDR: return WN_TABLE_ADDR;
    case WN_WIRE_ROUTE: return WN_TABLE_ROUTE;
    case WN_WIRE_DEVICE: return WN_TABLE_DEVICE;
    case WN_WIRE_NEIGH: return WN_TABLE_NEIGH;
    case WN_WIRE_MADDR: return WN_TABLE_MADDR;
    }
    return 0;
}

/* Decides what the DLL is told about an object record: ADD for a key it does not know, CHANGE when something
 * worth sending differs from the last record sent, DEL for a key it knows; anything else is not news.  Returns
 * the op, WN_WIRE_OP_NONE to drop the record, or -1 when out of memory. */
static int filter(struct output *out, uint16_t type, uint16_t op, const void *body, const char *props,
                  size_t props_len)
{
    uint32_t table = table_of(type);

    if (!table) return op;
    if (out->snapshot & table)
    {
        /* A snapshot lists what exists; the filter is rebuilt from it. */
        if (op == WN_WIRE_OP_DEL) return WN_WIRE_OP_NONE;
        return seen_update(out->seen, type, body, props, props_len) == SEEN_ERROR ? -1 : WN_WIRE_OP_ADD;
    }
    if (op == WN_WIRE_OP_DEL)
        return seen_forget(out->seen, type, body, props, props_len) ? WN_WIRE_OP_DEL : WN_WIRE_OP_NONE;
    switch (seen_update(out->seen, type, body, props, props_len))
    {
    case SEEN_NEW: return WN_WIRE_OP_ADD;
    case SEEN_CHANGED: return WN_WIRE_OP_CHANGE;
    case SEEN_SAME: return WN_WIRE_OP_NONE;
    case SEEN_ERROR: break;
    }
    return -1;
}

int output_record(struct output *out, uint16_t type, uint16_t op, const void *body,
                  const char *props, size_t props_len)
{
    struct wn_wire_header hdr;
    size_t len;
    int final;

    if (out->dead) return -1;
    if (OUTPUT_BUFFER - out->used < WN_WIRE_MAX_RECORD && output_flush(out)) return -1;

    /* Encode first: a record the wire cannot carry (a source's bug) is dropped before the filter remembers it. */
    if (!(len = wn_wire_encode(out->buf + out->used, OUTPUT_BUFFER - out->used, type,
                               table_of(type) ? WN_WIRE_OP_ADD : op, body, props, props_len)))
        return 0;
    if ((final = filter(out, type, op, body, props, props_len)) < 0)
    {
        /* Without memory the filter would drop or invent changes: give up, the DLL restarts us and resyncs. */
        out->dead = 1;
        return -1;
    }
    if (final == WN_WIRE_OP_NONE && table_of(type)) return 0;

    memcpy(&hdr, out->buf + out->used, sizeof(hdr));
    hdr.op = (uint16_t)final;
    memcpy(out->buf + out->used, &hdr, sizeof(hdr));
    out->used += len;
    return 0;
}

int output_snapshot_begin(struct output *out, uint32_t tables, uint32_t reason)
{
    struct wn_wire_snapshot snap = { tables, reason };

    seen_clear(out->seen, tables);
    out->snapshot = tables;
    return output_record(out, WN_WIRE_SNAPSHOT_BEGIN, WN_WIRE_OP_NONE, &snap, NULL, 0);
}

int output_snapshot_end(struct output *out, uint32_t tables, uint32_t reason)
{
    struct wn_wire_snapshot snap = { tables, reason };

    out->snapshot = 0;
    return output_record(out, WN_WIRE_SNAPSHOT_END, WN_WIRE_OP_NONE, &snap, NULL, 0);
}
