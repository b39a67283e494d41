/* Traces from our DLLs.
 *
 * Under Wine they go through Wine's own debug channels (ntdll's __wine_dbg_* exports), so the user switches
 * them with WINEDEBUG=+winenotify like any Wine channel and sees them interleaved with Wine's.  On Windows they
 * go to OutputDebugString, switched by the same WINEDEBUG variable.  FIXME and ERR are on by default, as in
 * Wine; WINEDEBUG=-all silences everything. */
#ifndef WN_DEBUG_H
#define WN_DEBUG_H

#include <windows.h>

enum wn_debug_class { WN_DBG_FIXME, WN_DBG_ERR, WN_DBG_WARN, WN_DBG_TRACE };

BOOL wn_debug_on(enum wn_debug_class cls);
void wn_debug_log(enum wn_debug_class cls, const char *function, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

#define WN_LOG_(cls, ...) \
    do { if (wn_debug_on(cls)) wn_debug_log(cls, __func__, __VA_ARGS__); } while (0)
#define TRACE(...) WN_LOG_(WN_DBG_TRACE, __VA_ARGS__)
#define WARN(...)  WN_LOG_(WN_DBG_WARN, __VA_ARGS__)
#define FIXME(...) WN_LOG_(WN_DBG_FIXME, __VA_ARGS__)
#define ERR(...)   WN_LOG_(WN_DBG_ERR, __VA_ARGS__)

/* TRUE the first time `key` is asked for in this process, by either of our DLLs (a named event per process
 * marks it).  An error the user must act on (no helper, no loopback) is said once, not once per DLL or retry. */
BOOL wn_debug_first(const char *key);
#define ERR_ONCE(key, ...) \
    do { if (wn_debug_on(WN_DBG_ERR) && wn_debug_first(key)) wn_debug_log(WN_DBG_ERR, __func__, __VA_ARGS__); } while (0)

/* The classes that are on, as a bit mask of enum wn_debug_class (for the helper: its --debug argument). */
unsigned int wn_debug_mask(void);

/* True when running under Wine (ntdll exports wine_get_version). */
BOOL wn_running_on_wine(void);

#endif
