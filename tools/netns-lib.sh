# netns-lib.sh: run a command in a private network namespace (POSIX sh, sourced).
#
# Inside: lo (up); a veth pair $WN_IF_NAME/${WN_IF_NAME}p, both up so that the
# link has carrier (IPv6 duplicate address detection runs, routes can go
# through it), exported as WINENOTIFY_TEST_IF for tests to change; and, when
# /dev/net/tun can be opened, a tun device named $WN_TUN_NAME (left down),
# exported as WINENOTIFY_TEST_TUN (empty when there is none).  The command also gets a private mount namespace
# and, when the system allows it, a private PID namespace with its own /proc, so
# that every process it leaves behind dies with it.
#
#   wn_ns_probe             pick a method; on failure return 1 with WN_NS_WHY set
#   wn_ns_exec CMD [ARG...] run CMD inside a fresh namespace, return its status
#   wn_ns_cleanup           stop a running command, delete named namespaces
#                           still around (for traps)
#
# Settings: WN_NS_KEEP=1 keeps named namespaces (root only) for inspection;
# WN_NS_TIMEOUT=<secs> kills the command and its namespace after that long.
# The command runs with stdin from /dev/null.
# As root a named namespace (ip netns add wn-<pid>-<rand>) is used; otherwise an
# unprivileged user namespace that maps the caller to itself and keeps the
# namespace's capabilities, so files keep their owner and programs keep
# CAP_NET_ADMIN over the new network namespace.

# shellcheck disable=SC2034  # results for the scripts that source us
WN_TUN_NAME=${WN_TUN_NAME:-wntun0}
WN_IF_NAME=${WN_IF_NAME:-wntest0}
WN_NS_MODE=
WN_NS_WHY=
WN_NS_LIVE=
WN_NS_LAST=
WN_NS_KEEP=${WN_NS_KEEP:-0}
WN_NS_PIDNS=
WN_NS_CHILD=

# Runs as the namespace's first command.  `ip` creates the tun device itself,
# which needs /dev/net/tun to be openable; a user namespace cannot open a 0600
# node owned by the real root, so the tun is optional.
# shellcheck disable=SC2016
WN_NS_INIT='
ip link set lo up || { echo "netns: cannot bring lo up" >&2; exit 125; }
WINENOTIFY_TEST_TUN=
if ip tuntap add dev "$WN_TUN_NAME" mode tun 2>/dev/null; then
    WINENOTIFY_TEST_TUN=$WN_TUN_NAME
fi
WINENOTIFY_TEST_IF=
# No automatic link-local addresses: they would be tentative for the first
# second, and a test that asks whether any address is still tentative would
# race them.  Addresses the tests add still go through DAD.
if ip link add "$WN_IF_NAME" type veth peer name "${WN_IF_NAME}p" 2>/dev/null &&
   ip link set "$WN_IF_NAME" addrgenmode none && ip link set "${WN_IF_NAME}p" addrgenmode none &&
   ip link set "${WN_IF_NAME}p" up && ip link set "$WN_IF_NAME" up; then
    WINENOTIFY_TEST_IF=$WN_IF_NAME
fi
export WINENOTIFY_TEST_TUN WINENOTIFY_TEST_IF
exec "$@"
'

wn_ns_probe()
{
    WN_NS_MODE=
    WN_NS_WHY=
    if ! command -v ip >/dev/null 2>&1; then
        WN_NS_WHY="ip (iproute2) not found"
        return 1
    fi
    if ! command -v unshare >/dev/null 2>&1; then
        WN_NS_WHY="unshare (util-linux) not found"
        return 1
    fi
    if [ "$(id -u)" -eq 0 ]; then
        _wn_name="wn-probe-$$-$(_wn_rand)"
        if ip netns add "$_wn_name" 2>/dev/null; then
            ip netns del "$_wn_name" 2>/dev/null || true
            WN_NS_MODE=root
            WN_NS_PIDNS="--pid --fork --kill-child --mount-proc"
            # shellcheck disable=SC2086
            unshare $WN_NS_PIDNS true 2>/dev/null || WN_NS_PIDNS=
            return 0
        fi
        # Root without CAP_SYS_ADMIN (a container): try the user namespace way.
    fi
    _wn_user="--user --map-current-user --keep-caps --net --mount"
    # shellcheck disable=SC2086
    if unshare $_wn_user sh -c 'ip link set lo up' 2>/dev/null; then
        WN_NS_MODE=userns
        WN_NS_PIDNS="--pid --fork --kill-child --mount-proc"
        # shellcheck disable=SC2086
        unshare $_wn_user $WN_NS_PIDNS true 2>/dev/null || WN_NS_PIDNS=
        return 0
    fi
    if [ "$(id -u)" -eq 0 ]; then
        WN_NS_WHY="cannot create a network namespace (ip netns add and unshare --user --net failed)"
    else
        WN_NS_WHY="not root and unprivileged user namespaces are unavailable (unshare --user --net failed)"
    fi
    return 1
}

_wn_rand()
{
    od -An -N4 -tx4 /dev/urandom | tr -d ' \n'
}

wn_ns_exec()
{
    [ -n "$WN_NS_MODE" ] || wn_ns_probe || return 125
    export WN_TUN_NAME WN_IF_NAME
    WN_NS_LAST=
    _wn_limit=
    [ "${WN_NS_TIMEOUT:-0}" -gt 0 ] && _wn_limit="timeout -k 5 $WN_NS_TIMEOUT"
    case $WN_NS_MODE in
    root)
        WN_NS_LAST="wn-$$-$(_wn_rand)"
        ip netns add "$WN_NS_LAST" || return 125
        WN_NS_LIVE="$WN_NS_LIVE $WN_NS_LAST"
        # ip netns exec gives the command a mount namespace of its own and
        # mounts a sysfs that shows the new network namespace.
        # shellcheck disable=SC2086
        $_wn_limit ip netns exec "$WN_NS_LAST" unshare $WN_NS_PIDNS \
            sh -c "$WN_NS_INIT" wn-ns-init "$@" </dev/null &
        ;;
    userns)
        # The sysfs remount makes /sys/class/net match the new namespace.
        # shellcheck disable=SC2086
        $_wn_limit unshare --user --map-current-user --keep-caps --net --mount $WN_NS_PIDNS \
            sh -c 'mount -t sysfs sysfs /sys 2>/dev/null; '"$WN_NS_INIT" wn-ns-init "$@" </dev/null &
        ;;
    esac
    # In the background so that a trap can run (and stop it) while we wait.
    WN_NS_CHILD=$!
    _wn_rc=0
    wait "$WN_NS_CHILD" || _wn_rc=$?
    WN_NS_CHILD=
    [ -z "$WN_NS_LAST" ] || [ "$WN_NS_KEEP" = 1 ] || _wn_ns_del "$WN_NS_LAST"
    return "$_wn_rc"
}

_wn_ns_del()
{
    # Without a PID namespace, processes can outlive the command; all of them
    # were started by it, inside this namespace.
    for _wn_p in $(ip netns pids "$1" 2>/dev/null); do
        kill -KILL "$_wn_p" 2>/dev/null || true
    done
    ip netns del "$1" 2>/dev/null || true
    _wn_left=
    for _wn_n in $WN_NS_LIVE; do
        [ "$_wn_n" = "$1" ] || _wn_left="$_wn_left $_wn_n"
    done
    WN_NS_LIVE=$_wn_left
}

wn_ns_cleanup()
{
    if [ -n "${WN_NS_CHILD:-}" ]; then
        # unshare --fork ignores SIGINT and SIGTERM while it waits; SIGHUP
        # ends it (timeout(1) passes it on) and --kill-child ends the rest.
        kill -HUP "$WN_NS_CHILD" 2>/dev/null || true
        wait "$WN_NS_CHILD" 2>/dev/null || true
        WN_NS_CHILD=
    fi
    [ "$WN_NS_KEEP" = 1 ] && return 0
    for _wn_n in $WN_NS_LIVE; do
        _wn_ns_del "$_wn_n"
    done
}
