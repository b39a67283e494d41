/* Run-time forwarding of every export we do not implement to the system's own DLL.
 *
 * specgen emits, per forwarded export, a stub that jumps through a slot; the slot starts at a resolver entry
 * that calls wn_forward_resolve() with the export's index, so the system DLL is loaded and looked up only when a
 * program first calls something we forward.  The system copy is loaded by full path: under Wine (checked on
 * Wine 8) and on Windows this gives the system implementation, a second module with the same base name;
 * the bare name, which the loader matches against modules already loaded, would give back our own. */
#include <windows.h>

#include "debug.h"
#include "forward.h"

extern IMAGE_DOS_HEADER __ImageBase;

/* Emitted by specgen into <dll>_thunks.S. */
extern void *wn_fwd_slots[];
extern void *const wn_fwd_missing[];
extern const char *const wn_fwd_names[];
extern const unsigned int wn_fwd_count;
extern const char wn_fwd_dll[];
extern volatile LONG wn_fwd_reported[];

static INIT_ONCE load_once = INIT_ONCE_STATIC_INIT;
static HMODULE system_module;

/* A 32-bit process on 64-bit Windows finds its system DLLs in the WoW64 directory. */
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

static BOOL CALLBACK load_system_module(INIT_ONCE *once, void *param, void **context)
{
    WCHAR path[MAX_PATH + 32];
    UINT len, i;
    HMODULE module;

    (void)once; (void)param; (void)context;
    len = system_directory(path, MAX_PATH);
    if (!len || len >= MAX_PATH)
    {
        ERR("no system directory (error %lu)\n", GetLastError());
        return TRUE;
    }
    path[len++] = '\\';
    for (i = 0; wn_fwd_dll[i]; i++) path[len++] = (unsigned char)wn_fwd_dll[i];
    path[len] = 0;

    /* The system copy's own imports must resolve from its directory, not from beside the program. */
    if (!(module = LoadLibraryExW(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH)))
    {
        ERR("cannot load the system %s from %ls (error %lu): forwarded functions answer not-supported\n",
            wn_fwd_dll, path, GetLastError());
        return TRUE;
    }
    if (module == (HMODULE)&__ImageBase)
    {
        /* Installed over the system copy: forwarding to ourselves would recurse forever. */
        ERR("%ls is this DLL itself: forwarded functions answer not-supported\n", path);
        FreeLibrary(module);
        return TRUE;
    }
    TRACE("forwarding to %ls at %p\n", path, module);
    system_module = module;
    return TRUE;
}

HMODULE wn_forward_system_module(void)
{
    InitOnceExecuteOnce(&load_once, load_system_module, NULL, NULL);
    return system_module;
}

void *wn_forward_lookup(const char *name)
{
    HMODULE module = wn_forward_system_module();
    return module ? (void *)GetProcAddress(module, name) : NULL;
}

void * WINAPI wn_forward_resolve(unsigned int index)
{
    DWORD saved_error = GetLastError();
    void *proc;

    if (index >= wn_fwd_count) return wn_fwd_missing[0]; /* cannot happen: indices are generated */
    if ((proc = wn_forward_lookup(wn_fwd_names[index])))
    {
        TRACE("%s -> %p\n", wn_fwd_names[index], proc);
        InterlockedExchangePointer(&wn_fwd_slots[index], proc);
        SetLastError(saved_error);
        return proc;
    }

    /* The slot keeps pointing here, so every call of a missing export comes back and sets the error; the
     * message is given once per export. */
    if (!InterlockedExchange(&wn_fwd_reported[index], 1))
        FIXME("%s is not in the system %s: answering not-supported\n", wn_fwd_names[index], wn_fwd_dll);
    SetLastError(ERROR_NOT_SUPPORTED);
    return wn_fwd_missing[index];
}
