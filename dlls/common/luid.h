/* The LUID Windows gives a network interface, as the system's own iphlpapi reports it. */
#ifndef WN_LUID_H
#define WN_LUID_H

#include <stdint.h>

/* ARPHRD type of an interface nobody has described (an address naming an unknown link). */
#define WN_LUID_TYPE_UNKNOWN 0xffffffffu

/* Loads the system iphlpapi (by full path, from the system directory), so that later calls do not take the
 * loader lock; call it once, outside any lock of ours.  Calling it is optional. */
void wn_luid_init(void);

/* NET_LUID.Value of interface ifindex: the system's ConvertInterfaceIndexToLuid while it answers (the interface
 * still exists), else Wine's rule from the Linux hardware type (wn_luid_wine_rule). */
uint64_t wn_luid_for_index(uint32_t ifindex, uint32_t arphrd_type);

/* Wine's rule (nsiproxy.sys, checked on Wine 8.0): NetLuidIndex is the Linux index and IfType comes from the
 * ARPHRD type; Reserved is 0. */
uint64_t wn_luid_wine_rule(uint32_t ifindex, uint32_t arphrd_type);

#endif
