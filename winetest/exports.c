/* Every export in our export lists resolves by name where the system's DLL has it or we implement it, and the DLL
 * that answers is the one the run expects.
 *
 * Under Wine our DLLs export every listed name, so that a program importing any of them loads, but a run-time
 * lookup of a forwarded export the system copy lacks fails as on the system copy (NULL, ERROR_PROC_NOT_FOUND):
 * programs that feature-detect then take their fallback (issue #15; dlls/common/export_names.c).
 *
 * WINENOTIFY_EXPECT=ours (set by tools/run-checks) makes it an error if the system DLLs were loaded instead of
 * ours, so a broken override cannot pass silently.  Against the system DLLs (a comparison run on Windows) an
 * export that only Wine or only another Windows version has is traced, not failed. */
#include <windows.h>
#include <stdlib.h>
#include <iphlpapi.h>
#include <cfgmgr32.h>

#include "test.h"
#include "sysdir.h"
#include "iphlpapi_exports.h"
#include "cfgmgr32_exports.h"

static BOOL expect_ours(void)
{
    char value[16];
    return GetEnvironmentVariableA("WINENOTIFY_EXPECT", value, sizeof(value)) && !strcmp(value, "ours");
}

static void check_exports(const char *dll, const struct wn_export *exports, size_t count)
{
    HMODULE module = GetModuleHandleA(dll), system;
    WCHAR wdll[32];
    size_t i, missing = 0;
    BOOL ours;

    ok(module != NULL, "%s is not loaded\n", dll);
    if (!module) return;
    ours = !in_system_directory(module);
    if (expect_ours()) ok(ours, "the system %s was loaded, not ours\n", dll);
    trace("%s: %s copy, %u exports listed\n", dll, ours ? "our" : "the system", (unsigned)count);
    MultiByteToWideChar(CP_ACP, 0, dll, -1, wdll, ARRAY_SIZE(wdll));
    system = ours ? load_system_copy(wdll) : module;
    ok(system != NULL, "cannot load the system %s: %lu\n", dll, GetLastError());
    if (!system) return;

    winetest_push_context("%s", dll);
    for (i = 0; i < count; i++)
    {
        BOOL expected = exports[i].impl || GetProcAddress(system, exports[i].name) != NULL;
        FARPROC proc;

        SetLastError(0xdeadbeef);
        proc = GetProcAddress(module, exports[i].name);
        if (!proc) missing++;
        if (!ours) continue;
        ok(!proc == !expected, "%s: found %p, %s\n", exports[i].name, (void *)proc,
           exports[i].impl ? "ours" : expected ? "the system has it" : "the system lacks it");
        if (!proc) ok(GetLastError() == ERROR_PROC_NOT_FOUND, "%s: error %lu\n", exports[i].name, GetLastError());
    }
    trace("%u listed exports are not found by name, as in the system DLL\n", (unsigned)missing);
    winetest_pop_context();
}

/* The export lists are sorted and free of duplicates (specgen refuses otherwise); a name that resolves to
 * nothing would show above, a name that resolves to the wrong module here. */
static void check_exports_are_in_module(const char *dll, const struct wn_export *exports, size_t count)
{
    HMODULE module = GetModuleHandleA(dll), owner;
    size_t i;

    if (!module || in_system_directory(module)) return;
    winetest_push_context("%s", dll);
    for (i = 0; i < count; i++)
    {
        FARPROC proc = GetProcAddress(module, exports[i].name);
        if (!proc) continue;
        /* Our exports are code inside our image: a stub for forwarded ones, the function itself for ours. */
        ok(GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                              (const char *)proc, &owner) && owner == module,
           "%s points outside %s\n", exports[i].name, dll);
    }
    winetest_pop_context();
}

START_TEST(exports)
{
    DWORD count;

    /* Linked against the ordinary import libraries: one call into each makes both DLLs load at start-up, as
     * they do for a legacy program. */
    ok(!GetNumberOfInterfaces(&count), "GetNumberOfInterfaces failed\n");
    ok(CM_Get_Version() >= 0x0400, "CM_Get_Version returned %#x\n", CM_Get_Version());

    check_exports("iphlpapi.dll", iphlpapi_exports, iphlpapi_export_count);
    check_exports("cfgmgr32.dll", cfgmgr32_exports, cfgmgr32_export_count);
    check_exports_are_in_module("iphlpapi.dll", iphlpapi_exports, iphlpapi_export_count);
    check_exports_are_in_module("cfgmgr32.dll", cfgmgr32_exports, cfgmgr32_export_count);
}
