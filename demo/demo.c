/* winenotify-demo: a legacy-style program that imports iphlpapi and cfgmgr32 the ordinary way and shows what
 * answers it: which exports winenotify implements, which it forwards to the system's own DLL, and which the
 * system DLL lacks (those answer "not supported" instead of stopping the program from loading).
 *
 * usage: winenotify-demo [--list]     --list prints every export with its state */
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <cfgmgr32.h>
#include <stdio.h>
#include <string.h>

#include "iphlpapi_exports.h"
#include "cfgmgr32_exports.h"

static HMODULE load_system_copy(const char *dll)
{
    char path[MAX_PATH + 32];
    UINT len = GetSystemDirectoryA(path, MAX_PATH);

    snprintf(path + len, sizeof(path) - len, "\\%s", dll);
    return LoadLibraryExA(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
}

/* The functions winenotify exists for. */
static const char *const notify_functions[] =
{
    "NotifyIpInterfaceChange", "NotifyUnicastIpAddressChange", "NotifyRouteChange2",
    "NotifyStableUnicastIpAddressTable", "CancelMibChangeNotify2", "NotifyAddrChange", "NotifyRouteChange",
    "CancelIPChangeNotify", "CM_Register_Notification", "CM_Unregister_Notification", NULL
};

static const char *state(const struct wn_export *e, HMODULE system)
{
    if (e->impl) return "winenotify";
    if (system && GetProcAddress(system, e->name)) return "forwarded to the system DLL";
    return "missing in the system DLL: answers not-supported";
}

static void report(const char *dll, const struct wn_export *exports, size_t count, BOOL list)
{
    HMODULE loaded = GetModuleHandleA(dll), system = load_system_copy(dll);
    char path[MAX_PATH] = "?";
    size_t i, j, impl = 0, missing = 0;

    GetModuleFileNameA(loaded, path, sizeof(path));
    printf("%s\n  loaded from  %s%s\n", dll, path, loaded == system ? "  (the system DLL: winenotify is not active)" : "");
    GetModuleFileNameA(system, path, sizeof(path));
    printf("  system copy  %s\n", system ? path : "(none)");

    for (i = 0; i < count; i++)
    {
        if (exports[i].impl) impl++;
        else if (!(system && GetProcAddress(system, exports[i].name))) missing++;
        if (list) printf("    %-44s %s\n", exports[i].name, state(&exports[i], system));
    }
    printf("  %u exports: %u implemented by winenotify, %u forwarded to the system DLL, %u of which it lacks\n",
           (unsigned)count, (unsigned)impl, (unsigned)(count - impl), (unsigned)missing);
    if (list) return;
    for (i = 0; i < count; i++)
        for (j = 0; notify_functions[j]; j++)
            if (!strcmp(exports[i].name, notify_functions[j]))
                printf("    %-36s %s\n", exports[i].name, state(&exports[i], system));
}

static void show_interfaces(void)
{
    MIB_IF_TABLE2 *table;
    DWORD ret;
    ULONG i;

    if ((ret = GetIfTable2(&table)))
    {
        printf("  GetIfTable2 failed: %lu\n", ret);
        return;
    }
    printf("  GetIfTable2 (forwarded): %lu interfaces\n", table->NumEntries);
    for (i = 0; i < table->NumEntries; i++)
        printf("    %-10ls index %-3lu luid %#llx  mtu %lu\n", table->Table[i].Alias, table->Table[i].InterfaceIndex,
               (unsigned long long)table->Table[i].InterfaceLuid.Value, table->Table[i].Mtu);
    FreeMibTable(table);
}

static void show_root_device(void)
{
    WCHAR id[MAX_DEVICE_ID_LEN];
    DEVINST root;
    CONFIGRET cr;

    if ((cr = CM_Locate_DevNodeW(&root, NULL, CM_LOCATE_DEVNODE_NORMAL)) ||
        (cr = CM_Get_Device_IDW(root, id, MAX_DEVICE_ID_LEN, 0)))
        printf("  CM_Locate_DevNodeW failed: %#lx\n", cr);
    else
        printf("  CM_Locate_DevNodeW (forwarded): root device %ls\n", id);
}

int main(int argc, char **argv)
{
    BOOL list = argc > 1 && !strcmp(argv[1], "--list");

    setvbuf(stdout, NULL, _IONBF, 0);
    printf("winenotify demo (%s)\n\n", sizeof(void *) == 8 ? "64-bit" : "32-bit");
    report("iphlpapi.dll", iphlpapi_exports, iphlpapi_export_count, list);
    report("cfgmgr32.dll", cfgmgr32_exports, cfgmgr32_export_count, list);
    printf("\ncalls through the DLLs:\n");
    show_interfaces();
    show_root_device();
    return 0;
}
