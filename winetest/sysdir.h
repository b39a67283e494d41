/* Whether a module was loaded from the system directory (the system's copy, or ours installed there). */
#ifndef WINETEST_SYSDIR_H
#define WINETEST_SYSDIR_H

#include <windows.h>

static inline BOOL in_system_directory(HMODULE module)
{
    WCHAR path[MAX_PATH], sysdir[MAX_PATH];
    UINT len = GetSystemDirectoryW(sysdir, MAX_PATH);

    if (!GetModuleFileNameW(module, path, MAX_PATH)) return FALSE;
    return len && !_wcsnicmp(path, sysdir, len) && path[len] == '\\';
}

#endif
