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

/* The system's own copy of a DLL, loaded by full path as our forwarder loads it: with ours imported under the
 * same name, a second module. */
static inline HMODULE load_system_copy(const WCHAR *name)
{
    WCHAR path[MAX_PATH + 32];
    UINT len = GetSystemDirectoryW(path, MAX_PATH);

    path[len++] = '\\';
    lstrcpyW(path + len, name);
    return LoadLibraryExW(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
}

#endif
