/* A storm of host changes for the stress and fault tests (Wine only, in tools/wine-test-run's namespace): a
 * shell script makes batches of address, route, MTU and link changes through `ip -batch` as fast as they go,
 * until the program asks it to stop; then it undoes everything it made and adds an acknowledgement address.
 *
 * The program holds an IPv4 address registration of its own whose callback passes every row to storm_seen():
 * when the acknowledgement arrives, the host is back where it started and every change before it has been
 * delivered.  Counts Linux programs started (storm_unix_runs): Wine 8 keeps a file handle for each. */
#ifndef WINETEST_STORM_H
#define WINETEST_STORM_H

#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* $1 the interface, $2 this storm's number, $3 rounds (0: until "stop" exists).  The acknowledgement is
 * 127.79.0.$2/32 on lo, the previous one deleted. */
static const char storm_script[] =
    "#!/bin/sh\n"
    "dev=$1 gen=$2 max=$3 i=0\n"
    "while [ ! -e stop ] && { [ $max = 0 ] || [ $i -lt $max ]; }; do\n"
    "  i=$((i + 1)) b=$((i % 32 + 1)) p=$(((i + 16) % 32 + 1))\n"
    "  {\n"
    "    for j in 1 2 3 4; do\n"
    "      echo addr add 10.200.$b.$j/24 dev $dev\n"
    "      echo addr add fd00:200:$b::$j/64 dev $dev\n"
    "      echo route add 10.201.$b.$j/32 dev $dev\n"
    "      echo route add fd00:201:$b::$j/128 dev $dev\n"
    "      echo addr del 10.200.$p.$j/24 dev $dev\n"
    "      echo addr del fd00:200:$p::$j/64 dev $dev\n"
    "      echo route del 10.201.$p.$j/32 dev $dev\n"
    "      echo route del fd00:201:$p::$j/128 dev $dev\n"
    "    done\n"
    "    echo link set $dev mtu $((1300 + b))\n"
    "    echo link add wnst$b type veth peer name wnsp$b\n"
    "    echo link del wnst$p\n"
    "  } > storm.batch\n"
    "  ip -force -batch storm.batch 2>/dev/null\n"
    "done\n"
    "ip link set $dev mtu 1500\n"
    "for b in $(seq 1 32); do ip link del wnst$b 2>/dev/null; done\n"
    "ip addr flush dev $dev\n"
    "ip route flush dev $dev 2>/dev/null\n"
    "ip -6 route flush dev $dev 2>/dev/null\n"
    "echo $i > storm.$gen.rounds\n"
    "ip addr del 127.79.0.$((gen - 1))/32 dev lo 2>/dev/null\n"
    "ip addr add 127.79.0.$gen/32 dev lo\n";

#define STORM_CHANGES_PER_ROUND (4 * 8 + 3)

static char storm_if[64];
static BOOL storming;                  /* a storm can be made here */
static unsigned int storm_gen;
static HANDLE storm_ack;               /* set when the acknowledgement address appears */
static unsigned long storm_rounds;     /* rounds made by all storms so far */
static unsigned int storm_unix_runs;

/* Whether a storm can be made (Wine, the runner's test interface); writes the script. */
static BOOL storm_init(void)
{
    storm_ack = CreateEventW(NULL, FALSE, FALSE, NULL);
    if (!winetest_platform_is_wine || GetEnvironmentVariableA("WINENOTIFY_TEST_IF", storm_if, sizeof(storm_if)) < 1 ||
        strspn(storm_if, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(storm_if))
        return FALSE;
    storming = winetest_write_file("storm.sh", storm_script);
    ok(storming, "cannot write storm.sh\n");
    return storming;
}

/* For the program's IPv4 address callback. */
static void storm_seen(const MIB_UNICASTIPADDRESS_ROW *row, MIB_NOTIFICATION_TYPE type)
{
    if (type == MibAddInstance && row && row->Address.si_family == AF_INET &&
        row->Address.Ipv4.sin_addr.s_addr == htonl(0x7f4f0000u | storm_gen))
        SetEvent(storm_ack);
}

/* Runs a storm in the background: rounds of changes, or until storm_stop() when rounds is 0. */
static void storm_start(unsigned int rounds)
{
    char cmd[128];

    if (!storming) return;
    DeleteFileA("stop");
    storm_gen++;
    ResetEvent(storm_ack);
    snprintf(cmd, sizeof(cmd), "sh storm.sh %s %u %u", storm_if, storm_gen, rounds);
    storm_unix_runs++;
    winetest_run_unix(NULL, cmd);
}

/* Waits (bounded) for the storm's end: the host is back to its starting state and we have heard so. */
static BOOL storm_wait(DWORD wait_ms)
{
    char name[32], buf[32];
    HANDLE file;
    DWORD got = 0;
    BOOL acked;

    if (!storming) return TRUE;
    acked = WaitForSingleObject(storm_ack, wait_ms) == WAIT_OBJECT_0;
    ok(acked, "storm %u: no acknowledgement within %lu ms\n", storm_gen, wait_ms);
    snprintf(name, sizeof(name), "storm.%u.rounds", storm_gen);
    file = CreateFileA(name, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (file != INVALID_HANDLE_VALUE)
    {
        if (ReadFile(file, buf, sizeof(buf) - 1, &got, NULL)) buf[got] = 0;
        else buf[0] = 0;
        CloseHandle(file);
        storm_rounds += strtoul(buf, NULL, 10);
    }
    return acked;
}

/* Stops the storm and waits for its end. */
static BOOL storm_stop(DWORD wait_ms)
{
    if (storming) winetest_write_file("stop", "");
    return storm_wait(wait_ms);
}

#endif
