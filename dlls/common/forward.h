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

#endif
