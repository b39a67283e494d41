/* Functions we forward give exactly what the system DLL gives when called directly.
 *
 * Our DLLs are the ones the program imports (beside it, or installed); the system copy is loaded here by full
 * path, as our forwarder does.  Run against the system DLLs, both sides are the same module and the test
 * still holds.  The private network namespace of the test runner keeps the tables still between two calls. */
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <cfgmgr32.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "sysdir.h"

static HMODULE sys_iphlpapi, sys_cfgmgr32;

static BOOL expect_ours(void)
{
    char value[16];
    return GetEnvironmentVariableA("WINENOTIFY_EXPECT", value, sizeof(value)) && !strcmp(value, "ours");
}

#define SYS(module, name) ((__typeof__(name) *)(void *)GetProcAddress(sys_##module, #name))

static void test_modules(void)
{
    HMODULE ours = GetModuleHandleW(L"iphlpapi.dll");
    WCHAR path[MAX_PATH];

    ok(sys_iphlpapi != NULL, "cannot load the system iphlpapi.dll: %lu\n", GetLastError());
    ok(sys_cfgmgr32 != NULL, "cannot load the system cfgmgr32.dll: %lu\n", GetLastError());
    GetModuleFileNameW(ours, path, MAX_PATH);
    trace("imported iphlpapi: %ls\n", path);
    GetModuleFileNameW(sys_iphlpapi, path, MAX_PATH);
    trace("system iphlpapi:   %ls\n", path);

    /* With our DLL imported, the copy loaded by full path must be a second module, the system's: the one our
     * forwarders call. */
    if (expect_ours())
    {
        ok(ours != sys_iphlpapi, "loading the system iphlpapi by full path gave our own module\n");
        ok(GetModuleHandleW(L"cfgmgr32.dll") != sys_cfgmgr32, "loading the system cfgmgr32 by full path gave ours\n");
        ok(GetProcAddress(ours, "GetIfTable2") != GetProcAddress(sys_iphlpapi, "GetIfTable2"),
           "GetIfTable2 resolves to the same code in both modules\n");
    }
}

static IP_ADAPTER_ADDRESSES *get_adapters(ULONG (WINAPI *fn)(ULONG, ULONG, void *, IP_ADAPTER_ADDRESSES *, ULONG *),
                                          ULONG family, ULONG *ret)
{
    ULONG size = 0;
    IP_ADAPTER_ADDRESSES *buf = NULL;

    *ret = fn(family, GAA_FLAG_INCLUDE_PREFIX, NULL, NULL, &size);
    if (*ret != ERROR_BUFFER_OVERFLOW) return NULL;
    buf = malloc(size);
    *ret = fn(family, GAA_FLAG_INCLUDE_PREFIX, NULL, buf, &size);
    return buf;
}

static unsigned int count_unicast(const IP_ADAPTER_ADDRESSES *a)
{
    const IP_ADAPTER_UNICAST_ADDRESS *u;
    unsigned int n = 0;
    for (u = a->FirstUnicastAddress; u; u = u->Next) n++;
    return n;
}

static void test_GetAdaptersAddresses_family(ULONG family)
{
    IP_ADAPTER_ADDRESSES *mine, *theirs, *a, *b;
    ULONG ret_mine, ret_theirs;

    winetest_push_context("family %lu", family);
    mine = get_adapters(GetAdaptersAddresses, family, &ret_mine);
    theirs = get_adapters(SYS(iphlpapi, GetAdaptersAddresses), family, &ret_theirs);
    /* Wine 10 fails the IPv6 side with GAA_FLAG_INCLUDE_PREFIX (ERROR_INVALID_DATA, seen in a network namespace
     * with only loopback too).  Under Wine with a helper the prefixes are ours (dlls/iphlpapi/adapters.c) and the
     * call succeeds; forwarded, we answer as the system does.  Where the system answers, ours is its answer. */
    if (expect_ours() && family != AF_INET && ret_theirs == ERROR_INVALID_DATA)
        ok(ret_mine == NO_ERROR, "returned %lu, where Wine fails\n", ret_mine);
    else
    {
        ok(ret_mine == ret_theirs, "returned %lu, system %lu\n", ret_mine, ret_theirs);
        todo_wine_if(family != AF_INET && ret_theirs == ERROR_INVALID_DATA)
        ok(ret_mine == NO_ERROR, "returned %lu\n", ret_mine);
    }
    if (ret_mine || ret_theirs) goto done;

    for (a = mine, b = theirs; a && b; a = a->Next, b = b->Next)
    {
        winetest_push_context("adapter %s", b->AdapterName);
        ok(!strcmp(a->AdapterName, b->AdapterName), "name %s\n", a->AdapterName);
        ok(a->IfIndex == b->IfIndex, "IfIndex %lu, system %lu\n", a->IfIndex, b->IfIndex);
        ok(a->Luid.Value == b->Luid.Value, "LUID differs\n");
        ok(a->IfType == b->IfType, "IfType %lu, system %lu\n", a->IfType, b->IfType);
        ok(a->Mtu == b->Mtu, "Mtu %lu, system %lu\n", a->Mtu, b->Mtu);
        ok(a->OperStatus == b->OperStatus, "OperStatus %d, system %d\n", a->OperStatus, b->OperStatus);
        ok(!lstrcmpW(a->FriendlyName, b->FriendlyName), "FriendlyName %ls, system %ls\n", a->FriendlyName,
           b->FriendlyName);
        ok(count_unicast(a) == count_unicast(b), "%u unicast addresses, system %u\n", count_unicast(a),
           count_unicast(b));
        winetest_pop_context();
    }
    ok(!a && !b, "adapter lists differ in length\n");
done:
    free(mine);
    free(theirs);
    winetest_pop_context();
}

static void test_GetAdaptersAddresses(void)
{
    test_GetAdaptersAddresses_family(AF_UNSPEC);
    /* IPv4 alone: the adapters compared field by field wherever the system answers that. */
    test_GetAdaptersAddresses_family(AF_INET);
}

static void test_GetIfTable2(void)
{
    MIB_IF_TABLE2 *mine = NULL, *theirs = NULL;
    DWORD ret, ret_sys;
    ULONG i;

    ret = GetIfTable2(&mine);
    ret_sys = SYS(iphlpapi, GetIfTable2)(&theirs);
    ok(ret == NO_ERROR && ret_sys == NO_ERROR, "returned %lu, system %lu\n", ret, ret_sys);
    if (ret || ret_sys) return;
    ok(mine->NumEntries == theirs->NumEntries, "%lu rows, system %lu\n", mine->NumEntries, theirs->NumEntries);
    ok(mine->NumEntries > 0, "no interfaces at all, not even loopback\n");
    for (i = 0; i < mine->NumEntries && i < theirs->NumEntries; i++)
    {
        const MIB_IF_ROW2 *a = &mine->Table[i], *b = &theirs->Table[i];
        winetest_push_context("row %lu", i);
        ok(a->InterfaceIndex == b->InterfaceIndex, "index %lu, system %lu\n", a->InterfaceIndex, b->InterfaceIndex);
        ok(a->InterfaceLuid.Value == b->InterfaceLuid.Value, "LUID differs\n");
        ok(!lstrcmpW(a->Alias, b->Alias), "alias %ls, system %ls\n", a->Alias, b->Alias);
        ok(a->Type == b->Type, "type %lu, system %lu\n", a->Type, b->Type);
        ok(a->Mtu == b->Mtu, "mtu %lu, system %lu\n", a->Mtu, b->Mtu);
        winetest_pop_context();
    }
    /* Memory from either copy is freed by FreeMibTable, whichever DLL answers. */
    FreeMibTable(mine);
    SYS(iphlpapi, FreeMibTable)(theirs);
}

/* Field by field: the padding of a SOCKADDR_INET (sin_zero, the unused tail of the union) is not defined. */
static BOOL same_address(const SOCKADDR_INET *a, const SOCKADDR_INET *b)
{
    if (a->si_family != b->si_family) return FALSE;
    if (a->si_family == AF_INET) return a->Ipv4.sin_addr.s_addr == b->Ipv4.sin_addr.s_addr;
    if (a->si_family == AF_INET6)
        return !memcmp(&a->Ipv6.sin6_addr, &b->Ipv6.sin6_addr, sizeof(a->Ipv6.sin6_addr)) &&
               a->Ipv6.sin6_scope_id == b->Ipv6.sin6_scope_id;
    return TRUE;
}

static void test_GetUnicastIpAddressTable(void)
{
    static const ADDRESS_FAMILY families[] = { AF_UNSPEC, AF_INET, AF_INET6 };
    unsigned int f;
    ULONG i;

    for (f = 0; f < ARRAY_SIZE(families); f++)
    {
        MIB_UNICASTIPADDRESS_TABLE *mine = NULL, *theirs = NULL;
        DWORD ret, ret_sys;

        winetest_push_context("family %u", families[f]);
        ret = GetUnicastIpAddressTable(families[f], &mine);
        ret_sys = SYS(iphlpapi, GetUnicastIpAddressTable)(families[f], &theirs);
        ok(ret == ret_sys, "returned %lu, system %lu\n", ret, ret_sys);
        if (!ret && !ret_sys)
        {
            ok(mine->NumEntries == theirs->NumEntries, "%lu rows, system %lu\n", mine->NumEntries, theirs->NumEntries);
            for (i = 0; i < mine->NumEntries && i < theirs->NumEntries; i++)
            {
                const MIB_UNICASTIPADDRESS_ROW *a = &mine->Table[i], *b = &theirs->Table[i];
                ok(a->InterfaceIndex == b->InterfaceIndex, "row %lu: index %lu, system %lu\n", i,
                   a->InterfaceIndex, b->InterfaceIndex);
                ok(a->InterfaceLuid.Value == b->InterfaceLuid.Value, "row %lu: LUID differs\n", i);
                ok(same_address(&a->Address, &b->Address), "row %lu: address differs\n", i);
                ok(a->OnLinkPrefixLength == b->OnLinkPrefixLength, "row %lu: prefix %u, system %u\n", i,
                   a->OnLinkPrefixLength, b->OnLinkPrefixLength);
                ok(a->DadState == b->DadState, "row %lu: DAD state %d, system %d\n", i, a->DadState, b->DadState);
            }
        }
        if (mine) FreeMibTable(mine);
        if (theirs) SYS(iphlpapi, FreeMibTable)(theirs);
        winetest_pop_context();
    }

    /* Bad input is answered the same way too. */
    ok(GetUnicastIpAddressTable(AF_UNSPEC, NULL) == SYS(iphlpapi, GetUnicastIpAddressTable)(AF_UNSPEC, NULL),
       "NULL table: different errors\n");
}

static void test_ConvertInterfaceIndexToLuid(void)
{
    MIB_IF_TABLE2 *table = NULL;
    NET_LUID mine, theirs;
    DWORD ret, ret_sys;
    ULONG i;

    if (GetIfTable2(&table)) return;
    for (i = 0; i < table->NumEntries; i++)
    {
        NET_IFINDEX index = table->Table[i].InterfaceIndex;
        mine.Value = theirs.Value = 0xdeadbeef;
        ret = ConvertInterfaceIndexToLuid(index, &mine);
        ret_sys = SYS(iphlpapi, ConvertInterfaceIndexToLuid)(index, &theirs);
        ok(ret == NO_ERROR && ret_sys == NO_ERROR, "index %lu: returned %lu, system %lu\n", index, ret, ret_sys);
        ok(mine.Value == theirs.Value, "index %lu: LUID differs\n", index);
        ok(mine.Value == table->Table[i].InterfaceLuid.Value, "index %lu: LUID differs from the table\n", index);
    }
    FreeMibTable(table);

    mine.Value = theirs.Value = 0xdeadbeef;
    ret = ConvertInterfaceIndexToLuid(0xfffffff0, &mine);
    ret_sys = SYS(iphlpapi, ConvertInterfaceIndexToLuid)(0xfffffff0, &theirs);
    ok(ret == ret_sys, "unknown index: returned %lu, system %lu\n", ret, ret_sys);
    ok(ret != NO_ERROR, "unknown index: accepted\n");
    ok(mine.Value == theirs.Value, "unknown index: LUID %#llx, system %#llx\n", (unsigned long long)mine.Value, (unsigned long long)theirs.Value);
}

/* Exports we forward (the device queries are ours since issue 17, winetest/devquery.c): the setup class list
 * (Wine 8's prefix has none: then both answer CR_NO_SUCH_VALUE at once), and the version. */
static void test_cfgmgr32(void)
{
    GUID guid, guid_sys;
    CONFIGRET cr, cr_sys;
    ULONG i;

    for (i = 0; i < 64; i++)
    {
        memset(&guid, 0xcc, sizeof(guid));
        memset(&guid_sys, 0xcc, sizeof(guid_sys));
        cr = CM_Enumerate_Classes(i, &guid, 0);
        cr_sys = SYS(cfgmgr32, CM_Enumerate_Classes)(i, &guid_sys, 0);
        ok(cr == cr_sys, "CM_Enumerate_Classes(%lu): %#lx, system %#lx\n", i, cr, cr_sys);
        ok(!memcmp(&guid, &guid_sys, sizeof(guid)), "class %lu differs from the system's\n", i);
        if (cr) break;
    }
    cr = CM_Enumerate_Classes(0, NULL, 0);
    cr_sys = SYS(cfgmgr32, CM_Enumerate_Classes)(0, NULL, 0);
    ok(cr == cr_sys, "NULL class: %#lx, system %#lx\n", cr, cr_sys);
    ok(CM_Get_Version() == SYS(cfgmgr32, CM_Get_Version)(), "CM_Get_Version differs from the system's\n");
}

/* An export that the system DLL lacks answers "not supported" instead of failing to load or crashing.  Which
 * exports are missing depends on the system: this runs wherever GetIpPathEntry is absent (Wine up to 11), an
 * export we leave to the system. */
static void test_missing_in_system(void)
{
    MIB_IPPATH_ROW row;
    DWORD ret;

    if (SYS(iphlpapi, GetIpPathEntry))
    {
        skip("the system iphlpapi has GetIpPathEntry\n");
        return;
    }
    memset(&row, 0, sizeof(row));
    SetLastError(0xdeadbeef);
    ret = GetIpPathEntry(&row);
    ok(ret == ERROR_NOT_SUPPORTED, "GetIpPathEntry returned %lu\n", ret);
    ok(GetLastError() == ERROR_NOT_SUPPORTED, "last error %lu\n", GetLastError());
    /* A second call takes the same path: the answer is not cached into a crash. */
    ret = GetIpPathEntry(&row);
    ok(ret == ERROR_NOT_SUPPORTED, "second call returned %lu\n", ret);
}

START_TEST(forward)
{
    sys_iphlpapi = load_system_copy(L"iphlpapi.dll");
    sys_cfgmgr32 = load_system_copy(L"cfgmgr32.dll");
    test_modules();
    if (!sys_iphlpapi || !sys_cfgmgr32) return;

    test_GetAdaptersAddresses();
    test_GetIfTable2();
    test_GetUnicastIpAddressTable();
    test_ConvertInterfaceIndexToLuid();
    test_cfgmgr32();
    test_missing_in_system();
}
