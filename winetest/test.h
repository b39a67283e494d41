/*
 * winetest/test.h: winetest-style harness for winenotify's conformance tests.
 *
 * Gives test programs the API Wine developers know (ok, todo_wine, broken, skip, win_skip, trace,
 * contexts, flaky) and prints Wine's output format, so one program runs on Windows and under Wine
 * and its log reads (and parses) like a Wine test log.  Our own code; the strings, counters, exit
 * status and environment variables below are facts taken from Wine 8.0's include/wine/test.h
 * (Debian bookworm source package wine_8.0~repack, VERSION "Wine version 8.0").
 *
 * Output, one line per event (<elapsed> is empty unless WINETEST_TIME is set, so normally the
 * location reads "<file>:<line>: "; <ctx> is each pushed context followed by ": "):
 *   <file>:<line>:<elapsed> Test failed: <ctx><msg>
 *   <file>:<line>:<elapsed> Test marked todo: <ctx><msg>                  (only when WINETEST_DEBUG > 0)
 *   <file>:<line>:<elapsed> Test succeeded inside todo block: <ctx><msg>
 *   <file>:<line>:<elapsed> Test marked flaky: <ctx><msg>
 *   <file>:<line>:<elapsed> Test succeeded inside flaky todo block: <ctx><msg>
 *   <file>:<line>:<elapsed> Tests skipped: <ctx><msg>
 *   <file>:<line>:<elapsed> <ctx><msg>                                    (trace, only when WINETEST_DEBUG > 0)
 *   <file>:<line>:<elapsed> Test succeeded                                (WINETEST_REPORT_SUCCESS)
 *   <file>:<line>:<elapsed> Line has been silenced after 42 occurrences
 *   <pid %04x>:<test>:<elapsed> Silenced <n> todos, <n> skips and <n> traces.
 *   <pid %04x>:<test>:<elapsed> <n> tests executed (<n> marked as todo, <n> as flaky, <n> failures), <n> skipped.
 * The summary says "1 failure" in the singular, counts todo successes among the failures, and is
 * printed only when WINETEST_DEBUG is non-zero.  Wine 8.0 already has the flaky markers and prints
 * "as flaky" (Wine 9 and 10 print the same line), so we do too.  <msg> is printed as given: like
 * Wine, the caller ends it with "\n".
 *
 * Exit status: failures + todo successes (+ flaky failures with WINETEST_REPORT_FLAKY), at most 255.
 *
 * Rules of use:
 *   - One test per program: include this header in exactly one .c file, which defines
 *     START_TEST(name) { ... }; the header provides main().
 *   - Wine's command line: "prog [name [args...]]"; "prog --list" lists the test.  A program that
 *     re-runs itself passes its test name as argv[1] and its own arguments after it.
 *   - ok(), trace(), skip() and win_skip() may be called from any thread; todo/flaky blocks and
 *     contexts belong to the calling thread.  Do not leave a todo/flaky block with break/return.
 *   - Every harness call preserves GetLastError().
 */
#ifndef WINENOTIFY_WINETEST_TEST_H
#define WINENOTIFY_WINETEST_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

/* Check formats against the printf family this program links (MinGW's own or msvcrt's). */
#if defined(__GNUC__) && defined(__MINGW_PRINTF_FORMAT)
# define WINETEST_PRINTF_ATTR(fmt, args) __attribute__((format(__MINGW_PRINTF_FORMAT, fmt, args)))
#elif defined(__GNUC__)
# define WINETEST_PRINTF_ATTR(fmt, args) __attribute__((format(printf, fmt, args)))
#else
# define WINETEST_PRINTF_ATTR(fmt, args)
#endif

#ifndef ARRAY_SIZE
# define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Knobs, read from Wine's environment variables before the test starts. */
static int winetest_debug = 1;           /* WINETEST_DEBUG: 0 quiet, 1 traces and todos, >1 nothing muted */
static int winetest_interactive;         /* WINETEST_INTERACTIVE */
static int winetest_report_success;      /* WINETEST_REPORT_SUCCESS */
static int winetest_report_flaky;        /* WINETEST_REPORT_FLAKY: flaky failures fail the program */
static int winetest_time;                /* WINETEST_TIME: seconds since start in every location */
static int winetest_mute_threshold = 42; /* messages per source line before that line goes quiet */
static int winetest_platform_is_wine;    /* ntdll exports wine_get_version, or WINETEST_PLATFORM=wine */
static const char *winetest_platform = "windows";

/* ------------------------------------------------------------------------------------------- */
/* Internal state                                                                              */

#define WINETEST_MAX_CONTEXTS 8     /* deeper pushes are counted but not printed, as in Wine */
#define WINETEST_CONTEXT_SIZE 128

struct winetest_thread_state
{
    const char *file;               /* location of the check in progress */
    int line;
    unsigned int todo_bits;         /* one bit per enclosing todo block, innermost lowest */
    unsigned int flaky_bits;        /* same for flaky blocks */
    int block_entered;              /* makes a todo/flaky block's body run exactly once */
    unsigned int depth;             /* contexts pushed */
    char context[WINETEST_MAX_CONTEXTS][WINETEST_CONTEXT_SIZE];
};

static struct
{
    LONG passed;
    LONG failed;
    LONG flaky_failed;              /* failures inside flaky blocks */
    LONG todo;                      /* expected failures inside todo blocks */
    LONG todo_passed;               /* unexpected successes inside todo blocks */
    LONG skipped;
    LONG muted_todo, muted_skip, muted_trace;
} winetest_counts;

static LONG winetest_line_hits[16384];  /* keyed by line number alone, as Wine does */
static DWORD winetest_tls_index = TLS_OUT_OF_INDEXES;
static struct winetest_thread_state winetest_fallback_state;  /* only if TLS or the heap fail */
static HANDLE winetest_print_mutex;
static CRITICAL_SECTION winetest_print_cs;
static DWORD winetest_start_ticks;
static LONG winetest_last_ticks;
static int winetest_argc;
static char **winetest_argv;
static const char *winetest_name = "";
static char winetest_platform_buf[32];

static inline struct winetest_thread_state *winetest_state(void)
{
    /* TlsGetValue resets the last error; checks like ok(GetLastError() == x) need it kept. */
    DWORD error = GetLastError();
    struct winetest_thread_state *state = NULL;

    if (winetest_tls_index != TLS_OUT_OF_INDEXES && !(state = TlsGetValue(winetest_tls_index)))
    {
        /* Any thread, thread pool callbacks included, gets its state on first use.  A header
         * has no DllMain to hear of thread exits, so the ~1.1 KB per thread is never freed. */
        state = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*state));
        if (state && !TlsSetValue(winetest_tls_index, state))
        {
            HeapFree(GetProcessHeap(), 0, state);
            state = NULL;
        }
    }
    SetLastError(error);
    return state ? state : &winetest_fallback_state;
}

/* A line is assembled completely, then written with one call under the print lock, so lines from
 * several threads, or from a parent and its child processes sharing the console, never mix. */
struct winetest_line
{
    char *text;
    size_t len, size;
    char local[512];
};

static inline void winetest_line_init(struct winetest_line *line)
{
    line->text = line->local;
    line->len = 0;
    line->size = sizeof(line->local);
    line->local[0] = 0;
}

static inline void winetest_line_vadd(struct winetest_line *line, const char *fmt, va_list args)
{
    va_list copy;
    char *bigger;
    size_t size;
    int needed;

    va_copy(copy, args);
    needed = vsnprintf(line->text + line->len, line->size - line->len, fmt, copy);
    va_end(copy);
    if (needed < 0) return;
    if ((size_t)needed >= line->size - line->len)
    {
        size = 2 * (line->len + (size_t)needed + 1);
        bigger = line->text == line->local ? malloc(size) : realloc(line->text, size);
        if (!bigger)
        {
            line->len = line->size - 1;  /* out of memory: keep what fitted */
            return;
        }
        if (line->text == line->local) memcpy(bigger, line->local, line->len);
        line->text = bigger;
        line->size = size;
        vsnprintf(line->text + line->len, line->size - line->len, fmt, args);
    }
    line->len += (size_t)needed;
}

static inline void winetest_line_add(struct winetest_line *line, const char *fmt, ...) WINETEST_PRINTF_ATTR(2, 3);
static inline void winetest_line_add(struct winetest_line *line, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    winetest_line_vadd(line, fmt, args);
    va_end(args);
}

static inline void winetest_line_emit(struct winetest_line *line)
{
    DWORD wait = WAIT_FAILED;

    /* The mutex is named like Wine's so that every harness process of the session shares it. */
    if (winetest_print_mutex) wait = WaitForSingleObject(winetest_print_mutex, 30000);
    else EnterCriticalSection(&winetest_print_cs);
    fwrite(line->text, 1, line->len, stdout);
    fflush(stdout);
    if (wait == WAIT_OBJECT_0 || wait == WAIT_ABANDONED) ReleaseMutex(winetest_print_mutex);
    else if (!winetest_print_mutex) LeaveCriticalSection(&winetest_print_cs);
    if (line->text != line->local) free(line->text);
}

/* "<file>:<line>:<elapsed> ", or "<pid>:<test>:<elapsed> " for the summary. */
static inline void winetest_line_elapsed(char *buf, size_t size)
{
    DWORD now;

    buf[0] = 0;
    if (!winetest_time) return;
    now = GetTickCount();
    InterlockedExchange(&winetest_last_ticks, (LONG)now);
    snprintf(buf, size, "%.3f", (now - winetest_start_ticks) / 1000.0);
}

static inline void winetest_line_location(struct winetest_line *line, const struct winetest_thread_state *state)
{
    char elapsed[32];

    winetest_line_elapsed(elapsed, sizeof(elapsed));
    winetest_line_add(line, "%s:%d:%s ", state->file ? state->file : "", state->line, elapsed);
}

static inline void winetest_print(const char *kind, int with_context, const char *fmt, va_list args)
{
    struct winetest_thread_state *state = winetest_state();
    struct winetest_line line;
    unsigned int i;

    winetest_line_init(&line);
    winetest_line_location(&line, state);
    winetest_line_add(&line, "%s", kind);
    for (i = 0; with_context && i < state->depth && i < WINETEST_MAX_CONTEXTS; i++)
        winetest_line_add(&line, "%s: ", state->context[i]);
    winetest_line_vadd(&line, fmt, args);
    winetest_line_emit(&line);
}

static inline void winetest_print_plain(const char *fmt, ...) WINETEST_PRINTF_ATTR(1, 2);
static inline void winetest_print_plain(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    winetest_print("", 0, fmt, args);
    va_end(args);
}

/* Counts a todo, skip or trace against its source line; past the threshold the line goes quiet,
 * so a loop over thousands of items cannot drown the log (WINETEST_DEBUG > 1 disables this). */
static inline LONG winetest_count_line(void)
{
    struct winetest_thread_state *state;
    LONG seen;

    if (winetest_debug > 1) return 0;
    state = winetest_state();
    seen = InterlockedIncrement(&winetest_line_hits[(unsigned int)state->line % ARRAY_SIZE(winetest_line_hits)]) - 1;
    if (seen == winetest_mute_threshold)
        winetest_print_plain("Line has been silenced after %d occurrences\n", winetest_mute_threshold);
    return seen;
}

/* ------------------------------------------------------------------------------------------- */
/* Checks                                                                                      */

static inline int winetest_vok(int condition, const char *fmt, va_list args)
{
    struct winetest_thread_state *state = winetest_state();

    if (state->todo_bits)
    {
        if (condition)
        {
            if (state->flaky_bits)
            {
                winetest_print("Test succeeded inside flaky todo block: ", 1, fmt, args);
                InterlockedIncrement(&winetest_counts.flaky_failed);
            }
            else
            {
                winetest_print("Test succeeded inside todo block: ", 1, fmt, args);
                InterlockedIncrement(&winetest_counts.todo_passed);
            }
            return 0;
        }
        if (!winetest_debug || winetest_count_line() < winetest_mute_threshold)
        {
            if (winetest_debug > 0) winetest_print("Test marked todo: ", 1, fmt, args);
            InterlockedIncrement(&winetest_counts.todo);
        }
        else InterlockedIncrement(&winetest_counts.muted_todo);
        return 1;
    }
    if (!condition)
    {
        if (state->flaky_bits)
        {
            winetest_print("Test marked flaky: ", 1, fmt, args);
            InterlockedIncrement(&winetest_counts.flaky_failed);
        }
        else
        {
            winetest_print("Test failed: ", 1, fmt, args);
            InterlockedIncrement(&winetest_counts.failed);
        }
        return 0;
    }
    /* With WINETEST_TIME, a success also reports when the log has been quiet for a second,
     * which shows where a slow test spends its time. */
    if (winetest_report_success ||
        (winetest_time && GetTickCount() - (DWORD)winetest_last_ticks >= 1000))
        winetest_print_plain("Test succeeded\n");
    InterlockedIncrement(&winetest_counts.passed);
    return 1;
}

static inline void winetest_vtrace(const char *fmt, va_list args)
{
    if (!winetest_debug) return;
    if (winetest_count_line() < winetest_mute_threshold) winetest_print("", 1, fmt, args);
    else InterlockedIncrement(&winetest_counts.muted_trace);
}

static inline void winetest_vskip(const char *fmt, va_list args)
{
    if (winetest_count_line() < winetest_mute_threshold)
    {
        winetest_print("Tests skipped: ", 1, fmt, args);
        InterlockedIncrement(&winetest_counts.skipped);
    }
    else InterlockedIncrement(&winetest_counts.muted_skip);
}

/* A feature missing on old Windows may be skipped there, never under Wine. */
static inline void winetest_vwin_skip(const char *fmt, va_list args)
{
    if (winetest_platform_is_wine) winetest_vok(0, fmt, args);
    else winetest_vskip(fmt, args);
}

static inline void winetest_set_location(const char *file, int line)
{
    struct winetest_thread_state *state = winetest_state();
    const char *p;

    state->file = file;
    for (p = file; *p; p++)
        if (*p == '/' || *p == '\\') state->file = p + 1;
    state->line = line;
}

/* Each entry point exists twice: *_at for the plain macros, which pass the location as
 * arguments so that a check evaluated inside another check's arguments cannot move it, and
 * *_here for Wine's ok_(file, line)(...) form, which stores the location first. */
static inline void winetest_ok_here(int condition, const char *fmt, ...) WINETEST_PRINTF_ATTR(2, 3);
static inline void winetest_ok_at(const char *file, int line, int condition, const char *fmt, ...) WINETEST_PRINTF_ATTR(4, 5);
static inline void winetest_trace_here(const char *fmt, ...) WINETEST_PRINTF_ATTR(1, 2);
static inline void winetest_trace_at(const char *file, int line, const char *fmt, ...) WINETEST_PRINTF_ATTR(3, 4);
static inline void winetest_skip_here(const char *fmt, ...) WINETEST_PRINTF_ATTR(1, 2);
static inline void winetest_skip_at(const char *file, int line, const char *fmt, ...) WINETEST_PRINTF_ATTR(3, 4);
static inline void winetest_win_skip_here(const char *fmt, ...) WINETEST_PRINTF_ATTR(1, 2);
static inline void winetest_win_skip_at(const char *file, int line, const char *fmt, ...) WINETEST_PRINTF_ATTR(3, 4);

static inline void winetest_ok_here(int condition, const char *fmt, ...)
{
    DWORD error = GetLastError();
    va_list args;

    va_start(args, fmt);
    winetest_vok(condition, fmt, args);
    va_end(args);
    SetLastError(error);
}

static inline void winetest_ok_at(const char *file, int line, int condition, const char *fmt, ...)
{
    DWORD error = GetLastError();
    va_list args;

    winetest_set_location(file, line);
    va_start(args, fmt);
    winetest_vok(condition, fmt, args);
    va_end(args);
    SetLastError(error);
}

/* trace, skip and win_skip differ only in the reporting function. */
#define WINETEST_DEFINE_MESSAGE(name)                                                             \
    static inline void winetest_##name##_here(const char *fmt, ...)                               \
    {                                                                                             \
        DWORD error = GetLastError();                                                             \
        va_list args;                                                                             \
        va_start(args, fmt);                                                                      \
        winetest_v##name(fmt, args);                                                              \
        va_end(args);                                                                             \
        SetLastError(error);                                                                      \
    }                                                                                             \
    static inline void winetest_##name##_at(const char *file, int line, const char *fmt, ...)     \
    {                                                                                             \
        DWORD error = GetLastError();                                                             \
        va_list args;                                                                             \
        winetest_set_location(file, line);                                                        \
        va_start(args, fmt);                                                                      \
        winetest_v##name(fmt, args);                                                              \
        va_end(args);                                                                             \
        SetLastError(error);                                                                      \
    }
WINETEST_DEFINE_MESSAGE(trace)
WINETEST_DEFINE_MESSAGE(skip)
WINETEST_DEFINE_MESSAGE(win_skip)
#undef WINETEST_DEFINE_MESSAGE

/* !! so that pointers and 64-bit masks are tested whole instead of truncated to int. */
#define ok(cond, ...)    winetest_ok_at(__FILE__, __LINE__, !!(cond), __VA_ARGS__)
#define trace(...)       winetest_trace_at(__FILE__, __LINE__, __VA_ARGS__)
#define skip(...)        winetest_skip_at(__FILE__, __LINE__, __VA_ARGS__)
#define win_skip(...)    winetest_win_skip_at(__FILE__, __LINE__, __VA_ARGS__)

/* For helpers that report their caller's line: ok_(__FILE__, line)(cond, fmt, ...). */
#define ok_(file, line)       (winetest_set_location((file), (line)), winetest_ok_here)
#define trace_(file, line)    (winetest_set_location((file), (line)), winetest_trace_here)
#define skip_(file, line)     (winetest_set_location((file), (line)), winetest_skip_here)
#define win_skip_(file, line) (winetest_set_location((file), (line)), winetest_win_skip_here)

/* On Windows, broken() accepts a known Windows quirk; under Wine the quirk is a failure. */
static inline int broken(int condition)
{
    return !winetest_platform_is_wine && condition;
}

/* ------------------------------------------------------------------------------------------- */
/* todo and flaky blocks: statements whose body runs once with a marker pushed                 */

static inline void winetest_start_todo(int is_todo)
{
    struct winetest_thread_state *state = winetest_state();

    state->todo_bits = (state->todo_bits << 1) | (is_todo != 0);
    state->block_entered = 1;
}

static inline void winetest_end_todo(void)
{
    winetest_state()->todo_bits >>= 1;
}

static inline void winetest_start_flaky(int is_flaky)
{
    struct winetest_thread_state *state = winetest_state();

    state->flaky_bits = (state->flaky_bits << 1) | (is_flaky != 0);
    state->block_entered = 1;
}

static inline void winetest_end_flaky(void)
{
    winetest_state()->flaky_bits >>= 1;
}

/* True once right after a start; a nested block consumes its own flag before its body runs,
 * so one flag per thread serves any nesting. */
static inline int winetest_enter_block(void)
{
    struct winetest_thread_state *state = winetest_state();
    int entered = state->block_entered;

    state->block_entered = 0;
    return entered;
}

#define todo_if(is_todo)        for (winetest_start_todo(is_todo); winetest_enter_block(); winetest_end_todo())
#define todo_wine               todo_if(winetest_platform_is_wine)
#define todo_wine_if(is_todo)   todo_if((is_todo) && winetest_platform_is_wine)

/* A check that fails now and then for reasons outside the test (timing of real network events):
 * its failure is reported and counted "as flaky" but fails the program only with
 * WINETEST_REPORT_FLAKY=1. */
#define flaky_if(is_flaky)      for (winetest_start_flaky(is_flaky); winetest_enter_block(); winetest_end_flaky())
#define flaky                   flaky_if(1)
#define flaky_wine              flaky_if(winetest_platform_is_wine)
#define flaky_wine_if(is_flaky) flaky_if((is_flaky) && winetest_platform_is_wine)

/* ------------------------------------------------------------------------------------------- */
/* Contexts, arguments, counters                                                               */

/* Prefixes "<text>: " to this thread's messages until the matching pop; for loops over test
 * cases, so that a failure names its case. */
static inline void winetest_push_context(const char *fmt, ...) WINETEST_PRINTF_ATTR(1, 2);
static inline void winetest_push_context(const char *fmt, ...)
{
    DWORD error = GetLastError();
    struct winetest_thread_state *state = winetest_state();
    va_list args;

    if (state->depth < WINETEST_MAX_CONTEXTS)
    {
        va_start(args, fmt);
        vsnprintf(state->context[state->depth], WINETEST_CONTEXT_SIZE, fmt, args);
        va_end(args);
    }
    state->depth++;
    SetLastError(error);
}

static inline void winetest_pop_context(void)
{
    struct winetest_thread_state *state = winetest_state();

    if (state->depth) state->depth--;
}

/* argv[1] is the test name when given; a test's own arguments follow it. */
static inline int winetest_get_mainargs(char ***argv)
{
    *argv = winetest_argv;
    return winetest_argc;
}

static inline LONG winetest_get_failures(void)
{
    return winetest_counts.failed;
}

static inline void winetest_add_failures(LONG count)
{
    while (count-- > 0) InterlockedIncrement(&winetest_counts.failed);
}

/* ------------------------------------------------------------------------------------------- */
/* The program                                                                                 */

static const char *winetest_test_name(void);
static void winetest_test_body(void);

#define START_TEST(name)                                                                          \
    static const char *winetest_test_name(void) { return #name; }                                 \
    static void winetest_test_body(void)

static inline void winetest_print_process(const char *fmt, ...) WINETEST_PRINTF_ATTR(1, 2);
static inline void winetest_print_process(const char *fmt, ...)
{
    struct winetest_line line;
    char elapsed[32];
    va_list args;

    winetest_line_elapsed(elapsed, sizeof(elapsed));
    winetest_line_init(&line);
    winetest_line_add(&line, "%04x:%s:%s ", (unsigned int)GetCurrentProcessId(), winetest_name, elapsed);
    va_start(args, fmt);
    winetest_line_vadd(&line, fmt, args);
    va_end(args);
    winetest_line_emit(&line);
}

/* On Windows nothing else would say which check ran last before a crash; under Wine, winedbg
 * does, so like Wine we only install this on Windows. */
static LONG WINAPI winetest_unhandled_exception(EXCEPTION_POINTERS *info)
{
    struct winetest_thread_state *state = winetest_state();
    struct winetest_line line;

    if (state->file)
    {
        winetest_line_init(&line);
        winetest_line_add(&line, "%s:%d: this is the last test seen before the exception\n", state->file, state->line);
        winetest_line_emit(&line);
    }
    winetest_print_process("unhandled exception %08x at %p\n",
                           (unsigned int)info->ExceptionRecord->ExceptionCode,
                           info->ExceptionRecord->ExceptionAddress);
    return EXCEPTION_EXECUTE_HANDLER;
}

static inline int winetest_is_wine(void)
{
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");

    return ntdll && GetProcAddress(ntdll, "wine_get_version");
}

static inline void winetest_read_env(const char *name, int *value)
{
    char buf[32];
    DWORD len = GetEnvironmentVariableA(name, buf, sizeof(buf));

    if (len && len < sizeof(buf)) *value = atoi(buf);
}

/* Wine accepts the test's name with a directory and a ".c" suffix. */
static inline int winetest_name_matches(const char *arg, const char *name)
{
    const char *p;
    size_t len;

    for (p = arg; *p; p++)
        if (*p == '/' || *p == '\\') arg = p + 1;
    len = strlen(arg);
    if (len > 2 && !strcmp(arg + len - 2, ".c")) len -= 2;
    return len == strlen(name) && !strncmp(arg, name, len);
}

static inline int winetest_finish(void)
{
    LONG failures = winetest_counts.failed + winetest_counts.todo_passed;
    LONG status = failures;

    if (winetest_debug)
    {
        if (winetest_counts.muted_todo || winetest_counts.muted_skip || winetest_counts.muted_trace)
            winetest_print_process("Silenced %d todos, %d skips and %d traces.\n",
                                   (int)winetest_counts.muted_todo, (int)winetest_counts.muted_skip,
                                   (int)winetest_counts.muted_trace);
        winetest_print_process("%d tests executed (%d marked as todo, %d as flaky, %d %s), %d skipped.\n",
                               (int)(winetest_counts.passed + winetest_counts.failed + winetest_counts.flaky_failed +
                                     winetest_counts.todo + winetest_counts.todo_passed),
                               (int)winetest_counts.todo, (int)winetest_counts.flaky_failed, (int)failures,
                               failures == 1 ? "failure" : "failures", (int)winetest_counts.skipped);
    }
    if (winetest_report_flaky) status += winetest_counts.flaky_failed;
    return status > 255 ? 255 : (int)status;
}

int main(int argc, char **argv)
{
    DWORD len;

    winetest_name = winetest_test_name();
    /* Unbuffered, as in Wine: test code's own printf output stays in order with ours. */
    setvbuf(stdout, NULL, _IONBF, 0);
    winetest_tls_index = TlsAlloc();
    InitializeCriticalSection(&winetest_print_cs);
    winetest_print_mutex = CreateMutexA(NULL, FALSE, "winetest_print_mutex");
    winetest_argc = argc;
    winetest_argv = argv;

    len = GetEnvironmentVariableA("WINETEST_PLATFORM", winetest_platform_buf, sizeof(winetest_platform_buf));
    if (len && len < sizeof(winetest_platform_buf)) winetest_platform = winetest_platform_buf;
    else if (winetest_is_wine()) winetest_platform = "wine";
    winetest_platform_is_wine = !strcmp(winetest_platform, "wine");
    winetest_read_env("WINETEST_DEBUG", &winetest_debug);
    winetest_read_env("WINETEST_INTERACTIVE", &winetest_interactive);
    winetest_read_env("WINETEST_REPORT_SUCCESS", &winetest_report_success);
    winetest_read_env("WINETEST_REPORT_FLAKY", &winetest_report_flaky);
    winetest_read_env("WINETEST_TIME", &winetest_time);
    winetest_read_env("WINETEST_MUTE_THRESHOLD", &winetest_mute_threshold);
    winetest_last_ticks = (LONG)(winetest_start_ticks = GetTickCount());

    if (!strcmp(winetest_platform, "windows")) SetUnhandledExceptionFilter(winetest_unhandled_exception);
    if (!winetest_interactive) SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);

    if (argc > 1)
    {
        if (!strcmp(argv[1], "--list"))
        {
            printf("Valid test names:\n    %s\n", winetest_name);
            return 0;
        }
        if (!winetest_name_matches(argv[1], winetest_name))
        {
            printf("Fatal: test '%s' does not exist.\n", argv[1]);
            return 1;
        }
    }
    winetest_test_body();
    return winetest_finish();
}

#endif /* WINENOTIFY_WINETEST_TEST_H */
