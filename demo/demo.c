/* winenotify-demo: a legacy-style program that imports iphlpapi and cfgmgr32 the ordinary way.  It shows what
 * answers it (which exports winenotify implements, which it forwards to the system's own DLL, and which the
 * system DLL lacks), then registers NotifyIpInterfaceChange, NotifyUnicastIpAddressChange and NotifyRouteChange2,
 * and CM_Register_Notification for all device interface classes, and prints every interface, address and route
 * change and every device interface arrival and removal as it happens, one line each, until its standard input
 * ends (Ctrl-D on a terminal, or the end of a pipe); then it cancels the registrations and exits.
 *
 * usage: winenotify-demo           the state of the notification functions, then the live events
 *        winenotify-demo --list    every export with its state, no events
 *
 * An event line is: kind, what happened, interface alias, index and LUID, then the family (interfaces), the
 * address, or the route's destination and next hop:
 *   address    add        wndemo0    index 5   luid 0x1000005000000  10.9.0.1
 * The alias comes from ConvertInterfaceLuidToAlias; once the interface is gone it is the last one seen, in
 * parentheses.  A device line is the action and the interface's symbolic link:
 *   device     arrival    \\?\ROOT#NET#wndemo1#{cac88484-7515-4c03-82e6-71a87abac361} */
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <cfgmgr32.h>
#include <stdio.h>
#include <string.h>

#include "winenotify/cfgmgr32_notify.h"

#include "iphlpapi_exports.h"
#include "cfgmgr32_exports.h"

static HMODULE load_system_copy(const char *dll)
{
    char path[MAX_PATH + 32];
    UINT len = GetSystemDirectoryA(path, MAX_PATH);
    HMODULE module, kept;

    snprintf(path + len, sizeof(path) - len, "\\%s", dll);
    module = LoadLibraryExA(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    /* In a prefix set up by winenotify-setup that is ours, and Wine's own is in winenotify\ beside it. */
    if (module && module == GetModuleHandleA(dll))
    {
        snprintf(path + len, sizeof(path) - len, "\\winenotify\\%s", dll);
        if ((kept = LoadLibraryExA(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH))) module = kept;
    }
    return module;
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

/* ---- live events ---------------------------------------------------------------------------------------- */

/* Callbacks of different registrations may run at the same time on different threads: one lock keeps each
 * line whole and guards the alias memory. */
static CRITICAL_SECTION print_lock;

/* A delete arrives when the interface is already gone and ConvertInterfaceLuidToAlias no longer knows it, so
 * remember the aliases seen. */
static struct { ULONG64 luid; WCHAR alias[IF_MAX_STRING_SIZE + 1]; } aliases[64];
static unsigned int alias_next;

static void alias_text(const NET_LUID *luid, char *buf, size_t size)
{
    WCHAR alias[IF_MAX_STRING_SIZE + 1];
    unsigned int i;

    if (!ConvertInterfaceLuidToAlias(luid, alias, ARRAYSIZE(alias)))
    {
        for (i = 0; i < ARRAYSIZE(aliases); i++)
            if (aliases[i].luid == luid->Value) break;
        if (i == ARRAYSIZE(aliases)) i = alias_next++ % ARRAYSIZE(aliases);
        aliases[i].luid = luid->Value;
        wcscpy(aliases[i].alias, alias);
        snprintf(buf, size, "%ls", alias);
        return;
    }
    for (i = 0; i < ARRAYSIZE(aliases); i++)
        if (aliases[i].luid == luid->Value && aliases[i].alias[0])
        {
            snprintf(buf, size, "(%ls)", aliases[i].alias);
            return;
        }
    snprintf(buf, size, "-");
}

/* Addresses as text without ws2_32: dotted quad, or RFC 5952 (lower case, the longest run of two or more zero
 * groups as "::"). */
static void address_text(const SOCKADDR_INET *addr, char *buf, size_t size)
{
    const BYTE *b;
    int i, len = 0, run = 0, best = -1, best_len = 1;

    if (addr->si_family == AF_INET)
    {
        b = (const BYTE *)&addr->Ipv4.sin_addr;
        snprintf(buf, size, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
        return;
    }
    if (addr->si_family != AF_INET6)
    {
        snprintf(buf, size, "(family %u)", addr->si_family);
        return;
    }
    b = addr->Ipv6.sin6_addr.s6_addr;
    for (i = 0; i < 8; i++)
    {
        run = (b[2 * i] | b[2 * i + 1]) ? 0 : run + 1;
        if (run > best_len) { best = i - run + 1; best_len = run; }
    }
    buf[0] = 0;
    for (i = 0; i < 8 && len < (int)size; i++)
    {
        if (i == best)
        {
            len += snprintf(buf + len, size - len, "::");
            i += best_len - 1;
            continue;
        }
        len += snprintf(buf + len, size - len, "%s%x", i && i != best + best_len ? ":" : "",
                        (b[2 * i] << 8) | b[2 * i + 1]);
    }
}

static const char *change_text(MIB_NOTIFICATION_TYPE type)
{
    switch (type)
    {
    case MibParameterNotification: return "parameter";
    case MibAddInstance: return "add";
    case MibDeleteInstance: return "delete";
    case MibInitialNotification: return "initial";
    default: return "(unknown)";
    }
}

/* One whole line per event, written and flushed at once, so that it shows while it happens even when stdout is
 * a pipe. */
static void print_event(const char *kind, MIB_NOTIFICATION_TYPE type, const NET_LUID *luid, NET_IFINDEX index,
                        const char *what)
{
    char alias[3 * IF_MAX_STRING_SIZE + 3];

    EnterCriticalSection(&print_lock);
    if (luid)
    {
        alias_text(luid, alias, sizeof(alias));
        printf("%-10s %-10s %-10s index %-3lu luid %#-16llx %s\n", kind, change_text(type), alias, index,
               (unsigned long long)luid->Value, what);
    }
    else
        printf("%-10s %-10s %s\n", kind, change_text(type), what);
    fflush(stdout);
    LeaveCriticalSection(&print_lock);
}

static void WINAPI interface_changed(void *ctx, MIB_IPINTERFACE_ROW *row, MIB_NOTIFICATION_TYPE type)
{
    (void)ctx;
    if (!row)
        print_event("interface", type, NULL, 0, "(registered; every change follows)");
    else
        print_event("interface", type, &row->InterfaceLuid, row->InterfaceIndex,
                    row->Family == AF_INET ? "IPv4" : row->Family == AF_INET6 ? "IPv6" : "(family ?)");
}

static void WINAPI address_changed(void *ctx, MIB_UNICASTIPADDRESS_ROW *row, MIB_NOTIFICATION_TYPE type)
{
    char text[64];

    (void)ctx;
    if (!row)
    {
        print_event("address", type, NULL, 0, "(registered; every change follows)");
        return;
    }
    address_text(&row->Address, text, sizeof(text));
    print_event("address", type, &row->InterfaceLuid, row->InterfaceIndex, text);
}

static void WINAPI route_changed(void *ctx, MIB_IPFORWARD_ROW2 *row, MIB_NOTIFICATION_TYPE type)
{
    char prefix[64], next_hop[64], text[160];

    (void)ctx;
    if (!row)
    {
        print_event("route", type, NULL, 0, "(registered; every change follows)");
        return;
    }
    address_text(&row->DestinationPrefix.Prefix, prefix, sizeof(prefix));
    address_text(&row->NextHop, next_hop, sizeof(next_hop));
    snprintf(text, sizeof(text), "%s/%u via %s", prefix, row->DestinationPrefix.PrefixLength, next_hop);
    print_event("route", type, &row->InterfaceLuid, row->InterfaceIndex, text);
}

static DWORD CALLBACK device_changed(HCMNOTIFICATION handle, void *ctx, CM_NOTIFY_ACTION action,
                                     CM_NOTIFY_EVENT_DATA *data, DWORD size)
{
    (void)handle;
    (void)ctx;
    (void)size;
    if (action != CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL && action != CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL)
        return ERROR_SUCCESS;
    EnterCriticalSection(&print_lock);
    printf("%-10s %-10s %ls\n", "device", action == CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL ? "arrival" : "removal",
           data->u.DeviceInterface.SymbolicLink);
    fflush(stdout);
    LeaveCriticalSection(&print_lock);
    return ERROR_SUCCESS;
}

/* i686 MinGW's libcfgmgr32.a lacks the notification functions: they are looked up in the cfgmgr32 we import. */
static CONFIGRET register_devices(HCMNOTIFICATION *handle)
{
    CONFIGRET (WINAPI *reg)(PCM_NOTIFY_FILTER, PVOID, PCM_NOTIFY_CALLBACK, PHCMNOTIFICATION);
    CM_NOTIFY_FILTER filter;

    reg = (void *)GetProcAddress(GetModuleHandleA("cfgmgr32.dll"), "CM_Register_Notification");
    if (!reg) return CR_CALL_NOT_IMPLEMENTED;
    memset(&filter, 0, sizeof(filter));
    filter.cbSize = sizeof(filter);
    filter.Flags = CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES;
    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    return reg(&filter, NULL, device_changed, handle);
}

static void unregister_devices(HCMNOTIFICATION handle)
{
    CONFIGRET (WINAPI *unreg)(HCMNOTIFICATION);

    unreg = (void *)GetProcAddress(GetModuleHandleA("cfgmgr32.dll"), "CM_Unregister_Notification");
    if (unreg && handle) unreg(handle);
}

/* Reads standard input to its end; a console, a pipe and a file all end that way. */
static void wait_for_end_of_input(void)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    char buf[256];
    DWORD got;

    while (in && in != INVALID_HANDLE_VALUE && ReadFile(in, buf, sizeof(buf), &got, NULL) && got)
        ;
}

static int watch(void)
{
    HANDLE interfaces = NULL, addresses = NULL, routes = NULL;
    HCMNOTIFICATION devices = NULL;
    CONFIGRET cr;
    DWORD ret;

    printf("\nlive events (until the end of standard input):\n");
    fflush(stdout);
    /* InitialNotification TRUE: the callback with no row has run before each call returns. */
    if ((ret = NotifyIpInterfaceChange(AF_UNSPEC, interface_changed, NULL, TRUE, &interfaces)) ||
        (ret = NotifyUnicastIpAddressChange(AF_UNSPEC, address_changed, NULL, TRUE, &addresses)) ||
        (ret = NotifyRouteChange2(AF_UNSPEC, route_changed, NULL, TRUE, &routes)))
    {
        printf("registering failed: %lu\n", ret);
        return 1;
    }
    /* No initial callback here: Windows announces no device that is already there. */
    if ((cr = register_devices(&devices)))
        printf("device interfaces: CM_Register_Notification failed: %#lx (no device events)\n", cr);
    else
        printf("device interfaces: registered for all classes; arrivals and removals follow\n");
    printf("watching\n");
    fflush(stdout);

    wait_for_end_of_input();

    /* Each cancel waits for a callback in flight, so nothing prints after this. */
    CancelMibChangeNotify2(interfaces);
    CancelMibChangeNotify2(addresses);
    CancelMibChangeNotify2(routes);
    unregister_devices(devices);
    printf("end of input: registrations cancelled\n");
    return 0;
}

int main(int argc, char **argv)
{
    BOOL list = argc > 1 && !strcmp(argv[1], "--list");

    /* Nothing waits in a buffer: msvcrt buffers a pipe fully, and the events must show as they happen. */
    setvbuf(stdout, NULL, _IONBF, 0);
    InitializeCriticalSection(&print_lock);
    printf("winenotify demo (%s)\n\n", sizeof(void *) == 8 ? "64-bit" : "32-bit");
    report("iphlpapi.dll", iphlpapi_exports, iphlpapi_export_count, list);
    report("cfgmgr32.dll", cfgmgr32_exports, cfgmgr32_export_count, list);
    printf("\ncalls through the DLLs:\n");
    show_interfaces();
    show_root_device();
    return list ? 0 : watch();
}
