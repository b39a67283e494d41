/* Rows for the functions that change the network (CreateUnicastIpAddressEntry, CreateIpForwardEntry2 and their
 * Delete twins), filled as InitializeUnicastIpAddressEntry and InitializeIpForwardEntry would and then given
 * the test's values: shared by write.c and badinput.c, which spoil one field at a time. */
#ifndef WINETEST_ROWS_H
#define WINETEST_ROWS_H

#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <string.h>

static inline void set_address(SOCKADDR_INET *sa, ADDRESS_FAMILY family, const char *text)
{
    memset(sa, 0, sizeof(*sa));
    sa->si_family = family;
    if (family == AF_INET) inet_pton(AF_INET, text, &sa->Ipv4.sin_addr);
    else inet_pton(AF_INET6, text, &sa->Ipv6.sin6_addr);
}

/* What InitializeUnicastIpAddressEntry gives, then the address. */
static inline void address_row(MIB_UNICASTIPADDRESS_ROW *row, ADDRESS_FAMILY family, const char *text,
                               UINT8 prefix_len, NET_LUID luid)
{
    memset(row, 0, sizeof(*row));
    set_address(&row->Address, family, text);
    row->InterfaceLuid = luid;
    row->OnLinkPrefixLength = prefix_len;
    row->PrefixOrigin = IpPrefixOriginManual;
    row->SuffixOrigin = IpSuffixOriginManual;
    row->ValidLifetime = row->PreferredLifetime = 0xffffffff;
}

static inline void route_row(MIB_IPFORWARD_ROW2 *row, ADDRESS_FAMILY family, const char *prefix,
                             UINT8 prefix_len, NET_LUID luid)
{
    memset(row, 0, sizeof(*row));
    row->InterfaceLuid = luid;
    set_address(&row->DestinationPrefix.Prefix, family, prefix);
    row->DestinationPrefix.PrefixLength = prefix_len;
    row->NextHop.si_family = family;
    row->ValidLifetime = row->PreferredLifetime = 0xffffffff;
    row->Metric = 5;
    row->Protocol = RouteProtocolNetMgmt;
    row->Origin = NlroManual;
}

#endif
