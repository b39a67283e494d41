/* Starting the host helper and taking its one authenticated connection (Wine only). */
#ifndef WN_HELPER_LAUNCH_H
#define WN_HELPER_LAUNCH_H

#include <winsock2.h>

#include <stdint.h>

enum wn_launch_result
{
    WN_LAUNCH_OK,
    WN_LAUNCH_FAILED,      /* this attempt failed (no valid HELLO in time, a socket error): try again later */
    WN_LAUNCH_UNUSABLE,    /* no helper to start, or one that cannot work (missing, not executable, another
                              protocol version): an ERR trace says which and how to fix it; do not retry */
};

struct wn_launch
{
    SOCKET sock;           /* connected, authenticated, blocking; the HELLO is consumed */
    uint32_t helper_pid;   /* as the helper reports it (its Unix pid), for traces */
};

/* Finds the helper (the WINENOTIFY_HOST variable, a Windows or Unix path, else "winenotify-host" beside our
 * module), starts it with a fresh token in its environment, and waits up to timeout_ms for it to connect back.
 * WSAStartup must have been called. */
enum wn_launch_result wn_helper_launch(struct wn_launch *out, DWORD timeout_ms);

#endif
