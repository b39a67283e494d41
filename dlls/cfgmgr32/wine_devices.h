/* Wine's own device events in our registrations, and which host devices Wine models (see wine_devices.c). */
#ifndef WN_CFGMGR32_WINE_DEVICES_H
#define WN_CFGMGR32_WINE_DEVICES_H

#include "devmodel.h"
#include "dispatch.h"

/* Posts an event of Wine's to reg (called under the bridge's lock, from sechost's thread): data is the system's
 * event data, size bytes, checked to be whole (an interface event's link is terminated within size). */
typedef void (*wn_wine_post_fn)(struct wn_reg *reg, CM_NOTIFY_ACTION action, const CM_NOTIFY_EVENT_DATA *data,
                                DWORD size);

/* For an interface or handle filter under Wine: the system's CM_Register_Notification is given the filter, and
 * its events are posted to reg until wn_wine_devices_detach.  CR_SUCCESS when it gave a registration; else
 * CR_CALL_NOT_IMPLEMENTED when there is no such source (not Wine, no CM_Register_Notification in the system's
 * cfgmgr32, an instance filter), or the system's own answer. */
CONFIGRET wn_wine_devices_attach(struct wn_reg *reg, const CM_NOTIFY_FILTER *filter, wn_wine_post_fn post);

/* Ends it: no post reaches reg after this returns (a late event of Wine's is dropped).  Any thread, no lock. */
void wn_wine_devices_detach(struct wn_reg *reg);

/* wn_wine_devices_models(), which decides whether Wine models a host device itself, is declared in devmodel.h:
 * the device model asks it for the notifications, the queries and the publication alike. */

/* Under Wine: keeps HKLM\HARDWARE\DEVICEMAP\SERIALCOMM in step with the serial ports of the view (a value per
 * port Wine did not map itself), before any registration hears of them.  Call before the first registration's
 * subscription. */
void wn_wine_devices_start_ports(void);

/* For the publication of a port's device node (Enum\<instance>\Device Parameters): writes PortName = "COMn", the
 * name the helper gave the port (its record's WN_PORT_NAME), into that key.  ERROR_NOT_FOUND when the record is no
 * usable port with a name; else RegSetValueExW's result. */
LSTATUS wn_wine_devices_write_port_name(HKEY device_parameters, const char *props, size_t props_len);

#endif
