/* The launch handshake for a stand-in helper: a bash script given as WINENOTIFY_HOST, which the DLL starts with
 * "--port PORT --token-file PATH --debug MASK", in that order (host/handshake.h).  FAKE_HELPER_HANDSHAKE sets $port,
 * makes a fresh token and leaves it in the file as the real helper does (exclusively, mode 0600), and defines
 * hello_token, which prints the token as printf escapes for a HELLO: printf "$(hello_token)".  It has no '%', so
 * it can stand in a printf format as well as in a plain string. */
#ifndef WINETEST_FAKEHELPER_H
#define WINETEST_FAKEHELPER_H

#define FAKE_HELPER_HANDSHAKE \
    "port=$2 token_file=$4\n" \
    "token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \\n')\n" \
    "(umask 077; set -C; echo -n \"$token\" > \"$token_file\") || exit 1\n" \
    "hello_token() { echo -n \"$token\" | sed 's/../\\\\x&/g'; }\n"

#endif
