/* Starting the host helper (see helper_launch.h).
 *
 * We listen on 127.0.0.1 on a port of the system's choosing and start the helper with a fresh 128-bit token and
 * that port in its environment: never on its command line, which any local user can read in /proc/PID/cmdline.
 * The first connection that presents the token within the deadline is the helper; any other is dropped, and
 * the listener is closed as soon as the helper is in.
 *
 * Measured under Wine 8: CreateProcess on the Windows path of a Linux ELF (Z:\...) runs it, with the
 * environment block we pass; hProcess comes back 0 and hThread and the ids as garbage, so the helper cannot be
 * waited for or killed through Windows, and it reports its own pid in the HELLO.  A file without execute permission fails
 * with ERROR_BAD_EXE_FORMAT. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <ntsecapi.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "winenotify/wire.h"
#include "debug.h"
#include "helper_launch.h"

extern IMAGE_DOS_HEADER __ImageBase;

#define HELPER_NAME L"winenotify-host"
#define HELPER_VAR L"WINENOTIFY_HOST"
#define PATH_SIZE 1024
#define HELLO_SIZE (sizeof(struct wn_wire_header) + sizeof(struct wn_wire_hello))
/* Connections that may be waiting to prove themselves at once; a newer one replaces the oldest. */
#define MAX_PENDING 8

/* A Unix path (WINENOTIFY_HOST=/usr/lib/...) to the Windows path CreateProcess wants; Wine only. */
static BOOL unix_to_dos(const WCHAR *unix_path, WCHAR *path, DWORD size)
{
    WCHAR *(CDECL *to_dos)(const char *);
    WCHAR *dos;
    char *utf8;
    int n;
    BOOL ok = FALSE;

    to_dos = (void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "wine_get_dos_file_name");
    if (!to_dos) return FALSE;
    if (!(n = WideCharToMultiByte(CP_UTF8, 0, unix_path, -1, NULL, 0, NULL, NULL))) return FALSE;
    if (!(utf8 = HeapAlloc(GetProcessHeap(), 0, n))) return FALSE;
    WideCharToMultiByte(CP_UTF8, 0, unix_path, -1, utf8, n, NULL, NULL);
    if ((dos = to_dos(utf8)))
    {
        if (wcslen(dos) < size)
        {
            wcscpy(path, dos);
            ok = TRUE;
        }
        HeapFree(GetProcessHeap(), 0, dos);
    }
    HeapFree(GetProcessHeap(), 0, utf8);
    return ok;
}

/* The helper's Windows path; *how says where it came from, for the error message. */
static BOOL find_helper(WCHAR *path, DWORD size, const WCHAR **how)
{
    WCHAR value[PATH_SIZE], *slash;
    DWORD n;

    if ((n = GetEnvironmentVariableW(HELPER_VAR, value, ARRAYSIZE(value))) && n < ARRAYSIZE(value))
    {
        *how = HELPER_VAR;
        if (value[0] == '/') return unix_to_dos(value, path, size);
        if (n >= size) return FALSE;
        wcscpy(path, value);
        return TRUE;
    }
    *how = L"beside our DLL";
    n = GetModuleFileNameW((HMODULE)&__ImageBase, path, size);
    if (!n || n >= size) return FALSE;
    if (!(slash = wcsrchr(path, '\\'))) return FALSE;
    if ((size_t)(slash + 1 - path) + ARRAYSIZE(HELPER_NAME) > size) return FALSE;
    wcscpy(slash + 1, HELPER_NAME);
    return TRUE;
}

static WCHAR hex_digit(unsigned int v)
{
    return (WCHAR)(v < 10 ? '0' + v : 'a' + v - 10);
}

static WCHAR *append(WCHAR *out, const WCHAR *text)
{
    size_t n = wcslen(text);
    memcpy(out, text, n * sizeof(WCHAR));
    return out + n;
}

static BOOL is_our_variable(const WCHAR *entry)
{
    return !_wcsnicmp(entry, L"WINENOTIFY_TOKEN=", 17) || !_wcsnicmp(entry, L"WINENOTIFY_PORT=", 16) ||
           !_wcsnicmp(entry, L"WINENOTIFY_DEBUG=", 17);
}

/* Decimal digits of value, NUL-terminated, at the end of number[8]; returns the first digit. */
static WCHAR *decimal(WCHAR *number, unsigned int value)
{
    int i = 7;

    number[i] = 0;
    do number[--i] = (WCHAR)('0' + value % 10); while ((value /= 10) && i);
    return number + i;
}

/* Our environment plus the token, the port and our debug classes (replacing any inherited ones), for
 * CreateProcessW with CREATE_UNICODE_ENVIRONMENT.  The caller wipes and frees it. */
static WCHAR *helper_environment(const uint8_t *token, unsigned short port, size_t *chars)
{
    WCHAR *parent = GetEnvironmentStringsW(), *block, *out, number[8];
    const WCHAR *p;
    size_t n, len = 0;
    int i;

    if (!parent) return NULL;
    for (p = parent; *p; p += wcslen(p) + 1) ;
    len = p - parent;
    *chars = len + 128 + 2 * WN_WIRE_TOKEN_SIZE;
    if (!(block = HeapAlloc(GetProcessHeap(), 0, *chars * sizeof(WCHAR))))
    {
        FreeEnvironmentStringsW(parent);
        return NULL;
    }
    out = block;
    for (p = parent; *p; p += n + 1)
    {
        n = wcslen(p);
        if (is_our_variable(p)) continue;
        memcpy(out, p, (n + 1) * sizeof(WCHAR));
        out += n + 1;
    }
    FreeEnvironmentStringsW(parent);

    out = append(out, L"WINENOTIFY_TOKEN=");
    for (i = 0; i < WN_WIRE_TOKEN_SIZE; i++)
    {
        *out++ = hex_digit(token[i] >> 4);
        *out++ = hex_digit(token[i] & 0xf);
    }
    *out++ = 0;
    out = append(out, L"WINENOTIFY_PORT=");
    out = append(out, decimal(number, port));
    *out++ = 0;
    /* The helper's messages come back as LOG records of these classes only (see wire.h). */
    out = append(out, L"WINENOTIFY_DEBUG=");
    out = append(out, decimal(number, wn_debug_mask()));
    *out++ = 0;
    *out = 0;
    return block;
}

static SOCKET listen_loopback(unsigned short *port)
{
    struct sockaddr_in addr;
    int len = sizeof(addr);
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);

    if (s == INVALID_SOCKET) return s;
    /* A child the program starts with inherited handles must not hold our connection open. */
    SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&addr, sizeof(addr)) || listen(s, MAX_PENDING) ||
        getsockname(s, (struct sockaddr *)&addr, &len))
    {
        closesocket(s);
        return INVALID_SOCKET;
    }
    *port = ntohs(addr.sin_port);
    return s;
}

/* The Unix path of a Windows one, for messages that tell the user what to do with the file (Wine only); the
 * Windows path itself when there is none. */
static const char *unix_name(const WCHAR *path, char *buf, size_t size)
{
    char *(CDECL *to_unix)(const WCHAR *);
    char *name;

    snprintf(buf, size, "%ls", path);
    to_unix = (void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "wine_get_unix_file_name");
    if (to_unix && (name = to_unix(path)))
    {
        snprintf(buf, size, "%s", name);
        HeapFree(GetProcessHeap(), 0, name);
    }
    return buf;
}

static void missing_helper(const WCHAR *path, const WCHAR *how)
{
    WCHAR value[PATH_SIZE];
    char name[PATH_SIZE];
    DWORD n;

    /* What the user wrote, when it came from the variable: a missing file has no Unix name to show. */
    if (!wcscmp(how, HELPER_VAR) && (n = GetEnvironmentVariableW(HELPER_VAR, value, ARRAYSIZE(value))) &&
        n < ARRAYSIZE(value))
        snprintf(name, sizeof(name), "%ls", value);
    else unix_name(path, name, sizeof(name));
    ERR_ONCE("missing", "no helper at %s (%ls): put winenotify-host beside iphlpapi.dll and cfgmgr32.dll "
             "(winenotify-setup install does), or set WINENOTIFY_HOST to its path; no network or device "
             "notifications, falling back to the system's functions\n", name, how);
}

static enum wn_launch_result start_helper(const WCHAR *path, const WCHAR *how, const uint8_t *token,
                                          unsigned short port)
{
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    WCHAR cmdline[PATH_SIZE + 3], *env;
    size_t env_chars = 0;
    DWORD err = 0;
    char name[PATH_SIZE];
    BOOL ok;

    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    memset(&pi, 0, sizeof(pi));
    cmdline[0] = '"';
    wcscpy(cmdline + 1, path);
    wcscat(cmdline, L"\"");
    if (!(env = helper_environment(token, port, &env_chars))) return WN_LAUNCH_FAILED;
    ok = CreateProcessW(path, cmdline, NULL, NULL, FALSE, CREATE_UNICODE_ENVIRONMENT | CREATE_NO_WINDOW, env,
                        NULL, &si, &pi);
    if (!ok) err = GetLastError();
    SecureZeroMemory(env, env_chars * sizeof(WCHAR));
    HeapFree(GetProcessHeap(), 0, env);
    if (ok)
    {
        /* Without a process handle (a Linux program under Wine 8) hThread is garbage from Wine's stack, not a
         * handle: closing it closed a random handle of the program, once per helper start. */
        if (pi.hProcess)
        {
            CloseHandle(pi.hThread);
            CloseHandle(pi.hProcess);
        }
        return WN_LAUNCH_OK;
    }
    switch (err)
    {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
        missing_helper(path, how);
        return WN_LAUNCH_UNUSABLE;
    case ERROR_BAD_EXE_FORMAT:
    case ERROR_ACCESS_DENIED:
        ERR_ONCE("exec", "cannot run the helper %s (error %lu): it must be the winenotify-host built for this "
                 "machine, with execute permission (chmod +x %s); no network or device notifications, falling "
                 "back to the system's functions\n", unix_name(path, name, sizeof(name)), err, name);
        return WN_LAUNCH_UNUSABLE;
    }
    ERR_ONCE("start", "cannot start the helper %ls (error %lu)\n", path, err);
    return WN_LAUNCH_FAILED;
}

struct candidate
{
    SOCKET sock;
    unsigned int order;          /* of acceptance */
    size_t got;
    uint8_t buf[HELLO_SIZE];
};

enum hello_check { HELLO_GOOD, HELLO_BAD, HELLO_VERSION };

static enum hello_check check_hello(const struct candidate *c, const uint8_t *token, uint32_t *pid)
{
    struct wn_wire_record rec;
    unsigned int diff = 0;
    int i;

    if (wn_wire_decode(c->buf, c->got, &rec) != (long)HELLO_SIZE || rec.type != WN_WIRE_HELLO) return HELLO_BAD;
    /* Whole-token comparison: the time taken says nothing about how many bytes matched. */
    for (i = 0; i < WN_WIRE_TOKEN_SIZE; i++) diff |= rec.u.hello.token[i] ^ token[i];
    if (diff) return HELLO_BAD;
    *pid = rec.u.hello.pid;
    return rec.u.hello.version == WN_WIRE_VERSION ? HELLO_GOOD : HELLO_VERSION;
}

static void drop(struct candidate *c, int *count, int i)
{
    closesocket(c[i].sock);
    c[i] = c[--*count];
}

/* Makes room for a new connection by dropping the one waiting longest: connections that never say anything
 * must not lock the helper out (it says HELLO as soon as it connects). */
static void drop_oldest(struct candidate *c, int *count)
{
    int i, oldest = 0;

    for (i = 1; i < *count; i++)
        if (c[i].order < c[oldest].order) oldest = i;
    WARN("%d connections waiting to prove themselves: dropping the oldest\n", *count);
    drop(c, count, oldest);
}

/* Whether a connection to our own listener gets through, when the helper's did not: with the loopback interface
 * down (a fresh network namespace) 127.0.0.1 is unreachable although listening on it works. */
static BOOL loopback_works(SOCKET listener)
{
    struct sockaddr_in addr;
    int len = sizeof(addr), err = 0, err_len = sizeof(err);
    u_long nonblocking = 1;
    struct timeval tv = { 1, 0 };
    fd_set writable, failed;
    SOCKET s;
    BOOL works = FALSE;

    if (getsockname(listener, (struct sockaddr *)&addr, &len)) return TRUE;
    if ((s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)) == INVALID_SOCKET) return TRUE;
    ioctlsocket(s, FIONBIO, &nonblocking);
    if (!connect(s, (struct sockaddr *)&addr, sizeof(addr))) works = TRUE;
    else if (WSAGetLastError() == WSAEWOULDBLOCK)
    {
        FD_ZERO(&writable);
        FD_ZERO(&failed);
        FD_SET(s, &writable);
        FD_SET(s, &failed);
        if (select(0, NULL, &writable, &failed, &tv) > 0 && FD_ISSET(s, &writable) &&
            !getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&err, &err_len) && !err)
            works = TRUE;
    }
    if (!works && !err) err = WSAGetLastError();
    TRACE("loopback probe: %s (error %d)\n", works ? "reachable" : "unreachable", err);
    closesocket(s);
    return works;
}

/* Accepts connections until one says HELLO with our token, or the deadline passes. */
static enum wn_launch_result await_helper(SOCKET listener, const uint8_t *token, DWORD timeout_ms,
                                          struct wn_launch *out)
{
    struct candidate cand[MAX_PENDING];
    ULONGLONG deadline = GetTickCount64() + timeout_ms, now;
    enum wn_launch_result result = WN_LAUNCH_FAILED;
    unsigned int accepted = 0;
    int count = 0, i;

    while ((now = GetTickCount64()) < deadline)
    {
        struct timeval tv;
        fd_set readable;
        int n;

        tv.tv_sec = (long)((deadline - now) / 1000);
        tv.tv_usec = (long)((deadline - now) % 1000) * 1000;
        FD_ZERO(&readable);
        FD_SET(listener, &readable);
        for (i = 0; i < count; i++) FD_SET(cand[i].sock, &readable);
        if ((n = select(0, &readable, NULL, NULL, &tv)) == SOCKET_ERROR)
        {
            ERR("select failed: %d\n", WSAGetLastError());
            break;
        }
        if (!n) continue;

        for (i = count - 1; i >= 0; i--)
        {
            struct candidate *c = &cand[i];
            enum hello_check check;
            int got;

            if (!FD_ISSET(c->sock, &readable)) continue;
            /* Exactly the HELLO: what follows it (the snapshot) is the reader's. */
            got = recv(c->sock, (char *)c->buf + c->got, (int)(HELLO_SIZE - c->got), 0);
            if (got <= 0)
            {
                drop(cand, &count, i);
                continue;
            }
            if ((c->got += got) < HELLO_SIZE) continue;
            check = check_hello(c, token, &out->helper_pid);
            if (check == HELLO_GOOD)
            {
                BOOL nodelay = TRUE;

                out->sock = c->sock;
                SetHandleInformation((HANDLE)out->sock, HANDLE_FLAG_INHERIT, 0);
                setsockopt(out->sock, IPPROTO_TCP, TCP_NODELAY, (const char *)&nodelay, sizeof(nodelay));
                cand[i] = cand[--count];
                result = WN_LAUNCH_OK;
                goto done;
            }
            if (check == HELLO_VERSION)
            {
                ERR_ONCE("version", "the helper speaks another protocol version than this DLL (%u): install the "
                         "winenotify-host that came with it; falling back to the system's functions\n",
                         WN_WIRE_VERSION);
                result = WN_LAUNCH_UNUSABLE;
                goto done;
            }
            WARN("dropping a connection that did not present the token\n");
            drop(cand, &count, i);
        }

        if (FD_ISSET(listener, &readable))
        {
            SOCKET s = accept(listener, NULL, NULL);

            if (s == INVALID_SOCKET) continue;
            if (count == MAX_PENDING) drop_oldest(cand, &count);
            cand[count].sock = s;
            cand[count].order = accepted++;
            cand[count].got = 0;
            count++;
        }
    }
    if (result != WN_LAUNCH_OK)
    {
        if (!loopback_works(listener))
        {
            /* Not given up: lo may come up, and the reader retries a few times (said once all the same). */
            ERR_ONCE("loopback", "the helper cannot connect to this program: 127.0.0.1 is unreachable here (the "
                     "loopback interface is down in this network namespace; bring it up: ip link set lo up); "
                     "until it connects, no network or device notifications: the system's functions answer\n");
        }
        else ERR_ONCE("connect", "the helper did not connect within %lu ms (retrying; WINEDEBUG=+winenotify "
                      "shows why)\n", timeout_ms);
    }
done:
    while (count) drop(cand, &count, count - 1);
    return result;
}

enum wn_launch_result wn_helper_launch(struct wn_launch *out, DWORD timeout_ms)
{
    WCHAR path[PATH_SIZE];
    const WCHAR *how = L"";
    uint8_t token[WN_WIRE_TOKEN_SIZE];
    unsigned short port = 0;
    enum wn_launch_result result;
    SOCKET listener;
    DWORD attrs;

    out->sock = INVALID_SOCKET;
    out->helper_pid = 0;
    if (!find_helper(path, ARRAYSIZE(path), &how))
    {
        ERR_ONCE("path", "cannot make the helper's path (%ls): set WINENOTIFY_HOST to the full path of "
                 "winenotify-host; falling back to the system's functions\n", how);
        return WN_LAUNCH_UNUSABLE;
    }
    attrs = GetFileAttributesW(path);
    if (attrs == INVALID_FILE_ATTRIBUTES || (attrs & FILE_ATTRIBUTE_DIRECTORY))
    {
        missing_helper(path, how);
        return WN_LAUNCH_UNUSABLE;
    }
    if (!RtlGenRandom(token, sizeof(token)))
    {
        ERR("no random token (error %lu)\n", GetLastError());
        return WN_LAUNCH_FAILED;
    }
    if ((listener = listen_loopback(&port)) == INVALID_SOCKET)
    {
        ERR_ONCE("listen", "cannot listen on 127.0.0.1 (error %d): the helper connects to this program over the "
                 "loopback interface (ip link set lo up); retrying\n", WSAGetLastError());
        SecureZeroMemory(token, sizeof(token));
        return WN_LAUNCH_FAILED;
    }
    TRACE("starting %ls, port %u\n", path, port);
    result = start_helper(path, how, token, port);
    if (result == WN_LAUNCH_OK) result = await_helper(listener, token, timeout_ms, out);
    closesocket(listener);
    SecureZeroMemory(token, sizeof(token));
    if (result == WN_LAUNCH_OK) TRACE("helper %ls connected, pid %u\n", path, out->helper_pid);
    return result;
}
