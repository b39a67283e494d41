/* Interface LUIDs (see luid.h).
 *
 * Wine builds an interface's LUID when nsiproxy first sees the interface and never tells anyone the rule, so the
 * only faithful source is the system's own iphlpapi, asked while the interface exists (loaded by full path,
 * see sysdll.h: the bare name would give back our own iphlpapi.dll, or nothing in cfgmgr32). */
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <string.h>

#include "debug.h"
#include "luid.h"
#include "sysdll.h"

static INIT_ONCE load_once = INIT_ONCE_STATIC_INIT;
static DWORD (WINAPI *p_ConvertInterfaceIndexToLuid)(NET_IFINDEX, NET_LUID *);

static BOOL CALLBACK load_iphlpapi(INIT_ONCE *once, void *param, void **context)
{
    HMODULE module;

    (void)once; (void)param; (void)context;
    if (!(module = wn_load_system_dll("iphlpapi.dll")))
    {
        WARN("no system iphlpapi: LUIDs follow Wine's rule\n");
        return TRUE;
    }
    p_ConvertInterfaceIndexToLuid = (void *)GetProcAddress(module, "ConvertInterfaceIndexToLuid");
    return TRUE;
}

void wn_luid_init(void)
{
    InitOnceExecuteOnce(&load_once, load_iphlpapi, NULL, NULL);
}

uint64_t wn_luid_wine_rule(uint32_t ifindex, uint32_t arphrd_type)
{
    /* IF_TYPE_* by ARPHRD_*, as nsiproxy maps them; anything else (tun's ARPHRD_NONE included, on Wine 8) is
     * IF_TYPE_OTHER.  Newer Wine also calls a point-to-point link of another type PPP and an Ethernet link with
     * wireless extensions IEEE80211: neither can be told from here, and the system answers for any interface
     * that still exists. */
    static const struct { uint32_t arphrd; uint16_t iftype; } types[] =
    {
        { 772, IF_TYPE_SOFTWARE_LOOPBACK },   /* ARPHRD_LOOPBACK */
        { 1, IF_TYPE_ETHERNET_CSMACD },       /* ARPHRD_ETHER */
        { 774, IF_TYPE_FDDI },                /* ARPHRD_FDDI */
        { 6, IF_TYPE_ISO88025_TOKENRING },    /* ARPHRD_IEEE802 */
        { 800, IF_TYPE_ISO88025_TOKENRING },  /* ARPHRD_IEEE802_TR */
        { 256, IF_TYPE_SLIP },                /* ARPHRD_SLIP */
        { 512, IF_TYPE_PPP },                 /* ARPHRD_PPP */
    };
    uint64_t iftype = IF_TYPE_OTHER;
    size_t i;

    for (i = 0; i < ARRAYSIZE(types); i++)
        if (types[i].arphrd == arphrd_type) iftype = types[i].iftype;
    /* NET_LUID_LH: Reserved in bits 0-23, NetLuidIndex in 24-47, IfType in 48-63. */
    return (iftype << 48) | ((uint64_t)(ifindex & 0xffffff) << 24);
}

uint64_t wn_luid_for_index(uint32_t ifindex, uint32_t arphrd_type)
{
    NET_LUID luid;
    DWORD err;

    wn_luid_init();
    if (p_ConvertInterfaceIndexToLuid)
    {
        if (!(err = p_ConvertInterfaceIndexToLuid(ifindex, &luid))) return luid.Value;
        TRACE("the system has no LUID for index %u (error %lu): Wine's rule\n", ifindex, err);
    }
    return wn_luid_wine_rule(ifindex, arphrd_type);
}
