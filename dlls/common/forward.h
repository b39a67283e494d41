/* Run-time forwarding to the system's own copy of this DLL (see forward.c). */
#ifndef WN_FORWARD_H
#define WN_FORWARD_H

#include <windows.h>

/* The system copy, loaded by full path on first use; NULL if it cannot be had. */
HMODULE wn_forward_system_module(void);

/* GetProcAddress on the system copy. */
void *wn_forward_lookup(const char *name);

/* Called by the generated thunks on the first call of a forwarded export. */
void * WINAPI wn_forward_resolve(unsigned int index);

/* From DllMain(DLL_PROCESS_ATTACH), under Wine only: loads the system copy now and removes from our export name
 * table every forwarded export it lacks (export_names.c), so that a run-time lookup of one fails as on the
 * system copy.  Windows is left as it was: Microsoft's rules for DllMain advise against loading DLLs there, and
 * our DLLs are not meant to replace Windows' own. */
void wn_forward_attach(HMODULE self);

#endif
