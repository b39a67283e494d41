/* The native half: started beside us, driven over loopback TCP, one command line and one answer at a time (see
 * bench/native/main.c for the commands). */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define CONNECT_TIMEOUT_S 10

static SOCKET conn = INVALID_SOCKET;
static char inbuf[65536];
static size_t in_len;

/* The next line from the native side (NUL-terminated, without its newline), or NULL when the connection ended. */
static char *read_line(void)
{
    static char line[4096];

    for (;;)
    {
        char *nl = memchr(inbuf, '\n', in_len);
        int n;

        if (nl)
        {
            size_t len = (size_t)(nl - inbuf);

            if (len >= sizeof(line)) len = sizeof(line) - 1;
            memcpy(line, inbuf, len);
            line[len] = 0;
            in_len -= (size_t)(nl + 1 - inbuf);
            memmove(inbuf, nl + 1, in_len);
            return line;
        }
        if (in_len == sizeof(inbuf)) in_len = 0;
        if ((n = recv(conn, inbuf + in_len, (int)(sizeof(inbuf) - in_len), 0)) <= 0) return NULL;
        in_len += (size_t)n;
    }
}

BOOL native_start(void)
{
    WCHAR path[MAX_PATH], cmdline[MAX_PATH + 32], *slash;
    struct sockaddr_in sa;
    int len = sizeof(sa);
    SOCKET listener;
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    struct timeval tv = { CONNECT_TIMEOUT_S, 0 };
    fd_set set;
    WSADATA wsa;
    BOOL one = TRUE;
    char *hello;

    if (WSAStartup(MAKEWORD(2, 2), &wsa)) return FALSE;
    listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (listener == INVALID_SOCKET || bind(listener, (struct sockaddr *)&sa, sizeof(sa)) ||
        listen(listener, 1) || getsockname(listener, (struct sockaddr *)&sa, &len))
    {
        detail("cannot listen on loopback: %d", WSAGetLastError());
        return FALSE;
    }

    /* Wine runs a Linux program given by its Windows path; it is beside us. */
    GetModuleFileNameW(NULL, path, MAX_PATH);
    if ((slash = wcsrchr(path, '\\'))) slash[1] = 0;
    wcscat(path, L"bench-native");
    swprintf(cmdline, ARRAYSIZE(cmdline), L"\"%ls\" %u", path, ntohs(sa.sin_port));
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    if (!CreateProcessW(path, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
    {
        detail("cannot start %ls: error %lu", path, GetLastError());
        closesocket(listener);
        return FALSE;
    }
    /* Wine 8 gives a Linux program no process handle and leaves garbage in hThread: close only real ones. */
    if (pi.hProcess)
    {
        CloseHandle(pi.hThread);
        CloseHandle(pi.hProcess);
    }

    FD_ZERO(&set);
    FD_SET(listener, &set);
    if (select(0, &set, NULL, NULL, &tv) != 1 || (conn = accept(listener, NULL, NULL)) == INVALID_SOCKET)
    {
        detail("bench-native did not connect within %d s", CONNECT_TIMEOUT_S);
        closesocket(listener);
        return FALSE;
    }
    closesocket(listener);
    setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof(one));
    if (!(hello = read_line()) || strncmp(hello, "hello ", 6))
    {
        detail("bench-native said no hello");
        return FALSE;
    }
    return TRUE;
}

static char last_cmd[512];

static BOOL send_command(const char *fmt, va_list args)
{
    int n = vsnprintf(last_cmd, sizeof(last_cmd) - 1, fmt, args);

    if (conn == INVALID_SOCKET || n < 0 || (size_t)n >= sizeof(last_cmd) - 1) return FALSE;
    last_cmd[n] = '\n';
    if (send(conn, last_cmd, n + 1, 0) != n + 1) return FALSE;
    last_cmd[n] = 0;
    return TRUE;
}

BOOL native_send(const char *fmt, ...)
{
    va_list args;
    BOOL ok;

    va_start(args, fmt);
    ok = send_command(fmt, args);
    va_end(args);
    return ok;
}

const char *native_reply(void)
{
    char *line;

    while ((line = read_line()))
    {
        if (!strncmp(line, "# ", 2)) detail("%s", line + 2);
        else if (!strncmp(line, "ok", 2)) return line[2] == ' ' ? line + 3 : line + 2;
        else
        {
            detail("bench-native: '%s': %s", last_cmd, line);
            return NULL;
        }
    }
    detail("bench-native closed the connection");
    closesocket(conn);
    conn = INVALID_SOCKET;
    return NULL;
}

const char *native_cmd(const char *fmt, ...)
{
    va_list args;
    BOOL ok;

    va_start(args, fmt);
    ok = send_command(fmt, args);
    va_end(args);
    return ok ? native_reply() : NULL;
}
