/* The view's objects (state.h) as Windows MIB rows.
 *
 * Only the key fields are promised by Windows (SPEC.md §2): Family, InterfaceLuid, InterfaceIndex for
 * interfaces; Address, InterfaceLuid, InterfaceIndex for unicast addresses; DestinationPrefix, NextHop,
 * InterfaceLuid, InterfaceIndex for routes.  They are the values the system's own tables report (the LUIDs are
 * the view's, which are the system's: luid.h).  Other fields are filled where the view knows them and left 0
 * where it does not (the interface metric: Linux has none). */
#ifndef WN_IPHLPAPI_ROWS_H
#define WN_IPHLPAPI_ROWS_H

#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>

#include "state.h"

/* Linux values the wire carries as they are (linux/if.h, if_addr.h, rtnetlink.h, if_arp.h). */
#define WN_IFF_UP             0x1u
#define WN_IFF_LOOPBACK       0x8u
#define WN_IFF_RUNNING        0x40u
#define WN_IFA_F_TEMPORARY    0x01u
#define WN_IFA_F_DADFAILED    0x08u
#define WN_IFA_F_DEPRECATED   0x20u
#define WN_IFA_F_TENTATIVE    0x40u
#define WN_IFA_F_PERMANENT    0x80u

/* The "illegal values" Microsoft documents that the Initialize* functions leave in a row, meaning "not given"
 * to the Create* functions that take it (the default applies).  The documentation names no number; all bits
 * set is the one value no field of its width can mean (a prefix of 255 bits, a protocol no NL_ROUTE_PROTOCOL
 * names, the highest metric), and it is what write.c reads as "not given". */
#define WN_ONLINK_PREFIX_UNSET 0xff          /* MIB_UNICASTIPADDRESS_ROW.OnLinkPrefixLength */
#define WN_SITE_PREFIX_UNSET   0xff          /* MIB_IPFORWARD_ROW2.SitePrefixLength */
#define WN_ROUTE_METRIC_UNSET  0xffffffffu   /* MIB_IPFORWARD_ROW2.Metric */
#define WN_ROUTE_PROTOCOL_UNSET 0xffffffffu  /* MIB_IPFORWARD_ROW2.Protocol */

/* The Win32 error for a helper's answer to a write (wire.h's WN_RESULT_*); ERROR_GEN_FAILURE for one it does not
 * name. */
DWORD wn_row_result_error(uint32_t result);

/* AF_UNSPEC, AF_INET or AF_INET6: the families a registration may ask for. */
BOOL wn_family_valid(ADDRESS_FAMILY family);
/* Whether a registration for family covers an object of wire family 4 or 6. */
BOOL wn_family_covers(ADDRESS_FAMILY family, unsigned int wire_family);

/* IFA_F_DADFAILED -> IpDadStateDuplicate (the kernel leaves IFA_F_TENTATIVE set on a failed address, so this
 * is checked first); IFA_F_TENTATIVE -> IpDadStateTentative; IFA_F_DEPRECATED or a preferred lifetime of 0 ->
 * IpDadStateDeprecated; anything else IpDadStatePreferred. */
NL_DAD_STATE wn_dad_state(const struct wn_wire_addr *addr);
/* Duplicate address detection still running: tentative and not failed (a failed one never becomes stable). */
BOOL wn_dad_pending(const struct wn_wire_addr *addr);

/* Every field of an interface row: from the view (the link's record carries its per-family settings), or the
 * Windows default where Linux has no such setting (the same defaults Wine 11.0 reports, so that a program sees
 * no difference between its answer and ours where both know the interface).  Notifications and GetIpInterface*
 * build their rows here alike, and a parameter notification is a change of this row. */
void wn_row_interface(MIB_IPINTERFACE_ROW *row, ADDRESS_FAMILY family, const struct wn_state_link *link);
/* Whether a link has an IPv6 interface.  NotifyIpInterfaceChange announces it with the link's first IPv6 address
 * and keeps it until the link goes (mib_changes.h), while Linux flushes a link's IPv6 addresses when it goes
 * down: a program re-reading the parameter notification of a down link must still find it.  So a link without
 * an IPv6 address has one as long as IPv6 is enabled on it (it has an inet6 device, disable_ipv6 0), as on
 * Windows, where an adapter with IPv6 bound has its IPv6 interface whatever its addresses. */
BOOL wn_link_has_ipv6(const struct wn_wire_link *link, BOOL has_address);
/* The view's link an interface is: by LUID when luid is not 0 (a wrong LUID with a right index finds nothing, as on
 * Windows), else by index; NULL when there is none. */
const struct wn_state_link *wn_view_link(const struct wn_state *state, uint64_t luid, NET_IFINDEX index);
/* Finds an interface in the view by LUID when luid is not 0 (a wrong LUID with a right index finds nothing, as on
 * Windows), else by index; FALSE when there is none.  *has_family: whether it has an interface of family (4 or
 * 6). */
BOOL wn_view_interface(const struct wn_state *state, uint64_t luid, NET_IFINDEX index, unsigned int family,
                       struct wn_state_link *out, BOOL *has_family);
/* A view address as a SOCKADDR_INET, as the system's tables give it: the scope id of a link-local IPv6 address is
 * its interface index (Windows and Wine alike), 0 otherwise. */
void wn_row_sockaddr(SOCKADDR_INET *sa, unsigned int wire_family, const uint8_t *addr, NET_IFINDEX index);
void wn_row_unicast(MIB_UNICASTIPADDRESS_ROW *row, const struct wn_state_addr *addr);
void wn_row_route(MIB_IPFORWARD_ROW2 *row, const struct wn_state_route *route);

/* 4 for AF_INET, 6 for AF_INET6, 0 for anything else. */
unsigned int wn_wire_family(ADDRESS_FAMILY family);
/* An address as the wire carries it: IPv4 in the first 4 bytes, the rest zero. */
void wn_wire_address(uint8_t out[16], const SOCKADDR_INET *in);

/* The system DLL's own function of that name, called with row: on Windows, or under Wine without a helper.
 * ERROR_NOT_SUPPORTED (with a FIXME) when the system DLL lacks it. */
DWORD wn_row_system_call(const char *name, const void *row);
/* Likewise for a Get*Table2-shaped function: (family, &table). */
DWORD wn_row_system_table(const char *name, ADDRESS_FAMILY family, void **table);

/* What the view knows better than Wine's rows of an address: its DAD state and its lifetimes.  The lifetimes are
 * the kernel's as of the address's last message (Linux counts them down without a word), so a finite one reads
 * as at most that many seconds too long; Wine's rows say 60000 s for every address, infinite ones included. */
void wn_row_unicast_state(MIB_UNICASTIPADDRESS_ROW *row, const struct wn_wire_addr *addr);

/* Whether a system table's address is this view address (family, address, interface index). */
BOOL wn_row_is_addr(const SOCKADDR_INET *address, NET_IFINDEX index, const struct wn_wire_addr *addr);

#endif
