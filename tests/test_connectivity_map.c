/* The host's connectivity services' D-Bus properties in Windows' terms (host/connectivity_map.c).
 *
 * The property sets are built as each service sends them: a GetAll reply's a{sv} with the service's other
 * properties around ours (names and types from NetworkManager's, systemd-networkd's and the portal's D-Bus
 * references; values of a desktop on a wired network), and PropertiesChanged's (s, a{sv}, as).  No such service
 * runs on the build machine to record from, so the messages are made with libdbus and then marshalled and
 * demarshalled, as a bus would carry them. */
#include <string.h>

#include <dbus/dbus.h>

#include "connectivity_map.h"
#include "unit.h"

enum { END, U32, BOOL, STR, OBJ_ARRAY, U32_ARRAY };

struct prop
{
    int kind;
    const char *name;
    dbus_uint32_t u;
    const char *s;
};

static void append_variant(DBusMessageIter *entry, const struct prop *p)
{
    static const char *const paths[] = { "/org/freedesktop/NetworkManager/Devices/1",
                                         "/org/freedesktop/NetworkManager/Devices/2" };
    DBusMessageIter variant, array;
    dbus_bool_t b = p->u != 0;
    unsigned int i;

    switch (p->kind)
    {
    case U32:
        dbus_message_iter_open_container(entry, DBUS_TYPE_VARIANT, "u", &variant);
        dbus_message_iter_append_basic(&variant, DBUS_TYPE_UINT32, &p->u);
        break;
    case BOOL:
        dbus_message_iter_open_container(entry, DBUS_TYPE_VARIANT, "b", &variant);
        dbus_message_iter_append_basic(&variant, DBUS_TYPE_BOOLEAN, &b);
        break;
    case STR:
        dbus_message_iter_open_container(entry, DBUS_TYPE_VARIANT, "s", &variant);
        dbus_message_iter_append_basic(&variant, DBUS_TYPE_STRING, &p->s);
        break;
    case OBJ_ARRAY:
        dbus_message_iter_open_container(entry, DBUS_TYPE_VARIANT, "ao", &variant);
        dbus_message_iter_open_container(&variant, DBUS_TYPE_ARRAY, "o", &array);
        for (i = 0; i < 2; i++) dbus_message_iter_append_basic(&array, DBUS_TYPE_OBJECT_PATH, &paths[i]);
        dbus_message_iter_close_container(&variant, &array);
        break;
    default:
        dbus_message_iter_open_container(entry, DBUS_TYPE_VARIANT, "au", &variant);
        dbus_message_iter_open_container(&variant, DBUS_TYPE_ARRAY, "u", &array);
        dbus_message_iter_append_basic(&array, DBUS_TYPE_UINT32, &p->u);
        dbus_message_iter_close_container(&variant, &array);
        break;
    }
    dbus_message_iter_close_container(entry, &variant);
}

static void append_dict(DBusMessageIter *it, const struct prop *props)
{
    DBusMessageIter dict, entry;

    dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "{sv}", &dict);
    for (; props->kind != END; props++)
    {
        dbus_message_iter_open_container(&dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry);
        dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &props->name);
        append_variant(&entry, props);
        dbus_message_iter_close_container(&dict, &entry);
    }
    dbus_message_iter_close_container(it, &dict);
}

/* Through the wire format and back, as a bus delivers it. */
static DBusMessage *carried(DBusMessage *msg)
{
    DBusMessage *copy;
    DBusError err;
    char *bytes;
    int len;

    dbus_message_set_serial(msg, 7);
    CU_ASSERT_FATAL(dbus_message_marshal(msg, &bytes, &len));
    dbus_error_init(&err);
    copy = dbus_message_demarshal(bytes, len, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
    dbus_free(bytes);
    dbus_message_unref(msg);
    return copy;
}

/* A GetAll reply carrying props. */
static DBusMessage *get_all_reply(const struct prop *props)
{
    DBusMessage *msg = dbus_message_new(DBUS_MESSAGE_TYPE_METHOD_RETURN);
    DBusMessageIter it;

    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    dbus_message_set_reply_serial(msg, 3);
    dbus_message_iter_init_append(msg, &it);
    append_dict(&it, props);
    return carried(msg);
}

/* NetworkManager's GetAll of org.freedesktop.NetworkManager on a wired desktop, in its order. */
static const struct prop nm_all[] =
{
    { OBJ_ARRAY, "Devices", 0, NULL },
    { OBJ_ARRAY, "AllDevices", 0, NULL },
    { OBJ_ARRAY, "Checkpoints", 0, NULL },
    { BOOL, "NetworkingEnabled", 1, NULL },
    { BOOL, "WirelessEnabled", 1, NULL },
    { BOOL, "WirelessHardwareEnabled", 1, NULL },
    { BOOL, "WwanEnabled", 1, NULL },
    { BOOL, "WwanHardwareEnabled", 1, NULL },
    { BOOL, "WimaxEnabled", 0, NULL },
    { BOOL, "WimaxHardwareEnabled", 0, NULL },
    { U32, "RadioFlags", 3, NULL },
    { OBJ_ARRAY, "ActiveConnections", 0, NULL },
    { STR, "PrimaryConnection", 0, "/org/freedesktop/NetworkManager/ActiveConnection/1" },
    { STR, "PrimaryConnectionType", 0, "802-3-ethernet" },
    { U32, "Metered", 4, NULL },                 /* GUESS_NO */
    { STR, "ActivatingConnection", 0, "/" },
    { BOOL, "Startup", 0, NULL },
    { STR, "Version", 0, "1.42.4" },
    { U32_ARRAY, "Capabilities", 1, NULL },
    { U32, "State", 70, NULL },                  /* CONNECTED_GLOBAL */
    { U32, "Connectivity", 4, NULL },            /* FULL */
    { BOOL, "ConnectivityCheckAvailable", 1, NULL },
    { BOOL, "ConnectivityCheckEnabled", 1, NULL },
    { STR, "ConnectivityCheckUri", 0, "http://nmcheck.gnome.org/check_network_status.txt" },
    { END, NULL, 0, NULL },
};

static void test_nm_get_all(void)
{
    DBusMessage *msg = get_all_reply(nm_all);
    struct cmap_nm props;
    struct wn_wire_hint hint;
    DBusMessageIter it;

    memset(&props, 0, sizeof(props));
    CU_ASSERT_FATAL(dbus_message_iter_init(msg, &it));
    CU_ASSERT_EQUAL(cmap_nm_update(&props, &it), 1);
    CU_ASSERT_EQUAL(props.connectivity, 4);
    CU_ASSERT_EQUAL(props.metered, 4);
    cmap_nm_hint(&props, &hint);
    CU_ASSERT_EQUAL(hint.ifindex, 0);
    CU_ASSERT_EQUAL(hint.level, WN_HINT_LEVEL_INTERNET);
    CU_ASSERT_EQUAL(hint.cost, WN_HINT_COST_UNRESTRICTED);
    CU_ASSERT_EQUAL(hint.flags, 0);
    CU_ASSERT_EQUAL(hint.source, WN_HINT_SOURCE_NETWORKMANAGER);
    /* The same set again changes nothing. */
    CU_ASSERT_FATAL(dbus_message_iter_init(msg, &it));
    CU_ASSERT_EQUAL(cmap_nm_update(&props, &it), 0);
    dbus_message_unref(msg);
}

/* PropertiesChanged("org.freedesktop.NetworkManager", changed, invalidated): the iterator on changed, then on
 * invalidated. */
static DBusMessage *properties_changed(const struct prop *changed, const char *invalidated)
{
    DBusMessage *msg = dbus_message_new_signal("/org/freedesktop/NetworkManager", "org.freedesktop.DBus.Properties",
                                               "PropertiesChanged");
    const char *iface = "org.freedesktop.NetworkManager";
    DBusMessageIter it, names;

    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    dbus_message_iter_init_append(msg, &it);
    dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &iface);
    append_dict(&it, changed);
    dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "s", &names);
    if (invalidated) dbus_message_iter_append_basic(&names, DBUS_TYPE_STRING, &invalidated);
    dbus_message_iter_close_container(&it, &names);
    return carried(msg);
}

/* Moves it to changed's dictionary. */
static void at_changed(DBusMessage *msg, DBusMessageIter *it)
{
    CU_ASSERT_FATAL(dbus_message_iter_init(msg, it));
    CU_ASSERT_FATAL(dbus_message_iter_next(it));
}

static void test_nm_changes(void)
{
    static const struct prop to_portal[] = { { U32, "Connectivity", 2, NULL }, { U32, "State", 60, NULL },
                                             { END, NULL, 0, NULL } };
    static const struct prop metered[] = { { U32, "Metered", 1, NULL }, { END, NULL, 0, NULL } };
    static const struct prop unrelated[] = { { U32, "State", 70, NULL },
                                             { STR, "PrimaryConnectionType", 0, "802-11-wireless" },
                                             { END, NULL, 0, NULL } };
    static const struct prop wrong_type[] = { { STR, "Connectivity", 0, "full" }, { END, NULL, 0, NULL } };
    static const struct prop none[] = { { END, NULL, 0, NULL } };
    struct cmap_nm props;
    struct wn_wire_hint hint;
    DBusMessage *msg = get_all_reply(nm_all);
    DBusMessageIter it;

    memset(&props, 0, sizeof(props));
    CU_ASSERT_FATAL(dbus_message_iter_init(msg, &it));
    CU_ASSERT_EQUAL(cmap_nm_update(&props, &it), 1);
    dbus_message_unref(msg);

    msg = properties_changed(to_portal, NULL);
    at_changed(msg, &it);
    CU_ASSERT_EQUAL(cmap_nm_update(&props, &it), 1);
    cmap_nm_hint(&props, &hint);
    CU_ASSERT_EQUAL(hint.level, WN_HINT_LEVEL_CONSTRAINED);
    CU_ASSERT_EQUAL(hint.cost, WN_HINT_COST_UNRESTRICTED);
    CU_ASSERT_TRUE(dbus_message_iter_next(&it));
    CU_ASSERT_FALSE(cmap_nm_invalidated(&it));
    dbus_message_unref(msg);

    msg = properties_changed(metered, NULL);
    at_changed(msg, &it);
    CU_ASSERT_EQUAL(cmap_nm_update(&props, &it), 1);
    cmap_nm_hint(&props, &hint);
    CU_ASSERT_EQUAL(hint.level, WN_HINT_LEVEL_CONSTRAINED);
    CU_ASSERT_EQUAL(hint.cost, WN_HINT_COST_FIXED);
    dbus_message_unref(msg);

    /* Properties we do not read: no change. */
    msg = properties_changed(unrelated, NULL);
    at_changed(msg, &it);
    CU_ASSERT_EQUAL(cmap_nm_update(&props, &it), 0);
    dbus_message_unref(msg);

    /* One of ours with another type than NetworkManager's: as if not sent. */
    msg = properties_changed(wrong_type, NULL);
    at_changed(msg, &it);
    CU_ASSERT_EQUAL(cmap_nm_update(&props, &it), 0);
    CU_ASSERT_EQUAL(props.connectivity, 2);
    dbus_message_unref(msg);

    /* Invalidated instead of sent: the caller must ask again. */
    msg = properties_changed(none, "Connectivity");
    at_changed(msg, &it);
    CU_ASSERT_EQUAL(cmap_nm_update(&props, &it), 0);
    CU_ASSERT_TRUE(dbus_message_iter_next(&it));
    CU_ASSERT_TRUE(cmap_nm_invalidated(&it));
    dbus_message_unref(msg);

    /* Not a dictionary: the interface name where the dictionary should be. */
    msg = properties_changed(none, NULL);
    CU_ASSERT_FATAL(dbus_message_iter_init(msg, &it));
    CU_ASSERT_EQUAL(cmap_nm_update(&props, &it), -1);
    dbus_message_unref(msg);
}

static void test_nm_values(void)
{
    static const struct { uint32_t connectivity; uint8_t level; } levels[] =
    {
        { 0, WN_HINT_LEVEL_UNKNOWN }, { 1, WN_HINT_LEVEL_NONE }, { 2, WN_HINT_LEVEL_CONSTRAINED },
        { 3, WN_HINT_LEVEL_LOCAL }, { 4, WN_HINT_LEVEL_INTERNET }, { 5, WN_HINT_LEVEL_UNKNOWN },
    };
    static const struct { uint32_t metered; uint8_t cost; } costs[] =
    {
        { 0, WN_HINT_COST_UNKNOWN }, { 1, WN_HINT_COST_FIXED }, { 2, WN_HINT_COST_UNRESTRICTED },
        { 3, WN_HINT_COST_FIXED }, { 4, WN_HINT_COST_UNRESTRICTED }, { 9, WN_HINT_COST_UNKNOWN },
    };
    struct cmap_nm props;
    struct wn_wire_hint hint;
    unsigned int i;

    memset(&props, 0, sizeof(props));
    cmap_nm_hint(&props, &hint);
    CU_ASSERT_EQUAL(hint.level, WN_HINT_LEVEL_UNKNOWN);
    CU_ASSERT_EQUAL(hint.cost, WN_HINT_COST_UNKNOWN);
    props.have_connectivity = props.have_metered = 1;
    for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
    {
        props.connectivity = levels[i].connectivity;
        cmap_nm_hint(&props, &hint);
        CU_ASSERT_EQUAL(hint.level, levels[i].level);
    }
    for (i = 0; i < sizeof(costs) / sizeof(costs[0]); i++)
    {
        props.metered = costs[i].metered;
        cmap_nm_hint(&props, &hint);
        CU_ASSERT_EQUAL(hint.cost, costs[i].cost);
    }
}

static void test_networkd(void)
{
    /* org.freedesktop.network1.Manager's GetAll (systemd 252). */
    static const struct prop all[] =
    {
        { STR, "OperationalState", 0, "routable" },
        { STR, "CarrierState", 0, "carrier" },
        { STR, "AddressState", 0, "routable" },
        { STR, "IPv4AddressState", 0, "routable" },
        { STR, "IPv6AddressState", 0, "degraded" },
        { STR, "OnlineState", 0, "online" },
        { U32, "NamespaceId", 4026531840u, NULL },
        { END, NULL, 0, NULL },
    };
    static const struct { const char *operational, *online; uint8_t level; } cases[] =
    {
        { "routable", "online", WN_HINT_LEVEL_INTERNET },
        { "routable", "", WN_HINT_LEVEL_INTERNET },            /* before systemd 249 */
        { "degraded", "partial", WN_HINT_LEVEL_LOCAL },
        { "routable", "offline", WN_HINT_LEVEL_NONE },
        { "no-carrier", "offline", WN_HINT_LEVEL_NONE },
        { "enslaved", "unknown", WN_HINT_LEVEL_UNKNOWN },
        { "", "", WN_HINT_LEVEL_UNKNOWN },
    };
    DBusMessage *msg = get_all_reply(all);
    struct cmap_networkd props;
    struct wn_wire_hint hint;
    DBusMessageIter it;
    unsigned int i;

    memset(&props, 0, sizeof(props));
    CU_ASSERT_FATAL(dbus_message_iter_init(msg, &it));
    CU_ASSERT_EQUAL(cmap_networkd_update(&props, &it), 1);
    CU_ASSERT_STRING_EQUAL(props.operational, "routable");
    CU_ASSERT_STRING_EQUAL(props.online, "online");
    cmap_networkd_hint(&props, &hint);
    CU_ASSERT_EQUAL(hint.level, WN_HINT_LEVEL_INTERNET);
    CU_ASSERT_EQUAL(hint.cost, WN_HINT_COST_UNKNOWN);
    CU_ASSERT_EQUAL(hint.source, WN_HINT_SOURCE_NETWORKD);
    dbus_message_unref(msg);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        strcpy(props.operational, cases[i].operational);
        strcpy(props.online, cases[i].online);
        cmap_networkd_hint(&props, &hint);
        CU_ASSERT_EQUAL(hint.level, cases[i].level);
    }
}

static void test_portal(void)
{
    /* GetStatus' a{sv} (version 3 of the interface). */
    static const struct prop status[] =
    {
        { BOOL, "available", 1, NULL },
        { BOOL, "metered", 1, NULL },
        { U32, "connectivity", 3, NULL },
        { END, NULL, 0, NULL },
    };
    static const struct { uint32_t connectivity; uint8_t level; } levels[] =
    {
        { 1, WN_HINT_LEVEL_LOCAL }, { 2, WN_HINT_LEVEL_LOCAL }, { 3, WN_HINT_LEVEL_CONSTRAINED },
        { 4, WN_HINT_LEVEL_INTERNET }, { 0, WN_HINT_LEVEL_UNKNOWN },
    };
    DBusMessage *msg = get_all_reply(status);
    struct cmap_portal props;
    struct wn_wire_hint hint;
    DBusMessageIter it;
    unsigned int i;

    memset(&props, 0, sizeof(props));
    CU_ASSERT_FATAL(dbus_message_iter_init(msg, &it));
    CU_ASSERT_EQUAL(cmap_portal_update(&props, &it), 1);
    cmap_portal_hint(&props, &hint);
    CU_ASSERT_EQUAL(hint.level, WN_HINT_LEVEL_CONSTRAINED);
    CU_ASSERT_EQUAL(hint.cost, WN_HINT_COST_FIXED);
    CU_ASSERT_EQUAL(hint.source, WN_HINT_SOURCE_PORTAL);
    dbus_message_unref(msg);
    props.metered = 0;
    for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
    {
        props.connectivity = levels[i].connectivity;
        cmap_portal_hint(&props, &hint);
        CU_ASSERT_EQUAL(hint.level, levels[i].level);
        CU_ASSERT_EQUAL(hint.cost, WN_HINT_COST_UNRESTRICTED);
    }
}

static const CU_TestInfo tests[] = {
    { "NetworkManager's GetAll", test_nm_get_all },
    { "NetworkManager's PropertiesChanged", test_nm_changes },
    { "NetworkManager's values", test_nm_values },
    { "systemd-networkd", test_networkd },
    { "the portal's network monitor", test_portal },
    CU_TEST_INFO_NULL,
};

void register_connectivity_map_tests(void)
{
    unit_add_suite("connectivity services' properties", tests);
}
