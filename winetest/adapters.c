/* Conformance test of GetAdaptersAddresses: every documented flag combination succeeds for every family, and
 * its answer agrees with the rest of the IP Helper (LUIDs, indexes, the {GUID} adapter name
 * ConvertInterfaceLuidToGuid gives), with the prefixes and gateways it was asked for.
 *
 * Debian's Wine 10.0 fails with ERROR_INVALID_DATA whenever GAA_FLAG_INCLUDE_PREFIX is given (SPEC.md §10), which
 * breaks every WireGuard-style adapter lookup.  Under Wine the test makes an interface of its own with IPv4 and
 * IPv6 addresses and a gateway, so that prefixes and gateways have something to show. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "unix.h"

#define WAIT_MS 10000

/* GAA_FLAG_*: every bit Microsoft documents, 0x1 to 0x800. */
#define ALL_FLAGS 0xfffu
#define SHAPING_FLAGS (GAA_FLAG_INCLUDE_PREFIX | GAA_FLAG_INCLUDE_GATEWAYS | GAA_FLAG_SKIP_UNICAST \
                       | GAA_FLAG_SKIP_FRIENDLY_NAME | GAA_FLAG_INCLUDE_ALL_INTERFACES | GAA_FLAG_SKIP_DNS_SERVER)

static DWORD get_adapters(ULONG family, ULONG flags, IP_ADAPTER_ADDRESSES **out)
{
    ULONG size = 0;
    DWORD err;
    int tries;

    *out = NULL;
    /* The size can grow between the two calls (an address arrives): ask again, as Microsoft advises. */
    for (tries = 0; tries < 4; tries++)
    {
        err = GetAdaptersAddresses(family, flags, NULL, *out, &size);
        if (err != ERROR_BUFFER_OVERFLOW) break;
        free(*out);
        if (!(*out = malloc(size))) return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (err)
    {
        free(*out);
        *out = NULL;
    }
    return err;
}

static BOOL sockaddr_equal(const SOCKADDR *a, const SOCKADDR *b)
{
    if (a->sa_family != b->sa_family) return FALSE;
    if (a->sa_family == AF_INET)
        return !memcmp(&((const SOCKADDR_IN *)a)->sin_addr, &((const SOCKADDR_IN *)b)->sin_addr, 4);
    if (a->sa_family == AF_INET6)
        return !memcmp(&((const SOCKADDR_IN6 *)a)->sin6_addr, &((const SOCKADDR_IN6 *)b)->sin6_addr, 16);
    return FALSE;
}

/* Whether address lies in the prefix (family, first bits). */
static BOOL in_prefix(const SOCKADDR *address, const SOCKADDR *prefix, ULONG len)
{
    const BYTE *a, *p;
    ULONG i;

    if (address->sa_family != prefix->sa_family) return FALSE;
    if (address->sa_family == AF_INET)
    {
        a = (const BYTE *)&((const SOCKADDR_IN *)address)->sin_addr;
        p = (const BYTE *)&((const SOCKADDR_IN *)prefix)->sin_addr;
        if (len > 32) return FALSE;
    }
    else
    {
        a = (const BYTE *)&((const SOCKADDR_IN6 *)address)->sin6_addr;
        p = (const BYTE *)&((const SOCKADDR_IN6 *)prefix)->sin6_addr;
        if (len > 128) return FALSE;
    }
    for (i = 0; i < len; i++)
        if (((a[i / 8] ^ p[i / 8]) >> (7 - i % 8)) & 1) return FALSE;
    return TRUE;
}

/* One adapter's answer against the other functions and the flags. */
static void check_adapter(const IP_ADAPTER_ADDRESSES *aa, ULONG family, ULONG flags)
{
    const IP_ADAPTER_UNICAST_ADDRESS *u;
    const IP_ADAPTER_PREFIX *p;
    NET_IFINDEX index = 0;
    GUID guid;
    char name[64];

    ok(aa->Length >= sizeof(IP_ADAPTER_ADDRESSES_LH) || broken(aa->Length >= sizeof(IP_ADAPTER_ADDRESSES_XP)),
       "Length %lu\n", aa->Length);
    ok(!ConvertInterfaceLuidToIndex(&aa->Luid, &index), "no index for the adapter's LUID\n");
    ok(index == (aa->IfIndex ? aa->IfIndex : aa->Ipv6IfIndex), "index %lu, IfIndex %lu, Ipv6IfIndex %lu\n", index,
       aa->IfIndex, aa->Ipv6IfIndex);
    if (!ConvertInterfaceLuidToGuid(&aa->Luid, &guid))
    {
        snprintf(name, sizeof(name), "{%08lX-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", guid.Data1, guid.Data2,
                 guid.Data3, guid.Data4[0], guid.Data4[1], guid.Data4[2], guid.Data4[3], guid.Data4[4],
                 guid.Data4[5], guid.Data4[6], guid.Data4[7]);
        ok(!_stricmp(aa->AdapterName, name), "AdapterName %s, the LUID's GUID %s\n", aa->AdapterName, name);
    }
    else ok(0, "no GUID for the adapter's LUID\n");

    if (flags & GAA_FLAG_SKIP_UNICAST) ok(!aa->FirstUnicastAddress, "a unicast address though skipped\n");
    if (flags & GAA_FLAG_SKIP_ANYCAST) ok(!aa->FirstAnycastAddress, "an anycast address though skipped\n");
    if (flags & GAA_FLAG_SKIP_MULTICAST) ok(!aa->FirstMulticastAddress, "a multicast address though skipped\n");
    if (flags & GAA_FLAG_SKIP_DNS_SERVER) ok(!aa->FirstDnsServerAddress, "a DNS server though skipped\n");
    if (!(flags & GAA_FLAG_INCLUDE_PREFIX)) ok(!aa->FirstPrefix, "a prefix though not asked for\n");
    if (!(flags & GAA_FLAG_INCLUDE_GATEWAYS)) ok(!aa->FirstGatewayAddress, "a gateway though not asked for\n");
    if (!(flags & GAA_FLAG_SKIP_FRIENDLY_NAME)) ok(aa->FriendlyName && *aa->FriendlyName, "no friendly name\n");

    for (u = aa->FirstUnicastAddress; u; u = u->Next)
    {
        ok(family == AF_UNSPEC || u->Address.lpSockaddr->sa_family == family, "address of family %u\n",
           u->Address.lpSockaddr->sa_family);
        if (!(flags & GAA_FLAG_INCLUDE_PREFIX) || u->Address.lpSockaddr->sa_family != AF_INET) continue;
        /* Windows lists, for each IPv4 address, its on-link subnet among the prefixes (the address itself and
         * the broadcast address as /32 too). */
        for (p = aa->FirstPrefix; p; p = p->Next)
            if (p->PrefixLength == u->OnLinkPrefixLength && in_prefix(u->Address.lpSockaddr, p->Address.lpSockaddr,
                                                                     p->PrefixLength))
                break;
        ok(p != NULL, "no prefix /%u for an address\n", u->OnLinkPrefixLength);
    }
    for (p = aa->FirstPrefix; p; p = p->Next)
        ok(p->Address.lpSockaddr && (family == AF_UNSPEC || p->Address.lpSockaddr->sa_family == family),
           "prefix of family %u\n", p->Address.lpSockaddr ? p->Address.lpSockaddr->sa_family : 0);
}

/* Every combination of the documented flags, for every family. */
static void test_flags(void)
{
    static const ULONG families[] = { AF_UNSPEC, AF_INET, AF_INET6 };
    IP_ADAPTER_ADDRESSES *list, *aa;
    unsigned int f, calls = 0, failed = 0;
    ULONG flags;
    DWORD err;

    for (f = 0; f < ARRAY_SIZE(families); f++)
    {
        /* Every combination of the flags that shape what is listed, each alone and with all the others set (4096
         * combinations of all twelve would take a minute under Wine, ~10 ms a call). */
        for (flags = 0; flags <= ALL_FLAGS; flags++)
        {
            ULONG rest = flags & ~SHAPING_FLAGS;

            if (rest && rest != (ALL_FLAGS & ~SHAPING_FLAGS)) continue;
            calls++;
            err = get_adapters(families[f], flags, &list);
            if (err)
            {
                if (failed++ < 8) ok(0, "family %lu, flags %#lx: %lu\n", families[f], flags, err);
                continue;
            }
            winetest_push_context("family %lu, flags %#lx", families[f], flags);
            for (aa = list; aa; aa = aa->Next) check_adapter(aa, families[f], flags);
            winetest_pop_context();
            free(list);
        }
    }
    ok(!failed, "%u of %u calls failed\n", failed, calls);
    trace("%u flag combinations\n", calls);
}

static IP_ADAPTER_ADDRESSES *find_adapter(IP_ADAPTER_ADDRESSES *list, NET_LUID luid)
{
    for (; list; list = list->Next)
        if (list->Luid.Value == luid.Value) return list;
    return NULL;
}

static BOOL has_address(const IP_ADAPTER_ADDRESSES *aa, int family, const char *text)
{
    const IP_ADAPTER_UNICAST_ADDRESS *u;
    SOCKADDR_STORAGE want;
    int len = sizeof(want);

    memset(&want, 0, sizeof(want));
    want.ss_family = (short)family;
    if (WSAStringToAddressA((char *)text, family, NULL, (SOCKADDR *)&want, &len)) return FALSE;
    for (u = aa->FirstUnicastAddress; u; u = u->Next)
        if (sockaddr_equal(u->Address.lpSockaddr, (SOCKADDR *)&want)) return TRUE;
    return FALSE;
}

static BOOL has_gateway(const IP_ADAPTER_ADDRESSES *aa, int family, const char *text)
{
    const IP_ADAPTER_GATEWAY_ADDRESS_LH *g;
    SOCKADDR_STORAGE want;
    int len = sizeof(want);

    memset(&want, 0, sizeof(want));
    want.ss_family = (short)family;
    if (WSAStringToAddressA((char *)text, family, NULL, (SOCKADDR *)&want, &len)) return FALSE;
    for (g = aa->FirstGatewayAddress; g; g = g->Next)
        if (sockaddr_equal(g->Address.lpSockaddr, (SOCKADDR *)&want)) return TRUE;
    return FALSE;
}

/* Wine only: an interface of the test's own, with addresses of both families and a default gateway each. */
static void test_own_interface(void)
{
    static const ULONG flags = GAA_FLAG_INCLUDE_PREFIX | GAA_FLAG_INCLUDE_GATEWAYS;
    IP_ADAPTER_ADDRESSES *list = NULL, *aa = NULL;
    ULONGLONG deadline;
    NET_LUID luid;
    DWORD err = ERROR_NOT_FOUND;

    if (!winetest_run_unix(NULL, "ip link add wnaa0 type veth peer name wnaa0p; ip link set wnaa0p up; "
                           "ip link set wnaa0 up; ip addr add 10.81.0.2/24 dev wnaa0; "
                           "ip -6 addr add fd81::2/64 dev wnaa0 nodad; "
                           "ip route add default via 10.81.0.1 dev wnaa0 metric 900; "
                           "ip -6 route add default via fd81::1 dev wnaa0 metric 900"))
    {
        skip("cannot run host commands\n");
        return;
    }
    /* The host commands report nothing back: wait for their outcome in the answer itself. */
    deadline = GetTickCount64() + WAIT_MS;
    for (;;)
    {
        free(list);
        list = NULL;
        aa = NULL;
        if (!ConvertInterfaceAliasToLuid(L"wnaa0", &luid) && !(err = get_adapters(AF_UNSPEC, flags, &list))
            && (aa = find_adapter(list, luid)) && has_address(aa, AF_INET, "10.81.0.2")
            && has_address(aa, AF_INET6, "fd81::2") && has_gateway(aa, AF_INET, "10.81.0.1")
            && has_gateway(aa, AF_INET6, "fd81::1"))
            break;
        if (GetTickCount64() >= deadline) break;
        Sleep(50);
    }
    ok(!err, "GetAdaptersAddresses with prefixes and gateways: %lu\n", err);
    ok(aa != NULL, "wnaa0 is not listed\n");
    if (aa)
    {
        ok(has_address(aa, AF_INET, "10.81.0.2"), "no IPv4 address\n");
        ok(has_address(aa, AF_INET6, "fd81::2"), "no IPv6 address\n");
        ok(has_gateway(aa, AF_INET, "10.81.0.1"), "no IPv4 gateway\n");
        ok(has_gateway(aa, AF_INET6, "fd81::1"), "no IPv6 gateway\n");
        ok(aa->FirstPrefix != NULL, "no prefix\n");
        check_adapter(aa, AF_UNSPEC, flags);
    }
    free(list);
    winetest_run_unix(NULL, "ip link del wnaa0");
}

START_TEST(adapters)
{
    WSADATA wsa;

    WSAStartup(MAKEWORD(2, 2), &wsa);
    if (winetest_platform_is_wine) test_own_interface();
    test_flags();
}
