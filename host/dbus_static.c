/* What the static libdbus-1 needs and a D-Bus client never calls.
 *
 * Debian's libdbus-1.a refers to two functions of libsystemd (sd_listen_fds, sd_is_socket), from one place only:
 * _dbus_listen_systemd_sockets(), which dbus-daemon uses to take the sockets systemd opened for it ("systemd:"
 * listen addresses).  A client never listens, so it never gets there; but the object file holding it is also the
 * one with the socket code every client uses, so the linker wants both names.  libsystemd itself comes only as a
 * shared library in Debian (pkg-config --static dbus-1 asks for -lsystemd in vain), and linking the helper
 * statically is the point (ARCHITECTURE.md: it must run inside Steam's runtime container, whatever C library that
 * has).  These two answer as libsystemd does for a process systemd started nothing for: no sockets passed, and
 * no socket of the asked kind.
 *
 * The linker also warns that a static program using getaddrinfo, getpwnam_r, getpwuid_r and getgrouplist needs the
 * build machine's glibc at run time.  libdbus reaches those only for tcp: addresses and for user and group names
 * (the cookie authentication mechanism, a server's policies); we connect to unix: sockets with EXTERNAL
 * authentication, which sends the numeric uid.  Were one reached inside an older container, it would fail like a
 * missing user, not crash. */
int sd_listen_fds(int unset_environment);
int sd_is_socket(int fd, int family, int type, int listening);

int sd_listen_fds(int unset_environment)
{
    (void)unset_environment;
    return 0;
}

int sd_is_socket(int fd, int family, int type, int listening)
{
    (void)fd;
    (void)family;
    (void)type;
    (void)listening;
    return 0;
}
