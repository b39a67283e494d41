/* Our export directory's name table, made to match what the system copy exports (see export_names.c). */
#ifndef WN_EXPORT_NAMES_H
#define WN_EXPORT_NAMES_H

#include <windows.h>

/* Removes from `self`'s export name table each of the `count` forwarded names (sorted as strcmp sorts) that
 * `system`'s export name table lacks, so that GetProcAddress by such a name fails as it does on the system copy.
 * Call it only while no other thread can look up names in `self` (its DllMain, under the loader lock).  Returns
 * how many names were removed. */
unsigned int wn_export_names_hide_absent(HMODULE self, HMODULE system, const char *const *forwarded,
                                         unsigned int count);

#endif
