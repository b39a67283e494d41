# winenotify-lib.sh: what winenotify-setup and winenotify-run share (POSIX sh, sourced).
#
#   wn_find_wine             sets WINE (and WINESERVER) or says why not and exits 1
#   wn_find_dlls DIR         sets WN_DLLS to the folder holding <arch>/ or <arch>-windows/ folders of our files
#   wn_arch_dir ARCH         prints the folder of ARCH's files (x86_64, i386), or nothing
#
# Installed by `make install` beside the DLLs; the scripts find it through the path make install writes into
# them (WN_INSTALLED_LIBDIR), else beside themselves (a source or build tree).

wn_die() { printf '%s: %s\n' "$wn_me" "$*" >&2; exit 1; }

# The Wine the user runs: $WINE, else wine (the one users call; under Debian a wrapper that picks wine64 for
# 64-bit prefixes), else wine64.
wn_find_wine()
{
    if [ -z "${WINE:-}" ]; then
        for w in wine wine64 /usr/lib/wine/wine64; do
            if command -v "$w" >/dev/null 2>&1; then WINE=$w; break; fi
        done
    fi
    [ -n "${WINE:-}" ] && command -v "$WINE" >/dev/null 2>&1 ||
        wn_die "no Wine found (${WINE:-wine}): install Wine, or set WINE to its wine program (Proton: WINE=<Proton>/files/bin/wine64)"
    WINE=$(command -v "$WINE")
    if [ -z "${WINESERVER:-}" ]; then
        wn_wine_dir=$(dirname -- "$(readlink -f -- "$WINE")")
        if [ -x "$wn_wine_dir/wineserver" ]; then WINESERVER=$wn_wine_dir/wineserver
        else WINESERVER=$(command -v wineserver 2>/dev/null || echo wineserver)
        fi
    fi
    export WINE WINESERVER
}

wn_arch_dir()
{
    for d in "$WN_DLLS/$1-windows" "$WN_DLLS/$1"; do
        if [ -f "$d/iphlpapi.dll" ]; then echo "$d"; return 0; fi
    done
    return 0
}

# Where our built files are: the argument (--dlls), $WINENOTIFY_DLLS, the installed folder, ./drop (a build
# tree), then the drop/ folder of the tree this script is in.
wn_find_dlls()
{
    for WN_DLLS in "$1" "${WINENOTIFY_DLLS:-}" "${WN_INSTALLED_LIBDIR:-}" "$PWD/drop" "$wn_tooldir/../drop"; do
        [ -n "$WN_DLLS" ] && [ -d "$WN_DLLS" ] || continue
        if [ -n "$(wn_arch_dir x86_64)$(wn_arch_dir i386)" ]; then
            WN_DLLS=$(CDPATH='' cd -- "$WN_DLLS" && pwd -P)
            return 0
        fi
        [ -z "$1" ] || wn_die "--dlls $1: no x86_64/ or i386/ folder with iphlpapi.dll in it"
    done
    wn_die "cannot find winenotify's DLLs: run this from the build tree (after make), or give --dlls DIR"
}
