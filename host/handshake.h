/* How the DLL tells a helper it starts where to connect, and how the helper proves it is that helper.
 *
 * The DLL starts us with
 *     winenotify-host --port PORT --token-file PATH [--debug MASK] [--env NAME=VALUE]...
 * (always in this order, so a test's stand-in script may take $2 and $4).  Each --env is one of our own settings
 * (WINENOTIFY_HOST_*, WINENOTIFY_SWD_DIR) from the DLL's Windows environment: Wine 11, and any Wine when the
 * DLL starts us with __wine_unix_spawnvp, gives us the Unix environment the Wine process started with, which
 * does not have what the program set since (the fault tests set WINENOTIFY_HOST_RCVBUF that way).  PORT is the DLL's listener on
 * 127.0.0.1; PATH names a file that does not exist yet, in a directory only our user may write to (the DLL's
 * Windows temporary folder); MASK is the decimal mask of the debug classes the DLL's channel has on (see wire.h).
 * We make a fresh random token, write it as hex into PATH, created exclusively with mode 0600, and present it in
 * our HELLO; the DLL reads the file, compares, and deletes it.
 *
 * Why a file and not the environment: Wine 8 and 10.0 run a Unix program with the environment block given to
 * CreateProcessW, but Wine 11 runs it with the Unix environment of the Wine process (ntdll's fork_and_exec calls
 * execv, measured: a variable of the block never arrived), while the command line arrives under all of them.
 * The command line is world-readable (/proc/PID/cmdline), so it carries only where the secret is, never the
 * secret: the file is readable by our user alone, lives until the DLL has read it (and we remove it too when we
 * exit, whoever was first), and a name that another user made first is refused, not reused. */
#ifndef WN_HOST_HANDSHAKE_H
#define WN_HOST_HANDSHAKE_H

#include <stdint.h>

#include "winenotify/wire.h"

#define HANDSHAKE_MAX_ENV 8

struct handshake_args
{
    int port;
    const char *token_file;
    int has_log_mask;
    unsigned int log_mask;
    unsigned int n_env;
    const char *env[HANDSHAKE_MAX_ENV];   /* NAME=VALUE, NAME one of ours */
};

/* 0 with *out filled, or -1 (errno EINVAL) when the arguments are not the DLL's. */
int handshake_parse_args(int argc, char **argv, struct handshake_args *out);

/* Makes a fresh token and stores it in path as described above.  0, or -1 with errno: EPERM when the
 * directory may be written by another user (or is not a directory we can trust), EEXIST when the file exists,
 * EINVAL for a relative path or a name with no directory, anything open(2) or write(2) can give. */
int handshake_make_token(const char *path, uint8_t token[WN_WIRE_TOKEN_SIZE]);

#endif
