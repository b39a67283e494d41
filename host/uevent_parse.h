/* Kernel uevents as bytes: a raw netlink datagram or a /sys `uevent` file in, a device record's property block out.
 *
 * Pure functions, no I/O: uevent.c does the reading and the /sys look-ups, the tests feed captured datagrams. */
#ifndef WN_HOST_UEVENT_PARSE_H
#define WN_HOST_UEVENT_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "winenotify/wire.h"

/* The largest property block a device record can carry. */
#define UEVENT_PROPS_MAX (WN_WIRE_MAX_RECORD - sizeof(struct wn_wire_header) - sizeof(struct wn_wire_device))
/* Room the parsers leave free for the properties the helper adds itself (uevent_add_prop). */
#define UEVENT_PROPS_SPARE 512

struct uevent
{
    uint16_t op;             /* WN_WIRE_OP_ADD, CHANGE or DEL: add; remove; change, bind, unbind, online,
                                offline.  A move is an ADD whose DEVPATH_OLD is set (see uevent_move_old), or a
                                CHANGE when it has none (root wrote "move" to a uevent file: nothing moved) */
    uint32_t seqnum;         /* SEQNUM, 0 when absent (devices read from /sys) */
    uint32_t ifindex;        /* IFINDEX, 0 when absent */
    int truncated;           /* properties were left out to fit the record */
    size_t props_len;        /* of props, the last string's NUL included */
    char props[UEVENT_PROPS_MAX];
};

/* Parses one kernel datagram, "ACTION@DEVPATH\0KEY=VALUE\0...".  Returns 0, or -1 when it is malformed: no '@'
 * (a libudev message starts with "libudev\0"), an unterminated or empty string, a string that is not KEY=VALUE,
 * ACTION or DEVPATH missing or unlike the header, an action the kernel does not send, a DEVPATH that is not an
 * absolute path under /sys, a move whose DEVPATH_OLD is not one. */
int uevent_parse(const void *buf, size_t len, struct uevent *ev);

/* Builds the same form from the text of /sys/<devpath>/uevent ("KEY=VALUE\n" lines, which lack ACTION, DEVPATH
 * and SUBSYSTEM: they come first here, with ACTION=add).  Returns 0, or -1 when a line is not KEY=VALUE or the
 * text holds a NUL. */
int uevent_parse_sysfs(const char *text, size_t len, const char *devpath, const char *subsystem,
                       struct uevent *ev);

/* The value of KEY, or NULL. */
const char *uevent_prop(const struct uevent *ev, const char *key);

/* Appends KEY=VALUE.  Returns 0, or -1 when it does not fit (the block is unchanged). */
int uevent_add_prop(struct uevent *ev, const char *key, const char *value);

/* Whether the device is one the DLLs map to a Windows interface class: network interfaces, disks and partitions,
 * real serial ports (ttyS*, ttyUSB*, ttyACM*; whether a ttyS has a UART behind it only /sys can tell), hidraw
 * nodes, USB devices (not their interfaces), input event and mouse nodes and the input devices above them.
 * Everything else (queues, bdi, virtual consoles...) is noise for us. */
int uevent_wanted(const struct uevent *ev);

/* For a move (op ADD with DEVPATH_OLD): fills old with the DEL record of the old path, which carries the keys
 * that identify the device (ACTION, DEVPATH set to DEVPATH_OLD, SUBSYSTEM, DEVTYPE, IFINDEX, SEQNUM), not the new
 * names.  Returns 0, or -1 when ev is not a move. */
int uevent_move_old(const struct uevent *ev, struct uevent *old);

#endif
