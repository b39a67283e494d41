/* fake-nm: a small stand-in for NetworkManager on a private D-Bus bus, for winetest/connhint.c.
 *
 * Usage: fake-nm ADDRESS CONTROL READY
 *   Connects to the bus at ADDRESS, owns org.freedesktop.NetworkManager, answers Properties.GetAll and Get of
 *   org.freedesktop.NetworkManager on /org/freedesktop/NetworkManager (Connectivity, Metered, State, Version),
 *   then writes READY.  It takes commands from the FIFO CONTROL, one per line:
 *     set NAME VALUE   changes a uint32 property (Connectivity, Metered or State) and announces it with
 *                      PropertiesChanged, as NetworkManager does
 *     quit             leaves the bus (its name goes away) and exits
 * It starts as a connected desktop does: Connectivity FULL (4), Metered GUESS_NO (4), State CONNECTED_GLOBAL (70).
 *
 * Native, statically linked like the helper (host/dbus_static.c) so that the same file runs on the host and in
 * the Debian 13 root of the Wine 10 cells. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dbus/dbus.h>

#define NM_NAME "org.freedesktop.NetworkManager"
#define NM_PATH "/org/freedesktop/NetworkManager"

static struct { const char *name; dbus_uint32_t value; } props[] =
{
    { "Connectivity", 4 },
    { "Metered", 4 },
    { "State", 70 },
};
#define NPROPS (sizeof(props) / sizeof(props[0]))
static const char *version = "1.42.4";

static void append_entry(DBusMessageIter *dict, const char *name, int type, const void *value)
{
    DBusMessageIter entry, variant;
    char sig[2] = { (char)type, 0 };

    dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry);
    dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &name);
    dbus_message_iter_open_container(&entry, DBUS_TYPE_VARIANT, sig, &variant);
    dbus_message_iter_append_basic(&variant, type, value);
    dbus_message_iter_close_container(&entry, &variant);
    dbus_message_iter_close_container(dict, &entry);
}

/* All properties, or the one at index only (>= 0). */
static void append_props(DBusMessageIter *it, int index)
{
    DBusMessageIter dict;
    unsigned int i;

    dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "{sv}", &dict);
    for (i = 0; i < NPROPS; i++)
        if (index < 0 || (unsigned int)index == i) append_entry(&dict, props[i].name, DBUS_TYPE_UINT32, &props[i].value);
    if (index < 0) append_entry(&dict, "Version", DBUS_TYPE_STRING, &version);
    dbus_message_iter_close_container(it, &dict);
}

static DBusHandlerResult handle(DBusConnection *conn, DBusMessage *msg, void *data)
{
    const char *iface = NULL, *name = NULL;
    DBusMessage *reply = NULL;
    DBusMessageIter it, variant;
    unsigned int i;

    (void)data;
    if (dbus_message_get_type(msg) != DBUS_MESSAGE_TYPE_METHOD_CALL) return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
    if (!dbus_message_has_path(msg, NM_PATH) || !dbus_message_has_interface(msg, DBUS_INTERFACE_PROPERTIES))
        reply = dbus_message_new_error(msg, DBUS_ERROR_UNKNOWN_METHOD, "fake-nm knows only the manager's properties");
    else if (dbus_message_has_member(msg, "GetAll")
             && dbus_message_get_args(msg, NULL, DBUS_TYPE_STRING, &iface, DBUS_TYPE_INVALID))
    {
        reply = dbus_message_new_method_return(msg);
        dbus_message_iter_init_append(reply, &it);
        if (!strcmp(iface, NM_NAME)) append_props(&it, -1);
        else append_props(&it, (int)NPROPS);  /* another interface: no properties */
    }
    else if (dbus_message_has_member(msg, "Get")
             && dbus_message_get_args(msg, NULL, DBUS_TYPE_STRING, &iface, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID))
    {
        for (i = 0; i < NPROPS && strcmp(props[i].name, name); i++) {}
        if (i == NPROPS) reply = dbus_message_new_error(msg, DBUS_ERROR_UNKNOWN_PROPERTY, name);
        else
        {
            reply = dbus_message_new_method_return(msg);
            dbus_message_iter_init_append(reply, &it);
            dbus_message_iter_open_container(&it, DBUS_TYPE_VARIANT, "u", &variant);
            dbus_message_iter_append_basic(&variant, DBUS_TYPE_UINT32, &props[i].value);
            dbus_message_iter_close_container(&it, &variant);
        }
    }
    else reply = dbus_message_new_error(msg, DBUS_ERROR_INVALID_ARGS, "fake-nm: not understood");
    if (reply)
    {
        dbus_connection_send(conn, reply, NULL);
        dbus_message_unref(reply);
    }
    return DBUS_HANDLER_RESULT_HANDLED;
}

/* PropertiesChanged(interface, {the one property}, []), as NetworkManager sends it. */
static void announce(DBusConnection *conn, unsigned int index)
{
    DBusMessage *sig = dbus_message_new_signal(NM_PATH, DBUS_INTERFACE_PROPERTIES, "PropertiesChanged");
    DBusMessageIter it, none;
    const char *iface = NM_NAME;

    dbus_message_iter_init_append(sig, &it);
    dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &iface);
    append_props(&it, (int)index);
    dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "s", &none);
    dbus_message_iter_close_container(&it, &none);
    dbus_connection_send(conn, sig, NULL);
    dbus_message_unref(sig);
    dbus_connection_flush(conn);
}

/* One command line; returns 1 on quit. */
static int command(DBusConnection *conn, char *line)
{
    char name[64];
    unsigned long value;
    unsigned int i;

    if (!strncmp(line, "quit", 4)) return 1;
    if (sscanf(line, "set %63s %lu", name, &value) != 2)
    {
        fprintf(stderr, "fake-nm: not understood: %s\n", line);
        return 0;
    }
    for (i = 0; i < NPROPS; i++)
    {
        if (strcmp(props[i].name, name)) continue;
        props[i].value = (dbus_uint32_t)value;
        announce(conn, i);
        return 0;
    }
    fprintf(stderr, "fake-nm: no property %s\n", name);
    return 0;
}

int main(int argc, char **argv)
{
    DBusConnection *conn;
    DBusError err;
    char buf[512];
    size_t have = 0;
    int ctl, fd, i;

    if (argc != 4)
    {
        fprintf(stderr, "usage: fake-nm ADDRESS CONTROL READY\n");
        return 2;
    }
    dbus_error_init(&err);
    /* The bus may still be starting: a few tries, a tenth of a second apart. */
    for (i = 0; i < 50; i++)
    {
        if ((conn = dbus_connection_open_private(argv[1], &err)) && dbus_bus_register(conn, &err)) break;
        if (conn)
        {
            dbus_connection_close(conn);
            dbus_connection_unref(conn);
            conn = NULL;
        }
        dbus_error_free(&err);
        usleep(100000);
    }
    if (!conn)
    {
        fprintf(stderr, "fake-nm: no bus at %s\n", argv[1]);
        return 1;
    }
    if (dbus_bus_request_name(conn, NM_NAME, DBUS_NAME_FLAG_DO_NOT_QUEUE, &err) != DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER)
    {
        fprintf(stderr, "fake-nm: cannot own %s: %s\n", NM_NAME, err.message ? err.message : "taken");
        return 1;
    }
    dbus_connection_add_filter(conn, handle, NULL, NULL);
    /* Read-write: the FIFO never reaches end of file when a writer closes it. */
    if ((ctl = open(argv[2], O_RDWR | O_CLOEXEC)) < 0)
    {
        fprintf(stderr, "fake-nm: cannot open %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    if ((fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) return 1;
    close(fd);

    dbus_connection_get_unix_fd(conn, &fd);
    for (;;)
    {
        struct pollfd fds[2] = { { fd, POLLIN, 0 }, { ctl, POLLIN, 0 } };
        char *nl;
        ssize_t n;

        while (dbus_connection_dispatch(conn) == DBUS_DISPATCH_DATA_REMAINS) {}
        if (poll(fds, 2, -1) < 0 && errno != EINTR) return 1;
        if (fds[0].revents && !dbus_connection_read_write(conn, 0)) return 0;  /* the bus went away */
        if (!fds[1].revents) continue;
        if ((n = read(ctl, buf + have, sizeof(buf) - 1 - have)) <= 0) continue;
        have += (size_t)n;
        buf[have] = 0;
        while ((nl = strchr(buf, '\n')))
        {
            *nl = 0;
            if (command(conn, buf))
            {
                dbus_connection_close(conn);
                return 0;
            }
            memmove(buf, nl + 1, strlen(nl + 1) + 1);
            have = strlen(buf);
        }
        if (have == sizeof(buf) - 1) have = 0;
    }
}
