#include <string.h>

#include "sysdll.h"

#include "debug.h"
#include "ldr.h"

extern IMAGE_DOS_HEADER __ImageBase;

/* Every DLL of ours carries this section, so that one of ours can tell any of ours (not only itself) from the
 * system's: installed into a prefix, our iphlpapi.dll is what the system path gives cfgmgr32's core too. */
#define WN_MARKER_SECTION ".wnotify"
__attribute__((section(WN_MARKER_SECTION), used)) static const char marker[] = "winenotify";

static BOOL is_ours(HMODULE module)
{
    const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *)module;
    const IMAGE_NT_HEADERS *nt = (const IMAGE_NT_HEADERS *)((const BYTE *)module + dos->e_lfanew);
    const IMAGE_SECTION_HEADER *section = IMAGE_FIRST_SECTION(nt);
    WORD i;

    if (module == (HMODULE)&__ImageBase) return TRUE;
    for (i = 0; i < nt->FileHeader.NumberOfSections; i++)
        if (!memcmp(section[i].Name, WN_MARKER_SECTION, sizeof(WN_MARKER_SECTION) - 1)) return TRUE;
    return FALSE;
}

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

/* <system directory>\<sub><name> into path (MAX_PATH + 64 WCHARs); FALSE when it does not fit. */
static BOOL system_path(WCHAR *path, const WCHAR *sub, const char *name)
{
    UINT len = system_directory(path, MAX_PATH), i;

    if (!len || len >= MAX_PATH)
    {
        ERR("no system directory (error %lu)\n", GetLastError());
        return FALSE;
    }
    path[len++] = '\\';
    for (i = 0; sub[i]; i++) path[len++] = sub[i];
    for (i = 0; name[i] && len < MAX_PATH + 63; i++) path[len++] = (unsigned char)name[i];
    path[len] = 0;
    return !name[i];
}

/* The system copy's own imports must resolve from its directory, not from beside the program. */
static HMODULE load_path(const WCHAR *path)
{
    return LoadLibraryExW(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
}

static HMODULE load_system_dll(const char *name)
{
    WCHAR path[MAX_PATH + 64];
    HMODULE module;

    if (!system_path(path, L"", name)) return NULL;
    if (!(module = load_path(path)))
    {
        ERR("cannot load the system %s from %ls (error %lu)\n", name, path, GetLastError());
        return NULL;
    }
    if (is_ours(module))
    {
        /* Installed into the prefix by winenotify-setup, which moved Wine's own copy aside, under the same base
         * name (the name Wine's loader finds its builtin by). */
        FreeLibrary(module);
        if (!system_path(path, WN_SYSDLL_KEPT_DIR L"\\", name)) return NULL;
        if (!(module = load_path(path)))
        {
            ERR("installed over the system %s, and its kept copy %ls cannot be loaded (error %lu): run "
                "winenotify-setup uninstall, then install again\n", name, path, GetLastError());
            return NULL;
        }
        if (is_ours(module))
        {
            ERR("%ls is one of our DLLs, not the system's\n", path);
            FreeLibrary(module);
            return NULL;
        }
    }
    TRACE("%s: %ls at %p\n", name, path, module);
    return module;
}

HMODULE wn_load_system_dll(const char *name)
{
    ULONG_PTR cookie;
    HMODULE module;

    if (!wn_running_on_wine()) return load_system_dll(name);

    /* The load and the rename under one hold of the loader lock: no other thread's lookup by name sees the system
     * copy in between (ldr.c). */
    cookie = wn_ldr_lock();
    if ((module = load_system_dll(name))) wn_ldr_hide_base_name(module);
    wn_ldr_unlock(cookie);
    return module;
}
