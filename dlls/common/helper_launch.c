/* Starting the host helper (see helper_launch.h).
 *
 * We listen on 127.0.0.1 on a port of the system's choosing and start the helper with that port and the name of
 * a file that does not exist yet on its command line (host/handshake.h).  The helper makes a fresh 128-bit token,
 * writes it into that file (created exclusively, readable by our user only) and presents it in its HELLO; the
 * first connection whose HELLO matches the file is the helper, any other is dropped, and the listener is closed
 * and the file deleted as soon as the helper is in (or we give up).  The token never travels on a command line,
 * which any local user can read in /proc/PID/cmdline.
 *
 * The helper is started with ntdll's __wine_unix_spawnvp (see start_helper), so it cannot be waited for or
 * killed through Windows: it reports its own pid in the HELLO and exits by itself when its connection closes.
 * Nothing of the handshake is in its environment: it runs with the Wine process's Unix environment (under
 * Wine 11 even when started with CreateProcessW and an environment block of ours, measured), while its command
 * line always arrives as given. */
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

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Where the helper leaves its token: a fresh name in our temporary folder, which Wine made in the prefix with the
 * user's rights (the helper refuses a folder other users may write to), as the Windows path we read and delete
 * and as the Unix path the helper is given. */
struct token_file
{
    WCHAR path[MAX_PATH + 40];
    char unix_path[PATH_SIZE];
};

/* A token file outlives its launch only when both the program and its helper were killed within the moment
 * between the helper writing it and the program reading it.  Every launch removes such leftovers: a file older
 * than a minute belongs to no launch still waiting (one waits a few seconds at most). */
static void sweep_token_files(const WCHAR *dir)
{
    WCHAR pattern[MAX_PATH + 32], path[MAX_PATH + 300];
    WIN32_FIND_DATAW data;
    ULARGE_INTEGER now, written;
    FILETIME ft;
    HANDLE find;

    swprintf(pattern, ARRAYSIZE(pattern), L"%lswinenotify-*.token", dir);
    if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE) return;
    GetSystemTimeAsFileTime(&ft);
    now.LowPart = ft.dwLowDateTime;
    now.HighPart = ft.dwHighDateTime;
    do
    {
        written.LowPart = data.ftLastWriteTime.dwLowDateTime;
        written.HighPart = data.ftLastWriteTime.dwHighDateTime;
        if (now.QuadPart - written.QuadPart < 60 * 10000000ULL) continue;
        swprintf(path, ARRAYSIZE(path), L"%ls%ls", dir, data.cFileName);
        if (DeleteFileW(path)) TRACE("removed a token file left by a killed launch: %ls\n", path);
    } while (FindNextFileW(find, &data));
    FindClose(find);
}

static BOOL make_token_file_name(struct token_file *tf)
{
    char *(CDECL *to_unix)(const WCHAR *);
    WCHAR dir[MAX_PATH + 1];
    DWORD id[2], n = GetTempPathW(ARRAYSIZE(dir), dir);
    char *unix_dir;
    int len;

    if (!n || n >= ARRAYSIZE(dir) || dir[n - 1] != '\\') return FALSE;
    to_unix = (void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "wine_get_unix_file_name");
    if (!to_unix || !RtlGenRandom(id, sizeof(id))) return FALSE;
    sweep_token_files(dir);
    swprintf(tf->path, ARRAYSIZE(tf->path), L"%lswinenotify-%08lx%08lx.token", dir, id[0], id[1]);
    if (!(unix_dir = to_unix(dir))) return FALSE;
    len = snprintf(tf->unix_path, sizeof(tf->unix_path), "%s%swinenotify-%08lx%08lx.token", unix_dir,
                   *unix_dir && unix_dir[strlen(unix_dir) - 1] == '/' ? "" : "/", id[0], id[1]);
    HeapFree(GetProcessHeap(), 0, unix_dir);
    return len > 0 && (size_t)len < sizeof(tf->unix_path);
}

/* The token the helper left, or FALSE when there is none (yet) or it is not one. */
static BOOL read_token_file(const struct token_file *tf, uint8_t *token)
{
    char hex[2 * WN_WIRE_TOKEN_SIZE + 1];
    DWORD got = 0;
    HANDLE file;
    BOOL ok;
    int i;

    file = CreateFileW(tf->path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                       OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    ok = ReadFile(file, hex, sizeof(hex), &got, NULL) && got == 2 * WN_WIRE_TOKEN_SIZE;
    CloseHandle(file);
    for (i = 0; ok && i < WN_WIRE_TOKEN_SIZE; i++)
    {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) ok = FALSE;
        else token[i] = (uint8_t)(hi << 4 | lo);
    }
    SecureZeroMemory(hex, sizeof(hex));
    return ok;
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

/* Wine's own way for its programs to run a Unix one (winebrowser and winemenubuilder use it): fork, then execvp
 * in a grandchild, reporting an exec failure as an NTSTATUS.  Exported by ntdll in Wine 8.0, 10.0 and 11.0, for
 * 32-bit programs too.  CreateProcess is no use for our helper: Wine takes an ELF of type ET_DYN without an
 * interpreter, which a static PIE is (host/Makefile.am says why the helper is one), for a Wine program of its
 * own and starts a Wine process on it, which fails (measured under Wine 11: STATUS_INVALID_IMAGE_FORMAT). */
typedef NTSTATUS (WINAPI *unix_spawnvp_fn)(char *const argv[], int wait);

#define STATUS_OBJECT_NAME_NOT_FOUND_ ((NTSTATUS)0xc0000034)
#define STATUS_OBJECT_PATH_NOT_FOUND_ ((NTSTATUS)0xc000003a)
#define STATUS_ACCESS_DENIED_ ((NTSTATUS)0xc0000022)
#define STATUS_INVALID_IMAGE_FORMAT_ ((NTSTATUS)0xc000007b)

#define MAX_SETTINGS 8   /* as host/handshake.h's HANDSHAKE_MAX_ENV */

/* In the case the helper takes them (it refuses its whole command line on a name it does not know). */
static BOOL is_helper_setting(const WCHAR *entry)
{
    const WCHAR *eq = wcschr(entry, '=');

    return (!wcsncmp(entry, L"WINENOTIFY_HOST_", 16) && eq > entry + 16) || !wcsncmp(entry, L"WINENOTIFY_SWD_DIR=", 19);
}

/* The helper's own settings from our Windows environment, as "NAME=VALUE" in UTF-8 (host/handshake.h says why they
 * travel on its command line); returns how many, the strings in one HeapAlloc'd block at *block. */
static unsigned int helper_settings(char **settings, char **block)
{
    WCHAR *env = GetEnvironmentStringsW();
    const WCHAR *p;
    unsigned int n = 0;
    size_t size = 0, used = 0;
    int len;

    *block = NULL;
    if (!env) return 0;
    for (p = env; *p; p += wcslen(p) + 1)
        if (is_helper_setting(p)) size += 3 * wcslen(p) + 1;
    if (size && (*block = HeapAlloc(GetProcessHeap(), 0, size)))
        for (p = env; *p && n < MAX_SETTINGS; p += wcslen(p) + 1)
        {
            if (!is_helper_setting(p)) continue;
            if (!(len = WideCharToMultiByte(CP_UTF8, 0, p, -1, *block + used, (int)(size - used), NULL, NULL)))
                continue;
            settings[n++] = *block + used;
            used += len;
        }
    FreeEnvironmentStringsW(env);
    return n;
}

/* Its command line, in the order host/handshake.h documents: the port, the token file, our debug classes, then
 * its own settings from our environment. */
static enum wn_launch_result start_helper(const WCHAR *path, const WCHAR *how, unsigned short port,
                                          const struct token_file *tf)
{
    unix_spawnvp_fn spawnvp = (void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "__wine_unix_spawnvp");
    char helper[PATH_SIZE], port_text[8], debug_text[8], *settings[MAX_SETTINGS], *block;
    char *argv[8 + 2 * MAX_SETTINGS];
    unsigned int i, n;
    NTSTATUS status;

    if (!spawnvp)
    {
        ERR_ONCE("spawn", "this Wine has no way to start the helper (ntdll.__wine_unix_spawnvp is missing; Wine "
                 "8.0 and later have it); no network or device notifications, falling back to the system's "
                 "functions\n");
        return WN_LAUNCH_UNUSABLE;
    }
    if (unix_name(path, helper, sizeof(helper))[0] != '/')
    {
        missing_helper(path, how);
        return WN_LAUNCH_UNUSABLE;
    }
    snprintf(port_text, sizeof(port_text), "%u", port);
    /* The helper's messages come back as LOG records of these classes only (see wire.h). */
    snprintf(debug_text, sizeof(debug_text), "%u", wn_debug_mask());
    argv[0] = helper;
    argv[1] = (char *)"--port";
    argv[2] = port_text;
    argv[3] = (char *)"--token-file";
    argv[4] = (char *)tf->unix_path;
    argv[5] = (char *)"--debug";
    argv[6] = debug_text;
    n = helper_settings(settings, &block);
    for (i = 0; i < n; i++)
    {
        argv[7 + 2 * i] = (char *)"--env";
        argv[8 + 2 * i] = settings[i];
    }
    argv[7 + 2 * n] = NULL;
    status = spawnvp(argv, FALSE);
    HeapFree(GetProcessHeap(), 0, block);
    if (!status) return WN_LAUNCH_OK;
    switch (status)
    {
    case STATUS_OBJECT_NAME_NOT_FOUND_:
    case STATUS_OBJECT_PATH_NOT_FOUND_:
        missing_helper(path, how);
        return WN_LAUNCH_UNUSABLE;
    case STATUS_ACCESS_DENIED_:
    case STATUS_INVALID_IMAGE_FORMAT_:
        ERR_ONCE("exec", "cannot run the helper %s (%s): it must be the winenotify-host built for this machine, "
                 "with execute permission (chmod +x %s); no network or device notifications, falling back to "
                 "the system's functions\n", helper,
                 status == STATUS_ACCESS_DENIED_ ? "permission denied" : "not a program for this machine", helper);
        return WN_LAUNCH_UNUSABLE;
    }
    ERR_ONCE("start", "cannot start the helper %s (status %#lx)\n", helper, (unsigned long)status);
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

static enum hello_check check_hello(const struct candidate *c, const struct token_file *tf, uint32_t *pid)
{
    struct wn_wire_record rec;
    uint8_t token[WN_WIRE_TOKEN_SIZE];
    unsigned int diff = 0;
    int i;

    if (wn_wire_decode(c->buf, c->got, &rec) != (long)HELLO_SIZE || rec.type != WN_WIRE_HELLO) return HELLO_BAD;
    /* Read at each HELLO: a connection that speaks before the helper wrote the file finds none and is dropped. */
    if (!read_token_file(tf, token)) return HELLO_BAD;
    /* Whole-token comparison: the time taken says nothing about how many bytes matched. */
    for (i = 0; i < WN_WIRE_TOKEN_SIZE; i++) diff |= rec.u.hello.token[i] ^ token[i];
    SecureZeroMemory(token, sizeof(token));
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
static enum wn_launch_result await_helper(SOCKET listener, const struct token_file *tf, DWORD timeout_ms,
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
            check = check_hello(c, tf, &out->helper_pid);
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
    struct token_file tf;
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
    if (!make_token_file_name(&tf))
    {
        ERR_ONCE("tokenfile", "no temporary folder with a Unix path for the helper's token (error %lu): check "
                 "that TMP names an existing folder; falling back to the system's functions\n", GetLastError());
        return WN_LAUNCH_UNUSABLE;
    }
    if ((listener = listen_loopback(&port)) == INVALID_SOCKET)
    {
        ERR_ONCE("listen", "cannot listen on 127.0.0.1 (error %d): the helper connects to this program over the "
                 "loopback interface (ip link set lo up); retrying\n", WSAGetLastError());
        return WN_LAUNCH_FAILED;
    }
    TRACE("starting %ls, port %u, token file %s\n", path, port, tf.unix_path);
    result = start_helper(path, how, port, &tf);
    if (result == WN_LAUNCH_OK) result = await_helper(listener, &tf, timeout_ms, out);
    closesocket(listener);
    /* Read or not, the token is done with: a late helper's connection finds no listener. */
    DeleteFileW(tf.path);
    if (result == WN_LAUNCH_OK) TRACE("helper %ls connected, pid %u\n", path, out->helper_pid);
    return result;
}
