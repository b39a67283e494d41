#include "sysdll.h"

#include "debug.h"

extern IMAGE_DOS_HEADER __ImageBase;

static UINT system_directory(WCHAR *buf, UINT len)
{
#ifndef _WIN64
    BOOL wow64 = FALSE;
    if (IsWow64Process(GetCurrentProcess(), &wow64) && wow64)
    {
        UINT n = GetSystemWow64DirectoryW(buf, len);
        if (n) return n;
    }
#endif
    return GetSystemDirectoryW(buf, len);
}

HMODULE wn_load_system_dll(const char *name)
{
    WCHAR path[MAX_PATH + 64];
    UINT len, i;
    HMODULE module;

    len = system_directory(path, MAX_PATH);
    if (!len || len >= MAX_PATH)
    {
        ERR("no system directory (error %lu)\n", GetLastError());
        return NULL;
    }
    path[len++] = '\\';
    for (i = 0; name[i] && len < ARRAYSIZE(path) - 1; i++) path[len++] = (unsigned char)name[i];
    path[len] = 0;

    /* The system copy's own imports must resolve from its directory, not from beside the program. */
    if (!(module = LoadLibraryExW(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH)))
    {
        ERR("cannot load the system %s from %ls (error %lu)\n", name, path, GetLastError());
        return NULL;
    }
    if (module == (HMODULE)&__ImageBase)
    {
        ERR("%ls is this DLL itself, not the system's\n", path);
        FreeLibrary(module);
        return NULL;
    }
    TRACE("%s: %ls at %p\n", name, path, module);
    return module;
}
