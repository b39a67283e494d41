/* Software-device requests (WN_WIRE_SW_*) checked against the rules in wire.h, and the entries they make in the
 * shared directory (host/swd.c): pure functions, tested natively. */
#ifndef WN_HOST_SWD_REQUEST_H
#define WN_HOST_SWD_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "winenotify/wire.h"

/* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" and its NUL. */
#define SWD_GUID_TEXT 39
/* An entry's file name: at most NAME_MAX (255) bytes and its NUL. */
#define SWD_NAME_MAX 256
/* An entry's properties (DEVPATH and the rest), well within a wire record. */
#define SWD_PROPS_MAX 2048

/* WN_RESULT_OK when the request follows the rules of wire.h, else WN_RESULT_INVALID. */
uint32_t swd_request_check(uint16_t type, uint16_t op, const struct wn_wire_sw *sw);

/* The GUID in Windows' text form, lower case. */
void swd_guid_text(const uint8_t guid[16], char text[SWD_GUID_TEXT]);

/* An entry of the shared directory for a checked request: the device's (type WN_WIRE_SW_CREATE or
 * WN_WIRE_SW_CLOSE) or the interface's (WN_WIRE_SW_INTERFACE).  The file name folds ASCII case (IDs compare
 * without it, so two spellings are one entry) and stands for '/' with ',' (which IDs cannot hold); it starts with
 * 'D' for a device and 'I' for an interface, and an interface's name starts with its device's key (see
 * swd_interface_prefix).  props gets the DEVICE record's "KEY=VALUE\0..." block of wire.h with the original
 * case.  Returns the length of props, or 0 when a name or the properties would not fit. */
size_t swd_entry(uint16_t type, const struct wn_wire_sw *sw, char name[SWD_NAME_MAX], char props[SWD_PROPS_MAX]);

/* The prefix shared by the names of a device's interfaces, from the device's name ('D...').  Returns 0 or -1
 * when name is not a device's. */
int swd_interface_prefix(const char *device_name, char prefix[SWD_NAME_MAX]);

#endif
