/* Links that open (issue 17): CreateFileW on the symbolic link a device arrival announced opens the device, from
 * the arrival callback on, and fails from the removal callback on; nothing of it stays in the prefix, also when
 * the program is killed with -9 and when two processes of the prefix announce it at once.
 *
 * The devices are a loop disk and its partition, made and removed with host commands (Wine only: on Windows the
 * test skips).  Under Wine the helper makes a dosdevices entry named after each link (host/links.h). */
#include <winsock2.h>
#include <windows.h>
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>

#include "test.h"
#include "devtest.h"
#include "unix.h"
#include "winenotify/cfgmgr32_notify.h"
#include "winenotify/devguids.h"

#define WAIT_MS 10000
#define MAX_RECORDS 64
#define PART_START 2048           /* the partition's first sector */
#define PART_MARK "winenotify partition"

static CONFIGRET (WINAPI *pCM_Register_Notification)(PCM_NOTIFY_FILTER, PVOID, PCM_NOTIFY_CALLBACK,
                                                     PHCMNOTIFICATION);
static CONFIGRET (WINAPI *pCM_Unregister_Notification)(HCMNOTIFICATION);

/* What a callback saw: the action, the link, and whether the link opened right then (its error if not). */
struct record
{
    CM_NOTIFY_ACTION action;
    GUID guid;
    WCHAR link[MAX_DEVICE_ID_LEN + 64];
    BOOL opened;
    DWORD error;
};

struct recorder
{
    CRITICAL_SECTION cs;
    HANDLE signal;
    struct record records[MAX_RECORDS];
    LONG count;
};

static BOOL is_storage(const GUID *guid)
{
    return IsEqualGUID(guid, &WINENOTIFY_GUID_DEVINTERFACE_DISK) ||
           IsEqualGUID(guid, &WINENOTIFY_GUID_DEVINTERFACE_VOLUME);
}

/* Opens a link with the given access, as a program does with the link of a notification. */
static HANDLE open_link(const WCHAR *link, DWORD access)
{
    return CreateFileW(link, access, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
}

static DWORD CALLBACK record_callback(HCMNOTIFICATION handle, void *context, CM_NOTIFY_ACTION action,
                                      CM_NOTIFY_EVENT_DATA *data, DWORD size)
{
    struct recorder *r = context;
    struct record rec;
    HANDLE file;

    (void)handle;
    (void)size;
    if (data->FilterType != CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE || !is_storage(&data->u.DeviceInterface.ClassGuid))
        return ERROR_SUCCESS;
    memset(&rec, 0, sizeof(rec));
    rec.action = action;
    rec.guid = data->u.DeviceInterface.ClassGuid;
    lstrcpynW(rec.link, data->u.DeviceInterface.SymbolicLink, ARRAY_SIZE(rec.link));
    /* The order that matters: the name opens when the arrival is told, and no longer when the removal is. */
    SetLastError(0xdeadbeef);
    file = open_link(rec.link, 0);
    rec.opened = file != INVALID_HANDLE_VALUE;
    rec.error = GetLastError();
    if (rec.opened) CloseHandle(file);

    EnterCriticalSection(&r->cs);
    if (r->count < MAX_RECORDS) r->records[r->count++] = rec;
    LeaveCriticalSection(&r->cs);
    SetEvent(r->signal);
    return ERROR_SUCCESS;
}

static void recorder_init(struct recorder *r)
{
    memset(r, 0, sizeof(*r));
    InitializeCriticalSection(&r->cs);
    r->signal = CreateEventW(NULL, FALSE, FALSE, NULL);
}

static void recorder_free(struct recorder *r)
{
    CloseHandle(r->signal);
    DeleteCriticalSection(&r->cs);
}

/* The first record from `from` on with this action and class (and link, when given); -1 after WAIT_MS. */
static int wait_record(struct recorder *r, CM_NOTIFY_ACTION action, const GUID *guid, const WCHAR *link, int from)
{
    ULONGLONG deadline = GetTickCount64() + WAIT_MS;
    int i;

    for (;;)
    {
        EnterCriticalSection(&r->cs);
        for (i = from; i < r->count; i++)
            if (r->records[i].action == action && IsEqualGUID(&r->records[i].guid, guid) &&
                (!link || !_wcsicmp(r->records[i].link, link)))
                break;
        LeaveCriticalSection(&r->cs);
        if (i < r->count) return i;
        if (GetTickCount64() >= deadline) return -1;
        WaitForSingleObject(r->signal, (DWORD)(deadline - GetTickCount64()));
    }
}

static HCMNOTIFICATION register_all(struct recorder *r)
{
    CM_NOTIFY_FILTER filter = { .cbSize = sizeof(filter) };
    HCMNOTIFICATION handle = NULL;
    CONFIGRET ret;

    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    filter.Flags = CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES;
    ret = pCM_Register_Notification(&filter, r, record_callback, &handle);
    ok(ret == CR_SUCCESS, "registration failed: %#lx\n", ret);
    return ret == CR_SUCCESS ? handle : NULL;
}

/* ---- the host side ------------------------------------------------------------------------------------------ */

/* A 2 MiB image: an MBR with one partition from PART_START to the end, whose first sector holds PART_MARK. */
static BOOL write_image(const char *name, BYTE *mbr)
{
    static BYTE sector[512];
    DWORD written, i;
    BOOL ok_ = TRUE;
    HANDLE file;

    file = CreateFileA(name, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    for (i = 0; i < 4096 && ok_; i++)
    {
        memset(sector, 0, sizeof(sector));
        if (!i)
        {
            sector[446 + 4] = 0x83;
            *(DWORD *)&sector[446 + 8] = PART_START;
            *(DWORD *)&sector[446 + 12] = 4096 - PART_START;
            /* A disk signature, so that the first sector is this image's and no other's. */
            *(DWORD *)&sector[440] = GetTickCount() | 1;
            sector[510] = 0x55;
            sector[511] = 0xaa;
            memcpy(mbr, sector, sizeof(sector));
        }
        if (i == PART_START) strcpy((char *)sector, PART_MARK);
        ok_ = WriteFile(file, sector, sizeof(sector), &written, NULL) && written == sizeof(sector);
    }
    CloseHandle(file);
    return ok_;
}

/* Runs a script and waits (bounded) until it has run: it ends by creating `done`. */
static BOOL run_unix_wait(const char *script, const char *done)
{
    char full[2048];
    ULONGLONG deadline = GetTickCount64() + WAIT_MS;

    DeleteFileA(done);
    snprintf(full, sizeof(full), "%s; touch %s", script, done);
    if (!winetest_run_unix(NULL, full)) return FALSE;
    while (GetFileAttributesA(done) == INVALID_FILE_ATTRIBUTES)
    {
        if (GetTickCount64() >= deadline)
        {
            ok(0, "the script did not finish: %s\n", script);
            return FALSE;
        }
        Sleep(20);
    }
    DeleteFileA(done);
    return TRUE;
}

/* How many entries of the prefix's dosdevices are the entry of link (other tests' loop devices may have theirs
 * there too); -1 if that cannot be said. */
static int dosdevices_count(const WCHAR *link)
{
    char part[600];
    char script[256], *text;
    int n = -1, i;

    WideCharToMultiByte(CP_UTF8, 0, link + 4, -1, part, sizeof(part), NULL, NULL);
    for (i = 0; part[i]; i++) part[i] = (char)tolower((unsigned char)part[i]);
    snprintf(script, sizeof(script), "ls -A ${WINEPREFIX:-$HOME/.wine}/dosdevices > wnlk.ls 2>&1");
    if (!run_unix_wait(script, "wnlk.done")) return -1;
    if ((text = winetest_read_file("wnlk.ls", NULL)))
    {
        char *line = text, *end;

        if (winetest_debug > 1) trace("dosdevices: %s\n", text);
        for (n = 0; *line; line = end)
        {
            if ((end = strchr(line, '\n'))) *end++ = 0;
            else end = line + strlen(line);
            if (!strcmp(line, part)) n++;
        }
        free(text);
    }
    DeleteFileA("wnlk.ls");
    return n;
}

/* The helpers running in this namespace (the bracket keeps pgrep's own shell out): their number, and the pid of
 * the only one (0 when there are none, -1 when more than one). */
static int helpers(int *pid)
{
    char *text, *p;
    int n = 0;

    *pid = 0;
    if (!run_unix_wait("pgrep -f 'winenotify-hos[t]' > wnlk.helpers", "wnlk.done")) return -1;
    if ((text = winetest_read_file("wnlk.helpers", NULL)))
    {
        for (p = text; *p; p++)
            if (*p == '\n') n++;
        *pid = n == 1 ? atoi(text) : n ? -1 : 0;
        free(text);
    }
    DeleteFileA("wnlk.helpers");
    return n;
}

static int helper_count(void)
{
    int pid;

    return helpers(&pid);
}

static int helper_pid(void)
{
    int pid;

    helpers(&pid);
    return pid;
}

static BOOL attach(const char *image)
{
    char script[256];

    /* partx adds the partition when the kernel's own scan did not (seen on 6.18). */
    snprintf(script, sizeof(script), "losetup -f -P --show %s > %s.loop && partx -a $(cat %s.loop) 2>/dev/null",
             image, image, image);
    return winetest_run_unix(NULL, script);
}

static void detach(const char *image)
{
    char script[256];

    snprintf(script, sizeof(script), "test -s %s.loop && losetup -d $(cat %s.loop); rm -f %s.loop %s", image, image,
             image, image);
    run_unix_wait(script, "wnlk.done");
}

/* ---- a second process ---------------------------------------------------------------------------------------- */

/* The child: registers for every class, reports the first disk's link in <name>.link, then waits to be told to
 * exit (or to be killed). */
static void child_hold(const char *name)
{
    struct recorder r;
    HCMNOTIFICATION handle;
    char path[64], text[700];
    int i;

    recorder_init(&r);
    handle = register_all(&r);
    SetEvent(OpenEventW(EVENT_MODIFY_STATE, FALSE, L"winenotify_devlinks_up"));
    i = wait_record(&r, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, &WINENOTIFY_GUID_DEVINTERFACE_DISK, NULL, 0);
    if (i >= 0)
    {
        ok(r.records[i].opened, "child: %s did not open in its arrival callback: %lu\n",
           dbgstr_w(r.records[i].link), r.records[i].error);
        snprintf(path, sizeof(path), "%s.link", name);
        WideCharToMultiByte(CP_UTF8, 0, r.records[i].link, -1, text, sizeof(text), NULL, NULL);
        winetest_write_file(path, text);
        SetEvent(OpenEventW(EVENT_MODIFY_STATE, FALSE, L"winenotify_devlinks_arrived"));
    }
    WaitForSingleObject(OpenEventW(SYNCHRONIZE, FALSE, L"winenotify_devlinks_exit"), 60000);
    if (handle) pCM_Unregister_Notification(handle);
    recorder_free(&r);
}

struct child
{
    HANDLE process, up, arrived, exit;
};

static BOOL start_child(struct child *c, const char *name)
{
    char args[128], unix_cwd[1024], host_unix[1100];
    WCHAR host[1100];

    c->up = CreateEventW(NULL, FALSE, FALSE, L"winenotify_devlinks_up");
    c->arrived = CreateEventW(NULL, FALSE, FALSE, L"winenotify_devlinks_arrived");
    c->exit = CreateEventW(NULL, TRUE, FALSE, L"winenotify_devlinks_exit");
    if (!winetest_unix_cwd(unix_cwd, sizeof(unix_cwd))) return FALSE;
    snprintf(host_unix, sizeof(host_unix), "%s/winenotify-host", unix_cwd);
    MultiByteToWideChar(CP_UTF8, 0, host_unix, -1, host, ARRAY_SIZE(host));
    snprintf(args, sizeof(args), "devlinks child %s", name);
    if (!(c->process = winetest_start_child(args, host))) return FALSE;
    ok(WaitForSingleObject(c->up, WAIT_MS) == WAIT_OBJECT_0, "the child did not come up\n");
    return TRUE;
}

static void end_child(struct child *c)
{
    if (c->process)
    {
        SetEvent(c->exit);
        ok(WaitForSingleObject(c->process, WAIT_MS) == WAIT_OBJECT_0, "the child did not exit\n");
        CloseHandle(c->process);
    }
    CloseHandle(c->up);
    CloseHandle(c->arrived);
    CloseHandle(c->exit);
}

/* Waits (bounded) until opening link gives `error` (or succeeds, for 0). */
static DWORD wait_open_result(const WCHAR *link, DWORD error)
{
    ULONGLONG deadline = GetTickCount64() + WAIT_MS;
    DWORD got;

    for (;;)
    {
        HANDLE file = open_link(link, 0);

        got = file == INVALID_HANDLE_VALUE ? GetLastError() : 0;
        if (file != INVALID_HANDLE_VALUE) CloseHandle(file);
        if (got == error || GetTickCount64() >= deadline) return got;
        Sleep(20);
    }
}

/* ---- the tests ------------------------------------------------------------------------------------------------- */

/* The only process that announced the disk is killed with -9: its helper exits and takes the entry along. */
static void test_killed_program(void)
{
    static const char image[] = "wnlk1.img";
    struct child c = { 0 };
    char *link;
    WCHAR wlink[600];
    BYTE mbr[512];
    DWORD err;

    if (!write_image(image, mbr))
    {
        skip("cannot write an image in the current directory\n");
        return;
    }
    if (!start_child(&c, "wnlk1")) goto done;
    attach(image);
    if (WaitForSingleObject(c.arrived, WAIT_MS) != WAIT_OBJECT_0)
    {
        skip("no disk arrived: no loop device or no block uevents here\n");
        goto done;
    }
    link = winetest_read_file("wnlk1.link", NULL);
    ok(link != NULL, "the child reported no link\n");
    if (!link) goto done;
    MultiByteToWideChar(CP_UTF8, 0, link, -1, wlink, ARRAY_SIZE(wlink));
    /* This process uses no helper: the name opens through the prefix alone. */
    err = wait_open_result(wlink, 0);
    ok(!err, "%s does not open while the child runs: %lu\n", link, err);
    ok(dosdevices_count(wlink) == 1, "no entry for %s in dosdevices\n", link);

    /* Wine shows the Windows command line as the process's own: the child, and nothing else in this run's
     * namespace. */
    winetest_run_unix(NULL, "pkill -KILL -f 'devlinks child wnlk[1]'");
    ok(WaitForSingleObject(c.process, WAIT_MS) == WAIT_OBJECT_0, "the child was not killed\n");
    CloseHandle(c.process);
    c.process = NULL;
    err = wait_open_result(wlink, ERROR_FILE_NOT_FOUND);
    ok(err == ERROR_FILE_NOT_FOUND, "%s after the kill: %lu\n", link, err);
    ok(dosdevices_count(wlink) == 0, "%s left in dosdevices after the kill\n", link);
    free(link);
done:
    end_child(&c);
    detach(image);
    DeleteFileA("wnlk1.link");
}

/* Reads the first sector through the link and compares it with what the image holds there. */
static void check_first_sector(const WCHAR *link, const BYTE *expect, size_t len, const char *what)
{
    BYTE sector[512];
    DWORD got = 0;
    HANDLE file;

    file = open_link(link, GENERIC_READ);
    ok(file != INVALID_HANDLE_VALUE, "%s: %s does not open for reading: %lu\n", what, dbgstr_w(link),
       GetLastError());
    if (file == INVALID_HANDLE_VALUE) return;
    ok(ReadFile(file, sector, sizeof(sector), &got, NULL) && got == sizeof(sector), "%s: read %lu bytes: %lu\n",
       what, got, GetLastError());
    ok(got == sizeof(sector) && !memcmp(sector, expect, len), "%s: the first sector is not the image's\n", what);
    CloseHandle(file);
}

/* The disk and its partition, announced to this process and to a second one: each link opens from the arrival on
 * (access 0 and GENERIC_READ, with the image's bytes), stays when the other process exits, and is gone when the
 * removal is told, with nothing left in the prefix. */
static void test_loop_links(void)
{
    static const char image[] = "wnlk2.img";
    struct recorder r;
    struct child c = { 0 };
    HCMNOTIFICATION handle;
    WCHAR disk[600], volume[600];
    int arrive, varrive, leave, vleave, helpers;
    BYTE mbr[512];
    HANDLE file;

    if (!write_image(image, mbr))
    {
        skip("cannot write an image in the current directory\n");
        return;
    }
    recorder_init(&r);
    handle = register_all(&r);
    if (!start_child(&c, "wnlk2")) goto done;
    attach(image);
    arrive = wait_record(&r, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, &WINENOTIFY_GUID_DEVINTERFACE_DISK, NULL, 0);
    if (arrive < 0)
    {
        skip("no disk arrived: no loop device or no block uevents here\n");
        goto done;
    }
    varrive = wait_record(&r, CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL, &WINENOTIFY_GUID_DEVINTERFACE_VOLUME, NULL, 0);
    ok(varrive >= 0, "no volume arrived\n");
    ok(WaitForSingleObject(c.arrived, WAIT_MS) == WAIT_OBJECT_0, "the child saw no disk\n");
    lstrcpynW(disk, r.records[arrive].link, ARRAY_SIZE(disk));
    ok(r.records[arrive].opened, "%s did not open in the arrival callback: %lu\n", dbgstr_w(disk),
       r.records[arrive].error);
    volume[0] = 0;
    if (varrive >= 0)
    {
        lstrcpynW(volume, r.records[varrive].link, ARRAY_SIZE(volume));
        ok(r.records[varrive].opened, "%s did not open in the arrival callback: %lu\n", dbgstr_w(volume),
           r.records[varrive].error);
    }

    file = open_link(disk, 0);
    ok(file != INVALID_HANDLE_VALUE, "%s does not open with access 0: %lu\n", dbgstr_w(disk), GetLastError());
    if (file != INVALID_HANDLE_VALUE) CloseHandle(file);
    check_first_sector(disk, mbr, sizeof(mbr), "disk");
    /* Writable too, as the node allows (nothing is written). */
    file = open_link(disk, GENERIC_READ | GENERIC_WRITE);
    ok(file != INVALID_HANDLE_VALUE, "%s does not open for writing: %lu\n", dbgstr_w(disk), GetLastError());
    if (file != INVALID_HANDLE_VALUE) CloseHandle(file);
    if (volume[0]) check_first_sector(volume, (const BYTE *)PART_MARK, sizeof(PART_MARK), "volume");
    ok(dosdevices_count(disk) == 1, "no entry for %s in dosdevices with two processes\n", dbgstr_w(disk));

    /* The other process goes, and its helper with it: our names stay. */
    SetEvent(c.exit);
    ok(WaitForSingleObject(c.process, WAIT_MS) == WAIT_OBJECT_0, "the child did not exit\n");
    CloseHandle(c.process);
    c.process = NULL;
    {
        ULONGLONG deadline = GetTickCount64() + WAIT_MS;

        while ((helpers = helper_count()) > 1 && GetTickCount64() < deadline) Sleep(50);
        ok(helpers == 1, "%d helpers after the child's exit\n", helpers);
    }
    file = open_link(disk, 0);
    ok(file != INVALID_HANDLE_VALUE, "%s no longer opens after the other process exited: %lu\n", dbgstr_w(disk),
       GetLastError());
    if (file != INVALID_HANDLE_VALUE) CloseHandle(file);

    /* Our helper killed with -9: the DLL starts another, which takes the entry over before it sweeps the dead
     * one's; the name opens throughout. */
    {
        ULONGLONG deadline = GetTickCount64() + WAIT_MS;
        int before = helper_pid(), now = before;
        DWORD err;

        winetest_run_unix(NULL, "pkill -KILL -f 'winenotify-hos[t]'");
        while (GetTickCount64() < deadline && ((now = helper_pid()) == before || now <= 0))
            if ((err = wait_open_result(disk, 0))) break;
        ok(now > 0 && now != before, "our helper %d was not replaced (%d)\n", before, now);
        err = wait_open_result(disk, 0);
        ok(!err, "%s does not open after our helper was replaced: %lu\n", dbgstr_w(disk), err);
        ok(dosdevices_count(disk) == 1, "no entry for %s after our helper was replaced\n", dbgstr_w(disk));
    }

    detach(image);
    leave = wait_record(&r, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, &WINENOTIFY_GUID_DEVINTERFACE_DISK, disk, 0);
    ok(leave > arrive, "disk removal %d\n", leave);
    if (leave > arrive)
        ok(!r.records[leave].opened && r.records[leave].error == ERROR_FILE_NOT_FOUND,
           "%s in the removal callback: opened %d, error %lu\n", dbgstr_w(disk), r.records[leave].opened,
           r.records[leave].error);
    if (volume[0])
    {
        vleave = wait_record(&r, CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, &WINENOTIFY_GUID_DEVINTERFACE_VOLUME,
                             volume, 0);
        ok(vleave > varrive, "volume removal %d\n", vleave);
        if (vleave > varrive)
            ok(!r.records[vleave].opened && r.records[vleave].error == ERROR_FILE_NOT_FOUND,
               "%s in the removal callback: opened %d, error %lu\n", dbgstr_w(volume), r.records[vleave].opened,
               r.records[vleave].error);
    }
    /* A removed device's link, as Windows answers for an interface that is gone. */
    SetLastError(0xdeadbeef);
    file = open_link(disk, GENERIC_READ);
    ok(file == INVALID_HANDLE_VALUE && GetLastError() == ERROR_FILE_NOT_FOUND, "%s after removal: %p, %lu\n",
       dbgstr_w(disk), file, GetLastError());
    if (file != INVALID_HANDLE_VALUE) CloseHandle(file);
    ok(dosdevices_count(disk) == 0, "%s left in dosdevices after the removal\n", dbgstr_w(disk));
    if (volume[0])
        ok(dosdevices_count(volume) == 0, "%s left in dosdevices after the removal\n", dbgstr_w(volume));
done:
    if (handle) pCM_Unregister_Notification(handle);
    end_child(&c);
    detach(image);
    DeleteFileA("wnlk2.link");
    recorder_free(&r);
}

/* One device, one arrival, for devices Wine models (winebus HID, wineusb USB): under Wine, ours announces them
 * with Wine's identity from Wine's own events (dlls/cfgmgr32/wine_devices.c) and never the helper's record of the
 * same node.  The kernel here has no hidraw, uhid, uinput or USB, so winetest/winedevice.c makes a device of Wine's
 * own model come and go instead (a root device of Wine's PnP tree with a driver of its own).  Here: a HID
 * registration is made, and Wine's devices that exist (winebus' virtual keyboard and mouse) are not announced, as
 * Windows announces no existing interface. */
static DWORD CALLBACK count_callback(HCMNOTIFICATION handle, void *context, CM_NOTIFY_ACTION action,
                                     CM_NOTIFY_EVENT_DATA *data, DWORD size)
{
    (void)handle; (void)action; (void)size;
    trace("event of class %08lx: %s\n", data->u.DeviceInterface.ClassGuid.Data1,
          dbgstr_w(data->u.DeviceInterface.SymbolicLink));
    InterlockedIncrement(context);
    return ERROR_SUCCESS;
}

static void test_wine_devices(void)
{
    CM_NOTIFY_FILTER filter = { .cbSize = sizeof(filter) };
    HCMNOTIFICATION handle = NULL;
    LONG count = 0;
    CONFIGRET ret;

    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    filter.u.DeviceInterface.ClassGuid = WINENOTIFY_GUID_DEVINTERFACE_HID;
    ret = pCM_Register_Notification(&filter, &count, count_callback, &handle);
    ok(ret == CR_SUCCESS, "HID registration: %#lx\n", ret);
    Sleep(500);
    if (handle) ok(pCM_Unregister_Notification(handle) == CR_SUCCESS, "unregistering failed\n");
    ok(count == 0, "%ld HID events for devices that already existed\n", count);
}

/* A serial port that is there from the start (this kernel's ttyS0; none can be made or removed here, so the
 * arrival of one is tested on fixtures in tests/test_links.c): its link opens it, it has one COM name in
 * HARDWARE\DEVICEMAP\SERIALCOMM (Wine's own when Wine mapped it at its start, "\Device\Serial0" = "COM1", else
 * ours), and \\.\COMn opens it. */
static void test_serial_port(void)
{
    static const WCHAR link[] = L"\\\\?\\ROOT#PORTS#ttyS0#{86e0d1e0-8089-11d0-9ce4-08003e301f73}";
    WCHAR name[256], data[32], com[40] = L"";
    CM_NOTIFY_FILTER filter = { .cbSize = sizeof(filter) };
    HCMNOTIFICATION handle = NULL;
    DWORD i, name_len, size, type;
    LONG count = 0;
    int named = 0;
    HANDLE file;
    HKEY key;

    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    filter.u.DeviceInterface.ClassGuid = WINENOTIFY_GUID_DEVINTERFACE_COMPORT;
    ok(pCM_Register_Notification(&filter, &count, count_callback, &handle) == CR_SUCCESS, "no registration\n");

    file = open_link(link, 0);
    if (file == INVALID_HANDLE_VALUE && GetLastError() == ERROR_FILE_NOT_FOUND)
    {
        /* The helper lists only a tty that is a port (its driver has a UART behind it). */
        skip("no serial port ttyS0 here\n");
        goto done;
    }
    ok(file != INVALID_HANDLE_VALUE, "%s does not open: %lu\n", dbgstr_w(link), GetLastError());
    if (file != INVALID_HANDLE_VALUE) CloseHandle(file);

    ok(!RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"HARDWARE\\DEVICEMAP\\SERIALCOMM", 0, KEY_READ, &key), "no SERIALCOMM\n");
    for (i = 0;; i++)
    {
        name_len = ARRAY_SIZE(name);
        size = sizeof(data) - sizeof(WCHAR);
        if (RegEnumValueW(key, i, name, &name_len, NULL, &type, (BYTE *)data, &size)) break;
        data[size / sizeof(WCHAR)] = 0;
        trace("SERIALCOMM %s = %s\n", dbgstr_w(name), dbgstr_w(data));
        if (!wcscmp(name, L"\\Device\\winenotify_ttyS0") || !wcscmp(name, L"\\Device\\Serial0"))
        {
            named++;
            wsprintfW(com, L"\\\\.\\%s", data);
        }
    }
    RegCloseKey(key);
    ok(named == 1, "ttyS0 has %d names in SERIALCOMM\n", named);

    /* The same name in the device's hardware key, where SetupDiOpenDevRegKey(DIREG_DEV) finds a port's PortName. */
    size = sizeof(data) - sizeof(WCHAR);
    ok(!RegGetValueW(HKEY_LOCAL_MACHINE, L"System\\CurrentControlSet\\Enum\\ROOT\\PORTS\\TTYS0\\Device Parameters",
                     L"PortName", RRF_RT_REG_SZ, NULL, data, &size), "ttyS0 has no PortName\n");
    ok(com[0] && !wcscmp(data, com + 4), "PortName %s, SERIALCOMM %s\n", dbgstr_w(data), dbgstr_w(com));
    if (com[0])
    {
        file = CreateFileW(com, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        ok(file != INVALID_HANDLE_VALUE, "%s does not open: %lu\n", dbgstr_w(com), GetLastError());
        if (file != INVALID_HANDLE_VALUE) CloseHandle(file);
    }
done:
    if (handle) pCM_Unregister_Notification(handle);
}

START_TEST(devlinks)
{
    HMODULE cfgmgr32 = LoadLibraryW(L"cfgmgr32.dll");
    char **argv;
    int argc = winetest_get_mainargs(&argv);

    pCM_Register_Notification = (void *)GetProcAddress(cfgmgr32, "CM_Register_Notification");
    pCM_Unregister_Notification = (void *)GetProcAddress(cfgmgr32, "CM_Unregister_Notification");
    if (!pCM_Register_Notification || !pCM_Unregister_Notification)
    {
        win_skip("CM_Register_Notification is missing (Windows 7, or Wine 8 without our DLL)\n");
        return;
    }
    if (argc >= 4 && !strcmp(argv[2], "child"))
    {
        child_hold(argv[3]);
        return;
    }
    if (!winetest_platform_is_wine)
    {
        skip("loop devices are made with host commands: Wine only\n");
        return;
    }
    /* First, while this process has no helper of its own. */
    test_killed_program();
    test_loop_links();
    test_wine_devices();
    test_serial_port();
}
