/* bench-load.exe: what loading iphlpapi.dll costs a program that never registers for a notification.  It
 * imports nothing from iphlpapi, so the load happens here, timed: "ours" as a program would load it with our
 * copy beside it (WINEDLLOVERRIDES prefers it), "system" by the full path of the system directory's copy (as
 * our forwarder does; under Wine that is the builtin).  It reports the time
 * of LoadLibrary, of the first call of a function we forward, how many threads appeared, and which DLL was
 * loaded; then it stays alive until the bench says so, so that the bench can look for a helper meanwhile.
 *
 * Usage: bench-load.exe ours|system <result file> */
#include <windows.h>
#include <tlhelp32.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

static double mono_us(void)
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER now;

    if (!freq.QuadPart) QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    return (double)now.QuadPart * 1e6 / (double)freq.QuadPart;
}

static int count_threads(void)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    THREADENTRY32 te;
    int n = 0;

    if (snap == INVALID_HANDLE_VALUE) return -1;
    te.dwSize = sizeof(te);
    if (Thread32First(snap, &te))
        do if (te.th32OwnerProcessID == GetCurrentProcessId()) n++; while (Thread32Next(snap, &te));
    CloseHandle(snap);
    return n;
}

int main(int argc, char **argv)
{
    DWORD (WINAPI *get_number)(DWORD *);
    WCHAR exe[MAX_PATH], dll[MAX_PATH], system[MAX_PATH], *slash;
    HANDLE ready, go;
    HMODULE module;
    double t0, t1, t2;
    int before, after;
    DWORD count = 0;
    FILE *f;
    BOOL ours;

    if (argc != 3) return 2;
    GetSystemDirectoryW(system, MAX_PATH - 16);
    wcscat(system, L"\\iphlpapi.dll");
    before = count_threads();
    t0 = mono_us();
    module = LoadLibraryW(strcmp(argv[1], "system") ? L"iphlpapi.dll" : system);
    t1 = mono_us();
    if (!module) return 1;
    get_number = (void *)GetProcAddress(module, "GetNumberOfInterfaces");
    if (get_number) get_number(&count);
    t2 = mono_us();
    after = count_threads();

    GetModuleFileNameW(NULL, exe, MAX_PATH);
    if ((slash = wcsrchr(exe, '\\'))) slash[1] = 0;
    GetModuleFileNameW(module, dll, MAX_PATH);
    ours = !_wcsnicmp(exe, dll, wcslen(exe));

    if (!(f = fopen(argv[2], "w"))) return 1;
    fprintf(f, "load_us=%.0f call_us=%.0f new_threads=%d ours=%d interfaces=%lu wanted=%s dll=%ls\n", t1 - t0,
            t2 - t1, after - before, ours, count, argv[1], dll);
    fclose(f);

    ready = OpenEventW(EVENT_MODIFY_STATE, FALSE, L"bench-load-ready");
    go = OpenEventW(SYNCHRONIZE, FALSE, L"bench-load-exit");
    if (ready) SetEvent(ready);
    if (go) WaitForSingleObject(go, 60000);
    return 0;
}
