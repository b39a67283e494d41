/* The handshake between our DLL and its helper, attacked from the host (Wine only: on Windows there is no
 * helper, our DLLs pass through).
 *
 * A child process is given as WINENOTIFY_HOST a script that plays a local attacker who has found the DLL's
 * listening port: before the real helper connects, it opens four connections of its own (garbage, a HELLO
 * with a token one bit off, half a HELLO left hanging, one that says nothing), keeps them open, then runs the
 * real helper.  The child registers NotifyUnicastIpAddressChange through our iphlpapi and must get a working
 * source; then:
 *   - each of the four connections is closed by the DLL, and a connection tried after the handshake is
 *     refused: no TCP port is left listening in the network namespace (/proc/net/tcp and tcp6);
 *   - no token file is left in the temporary folder once the helper is in, and nothing of the handshake is in
 *     any process's environment (the token itself on no command line: core.c and tests/test_helper_wire.c);
 *   - /proc/PID/environ of the helpers and of the Wine processes is mode 0400 and another user (nobody)
 *     cannot read it;
 *   - an address the parent then adds reaches the child's callback: the real connection was not disturbed.
 * The parent hears of its own host commands through its own registration (WAIT_MS bounds every wait). */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "fakehelper.h"
#include "unix.h"
#include "winenotify/wire.h"

#define WAIT_MS 10000
#define CHILD_ADDRESS "127.79.0.1"

static char unix_cwd[1024];

/* ---- addresses heard of, for waiting on host commands ------------------------------------------------------ */

struct heard
{
    CRITICAL_SECTION cs;
    HANDLE event;
    unsigned int count;
    struct { IN_ADDR addr; MIB_NOTIFICATION_TYPE type; } v[256];
};

static void WINAPI on_address(void *context, MIB_UNICASTIPADDRESS_ROW *row, MIB_NOTIFICATION_TYPE type)
{
    struct heard *h = context;

    if (!row || row->Address.si_family != AF_INET) return;
    EnterCriticalSection(&h->cs);
    if (h->count < ARRAY_SIZE(h->v))
    {
        h->v[h->count].addr = row->Address.Ipv4.sin_addr;
        h->v[h->count].type = type;
        h->count++;
    }
    LeaveCriticalSection(&h->cs);
    SetEvent(h->event);
}

static BOOL heard_of(struct heard *h, const char *text, MIB_NOTIFICATION_TYPE type)
{
    ULONGLONG deadline = GetTickCount64() + WAIT_MS;
    IN_ADDR want;
    unsigned int i;

    inet_pton(AF_INET, text, &want);
    for (;;)
    {
        EnterCriticalSection(&h->cs);
        for (i = 0; i < h->count; i++)
            if (h->v[i].addr.s_addr == want.s_addr && h->v[i].type == type) break;
        LeaveCriticalSection(&h->cs);
        if (i < h->count) return TRUE;
        if (GetTickCount64() >= deadline) return FALSE;
        WaitForSingleObject(h->event, (DWORD)(deadline - GetTickCount64()));
    }
}

static BOOL listen_addresses(struct heard *h, HANDLE *handle)
{
    DWORD ret;

    InitializeCriticalSection(&h->cs);
    h->event = CreateEventW(NULL, FALSE, FALSE, NULL);
    h->count = 0;
    ret = NotifyUnicastIpAddressChange(AF_INET, on_address, h, FALSE, handle);
    ok(ret == NO_ERROR, "NotifyUnicastIpAddressChange: %lu\n", ret);
    return ret == NO_ERROR;
}

/* Runs a shell script in our directory and waits until it has run: it ends by adding an address to lo, which
 * our own registration hears of. */
static struct heard parent_heard;
static unsigned int acks;

static BOOL run_unix_wait(const char *fmt, ...) WINETEST_PRINTF_ATTR(1, 2);
static BOOL run_unix_wait(const char *fmt, ...)
{
    char script[3072], ack[32];
    va_list args;
    int n;

    va_start(args, fmt);
    n = vsnprintf(script, sizeof(script) - 64, fmt, args);
    va_end(args);
    acks++;
    snprintf(ack, sizeof(ack), "127.78.%u.%u", acks / 250, acks % 250 + 1);
    snprintf(script + n, sizeof(script) - n, "; ip addr add %s/32 dev lo", ack);
    if (!winetest_run_unix(unix_cwd, script)) return FALSE;
    if (heard_of(&parent_heard, ack, MibAddInstance)) return TRUE;
    ok(0, "the command did not finish: %s\n", script);
    return FALSE;
}


/* ---- the child ------------------------------------------------------------------------------------------- */

static void child_main(void)
{
    HANDLE up = OpenEventW(EVENT_MODIFY_STATE, FALSE, L"winenotify_security_child_up");
    HANDLE quit = OpenEventW(SYNCHRONIZE, FALSE, L"winenotify_security_child_quit");
    HANDLE handle = NULL;
    struct heard heard;

    if (!listen_addresses(&heard, &handle)) return;
    SetEvent(up);
    ok(heard_of(&heard, CHILD_ADDRESS, MibAddInstance), "the child did not hear of " CHILD_ADDRESS "\n");
    /* Alive while the parent looks at our process. */
    ok(WaitForSingleObject(quit, 6 * WAIT_MS) == WAIT_OBJECT_0, "the parent never said to quit\n");
    ok(CancelMibChangeNotify2(handle) == NO_ERROR, "cancel failed\n");
    CloseHandle(up);
    CloseHandle(quit);
}

/* ---- the parent ------------------------------------------------------------------------------------------ */

/* A format: our Unix directory, the protocol version, our Unix directory again.  The script makes a token file
 * of its own first, as the real helper would, so that its HELLO with a token one bit off is compared with the
 * file and refused for that bit alone; it removes the file before the real helper makes it afresh.  The rogue
 * connections stay with a process of their own, which waits for the DLL to close each of them and then tries
 * the port once more. */
static const char rogue_script[] =
    "#!/bin/bash\n"
    "cd '%s' || exit 1\n"
    FAKE_HELPER_HANDSHAKE
    "echo \"$token_file\" > token_file.txt\n"
    "last=$(printf %%x $(( 0x${token:31:1} ^ 1 )))\n"
    "wrong=$(printf %%s \"${token:0:31}$last\" | sed 's/../\\\\x&/g')\n"
    "exec 3<>/dev/tcp/127.0.0.1/$port 4<>/dev/tcp/127.0.0.1/$port 5<>/dev/tcp/127.0.0.1/$port "
    "6<>/dev/tcp/127.0.0.1/$port || exit 1\n"
    "printf 'GET / HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3\n"
    "printf '\\x20\\x00\\x00\\x00\\x01\\x00\\x00\\x00' >&4\n"
    "printf \"$wrong\" >&4\n"
    "printf '\\x%02x\\x00\\x00\\x00\\x01\\x00\\x00\\x00' >&4\n"
    "printf '\\x20\\x00\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00' >&5\n"
    /* More silent ones than the DLL lets wait at once (8): they must not lock the helper out. */
    "for fd in 10 11 12 13 14 15 16 17 18; do eval \"exec $fd<>/dev/tcp/127.0.0.1/$port\"; done\n"
    "port=$port bash -c '"
    "for fd in 3 4 5 6 10 11 12 13 14 15 16 17 18; do timeout 30 cat <&$fd > /dev/null; echo \"fd $fd: $?\"; done "
    "> rogue.tmp; "
    "if (exec 7<>/dev/tcp/127.0.0.1/$port) 2> /dev/null; then echo late: connected; else echo late: refused; fi "
    ">> rogue.tmp; mv rogue.tmp rogue.txt' < /dev/null > /dev/null 2>&1 &\n"
    "exec 3>&- 4>&- 5>&- 6>&- 10>&- 11>&- 12>&- 13>&- 14>&- 15>&- 16>&- 17>&- 18>&-\n"
    /* Let the DLL read the HELLO one bit off against our file before the real helper's takes its place. */
    "sleep 0.5; rm -f \"$token_file\"\n"
    "exec '%s/winenotify-host' \"$@\"\n";

static void check_rogues(void)
{
    char *text;
    int fd;

    /* The rogue process ends by itself once the DLL has closed its four connections (or after 4 x 30 s). */
    run_unix_wait("i=0; while [ ! -f rogue.txt ] && [ $i -lt 1300 ]; do sleep 0.1; i=$((i+1)); done");
    text = winetest_read_file("rogue.txt", NULL);
    ok(text != NULL, "the rogue connections were never closed\n");
    if (!text) return;
    for (fd = 3; fd <= 18; fd++)
    {
        char line[16], *p;

        if (fd > 6 && fd < 10) continue;
        /* cat's status: 0 at the end of the stream, 1 when reset (the DLL closed it with unread garbage), 124
         * when timeout had to end it. */
        snprintf(line, sizeof(line), "fd %d: ", fd);
        p = strstr(text, line);
        ok(p && (p[strlen(line)] == '0' || p[strlen(line)] == '1') && p[strlen(line) + 1] == '\n',
           "rogue connection %d was not closed by the DLL: %s\n", fd, text);
    }
    ok(strstr(text, "late: refused") != NULL, "a connection after the handshake was not refused: %s\n", text);
    free(text);
}

static void check_no_listener(void)
{
    char *text;

    /* Column 4 of /proc/net/tcp{,6} is the state; 0A is LISTEN. */
    run_unix_wait("cat /proc/net/tcp /proc/net/tcp6 | awk '$4 == \"0A\"' > listening.txt");
    text = winetest_read_file("listening.txt", NULL);
    ok(text && !*text, "TCP ports still listening in our namespace: %s\n", text ? text : "(none read)");
    free(text);
}

/* The token lives in a file of the helper's user until the DLL has read it: none is left once the helper is in,
 * and nothing of the handshake is in any process's environment. */
static void check_token_nowhere(void)
{
    char *name, *text;

    name = winetest_read_file("token_file.txt", NULL);
    ok(name && name[0] == '/', "the script did not say where the token file is: %s\n", name ? name : "(none)");
    if (!name || name[0] != '/') goto done;
    /* The real helper's file: the same folder, another name; the script's own it removed itself. */
    /* No double quotes: the script travels inside a quoted Windows command line (unix.h). */
    run_unix_wait("d=$(dirname $(cat token_file.txt)); ls -a $d | grep -c '^winenotify-.*[.]token$' > left.txt; "
                  "grep -las 'WINENOTIFY_TOKEN\\|WINENOTIFY_PORT' /proc/[0-9]*/environ >> left.txt; "
                  "echo scanned >> left.txt; rm -f token_file.txt");
    text = winetest_read_file("left.txt", NULL);
    ok(text && !strcmp(text, "0\nscanned\n"), "token files left, or handshake variables in: %s\n",
       text ? text : "(no scan)");
    free(text);
done:
    free(name);
}

static void check_environ_private(void)
{
    char *text;
    unsigned int n = 0;
    const char *p;

    /* The helpers and the Wine processes of this test (the parent, the child, their wineserver). */
    run_unix_wait("for p in $(pgrep -f 'winenotify-hos[t]|security[.]exe|wineserve[r]'); do "
                  "m=$(stat -c %%a /proc/$p/environ) || continue; "
                  "if setpriv --reuid=65534 --regid=65534 --clear-groups cat /proc/$p/environ > /dev/null 2>&1; "
                  "then r=readable; else r=closed; fi; echo $p $m $r; done > environ.txt");
    text = winetest_read_file("environ.txt", NULL);
    ok(text && *text, "no process checked\n");
    for (p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
    {
        unsigned int pid = 0, mode = 0;
        char state[16] = "";

        if (sscanf(p, "%u %o %15s", &pid, &mode, state) != 3) continue;
        n++;
        ok(!(mode & 077), "/proc/%u/environ is mode %o\n", pid, mode);
        ok(!strcmp(state, "closed"), "nobody can read /proc/%u/environ\n", pid);
    }
    ok(n >= 3, "%u processes checked: %s\n", n, text ? text : "");
    free(text);
}

static void test_rogue_connections(void)
{
    HANDLE up = CreateEventW(NULL, TRUE, FALSE, L"winenotify_security_child_up");
    HANDLE quit = CreateEventW(NULL, TRUE, FALSE, L"winenotify_security_child_quit"), child;
    char script[4096], host_unix[1100];
    WCHAR host[1100];
    DWORD code = 0xdeadbeef;

    DeleteFileA("rogue.txt");
    DeleteFileA("token_file.txt");
    snprintf(script, sizeof(script), rogue_script, unix_cwd, WN_WIRE_VERSION, unix_cwd);
    ok(winetest_write_file("rogue.sh", script), "cannot write rogue.sh\n");
    run_unix_wait("chmod +x rogue.sh");
    snprintf(host_unix, sizeof(host_unix), "%s/rogue.sh", unix_cwd);
    MultiByteToWideChar(CP_UTF8, 0, host_unix, -1, host, ARRAY_SIZE(host));
    if (!(child = winetest_start_child("security child", host))) goto done;
    ok(WaitForSingleObject(up, WAIT_MS) == WAIT_OBJECT_0, "the child did not come up\n");

    check_rogues();
    /* The real connection goes on (the child checks that it hears of this). */
    run_unix_wait("ip addr add " CHILD_ADDRESS "/32 dev lo");
    check_no_listener();
    check_token_nowhere();
    check_environ_private();

    SetEvent(quit);
    ok(WaitForSingleObject(child, WAIT_MS) == WAIT_OBJECT_0, "the child did not exit\n");
    GetExitCodeProcess(child, &code);
    ok(code == 0, "the child failed %lu checks\n", code);
    CloseHandle(child);
    run_unix_wait("ip addr del " CHILD_ADDRESS "/32 dev lo");
done:
    CloseHandle(up);
    CloseHandle(quit);
}

START_TEST(security)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);
    HANDLE handle = NULL;
    WSADATA wsa;

    WSAStartup(MAKEWORD(2, 2), &wsa);
    if (argc >= 3 && !strcmp(argv[2], "child"))
    {
        child_main();
        return;
    }
    if (!winetest_platform_is_wine)
    {
        skip("the helper and its handshake exist under Wine only; on Windows our DLLs pass through\n");
        return;
    }
    if (!winetest_unix_cwd(unix_cwd, sizeof(unix_cwd))) return;

    if (!listen_addresses(&parent_heard, &handle)) return;
    test_rogue_connections();
    CancelMibChangeNotify2(handle);
}
