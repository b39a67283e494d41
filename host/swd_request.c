/* Software-device requests: validation and the shared directory's entries (see swd_request.h). */
#include <stdio.h>
#include <string.h>

#include "swd_request.h"

/* Characters Windows allows in a device ID: printable ASCII but for the separator '\' and ','. */
static int id_char(char c)
{
    return c > 0x20 && c < 0x7f && c != '\\' && c != ',';
}

/* The string in a field: terminated (wire.c checked), within max characters, of ID characters only.  Returns
 * its length, or -1. */
static int id_string(const char *s, size_t max)
{
    size_t len = strlen(s), i;

    if (len > max) return -1;
    for (i = 0; i < len; i++)
        if (!id_char(s[i])) return -1;
    return (int)len;
}

static int all_zero(const void *p, size_t len)
{
    const uint8_t *b = p;

    while (len--)
        if (*b++) return 0;
    return 1;
}

/* Bytes after the string's NUL must be zero: one value has one encoding, and nothing rides along unchecked. */
static int clean_field(const char *field, size_t size)
{
    size_t len = strlen(field);
    return all_zero(field + len, size - len);
}

/* A '|'-separated list of IDs, or an instance ID ('\\' separated): ID characters only, no empty item. */
static int id_list(const char *s, char separator)
{
    const char *p;

    if (!*s) return 1;
    if (*s == separator || s[strlen(s) - 1] == separator) return 0;
    for (p = s; *p; p++)
        if (!id_char(*p) && *p != separator) return 0;
        else if (*p == separator && p[1] == separator) return 0;
    return 1;
}

/* The description: UTF-8 as the DLL sent it; control characters would reach every process's listings. */
static int description_ok(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return 0;
    return 1;
}

uint32_t swd_request_check(uint16_t type, uint16_t op, const struct wn_wire_sw *sw)
{
    int enum_len, inst_len, ref_len;

    if (!clean_field(sw->enumerator, sizeof(sw->enumerator)) || !clean_field(sw->instance, sizeof(sw->instance))
        || !clean_field(sw->refstring, sizeof(sw->refstring))
        || !clean_field(sw->description, sizeof(sw->description))
        || !clean_field(sw->hardware_ids, sizeof(sw->hardware_ids))
        || !clean_field(sw->compatible_ids, sizeof(sw->compatible_ids))
        || !clean_field(sw->parent, sizeof(sw->parent)))
        return WN_RESULT_INVALID;
    if (!description_ok(sw->description) || !id_list(sw->hardware_ids, '|') || !id_list(sw->compatible_ids, '|')
        || !id_list(sw->parent, '\\'))
        return WN_RESULT_INVALID;
    if (type != WN_WIRE_SW_CREATE
        && (sw->description[0] || sw->hardware_ids[0] || sw->compatible_ids[0] || sw->parent[0]))
        return WN_RESULT_INVALID;
    enum_len = id_string(sw->enumerator, sizeof(sw->enumerator) - 1);
    inst_len = id_string(sw->instance, sizeof(sw->instance) - 1);
    ref_len = id_string(sw->refstring, sizeof(sw->refstring) - 1);
    if (enum_len <= 0 || inst_len <= 0 || ref_len < 0) return WN_RESULT_INVALID;
    /* "SWD\" enumerator "\" instance and the NUL. */
    if (4 + enum_len + 1 + inst_len + 1 > WN_SW_MAX_DEVICE_ID) return WN_RESULT_INVALID;

    switch (type)
    {
    case WN_WIRE_SW_CREATE:
    case WN_WIRE_SW_CLOSE:
        if (op != (type == WN_WIRE_SW_CREATE ? WN_WIRE_OP_ADD : WN_WIRE_OP_DEL)) return WN_RESULT_INVALID;
        if (ref_len || !all_zero(sw->guid, sizeof(sw->guid))) return WN_RESULT_INVALID;
        return WN_RESULT_OK;
    case WN_WIRE_SW_INTERFACE:
        if (op != WN_WIRE_OP_ADD && op != WN_WIRE_OP_DEL) return WN_RESULT_INVALID;
        if (all_zero(sw->guid, sizeof(sw->guid))) return WN_RESULT_INVALID;
        /* enumerator \ instance \ {guid} [\ refstring] */
        if (enum_len + 1 + inst_len + 1 + (SWD_GUID_TEXT - 1) + (ref_len ? 1 + ref_len : 0) > 250)
            return WN_RESULT_INVALID;
        return WN_RESULT_OK;
    }
    return WN_RESULT_INVALID;
}

void swd_guid_text(const uint8_t g[16], char text[SWD_GUID_TEXT])
{
    /* A Windows GUID in memory: Data1-3 little-endian, Data4 as bytes. */
    snprintf(text, SWD_GUID_TEXT, "{%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
             g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

/* Appends s to the file name, folded and with '/' as ','.  Returns 0 or -1 when it does not fit. */
static int name_add(char *name, size_t *len, const char *s)
{
    for (; *s; s++)
    {
        char c = *s;

        if (*len + 1 >= SWD_NAME_MAX) return -1;
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        else if (c == '/') c = ',';
        name[(*len)++] = c;
    }
    name[*len] = 0;
    return 0;
}

/* Appends one "KEY=VALUE" and its NUL; returns 0 or -1 when it does not fit. */
static int prop_add(char *props, size_t *len, const char *key, const char *value)
{
    int n = snprintf(props + *len, SWD_PROPS_MAX - *len, "%s=%s", key, value);

    if (n < 0 || (size_t)n + 1 > SWD_PROPS_MAX - *len) return -1;
    *len += (size_t)n + 1;
    return 0;
}

size_t swd_entry(uint16_t type, const struct wn_wire_sw *sw, char name[SWD_NAME_MAX], char props[SWD_PROPS_MAX])
{
    char devpath[SWD_PROPS_MAX], instance_id[SWD_PROPS_MAX], guid[SWD_GUID_TEXT];
    const char *ref = sw->refstring;
    size_t name_len = 1, len = 0;

    name[0] = type == WN_WIRE_SW_INTERFACE ? 'I' : 'D';
    name[1] = 0;
    if (name_add(name, &name_len, sw->enumerator) || name_add(name, &name_len, "\\")
        || name_add(name, &name_len, sw->instance))
        return 0;
    snprintf(instance_id, sizeof(instance_id), "SWD\\%s\\%s", sw->enumerator, sw->instance);
    if (type != WN_WIRE_SW_INTERFACE)
    {
        snprintf(devpath, sizeof(devpath), "/winenotify/swd/%s/%s", sw->enumerator, sw->instance);
        if (prop_add(props, &len, "DEVPATH", devpath)
            || prop_add(props, &len, "SUBSYSTEM", "winenotify_swd")
            || prop_add(props, &len, "WN_INSTANCE_ID", instance_id)
            || (sw->description[0] && prop_add(props, &len, "WN_DESCRIPTION", sw->description))
            || (sw->hardware_ids[0] && prop_add(props, &len, "WN_HARDWARE_IDS", sw->hardware_ids))
            || (sw->compatible_ids[0] && prop_add(props, &len, "WN_COMPATIBLE_IDS", sw->compatible_ids))
            || (sw->parent[0] && prop_add(props, &len, "WN_PARENT", sw->parent)))
            return 0;
        return len;
    }
    swd_guid_text(sw->guid, guid);
    if (name_add(name, &name_len, "\\") || name_add(name, &name_len, guid)
        || (*ref && (name_add(name, &name_len, "\\") || name_add(name, &name_len, ref))))
        return 0;
    if (snprintf(devpath, sizeof(devpath), "/winenotify/swd/%s/%s/%s%s%s", sw->enumerator, sw->instance, guid,
                 *ref ? "/" : "", ref) >= (int)sizeof(devpath))
        return 0;
    if (prop_add(props, &len, "DEVPATH", devpath)
        || prop_add(props, &len, "SUBSYSTEM", "winenotify_swd_interface")
        || prop_add(props, &len, "WN_INSTANCE_ID", instance_id)
        || prop_add(props, &len, "WN_CLASS_GUID", guid)
        || (*ref && prop_add(props, &len, "WN_REFSTRING", ref)))
        return 0;
    return len;
}

int swd_interface_prefix(const char *device_name, char prefix[SWD_NAME_MAX])
{
    size_t len = strlen(device_name);

    if (device_name[0] != 'D' || len + 2 > SWD_NAME_MAX) return -1;
    prefix[0] = 'I';
    memcpy(prefix + 1, device_name + 1, len - 1);
    prefix[len] = '\\';
    prefix[len + 1] = 0;
    return 0;
}
