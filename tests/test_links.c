/* Names that open (host/links.c): the dosdevices entries of device links, shared by several helpers of one
 * prefix, and what a crafted device name can and cannot make.
 *
 * Each test works in a scratch directory: a fake prefix's dosdevices, a state directory, and a fake /dev whose
 * nodes are symbolic links to /dev/null (a character device any user may open), so that no root and no real
 * device is needed.  Two struct links stand for two helpers; a forked child that publishes and is then killed
 * with SIGKILL stands for a helper killed with -9. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "winenotify/wire.h"
#include "links.h"
#include "unit.h"

#define DISK_ENTRY "storage#disk#loop7#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}"
#define PART_ENTRY "storage#volume#loop7p1#{53f5630d-b6bf-11d0-94f2-00a0c91efb8b}"

static char root[64], dos[PATH_MAX], state[PATH_MAX], dev[PATH_MAX];

static void setup(void)
{
    char path[PATH_MAX + 32];

    snprintf(root, sizeof(root), "/tmp/wn-links-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(root));
    snprintf(dos, sizeof(dos), "%s/dosdevices", root);
    snprintf(state, sizeof(state), "%s/state", root);
    snprintf(dev, sizeof(dev), "%s/dev", root);
    CU_ASSERT_EQUAL_FATAL(mkdir(dos, 0755), 0);
    CU_ASSERT_EQUAL_FATAL(mkdir(dev, 0755), 0);
    snprintf(path, sizeof(path), "%s/loop7", dev);
    CU_ASSERT_EQUAL_FATAL(symlink("/dev/null", path), 0);
    snprintf(path, sizeof(path), "%s/loop7p1", dev);
    CU_ASSERT_EQUAL_FATAL(symlink("/dev/null", path), 0);
    snprintf(path, sizeof(path), "%s/notanode", dev);
    CU_ASSERT_EQUAL_FATAL(symlink("/etc/hostname", path), 0);
}

static void teardown(void)
{
    char cmd[PATH_MAX + 16];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

static struct links *helper(void)
{
    struct links *l = links_open(dos, state, dev, NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    return l;
}

/* A block device record as the helper reports it (DEVNAME, WN_SECTORS, WN_DEVNODE_READY added). */
static size_t block(char *buf, size_t cap, const char *devname, const char *type, const char *sectors)
{
    int n = snprintf(buf, cap, "DEVPATH=/devices/virtual/block/%s%cSUBSYSTEM=block%cDEVNAME=%s%cDEVTYPE=%s%c"
                     "WN_SECTORS=%s%cWN_DEVNODE_READY=1", devname, 0, 0, devname, 0, type, 0, sectors, 0);
    return (size_t)n + 1;
}

static void device(struct links *l, uint16_t op, uint64_t seqnum, const char *devname, const char *type,
                   const char *sectors)
{
    char props[1024], extra[64];

    CU_ASSERT_EQUAL(links_device(l, op, seqnum, props, block(props, sizeof(props), devname, type, sectors), extra,
                                 sizeof(extra)), 0);
}

/* The entry's target, or "" when there is none. */
static const char *entry(const char *name)
{
    static char target[PATH_MAX];
    char path[PATH_MAX * 2];
    ssize_t n;

    snprintf(path, sizeof(path), "%s/%s", dos, name);
    n = readlink(path, target, sizeof(target) - 1);
    target[n > 0 ? n : 0] = 0;
    return target;
}

static const char *node(const char *name)
{
    static char path[PATH_MAX * 2];

    snprintf(path, sizeof(path), "%s/%s", dev, name);
    return path;
}

/* Entries of a directory other than "." and "..", or -1. */
static int count_in(const char *dir)
{
    char cmd[PATH_MAX + 64];
    FILE *p;
    int n = -1;

    snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
    if ((p = popen(cmd, "r")))
    {
        if (fscanf(p, "%d", &n) != 1) n = -1;
        pclose(p);
    }
    return n;
}

static int dos_count(void)
{
    return count_in(dos);
}

static void test_names(void)
{
    char buf[LINKS_NAME_MAX + 1], link[400];

    CU_ASSERT_EQUAL(links_entry_name("\\\\?\\STORAGE#DISK#loop0#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}", buf,
                                     sizeof(buf)), 0);
    CU_ASSERT_STRING_EQUAL(buf, "storage#disk#loop0#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}");
    CU_ASSERT_EQUAL(links_entry_name("\\\\?\\HID#VID_046D&PID_C52B#hidraw0#{4d1e55b2-f16f-11cf-88cb-001111000030}",
                                     buf, sizeof(buf)), 0);
    CU_ASSERT_STRING_EQUAL(buf, "hid#vid_046d&pid_c52b#hidraw0#{4d1e55b2-f16f-11cf-88cb-001111000030}");
    /* Crafted: each would be a path, another entry, or a name Wine cannot look up. */
    CU_ASSERT_EQUAL(links_entry_name("\\\\?\\ROOT#PORTS#../../etc#{86e0d1e0-8089-11d0-9ce4-08003e301f73}", buf,
                                     sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_entry_name("\\\\?\\ROOT#PORTS#a..b#{x}", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_entry_name("\\\\?\\..", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_entry_name("\\\\?\\.hidden", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_entry_name("\\\\?\\A\nB", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_entry_name("\\\\?\\A\x1b[31mB", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_entry_name("\\\\?\\A:B", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_entry_name("\\\\?\\A*B", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_entry_name("\\\\?\\SWD#X#Y#{x}\\ref", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_entry_name("\\\\?\\caf\xc3\xa9", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_entry_name("STORAGE#DISK#loop0#{x}", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_entry_name("\\\\?\\", buf, sizeof(buf)), -1);
    /* Bounded: 255 characters fit (NAME_MAX, Wine's MAX_DIR_ENTRY_LEN), 256 do not. */
    memcpy(link, "\\\\?\\", 4);
    memset(link + 4, 'a', 255);
    link[4 + 255] = 0;
    CU_ASSERT_EQUAL(links_entry_name(link, buf, sizeof(buf)), 0);
    link[4 + 255] = 'a';
    link[4 + 256] = 0;
    CU_ASSERT_EQUAL(links_entry_name(link, buf, sizeof(buf)), -1);
}

static void test_node_paths(void)
{
    char buf[PATH_MAX];

    CU_ASSERT_EQUAL(links_node_path("/dev", "loop0", buf, sizeof(buf)), 0);
    CU_ASSERT_STRING_EQUAL(buf, "/dev/loop0");
    CU_ASSERT_EQUAL(links_node_path("/dev", "bus/usb/001/002", buf, sizeof(buf)), 0);
    CU_ASSERT_STRING_EQUAL(buf, "/dev/bus/usb/001/002");
    CU_ASSERT_EQUAL(links_node_path("/dev", "../etc/shadow", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_node_path("/dev", "bus/../../etc", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_node_path("/dev", "bus/..", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_node_path("/dev", "./loop0", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_node_path("/dev", "/etc/shadow", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_node_path("/dev", "bus//x", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_node_path("/dev", "bus/", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_node_path("/dev", "tty\x01", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_node_path("/dev", "", buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_node_path("/dev", NULL, buf, sizeof(buf)), -1);
    CU_ASSERT_EQUAL(links_node_path("/dev", "..x", buf, sizeof(buf)), 0);
}

/* One helper: made before the arrival's record, gone with the removal's and with a detach (no medium). */
static void test_one_helper(void)
{
    struct links *a;

    setup();
    a = helper();
    device(a, WN_WIRE_OP_ADD, 10, "loop7", "disk", "16384");
    device(a, WN_WIRE_OP_ADD, 11, "loop7p1", "partition", "8192");
    CU_ASSERT_STRING_EQUAL(entry(DISK_ENTRY), node("loop7"));
    CU_ASSERT_STRING_EQUAL(entry(PART_ENTRY), node("loop7p1"));
    CU_ASSERT_EQUAL(dos_count(), 2);
    /* The same record again (a CHANGE) changes nothing. */
    device(a, WN_WIRE_OP_CHANGE, 12, "loop7", "disk", "16384");
    CU_ASSERT_STRING_EQUAL(entry(DISK_ENTRY), node("loop7"));
    /* A DEL carries no size: the devpath alone says which entries go. */
    device(a, WN_WIRE_OP_DEL, 13, "loop7p1", "partition", "8192");
    CU_ASSERT_STRING_EQUAL(entry(PART_ENTRY), "");
    /* Detached: the node stays, the disk is no longer one a program could open. */
    device(a, WN_WIRE_OP_CHANGE, 14, "loop7", "disk", "0");
    CU_ASSERT_STRING_EQUAL(entry(DISK_ENTRY), "");
    CU_ASSERT_EQUAL(dos_count(), 0);
    links_close(a);
    teardown();
}

/* No entry for what is no device node, or a crafted name. */
static void test_refused(void)
{
    struct links *a;
    char props[1024];
    int n;

    setup();
    a = helper();
    device(a, WN_WIRE_OP_ADD, 1, "notanode", "disk", "100");
    device(a, WN_WIRE_OP_ADD, 2, "missing", "disk", "100");
    n = snprintf(props, sizeof(props), "DEVPATH=/devices/x%cSUBSYSTEM=tty%cDEVNAME=../../etc/passwd%c"
                 "WN_DEVNODE_READY=1", 0, 0, 0);
    links_device(a, WN_WIRE_OP_ADD, 3, props, (size_t)n + 1, NULL, 0);
    n = snprintf(props, sizeof(props), "DEVPATH=/devices/y%cSUBSYSTEM=tty%cDEVNAME=ttyS..%c"
                 "WN_DEVNODE_READY=1", 0, 0, 0);
    links_device(a, WN_WIRE_OP_ADD, 4, props, (size_t)n + 1, NULL, 0);
    /* A network interface has no node: nothing to open. */
    n = snprintf(props, sizeof(props), "DEVPATH=/devices/virtual/net/wn0%cSUBSYSTEM=net%cINTERFACE=wn0", 0, 0);
    links_device(a, WN_WIRE_OP_ADD, 5, props, (size_t)n + 1, NULL, 0);
    CU_ASSERT_EQUAL(dos_count(), 0);
    /* A user's own entry of that name is not ours to replace or remove. */
    {
        char path[PATH_MAX * 2];

        snprintf(path, sizeof(path), "%s/%s", dos, DISK_ENTRY);
        CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
        device(a, WN_WIRE_OP_ADD, 6, "loop7", "disk", "100");
        device(a, WN_WIRE_OP_DEL, 7, "loop7", "disk", "100");
        CU_ASSERT_EQUAL(rmdir(path), 0);
    }
    links_close(a);
    teardown();
}

/* Two helpers of one prefix: one entry; the first to exit leaves it to the other; a removal takes it for both. */
static void test_two_helpers(void)
{
    struct links *a, *b;

    setup();
    a = helper();
    b = helper();
    device(a, WN_WIRE_OP_ADD, 10, "loop7", "disk", "16384");
    device(b, WN_WIRE_OP_ADD, 10, "loop7", "disk", "16384");
    CU_ASSERT_EQUAL(dos_count(), 1);
    links_close(a);
    CU_ASSERT_STRING_EQUAL(entry(DISK_ENTRY), node("loop7"));
    a = helper();
    device(a, WN_WIRE_OP_ADD, 10, "loop7", "disk", "16384");
    device(a, WN_WIRE_OP_DEL, 20, "loop7", "disk", "16384");
    CU_ASSERT_STRING_EQUAL(entry(DISK_ENTRY), "");
    /* The device comes back; b, late, hears of the old removal only now: the new arrival's entry stays. */
    device(a, WN_WIRE_OP_ADD, 30, "loop7", "disk", "16384");
    device(b, WN_WIRE_OP_DEL, 20, "loop7", "disk", "16384");
    CU_ASSERT_STRING_EQUAL(entry(DISK_ENTRY), node("loop7"));
    device(b, WN_WIRE_OP_ADD, 30, "loop7", "disk", "16384");
    links_close(b);
    CU_ASSERT_STRING_EQUAL(entry(DISK_ENTRY), node("loop7"));
    links_close(a);
    CU_ASSERT_EQUAL(dos_count(), 0);
    /* No state left either: the prefix's directory went with its last holder. */
    CU_ASSERT_EQUAL(count_in(state), 0);
    teardown();
}

/* A helper killed with -9 leaves its entries; the next helper's snapshot keeps what is still there (it publishes
 * it again) and sweeps the rest. */
static void test_killed_helper(void)
{
    struct links *a;
    pid_t pid;
    int status;

    setup();
    pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (!pid)
    {
        struct links *dead = links_open(dos, state, dev, NULL);

        if (!dead) _exit(1);
        device(dead, WN_WIRE_OP_ADD, 10, "loop7", "disk", "16384");
        device(dead, WN_WIRE_OP_ADD, 11, "loop7p1", "partition", "8192");
        raise(SIGKILL);
        _exit(2);
    }
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    CU_ASSERT_EQUAL(dos_count(), 2);
    a = helper();
    links_snapshot_begin(a);
    device(a, WN_WIRE_OP_ADD, 0, "loop7", "disk", "16384");
    links_snapshot_end(a);
    CU_ASSERT_STRING_EQUAL(entry(DISK_ENTRY), node("loop7"));
    CU_ASSERT_STRING_EQUAL(entry(PART_ENTRY), "");
    /* A snapshot without the disk: it went while events were lost. */
    links_snapshot_begin(a);
    links_snapshot_end(a);
    CU_ASSERT_EQUAL(dos_count(), 0);
    links_close(a);
    CU_ASSERT_EQUAL(count_in(state), 0);
    teardown();
}

/* The directories: Wine's prefix rule, and a state directory others may write into is refused. */
static void test_dirs(void)
{
    char d[PATH_MAX], s[PATH_MAX], path[PATH_MAX + 16];
    char *saved = getenv("WINEPREFIX") ? strdup(getenv("WINEPREFIX")) : NULL;

    setenv("WINEPREFIX", "/x/prefix", 1);
    CU_ASSERT_EQUAL(links_default_dirs(d, sizeof(d), s, sizeof(s)), 0);
    CU_ASSERT_STRING_EQUAL(d, "/x/prefix/dosdevices");
    unsetenv("WINEPREFIX");
    CU_ASSERT_EQUAL(links_default_dirs(d, sizeof(d), s, sizeof(s)), getenv("HOME") ? 0 : -1);
    if (saved) setenv("WINEPREFIX", saved, 1);
    free(saved);

    setup();
    snprintf(path, sizeof(path), "%s/open", root);
    CU_ASSERT_EQUAL_FATAL(mkdir(path, 0777), 0);
    CU_ASSERT_EQUAL(chmod(path, 0777), 0);
    CU_ASSERT_PTR_NULL(links_open(dos, path, dev, NULL));
    CU_ASSERT_EQUAL(errno, EPERM);
    teardown();
}

/* A serial port record (tty, as the helper reports a port it found). */
static size_t port(struct links *l, uint16_t op, uint64_t seqnum, const char *devname, char *name)
{
    char props[512], extra[64];
    size_t n;
    int len = snprintf(props, sizeof(props), "DEVPATH=/devices/platform/serial/tty/%s%cSUBSYSTEM=tty%cDEVNAME=%s%c"
                       "WN_DEVNODE_READY=1", devname, 0, 0, devname, 0);

    n = links_device(l, op, seqnum, props, (size_t)len + 1, extra, sizeof(extra));
    name[0] = 0;
    if (n)
    {
        CU_ASSERT_EQUAL(extra[n - 1], 0);
        CU_ASSERT_EQUAL(strncmp(extra, "WN_PORT_NAME=", 13), 0);
        strcpy(name, extra + 13);
    }
    return n;
}

/* A fake node: a link to a real character device (a distinct one per port: a COM name follows the device). */
static void node_link(const char *name, const char *real)
{
    char path[PATH_MAX + 32];

    snprintf(path, sizeof(path), "%s/%s", dev, name);
    CU_ASSERT_EQUAL_FATAL(symlink(real, path), 0);
}

/* COM names: Wine's own is kept (dosdevices com1 -> the node, made by Wine at its start, never ours to remove);
 * a new port gets the lowest free number, its entry made and removed with it; two helpers agree. */
static void test_ports(void)
{
    char name[32], path[PATH_MAX * 2];
    struct links *a, *b;

    setup();
    node_link("ttyS0", "/dev/zero");
    node_link("ttyUSB0", "/dev/full");
    node_link("ttyUSB1", "/dev/random");
    node_link("ttyACM0", "/dev/urandom");
    snprintf(path, sizeof(path), "%s/com1", dos);
    CU_ASSERT_EQUAL_FATAL(symlink(node("ttyS0"), path), 0);
    a = helper();
    b = helper();

    CU_ASSERT(port(a, WN_WIRE_OP_ADD, 0, "ttyS0", name) > 0);
    CU_ASSERT_STRING_EQUAL(name, "COM1");
    CU_ASSERT(port(a, WN_WIRE_OP_ADD, 5, "ttyUSB0", name) > 0);
    CU_ASSERT_STRING_EQUAL(name, "COM2");
    CU_ASSERT_STRING_EQUAL(entry("com2"), node("ttyUSB0"));
    CU_ASSERT_STRING_EQUAL(entry("root#ports#ttyusb0#{86e0d1e0-8089-11d0-9ce4-08003e301f73}"), node("ttyUSB0"));
    /* The other helper of the prefix finds the same names. */
    CU_ASSERT(port(b, WN_WIRE_OP_ADD, 5, "ttyUSB0", name) > 0);
    CU_ASSERT_STRING_EQUAL(name, "COM2");
    CU_ASSERT(port(b, WN_WIRE_OP_ADD, 0, "ttyS0", name) > 0);
    CU_ASSERT_STRING_EQUAL(name, "COM1");
    CU_ASSERT(port(a, WN_WIRE_OP_ADD, 6, "ttyUSB1", name) > 0);
    CU_ASSERT_STRING_EQUAL(name, "COM3");
    /* A change keeps the name. */
    CU_ASSERT(port(a, WN_WIRE_OP_CHANGE, 7, "ttyUSB0", name) > 0);
    CU_ASSERT_STRING_EQUAL(name, "COM2");

    /* Gone: its comN goes (for both helpers), Wine's com1 stays; the next port takes the freed number. */
    CU_ASSERT_EQUAL(port(a, WN_WIRE_OP_DEL, 8, "ttyUSB0", name), 0);
    CU_ASSERT_STRING_EQUAL(entry("com2"), "");
    CU_ASSERT_EQUAL(port(b, WN_WIRE_OP_DEL, 8, "ttyUSB0", name), 0);
    CU_ASSERT(port(a, WN_WIRE_OP_ADD, 9, "ttyACM0", name) > 0);
    CU_ASSERT_STRING_EQUAL(name, "COM2");
    CU_ASSERT_STRING_EQUAL(entry("com2"), node("ttyACM0"));
    CU_ASSERT_EQUAL(port(a, WN_WIRE_OP_DEL, 10, "ttyS0", name), 0);
    CU_ASSERT_STRING_EQUAL(entry("com1"), node("ttyS0"));

    links_close(a);
    links_close(b);
    /* Nothing of ours stays; Wine's com1 does. */
    CU_ASSERT_EQUAL(dos_count(), 1);
    CU_ASSERT_STRING_EQUAL(entry("com1"), node("ttyS0"));
    teardown();
}

/* The child of test_unopenable, as nobody: 0 when only the node nobody may open got an entry. */
static int unopenable_child(void)
{
    char path[PATH_MAX + 32], props[512];
    struct links *l;
    int n, bad = 0;

    if (setgid(65534) || setuid(65534)) return 77;
    snprintf(root, sizeof(root), "/tmp/wn-links-XXXXXX");
    if (!mkdtemp(root)) return 2;
    snprintf(dos, sizeof(dos), "%s/dosdevices", root);
    snprintf(state, sizeof(state), "%s/state", root);
    snprintf(dev, sizeof(dev), "%s/dev", root);
    if (mkdir(dos, 0755) || mkdir(dev, 0755)) return 3;
    snprintf(path, sizeof(path), "%s/loop7", dev);
    if (symlink("/dev/null", path)) return 4;
    snprintf(path, sizeof(path), "%s/loop8", dev);
    if (symlink("/dev/vda", path)) return 5;
    if (!(l = links_open(dos, state, dev, NULL))) return 6;
    links_device(l, WN_WIRE_OP_ADD, 1, props, block(props, sizeof(props), "loop8", "disk", "100"), NULL, 0);
    bad |= dos_count() != 0;
    links_device(l, WN_WIRE_OP_ADD, 2, props, block(props, sizeof(props), "loop7", "disk", "100"), NULL, 0);
    bad |= dos_count() != 1;
    links_close(l);
    bad |= dos_count() != 0;
    snprintf(path, sizeof(path), "rm -rf '%s'", root);
    n = system(path);
    return bad ? 1 : n ? 8 : 0;
}

/* Nothing for a node the user may not open (root's own disk, for nobody): its link opens nothing, as on Windows
 * for a device a user may not open. */
static void test_unopenable(void)
{
    struct stat st;
    pid_t pid;
    int status;

    if (geteuid() || stat("/dev/vda", &st) || (st.st_mode & 077))
    {
        printf("skipped: needs root and a /dev/vda only root may open ");
        return;
    }
    fflush(NULL);
    pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (!pid) _exit(unopenable_child());
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 77));
}

void register_links_tests(void)
{
    static const CU_TestInfo tests[] =
    {
        { "entry names from links, crafted ones refused", test_names },
        { "node paths stay under /dev", test_node_paths },
        { "one helper: made, changed, removed", test_one_helper },
        { "no entry for a non-node or a crafted name", test_refused },
        { "two helpers of one prefix", test_two_helpers },
        { "a helper killed with -9", test_killed_helper },
        { "prefix and state directories", test_dirs },
        { "serial ports: COM names", test_ports },
        { "no entry for a node the user may not open", test_unopenable },
        CU_TEST_INFO_NULL,
    };

    unit_add_suite("links", tests);
}
