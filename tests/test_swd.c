/* Software devices: the request rules of wire.h and the entries they make (swd_request.c), and the directory the
 * helpers share (swd.c): two or more registries over one temporary directory stand for the helpers of two
 * processes, a forked child killed with SIGKILL for a helper that dies. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "swd.h"
#include "swd_request.h"
#include "unit.h"

/* {a5dcbf10-6530-11d2-901f-00c04fb951ed} as it lies in memory. */
static const uint8_t usb_guid[16] = { 0x10, 0xbf, 0xdc, 0xa5, 0x30, 0x65, 0xd2, 0x11,
                                      0x90, 0x1f, 0x00, 0xc0, 0x4f, 0xb9, 0x51, 0xed };

static struct wn_wire_sw make_sw(const char *enumerator, const char *instance, const uint8_t *guid, const char *ref)
{
    struct wn_wire_sw sw;

    memset(&sw, 0, sizeof(sw));
    snprintf(sw.enumerator, sizeof(sw.enumerator), "%s", enumerator);
    snprintf(sw.instance, sizeof(sw.instance), "%s", instance);
    if (guid) memcpy(sw.guid, guid, 16);
    if (ref) snprintf(sw.refstring, sizeof(sw.refstring), "%s", ref);
    return sw;
}

static void test_check(void)
{
    struct wn_wire_sw sw = make_sw("WineTest", "Dev_1", NULL, NULL), bad;
    char long_id[200];

    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &sw), WN_RESULT_OK);
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CLOSE, WN_WIRE_OP_DEL, &sw), WN_RESULT_OK);
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_DEL, &sw), WN_RESULT_INVALID);
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CLOSE, WN_WIRE_OP_ADD, &sw), WN_RESULT_INVALID);
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_DUMP, WN_WIRE_OP_ADD, &sw), WN_RESULT_INVALID);
    /* An interface needs its class; a device takes none and no reference string. */
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &sw), WN_RESULT_INVALID);
    bad = make_sw("WineTest", "Dev_1", usb_guid, NULL);
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &bad), WN_RESULT_OK);
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_INTERFACE, WN_WIRE_OP_DEL, &bad), WN_RESULT_OK);
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_INTERFACE, WN_WIRE_OP_CHANGE, &bad), WN_RESULT_INVALID);
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);
    bad = make_sw("WineTest", "Dev_1", NULL, "ref");
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);
    bad = make_sw("WineTest", "Dev_1", usb_guid, "ref/1");
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &bad), WN_RESULT_OK);

    /* Characters: none of '\', ',', space, control or non-ASCII; not empty. */
    bad = make_sw("Wine\\Test", "Dev", NULL, NULL);
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);
    bad = make_sw("WineTest", "Dev,1", NULL, NULL);
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);
    bad = make_sw("WineTest", "Dev 1", NULL, NULL);
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);
    bad = make_sw("WineTest", "Dev\t1", NULL, NULL);
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);
    bad = make_sw("WineTest", "Dev\xc3\xa9", NULL, NULL);
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);
    bad = make_sw("", "Dev", NULL, NULL);
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);
    bad = make_sw("WineTest", "", NULL, NULL);
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);
    bad = make_sw("WineTest", "Dev", usb_guid, "a\\b");
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);

    /* Bytes after a string's NUL. */
    bad = sw;
    bad.instance[sizeof(bad.instance) - 1] = 'x';
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);

    /* "SWD\" + 8 + "\" + instance + NUL within 200: an instance of 186 fits, 187 does not. */
    memset(long_id, 'x', sizeof(long_id));
    long_id[186] = 0;
    bad = make_sw("WineTest", long_id, NULL, NULL);
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &bad), WN_RESULT_OK);
    long_id[186] = 'x';
    long_id[187] = 0;
    bad = make_sw("WineTest", long_id, NULL, NULL);
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);
    /* The interface's name: 8 + 1 + 186 + 1 + 38 = 234, and a reference string of 16 more is 251. */
    long_id[186] = 0;
    bad = make_sw("WineTest", long_id, usb_guid, "0123456789abcde");
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &bad), WN_RESULT_OK);
    bad = make_sw("WineTest", long_id, usb_guid, "0123456789abcdef");
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);
}

/* The records' framing (wire.c): the contents are the helper's to judge, but every string must end in its field
 * and each request has its one op. */
static void test_wire(void)
{
    struct wn_wire_sw sw = make_sw("WineTest", "Dev", usb_guid, "r");
    struct wn_wire_record rec;
    uint8_t buf[2048];
    size_t len;

    len = wn_wire_encode(buf, sizeof(buf), WN_WIRE_SW_INTERFACE, WN_WIRE_OP_DEL, &sw, NULL, 0);
    CU_ASSERT_EQUAL(len, 8 + sizeof(sw));
    CU_ASSERT_EQUAL(wn_wire_decode(buf, len, &rec), (long)len);
    CU_ASSERT_EQUAL(rec.type, WN_WIRE_SW_INTERFACE);
    CU_ASSERT_STRING_EQUAL(rec.u.sw.refstring, "r");
    CU_ASSERT_EQUAL(wn_wire_decode(buf, len - 1, &rec), 0);
    CU_ASSERT_EQUAL(wn_wire_encode(buf, sizeof(buf), WN_WIRE_SW_CREATE, WN_WIRE_OP_DEL, &sw, NULL, 0), 0);
    CU_ASSERT_EQUAL(wn_wire_encode(buf, sizeof(buf), WN_WIRE_SW_CLOSE, WN_WIRE_OP_ADD, &sw, NULL, 0), 0);
    memset(sw.instance, 'x', sizeof(sw.instance));
    len = wn_wire_encode(buf, sizeof(buf), WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &sw, NULL, 0);
    CU_ASSERT_EQUAL(wn_wire_decode(buf, len, &rec), -1);
}

static int props_equal(const char *props, size_t len, const char *expect, size_t expect_len);

/* What SwDeviceCreate gives for the device node travels with the creation, checked as strictly as the IDs. */
static void test_node_values(void)
{
    static const char expect[] = "DEVPATH=/winenotify/swd/WineTest/Dev\0SUBSYSTEM=winenotify_swd\0"
                                 "WN_INSTANCE_ID=SWD\\WineTest\\Dev\0WN_DESCRIPTION=Caf\xc3\xa9 device\0"
                                 "WN_HARDWARE_IDS=WineTestHw|WineTestHw2\0WN_PARENT=HTREE\\ROOT\\0";
    struct wn_wire_sw sw = make_sw("WineTest", "Dev", NULL, NULL);
    char name[SWD_NAME_MAX], props[SWD_PROPS_MAX];
    struct wn_wire_sw bad;
    size_t len;

    strcpy(sw.description, "Caf\xc3\xa9 device");
    strcpy(sw.hardware_ids, "WineTestHw|WineTestHw2");
    strcpy(sw.parent, "HTREE\\ROOT\\0");
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &sw), WN_RESULT_OK);
    len = swd_entry(WN_WIRE_SW_CREATE, &sw, name, props);
    CU_ASSERT_TRUE(props_equal(props, len, expect, sizeof(expect)));
    /* Only a creation carries them. */
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CLOSE, WN_WIRE_OP_DEL, &sw), WN_RESULT_INVALID);

    bad = sw;
    strcpy(bad.description, "line\nfeed");
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);
    bad = sw;
    strcpy(bad.hardware_ids, "A||B");
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);
    bad = sw;
    strcpy(bad.compatible_ids, "A B");
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);
    bad = sw;
    strcpy(bad.parent, "HTREE\\\\ROOT");
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);
    bad = sw;
    bad.parent[sizeof(bad.parent) - 1] = 'x';
    CU_ASSERT_EQUAL(swd_request_check(WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &bad), WN_RESULT_INVALID);
}

static int props_equal(const char *props, size_t len, const char *expect, size_t expect_len)
{
    return len == expect_len && !memcmp(props, expect, len);
}

static void test_entry(void)
{
    static const char device_props[] = "DEVPATH=/winenotify/swd/WineTest/Dev_1/a\0SUBSYSTEM=winenotify_swd\0"
                                       "WN_INSTANCE_ID=SWD\\WineTest\\Dev_1/a";
    static const char iface_props[] = "DEVPATH=/winenotify/swd/WineTest/Dev_1/a/{a5dcbf10-6530-11d2-901f-00c04fb951ed}/Ref\0"
                                      "SUBSYSTEM=winenotify_swd_interface\0WN_INSTANCE_ID=SWD\\WineTest\\Dev_1/a\0"
                                      "WN_CLASS_GUID={a5dcbf10-6530-11d2-901f-00c04fb951ed}\0WN_REFSTRING=Ref";
    static const char bare_props[] = "DEVPATH=/winenotify/swd/WineTest/Dev_1/a/{a5dcbf10-6530-11d2-901f-00c04fb951ed}\0"
                                     "SUBSYSTEM=winenotify_swd_interface\0WN_INSTANCE_ID=SWD\\WineTest\\Dev_1/a\0"
                                     "WN_CLASS_GUID={a5dcbf10-6530-11d2-901f-00c04fb951ed}";
    struct wn_wire_sw sw = make_sw("WineTest", "Dev_1/a", usb_guid, "Ref");
    char name[SWD_NAME_MAX], prefix[SWD_NAME_MAX], props[SWD_PROPS_MAX], guid[SWD_GUID_TEXT];
    size_t len;

    swd_guid_text(usb_guid, guid);
    CU_ASSERT_STRING_EQUAL(guid, "{a5dcbf10-6530-11d2-901f-00c04fb951ed}");

    len = swd_entry(WN_WIRE_SW_CREATE, &sw, name, props);
    CU_ASSERT_TRUE(props_equal(props, len, device_props, sizeof(device_props)));
    CU_ASSERT_STRING_EQUAL(name, "DWINETEST\\DEV_1,A");
    CU_ASSERT_EQUAL(swd_interface_prefix(name, prefix), 0);
    CU_ASSERT_STRING_EQUAL(prefix, "IWINETEST\\DEV_1,A\\");
    CU_ASSERT_EQUAL(swd_interface_prefix("IWINETEST\\DEV", prefix), -1);

    len = swd_entry(WN_WIRE_SW_INTERFACE, &sw, name, props);
    CU_ASSERT_TRUE(props_equal(props, len, iface_props, sizeof(iface_props)));
    CU_ASSERT_STRING_EQUAL(name, "IWINETEST\\DEV_1,A\\{A5DCBF10-6530-11D2-901F-00C04FB951ED}\\REF");
    sw.refstring[0] = 0;
    len = swd_entry(WN_WIRE_SW_INTERFACE, &sw, name, props);
    CU_ASSERT_TRUE(props_equal(props, len, bare_props, sizeof(bare_props)));
    CU_ASSERT_STRING_EQUAL(name, "IWINETEST\\DEV_1,A\\{A5DCBF10-6530-11D2-901F-00C04FB951ED}");
}

/* ---- the shared directory --------------------------------------------------------------------------------- */

/* What a registry reported: "+DEVPATH" for an ADD, "-DEVPATH" for a DEL. */
struct seen
{
    int n;
    char what[32][300];
};

static int collect(void *ctx, uint16_t op, const char *props, size_t len)
{
    struct seen *s = ctx;
    const char *devpath = wn_wire_prop(props, len, "DEVPATH");

    CU_ASSERT_PTR_NOT_NULL_FATAL(devpath);
    CU_ASSERT_FATAL(s->n < 32);
    snprintf(s->what[s->n++], sizeof(s->what[0]), "%c%s", op == WN_WIRE_OP_ADD ? '+' : '-',
             devpath + strlen("/winenotify/swd/"));
    return 0;
}

/* Reads swd's events until it has reported `want` records or 10 s passed (a bound, not a timing). */
static void wait_for(struct swd *swd, struct seen *s, int want)
{
    int rounds;

    for (rounds = 0; s->n < want && rounds < 100; rounds++)
    {
        struct pollfd pfd = { .fd = swd_fd(swd), .events = POLLIN };

        if (poll(&pfd, 1, 100) < 0) break;
        if (swd_read(swd, collect, s) == 1) CU_FAIL("inotify overflow in a quiet test");
    }
    CU_ASSERT_EQUAL(s->n, want);
}

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof(dir), "/tmp/wn-swd-test.XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
}

static void remove_dir(void)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int left = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    while ((de = readdir(d)))
        if (de->d_name[0] != '.') left++;
    closedir(d);
    CU_ASSERT_EQUAL(left, 0); /* every registry cleaned up after itself, or after the dead */
    CU_ASSERT_EQUAL(rmdir(dir), 0);
}

static void test_shared(void)
{
    struct wn_wire_sw dev = make_sw("WineTest", "Dev1", NULL, NULL), iface = make_sw("WineTest", "Dev1", usb_guid, NULL);
    struct wn_wire_sw iface_ref = make_sw("WineTest", "Dev1", usb_guid, "r1"), other = make_sw("WINETEST", "dev1", NULL, NULL);
    struct seen a = { 0 }, b = { 0 }, c = { 0 };
    struct swd *sa, *sb, *sc;

    make_dir();
    sa = swd_open(dir);
    sb = swd_open(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sb);
    CU_ASSERT_EQUAL(swd_enumerate(sb, collect, &b), 0);
    CU_ASSERT_EQUAL(b.n, 0);

    /* Made by A: seen by A (its records come before its reply) and by B. */
    CU_ASSERT_EQUAL(swd_request(sa, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &dev), WN_RESULT_OK);
    CU_ASSERT_EQUAL(swd_read(sa, collect, &a), 0);
    CU_ASSERT_EQUAL(a.n, 1);
    wait_for(sb, &b, 1);
    CU_ASSERT_STRING_EQUAL(b.what[0], "+WineTest/Dev1");

    /* One device per ID for the whole user, whatever the case; only its maker may add interfaces or close it. */
    CU_ASSERT_EQUAL(swd_request(sb, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &other), WN_RESULT_EXISTS);
    CU_ASSERT_EQUAL(swd_request(sa, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &dev), WN_RESULT_EXISTS);
    CU_ASSERT_EQUAL(swd_request(sb, WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &iface), WN_RESULT_NOT_FOUND);
    CU_ASSERT_EQUAL(swd_request(sb, WN_WIRE_SW_CLOSE, WN_WIRE_OP_DEL, &dev), WN_RESULT_NOT_FOUND);

    CU_ASSERT_EQUAL(swd_request(sa, WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &iface), WN_RESULT_OK);
    CU_ASSERT_EQUAL(swd_request(sa, WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &iface), WN_RESULT_OK); /* no change */
    CU_ASSERT_EQUAL(swd_request(sa, WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &iface_ref), WN_RESULT_OK);
    wait_for(sb, &b, 3);
    CU_ASSERT_STRING_EQUAL(b.what[1], "+WineTest/Dev1/{a5dcbf10-6530-11d2-901f-00c04fb951ed}");
    CU_ASSERT_STRING_EQUAL(b.what[2], "+WineTest/Dev1/{a5dcbf10-6530-11d2-901f-00c04fb951ed}/r1");

    /* A third process starting now lists the device before its interfaces. */
    sc = swd_open(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(swd_enumerate(sc, collect, &c), 0);
    CU_ASSERT_EQUAL_FATAL(c.n, 3);
    CU_ASSERT_STRING_EQUAL(c.what[0], "+WineTest/Dev1");

    /* Disabled, disabled again (no change), then closed: interfaces go before the device. */
    CU_ASSERT_EQUAL(swd_request(sa, WN_WIRE_SW_INTERFACE, WN_WIRE_OP_DEL, &iface), WN_RESULT_OK);
    CU_ASSERT_EQUAL(swd_request(sa, WN_WIRE_SW_INTERFACE, WN_WIRE_OP_DEL, &iface), WN_RESULT_OK);
    wait_for(sb, &b, 4);
    CU_ASSERT_STRING_EQUAL(b.what[3], "-WineTest/Dev1/{a5dcbf10-6530-11d2-901f-00c04fb951ed}");
    CU_ASSERT_EQUAL(swd_request(sa, WN_WIRE_SW_CLOSE, WN_WIRE_OP_DEL, &dev), WN_RESULT_OK);
    wait_for(sb, &b, 6);
    CU_ASSERT_STRING_EQUAL(b.what[4], "-WineTest/Dev1/{a5dcbf10-6530-11d2-901f-00c04fb951ed}/r1");
    CU_ASSERT_STRING_EQUAL(b.what[5], "-WineTest/Dev1");
    wait_for(sc, &c, 6);
    CU_ASSERT_EQUAL(swd_request(sa, WN_WIRE_SW_CLOSE, WN_WIRE_OP_DEL, &dev), WN_RESULT_NOT_FOUND);

    /* Now free for anyone; a registry that closes takes its devices with it. */
    CU_ASSERT_EQUAL(swd_request(sb, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &other), WN_RESULT_OK);
    other = make_sw("WINETEST", "dev1", usb_guid, NULL);
    CU_ASSERT_EQUAL(swd_request(sb, WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &other), WN_RESULT_OK);
    wait_for(sc, &c, 8);
    swd_close(sb);
    wait_for(sc, &c, 10);
    CU_ASSERT_STRING_EQUAL(c.what[8], "-WINETEST/dev1/{a5dcbf10-6530-11d2-901f-00c04fb951ed}");
    CU_ASSERT_STRING_EQUAL(c.what[9], "-WINETEST/dev1");

    swd_close(sa);
    swd_close(sc);
    remove_dir();
}

/* A helper killed with SIGKILL: the others remove its devices, interfaces first; one that starts later finds
 * nothing of a helper that died unwatched. */
static pid_t spawn_maker(const char *instance)
{
    int ready[2];
    pid_t pid;
    char c;

    CU_ASSERT_FATAL(pipe(ready) == 0);
    pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (!pid)
    {
        struct wn_wire_sw dev = make_sw("WineTest", instance, NULL, NULL);
        struct wn_wire_sw iface = make_sw("WineTest", instance, usb_guid, NULL);
        struct swd *swd = swd_open(dir);

        close(ready[0]);
        if (!swd || swd_request(swd, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &dev)
            || swd_request(swd, WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &iface))
            _exit(1);
        if (write(ready[1], "r", 1) != 1) _exit(1);
        for (;;) pause();
    }
    close(ready[1]);
    CU_ASSERT_EQUAL(read(ready[0], &c, 1), 1);
    close(ready[0]);
    return pid;
}

static void test_dead(void)
{
    struct seen w = { 0 }, late = { 0 };
    struct swd *watcher, *later;
    int status;
    pid_t pid;

    make_dir();
    watcher = swd_open(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(watcher);
    pid = spawn_maker("Killed");
    wait_for(watcher, &w, 2);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    wait_for(watcher, &w, 4);
    CU_ASSERT_STRING_EQUAL(w.what[2], "-WineTest/Killed/{a5dcbf10-6530-11d2-901f-00c04fb951ed}");
    CU_ASSERT_STRING_EQUAL(w.what[3], "-WineTest/Killed");
    swd_close(watcher);

    /* Nobody watching when it dies. */
    pid = spawn_maker("Unwatched");
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    later = swd_open(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(later);
    CU_ASSERT_EQUAL(swd_enumerate(later, collect, &late), 0);
    CU_ASSERT_EQUAL(late.n, 0);
    swd_close(later);
    remove_dir();
}

static void test_dir_refused(void)
{
    char path[128], buf[16];

    make_dir();
    CU_ASSERT_EQUAL(chmod(dir, 0777), 0);
    errno = 0;
    CU_ASSERT_PTR_NULL(swd_open(dir));
    CU_ASSERT_EQUAL(errno, EPERM);
    CU_ASSERT_EQUAL(chmod(dir, 0700), 0);
    /* A path under it that is missing is made, private. */
    snprintf(path, sizeof(path), "%s/sub", dir);
    {
        struct swd *swd = swd_open(path);
        struct stat st;

        CU_ASSERT_PTR_NOT_NULL(swd);
        CU_ASSERT_EQUAL(stat(path, &st), 0);
        CU_ASSERT_EQUAL(st.st_mode & 0777, 0700);
        swd_close(swd);
    }
    CU_ASSERT_EQUAL(rmdir(path), 0);
    /* WINENOTIFY_SWD_DIR wins; a relative path is refused. */
    setenv(SWD_ENV_DIR, path, 1);
    CU_ASSERT_EQUAL(swd_default_dir(buf, sizeof(buf)), -1); /* does not fit */
    setenv(SWD_ENV_DIR, "relative", 1);
    {
        char big[256];
        CU_ASSERT_EQUAL(swd_default_dir(big, sizeof(big)), -1);
        setenv(SWD_ENV_DIR, path, 1);
        CU_ASSERT_EQUAL(swd_default_dir(big, sizeof(big)), 0);
        CU_ASSERT_STRING_EQUAL(big, path);
    }
    unsetenv(SWD_ENV_DIR);
    remove_dir();
}

/* ---- two real helpers ------------------------------------------------------------------------------------- */

/* One helper as a DLL sees it: its connection and what it sent. */
struct helper_conn
{
    pid_t pid;
    int fd;
    size_t have;
    uint8_t buf[1 << 16];
};

/* Starts host/winenotify-host (the build's, from the build directory) the way the DLL does: listens on
 * loopback, passes the port and a token file name (in /tmp: sticky, so trusted) on the command line, takes its
 * connection.  0, or -1 when it cannot.  The token itself is test_helper_wire.c's and test_handshake.c's
 * subject; the helper removes the file when it exits. */
static int start_helper(struct helper_conn *h)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t salen = sizeof(sa);
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    static unsigned int started;
    struct pollfd pfd = { .fd = lfd, .events = POLLIN };
    char port[16], token_file[64];

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1)
        || getsockname(lfd, (struct sockaddr *)&sa, &salen))
        return -1;
    snprintf(port, sizeof(port), "%u", ntohs(sa.sin_port));
    snprintf(token_file, sizeof(token_file), "/tmp/wn-test-swd-%d-%u.token", (int)getpid(), started++);
    h->have = 0;
    h->fd = -1;
    if (!(h->pid = fork()))
    {
        setenv(SWD_ENV_DIR, dir, 1);
        execl("host/winenotify-host", "winenotify-host", "--port", port, "--token-file", token_file, (char *)NULL);
        _exit(127);
    }
    /* Bounded: a helper that cannot start must fail the test, not hang it. */
    if (h->pid > 0 && poll(&pfd, 1, 10000) == 1) h->fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    close(lfd);
    return h->fd < 0 ? -1 : 0;
}

/* Reads records until a DEVICE record with op and a DEVPATH ending in `tail` (or a REPLY with id, when tail is
 * NULL) arrived; what was found, or 0 after 10 s (a bound). */
static int read_until(struct helper_conn *h, uint16_t op, const char *tail, uint32_t id, uint32_t *result)
{
    int rounds;

    for (rounds = 0; rounds < 100; rounds++)
    {
        struct pollfd pfd = { .fd = h->fd, .events = POLLIN };
        struct wn_wire_record rec;
        long used;
        ssize_t n;

        while ((used = wn_wire_decode(h->buf, h->have, &rec)) > 0)
        {
            const char *devpath = rec.type == WN_WIRE_DEVICE
                                  ? wn_wire_prop(rec.props, rec.u.device.props_len, "DEVPATH") : NULL;
            int hit = 0;

            if (!tail && rec.type == WN_WIRE_REPLY && rec.u.reply.id == id)
            {
                *result = rec.u.reply.result;
                hit = 1;
            }
            if (tail && devpath && rec.op == op && strlen(devpath) >= strlen(tail)
                && !strcmp(devpath + strlen(devpath) - strlen(tail), tail))
                hit = 1;
            memmove(h->buf, h->buf + used, h->have - (size_t)used);
            h->have -= (size_t)used;
            if (hit) return 1;
        }
        CU_ASSERT_NOT_EQUAL_FATAL(used, -1);
        if (poll(&pfd, 1, 100) <= 0) continue;
        if ((n = read(h->fd, h->buf + h->have, sizeof(h->buf) - h->have)) <= 0) return 0;
        h->have += (size_t)n;
    }
    return 0;
}

static uint32_t send_request(struct helper_conn *h, uint16_t type, uint16_t op, struct wn_wire_sw *sw, uint32_t id)
{
    uint8_t buf[2048];
    uint32_t result = 0xffff;
    size_t len;

    sw->id = id;
    len = wn_wire_encode(buf, sizeof(buf), type, op, sw, NULL, 0);
    CU_ASSERT_EQUAL_FATAL(write(h->fd, buf, len), (ssize_t)len);
    CU_ASSERT_TRUE(read_until(h, 0, NULL, id, &result));
    return result;
}

/* The helpers of two processes: what one makes, the other reports on the wire; when the first is killed, the
 * other reports the removals, interfaces first. */
static void test_two_helpers(void)
{
    struct wn_wire_sw dev = make_sw("WineTest", "Wire", NULL, NULL), iface = make_sw("WineTest", "Wire", usb_guid, NULL);
    static struct helper_conn a, b;
    int status;

    if (access("host/winenotify-host", X_OK))
    {
        printf("skipped: no host/winenotify-host here ");
        return;
    }
    make_dir();
    CU_ASSERT_EQUAL_FATAL(start_helper(&a), 0);
    CU_ASSERT_EQUAL_FATAL(start_helper(&b), 0);
    CU_ASSERT_EQUAL(send_request(&a, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &dev, 1), WN_RESULT_OK);
    CU_ASSERT_TRUE(read_until(&b, WN_WIRE_OP_ADD, "/swd/WineTest/Wire", 0, NULL));
    CU_ASSERT_EQUAL(send_request(&b, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &dev, 2), WN_RESULT_EXISTS);
    CU_ASSERT_EQUAL(send_request(&a, WN_WIRE_SW_INTERFACE, WN_WIRE_OP_ADD, &iface, 3), WN_RESULT_OK);
    CU_ASSERT_TRUE(read_until(&b, WN_WIRE_OP_ADD, "/swd/WineTest/Wire/{a5dcbf10-6530-11d2-901f-00c04fb951ed}", 0, NULL));
    /* Bad input: the rules of wire.h, answered, the connection kept. */
    dev.instance[0] = ',';
    CU_ASSERT_EQUAL(send_request(&b, WN_WIRE_SW_CREATE, WN_WIRE_OP_ADD, &dev, 4), WN_RESULT_INVALID);

    kill(a.pid, SIGKILL);
    waitpid(a.pid, &status, 0);
    close(a.fd);
    CU_ASSERT_TRUE(read_until(&b, WN_WIRE_OP_DEL, "/swd/WineTest/Wire/{a5dcbf10-6530-11d2-901f-00c04fb951ed}", 0, NULL));
    CU_ASSERT_TRUE(read_until(&b, WN_WIRE_OP_DEL, "/swd/WineTest/Wire", 0, NULL));
    /* A helper whose connection closes exits and leaves nothing behind. */
    close(b.fd);
    CU_ASSERT_EQUAL(waitpid(b.pid, &status, 0), b.pid);
    remove_dir();
}

void register_swd_tests(void)
{
    static const CU_TestInfo tests[] = {
        { "request rules", test_check },
        { "entry names and properties", test_entry },
        { "records", test_wire },
        { "device node values", test_node_values },
        { "two processes share the devices", test_shared },
        { "a dead helper's devices are removed", test_dead },
        { "two helper processes over the wire", test_two_helpers },
        { "an unsafe directory is refused", test_dir_refused },
        CU_TEST_INFO_NULL,
    };
    unit_add_suite("software devices", tests);
}
