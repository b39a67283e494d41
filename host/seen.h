/* What the DLL was last told about each object: the filter that drops re-announcements which change nothing.
 *
 * The kernel repeats itself (an RTM_NEWADDR per router advertisement, an RTM_NEWLINK per carrier check, every
 * queued event that a dump already showed); the DLL must see only real changes.  Objects are keyed as the wire
 * keys them: link by ifindex; address by family, ifindex, address and prefix length; route by family,
 * destination, prefix length, gateway, output interface, metric and table; device by its DEVPATH property. */
#ifndef WN_HOST_SEEN_H
#define WN_HOST_SEEN_H

#include <stddef.h>
#include <stdint.h>

struct seen;

enum seen_result
{
    SEEN_ERROR = -1,         /* out of memory, or a device without DEVPATH */
    SEEN_NEW = 0,            /* unknown key: now remembered */
    SEEN_SAME = 1,           /* nothing worth sending changed: the remembered body stays */
    SEEN_CHANGED = 2,        /* remembered as the new last-sent body */
};

struct seen *seen_new(void);
void seen_free(struct seen *seen);

/* Compares an object record (WN_WIRE_LINK, ADDR, ROUTE or DEVICE; props only for devices) with the last one sent
 * for its key, and remembers it unless it is the same. */
enum seen_result seen_update(struct seen *seen, uint16_t type, const void *body, const char *props, size_t props_len);

/* Forgets the object with this record's key.  Returns 1 if it was known, 0 if not. */
int seen_forget(struct seen *seen, uint16_t type, const void *body, const char *props, size_t props_len);

/* Forgets every object of the given WN_TABLE_* tables: a snapshot of them is about to be sent. */
void seen_clear(struct seen *seen, uint32_t tables);

/* How many objects of a record type are remembered. */
size_t seen_count(const struct seen *seen, uint16_t type);

#endif
