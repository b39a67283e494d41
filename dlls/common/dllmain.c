/* The entry point of both DLLs. */
#include <windows.h>

#include "forward.h"

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    (void)reserved;
    /* Now, before any program code can look up our exports by name, and after the static imports that name them
     * were bound (export_names.c). */
    if (reason == DLL_PROCESS_ATTACH) wn_forward_attach(instance);
    return TRUE;
}
