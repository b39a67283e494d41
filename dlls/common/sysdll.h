/* The system's own copy of a DLL, loaded by full path. */
#ifndef WN_SYSDLL_H
#define WN_SYSDLL_H

#include <windows.h>

/* Loads <system directory>\name (the WoW64 directory for a 32-bit process on 64-bit Windows).  Under Wine (checked
 * on Wine 8) and on Windows a full path gives the system implementation as a second module beside ours with the
 * same base name; the bare name, which the loader matches against modules already loaded, would give back ours.
 * When that path is this very module (installed over the system copy by winenotify-setup), the copy setup kept
 * is loaded instead.  Under Wine the system copy's base name is then hidden from lookups by name (ldr.c), so that
 * they keep finding ours; it must never be freed.  Returns NULL, with a trace saying why, when none can be
 * loaded. */
HMODULE wn_load_system_dll(const char *name);

/* Where winenotify-setup keeps the system copies it replaced, under the system directory: a prefix installed
 * with it has ours as <system directory>\name and Wine's as <system directory>\winenotify\name. */
#define WN_SYSDLL_KEPT_DIR L"winenotify"

#endif
