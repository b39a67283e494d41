/* The loader's own records of the modules of this process (the PEB's loader data), where Wine answers a lookup
 * of a DLL by its base name.  See ldr.c for why we touch them and why that is safe. */
#ifndef WN_LDR_H
#define WN_LDR_H

#include <windows.h>

/* The loader lock (LdrLockLoaderLock), which every load and every lookup by name also takes; it is recursive, so
 * the holder may load DLLs.  Returns the cookie for wn_ldr_unlock(), 0 when it could not be taken. */
ULONG_PTR wn_ldr_lock(void);
void wn_ldr_unlock(ULONG_PTR cookie);

/* Under Wine, with the loader lock held: renames the base name in the loader's record of `module` (a system copy
 * we loaded by full path beside our own module of the same name) so that no lookup by base name matches it any
 * more; its full name, handle and exports stay as they were.  The module must never be freed afterwards.  TRUE
 * when renamed now or before. */
BOOL wn_ldr_hide_base_name(HMODULE module);

#endif
