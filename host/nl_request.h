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

/* What the kernel's answer (0 or an errno) means for the DLL. */
uint32_t nl_request_result(int err);

#endif
