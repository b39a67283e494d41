/* What clients do with interfaces and addresses (issue 16): register, change through the Windows API
 * (SetIpInterfaceEntry, CreateUnicastIpAddressEntry, SetUnicastIpAddressEntry), receive the notification, re-read
 * with the notified keys, and find the change on the host (sysctl, `ip addr`); the tables list both families.
 *
 * Under Wine the test makes a veth pair of its own (wnia0 and its peer); on Windows it changes WINENOTIFY_TEST_IF
 * and needs administrator rights (without them the changes are refused with ERROR_ACCESS_DENIED and skipped).
 * What Linux has no setting for is refused with ERROR_NOT_SUPPORTED under Wine; on Windows those are real
 * settings, so those checks are Wine's alone. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "mibnotes.h"
#include "unix.h"
#include "hostcmd.h"

#define WAIT_MS 10000
#define DEV "wnia0"

/* ---- notifications ---------------------------------------------------------------------------------------- */

/* How many notifications of that type for that address came after index after, once a second has passed: a
 * change is notified once, and a countdown not at all. */
static int count_notes(MIB_NOTIFICATION_TYPE type, const SOCKADDR_INET *addr, int after)
{
    int i, n = 0;

    Sleep(1000);
    EnterCriticalSection(&mib_seen.cs);
    for (i = after + 1; i < mib_seen.count; i++)
    {
        const struct mib_note *note = &mib_seen.notes[i];

        if (note->kind == NOTE_ADDR && note->type == type && mib_same_address(&note->addr, addr)) n++;
    }
    LeaveCriticalSection(&mib_seen.cs);
    return n;
}

/* ---- the host (Wine only) --------------------------------------------------------------------------------- */

static long host_number(const char *file)
{
    char command[160], *text;
    long value = -1;

    snprintf(command, sizeof(command), "cat %s", file);
    if ((text = host_output(command)))
    {
        value = strtol(text, NULL, 10);
        free(text);
    }
    return value;
}

/* ---- interfaces ------------------------------------------------------------------------------------------- */

static DWORD read_interface(NET_LUID luid, ADDRESS_FAMILY family, MIB_IPINTERFACE_ROW *row)
{
    InitializeIpInterfaceEntry(row);
    row->Family = family;
    row->InterfaceLuid = luid;
    return GetIpInterfaceEntry(row);
}

enum field { F_MTU, F_FORWARDING, F_REACHABLE, F_RETRANS, F_DAD, F_ROUTER_DISCOVERY };

struct set_case
{
    ADDRESS_FAMILY family;
    enum field field;
    ULONG value;
    const char *host;        /* the host's file (%s: the device), NULL: none to compare */
    long host_value;         /* what the host's file then says */
};

static ULONG *field_of(MIB_IPINTERFACE_ROW *row, enum field field)
{
    switch (field)
    {
    case F_MTU: return &row->NlMtu;
    case F_REACHABLE: return &row->BaseReachableTime;
    case F_RETRANS: return &row->RetransmitTime;
    case F_DAD: return &row->DadTransmits;
    default: return NULL;
    }
}

static ULONG get_field(MIB_IPINTERFACE_ROW *row, enum field field)
{
    if (field == F_FORWARDING) return row->ForwardingEnabled;
    if (field == F_ROUTER_DISCOVERY) return (ULONG)row->RouterDiscoveryBehavior;
    return *field_of(row, field);
}

static void put_field(MIB_IPINTERFACE_ROW *row, enum field field, ULONG value)
{
    if (field == F_FORWARDING) row->ForwardingEnabled = value != 0;
    else if (field == F_ROUTER_DISCOVERY) row->RouterDiscoveryBehavior = (NL_ROUTER_DISCOVERY_BEHAVIOR)value;
    else *field_of(row, field) = value;
}

/* One setting: Get, change one field, Set, the parameter notification, the re-read with the notified keys, the
 * host; then the old value back.  FALSE when the system refuses changes (no rights). */
static BOOL set_one(NET_LUID luid, const struct set_case *c, const char *dev)
{
    MIB_IPINTERFACE_ROW row, read;
    ULONG old;
    int before, n;
    DWORD err;

    winetest_push_context("IPv%u field %d = %lu", c->family == AF_INET ? 4 : 6, c->field, c->value);
    err = read_interface(luid, c->family, &row);
    ok(!err, "GetIpInterfaceEntry: %lu\n", err);
    if (err)
    {
        winetest_pop_context();
        return TRUE;
    }
    old = get_field(&row, c->field);
    /* winipcfg's patch: Windows' own IPv4 rows carry a site prefix it refuses back. */
    if (c->family == AF_INET && row.SitePrefixLength > 32) row.SitePrefixLength = 0;
    put_field(&row, c->field, c->value);
    before = mib_notes_last();
    err = SetIpInterfaceEntry(&row);
    if (err == ERROR_ACCESS_DENIED)
    {
        winetest_pop_context();
        return FALSE;
    }
    ok(!err, "SetIpInterfaceEntry: %lu\n", err);
    if (!err && old != c->value)
    {
        n = mib_notes_wait(NOTE_IFACE, MibParameterNotification, c->family, luid, NULL, before);
        ok(n >= 0, "no parameter notification\n");
        memset(&read, 0, sizeof(read));
        read.Family = c->family;
        read.InterfaceLuid = n >= 0 ? mib_seen.notes[n].luid : luid;
        read.InterfaceIndex = n >= 0 ? mib_seen.notes[n].index : 0;
        err = GetIpInterfaceEntry(&read);
        ok(!err, "GetIpInterfaceEntry with the notified keys: %lu\n", err);
        if (!err) ok(get_field(&read, c->field) == c->value, "read back %lu\n", get_field(&read, c->field));
        if (winetest_platform_is_wine && c->host)
        {
            char file[160];
            long host;

            snprintf(file, sizeof(file), c->host, dev);
            host = host_number(file);
            ok(host == c->host_value, "the host's %s: %ld\n", file, host);
        }
        /* Back as it was. */
        if (!read_interface(luid, c->family, &row))
        {
            if (c->family == AF_INET && row.SitePrefixLength > 32) row.SitePrefixLength = 0;
            put_field(&row, c->field, old);
            ok(!SetIpInterfaceEntry(&row), "SetIpInterfaceEntry back\n");
        }
    }
    winetest_pop_context();
    return TRUE;
}

static void test_interface_settings(NET_LUID luid, const char *dev)
{
    static const struct set_case cases[] = {
        { AF_INET, F_MTU, 1400, "/sys/class/net/%s/mtu", 1400 },
        { AF_INET6, F_MTU, 1300, "/proc/sys/net/ipv6/conf/%s/mtu", 1300 },
        { AF_INET, F_FORWARDING, 1, "/proc/sys/net/ipv4/conf/%s/forwarding", 1 },
        { AF_INET6, F_FORWARDING, 1, "/proc/sys/net/ipv6/conf/%s/forwarding", 1 },
        { AF_INET, F_REACHABLE, 21000, "/proc/sys/net/ipv4/neigh/%s/base_reachable_time_ms", 21000 },
        { AF_INET6, F_REACHABLE, 22000, "/proc/sys/net/ipv6/neigh/%s/base_reachable_time_ms", 22000 },
        { AF_INET, F_RETRANS, 1500, "/proc/sys/net/ipv4/neigh/%s/retrans_time_ms", 1500 },
        { AF_INET6, F_RETRANS, 2500, "/proc/sys/net/ipv6/neigh/%s/retrans_time_ms", 2500 },
        { AF_INET6, F_DAD, 3, "/proc/sys/net/ipv6/conf/%s/dad_transmits", 3 },
        { AF_INET6, F_ROUTER_DISCOVERY, RouterDiscoveryDisabled, "/proc/sys/net/ipv6/conf/%s/accept_ra", 0 },
    };
    MIB_IPINTERFACE_ROW row;
    unsigned int i;
    DWORD err;

    for (i = 0; i < ARRAY_SIZE(cases); i++)
        if (!set_one(luid, &cases[i], dev))
        {
            skip("no right to change interface settings\n");
            return;
        }

    /* Windows refuses a site prefix longer than the family's addresses. */
    if (!read_interface(luid, AF_INET, &row))
    {
        row.SitePrefixLength = 33;
        err = SetIpInterfaceEntry(&row);
        ok(err == ERROR_INVALID_PARAMETER, "IPv4 SitePrefixLength 33: %lu\n", err);
    }
    if (!winetest_platform_is_wine) return;
    /* Settings Linux has no counterpart for: refused, nothing changed, never a silent success. */
    if (!read_interface(luid, AF_INET, &row))
    {
        row.SitePrefixLength = 0;
        row.Metric = 25;
        err = SetIpInterfaceEntry(&row);
        ok(err == ERROR_NOT_SUPPORTED, "IPv4 Metric: %lu\n", err);
        row.Metric = 0;
        row.UseAutomaticMetric = TRUE;
        err = SetIpInterfaceEntry(&row);
        ok(err == ERROR_NOT_SUPPORTED, "IPv4 UseAutomaticMetric: %lu\n", err);
        row.UseAutomaticMetric = FALSE;
        /* Linux probes no IPv4 address before using it: 0 is in effect, and 3 (Windows' default) cannot be. */
        row.DadTransmits = 3;
        err = SetIpInterfaceEntry(&row);
        ok(err == ERROR_NOT_SUPPORTED, "IPv4 DadTransmits: %lu\n", err);
        row.DadTransmits = 0;
        row.WeakHostSend = !row.WeakHostSend;
        err = SetIpInterfaceEntry(&row);
        ok(err == ERROR_NOT_SUPPORTED, "IPv4 WeakHostSend: %lu\n", err);
    }
    if (!read_interface(luid, AF_INET6, &row))
    {
        row.RouterDiscoveryBehavior = RouterDiscoveryDhcp;
        err = SetIpInterfaceEntry(&row);
        ok(err == ERROR_NOT_SUPPORTED, "IPv6 RouterDiscoveryDhcp: %lu\n", err);
    }
}

/* Both families of the interface are listed, and as GetIpInterfaceEntry gives them. */
static void test_interface_table(NET_LUID luid)
{
    MIB_IPINTERFACE_TABLE *table = NULL;
    BOOL have[2] = { FALSE, FALSE };
    ULONG i;
    DWORD err = GetIpInterfaceTable(AF_UNSPEC, &table);

    ok(!err && table, "GetIpInterfaceTable: %lu\n", err);
    if (err || !table) return;
    for (i = 0; i < table->NumEntries; i++)
    {
        MIB_IPINTERFACE_ROW *t = &table->Table[i], row;

        if (t->InterfaceLuid.Value != luid.Value) continue;
        have[t->Family == AF_INET6] = TRUE;
        if (read_interface(luid, t->Family, &row)) continue;
        ok(row.NlMtu == t->NlMtu && row.ForwardingEnabled == t->ForwardingEnabled
           && row.BaseReachableTime == t->BaseReachableTime && row.RetransmitTime == t->RetransmitTime
           && row.DadTransmits == t->DadTransmits && row.Connected == t->Connected,
           "family %u: the table's row is not the entry's\n", t->Family);
    }
    ok(have[0] && have[1], "the table lists IPv4 %d, IPv6 %d\n", have[0], have[1]);
    FreeMibTable(table);
}

/* ---- addresses -------------------------------------------------------------------------------------------- */

static void address(MIB_UNICASTIPADDRESS_ROW *row, NET_LUID luid, ADDRESS_FAMILY family, const char *text, UINT8 len)
{
    InitializeUnicastIpAddressEntry(row);
    row->InterfaceLuid = luid;
    row->Address.si_family = family;
    if (family == AF_INET) inet_pton(AF_INET, text, &row->Address.Ipv4.sin_addr);
    else inet_pton(AF_INET6, text, &row->Address.Ipv6.sin6_addr);
    row->OnLinkPrefixLength = len;
}

/* The host's lifetime of an address in `ip -o addr`, in seconds; -2 for forever, -1 when not found. */
static long host_valid_lft(const char *dev, const char *text)
{
    char command[160], *out, *p;
    long value = -1;

    snprintf(command, sizeof(command), "ip -o addr show dev %s to %s", dev, text);
    if (!(out = host_output(command))) return -1;
    if ((p = strstr(out, "valid_lft ")))
        value = !strncmp(p + 10, "forever", 7) ? -2 : strtol(p + 10, NULL, 10);
    free(out);
    return value;
}

/* Another process ("ifaddr.exe ifaddr watch <address> <count>"), with its own registration (and, under Wine, its
 * own helper), sees each lifetime change once too: it counts the parameter notifications of the address from
 * when it says it is ready until the parent says it is done. */
#define WATCH_READY "winenotify_ifaddr_watch_ready"
#define WATCH_DONE "winenotify_ifaddr_watch_done"

static void child_watch(const char *text, int expected)
{
    HANDLE ready = CreateEventA(NULL, TRUE, FALSE, WATCH_READY), done = CreateEventA(NULL, TRUE, FALSE, WATCH_DONE);
    HANDLE reg = NULL;
    SOCKADDR_INET want;
    ULONGLONG deadline;
    int n = 0;

    memset(&want, 0, sizeof(want));
    if (strchr(text, ':'))
    {
        want.si_family = AF_INET6;
        inet_pton(AF_INET6, text, &want.Ipv6.sin6_addr);
    }
    else
    {
        want.si_family = AF_INET;
        inet_pton(AF_INET, text, &want.Ipv4.sin_addr);
    }
    mib_notes_init();
    ok(!NotifyUnicastIpAddressChange(AF_UNSPEC, mib_on_address, NULL, FALSE, &reg),
       "child: NotifyUnicastIpAddressChange\n");
    SetEvent(ready);
    ok(WaitForSingleObject(done, 120000) == WAIT_OBJECT_0, "child: the parent never finished\n");
    /* Its notifications may come a little after the parent's. */
    deadline = GetTickCount64() + WAIT_MS;
    while ((n = count_notes(MibParameterNotification, &want, -1)) < expected && GetTickCount64() < deadline) {}
    ok(n == expected, "another process: %d parameter notifications for %s, expected %d\n", n, text, expected);
    ok(!CancelMibChangeNotify2(reg), "child: CancelMibChangeNotify2\n");
    CloseHandle(ready);
    CloseHandle(done);
}

static HANDLE start_watch(const char *text, int expected, HANDLE *done)
{
    HANDLE ready = CreateEventA(NULL, TRUE, FALSE, WATCH_READY), child;
    char args[96];

    ResetEvent(ready);
    *done = CreateEventA(NULL, TRUE, FALSE, WATCH_DONE);
    ResetEvent(*done);
    snprintf(args, sizeof(args), "ifaddr watch %s %d", text, expected);
    child = winetest_start_child(args, NULL);
    if (child && WaitForSingleObject(ready, WAIT_MS) != WAIT_OBJECT_0)
    {
        ok(0, "the watching process did not start\n");
        TerminateProcess(child, 1);
        CloseHandle(child);
        child = NULL;
    }
    CloseHandle(ready);
    return child;
}

static void end_watch(HANDLE child, HANDLE done)
{
    SetEvent(done);
    if (child)
    {
        ok(WaitForSingleObject(child, 3 * WAIT_MS) == WAIT_OBJECT_0, "the watching process did not exit\n");
        CloseHandle(child);
    }
    CloseHandle(done);
}

static void test_addresses(NET_LUID luid, const char *dev)
{
    static const struct { ADDRESS_FAMILY family; const char *text; UINT8 len; } addrs[] = {
        { AF_INET, "10.85.0.2", 24 }, { AF_INET6, "fd85::2", 64 },
    };
    MIB_UNICASTIPADDRESS_ROW row, read;
    MIB_UNICASTIPADDRESS_TABLE *table;
    HANDLE watch, watch_done;
    BOOL listed[2] = { FALSE, FALSE };
    unsigned int i;
    ULONG j;
    int before, n;
    DWORD err;

    for (i = 0; i < ARRAY_SIZE(addrs); i++)
    {
        winetest_push_context("%s", addrs[i].text);
        address(&row, luid, addrs[i].family, addrs[i].text, addrs[i].len);
        before = mib_notes_last();
        err = CreateUnicastIpAddressEntry(&row);
        if (err == ERROR_ACCESS_DENIED)
        {
            skip("no right to change addresses\n");
            winetest_pop_context();
            return;
        }
        ok(!err, "CreateUnicastIpAddressEntry: %lu\n", err);
        n = err ? -1 : mib_notes_wait(NOTE_ADDR, MibAddInstance, addrs[i].family, luid, &row.Address, before);
        ok(err || n >= 0, "no add notification\n");

        /* Lifetimes: set, notified, re-read, on the host. */
        row.ValidLifetime = 600;
        row.PreferredLifetime = 300;
        before = mib_notes_last();
        err = SetUnicastIpAddressEntry(&row);
        ok(!err, "SetUnicastIpAddressEntry lifetimes: %lu\n", err);
        n = err ? -1 : mib_notes_wait(NOTE_ADDR, MibParameterNotification, addrs[i].family, luid, &row.Address, before);
        ok(err || n >= 0, "no parameter notification for the lifetimes\n");
        memset(&read, 0, sizeof(read));
        read.Address = n >= 0 ? mib_seen.notes[n].addr : row.Address;
        read.InterfaceLuid = luid;
        err = GetUnicastIpAddressEntry(&read);
        ok(!err, "GetUnicastIpAddressEntry: %lu\n", err);
        if (!err)
        {
            ok(read.ValidLifetime <= 600 && read.ValidLifetime > 500, "ValidLifetime %lu\n", read.ValidLifetime);
            ok(read.PreferredLifetime <= 300 && read.PreferredLifetime > 200, "PreferredLifetime %lu\n",
               read.PreferredLifetime);
        }
        if (winetest_platform_is_wine)
        {
            long lft = host_valid_lft(dev, addrs[i].text);
            ok(lft > 500 && lft <= 600, "the host's valid_lft %ld\n", lft);
        }
        /* A finite lifetime changed to another finite one, longer then shorter than it had counted down to: each
         * is one parameter change, in this process and another, which the countdown is not. */
        watch = start_watch(addrs[i].text, winetest_platform_is_wine ? 3 : 2, &watch_done);
        row.ValidLifetime = 1200;
        row.PreferredLifetime = 900;
        before = mib_notes_last();
        err = SetUnicastIpAddressEntry(&row);
        ok(!err, "SetUnicastIpAddressEntry extended: %lu\n", err);
        n = err ? -1 : mib_notes_wait(NOTE_ADDR, MibParameterNotification, addrs[i].family, luid, &row.Address, before);
        ok(err || n >= 0, "no parameter notification for an extension\n");
        ok(err || count_notes(MibParameterNotification, &row.Address, before) == 1, "not one notification\n");
        read = row;
        ok(!GetUnicastIpAddressEntry(&read) && read.ValidLifetime > 1100 && read.ValidLifetime <= 1200
           && read.PreferredLifetime > 800 && read.PreferredLifetime <= 900,
           "extended: lifetimes %lu %lu\n", read.ValidLifetime, read.PreferredLifetime);
        if (winetest_platform_is_wine)
        {
            long lft = host_valid_lft(dev, addrs[i].text);
            ok(lft > 1100 && lft <= 1200, "extended: the host's valid_lft %ld\n", lft);
        }
        row.ValidLifetime = 120;
        row.PreferredLifetime = 60;
        before = mib_notes_last();
        err = SetUnicastIpAddressEntry(&row);
        ok(!err, "SetUnicastIpAddressEntry shortened: %lu\n", err);
        n = err ? -1 : mib_notes_wait(NOTE_ADDR, MibParameterNotification, addrs[i].family, luid, &row.Address, before);
        ok(err || n >= 0, "no parameter notification for a shortening\n");
        ok(err || count_notes(MibParameterNotification, &row.Address, before) == 1, "not one notification\n");
        read = row;
        ok(!GetUnicastIpAddressEntry(&read) && read.ValidLifetime > 20 && read.ValidLifetime <= 120
           && read.PreferredLifetime <= 60, "shortened: lifetimes %lu %lu\n", read.ValidLifetime,
           read.PreferredLifetime);
        if (winetest_platform_is_wine)
        {
            char command[256], *out;

            /* The host's own change (ip addr change) is one parameter change too. */
            snprintf(command, sizeof(command), "ip addr change %s/%u dev %s valid_lft 2000 preferred_lft 1000",
                     addrs[i].text, addrs[i].len, dev);
            before = mib_notes_last();
            free(host_output(command));
            ok(mib_notes_wait(NOTE_ADDR, MibParameterNotification, addrs[i].family, luid, &row.Address, before) >= 0,
               "no parameter notification for ip addr change\n");
            ok(count_notes(MibParameterNotification, &row.Address, before) == 1, "not one notification\n");
            /* The kernel re-announcing what is left (as after a router advertisement that changes nothing): the
             * same end, the seconds left as the host counts them, is no news. */
            snprintf(command, sizeof(command),
                     "set -- $(ip -o addr show dev %s to %s | sed -e 's/.*valid_lft //' "
                     "-e 's/sec preferred_lft / /' -e 's/sec.*//'); "
                     "ip addr change %s/%u dev %s valid_lft $1 preferred_lft $2; echo $1 $2",
                     dev, addrs[i].text, addrs[i].text, addrs[i].len, dev);
            before = mib_notes_last();
            out = host_output(command);
            ok(out && strtol(out, NULL, 10) > 1900, "the host's lifetimes: %s\n", out ? out : "(none)");
            free(out);
            ok(count_notes(MibParameterNotification, &row.Address, before) == 0, "the countdown was notified\n");
        }
        end_watch(watch, watch_done);
        /* And infinite again. */
        row.ValidLifetime = row.PreferredLifetime = 0xffffffff;
        before = mib_notes_last();
        err = SetUnicastIpAddressEntry(&row);
        ok(!err, "SetUnicastIpAddressEntry forever: %lu\n", err);
        ok(err || mib_notes_wait(NOTE_ADDR, MibParameterNotification, addrs[i].family, luid, &row.Address, before) >= 0,
           "no parameter notification for infinite lifetimes\n");
        if (winetest_platform_is_wine)
        {
            ok(host_valid_lft(dev, addrs[i].text) == -2, "the host's lifetime is not forever\n");
            /* Linux has no per-address source exclusion. */
            row.SkipAsSource = TRUE;
            ok(SetUnicastIpAddressEntry(&row) == ERROR_NOT_SUPPORTED, "SkipAsSource\n");
            row.SkipAsSource = FALSE;
        }
        winetest_pop_context();
    }

    /* No such address on the interface. */
    address(&row, luid, AF_INET, "10.85.0.9", 24);
    ok(SetUnicastIpAddressEntry(&row) == ERROR_NOT_FOUND, "SetUnicastIpAddressEntry of no address\n");

    err = GetUnicastIpAddressTable(AF_UNSPEC, &table);
    ok(!err, "GetUnicastIpAddressTable: %lu\n", err);
    for (j = 0; !err && j < table->NumEntries; j++)
        for (i = 0; i < ARRAY_SIZE(addrs); i++)
        {
            SOCKADDR_INET want;

            memset(&want, 0, sizeof(want));
            address(&row, luid, addrs[i].family, addrs[i].text, addrs[i].len);
            want = row.Address;
            if (table->Table[j].InterfaceLuid.Value == luid.Value && mib_same_address(&table->Table[j].Address, &want))
                listed[i] = TRUE;
        }
    if (!err) FreeMibTable(table);
    ok(listed[0] && listed[1], "the table lists IPv4 %d, IPv6 %d\n", listed[0], listed[1]);

    for (i = 0; i < ARRAY_SIZE(addrs); i++)
    {
        address(&row, luid, addrs[i].family, addrs[i].text, addrs[i].len);
        ok(!DeleteUnicastIpAddressEntry(&row), "DeleteUnicastIpAddressEntry %s\n", addrs[i].text);
    }
}

START_TEST(ifaddr)
{
    HANDLE reg_iface = NULL, reg_addr = NULL;
    const char *alias = getenv("WINENOTIFY_TEST_IF");
    char dev[64] = DEV;
    WCHAR walias[64];
    NET_LUID luid;
    WSADATA wsa;
    DWORD err;
    char **argv;
    int argc = winetest_get_mainargs(&argv);

    WSAStartup(MAKEWORD(2, 2), &wsa);
    if (argc >= 5 && !strcmp(argv[2], "watch"))
    {
        child_watch(argv[3], atoi(argv[4]));
        return;
    }
    /* Wine's own iphlpapi has none of the Set functions. */
    if (winetest_platform_is_wine
        && !GetProcAddress(GetModuleHandleA("iphlpapi.dll"), "NotifyStableUnicastIpAddressTable"))
    {
        skip("Wine's own iphlpapi.dll\n");
        return;
    }
    mib_notes_init();
    ok(!NotifyIpInterfaceChange(AF_UNSPEC, mib_on_interface, NULL, FALSE, &reg_iface), "NotifyIpInterfaceChange\n");
    ok(!NotifyUnicastIpAddressChange(AF_UNSPEC, mib_on_address, NULL, FALSE, &reg_addr),
       "NotifyUnicastIpAddressChange\n");

    if (winetest_platform_is_wine)
    {
        luid.Value = 0;
        if (!winetest_run_unix(NULL, "ip link add " DEV " type veth peer name " DEV "p; ip link set " DEV "p up; "
                               "ip link set " DEV " up"))
        {
            skip("cannot run host commands\n");
            goto done;
        }
        /* Up with carrier: the IPv6 side appears with the link-local address (after the peer's, at times). */
        ok(mib_notes_wait(NOTE_IFACE, MibAddInstance, AF_INET, luid, NULL, -1) >= 0, "no interface\n");
        err = ConvertInterfaceAliasToLuid(L"" DEV, &luid);
        ok(!err, "no " DEV ": %lu\n", err);
        if (!err) ok(mib_notes_wait(NOTE_IFACE, MibAddInstance, AF_INET6, luid, NULL, -1) >= 0, "no IPv6 interface\n");
    }
    else if (alias && *alias)
    {
        strncpy(dev, alias, sizeof(dev) - 1);
        MultiByteToWideChar(CP_ACP, 0, alias, -1, walias, ARRAY_SIZE(walias));
        err = ConvertInterfaceAliasToLuid(walias, &luid);
        ok(!err, "no %s: %lu\n", alias, err);
    }
    else
    {
        skip("WINENOTIFY_TEST_IF is not set: no interface to change\n");
        goto done;
    }
    if (!err)
    {
        test_interface_table(luid);
        test_interface_settings(luid, dev);
        test_addresses(luid, dev);
    }
    if (winetest_platform_is_wine) winetest_run_unix(NULL, "ip link del " DEV);
done:
    ok(!CancelMibChangeNotify2(reg_iface), "CancelMibChangeNotify2\n");
    ok(!CancelMibChangeNotify2(reg_addr), "CancelMibChangeNotify2\n");
}
