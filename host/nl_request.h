/* Change requests from the DLL (WN_WIRE_SET_ADDR, WN_WIRE_SET_ROUTE, WN_WIRE_SET_NEIGH) checked and turned into
 * rtnetlink messages: pure functions, tested natively; netlink.c sends them. */
#ifndef WN_HOST_NL_REQUEST_H
#define WN_HOST_NL_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "winenotify/wire.h"

/* Room for the largest request: a header, an rtmsg or ifaddrmsg and four attributes of at most 16 bytes. */
#define NL_REQUEST_MAX 128

/* Checks a request against the rules in wire.h and builds its message into buf (NL_REQUEST_MAX bytes) with
 * NLM_F_ACK and sequence number seq.  Returns the message length, or 0 when the request breaks a rule
 * (WN_RESULT_INVALID: nothing is sent). */
size_t nl_request_addr(uint8_t *buf, uint16_t op, const struct wn_wire_addr *addr, uint32_t seq);
size_t nl_request_route(uint8_t *buf, uint16_t op, const struct wn_wire_route *route, uint32_t seq);
size_t nl_request_neigh(uint8_t *buf, uint16_t op, const struct wn_wire_neigh *neigh, uint32_t seq);

/* SET_LINK: whether a request follows the rules in wire.h (WN_RESULT_OK or WN_RESULT_INVALID). */
uint32_t nl_request_link_check(const struct wn_wire_set_link *req);
/* RTM_SETLINK with IFLA_MTU for the link ifindex (the IPv4 MTU, which on Linux is the link's); 0 when the
 * values are out of range. */
size_t nl_request_link_mtu(uint8_t *buf, uint32_t ifindex, uint32_t mtu, uint32_t seq);
/* The sysctl file and value (with its newline) that carry out one field of a checked request on the link
 * called name: /proc/sys/net/ipv<4|6>/<conf|neigh>/<name>/<file>.  Returns 1, or 0 when the field is not in the
 * request, has no sysctl (the IPv4 MTU), the name could not name a file of its own, or the buffers are too
 * small. */
int nl_request_sysctl(const struct wn_wire_set_link *req, uint32_t field, const char *name, char *path,
                      size_t path_size, char *value, size_t value_size);

/* What the kernel's answer (0 or an errno) means for the DLL. */
uint32_t nl_request_result(int err);

#endif
