/* The host's connectivity services over D-Bus, with libdbus-1 (see connectivity.h).
 *
 * libdbus tells us which fds it wants watched (DBusWatch); we keep them in one epoll set whose fd the helper's
 * poll loop watches, so this module adds one fd to the loop however many buses and watches there are.  On
 * readiness the watches are handled and each connection dispatched: our filter sees the signals, updates what
 * the services said, and connectivity_read() reports the hint when it changed. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dbus/dbus.h>

#include "connectivity.h"
#include "connectivity_map.h"

/* A service's answer to one GetAll is a few hundred bytes away: anything slower is a hung service, and the
 * helper has netlink to read meanwhile. */
#define CALL_TIMEOUT_MS 2000
#define MAX_WATCHES 8

#define NM_NAME "org.freedesktop.NetworkManager"
#define NM_PATH "/org/freedesktop/NetworkManager"
#define NM_IFACE "org.freedesktop.NetworkManager"
#define NETWORKD_NAME "org.freedesktop.network1"
#define NETWORKD_PATH "/org/freedesktop/network1"
#define NETWORKD_IFACE "org.freedesktop.network1.Manager"
#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_IFACE "org.freedesktop.portal.NetworkMonitor"
#define PROPERTIES_IFACE "org.freedesktop.DBus.Properties"

enum service_id { NM, NETWORKD, PORTAL, SERVICE_COUNT };

struct service
{
    const char *name;        /* well-known bus name */
    int session;             /* on the session bus (else the system bus) */
    int present;             /* it answered: its properties below are what it says */
    union
    {
        struct cmap_nm nm;
        struct cmap_networkd networkd;
        struct cmap_portal portal;
    } props;
};

struct connectivity
{
    connectivity_log_fn log;
    int epfd;
    DBusConnection *system, *session;
    DBusWatch *watches[MAX_WATCHES];
    unsigned int nwatches;
    struct service services[SERVICE_COUNT];
    struct wn_wire_hint sent;    /* the record the DLL has, when have_sent */
    int have_sent;
};

static void say(struct connectivity *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct connectivity *c, const char *fmt, ...)
{
    char text[240];
    va_list args;

    if (!c->log) return;
    va_start(args, fmt);
    vsnprintf(text, sizeof(text), fmt, args);
    va_end(args);
    c->log(text);
}

/* ---- watches ---------------------------------------------------------------------------------------------- */

/* Sets the epoll interest of fd to what its enabled watches ask for (a connection may have a read and a write
 * watch on the same fd). */
static void update_fd(struct connectivity *c, int fd)
{
    struct epoll_event ev;
    unsigned int i;

    memset(&ev, 0, sizeof(ev));
    ev.data.fd = fd;
    for (i = 0; i < c->nwatches; i++)
    {
        unsigned int flags;

        if (dbus_watch_get_unix_fd(c->watches[i]) != fd || !dbus_watch_get_enabled(c->watches[i])) continue;
        flags = dbus_watch_get_flags(c->watches[i]);
        if (flags & DBUS_WATCH_READABLE) ev.events |= EPOLLIN;
        if (flags & DBUS_WATCH_WRITABLE) ev.events |= EPOLLOUT;
    }
    if (!ev.events)
    {
        epoll_ctl(c->epfd, EPOLL_CTL_DEL, fd, NULL);
        return;
    }
    if (epoll_ctl(c->epfd, EPOLL_CTL_MOD, fd, &ev) && errno == ENOENT) epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static dbus_bool_t add_watch(DBusWatch *watch, void *data)
{
    struct connectivity *c = data;

    if (c->nwatches == MAX_WATCHES) return FALSE;
    c->watches[c->nwatches++] = watch;
    update_fd(c, dbus_watch_get_unix_fd(watch));
    return TRUE;
}

static void remove_watch(DBusWatch *watch, void *data)
{
    struct connectivity *c = data;
    unsigned int i;

    for (i = 0; i < c->nwatches; i++)
    {
        if (c->watches[i] != watch) continue;
        c->watches[i] = c->watches[--c->nwatches];
        break;
    }
    update_fd(c, dbus_watch_get_unix_fd(watch));
}

static void toggle_watch(DBusWatch *watch, void *data)
{
    update_fd(data, dbus_watch_get_unix_fd(watch));
}

/* ---- asking the services ---------------------------------------------------------------------------------- */

static DBusConnection *bus_of(const struct connectivity *c, const struct service *s)
{
    return s->session ? c->session : c->system;
}

/* A method call on a service, never starting it; the reply or NULL (absent, refused, timed out). */
static DBusMessage *call(struct connectivity *c, struct service *s, const char *path, const char *iface,
                         const char *method, const char *arg)
{
    DBusConnection *conn = bus_of(c, s);
    DBusMessage *msg, *reply;
    DBusError err;

    if (!conn || !(msg = dbus_message_new_method_call(s->name, path, iface, method))) return NULL;
    dbus_message_set_auto_start(msg, FALSE);
    if (arg && !dbus_message_append_args(msg, DBUS_TYPE_STRING, &arg, DBUS_TYPE_INVALID))
    {
        dbus_message_unref(msg);
        return NULL;
    }
    dbus_error_init(&err);
    reply = dbus_connection_send_with_reply_and_block(conn, msg, CALL_TIMEOUT_MS, &err);
    dbus_message_unref(msg);
    if (dbus_error_is_set(&err))
    {
        /* The usual answer on a host without that service: no need to say it louder than a trace. */
        say(c, "%s: %s", s->name, err.message);
        dbus_error_free(&err);
    }
    return reply;
}

/* Asks a service for everything we read of it; it is present if it answered in the expected shape. */
static void query(struct connectivity *c, struct service *s)
{
    DBusMessage *reply;
    DBusMessageIter it;
    int r = -1;

    memset(&s->props, 0, sizeof(s->props));
    if (s == &c->services[NM])
        reply = call(c, s, NM_PATH, PROPERTIES_IFACE, "GetAll", NM_IFACE);
    else if (s == &c->services[NETWORKD])
        reply = call(c, s, NETWORKD_PATH, PROPERTIES_IFACE, "GetAll", NETWORKD_IFACE);
    else
        reply = call(c, s, PORTAL_PATH, PORTAL_IFACE, "GetStatus", NULL);
    if (reply && dbus_message_iter_init(reply, &it))
    {
        if (s == &c->services[NM]) r = cmap_nm_update(&s->props.nm, &it);
        else if (s == &c->services[NETWORKD]) r = cmap_networkd_update(&s->props.networkd, &it);
        else r = cmap_portal_update(&s->props.portal, &it);
    }
    if (reply) dbus_message_unref(reply);
    s->present = r >= 0;
    if (reply && r < 0) say(c, "%s: unexpected reply: ignored", s->name);
    else if (s->present) say(c, "%s answers", s->name);
}

/* ---- signals ---------------------------------------------------------------------------------------------- */

static struct service *service_named(struct connectivity *c, const char *name, int session)
{
    unsigned int i;

    for (i = 0; i < SERVICE_COUNT; i++)
        if (!strcmp(c->services[i].name, name) && c->services[i].session == session) return &c->services[i];
    return NULL;
}

/* PropertiesChanged(s interface, a{sv} changed, as invalidated) of NetworkManager or networkd. */
static void properties_changed(struct connectivity *c, struct service *s, DBusMessage *msg)
{
    DBusMessageIter it;
    const char *iface;
    int changed;

    if (!s->present || !dbus_message_iter_init(msg, &it) || dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_STRING)
        return;
    dbus_message_iter_get_basic(&it, &iface);
    if (strcmp(iface, s == &c->services[NM] ? NM_IFACE : NETWORKD_IFACE) || !dbus_message_iter_next(&it)) return;
    changed = s == &c->services[NM] ? cmap_nm_update(&s->props.nm, &it)
                                    : cmap_networkd_update(&s->props.networkd, &it);
    if (changed < 0 || !dbus_message_iter_next(&it)) return;
    if (s == &c->services[NM] ? cmap_nm_invalidated(&it) : cmap_networkd_invalidated(&it)) query(c, s);
}

static DBusHandlerResult filter(DBusConnection *conn, DBusMessage *msg, void *data)
{
    struct connectivity *c = data;
    int session = conn == c->session;
    struct service *s;

    if (dbus_message_is_signal(msg, DBUS_INTERFACE_DBUS, "NameOwnerChanged"))
    {
        const char *name, *old_owner, *new_owner;

        if (!dbus_message_get_args(msg, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING, &old_owner,
                                   DBUS_TYPE_STRING, &new_owner, DBUS_TYPE_INVALID)
            || !(s = service_named(c, name, session)))
            return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
        say(c, "%s %s", name, *new_owner ? "appeared" : "went away");
        if (*new_owner) query(c, s);
        else s->present = 0;
        return DBUS_HANDLER_RESULT_HANDLED;
    }
    if (dbus_message_is_signal(msg, DBUS_INTERFACE_LOCAL, "Disconnected"))
    {
        unsigned int i;

        say(c, "the %s bus went away: its services with it", session ? "session" : "system");
        for (i = 0; i < SERVICE_COUNT; i++)
            if (c->services[i].session == session) c->services[i].present = 0;
        return DBUS_HANDLER_RESULT_HANDLED;
    }
    if (!session && dbus_message_is_signal(msg, PROPERTIES_IFACE, "PropertiesChanged"))
    {
        const char *path = dbus_message_get_path(msg);

        if (path && !strcmp(path, NM_PATH)) properties_changed(c, &c->services[NM], msg);
        else if (path && !strcmp(path, NETWORKD_PATH)) properties_changed(c, &c->services[NETWORKD], msg);
        return DBUS_HANDLER_RESULT_HANDLED;
    }
    if (session && dbus_message_is_signal(msg, PORTAL_IFACE, "changed"))
    {
        /* Its arguments changed between versions of the portal: ask for the whole status. */
        if (c->services[PORTAL].present) query(c, &c->services[PORTAL]);
        return DBUS_HANDLER_RESULT_HANDLED;
    }
    return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

/* ---- buses ------------------------------------------------------------------------------------------------ */

static DBusConnection *connect_bus(struct connectivity *c, const char *address, const char *which)
{
    DBusConnection *conn;
    DBusMessage *hello, *reply;
    DBusError err;
    const char *name;

    dbus_error_init(&err);
    if (!(conn = dbus_connection_open_private(address, &err)))
    {
        say(c, "no %s bus at %s: %s", which, address, err.message);
        dbus_error_free(&err);
        return NULL;
    }
    dbus_connection_set_exit_on_disconnect(conn, FALSE);
    /* Hello by hand rather than dbus_bus_register(), for a bound on the wait: a hung bus must not hold the
     * helper's first view past the DLL's patience. */
    hello = dbus_message_new_method_call(DBUS_SERVICE_DBUS, DBUS_PATH_DBUS, DBUS_INTERFACE_DBUS, "Hello");
    reply = hello ? dbus_connection_send_with_reply_and_block(conn, hello, CALL_TIMEOUT_MS, &err) : NULL;
    if (hello) dbus_message_unref(hello);
    if (!reply || !dbus_message_get_args(reply, &err, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID)
        || !dbus_bus_set_unique_name(conn, name))
    {
        say(c, "the %s bus at %s does not let us in: %s", which, address,
            dbus_error_is_set(&err) ? err.message : "no memory");
        dbus_error_free(&err);
        if (reply) dbus_message_unref(reply);
        dbus_connection_close(conn);
        dbus_connection_unref(conn);
        return NULL;
    }
    dbus_message_unref(reply);
    say(c, "connected to the %s bus at %s", which, address);
    return conn;
}

/* Subscribes before asking, so that a service starting in between is not missed. */
static void subscribe(struct connectivity *c, DBusConnection *conn, int session)
{
    static const char *const system_rules[] =
    {
        "type='signal',sender='" DBUS_SERVICE_DBUS "',interface='" DBUS_INTERFACE_DBUS "',member='NameOwnerChanged',"
        "arg0='" NM_NAME "'",
        "type='signal',sender='" DBUS_SERVICE_DBUS "',interface='" DBUS_INTERFACE_DBUS "',member='NameOwnerChanged',"
        "arg0='" NETWORKD_NAME "'",
        "type='signal',sender='" NM_NAME "',path='" NM_PATH "',interface='" PROPERTIES_IFACE "',"
        "member='PropertiesChanged',arg0='" NM_IFACE "'",
        "type='signal',sender='" NETWORKD_NAME "',path='" NETWORKD_PATH "',interface='" PROPERTIES_IFACE "',"
        "member='PropertiesChanged',arg0='" NETWORKD_IFACE "'",
        NULL
    };
    static const char *const session_rules[] =
    {
        "type='signal',sender='" DBUS_SERVICE_DBUS "',interface='" DBUS_INTERFACE_DBUS "',member='NameOwnerChanged',"
        "arg0='" PORTAL_NAME "'",
        "type='signal',sender='" PORTAL_NAME "',path='" PORTAL_PATH "',interface='" PORTAL_IFACE "',member='changed'",
        NULL
    };
    const char *const *rule;
    DBusError err;

    dbus_connection_add_filter(conn, filter, c, NULL);
    for (rule = session ? session_rules : system_rules; *rule; rule++)
    {
        dbus_error_init(&err);
        dbus_bus_add_match(conn, *rule, &err);
        if (!dbus_error_is_set(&err)) continue;
        say(c, "the bus refused a subscription (%s): changes may go unseen", err.message);
        dbus_error_free(&err);
    }
    dbus_connection_set_watch_functions(conn, add_watch, remove_watch, toggle_watch, c, NULL);
}

/* The session bus' address, without autolaunch (see connectivity.h). */
static int session_address(char *buf, size_t size)
{
    const char *env = getenv("DBUS_SESSION_BUS_ADDRESS"), *dir = getenv("XDG_RUNTIME_DIR");
    struct stat st;

    if (env && *env)
    {
        if (!strncmp(env, "autolaunch:", 11)) return -1;
        snprintf(buf, size, "%s", env);
        return 0;
    }
    if (!dir || !*dir || (size_t)snprintf(buf, size, "%s/bus", dir) >= size) return -1;
    if (stat(buf, &st) || !S_ISSOCK(st.st_mode)) return -1;
    memmove(buf + 10, buf, strlen(buf) + 1);
    memcpy(buf, "unix:path=", 10);
    return 0;
}

static void close_bus(DBusConnection **conn)
{
    if (!*conn) return;
    dbus_connection_close(*conn);
    dbus_connection_unref(*conn);
    *conn = NULL;
}

/* Lets every connection handle what it has read (signals queued during a blocking call included). */
static void dispatch_all(struct connectivity *c)
{
    DBusConnection *conns[2] = { c->system, c->session };
    unsigned int i;

    for (i = 0; i < 2; i++)
        if (conns[i])
            while (dbus_connection_dispatch(conns[i]) == DBUS_DISPATCH_DATA_REMAINS) {}
    /* A bus that went away: its watches are gone, and so is our interest in it. */
    if (c->system && !dbus_connection_get_is_connected(c->system)) close_bus(&c->system);
    if (c->session && !dbus_connection_get_is_connected(c->session)) close_bus(&c->session);
}

/* ---- the hint --------------------------------------------------------------------------------------------- */

/* The hint of the first service present, in priority order; 0 when none is. */
static int current(const struct connectivity *c, struct wn_wire_hint *hint)
{
    const struct service *s = c->services;

    if (s[NM].present) cmap_nm_hint(&s[NM].props.nm, hint);
    else if (s[NETWORKD].present) cmap_networkd_hint(&s[NETWORKD].props.networkd, hint);
    else if (s[PORTAL].present) cmap_portal_hint(&s[PORTAL].props.portal, hint);
    else return 0;
    return 1;
}

int connectivity_enumerate(struct connectivity *c, struct output *out)
{
    if (!(c->have_sent = current(c, &c->sent))) return 0;
    return output_record(out, WN_WIRE_HINT, WN_WIRE_OP_ADD, &c->sent, NULL, 0);
}

/* Reports the hint if it is not what the DLL was last told. */
static int report(struct connectivity *c, struct output *out)
{
    struct wn_wire_hint now;
    int have = current(c, &now), had = c->have_sent;

    if (!have && !had) return 0;
    if (have && had && !memcmp(&now, &c->sent, sizeof(now))) return 0;
    c->have_sent = have;
    if (!have) return output_record(out, WN_WIRE_HINT, WN_WIRE_OP_DEL, &c->sent, NULL, 0);
    c->sent = now;
    say(c, "hint from %s: level %u, cost %u", c->services[now.source == WN_HINT_SOURCE_NETWORKMANAGER ? NM :
        now.source == WN_HINT_SOURCE_NETWORKD ? NETWORKD : PORTAL].name, now.level, now.cost);
    return output_record(out, WN_WIRE_HINT, had ? WN_WIRE_OP_CHANGE : WN_WIRE_OP_ADD, &now, NULL, 0);
}

int connectivity_read(struct connectivity *c, struct output *out)
{
    struct epoll_event evs[MAX_WATCHES];
    int n, i;

    n = epoll_wait(c->epfd, evs, MAX_WATCHES, 0);
    for (i = 0; i < n; i++)
    {
        DBusWatch *ready[MAX_WATCHES];
        unsigned int count = 0, j, flags = 0;

        if (evs[i].events & EPOLLIN) flags |= DBUS_WATCH_READABLE;
        if (evs[i].events & EPOLLOUT) flags |= DBUS_WATCH_WRITABLE;
        if (evs[i].events & EPOLLERR) flags |= DBUS_WATCH_ERROR;
        if (evs[i].events & EPOLLHUP) flags |= DBUS_WATCH_HANGUP;
        /* Handling a watch may add or remove watches: work on a copy. */
        for (j = 0; j < c->nwatches; j++)
            if (dbus_watch_get_unix_fd(c->watches[j]) == evs[i].data.fd && dbus_watch_get_enabled(c->watches[j]))
                ready[count++] = c->watches[j];
        for (j = 0; j < count; j++)
        {
            unsigned int wanted = dbus_watch_get_flags(ready[j]) | DBUS_WATCH_ERROR | DBUS_WATCH_HANGUP;

            if (flags & wanted) dbus_watch_handle(ready[j], flags & wanted);
        }
    }
    dispatch_all(c);
    return report(c, out);
}

int connectivity_fd(const struct connectivity *c)
{
    return c->system || c->session ? c->epfd : -1;
}

struct connectivity *connectivity_open(connectivity_log_fn log)
{
    struct connectivity *c = calloc(1, sizeof(*c));
    const char *system_address = getenv("DBUS_SYSTEM_BUS_ADDRESS");
    char address[512];
    unsigned int i;

    if (!c) return NULL;
    c->log = log;
    c->services[NM].name = NM_NAME;
    c->services[NETWORKD].name = NETWORKD_NAME;
    c->services[PORTAL].name = PORTAL_NAME;
    c->services[PORTAL].session = 1;
    if ((c->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
    {
        say(c, "cannot watch D-Bus (epoll: %s): no connectivity service", strerror(errno));
        return c;
    }
    /* libdbus' own default is the same socket under /var/run, a link to /run on every current system. */
    c->system = connect_bus(c, system_address && *system_address ? system_address
                                                                  : "unix:path=/run/dbus/system_bus_socket", "system");
    if (!session_address(address, sizeof(address))) c->session = connect_bus(c, address, "session");
    if (c->system) subscribe(c, c->system, 0);
    if (c->session) subscribe(c, c->session, 1);
    for (i = 0; i < SERVICE_COUNT; i++)
        if (bus_of(c, &c->services[i])) query(c, &c->services[i]);
    /* Signals that came with the answers (a service that changed meanwhile) are handled now. */
    dispatch_all(c);
    if (!current(c, &c->sent)) say(c, "no connectivity service answers: the DLL reads the routing view");
    return c;
}

void connectivity_close(struct connectivity *c)
{
    if (!c) return;
    close_bus(&c->system);
    close_bus(&c->session);
    if (c->epfd >= 0) close(c->epfd);
    free(c);
}
