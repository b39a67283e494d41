/* Run-time lookups find the DLL the program imported (issue #15).
 *
 * Our DLLs forward what they do not implement to the system's copy, loaded by full path beside them.  Whatever a
 * program does first (a forwarded call, a lookup by name) and from whichever thread, a later lookup by base name
 * (GetModuleHandle, LoadLibrary, with any search flags) must give the module the program imported, and
 * GetProcAddress on it that module's functions: ours under Wine, the system's on Windows.  Under Wine, each such
 * lookup is followed by a registration through the function it found, which must hear a real change (a tun
 * interface, a veth pair made by host commands): proof that the code behind the name is ours, not only that a
 * pointer differs.
 *
 * Absent stays absent: a forwarded export that the system copy lacks is not found by GetProcAddress either, so
 * programs that feature-detect take their fallback (WireGuard's SetDNS here; every listed export in exports.c); a
 * program importing it statically still loads (this one imports GetIpPathEntry, which Wine up to 11 lacks and
 * which we leave to the system). */
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <cfgmgr32.h>
#include <wchar.h>
#include <stdio.h>
#include <string.h>

#include "test.h"
#include "sysdir.h"
#include "unix.h"
#include "lookup.h"
#include "netdev.h"

#define WAIT_MS 10000

/* Windows 10 2004 and later; MinGW's headers lack it. */
DECLSPEC_IMPORT DWORD WINAPI SetInterfaceDnsSettings(GUID interface_guid, const void *settings);

static HMODULE imported_iphlpapi, imported_cfgmgr32;   /* what the program was bound to */
static HMODULE sys_iphlpapi, sys_cfgmgr32;             /* the system directory's copies, loaded by full path */

static BOOL expect_ours(void)
{
    char value[16];
    return GetEnvironmentVariableA("WINENOTIFY_EXPECT", value, sizeof(value)) && !strcmp(value, "ours");
}

/* ---- proof that a registration is ours: it hears a real change ---------------------------------------- */

struct interface_watch
{
    CRITICAL_SECTION lock;
    HANDLE signal;
    unsigned int count;
    struct { MIB_NOTIFICATION_TYPE type; ULONG64 luid; } seen[64];
};

static void WINAPI on_interface(void *context, MIB_IPINTERFACE_ROW *row, MIB_NOTIFICATION_TYPE type)
{
    struct interface_watch *w = context;

    if (!row) return;
    EnterCriticalSection(&w->lock);
    if (w->count < ARRAY_SIZE(w->seen))
    {
        w->seen[w->count].type = type;
        w->seen[w->count].luid = row->InterfaceLuid.Value;
        w->count++;
    }
    LeaveCriticalSection(&w->lock);
    SetEvent(w->signal);
}

static BOOL interface_seen(struct interface_watch *w, MIB_NOTIFICATION_TYPE type, ULONG64 luid)
{
    ULONGLONG deadline = GetTickCount64() + WAIT_MS;
    BOOL found = FALSE;
    unsigned int i;

    for (;;)
    {
        EnterCriticalSection(&w->lock);
        for (i = 0; i < w->count && !found; i++) found = w->seen[i].type == type && w->seen[i].luid == luid;
        LeaveCriticalSection(&w->lock);
        if (found || GetTickCount64() >= deadline) return found;
        WaitForSingleObject(w->signal, 100);
    }
}

/* NotifyIpInterfaceChange found through `module` hears a tun interface come and go. */
static void prove_iphlpapi(HMODULE module, const char *how)
{
    DWORD (WINAPI *notify)(ADDRESS_FAMILY, PIPINTERFACE_CHANGE_CALLBACK, void *, BOOLEAN, HANDLE *) =
        (void *)GetProcAddress(module, "NotifyIpInterfaceChange");
    DWORD (WINAPI *cancel)(HANDLE) = (void *)GetProcAddress(module, "CancelMibChangeNotify2");
    static unsigned int proofs;
    struct interface_watch w = { .count = 0 };
    ULONGLONG deadline;
    WCHAR name[16];
    char cmd[64];
    HANDLE handle = NULL;
    NET_LUID luid;
    DWORD ret;

    winetest_push_context("%s", how);
    ok(notify && cancel, "NotifyIpInterfaceChange %p, CancelMibChangeNotify2 %p\n", notify, cancel);
    if (!notify || !cancel) goto done;
    ok(module_of((const void *)notify) == imported_iphlpapi, "NotifyIpInterfaceChange is in %p, not in %p\n",
       module_of((const void *)notify), imported_iphlpapi);
    if (!winetest_platform_is_wine)
    {
        skip("interfaces are made with host commands: Wine only\n");
        goto done;
    }

    InitializeCriticalSection(&w.lock);
    w.signal = CreateEventW(NULL, FALSE, FALSE, NULL);
    ret = notify(AF_INET, on_interface, &w, FALSE, &handle);
    ok(ret == NO_ERROR && handle, "NotifyIpInterfaceChange: %lu, handle %p\n", ret, handle);
    if (ret || !handle) goto cleanup;

    /* A name never used before in this run: Wine 8's ConvertInterfaceAliasToLuid keeps answering the LUID a name
     * had first (seen: the first wnidt0's, index 5, for a later wnidt0 of index 8). */
    swprintf(name, ARRAY_SIZE(name), L"wnidt%u", proofs++);
    snprintf(cmd, sizeof(cmd), "ip tuntap add dev %ls mode tun", name);
    winetest_run_unix(NULL, cmd);
    deadline = GetTickCount64() + WAIT_MS;
    while ((ret = ConvertInterfaceAliasToLuid(name, &luid)) && GetTickCount64() < deadline) Sleep(50);
    ok(!ret, "%ls did not appear: %lu\n", name, ret);
    if (!ret)
    {
        ok(interface_seen(&w, MibAddInstance, luid.Value), "no add notification for %ls: not our registration\n",
           name);
        snprintf(cmd, sizeof(cmd), "ip link del %ls", name);
        winetest_run_unix(NULL, cmd);
        ok(interface_seen(&w, MibDeleteInstance, luid.Value), "no delete notification for %ls\n", name);
    }
    ok(cancel(handle) == NO_ERROR, "CancelMibChangeNotify2 failed\n");
cleanup:
    CloseHandle(w.signal);
    DeleteCriticalSection(&w.lock);
done:
    winetest_pop_context();
}

/* CM_Register_Notification found through `module` hears a veth pair arrive. */
static void prove_cfgmgr32(HMODULE module, const char *how)
{
    CONFIGRET (WINAPI *reg)(CM_NOTIFY_FILTER *, void *, PCM_NOTIFY_CALLBACK, HCMNOTIFICATION *) =
        (void *)GetProcAddress(module, "CM_Register_Notification");
    CONFIGRET (WINAPI *unreg)(HCMNOTIFICATION) = (void *)GetProcAddress(module, "CM_Unregister_Notification");

    winetest_push_context("%s", how);
    ok(reg && unreg, "CM_Register_Notification %p, CM_Unregister_Notification %p\n", reg, unreg);
    if (!reg || !unreg) goto done;
    ok(module_of((const void *)reg) == imported_cfgmgr32, "CM_Register_Notification is in %p, not in %p\n",
       module_of((const void *)reg), imported_cfgmgr32);
    if (!winetest_platform_is_wine)
    {
        skip("devices are made with host commands: Wine only\n");
        goto done;
    }
    ok(netdev_arrival_heard(reg, unreg, "wnidv0", WAIT_MS), "no arrival of wnidv0: not our registration\n");
done:
    winetest_pop_context();
}

/* ---- forwarded calls --------------------------------------------------------------------------------------- */

static void forward_iphlpapi(void)
{
    MIB_IPFORWARD_TABLE2 *table = NULL;
    DWORD ret = GetIpForwardTable2(AF_UNSPEC, &table);

    ok(ret == NO_ERROR, "GetIpForwardTable2: %lu\n", ret);
    if (table) FreeMibTable(table);
}

static void forward_cfgmgr32(void)
{
    ULONG len = 0;
    CONFIGRET cr = CM_Get_Device_ID_List_SizeW(&len, NULL, CM_GETIDLIST_FILTER_NONE);

    ok(cr == CR_SUCCESS, "CM_Get_Device_ID_List_SizeW: %#lx\n", cr);
}

/* ---- the orders --------------------------------------------------------------------------------------------- */

/* Must run first: a forwarded call before any lookup by name. */
static void test_forward_then_lookup(void)
{
    HMODULE module;

    winetest_push_context("forward, then look up");
    forward_iphlpapi();
    check_lookups("iphlpapi", imported_iphlpapi, "NotifyIpInterfaceChange");
    prove_iphlpapi(GetModuleHandleA("iphlpapi.dll"), "GetModuleHandleA");

    forward_cfgmgr32();
    check_lookups("cfgmgr32", imported_cfgmgr32, "CM_Register_Notification");
    module = LoadLibraryA("cfgmgr32.dll");
    prove_cfgmgr32(module, "LoadLibraryA");
    if (module) FreeLibrary(module);
    winetest_pop_context();
}

/* A lookup, then forwarded calls of functions not called before and lookups of functions in the system copy
 * (each makes Wine's loader remember the system copy as the module it found last), then lookups again. */
static void test_lookup_then_forward(void)
{
    NET_LUID luid;
    NET_IFINDEX index;
    HMODULE module;

    winetest_push_context("look up, then forward");
    check_lookups("iphlpapi", imported_iphlpapi, "NotifyIpInterfaceChange");
    ok(GetProcAddress(sys_iphlpapi, "GetIfTable2") != NULL, "the system iphlpapi lacks GetIfTable2\n");
    ok(ConvertInterfaceIndexToLuid(1, &luid) == NO_ERROR, "ConvertInterfaceIndexToLuid(1) failed\n");
    ok(ConvertInterfaceLuidToIndex(&luid, &index) == NO_ERROR && index == 1, "ConvertInterfaceLuidToIndex failed\n");
    check_lookups("iphlpapi", imported_iphlpapi, "NotifyIpInterfaceChange");
    module = LoadLibraryExW(L"iphlpapi.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    prove_iphlpapi(module, "LoadLibraryExW(SEARCH_SYSTEM32)");
    FreeLibrary(module);

    check_lookups("cfgmgr32", imported_cfgmgr32, "CM_Register_Notification");
    ok(GetProcAddress(sys_cfgmgr32, "CM_Get_Device_ID_List_SizeW") != NULL, "the system cfgmgr32 lacks it\n");
    ok(CM_Get_Version() >= 0x0400, "CM_Get_Version: %#x\n", CM_Get_Version());
    check_lookups("cfgmgr32", imported_cfgmgr32, "CM_Register_Notification");
    prove_cfgmgr32(GetModuleHandleW(L"CFGMGR32"), "GetModuleHandleW");
    winetest_pop_context();
}

/* ---- two threads ---------------------------------------------------------------------------------------------- */

#define RACE_LOOKUPS 2000     /* at least, by the looking thread */
#define RACE_ROUNDS 200       /* at least, by the forwarding thread, in the meantime */

struct race
{
    const WCHAR *dll;
    HMODULE imported, system;
    const char *proc;               /* a function of the system copy */
    void (*forward)(void);          /* a forwarded call */
    volatile LONG stop, rounds;
};

/* The forwarding side: what our forwarders do (the system copy loaded by full path, functions looked up in it)
 * and forwarded calls.  Each of these makes Wine's loader remember the system copy as the module it found last. */
static DWORD WINAPI forwarding_thread(void *arg)
{
    struct race *race = arg;
    HMODULE module;
    unsigned int i;

    for (i = 0; !race->stop; i++)
    {
        if ((module = load_system_copy(race->dll))) FreeLibrary(module);
        GetProcAddress(race->system, race->proc);
        if (!(i % 64)) race->forward();
        InterlockedIncrement(&race->rounds);
    }
    return 0;
}

/* While a second thread forwards, this one looks the DLL up by name: every answer is the imported module. */
static void race_lookups(struct race *race)
{
    unsigned int lookups = 0, wrong_handle = 0, wrong_load = 0;
    ULONGLONG deadline = GetTickCount64() + 4 * WAIT_MS;
    LONG before;
    HANDLE thread;
    HMODULE module;

    winetest_push_context("%ls", race->dll);
    thread = CreateThread(NULL, 0, forwarding_thread, race, 0, NULL);
    ok(thread != NULL, "CreateThread: %lu\n", GetLastError());
    if (!thread) goto done;
    /* Starting a thread takes Wine longer than thousands of lookups: begin when it runs. */
    while (!race->rounds && GetTickCount64() < deadline) Sleep(1);
    before = race->rounds;
    while ((lookups < RACE_LOOKUPS || race->rounds - before < RACE_ROUNDS) && GetTickCount64() < deadline)
    {
        wrong_handle += GetModuleHandleW(race->dll) != race->imported;
        if ((module = LoadLibraryW(race->dll)))
        {
            wrong_load += module != race->imported;
            FreeLibrary(module);
        }
        else wrong_load++;
        lookups++;
    }
    InterlockedExchange(&race->stop, 1);
    WaitForSingleObject(thread, INFINITE);
    CloseHandle(thread);
    trace("%u lookups of each kind while the other thread made %ld rounds\n", lookups, race->rounds - before);
    ok(race->rounds - before >= RACE_ROUNDS, "the forwarding thread made %ld rounds only\n", race->rounds - before);
    ok(!wrong_handle, "GetModuleHandleW: %u of %u answers were another module\n", wrong_handle, lookups);
    ok(!wrong_load, "LoadLibraryW: %u of %u answers were another module\n", wrong_load, lookups);
done:
    winetest_pop_context();
}

static void test_lookup_during_forwarding(void)
{
    struct race ip = { .dll = L"iphlpapi.dll", .imported = imported_iphlpapi, .system = sys_iphlpapi,
                       .proc = "GetIfTable2", .forward = forward_iphlpapi };
    struct race cfg = { .dll = L"cfgmgr32.dll", .imported = imported_cfgmgr32, .system = sys_cfgmgr32,
                        .proc = "CM_Get_Device_ID_List_SizeW", .forward = forward_cfgmgr32 };

    race_lookups(&ip);
    prove_iphlpapi(GetModuleHandleW(L"IPHLPAPI.DLL"), "after the race");
    race_lookups(&cfg);
    prove_cfgmgr32(GetModuleHandleA("cfgmgr32.dll"), "after the race");
}

/* ---- absent stays absent ------------------------------------------------------------------------------------ */

/* WireGuard's SetDNS: SetInterfaceDnsSettings where it exists, the registry when the lookup or the call says
 * ERROR_PROC_NOT_FOUND, and any other error is fatal. */
static void test_setdns_fallback(void)
{
    DWORD (WINAPI *set_dns)(GUID, const void *);
    HMODULE module = LoadLibraryExW(L"iphlpapi.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    BOOL system_has = GetProcAddress(sys_iphlpapi, "SetInterfaceDnsSettings") != NULL;
    GUID zero = { 0 };
    DWORD ret;

    ok(module == imported_iphlpapi, "LoadLibraryExW(SEARCH_SYSTEM32): %p, imported %p\n", module, imported_iphlpapi);
    SetLastError(0xdeadbeef);
    set_dns = (void *)GetProcAddress(module, "SetInterfaceDnsSettings");
    ok((set_dns != NULL) == system_has, "SetInterfaceDnsSettings %p, the system copy %s it\n", set_dns,
       system_has ? "has" : "lacks");
    if (!set_dns)
    {
        ok(GetLastError() == ERROR_PROC_NOT_FOUND, "error %lu: WireGuard would not fall back\n", GetLastError());
        /* A program that imports it anyway is told the same, through our stub. */
        ret = SetInterfaceDnsSettings(zero, NULL);
        ok(ret == ERROR_PROC_NOT_FOUND, "statically imported: %lu: WireGuard would not fall back\n", ret);
    }
    else trace("the system has SetInterfaceDnsSettings: not called\n");
    if (module) FreeLibrary(module);
}

/* Imported statically though the system copy may lack it, and this program still runs; a run-time lookup agrees
 * with the system copy. */
static void test_static_import_of_absent(void)
{
    BOOL system_has = GetProcAddress(sys_iphlpapi, "GetIpPathEntry") != NULL;
    const void *bound = bound_import("iphlpapi.dll", "GetIpPathEntry");
    MIB_IPPATH_ROW row;

    ok(bound && module_of(bound) == imported_iphlpapi, "GetIpPathEntry is bound to %p in %p, not in %p\n", bound,
       module_of(bound), imported_iphlpapi);
    ok((GetProcAddress(imported_iphlpapi, "GetIpPathEntry") != NULL) == system_has,
       "GetIpPathEntry by name: %p, the system copy %s it\n", (void *)GetProcAddress(imported_iphlpapi, "GetIpPathEntry"),
       system_has ? "has" : "lacks");
    if (!system_has)
    {
        memset(&row, 0, sizeof(row));
        ok(GetIpPathEntry(&row) == ERROR_NOT_SUPPORTED, "statically imported GetIpPathEntry answered %lu\n",
           GetIpPathEntry(&row));
    }
}

START_TEST(identity)
{
    imported_iphlpapi = module_of(bound_import("iphlpapi.dll", "GetIpForwardTable2"));
    imported_cfgmgr32 = module_of(bound_import("cfgmgr32.dll", "CM_Get_Device_ID_List_SizeW"));
    ok(imported_iphlpapi && imported_cfgmgr32, "the imported DLLs: %p, %p\n", imported_iphlpapi, imported_cfgmgr32);
    if (!imported_iphlpapi || !imported_cfgmgr32) return;

    test_forward_then_lookup();

    sys_iphlpapi = load_system_copy(L"iphlpapi.dll");
    sys_cfgmgr32 = load_system_copy(L"cfgmgr32.dll");
    ok(sys_iphlpapi && sys_cfgmgr32, "cannot load the system copies: %lu\n", GetLastError());
    if (!sys_iphlpapi || !sys_cfgmgr32) return;
    if (expect_ours())
    {
        ok(sys_iphlpapi != imported_iphlpapi, "the program was bound to the system iphlpapi, not ours\n");
        ok(sys_cfgmgr32 != imported_cfgmgr32, "the program was bound to the system cfgmgr32, not ours\n");
    }

    test_lookup_then_forward();
    test_lookup_during_forwarding();
    test_setdns_fallback();
    test_static_import_of_absent();
}
