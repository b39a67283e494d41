#include "debug.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Layout and meaning shared with Wine's ntdll: the flags byte is 0xff until ntdll has parsed WINEDEBUG for
 * this channel, then bit N is set when debug class N is enabled. */
struct wine_debug_channel
{
    unsigned char flags;
    char name[15];
};

static struct wine_debug_channel channel = { 0xff, "winenotify" };

static unsigned char (__cdecl *p_get_channel_flags)(struct wine_debug_channel *);
static int (__cdecl *p_dbg_header)(enum wn_debug_class, struct wine_debug_channel *, const char *);
static int (__cdecl *p_dbg_output)(const char *);

static INIT_ONCE init_once = INIT_ONCE_STATIC_INIT;
static BOOL on_wine;
static unsigned char windows_flags;

/* On Windows nobody parses WINEDEBUG for us; understand its common forms: -all, +all, +winenotify,
 * -winenotify, and class prefixes such as trace+winenotify. */
static unsigned char parse_winedebug(const char *spec)
{
    unsigned char flags = (1 << WN_DBG_FIXME) | (1 << WN_DBG_ERR);
    char buf[256], *item, *next;

    if (!spec) return flags;
    lstrcpynA(buf, spec, sizeof(buf));
    for (item = buf; item; item = next)
    {
        static const char *const classes[] = { "fixme", "err", "warn", "trace" };
        unsigned char mask = 0xf;
        char *op;
        int i;

        if ((next = strchr(item, ','))) *next++ = 0;
        if (!(op = strpbrk(item, "+-"))) continue;
        if (op != item)
        {
            mask = 0;
            for (i = 0; i < 4; i++)
                if ((size_t)(op - item) == strlen(classes[i]) && !strncmp(item, classes[i], op - item))
                    mask = 1 << i;
        }
        if (strcmp(op + 1, "all") && strcmp(op + 1, channel.name)) continue;
        if (*op == '+') flags |= mask;
        else flags &= ~mask;
    }
    return flags;
}

static BOOL CALLBACK init_debug(INIT_ONCE *once, void *param, void **context)
{
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    char value[256];

    (void)once; (void)param; (void)context;
    on_wine = ntdll && GetProcAddress(ntdll, "wine_get_version");
    if (on_wine)
    {
        p_get_channel_flags = (void *)GetProcAddress(ntdll, "__wine_dbg_get_channel_flags");
        p_dbg_header = (void *)GetProcAddress(ntdll, "__wine_dbg_header");
        p_dbg_output = (void *)GetProcAddress(ntdll, "__wine_dbg_output");
        if (p_get_channel_flags && p_dbg_header && p_dbg_output) return TRUE;
        p_get_channel_flags = NULL;
    }
    windows_flags = parse_winedebug(GetEnvironmentVariableA("WINEDEBUG", value, sizeof(value)) ? value : NULL);
    return TRUE;
}

static void init(void)
{
    InitOnceExecuteOnce(&init_once, init_debug, NULL, NULL);
}

BOOL wn_running_on_wine(void)
{
    init();
    return on_wine;
}

BOOL wn_debug_on(enum wn_debug_class cls)
{
    init();
    if (p_get_channel_flags) return (p_get_channel_flags(&channel) >> cls) & 1;
    return (windows_flags >> cls) & 1;
}

void wn_debug_log(enum wn_debug_class cls, const char *function, const char *format, ...)
{
    static const char *const names[] = { "fixme", "err", "warn", "trace" };
    DWORD saved_error = GetLastError();
    char buf[1024];
    va_list ap;
    int n;

    va_start(ap, format);
    n = vsnprintf(buf, sizeof(buf) - 1, format, ap);
    va_end(ap);
    if (n < 0) n = 0;
    if ((size_t)n > sizeof(buf) - 2) n = sizeof(buf) - 2;
    if (!n || buf[n - 1] != '\n')
    {
        buf[n++] = '\n';
        buf[n] = 0;
    }

    if (p_get_channel_flags)
    {
        if (p_dbg_header(cls, &channel, function) != -1) p_dbg_output(buf);
    }
    else
    {
        char line[1200];
        snprintf(line, sizeof(line), "%04lx:%s:%s:%s %s", GetCurrentThreadId(), names[cls], channel.name,
                 function, buf);
        OutputDebugStringA(line);
    }
    SetLastError(saved_error);
}

BOOL wn_debug_first(const char *key)
{
    char name[96];
    HANDLE event;

    snprintf(name, sizeof(name), "Local\\winenotify-said-%lu-%s", GetCurrentProcessId(), key);
    if (!(event = CreateEventA(NULL, TRUE, FALSE, name))) return TRUE;
    if (GetLastError() == ERROR_ALREADY_EXISTS)
    {
        CloseHandle(event);
        return FALSE;
    }
    /* Left open: the mark lasts as long as the process. */
    return TRUE;
}

unsigned int wn_debug_mask(void)
{
    unsigned int mask = 0, cls;

    for (cls = WN_DBG_FIXME; cls <= WN_DBG_TRACE; cls++)
        if (wn_debug_on(cls)) mask |= 1u << cls;
    return mask;
}
