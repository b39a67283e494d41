/* The wire protocol between the host helper (native) and our DLLs (PE, 32- and 64-bit).
 *
 * A stream of records over one loopback TCP connection.  Each record is a header followed by a body whose size
 * is fixed by its type (device records carry a variable property block after their fixed part).  Both ends are
 * little-endian x86, so fields are in host order; every struct uses fixed-width fields at naturally aligned
 * offsets and no 64-bit field, so that gcc on Linux and MinGW on i686 and x86_64 lay them out alike (checked by
 * the static asserts below).  Records are decoded by copying, never by casting a pointer into the buffer.
 *
 * Conversation:
 *   (the DLL starts the helper with its port and the name of a token file: host/handshake.h)
 *   helper -> DLL  HELLO (token, version)             first, within the DLL's deadline; the token is the one
 *                                                     the helper left in that file
 *   helper -> DLL  SNAPSHOT_BEGIN(tables, reason)     then every object of those tables as op ADD,
 *                  ...                                then SNAPSHOT_END(tables, reason)
 *   helper -> DLL  LINK/ADDR/ROUTE/NEIGH/DEVICE/HINT  live changes, op ADD, CHANGE or DEL
 *                  /MADDR
 *   DLL -> helper  DUMP(tables)                       asks for a fresh snapshot
 *   DLL -> helper  SET_ADDR/SET_ROUTE/SET_NEIGH(id),  asks the host to add or delete an address, a route or a
 *                  op ADD/DEL                         neighbour (SET_NEIGH also op CHANGE: replace)
 *                  SET_ADDR(id), op CHANGE            asks it to change an address's lifetimes
 *   DLL -> helper  SET_LINK(id), op CHANGE            asks it to change an interface's per-family settings
 *   helper -> DLL  REPLY(id, result)                  after the change's own LINK/ADDR/ROUTE/NEIGH records
 *   DLL -> helper  SW_CREATE/SW_INTERFACE/SW_CLOSE(id) software devices (SwDeviceCreate & co., below)
 *   helper -> DLL  REPLY(id, result)                  after the change's own DEVICE records
 *   helper -> DLL  LOG(class, text)                   a message of the helper's, at any time after HELLO, of the
 *                                                     debug classes the DLL enabled (--debug)
 * A snapshot is the complete truth for its tables: the DLL replaces its view with it and derives the exact
 * changes by diffing (initial load, resync after a netlink overflow, a restarted helper alike). */
#ifndef WINENOTIFY_WIRE_H
#define WINENOTIFY_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* 5: neighbours (NEIGH, SET_NEIGH, WN_TABLE_NEIGH) and routes of the local table; per-family interface settings
 * in the link record, SET_LINK and address lifetime changes (SET_ADDR op CHANGE); multicast and anycast
 * addresses (MADDR, WN_TABLE_MADDR).
 * 5 also: a software device's description, hardware and compatible IDs and parent in SW_CREATE.
 * 6: the address record's stamp, so that a lifetime change can be told from the countdown. */
#define WN_WIRE_VERSION 6
#define WN_WIRE_TOKEN_SIZE 16
/* The helper's --debug argument is the decimal bit mask of enum wn_wire_log_class that the DLL's channel has on:
 * the helper sends LOG records of those classes only, so that a helper whose user asked for nothing says
 * nothing. */
/* No record is larger: a device's properties are cut to fit (a uevent is at most 2 KiB in the kernel). */
#define WN_WIRE_MAX_RECORD 4096

enum wn_wire_type
{
    WN_WIRE_HELLO = 1,
    WN_WIRE_SNAPSHOT_BEGIN = 2,
    WN_WIRE_SNAPSHOT_END = 3,
    WN_WIRE_LINK = 4,
    WN_WIRE_ADDR = 5,
    WN_WIRE_ROUTE = 6,
    WN_WIRE_DEVICE = 7,
    WN_WIRE_REPLY = 8,
    WN_WIRE_LOG = 9,
    WN_WIRE_HINT = 10,
    WN_WIRE_NEIGH = 11,
    WN_WIRE_MADDR = 12,
    WN_WIRE_DUMP = 32,
    WN_WIRE_SET_ADDR = 33,
    WN_WIRE_SET_ROUTE = 34,
    WN_WIRE_SW_CREATE = 35,
    WN_WIRE_SW_INTERFACE = 36,
    WN_WIRE_SW_CLOSE = 37,
    WN_WIRE_SET_NEIGH = 38,
    WN_WIRE_SET_LINK = 39,
};

enum wn_wire_op
{
    WN_WIRE_OP_NONE = 0,
    WN_WIRE_OP_ADD = 1,
    WN_WIRE_OP_CHANGE = 2,
    WN_WIRE_OP_DEL = 3,
};

/* Table bits, for snapshots and dump requests. */
#define WN_TABLE_LINK   0x1u
#define WN_TABLE_ADDR   0x2u
#define WN_TABLE_ROUTE  0x4u
#define WN_TABLE_DEVICE 0x8u
#define WN_TABLE_HINT   0x10u
#define WN_TABLE_NEIGH  0x20u   /* in no snapshot until the DLL's first DUMP naming it; followed from then on */
#define WN_TABLE_MADDR  0x40u
#define WN_TABLE_ALL    0x7fu

enum wn_wire_reason
{
    WN_REASON_INITIAL = 1,   /* the helper's first view after it started */
    WN_REASON_RESYNC = 2,    /* events may have been lost (netlink overflow, interrupted dump) */
    WN_REASON_REQUEST = 3,   /* the DLL asked (WN_WIRE_DUMP) */
};

struct wn_wire_header
{
    uint32_t length;         /* of the whole record, header included */
    uint16_t type;           /* enum wn_wire_type */
    uint16_t op;             /* enum wn_wire_op, or WN_WIRE_OP_NONE */
};

struct wn_wire_hello
{
    uint8_t  token[WN_WIRE_TOKEN_SIZE];
    uint32_t version;        /* WN_WIRE_VERSION */
    uint32_t pid;            /* the helper's, for traces */
};

struct wn_wire_snapshot
{
    uint32_t tables;         /* WN_TABLE_* */
    uint32_t reason;         /* enum wn_wire_reason */
};

struct wn_wire_dump
{
    uint32_t tables;
};

/* The outcome of a change request, in the host's own terms mapped to what Windows can say. */
enum wn_wire_result
{
    WN_RESULT_OK = 0,
    WN_RESULT_ACCESS_DENIED = 1,  /* the host refused: no privilege over this network namespace */
    WN_RESULT_NOT_FOUND = 2,      /* no such interface, address or route */
    WN_RESULT_EXISTS = 3,         /* already there */
    WN_RESULT_INVALID = 4,        /* a field the host (or the helper's validation) rejects */
    WN_RESULT_NOT_SUPPORTED = 5,  /* e.g. IPv6 disabled on the interface */
    WN_RESULT_FAILED = 6,         /* anything else (out of memory, the host went away) */
};
#define WN_RESULT_LAST WN_RESULT_FAILED

struct wn_wire_reply
{
    uint32_t id;             /* the request's */
    uint32_t result;         /* enum wn_wire_result */
};

/* A message of the helper's, which the DLL writes into its debug channel (Wine's, or OutputDebugString) as if it
 * were its own: the classes are the DLL's debug classes, in Wine's order. */
enum wn_wire_log_class
{
    WN_LOG_FIXME = 0,
    WN_LOG_ERR = 1,
    WN_LOG_WARN = 2,
    WN_LOG_TRACE = 3,
};
#define WN_LOG_DEFAULT ((1u << WN_LOG_FIXME) | (1u << WN_LOG_ERR))   /* as Wine's channels: errors say themselves */
#define WN_LOG_TEXT 248

struct wn_wire_log
{
    uint32_t cls;            /* enum wn_wire_log_class */
    char     text[WN_LOG_TEXT];  /* NUL-terminated, one line without its newline; longer messages are cut */
};

/* A network interface (rtnetlink RTM_NEWLINK/RTM_DELLINK); key: ifindex. */
struct wn_wire_link
{
    uint32_t ifindex;
    uint32_t flags;          /* IFF_* */
    uint32_t mtu;
    uint16_t type;           /* ARPHRD_* */
    uint8_t  operstate;      /* IF_OPER_* (RFC 2863) */
    uint8_t  addr_len;
    uint8_t  addr[32];       /* hardware address */
    char     name[16];       /* IFNAMSIZ, NUL-terminated */
    uint32_t forwarding;     /* WN_LINK_FORWARDING_*: the link forwards packets of that family */
    /* The link's per-family settings, as the kernel reports them in the link's own messages (IFLA_AF_SPEC's
     * IFLA_INET6_CONF; forwarding also from RTM_NEWNETCONF, which announces its changes) and in the neighbour
     * tables' per-link parameters (RTM_GETNEIGHTBL, asked again with each message of the link).  The kernel
     * announces no change of the other IPv6 settings or of the neighbour parameters by itself: a change made
     * behind the helper's back (sysctl) reaches the view with the link's next message (or, for disable_ipv6 on
     * an up link, with the link-local address it adds or removes), one made through the helper (SET_LINK) at
     * once. */
    uint32_t ipv6;           /* WN_LINK_IPV6_* */
    uint32_t mtu6;           /* the IPv6 MTU (net.ipv6.conf.<link>.mtu), 0 without IPv6 on the link */
    uint32_t dad_transmits6; /* IPv6 duplicate address detection probes */
    uint32_t accept_ra6;     /* 0, 1 (unless forwarding) or 2 (always): whether router advertisements count */
    uint32_t reachable_ms[2];/* the neighbour table's base reachable time, [0] IPv4 (ARP), [1] IPv6 (ND) */
    uint32_t retrans_ms[2];  /* its retransmission time, likewise; 0 where the kernel did not say */
};

#define WN_LINK_FORWARDING_IPV4 0x1u
#define WN_LINK_FORWARDING_IPV6 0x2u
#define WN_LINK_IPV6_ENABLED    0x1u   /* the link has an IPv6 side (an inet6 device) and disable_ipv6 is 0 */
#define WN_LINK_IPV6_KNOWN      0x2u   /* the link's message carried its IPv6 settings (IFLA_AF_SPEC) */

/* An IPv4 or IPv6 address (RTM_NEWADDR/RTM_DELADDR); key: family, ifindex, addr, prefixlen. */
struct wn_wire_addr
{
    uint32_t ifindex;
    uint8_t  family;         /* 4 or 6 */
    uint8_t  prefixlen;
    uint8_t  scope;          /* RT_SCOPE_* */
    uint8_t  reserved;
    uint32_t flags;          /* IFA_F_*, from the 32-bit IFA_FLAGS attribute when present */
    uint32_t preferred_lft;  /* seconds, 0xffffffff = forever */
    uint32_t valid_lft;
    uint8_t  addr[16];       /* IPv4 in the first 4 bytes; the local address (IFA_LOCAL) on point-to-point links */
    uint32_t stamp;          /* the helper's CLOCK_MONOTONIC seconds when it read finite lifetimes: they are
                              * what was left then (wn_wire_addr_lifetimes_same); 0 for an address that lives
                              * forever, and in requests */
};

/* The kernel reports the seconds left of an address's lifetimes, so each re-announcement (a router advertisement,
 * a dump) carries smaller numbers than the last without anything having changed.  Two records of one address
 * have the same lifetimes when each lifetime is of the same kind (0, finite, infinite) and, when finite, ends at
 * the same instant (stamp + seconds left) give or take WN_ADDR_LIFETIME_SLACK seconds, which covers the rounding
 * of both the kernel's count and the stamp.  A lifetime extended or shortened (SetUnicastIpAddressEntry, ip addr
 * change) by more than that is a change. */
#define WN_ADDR_LIFETIME_SLACK 2
int wn_wire_addr_lifetimes_same(const struct wn_wire_addr *a, const struct wn_wire_addr *b);

/* A route (RTM_NEWROUTE/RTM_DELROUTE); key: family, dst, dst_len, gateway, oif, metric, table.  The main table's
 * unicast routes, and of the local table (255) the entries Windows lists as routes of their interface: the host
 * route of each address and 127.0.0.0/8 (RTN_LOCAL), the subnet broadcast addresses (RTN_BROADCAST) and IPv6's
 * ff00::/8 (RTN_MULTICAST).  Windows keeps them all in one table; Linux keeps these apart (host/nl_parse.c). */
struct wn_wire_route
{
    uint8_t  family;         /* 4 or 6 */
    uint8_t  dst_len;
    uint8_t  protocol;       /* RTPROT_* */
    uint8_t  type;           /* RTN_* */
    uint8_t  scope;          /* RT_SCOPE_* */
    uint8_t  reserved[3];
    uint32_t table;
    uint32_t oif;
    uint32_t metric;         /* RTA_PRIORITY */
    uint8_t  dst[16];
    uint8_t  gateway[16];    /* all zero: on-link */
};

/* A neighbour: an IPv4 ARP or IPv6 neighbour-discovery entry (RTM_NEWNEIGH/RTM_DELNEIGH); key: family, ifindex,
 * addr.  Proxy entries (NTF_PROXY) and bridge forwarding entries are not neighbours in Windows' sense, and the
 * entries the kernel makes by rule without reporting them (NOARP, multicast) are left out (host/nl_parse.c). */
struct wn_wire_neigh
{
    uint32_t ifindex;
    uint8_t  family;         /* 4 or 6 */
    uint8_t  lladdr_len;     /* 0: no link-layer address known (incomplete, failed) */
    uint16_t state;          /* NUD_* */
    uint8_t  flags;          /* NTF_* (NTF_ROUTER: the neighbour is a router) */
    uint8_t  type;           /* RTN_* (RTN_UNICAST for ordinary entries) */
    uint8_t  reserved[2];
    uint32_t confirmed;      /* NDA_CACHEINFO: centiseconds (USER_HZ) since reachability was last confirmed, */
    uint32_t updated;        /* and since the entry last changed, when the record was made */
    uint8_t  addr[16];       /* IPv4 in the first 4 bytes */
    uint8_t  lladdr[32];
};

/* A multicast group joined on a link, or an IPv6 anycast address of a link (the kernel's RTM_GETMULTICAST and
 * RTM_GETANYCAST dumps); key: kind, family, ifindex, addr.  Kernels from 6.11 announce changes of both
 * (RTNLGRP_IPV4_MCADDR, RTNLGRP_IPV6_MCADDR, RTNLGRP_IPV6_ACADDR); on older ones the helper dumps the table again
 * after every link and address event, which is when the kernel's own memberships change (a link's all-nodes
 * groups, an IPv6 address's solicited-node group), so that only a program's own joins wait for the next such
 * event.  IPv4 groups are dumped by kernels from 6.10 only (an older one gives none). */
enum wn_maddr_kind
{
    WN_MADDR_MULTICAST = 1,
    WN_MADDR_ANYCAST = 2,
};

struct wn_wire_maddr
{
    uint32_t ifindex;
    uint8_t  family;         /* 4 or 6 */
    uint8_t  kind;           /* enum wn_maddr_kind */
    uint8_t  reserved[2];
    uint8_t  addr[16];       /* IPv4 in the first 4 bytes */
};

/* What one of the host's own connectivity services says (host/connectivity.c): NetworkManager, systemd-networkd
 * or the desktop portal's network monitor, whichever answers first in that order; key: ifindex, 0 for the host
 * as a whole (the only one sent today).  Levels and costs are already Windows' (NL_NETWORK_CONNECTIVITY_LEVEL_HINT,
 * NL_NETWORK_CONNECTIVITY_COST_HINT, same numbers).  No record at all means no such service is reachable: the DLL
 * then derives the level from its own view of links, addresses and routes (dlls/common/hint_view.c). */
enum wn_hint_level
{
    WN_HINT_LEVEL_UNKNOWN = 0,
    WN_HINT_LEVEL_NONE = 1,
    WN_HINT_LEVEL_LOCAL = 2,
    WN_HINT_LEVEL_INTERNET = 3,
    WN_HINT_LEVEL_CONSTRAINED = 4,   /* behind a captive portal */
    WN_HINT_LEVEL_HIDDEN = 5,
};
#define WN_HINT_LEVEL_LAST WN_HINT_LEVEL_HIDDEN

enum wn_hint_cost
{
    WN_HINT_COST_UNKNOWN = 0,
    WN_HINT_COST_UNRESTRICTED = 1,
    WN_HINT_COST_FIXED = 2,
    WN_HINT_COST_VARIABLE = 3,
};
#define WN_HINT_COST_LAST WN_HINT_COST_VARIABLE

#define WN_HINT_APPROACHING_LIMIT 0x1u
#define WN_HINT_OVER_LIMIT        0x2u
#define WN_HINT_ROAMING           0x4u
#define WN_HINT_FLAGS_ALL         0x7u

enum wn_hint_source
{
    WN_HINT_SOURCE_NETWORKMANAGER = 1,
    WN_HINT_SOURCE_NETWORKD = 2,
    WN_HINT_SOURCE_PORTAL = 3,
};
#define WN_HINT_SOURCE_LAST WN_HINT_SOURCE_PORTAL

struct wn_wire_hint
{
    uint32_t ifindex;        /* 0: the host's aggregate */
    uint8_t  level;          /* enum wn_hint_level */
    uint8_t  cost;           /* enum wn_hint_cost */
    uint8_t  flags;          /* WN_HINT_* limit and roaming bits */
    uint8_t  source;         /* enum wn_hint_source: for traces */
};

/* Change requests.  The body is the object in the same form the helper reports it, with these rules (anything
 * else is WN_RESULT_INVALID):
 *   address: ifindex != 0; a unicast address (not unspecified, multicast or IPv4 broadcast); prefixlen within
 *            the family; scope, reserved, flags and stamp 0; valid_lft >= preferred_lft (0xffffffff = forever, and
 *            lifetimes are ignored for DEL).  DEL matches on ifindex, address and prefixlen.
 *   route:   oif != 0; no bits set in dst past dst_len; gateway all zero (on-link) or a unicast address of the
 *            family; table 0 (the main table); protocol, type, scope and reserved 0 (the helper chooses
 *            static/unicast and the scope); metric as RTA_PRIORITY.  DEL matches on all of those.
 *   neighbour: ifindex 1..0x7fffffff (the kernel's is an int); a unicast address of the family; flags, type,
 *            reserved, confirmed and updated 0.
 *            ADD creates (EXISTS when there), CHANGE creates or replaces: lladdr_len 1..32 and state one of
 *            NUD_PERMANENT, NUD_REACHABLE, NUD_STALE; or, to ask the kernel to resolve the address
 *            (NTF_USE), op CHANGE with lladdr_len 0 and state NUD_NONE.  DEL: lladdr_len and state 0; deletes
 *            (NOT_FOUND when not there). */
struct wn_wire_set_addr
{
    uint32_t id;             /* echoed in the REPLY */
    struct wn_wire_addr addr;
};

struct wn_wire_set_route
{
    uint32_t id;
    struct wn_wire_route route;
};

struct wn_wire_set_neigh
{
    uint32_t id;
    struct wn_wire_neigh neigh;
};

/* SET_ADDR with op CHANGE: an existing address (key as for DEL) gets the lifetimes given (valid_lft >=
 * preferred_lft); the other rules as for ADD.
 * SET_LINK (op CHANGE): one interface's settings of one family, those named in fields; anything else is
 * WN_RESULT_INVALID: ifindex != 0, family 4 or 6, reserved 0, fields not 0 and only these bits, and
 *   MTU            IPv4: the link's MTU, 68..65535; IPv6: the IPv6 MTU, 1280..65535 (and at most the link's)
 *   FORWARDING     0 or 1
 *   DAD_TRANSMITS  IPv6 only, 0..255
 *   ACCEPT_RA      IPv6 only, 0..2 (the accept_ra sysctl)
 *   REACHABLE      the neighbour table's base reachable time, 1..3600000 ms (RFC 4861's MAX_REACHABLE_TIME)
 *   RETRANS        its retransmission time, 1..3600000 ms
 * The helper carries them out in that order and stops at the first the host refuses; the link's record, with
 * what was done, goes out before the reply. */
#define WN_SET_LINK_MTU           0x01u
#define WN_SET_LINK_FORWARDING    0x02u
#define WN_SET_LINK_DAD_TRANSMITS 0x04u
#define WN_SET_LINK_ACCEPT_RA     0x08u
#define WN_SET_LINK_REACHABLE     0x10u
#define WN_SET_LINK_RETRANS       0x20u
#define WN_SET_LINK_ALL           0x3fu

struct wn_wire_set_link
{
    uint32_t id;             /* echoed in the REPLY */
    uint32_t ifindex;
    uint8_t  family;         /* 4 or 6 */
    uint8_t  reserved[3];
    uint32_t fields;         /* WN_SET_LINK_* */
    uint32_t mtu;
    uint32_t forwarding;
    uint32_t dad_transmits;
    uint32_t accept_ra;
    uint32_t reachable_ms;
    uint32_t retrans_ms;
};

/* Software devices (SwDeviceCreate, SwDeviceInterfaceRegister/SetState, SwDeviceClose).  The helper keeps them
 * in a directory shared by every helper of the same host user (host/swd.c), so each of them reports them as
 * DEVICE records (seqnum and ifindex 0) with these properties:
 *   device:    DEVPATH=/winenotify/swd/<enumerator>/<instance>, SUBSYSTEM=winenotify_swd,
 *              WN_INSTANCE_ID=SWD\<enumerator>\<instance>
 *   interface: DEVPATH=<the device's>/{class guid, lower case}[/<refstring>], SUBSYSTEM=winenotify_swd_interface,
 *              WN_INSTANCE_ID as the device's, WN_CLASS_GUID={class guid, lower case}[, WN_REFSTRING=<refstring>]
 * A device's ADD comes before its interfaces' ADDs, their DELs before its DEL.
 * Requests (anything else is WN_RESULT_INVALID):
 *   SW_CREATE op ADD:     enumerator and instance as below; guid and refstring all zero.  EXISTS when any
 *                         process of the user already has that device.
 *   SW_INTERFACE op ADD (enable) or DEL (disable): a device this connection created (else NOT_FOUND); the
 *                         class guid, not all zero; refstring empty or as below.  Enabling an enabled interface
 *                         or disabling a disabled one changes nothing and answers OK.
 *   SW_CLOSE op DEL:      a device this connection created (else NOT_FOUND); its interfaces go first.
 * Strings: NUL-terminated within their field and not empty (refstring may be), made of the characters Windows
 * allows in device IDs (printable ASCII 0x21-0x7e) but for '\\' and ','; "SWD\<enumerator>\<instance>" fits in
 * MAX_DEVICE_ID_LEN (200 characters with its NUL), and "<enumerator>\<instance>\{guid}\<refstring>" in 250
 * characters (it names a file).  IDs and reference strings compare without regard to ASCII case, as on Windows.
 * SW_CREATE also carries what SwDeviceCreate was given for the device node, so that every process's device model
 * reports it (dlls/cfgmgr32/devmodel.c): description (UTF-8, no control characters), hardware_ids and
 * compatible_ids ('|'-separated IDs of ID characters), parent (an instance ID of ID characters and '\\'); each may be
 * empty, and is empty for the other requests.  ACCESS_DENIED when the shared directory is unusable (not
 * ours, or open to others).  The helper removes a connection's devices when it closes; other helpers remove the
 * devices of a helper that died. */
#define WN_SW_MAX_DEVICE_ID 200
struct wn_wire_sw
{
    uint32_t id;             /* echoed in the REPLY */
    uint8_t  guid[16];       /* SW_INTERFACE: the interface class, as a Windows GUID in memory (little-endian) */
    char     enumerator[64];
    char     instance[200];
    char     refstring[64];
    char     description[128];
    char     hardware_ids[256];
    char     compatible_ids[256];
    char     parent[200];
};

/* A kernel device (kobject uevent, or found under /sys at start); key: the DEVPATH property.  The fixed part
 * is followed by props_len bytes of NUL-terminated "KEY=VALUE" strings, as the kernel sends them. */
struct wn_wire_device
{
    uint32_t seqnum;         /* SEQNUM, 0 for devices found under /sys */
    uint32_t ifindex;        /* IFINDEX for network devices, else 0 */
    uint16_t props_len;
    uint16_t reserved;
};

/* A decoded record: header fields plus a copy of the fixed body, and the device properties in place. */
struct wn_wire_record
{
    uint16_t type;
    uint16_t op;
    union
    {
        struct wn_wire_hello hello;
        struct wn_wire_snapshot snapshot;
        struct wn_wire_dump dump;
        struct wn_wire_link link;
        struct wn_wire_addr addr;
        struct wn_wire_route route;
        struct wn_wire_device device;
        struct wn_wire_reply reply;
        struct wn_wire_set_addr set_addr;
        struct wn_wire_set_route set_route;
        struct wn_wire_neigh neigh;
        struct wn_wire_set_neigh set_neigh;
        struct wn_wire_set_link set_link;
        struct wn_wire_sw sw;
        struct wn_wire_log log;
        struct wn_wire_hint hint;
        struct wn_wire_maddr maddr;
    } u;
    const char *props;       /* device only: points into the decoded buffer, props_len bytes */
};

/* Encodes one record into buf.  Returns its length, or 0 if it does not fit in cap or the input is invalid.
 * props/props_len apply to WN_WIRE_DEVICE only (u.device.props_len is set from props_len). */
size_t wn_wire_encode(uint8_t *buf, size_t cap, uint16_t type, uint16_t op, const void *body,
                      const char *props, size_t props_len);

/* Decodes the first record of buf[0..len).  Returns the bytes it takes (> 0), 0 when more bytes are needed, or
 * -1 when the stream is malformed: unknown type, wrong length, bad op for the type, an unterminated name or
 * property block.  A malformed stream cannot be resynchronised: drop the connection. */
long wn_wire_decode(const uint8_t *buf, size_t len, struct wn_wire_record *rec);

/* Finds KEY's value in a device's property block, or NULL. */
const char *wn_wire_prop(const char *props, size_t props_len, const char *key);

#define WN_WIRE_ASSERT_SIZE(type, size) _Static_assert(sizeof(type) == (size), #type " must be " #size " bytes")
WN_WIRE_ASSERT_SIZE(struct wn_wire_header, 8);
WN_WIRE_ASSERT_SIZE(struct wn_wire_hello, 24);
WN_WIRE_ASSERT_SIZE(struct wn_wire_snapshot, 8);
WN_WIRE_ASSERT_SIZE(struct wn_wire_dump, 4);
WN_WIRE_ASSERT_SIZE(struct wn_wire_link, 100);
WN_WIRE_ASSERT_SIZE(struct wn_wire_addr, 40);
WN_WIRE_ASSERT_SIZE(struct wn_wire_route, 52);
WN_WIRE_ASSERT_SIZE(struct wn_wire_device, 12);
WN_WIRE_ASSERT_SIZE(struct wn_wire_reply, 8);
WN_WIRE_ASSERT_SIZE(struct wn_wire_set_addr, 44);
WN_WIRE_ASSERT_SIZE(struct wn_wire_set_route, 56);
WN_WIRE_ASSERT_SIZE(struct wn_wire_set_link, 40);
WN_WIRE_ASSERT_SIZE(struct wn_wire_sw, 1188);
WN_WIRE_ASSERT_SIZE(struct wn_wire_log, 252);
WN_WIRE_ASSERT_SIZE(struct wn_wire_hint, 8);
WN_WIRE_ASSERT_SIZE(struct wn_wire_neigh, 68);
WN_WIRE_ASSERT_SIZE(struct wn_wire_set_neigh, 72);
WN_WIRE_ASSERT_SIZE(struct wn_wire_maddr, 24);

#endif
