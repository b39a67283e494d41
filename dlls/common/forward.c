/* Run-time forwarding of every export we do not implement to the system's own DLL.
 *
 * specgen emits, per forwarded export, a stub that jumps through a slot; the slot starts at a resolver entry
 * that calls wn_forward_resolve() with the export's index, so each export is looked up in the system DLL only when
 * a program first calls it.  The system DLL itself is loaded (by full path, see sysdll.h) when our DLL attaches
 * under Wine, to hide the exports it lacks (wn_forward_attach), and otherwise on the first forwarded call. */
#include <windows.h>

#include "debug.h"
#include "export_names.h"
#include "forward.h"
#include "sysdll.h"

/* Emitted by specgen into <dll>_thunks.S. */
extern void *wn_fwd_slots[];
extern void *const wn_fwd_missing[];
extern const char *const wn_fwd_names[];
extern const unsigned int wn_fwd_count;
extern const char wn_fwd_dll[];
extern volatile LONG wn_fwd_reported[];

static INIT_ONCE load_once = INIT_ONCE_STATIC_INIT;
static HMODULE system_module;

static BOOL CALLBACK load_system_module(INIT_ONCE *once, void *param, void **context)
{
    (void)once; (void)param; (void)context;
    if (!(system_module = wn_load_system_dll(wn_fwd_dll)))
        ERR("forwarded functions of %s answer not-supported\n", wn_fwd_dll);
    return TRUE;
}

HMODULE wn_forward_system_module(void)
{
    InitOnceExecuteOnce(&load_once, load_system_module, NULL, NULL);
    return system_module;
}

void *wn_forward_lookup(const char *name)
{
    HMODULE module = wn_forward_system_module();
    return module ? (void *)GetProcAddress(module, name) : NULL;
}

void * WINAPI wn_forward_resolve(unsigned int index)
{
    DWORD saved_error = GetLastError();
    void *proc;

    if (index >= wn_fwd_count) return wn_fwd_missing[0]; /* cannot happen: indices are generated */
    if ((proc = wn_forward_lookup(wn_fwd_names[index])))
    {
        TRACE("%s -> %p\n", wn_fwd_names[index], proc);
        InterlockedExchangePointer(&wn_fwd_slots[index], proc);
        SetLastError(saved_error);
        return proc;
    }

    /* The slot keeps pointing here, so every call of a missing export comes back and sets the error; the
     * message is given once per export. */
    if (!InterlockedExchange(&wn_fwd_reported[index], 1))
        FIXME("%s is not in the system %s: answering not-supported\n", wn_fwd_names[index], wn_fwd_dll);
    SetLastError(ERROR_NOT_SUPPORTED);
    return wn_fwd_missing[index];
}

void wn_forward_attach(HMODULE self)
{
    HMODULE module;
    unsigned int hidden;

    if (!wn_running_on_wine()) return;
    if (!(module = wn_forward_system_module())) return;
    hidden = wn_export_names_hide_absent(self, module, wn_fwd_names, wn_fwd_count);
    TRACE("%u of %u forwarded exports are not in the system %s: hidden from run-time lookups\n", hidden,
          wn_fwd_count, wn_fwd_dll);
}
