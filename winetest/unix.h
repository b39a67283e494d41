/* Wine only: starting a Unix shell command from a test, to make host changes no Windows API makes (a link
 * added, taken down, given another MTU).  Wine runs a Linux executable named by its Windows path, but gives back
 * no process handle and no exit code: a test learns that the command ran from the event it causes. */
#ifndef WINETEST_UNIX_H
#define WINETEST_UNIX_H

#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Starts /bin/sh -c "cd dir; script" (no cd when dir is NULL).  Neither may contain double quotes or
 * backslashes: Wine splits the command line the Windows way. */
static inline BOOL winetest_run_unix(const char *dir, const char *script)
{
    WCHAR cmdline[4096];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    size_t n, i;
    BOOL ret;

    wcscpy(cmdline, L"\"Z:\\bin\\sh\" -c \"");
    n = wcslen(cmdline);
    if (dir)
    {
        static const char cd[] = "cd '";

        for (i = 0; cd[i]; i++) cmdline[n++] = (unsigned char)cd[i];
        for (i = 0; dir[i] && n < ARRAY_SIZE(cmdline) - 16; i++) cmdline[n++] = (unsigned char)dir[i];
        cmdline[n++] = '\'';
        cmdline[n++] = ';';
        cmdline[n++] = ' ';
    }
    for (i = 0; script[i] && n < ARRAY_SIZE(cmdline) - 2; i++) cmdline[n++] = (unsigned char)script[i];
    cmdline[n++] = '"';
    cmdline[n] = 0;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    memset(&pi, 0, sizeof(pi));
    ret = CreateProcessW(L"Z:\\bin\\sh", cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi);
    ok(ret, "cannot start /bin/sh: %lu\n", GetLastError());
    /* For a Linux program Wine 8 gives no process handle, and hThread is then whatever was on its stack
     * (seen: 0x29, 0x21caf8): closing it would close some other handle of ours. */
    if (ret && pi.hProcess)
    {
        CloseHandle(pi.hThread);
        CloseHandle(pi.hProcess);
    }
    return ret;
}

/* The current directory's Unix path, where the scripts of winetest_run_unix() run; FALSE (and a failure) when
 * Wine cannot say. */
static inline BOOL winetest_unix_cwd(char *buf, size_t size)
{
    char *(CDECL *to_unix)(const WCHAR *);
    WCHAR cwd[MAX_PATH];
    char *path;

    to_unix = (void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "wine_get_unix_file_name");
    GetCurrentDirectoryW(MAX_PATH, cwd);
    if (!to_unix || !(path = to_unix(cwd)))
    {
        ok(0, "cannot map %ls to a Unix path\n", cwd);
        return FALSE;
    }
    snprintf(buf, size, "%s", path);
    HeapFree(GetProcessHeap(), 0, path);
    return TRUE;
}

/* A file a Unix command wrote into the current directory, NUL-terminated (its length in *len when given);
 * NULL if absent.  The caller frees it. */
static inline char *winetest_read_file(const char *name, size_t *len)
{
    HANDLE file = CreateFileA(name, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    char *buf;
    DWORD got = 0, size;

    if (file == INVALID_HANDLE_VALUE) return NULL;
    size = GetFileSize(file, NULL);
    buf = malloc(size + 1);
    if (!ReadFile(file, buf, size, &got, NULL)) got = 0;
    CloseHandle(file);
    buf[got] = 0;
    if (len) *len = got;
    return buf;
}

/* Writes text (a script for a Unix command, say) to a file in the current directory. */
static inline BOOL winetest_write_file(const char *name, const char *text)
{
    HANDLE file = CreateFileA(name, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD written = 0;

    if (file == INVALID_HANDLE_VALUE) return FALSE;
    WriteFile(file, text, (DWORD)strlen(text), &written, NULL);
    CloseHandle(file);
    return written == strlen(text);
}

/* Starts this program again as "<exe> <args>" (args: the test name and the child's own arguments) with
 * WINENOTIFY_HOST set to host, so that the child gets a helper of its own, and our standard handles, so that
 * its checks print in our log.  Its process handle, or NULL. */
static inline HANDLE winetest_start_child(const char *args, const WCHAR *host)
{
    WCHAR exe[MAX_PATH], cmdline[MAX_PATH + 256];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    size_t n, i;
    BOOL ret;

    GetModuleFileNameW(NULL, exe, MAX_PATH);
    wcscpy(cmdline, L"\"");
    wcscat(cmdline, exe);
    wcscat(cmdline, L"\" ");
    n = wcslen(cmdline);
    for (i = 0; args[i] && n < ARRAY_SIZE(cmdline) - 1; i++) cmdline[n++] = (unsigned char)args[i];
    cmdline[n] = 0;
    SetEnvironmentVariableW(L"WINENOTIFY_HOST", host);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    ret = CreateProcessW(exe, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi);
    SetEnvironmentVariableW(L"WINENOTIFY_HOST", NULL);
    ok(ret, "cannot start the child: %lu\n", GetLastError());
    if (!ret) return NULL;
    CloseHandle(pi.hThread);
    return pi.hProcess;
}

#endif
