/* Kernel device events (kobject uevents) and the devices that exist at start.
 *
 * The kernel's own uevent group works without udevd (containers have none) and inside network namespaces;
 * net-device uevents arrive in the device's own network namespace. */
#ifndef WN_HOST_UEVENT_H
#define WN_HOST_UEVENT_H

#include "links.h"
#include "output.h"

/* Opens the NETLINK_KOBJECT_UEVENT socket, subscribed to the kernel group, non-blocking.  Returns the fd or -1. */
int uevent_open(void);

/* Reads every pending uevent and reports each as a WN_WIRE_DEVICE record (ADD, CHANGE or DEL), after links (may
 * be NULL) has made or removed the device's dosdevices entries.  Returns 0, or
 * 1 when events were lost (ENOBUFS: the caller re-enumerates as a resync snapshot), or -1 when the output is
 * gone. */
int uevent_read(int fd, struct output *out, struct links *links);

/* Reports every existing device of the subsystems we map, found under /sys, as WN_WIRE_DEVICE ADD records
 * (called between output_snapshot_begin/end for WN_TABLE_DEVICE).  Returns 0 or -1 when the output is gone. */
int uevent_enumerate(struct output *out, struct links *links);

/* uevent_enumerate over another sysfs and /dev (a fake tree in the tests: hidraw, input and USB devices cannot
 * be made on demand), handing each record to report instead of an output.  report returns 0 or -1 to stop;
 * the function returns 0 or -1 when report did. */
typedef int (*uevent_report_fn)(void *ctx, uint16_t op, const struct wn_wire_device *dev, const char *props,
                                size_t props_len);
int uevent_enumerate_tree(const char *sys, const char *dev, uevent_report_fn report, void *ctx);

#endif
