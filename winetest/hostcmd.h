/* Wine only: what a host command prints, to compare a row with the host's own view (`ip route`, `ip neigh`).
 * The command runs through winetest_run_unix() (no double quotes in it) and writes a file in the current
 * directory; a test learns it ran when the file appears. */
#ifndef WINETEST_HOSTCMD_H
#define WINETEST_HOSTCMD_H

#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unix.h"

#ifndef HOSTCMD_WAIT_MS
#define HOSTCMD_WAIT_MS 10000
#endif

/* The command's standard output, or NULL (with a failure); the caller frees it. */
static inline char *host_output(const char *command)
{
    char script[2048], *text = NULL;
    ULONGLONG deadline = GetTickCount64() + HOSTCMD_WAIT_MS;

    DeleteFileA("host.txt");
    snprintf(script, sizeof(script), "{ %s; } > host.tmp 2>&1; mv host.tmp host.txt", command);
    if (!winetest_run_unix(NULL, script)) return NULL;
    while (!(text = winetest_read_file("host.txt", NULL)) && GetTickCount64() < deadline) Sleep(20);
    ok(text != NULL, "the host did not answer: %s\n", command);
    DeleteFileA("host.txt");
    return text;
}

/* Runs a command and waits for it to finish; FALSE (with a failure) when it did not. */
static inline BOOL host_run(const char *command)
{
    char *text = host_output(command);

    free(text);
    return text != NULL;
}

/* The Linux name of an interface (under Wine its alias), or FALSE. */
static inline BOOL host_ifname(NET_IFINDEX index, char *name, size_t size)
{
    WCHAR alias[IF_MAX_STRING_SIZE + 1];
    NET_LUID luid;

    if (ConvertInterfaceIndexToLuid(index, &luid) || ConvertInterfaceLuidToAlias(&luid, alias, ARRAY_SIZE(alias)))
        return FALSE;
    return WideCharToMultiByte(CP_UTF8, 0, alias, -1, name, (int)size, NULL, NULL) > 0;
}

#endif
