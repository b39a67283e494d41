/* What the device tests share (cfgnotify.c, devquery.c, devlinks.c): printing a WCHAR string, the disk image a loop
 * device is made from, and the completion of SwDeviceCreate. */
#ifndef WINETEST_DEVTEST_H
#define WINETEST_DEVTEST_H

#include <windows.h>
#include <cfgmgr32.h>
#include <string.h>

#include "winenotify/swdevice.h"

/* text as UTF-8, for a message; four at a time may be in use. */
static inline const char *dbgstr_w(const WCHAR *text)
{
    static char buffers[4][600];
    static LONG next;
    char *buf = buffers[InterlockedIncrement(&next) % 4];

    if (!text) return "(null)";
    WideCharToMultiByte(CP_UTF8, 0, text, -1, buf, sizeof(buffers[0]), NULL, NULL);
    return buf;
}

/* A 2 MiB image with one partition (MBR, type 0x83, from sector 2048 on), named name in the current directory
 * (where the host commands that attach it run). */
static inline BOOL write_partition_image(const WCHAR *name)
{
    static BYTE sector[512];
    DWORD written, i;
    BOOL good = TRUE;
    HANDLE file;

    file = CreateFileW(name, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    memset(sector, 0, sizeof(sector));
    sector[446 + 4] = 0x83;
    *(DWORD *)&sector[446 + 8] = 2048;
    *(DWORD *)&sector[446 + 12] = 2048;
    sector[510] = 0x55;
    sector[511] = 0xaa;
    for (i = 0; i < 4096 && good; i++)
    {
        good = WriteFile(file, sector, sizeof(sector), &written, NULL) && written == sizeof(sector);
        if (!i) memset(sector, 0, sizeof(sector));
    }
    CloseHandle(file);
    return good;
}

/* What SwDeviceCreate's callback was told; done is set then. */
struct sw_created
{
    HANDLE done;
    HRESULT result;
    WCHAR instance_id[MAX_DEVICE_ID_LEN];
};

static inline VOID WINAPI sw_callback(HSWDEVICE device, HRESULT result, PVOID context, PCWSTR instance_id)
{
    struct sw_created *created = context;

    (void)device;
    created->result = result;
    if (instance_id) lstrcpynW(created->instance_id, instance_id, MAX_DEVICE_ID_LEN);
    SetEvent(created->done);
}

#endif
