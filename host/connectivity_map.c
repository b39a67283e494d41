/* The host's connectivity services' D-Bus properties in Windows' terms (see connectivity_map.h). */
#include <string.h>

#include "connectivity_map.h"

/* Walks an a{sv}, calling fn for each entry with its name and the iterator on the variant's content.  Returns
 * the OR of fn's results (1 when a property changed), or -1 when iter is not an a{sv}. */
static int walk_dict(DBusMessageIter *dict, void *props, int (*fn)(void *props, const char *name, DBusMessageIter *value))
{
    DBusMessageIter entries, entry, variant;
    int changed = 0;

    if (dbus_message_iter_get_arg_type(dict) != DBUS_TYPE_ARRAY
        || dbus_message_iter_get_element_type(dict) != DBUS_TYPE_DICT_ENTRY) return -1;
    dbus_message_iter_recurse(dict, &entries);
    while (dbus_message_iter_get_arg_type(&entries) == DBUS_TYPE_DICT_ENTRY)
    {
        const char *name;

        dbus_message_iter_recurse(&entries, &entry);
        if (dbus_message_iter_get_arg_type(&entry) != DBUS_TYPE_STRING) return -1;
        dbus_message_iter_get_basic(&entry, &name);
        if (!dbus_message_iter_next(&entry) || dbus_message_iter_get_arg_type(&entry) != DBUS_TYPE_VARIANT) return -1;
        dbus_message_iter_recurse(&entry, &variant);
        changed |= fn(props, name, &variant);
        dbus_message_iter_next(&entries);
    }
    return changed;
}

/* Stores a uint32 property; 1 if it changed. */
static int take_u32(DBusMessageIter *value, uint32_t *dst, int *have)
{
    dbus_uint32_t v;

    if (dbus_message_iter_get_arg_type(value) != DBUS_TYPE_UINT32) return 0;
    dbus_message_iter_get_basic(value, &v);
    if (*have && *dst == v) return 0;
    *dst = v;
    *have = 1;
    return 1;
}

static int take_bool(DBusMessageIter *value, dbus_bool_t *dst, int *have)
{
    dbus_bool_t v;

    if (dbus_message_iter_get_arg_type(value) != DBUS_TYPE_BOOLEAN) return 0;
    dbus_message_iter_get_basic(value, &v);
    v = !!v;
    if (*have && *dst == v) return 0;
    *dst = v;
    *have = 1;
    return 1;
}

/* A state name; one too long for any state a service documents is kept as "" (unknown). */
static int take_state(DBusMessageIter *value, char dst[CMAP_STATE_LEN])
{
    const char *v;
    char copy[CMAP_STATE_LEN] = "";

    if (dbus_message_iter_get_arg_type(value) != DBUS_TYPE_STRING) return 0;
    dbus_message_iter_get_basic(value, &v);
    if (strlen(v) < CMAP_STATE_LEN) strcpy(copy, v);
    if (!strcmp(dst, copy)) return 0;
    memcpy(dst, copy, CMAP_STATE_LEN);
    return 1;
}

static int nm_property(void *p, const char *name, DBusMessageIter *value)
{
    struct cmap_nm *props = p;

    if (!strcmp(name, "Connectivity")) return take_u32(value, &props->connectivity, &props->have_connectivity);
    if (!strcmp(name, "Metered")) return take_u32(value, &props->metered, &props->have_metered);
    return 0;
}

static int networkd_property(void *p, const char *name, DBusMessageIter *value)
{
    struct cmap_networkd *props = p;

    if (!strcmp(name, "OperationalState")) return take_state(value, props->operational);
    if (!strcmp(name, "OnlineState")) return take_state(value, props->online);
    return 0;
}

static int portal_property(void *p, const char *name, DBusMessageIter *value)
{
    struct cmap_portal *props = p;

    if (!strcmp(name, "connectivity")) return take_u32(value, &props->connectivity, &props->have_connectivity);
    if (!strcmp(name, "available")) return take_bool(value, &props->available, &props->have_available);
    if (!strcmp(name, "metered")) return take_bool(value, &props->metered, &props->have_metered);
    return 0;
}

int cmap_nm_update(struct cmap_nm *props, DBusMessageIter *dict)
{
    return walk_dict(dict, props, nm_property);
}

int cmap_networkd_update(struct cmap_networkd *props, DBusMessageIter *dict)
{
    return walk_dict(dict, props, networkd_property);
}

int cmap_portal_update(struct cmap_portal *props, DBusMessageIter *dict)
{
    return walk_dict(dict, props, portal_property);
}

static int names_any(DBusMessageIter *names, const char *const *ours)
{
    DBusMessageIter it;
    unsigned int i;

    if (dbus_message_iter_get_arg_type(names) != DBUS_TYPE_ARRAY
        || dbus_message_iter_get_element_type(names) != DBUS_TYPE_STRING) return 0;
    dbus_message_iter_recurse(names, &it);
    while (dbus_message_iter_get_arg_type(&it) == DBUS_TYPE_STRING)
    {
        const char *name;

        dbus_message_iter_get_basic(&it, &name);
        for (i = 0; ours[i]; i++)
            if (!strcmp(name, ours[i])) return 1;
        dbus_message_iter_next(&it);
    }
    return 0;
}

int cmap_nm_invalidated(DBusMessageIter *names)
{
    static const char *const ours[] = { "Connectivity", "Metered", NULL };
    return names_any(names, ours);
}

int cmap_networkd_invalidated(DBusMessageIter *names)
{
    static const char *const ours[] = { "OperationalState", "OnlineState", NULL };
    return names_any(names, ours);
}

static void hint_init(struct wn_wire_hint *hint, uint8_t source)
{
    memset(hint, 0, sizeof(*hint));
    hint->source = source;
}

void cmap_nm_hint(const struct cmap_nm *props, struct wn_wire_hint *hint)
{
    hint_init(hint, WN_HINT_SOURCE_NETWORKMANAGER);
    if (props->have_connectivity)
    {
        switch (props->connectivity)
        {
        case 1: hint->level = WN_HINT_LEVEL_NONE; break;
        /* A captive portal: Windows' ConstrainedInternetAccess is exactly that. */
        case 2: hint->level = WN_HINT_LEVEL_CONSTRAINED; break;
        /* Connected, but the check's server is out of reach: a network without the internet. */
        case 3: hint->level = WN_HINT_LEVEL_LOCAL; break;
        case 4: hint->level = WN_HINT_LEVEL_INTERNET; break;
        default: hint->level = WN_HINT_LEVEL_UNKNOWN; break;
        }
    }
    /* NetworkManager says only "metered" (a limit of some kind, known or guessed from the device: a phone's
     * hotspot, a modem).  Windows' Fixed is "unrestricted up to a data limit", Variable "charged per byte", which
     * no Linux service says; so metered is Fixed and not metered Unrestricted. */
    if (props->have_metered)
    {
        switch (props->metered)
        {
        case 1: case 3: hint->cost = WN_HINT_COST_FIXED; break;
        case 2: case 4: hint->cost = WN_HINT_COST_UNRESTRICTED; break;
        default: hint->cost = WN_HINT_COST_UNKNOWN; break;
        }
    }
}

void cmap_networkd_hint(const struct cmap_networkd *props, struct wn_wire_hint *hint)
{
    static const struct { const char *state; uint8_t level; } operational[] =
    {
        { "routable", WN_HINT_LEVEL_INTERNET },
        { "degraded", WN_HINT_LEVEL_LOCAL },         /* only link-local or host-scope addresses */
        { "carrier", WN_HINT_LEVEL_NONE },           /* links up, no address */
        { "degraded-carrier", WN_HINT_LEVEL_NONE },
        { "dormant", WN_HINT_LEVEL_NONE },
        { "no-carrier", WN_HINT_LEVEL_NONE },
        { "off", WN_HINT_LEVEL_NONE },
        /* "enslaved" (a bond's or bridge's port) says nothing about the host: Unknown. */
    };
    unsigned int i;

    hint_init(hint, WN_HINT_SOURCE_NETWORKD);
    for (i = 0; i < sizeof(operational) / sizeof(operational[0]); i++)
        if (!strcmp(props->operational, operational[i].state)) hint->level = operational[i].level;
    /* Its verdict over the links required for being online, where it has one (systemd 249 and later). */
    if (!strcmp(props->online, "offline")) hint->level = WN_HINT_LEVEL_NONE;
    /* No metered notion in networkd: the cost stays Unknown. */
}

void cmap_portal_hint(const struct cmap_portal *props, struct wn_wire_hint *hint)
{
    hint_init(hint, WN_HINT_SOURCE_PORTAL);
    if (props->have_connectivity)
    {
        switch (props->connectivity)
        {
        case 1: hint->level = WN_HINT_LEVEL_LOCAL; break;        /* no default route */
        case 2: hint->level = WN_HINT_LEVEL_LOCAL; break;        /* a default route, the internet unreachable */
        case 3: hint->level = WN_HINT_LEVEL_CONSTRAINED; break;  /* captive portal */
        case 4: hint->level = WN_HINT_LEVEL_INTERNET; break;
        default: hint->level = WN_HINT_LEVEL_UNKNOWN; break;
        }
    }
    if (props->have_metered) hint->cost = props->metered ? WN_HINT_COST_FIXED : WN_HINT_COST_UNRESTRICTED;
}
