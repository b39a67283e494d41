/*
 * harness_selftest.c: the winetest harness (test.h) tested through its own output.
 *
 * The program re-runs itself as a child ("harness_selftest.exe harness_selftest <mode>") with
 * chosen WINETEST_* variables, captures the child's stdout, and compares every line and the exit
 * code with what Wine's format prescribes for the checks the child made.  The parent then
 * reports through the harness like any other test.
 *
 * Most child checks use ok_()/trace_()/skip_() with made-up locations (lines 9000 and up, far
 * from real source lines, whose counters share the per-line mute table), so the expected output
 * does not move when this file is edited; the plain forms are checked once with their real
 * __LINE__ (see plain_forms).
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#define TEST_NAME "harness_selftest"
#define FAKE      "some/dir/fake.c"      /* printed as fake.c: the harness keeps only the basename */
#define FAKE_DOS  "C:\\src\\threads.c"   /* printed as threads.c */

/* ------------------------------------------------------------------------------------------- */
/* Child side                                                                                  */

/* Kept on one source line so that plain_line is the __LINE__ the four plain macros record. */
static const int plain_line = __LINE__; static void plain_forms(void) { ok(0, "plain ok\n"); trace("plain trace\n"); skip("plain skip\n"); win_skip("plain win_skip\n"); }

static void child_features(void)
{
    static const char long_context[] =
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    LONG before;
    int i;

    trace_(FAKE, 9000)("debug=%d interactive=%d platform=%s is_wine=%d\n",
                       winetest_debug, winetest_interactive, winetest_platform, winetest_platform_is_wine);
    ok_(FAKE, 9001)(1, "pass\n");
    ok_(FAKE, 9002)(0, "fail %d\n", 42);
    todo_wine ok_(FAKE, 9003)(0, "todo fails\n");
    todo_wine ok_(FAKE, 9004)(1, "todo passes\n");
    todo_wine_if(1) ok_(FAKE, 9005)(0, "todo_wine_if(1)\n");
    todo_wine_if(0) ok_(FAKE, 9006)(0, "todo_wine_if(0)\n");
    todo_if(1) ok_(FAKE, 9007)(0, "todo_if(1)\n");
    todo_if(0) ok_(FAKE, 9008)(1, "todo_if(0)\n");
    todo_wine
    {
        todo_if(0) ok_(FAKE, 9009)(0, "nested\n");
    }
    ok_(FAKE, 9010)(0, "after todo\n");
    ok_(FAKE, 9011)(broken(1), "broken(1)\n");
    ok_(FAKE, 9012)(broken(0), "broken(0)\n");
    ok_(FAKE, 9013)(!broken(0), "!broken(0)\n");
    skip_(FAKE, 9014)("skip %s\n", "reason");
    win_skip_(FAKE, 9015)("win_skip\n");
    todo_wine win_skip_(FAKE, 9016)("win_skip in todo\n");

    winetest_push_context("ctx %d", 1);
    ok_(FAKE, 9017)(0, "c1\n");
    winetest_push_context("inner");
    trace_(FAKE, 9018)("t\n");
    skip_(FAKE, 9019)("s\n");
    todo_wine ok_(FAKE, 9020)(0, "tc\n");
    winetest_pop_context();
    winetest_pop_context();
    winetest_pop_context();  /* one too many: must be harmless */
    ok_(FAKE, 9021)(0, "no ctx\n");
    for (i = 0; i < 10; i++) winetest_push_context("c%d", i);
    ok_(FAKE, 9022)(0, "deep\n");
    for (i = 0; i < 10; i++) winetest_pop_context();
    ok_(FAKE, 9023)(0, "shallow\n");
    winetest_push_context("%s", long_context);
    winetest_push_context("%d%%", 50);
    ok_(FAKE, 9024)(0, "long\n");
    winetest_pop_context();
    winetest_pop_context();

    flaky ok_(FAKE, 9025)(0, "flaky fail\n");
    flaky ok_(FAKE, 9026)(1, "flaky pass\n");
    flaky_wine ok_(FAKE, 9027)(0, "flaky_wine\n");
    flaky todo_wine ok_(FAKE, 9028)(1, "flaky todo pass\n");
    flaky_wine_if(0) ok_(FAKE, 9029)(0, "flaky_wine_if(0)\n");

    for (i = 0; i < 45; i++) skip_(FAKE, 9030)("mute %d\n", i);
    for (i = 0; i < 44; i++) trace_(FAKE, 9031)("tm %d\n", i);
    todo_if(1)
    {
        for (i = 0; i < 43; i++) ok_(FAKE, 9032)(0, "todo mute %d\n", i);
    }

    SetLastError(0xdeadbeef);
    ok_(FAKE, 9033)(1, "x\n");
    ok_(FAKE, 9034)(GetLastError() == 0xdeadbeef, "last error %lu after a pass\n", GetLastError());
    SetLastError(0xcafe);
    ok_(FAKE, 9035)(0, "prints\n");
    ok_(FAKE, 9036)(GetLastError() == 0xcafe, "last error %lu after a failure\n", GetLastError());
    SetLastError(78);
    ok_(FAKE, 9037)(GetLastError() == 78, "last error %lu in the curried form\n", GetLastError());
    before = winetest_get_failures();
    winetest_add_failures(2);
    ok_(FAKE, 9038)(winetest_get_failures() == before + 2, "add_failures\n");
    SetLastError(79);
    winetest_push_context("le");
    winetest_pop_context();
    trace_(FAKE, 9039)("le trace\n");
    ok_(FAKE, 9040)(GetLastError() == 79, "last error %lu after trace and contexts\n", GetLastError());

    plain_forms();
}

#define THREADS 8
#define ITERATIONS 200
static HANDLE start_event;

static DWORD WINAPI worker(void *arg)
{
    int index = (int)(INT_PTR)arg, i;

    winetest_push_context("thread %d", index);
    WaitForSingleObject(start_event, INFINITE);
    for (i = 0; i < ITERATIONS; i++) ok_(FAKE_DOS, 9100 + index)(i % 5 != 0, "iteration %d\n", i);
    todo_if(1) ok_(FAKE_DOS, 9200 + index)(0, "todo %d\n", index);
    winetest_pop_context();
    return 0;
}

/* Per-thread todo state and contexts: the main thread sits in a todo block with a context while
 * the workers report, and neither may leak into the other. */
static void child_threads(void)
{
    HANDLE threads[THREADS];
    int i;

    start_event = CreateEventA(NULL, TRUE, FALSE, NULL);
    winetest_push_context("main");
    todo_if(1)
    {
        for (i = 0; i < THREADS; i++) threads[i] = CreateThread(NULL, 0, worker, (void *)(INT_PTR)i, 0, NULL);
        SetEvent(start_event);
        WaitForMultipleObjects(THREADS, threads, TRUE, INFINITE);
        ok_(FAKE_DOS, 9301)(0, "main todo\n");
    }
    ok_(FAKE_DOS, 9300)(0, "main after threads\n");
    winetest_pop_context();
    for (i = 0; i < THREADS; i++) CloseHandle(threads[i]);
    CloseHandle(start_event);
}

static void run_child(const char *mode, int argc, char **argv)
{
    int i;

    if (!strcmp(mode, "features")) child_features();
    else if (!strcmp(mode, "threads")) child_threads();
    else if (!strcmp(mode, "one"))
    {
        ok_(FAKE, 9400)(0, "the only failure\n");
        ok_(FAKE, 9401)(1, "passes\n");
    }
    else if (!strcmp(mode, "crash"))
    {
        ok_(FAKE, 9500)(1, "before crash\n");
        RaiseException(0xe0001234, EXCEPTION_NONCONTINUABLE, 0, NULL);
    }
    else if (!strcmp(mode, "time"))
    {
        trace_(FAKE, 9600)("time probe\n");
        ok_(FAKE, 9601)(0, "timed failure\n");
    }
    else if (!strcmp(mode, "args"))
    {
        trace_(FAKE, 9700)("argc=%d\n", argc);
        for (i = 1; i < argc; i++) trace_(FAKE, 9701)("argv[%d]=%s\n", i, argv[i]);
    }
    else if (!strcmp(mode, "platform"))
        trace_(FAKE, 9800)("platform=%s is_wine=%d broken(1)=%d\n",
                           winetest_platform, winetest_platform_is_wine, broken(1));
}

/* ------------------------------------------------------------------------------------------- */
/* Parent side: expected output                                                                */

struct lines
{
    char **line;
    size_t count, size;
};

static void lines_add(struct lines *lines, const char *fmt, ...) WINETEST_PRINTF_ATTR(2, 3);
static void lines_add(struct lines *lines, const char *fmt, ...)
{
    char buf[1024];
    va_list args;

    va_start(args, fmt);
    vsnprintf(buf, sizeof(buf), fmt, args);
    va_end(args);
    if (lines->count == lines->size)
    {
        lines->size = lines->size ? 2 * lines->size : 64;
        lines->line = realloc(lines->line, lines->size * sizeof(*lines->line));
    }
    lines->line[lines->count++] = strdup(buf);
}

static void lines_free(struct lines *lines)
{
    size_t i;

    for (i = 0; i < lines->count; i++) free(lines->line[i]);
    free(lines->line);
    memset(lines, 0, sizeof(*lines));
}

struct features
{
    int wine, debug, interactive, report_success;
};

static void expect_pass(struct lines *e, const struct features *f, int line)
{
    if (f->report_success) lines_add(e, "fake.c:%d: Test succeeded", line);
}

static void expect_todo(struct lines *e, const struct features *f, int line, const char *text)
{
    if (f->debug > 0) lines_add(e, "fake.c:%d: Test marked todo: %s", line, text);
}

/* What child_features prints, check by check. */
static void expect_features(struct lines *e, const struct features *f)
{
    const char *platform = f->wine ? "wine" : "windows";
    int i;

    if (f->debug > 0)
        lines_add(e, "fake.c:9000: debug=%d interactive=%d platform=%s is_wine=%d",
                  f->debug, f->interactive, platform, f->wine);
    expect_pass(e, f, 9001);
    lines_add(e, "fake.c:9002: Test failed: fail 42");
    if (f->wine) expect_todo(e, f, 9003, "todo fails");
    else lines_add(e, "fake.c:9003: Test failed: todo fails");
    if (f->wine) lines_add(e, "fake.c:9004: Test succeeded inside todo block: todo passes");
    else expect_pass(e, f, 9004);
    if (f->wine) expect_todo(e, f, 9005, "todo_wine_if(1)");
    else lines_add(e, "fake.c:9005: Test failed: todo_wine_if(1)");
    lines_add(e, "fake.c:9006: Test failed: todo_wine_if(0)");
    expect_todo(e, f, 9007, "todo_if(1)");
    expect_pass(e, f, 9008);
    if (f->wine) expect_todo(e, f, 9009, "nested");
    else lines_add(e, "fake.c:9009: Test failed: nested");
    lines_add(e, "fake.c:9010: Test failed: after todo");
    if (f->wine) lines_add(e, "fake.c:9011: Test failed: broken(1)");
    else expect_pass(e, f, 9011);
    lines_add(e, "fake.c:9012: Test failed: broken(0)");
    expect_pass(e, f, 9013);
    lines_add(e, "fake.c:9014: Tests skipped: skip reason");
    if (f->wine) lines_add(e, "fake.c:9015: Test failed: win_skip");
    else lines_add(e, "fake.c:9015: Tests skipped: win_skip");
    if (f->wine) expect_todo(e, f, 9016, "win_skip in todo");
    else lines_add(e, "fake.c:9016: Tests skipped: win_skip in todo");

    lines_add(e, "fake.c:9017: Test failed: ctx 1: c1");
    if (f->debug > 0) lines_add(e, "fake.c:9018: ctx 1: inner: t");
    lines_add(e, "fake.c:9019: Tests skipped: ctx 1: inner: s");
    if (f->wine) expect_todo(e, f, 9020, "ctx 1: inner: tc");
    else lines_add(e, "fake.c:9020: Test failed: ctx 1: inner: tc");
    lines_add(e, "fake.c:9021: Test failed: no ctx");
    lines_add(e, "fake.c:9022: Test failed: c0: c1: c2: c3: c4: c5: c6: c7: deep");
    lines_add(e, "fake.c:9023: Test failed: shallow");
    /* a context keeps 127 characters */
    lines_add(e, "fake.c:9024: Test failed: %.127s: 50%%: long",
              "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
              "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

    lines_add(e, "fake.c:9025: Test marked flaky: flaky fail");
    expect_pass(e, f, 9026);
    if (f->wine) lines_add(e, "fake.c:9027: Test marked flaky: flaky_wine");
    else lines_add(e, "fake.c:9027: Test failed: flaky_wine");
    if (f->wine) lines_add(e, "fake.c:9028: Test succeeded inside flaky todo block: flaky todo pass");
    else expect_pass(e, f, 9028);
    lines_add(e, "fake.c:9029: Test failed: flaky_wine_if(0)");

    /* 42 messages per line, then one notice; skips are counted even when WINETEST_DEBUG=0,
     * traces and todos are not. */
    for (i = 0; i < 45; i++)
    {
        if (f->debug > 1 || i < 42) lines_add(e, "fake.c:9030: Tests skipped: mute %d", i);
        else if (i == 42) lines_add(e, "fake.c:9030: Line has been silenced after 42 occurrences");
    }
    for (i = 0; i < 44 && f->debug > 0; i++)
    {
        if (f->debug > 1 || i < 42) lines_add(e, "fake.c:9031: tm %d", i);
        else if (i == 42) lines_add(e, "fake.c:9031: Line has been silenced after 42 occurrences");
    }
    for (i = 0; i < 43 && f->debug > 0; i++)
    {
        if (f->debug > 1 || i < 42) lines_add(e, "fake.c:9032: Test marked todo: todo mute %d", i);
        else if (i == 42) lines_add(e, "fake.c:9032: Line has been silenced after 42 occurrences");
    }

    expect_pass(e, f, 9033);
    expect_pass(e, f, 9034);
    lines_add(e, "fake.c:9035: Test failed: prints");
    expect_pass(e, f, 9036);
    expect_pass(e, f, 9037);
    expect_pass(e, f, 9038);
    if (f->debug > 0) lines_add(e, "fake.c:9039: le trace");
    expect_pass(e, f, 9040);

    lines_add(e, "harness_selftest.c:%d: Test failed: plain ok", plain_line);
    if (f->debug > 0) lines_add(e, "harness_selftest.c:%d: plain trace", plain_line);
    lines_add(e, "harness_selftest.c:%d: Tests skipped: plain skip", plain_line);
    lines_add(e, "harness_selftest.c:%d: %s: plain win_skip", plain_line,
              f->wine ? "Test failed" : "Tests skipped");
}

/* ------------------------------------------------------------------------------------------- */
/* Parent side: running a child                                                                */

struct child
{
    struct lines out;
    DWORD exit_code;
    DWORD pid;
};

/* The parent's environment without WINETEST_* (so a developer's settings cannot change the
 * expected output), plus the scenario's own variables. */
static char *child_environment(const char *const *vars)
{
    char *parent = GetEnvironmentStringsA(), *p, *env;
    size_t size = 2, used = 0, len;
    int i;

    for (p = parent; *p; p += strlen(p) + 1) size += strlen(p) + 1;
    for (i = 0; vars[i]; i++) size += strlen(vars[i]) + 1;
    env = malloc(size);
    for (p = parent; *p; p += strlen(p) + 1)
    {
        if (!_strnicmp(p, "WINETEST_", 9)) continue;
        len = strlen(p) + 1;
        memcpy(env + used, p, len);
        used += len;
    }
    for (i = 0; vars[i]; i++)
    {
        len = strlen(vars[i]) + 1;
        memcpy(env + used, vars[i], len);
        used += len;
    }
    env[used++] = 0;
    env[used] = 0;
    FreeEnvironmentStringsA(parent);
    return env;
}

/* Output lines without their "\r\n" (msvcrt writes text mode); a last line without a newline
 * is kept with a marker, since every harness line must end with one. */
static void split_lines(struct lines *out, const char *text, size_t len)
{
    size_t start = 0, end, i;

    for (i = 0; i <= len; i++)
    {
        if (i < len && text[i] != '\n') continue;
        if (i == len && start == len) break;
        end = i;
        if (end > start && text[end - 1] == '\r') end--;
        lines_add(out, "%.*s%s", (int)(end - start), text + start, i == len ? "<no newline>" : "");
        start = i + 1;
    }
}

static BOOL run_child_process(const char *args, const char *const *vars, struct child *child)
{
    SECURITY_ATTRIBUTES inherit = { sizeof(inherit), NULL, TRUE };
    PROCESS_INFORMATION info;
    STARTUPINFOA startup;
    char exe[MAX_PATH], cmdline[2 * MAX_PATH], chunk[4096];
    char *text = NULL, *env;
    size_t len = 0;
    HANDLE read_end, write_end, err;
    DWORD got;
    BOOL ret;

    memset(child, 0, sizeof(*child));
    GetModuleFileNameA(NULL, exe, sizeof(exe));
    snprintf(cmdline, sizeof(cmdline), "\"%s\" %s", exe, args);
    if (!CreatePipe(&read_end, &write_end, &inherit, 0)) return FALSE;
    SetHandleInformation(read_end, HANDLE_FLAG_INHERIT, 0);
    /* The child's stderr goes to ours: Wine's own diagnostics must not disturb the comparison. */
    DuplicateHandle(GetCurrentProcess(), GetStdHandle(STD_ERROR_HANDLE), GetCurrentProcess(), &err,
                    0, TRUE, DUPLICATE_SAME_ACCESS);

    memset(&startup, 0, sizeof(startup));
    startup.cb = sizeof(startup);
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = INVALID_HANDLE_VALUE;
    startup.hStdOutput = write_end;
    startup.hStdError = err;
    env = child_environment(vars);
    ret = CreateProcessA(exe, cmdline, NULL, NULL, TRUE, 0, env, NULL, &startup, &info);
    free(env);
    CloseHandle(write_end);
    CloseHandle(err);
    if (!ret)
    {
        CloseHandle(read_end);
        return FALSE;
    }
    while (ReadFile(read_end, chunk, sizeof(chunk), &got, NULL) && got)
    {
        text = realloc(text, len + got);
        memcpy(text + len, chunk, got);
        len += got;
    }
    CloseHandle(read_end);
    if (WaitForSingleObject(info.hProcess, 60000)) TerminateProcess(info.hProcess, 0x7fffffff);
    GetExitCodeProcess(info.hProcess, &child->exit_code);
    child->pid = info.dwProcessId;
    CloseHandle(info.hProcess);
    CloseHandle(info.hThread);
    split_lines(&child->out, text ? text : "", len);
    free(text);
    return TRUE;
}

/* Expected lines may use '#' for a run of digits and end with '*' for "anything". */
static int line_matches(const char *pattern, const char *text)
{
    for (; *pattern; pattern++, text++)
    {
        if (*pattern == '*' && !pattern[1]) return 1;
        if (*pattern == '#')
        {
            if (*text < '0' || *text > '9') return 0;
            while (text[1] >= '0' && text[1] <= '9') text++;
            continue;
        }
        if (*pattern != *text) return 0;
    }
    return !*text;
}

static void compare_lines(const struct lines *expected, const struct lines *got)
{
    size_t i, shown = 0, bad = 0;

    for (i = 0; i < expected->count || i < got->count; i++)
    {
        const char *e = i < expected->count ? expected->line[i] : "<nothing>";
        const char *g = i < got->count ? got->line[i] : "<nothing>";

        if (line_matches(e, g)) continue;
        if (shown++ < 8) ok(0, "line %u: expected \"%s\", got \"%s\"\n", (unsigned int)i + 1, e, g);
        bad++;
    }
    ok(expected->count == got->count, "expected %u lines, got %u\n",
       (unsigned int)expected->count, (unsigned int)got->count);
    ok(!bad, "%u lines differ\n", (unsigned int)bad);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct scenario
{
    const char *name;
    const char *args;               /* after the program's path */
    const char *const *vars;        /* WINETEST_* variables, NULL-terminated */
    const char *silenced;           /* expected "Silenced ..." summary, if any */
    const char *summary;            /* expected "... tests executed ..." summary, if any */
    DWORD exit_code;
    BOOL timed;                     /* WINETEST_TIME: the summary carries the elapsed time */
    BOOL any_order;                 /* lines from several threads: compare them sorted */
};

/* Runs one scenario; expected holds the child's lines before its summary, which is added here
 * because it names the child's pid.  Frees expected. */
static void check_child(const struct scenario *s, struct lines *expected)
{
    const char *elapsed = s->timed ? "#.#" : "";
    struct child child;

    winetest_push_context("%s", s->name);
    if (!run_child_process(s->args, s->vars, &child))
    {
        ok(0, "cannot start the child, error %lu\n", GetLastError());
        lines_free(expected);
        winetest_pop_context();
        return;
    }
    if (s->silenced) lines_add(expected, "%04x:" TEST_NAME ":%s %s", (unsigned int)child.pid, elapsed, s->silenced);
    if (s->summary) lines_add(expected, "%04x:" TEST_NAME ":%s %s", (unsigned int)child.pid, elapsed, s->summary);
    if (s->any_order)
    {
        qsort(expected->line, expected->count, sizeof(*expected->line), compare_strings);
        qsort(child.out.line, child.out.count, sizeof(*child.out.line), compare_strings);
    }
    compare_lines(expected, &child.out);
    ok(child.exit_code == s->exit_code, "exit code %#lx, expected %#lx\n", child.exit_code, s->exit_code);
    trace("%u lines, exit code %#lx\n", (unsigned int)child.out.count, child.exit_code);
    lines_free(&child.out);
    lines_free(expected);
    winetest_pop_context();
}

/* ------------------------------------------------------------------------------------------- */
/* Scenarios                                                                                   */

static void test_features(void)
{
    static const char *const windows1[] = { "WINETEST_PLATFORM=windows", "WINETEST_DEBUG=1", NULL };
    static const char *const wine1[] = { "WINETEST_PLATFORM=wine", "WINETEST_DEBUG=1", NULL };
    static const char *const wine0[] = { "WINETEST_PLATFORM=wine", "WINETEST_DEBUG=0", NULL };
    static const char *const windows2[] = { "WINETEST_PLATFORM=windows", "WINETEST_DEBUG=2",
                                            "WINETEST_INTERACTIVE=1", NULL };
    static const char *const wine_report[] = { "WINETEST_PLATFORM=wine", "WINETEST_REPORT_SUCCESS=1",
                                               "WINETEST_REPORT_FLAKY=1", NULL };
    static const char silenced[] = "Silenced 1 todos, 3 skips and 2 traces.";
    static const struct
    {
        struct features features;
        struct scenario scenario;
    }
    tests[] =
    {
        /* Windows: todo_wine is an ordinary block, broken() accepts, win_skip skips.
         * 13 passes, 17 failures + 2 added, 1 flaky, 1 + 42 todos, 6 + 42 skips. */
        { { .debug = 1 }, { .name = "windows", .args = TEST_NAME " features", .vars = windows1, .silenced = silenced,
          .summary = "76 tests executed (43 marked as todo, 1 as flaky, 19 failures), 48 skipped.", .exit_code = 19 } },
        /* Wine: todo_wine failures are todos, its successes failures; broken() and win_skip fail.
         * 10 passes, 15 failures + 2 added, 3 flaky, 6 + 42 todos, 1 todo success, 3 + 42 skips. */
        { { .wine = 1, .debug = 1 }, { .name = "wine", .args = TEST_NAME " features", .vars = wine1, .silenced = silenced,
          .summary = "79 tests executed (48 marked as todo, 3 as flaky, 18 failures), 45 skipped.", .exit_code = 18 } },
        /* WINETEST_DEBUG=0: no traces, no todo lines, no summary; the exit code is unchanged. */
        { { .wine = 1, .debug = 0 }, { .name = "quiet", .args = TEST_NAME " features", .vars = wine0, .exit_code = 18 } },
        /* WINETEST_DEBUG=2 mutes nothing: 1 + 43 todos, 6 + 45 skips. */
        { { .debug = 2, .interactive = 1 }, { .name = "verbose", .args = TEST_NAME " features", .vars = windows2,
          .summary = "77 tests executed (44 marked as todo, 1 as flaky, 19 failures), 51 skipped.", .exit_code = 19 } },
        /* Successes reported; the 3 flaky failures join the exit code. */
        { { .wine = 1, .debug = 1, .report_success = 1 }, { .name = "report", .args = TEST_NAME " features",
          .vars = wine_report, .silenced = silenced,
          .summary = "79 tests executed (48 marked as todo, 3 as flaky, 18 failures), 45 skipped.", .exit_code = 21 } },
    };
    struct lines e = { 0 };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(tests); i++)
    {
        expect_features(&e, &tests[i].features);
        check_child(&tests[i].scenario, &e);
    }
}

static void test_threads(void)
{
    static const char *const vars[] = { "WINETEST_PLATFORM=windows", NULL };
    /* 1280 passes, 321 failures (the exit code stops at 255), 9 todos; lines in any order. */
    static const struct scenario threads = { .name = "threads", .args = TEST_NAME " threads", .vars = vars,
        .summary = "1610 tests executed (9 marked as todo, 0 as flaky, 321 failures), 0 skipped.", .exit_code = 255,
        .any_order = TRUE };
    struct lines e = { 0 };
    int t, i;

    for (t = 0; t < THREADS; t++)
    {
        for (i = 0; i < ITERATIONS; i += 5)
            lines_add(&e, "threads.c:%d: Test failed: thread %d: iteration %d", 9100 + t, t, i);
        lines_add(&e, "threads.c:%d: Test marked todo: thread %d: todo %d", 9200 + t, t, t);
    }
    lines_add(&e, "threads.c:9301: Test marked todo: main: main todo");
    lines_add(&e, "threads.c:9300: Test failed: main: main after threads");
    check_child(&threads, &e);
}

static void test_small_children(void)
{
    static const char *const windows[] = { "WINETEST_PLATFORM=windows", NULL };
    static const char *const timed[] = { "WINETEST_PLATFORM=windows", "WINETEST_TIME=1", NULL };
    static const char *const none[] = { NULL };
    static const char no_checks[] = "0 tests executed (0 marked as todo, 0 as flaky, 0 failures), 0 skipped.";
    static const struct scenario one = { .name = "one", .args = TEST_NAME " one", .vars = windows,
        .summary = "2 tests executed (0 marked as todo, 0 as flaky, 1 failure), 0 skipped.", .exit_code = 1 };
    static const struct scenario crash = { .name = "crash", .args = TEST_NAME " crash", .vars = windows,
        .summary = "unhandled exception e0001234 at *", .exit_code = 0xe0001234 };
    static const struct scenario time = { .name = "time", .args = TEST_NAME " time", .vars = timed,
        .summary = "1 tests executed (0 marked as todo, 0 as flaky, 1 failure), 0 skipped.", .exit_code = 1,
        .timed = TRUE };
    static const struct scenario args = { .name = "args", .args = TEST_NAME " args one \"two words\"",
        .vars = windows, .summary = no_checks };
    static const struct scenario platform = { .name = "platform", .args = TEST_NAME " platform", .vars = none,
        .summary = no_checks };
    static const struct scenario list = { .name = "list", .args = "--list", .vars = none };
    static const struct scenario unknown = { .name = "unknown", .args = "nope", .vars = none, .exit_code = 1 };
    static const struct scenario name_c = { .name = "name.c", .args = "dir\\" TEST_NAME ".c args", .vars = windows,
        .summary = no_checks };
    BOOL is_wine = GetProcAddress(GetModuleHandleA("ntdll.dll"), "wine_get_version") != NULL;
    struct lines e = { 0 };

    lines_add(&e, "fake.c:9400: Test failed: the only failure");
    check_child(&one, &e);

    /* On Windows the harness names the last check before an unhandled exception; the process
     * then ends with the exception code. */
    lines_add(&e, "fake.c:9500: this is the last test seen before the exception");
    check_child(&crash, &e);

    lines_add(&e, "fake.c:9600:#.# time probe");
    lines_add(&e, "fake.c:9601:#.# Test failed: timed failure");
    check_child(&time, &e);

    lines_add(&e, "fake.c:9700: argc=5");
    lines_add(&e, "fake.c:9701: argv[1]=" TEST_NAME);
    lines_add(&e, "fake.c:9701: argv[2]=args");
    lines_add(&e, "fake.c:9701: argv[3]=one");
    lines_add(&e, "fake.c:9701: argv[4]=two words");
    check_child(&args, &e);

    /* Without WINETEST_PLATFORM the platform comes from ntdll's wine_get_version export. */
    lines_add(&e, "fake.c:9800: platform=%s is_wine=%d broken(1)=%d",
              is_wine ? "wine" : "windows", is_wine, !is_wine);
    check_child(&platform, &e);
    if (!GetEnvironmentVariableA("WINETEST_PLATFORM", NULL, 0))
        ok(winetest_platform_is_wine == is_wine, "parent: is_wine %d, wine_get_version says %d\n",
           winetest_platform_is_wine, is_wine);

    /* Wine's command line: --list, an unknown name, the name with a directory and ".c". */
    lines_add(&e, "Valid test names:");
    lines_add(&e, "    " TEST_NAME);
    check_child(&list, &e);
    lines_add(&e, "Fatal: test 'nope' does not exist.");
    check_child(&unknown, &e);
    lines_add(&e, "fake.c:9700: argc=3");
    lines_add(&e, "fake.c:9701: argv[1]=dir\\" TEST_NAME ".c");
    lines_add(&e, "fake.c:9701: argv[2]=args");
    check_child(&name_c, &e);
}

START_TEST(harness_selftest)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);

    if (argc >= 3)
    {
        run_child(argv[2], argc, argv);
        return;
    }
    test_features();
    test_threads();
    test_small_children();
}
