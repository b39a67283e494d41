/* The loader's records of our module and the system copy behind it.
 *
 * Why: our forwarder loads the system's iphlpapi.dll / cfgmgr32.dll by full path (sysdll.c), so the process then
 * has two modules with one base name.  Wine's loader answers a bare name (GetModuleHandle, LoadLibrary,
 * LoadLibraryEx with any search flags, a forwarded export's target) from the modules already loaded, and looks
 * first at a cache of the last module any lookup returned (find_basename_module and cached_modref in
 * dlls/ntdll/loader.c of Wine 11.0; the same behaviour measured on Wine 8 and 10, issue #15).  A load of the
 * system copy by full path, GetProcAddress or GetModuleFileName on it (each measured on Wine 8) puts the system
 * copy in that cache, and the next lookup of "iphlpapi.dll" then returns Wine's module and its stubs instead of
 * ours, and keeps returning it, since each such answer refills the cache.  Renaming the system copy's base name
 * in its loader record makes it match no bare name, wherever the loader looks (the cache, then a hash bucket or
 * the load-order list, by version): ours is the only iphlpapi.dll left to find.  Its full name stays, so a load
 * by full path (ours, or a program's) still finds the same system copy and loads nothing twice.
 *
 * Why it is safe:
 * - The records live in the PEB's loader data, which every loader function reads and writes holding the loader
 *   lock; we change them holding the same lock (LdrLockLoaderLock), taken before the system copy is loaded and
 *   released after the rename, so no other thread ever sees the system copy under its own base name.
 * - Only BaseDllName changes, to a string on the process heap that is never freed.  Wine never frees
 *   BaseDllName's buffer (it frees FullDllName's, into which it normally points) and keeps the hash link where it
 *   was: removal unlinks the entry, whatever its name.
 * - The system copy is never freed while the process runs (forward.c keeps its reference for good; no
 *   FreeLibrary), so the record and the name stay valid even if ours is unloaded.
 * - '*' cannot occur in a file name, so no name a program passes can match the new one, while a module list
 *   (Toolhelp, psapi) still shows which DLL it is.
 *
 * Only under Wine.  Windows' loader answers a base name with the module of that name loaded first ("If a DLL with
 * the same module name is already loaded in memory, the system uses the loaded DLL, no matter which directory it
 * is in": Microsoft's "Dynamic-link library search order"), so there ours keeps answering and its records are
 * left alone. */
#include <windows.h>
#include <winternl.h>

#include "debug.h"
#include "ldr.h"

/* The head of LDR_DATA_TABLE_ENTRY, laid out alike in every Windows since NT 4 and in Wine; MinGW's winternl.h
 * hides BaseDllName in reserved bytes. */
struct ldr_entry
{
    LIST_ENTRY in_load_order;
    LIST_ENTRY in_memory_order;
    LIST_ENTRY in_init_order;
    void *base;
    void *entry_point;
    ULONG image_size;
    UNICODE_STRING full_name;
    UNICODE_STRING base_name;
};

#define HIDDEN_MARK L'*'

typedef NTSTATUS (NTAPI *lock_fn)(ULONG flags, ULONG *disposition, ULONG_PTR *cookie);
typedef NTSTATUS (NTAPI *unlock_fn)(ULONG flags, ULONG_PTR cookie);
typedef NTSTATUS (NTAPI *find_entry_fn)(void *address, struct ldr_entry **entry);

static FARPROC ntdll_proc(const char *name)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll ? GetProcAddress(ntdll, name) : NULL;
}

ULONG_PTR wn_ldr_lock(void)
{
    lock_fn lock = (lock_fn)(void *)ntdll_proc("LdrLockLoaderLock");
    ULONG_PTR cookie = 0;

    if (!lock || lock(0, NULL, &cookie)) return 0;
    return cookie;
}

void wn_ldr_unlock(ULONG_PTR cookie)
{
    unlock_fn unlock = (unlock_fn)(void *)ntdll_proc("LdrUnlockLoaderLock");

    if (cookie && unlock) unlock(0, cookie);
}

BOOL wn_ldr_hide_base_name(HMODULE module)
{
    find_entry_fn find_entry = (find_entry_fn)(void *)ntdll_proc("LdrFindEntryForAddress");
    struct ldr_entry *entry;
    USHORT len;
    WCHAR *name;

    if (!wn_running_on_wine()) return FALSE;
    if (!find_entry || find_entry(module, &entry) || entry->base != module || !entry->base_name.Buffer)
    {
        ERR("no loader record for %p: lookups by name may find it instead of ours\n", module);
        return FALSE;
    }
    if (entry->base_name.Length && entry->base_name.Buffer[0] == HIDDEN_MARK) return TRUE;

    len = entry->base_name.Length;
    if (len > 0xfff0 || !(name = HeapAlloc(GetProcessHeap(), 0, len + 2 * sizeof(WCHAR))))
    {
        ERR("cannot rename the loader record of %p: lookups by name may find it instead of ours\n", module);
        return FALSE;
    }
    name[0] = HIDDEN_MARK;
    memcpy(name + 1, entry->base_name.Buffer, len);
    name[1 + len / sizeof(WCHAR)] = 0;
    TRACE("%.*ls at %p is now %ls to lookups by name\n", (int)(len / sizeof(WCHAR)), entry->base_name.Buffer, module,
          name);
    entry->base_name.Buffer = name;
    entry->base_name.Length = len + sizeof(WCHAR);
    entry->base_name.MaximumLength = len + 2 * sizeof(WCHAR);
    return TRUE;
}
