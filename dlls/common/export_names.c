/* Absent stays absent: a forwarded export the system copy lacks disappears from our export name table.
 *
 * Why: our DLL exports every name any Windows or Wine has, so that a program importing one still loads (Wine 11
 * still aborts a program importing an export its DLL lacks).  But a program that looks a function up at run time
 * (GetProcAddress, Go's LazyProc.Find, SDL3, Chromium) takes its fallback only when the lookup fails; finding our
 * stub, it takes its "present" path and fails there (WireGuard's SetDNS: SetInterfaceDnsSettings answers 50 and
 * it gives up, where with Wine's DLL it gets ERROR_PROC_NOT_FOUND and writes the registry instead).
 *
 * How: a program's static imports, and those of the DLLs it loads with it, are bound before any DllMain runs; ours
 * runs next and removes the names here, so every later lookup by name fails with ERROR_PROC_NOT_FOUND, exactly as
 * on the system copy, while the imports already bound keep calling our stub (which answers the .spec's -ret
 * value).  The name table and its ordinal table shrink in place, in order, so the loader's binary search still
 * works; the export address table is untouched, so a lookup by ordinal still reaches the stub.  A DLL loaded later
 * that imports a removed name gets what the system copy would give it (Wine: a stub that raises when called).
 *
 * The system copy's names are read from its own name table rather than through GetProcAddress: that would follow
 * its forwarded exports (Wine 8's and 10's cfgmgr32 forward to setupapi) and load their DLLs here.  Measured with
 * winetest/exports.c, the names removed (of 379 iphlpapi and 282 cfgmgr32 exports listed): Wine 8.0 203 and 89,
 * Wine 10.0 199 and 87, Wine 11.0 195 and 77 (x86_64 and i386 alike; Wine 8 here runs x86_64 only), each agreeing
 * with GetProcAddress on the system copy. */
#include <windows.h>
#include <string.h>

#include "debug.h"
#include "export_names.h"

struct export_names
{
    const BYTE *base;
    IMAGE_EXPORT_DIRECTORY *dir;
    DWORD *names;       /* RVAs of the names, sorted as strcmp sorts */
    WORD *ordinals;     /* the export (address table index) of each name */
};

static BOOL get_export_names(HMODULE module, struct export_names *out)
{
    const BYTE *base = (const BYTE *)module;
    const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *)base;
    const IMAGE_NT_HEADERS *nt;
    const IMAGE_DATA_DIRECTORY *dd;

    if (dos->e_magic != IMAGE_DOS_SIGNATURE) return FALSE;
    nt = (const IMAGE_NT_HEADERS *)(base + dos->e_lfanew);
    if (nt->Signature != IMAGE_NT_SIGNATURE || nt->OptionalHeader.NumberOfRvaAndSizes <= IMAGE_DIRECTORY_ENTRY_EXPORT)
        return FALSE;
    dd = &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT];
    if (!dd->VirtualAddress || dd->Size < sizeof(IMAGE_EXPORT_DIRECTORY)) return FALSE;
    out->base = base;
    out->dir = (IMAGE_EXPORT_DIRECTORY *)(base + dd->VirtualAddress);
    out->names = (DWORD *)(base + out->dir->AddressOfNames);
    out->ordinals = (WORD *)(base + out->dir->AddressOfNameOrdinals);
    return TRUE;
}

static const char *name_at(const struct export_names *e, DWORD i)
{
    return (const char *)e->base + e->names[i];
}

static BOOL has_name(const struct export_names *e, const char *name)
{
    DWORD lo = 0, hi = e->dir->NumberOfNames;

    while (lo < hi)
    {
        DWORD mid = lo + (hi - lo) / 2;
        int cmp = strcmp(name, name_at(e, mid));

        if (!cmp) return TRUE;
        if (cmp < 0) hi = mid;
        else lo = mid + 1;
    }
    return FALSE;
}

static BOOL in_list(const char *const *list, unsigned int count, const char *name)
{
    unsigned int lo = 0, hi = count;

    while (lo < hi)
    {
        unsigned int mid = lo + (hi - lo) / 2;
        int cmp = strcmp(name, list[mid]);

        if (!cmp) return TRUE;
        if (cmp < 0) hi = mid;
        else lo = mid + 1;
    }
    return FALSE;
}

static BOOL hidden(const struct export_names *ours, const struct export_names *system, const char *const *forwarded,
                   unsigned int count, DWORD i)
{
    const char *name = name_at(ours, i);
    return in_list(forwarded, count, name) && !has_name(system, name);
}

unsigned int wn_export_names_hide_absent(HMODULE self, HMODULE system, const char *const *forwarded,
                                         unsigned int count)
{
    struct export_names ours, theirs;
    struct { void *addr; SIZE_T size; DWORD old; } regions[3];
    DWORD i, kept = 0, total;
    unsigned int removed = 0, r;

    if (!get_export_names(self, &ours) || !get_export_names(system, &theirs))
    {
        ERR("no export directory to compare: exports the system lacks stay visible\n");
        return 0;
    }
    total = ours.dir->NumberOfNames;
    for (i = 0; i < total; i++) removed += hidden(&ours, &theirs, forwarded, count, i);
    if (!removed) return 0;

    /* The export directory is read-only data.  Pages may be shared between the three regions; restoring in the
     * reverse order gives each page back the protection it had first. */
    regions[0].addr = &ours.dir->NumberOfNames;
    regions[0].size = sizeof(ours.dir->NumberOfNames);
    regions[1].addr = ours.names;
    regions[1].size = total * sizeof(*ours.names);
    regions[2].addr = ours.ordinals;
    regions[2].size = total * sizeof(*ours.ordinals);
    for (r = 0; r < ARRAYSIZE(regions); r++)
        if (!VirtualProtect(regions[r].addr, regions[r].size, PAGE_READWRITE, &regions[r].old))
        {
            ERR("cannot write our export names (error %lu): exports the system lacks stay visible\n", GetLastError());
            while (r--) VirtualProtect(regions[r].addr, regions[r].size, regions[r].old, &regions[r].old);
            return 0;
        }

    removed = 0;
    for (i = 0; i < total; i++)
    {
        if (hidden(&ours, &theirs, forwarded, count, i))
        {
            TRACE("%s: the system lacks it, so run-time lookups do not find it\n", name_at(&ours, i));
            removed++;
            continue;
        }
        ours.names[kept] = ours.names[i];
        ours.ordinals[kept] = ours.ordinals[i];
        kept++;
    }
    ours.dir->NumberOfNames = kept;

    r = ARRAYSIZE(regions);
    while (r--) VirtualProtect(regions[r].addr, regions[r].size, regions[r].old, &regions[r].old);
    return removed;
}
