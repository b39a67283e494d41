/* The system's own copy of a DLL, loaded by full path. */
#ifndef WN_SYSDLL_H
#define WN_SYSDLL_H

#include <windows.h>

/* Loads <system directory>\name (the WoW64 directory for a 32-bit process on 64-bit Windows).  Under Wine (checked
 * on Wine 8) and on Windows a full path gives the system implementation as a second module beside ours with the
 * same base name; the bare name, which the loader matches against modules already loaded, would give back ours.
 * Returns NULL, with a trace saying why, when it cannot be loaded or when it is this very module (our DLL
 * installed over the system copy). */
HMODULE wn_load_system_dll(const char *name);

#endif
