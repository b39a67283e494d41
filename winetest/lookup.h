/* Every way a program finds a loaded DLL by its name, checked to give one expected module (issue #15): our DLL
 * under Wine, the system's own on Windows. */
#ifndef WINETEST_LOOKUP_H
#define WINETEST_LOOKUP_H

#include <windows.h>
#include <stdio.h>
#include <string.h>

/* The module an address is in: for a function imported statically, the DLL the program was bound to. */
static inline HMODULE module_of(const void *address)
{
    HMODULE module = NULL;

    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                       address, &module);
    return module;
}

/* What this program's import of dll!name was bound to, read from its own import table as the loader filled it
 * (with MinGW's headers, &function is often the program's own jump stub, not the DLL's code).  NULL if the
 * program does not import it by name. */
static inline const void *bound_import(const char *dll, const char *name)
{
    const BYTE *base = (const BYTE *)GetModuleHandleW(NULL);
    const IMAGE_NT_HEADERS *nt = (const IMAGE_NT_HEADERS *)(base + ((const IMAGE_DOS_HEADER *)base)->e_lfanew);
    const IMAGE_DATA_DIRECTORY *dir = &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
    const IMAGE_IMPORT_DESCRIPTOR *desc;

    if (!dir->VirtualAddress) return NULL;
    for (desc = (const IMAGE_IMPORT_DESCRIPTOR *)(base + dir->VirtualAddress); desc->Name; desc++)
    {
        const IMAGE_THUNK_DATA *names, *bound;

        if (lstrcmpiA((const char *)base + desc->Name, dll) || !desc->OriginalFirstThunk) continue;
        names = (const IMAGE_THUNK_DATA *)(base + desc->OriginalFirstThunk);
        bound = (const IMAGE_THUNK_DATA *)(base + desc->FirstThunk);
        for (; names->u1.AddressOfData; names++, bound++)
        {
            if (IMAGE_SNAP_BY_ORDINAL(names->u1.Ordinal)) continue;
            if (!strcmp((const char *)((const IMAGE_IMPORT_BY_NAME *)(base + names->u1.AddressOfData))->Name, name))
                return (const void *)bound->u1.Function;
        }
    }
    return NULL;
}

/* One answer: the module, its file name and what GetProcAddress finds in it. */
static inline void check_answer(const char *how, HMODULE got, HMODULE expected, const char *proc)
{
    WCHAR path[MAX_PATH], expected_path[MAX_PATH];
    FARPROC fn;

    ok(got == expected, "%s: %p, expected %p\n", how, got, expected);
    if (!got) return;
    GetModuleFileNameW(got, path, MAX_PATH);
    GetModuleFileNameW(expected, expected_path, MAX_PATH);
    ok(!lstrcmpiW(path, expected_path), "%s: file %ls, expected %ls\n", how, path, expected_path);
    fn = GetProcAddress(got, proc);
    ok(fn != NULL && module_of((const void *)fn) == expected, "%s: GetProcAddress(%s) gave %p in %p\n", how, proc,
       (void *)fn, fn ? module_of((const void *)fn) : NULL);
}

/* GetModuleHandle{A,W,ExA,ExW} and LoadLibrary{A,W,ExA,ExW} (no flags, LOAD_LIBRARY_SEARCH_SYSTEM32,
 * LOAD_LIBRARY_SEARCH_DEFAULT_DIRS) with `dll` ("iphlpapi") in four spellings: each must give `expected`.
 * Returns how many did not (0 when all did). */
static inline unsigned int check_lookups(const char *dll, HMODULE expected, const char *proc)
{
    static const char *const forms[] = { "%s.dll", "%s", "%s.DLL", "%s.dLl" };
    static const struct { const char *name; DWORD flags; } loads[] =
    {
        { "LoadLibraryExW(0)", 0 },
        { "LoadLibraryExW(SEARCH_SYSTEM32)", LOAD_LIBRARY_SEARCH_SYSTEM32 },
        { "LoadLibraryExW(SEARCH_DEFAULT_DIRS)", LOAD_LIBRARY_SEARCH_DEFAULT_DIRS },
    };
    unsigned int f, l, failures = winetest_get_failures();
    char name[64], how[128];
    WCHAR wname[64];
    HMODULE got;

    for (f = 0; f < ARRAY_SIZE(forms); f++)
    {
        snprintf(name, sizeof(name), forms[f], dll);
        /* The upper-case forms in capitals throughout, the others as given. */
        if (f == 2) CharUpperA(name);
        MultiByteToWideChar(CP_ACP, 0, name, -1, wname, ARRAY_SIZE(wname));
        winetest_push_context("%s", name);

        check_answer("GetModuleHandleA", GetModuleHandleA(name), expected, proc);
        check_answer("GetModuleHandleW", GetModuleHandleW(wname), expected, proc);
        got = NULL;
        ok(GetModuleHandleExA(0, name, &got), "GetModuleHandleExA failed: %lu\n", GetLastError());
        check_answer("GetModuleHandleExA", got, expected, proc);
        if (got) FreeLibrary(got);
        got = NULL;
        ok(GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, wname, &got),
           "GetModuleHandleExW failed: %lu\n", GetLastError());
        check_answer("GetModuleHandleExW", got, expected, proc);

        got = LoadLibraryA(name);
        check_answer("LoadLibraryA", got, expected, proc);
        if (got) FreeLibrary(got);
        got = LoadLibraryW(wname);
        check_answer("LoadLibraryW", got, expected, proc);
        if (got) FreeLibrary(got);
        got = LoadLibraryExA(name, NULL, 0);
        check_answer("LoadLibraryExA", got, expected, proc);
        if (got) FreeLibrary(got);
        for (l = 0; l < ARRAY_SIZE(loads); l++)
        {
            got = LoadLibraryExW(wname, NULL, loads[l].flags);
            snprintf(how, sizeof(how), "%s", loads[l].name);
            check_answer(how, got, expected, proc);
            if (got) FreeLibrary(got);
        }
        winetest_pop_context();
    }
    return winetest_get_failures() - failures;
}

#endif
