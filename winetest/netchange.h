/* Changes to the network made the way a Windows program makes them (CreateUnicastIpAddressEntry,
 * DeleteUnicastIpAddressEntry, CreateIpForwardEntry2, DeleteIpForwardEntry2), each by a child process
 * ("<test>.exe <test> write ...") whose exit code is the function's result: a Wine without these functions aborts
 * the process that calls one, and the test must go on to skip, as it does where the system refuses
 * (ERROR_ACCESS_DENIED without admin rights on Windows, ERROR_NOT_SUPPORTED).  A test's START_TEST begins with
 * netchange_start(). */
#ifndef WINETEST_NETCHANGE_H
#define WINETEST_NETCHANGE_H

#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef NETCHANGE_WAIT_MS
#define NETCHANGE_WAIT_MS 10000
#endif

static inline BOOL same_address(const SOCKADDR_INET *a, const SOCKADDR_INET *b)
{
    if (a->si_family != b->si_family) return FALSE;
    if (a->si_family == AF_INET) return a->Ipv4.sin_addr.s_addr == b->Ipv4.sin_addr.s_addr;
    if (a->si_family == AF_INET6) return !memcmp(&a->Ipv6.sin6_addr, &b->Ipv6.sin6_addr, 16);
    return FALSE;
}

static void make_address(SOCKADDR_INET *sa, ADDRESS_FAMILY family, const char *text)
{
    memset(sa, 0, sizeof(*sa));
    sa->si_family = family;
    if (family == AF_INET) inet_pton(AF_INET, text, &sa->Ipv4.sin_addr);
    else inet_pton(AF_INET6, text, &sa->Ipv6.sin6_addr);
}

static LONG WINAPI child_crashed(EXCEPTION_POINTERS *info)
{
    /* A function this system lacks (Wine aborts in its stubs): exit quietly with the exception code. */
    ExitProcess(info->ExceptionRecord->ExceptionCode);
}

/* <test>.exe <test> write addr|route|iroute add|del <4|6> <address> <prefix length> <interface index>: the child's side. */
static void child_write(int argc, char **argv)
{
    ADDRESS_FAMILY family;
    NET_LUID luid;
    NET_IFINDEX index;
    DWORD err = ERROR_INVALID_PARAMETER;
    BOOL add;

    SetUnhandledExceptionFilter(child_crashed);
    if (argc < 9) ExitProcess(ERROR_BAD_ARGUMENTS);
    add = !strcmp(argv[4], "add");
    family = atoi(argv[5]) == 6 ? AF_INET6 : AF_INET;
    index = strtoul(argv[8], NULL, 10);
    if ((err = ConvertInterfaceIndexToLuid(index, &luid))) ExitProcess(err);
    if (!strcmp(argv[3], "addr"))
    {
        MIB_UNICASTIPADDRESS_ROW row;

        /* As InitializeUnicastIpAddressEntry would, without it: some Wine versions abort in it. */
        memset(&row, 0, sizeof(row));
        make_address(&row.Address, family, argv[6]);
        row.InterfaceLuid = luid;
        row.InterfaceIndex = index;
        row.OnLinkPrefixLength = atoi(argv[7]);
        row.PrefixOrigin = IpPrefixOriginManual;
        row.SuffixOrigin = IpSuffixOriginManual;
        row.ValidLifetime = row.PreferredLifetime = 0xffffffff;
        err = add ? CreateUnicastIpAddressEntry(&row) : DeleteUnicastIpAddressEntry(&row);
    }
    else if (!strcmp(argv[3], "route"))
    {
        MIB_IPFORWARD_ROW2 row;

        memset(&row, 0, sizeof(row));
        row.InterfaceLuid = luid;
        row.InterfaceIndex = index;
        make_address(&row.DestinationPrefix.Prefix, family, argv[6]);
        row.DestinationPrefix.PrefixLength = atoi(argv[7]);
        row.NextHop.si_family = family;  /* on-link */
        row.ValidLifetime = row.PreferredLifetime = 0xffffffff;
        row.Protocol = RouteProtocolNetMgmt;
        row.Immortal = TRUE;
        row.Origin = NlroManual;
        err = add ? CreateIpForwardEntry2(&row) : DeleteIpForwardEntry2(&row);
    }
    else if (!strcmp(argv[3], "iroute"))
    {
        /* As WireGuard's winipcfg adds a route: InitializeIpForwardEntry, then the keys and nothing else (the
         * metric, site prefix length and protocol stay as it left them).  Looked up by name: a Wine without it
         * must not keep the program from loading. */
        void (WINAPI *init)(MIB_IPFORWARD_ROW2 *) =
            (void *)GetProcAddress(GetModuleHandleA("iphlpapi.dll"), "InitializeIpForwardEntry");
        MIB_IPFORWARD_ROW2 row;

        if (!init) ExitProcess(ERROR_NOT_SUPPORTED);
        init(&row);
        row.InterfaceLuid = luid;
        make_address(&row.DestinationPrefix.Prefix, family, argv[6]);
        row.DestinationPrefix.PrefixLength = atoi(argv[7]);
        row.NextHop.si_family = family;  /* on-link */
        err = add ? CreateIpForwardEntry2(&row) : DeleteIpForwardEntry2(&row);
    }
    ExitProcess(err);
}

/* Runs one change in a child; returns its result, or ERROR_NOT_SUPPORTED if the function is missing. */
static inline DWORD run_write(const char *what, const char *op, int family, const char *address, int prefix_len,
                       NET_IFINDEX index)
{
    char exe[MAX_PATH], cmdline[MAX_PATH + 128];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    DWORD code = ERROR_NOT_SUPPORTED;

    GetModuleFileNameA(NULL, exe, sizeof(exe));
    snprintf(cmdline, sizeof(cmdline), "\"%s\" %s write %s %s %d %s %d %lu", exe, winetest_name, what, op, family, address,
             prefix_len, index);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    if (!CreateProcessA(exe, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
    {
        ok(0, "cannot start the child: %lu\n", GetLastError());
        return ERROR_NOT_SUPPORTED;
    }
    ok(WaitForSingleObject(pi.hProcess, NETCHANGE_WAIT_MS) == WAIT_OBJECT_0, "the child did not exit\n");
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    if (code & 0x80000000)
    {
        trace("%s %s: the child died with exception %#lx (function not implemented)\n", what, op, code);
        code = ERROR_NOT_SUPPORTED;
    }
    return code;
}

/* The index of the interface whose alias is in WINENOTIFY_TEST_IF (tools/wine-test-run makes a veth pair, both
 * ends up, in a private network namespace), for the changes; FALSE (with a skip) when there is none. */
static inline BOOL netchange_test_interface(NET_IFINDEX *index)
{
    const char *alias = getenv("WINENOTIFY_TEST_IF");
    WCHAR walias[256];
    NET_LUID luid;
    DWORD ret;

    if (!alias || !*alias)
    {
        skip("WINENOTIFY_TEST_IF is not set: no interface to change\n");
        return FALSE;
    }
    MultiByteToWideChar(CP_ACP, 0, alias, -1, walias, ARRAY_SIZE(walias));
    ret = ConvertInterfaceAliasToLuid(walias, &luid);
    ok(!ret, "no interface %s: %lu\n", alias, ret);
    if (!ret) ret = ConvertInterfaceLuidToIndex(&luid, index);
    ok(!ret, "no index for %s: %lu\n", alias, ret);
    if (!ret) trace("changing %s (index %lu)\n", alias, *index);
    return !ret;
}

/* For START_TEST: starts Winsock, and in the child ("<test>.exe <test> write ...") makes the change and exits.
 * Returns FALSE in the test itself. */
static BOOL netchange_start(void)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);
    WSADATA wsa;

    WSAStartup(MAKEWORD(2, 2), &wsa);
    if (argc < 3 || strcmp(argv[2], "write")) return FALSE;
    child_write(argc, argv);
    return TRUE;
}

#endif
