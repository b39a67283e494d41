/* Instance filters hear Wine's own devices too, made from Wine's interface events (see wine_instances.c). */
#ifndef WN_CFGMGR32_WINE_INSTANCES_H
#define WN_CFGMGR32_WINE_INSTANCES_H

#include "dispatch.h"
#include "winenotify/cfgmgr32_notify.h"

/* Posts an instance event of Wine's device to reg (from sechost's thread, under the bridge's lock). */
typedef void (*wn_wine_instance_post_fn)(struct wn_reg *reg, CM_NOTIFY_ACTION action, const WCHAR *instance_id);

/* For an instance filter under Wine: Wine's interface events of every class are followed for reg (through
 * wn_wine_devices_attach), and each device of Wine's arriving or leaving is posted as Windows tells it
 * (ENUMERATED then STARTED once per device, REMOVED when its last interface goes), for the instances the filter
 * wants.  CR_SUCCESS when the system gives such events; else its answer (CR_CALL_NOT_IMPLEMENTED where Wine has no
 * source), and reg hears only ours, as before. */
CONFIGRET wn_wine_instances_attach(struct wn_reg *reg, const CM_NOTIFY_FILTER *filter, wn_wine_instance_post_fn post);

/* Frees what wn_wine_instances_attach kept for reg; call after wn_wine_devices_detach(reg) (no event comes then). */
void wn_wine_instances_detach(struct wn_reg *reg);

#endif
