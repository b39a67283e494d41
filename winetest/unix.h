/* Wine only: starting a Unix shell command from a test, to make host changes no Windows API makes (a link
 * added, taken down, given another MTU).  Wine runs a Linux executable named by its Windows path, but gives back
 * no process handle and no exit code: a test learns that the command ran from the event it causes. */
#ifndef WINETEST_UNIX_H
#define WINETEST_UNIX_H

#include <windows.h>
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
    ret = CreateProcessW(L"Z:\\bin\\sh", cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi);
    ok(ret, "cannot start /bin/sh: %lu\n", GetLastError());
    if (ret)
    {
        if (pi.hThread) CloseHandle(pi.hThread);
        if (pi.hProcess) CloseHandle(pi.hProcess);
    }
    return ret;
}

#endif
