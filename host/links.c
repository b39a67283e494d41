/* Names that open: dosdevices entries for the links of devices with a node (see links.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "winenotify/wire.h"
#include "devmap.h"
#include "links.h"

#define LOCK_NAME ".lock"

/* The entries one device's record gave. */
struct device
{
    char *devpath;
    unsigned int n_names;
    char names[WN_DEVMAP_IFACES + 1][LINKS_NAME_MAX + 1];   /* the links' entries and a port's comN */
    int seen;                /* reported during the current snapshot */
};

struct links
{
    int dos_fd;              /* the prefix's dosdevices directory */
    int state_fd;            /* this prefix's holder state: the lock file and one directory per holder */
    int base_fd;             /* the state directory, which holds one such directory per prefix */
    char key[64];            /* that directory's name */
    int own_fd;              /* our holder directory */
    int own_lock_fd;         /* its .lock, held exclusively while we live */
    char own_name[32];
    char dev_root[PATH_MAX];
    void (*trace)(const char *text);
    int locked;
    /* Messages made under the lock, said after it: saying may block on the DLL's connection, and no other helper
     * of the prefix may wait for that. */
    char held[2048];
    size_t held_len;
    struct device *devices;
    size_t n_devices, cap_devices;
};

static void say(struct links *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct links *l, const char *fmt, ...)
{
    char text[1024];
    va_list args;

    if (!l->trace) return;
    va_start(args, fmt);
    vsnprintf(text, sizeof(text), fmt, args);
    va_end(args);
    if (!l->locked) l->trace(text);
    else if (l->held_len + strlen(text) + 1 <= sizeof(l->held))
    {
        memcpy(l->held + l->held_len, text, strlen(text) + 1);
        l->held_len += strlen(text) + 1;
    }
}

/* ---- names ----------------------------------------------------------------------------------------------------- */

/* What Wine refuses in a DOS device name (INVALID_NT_CHARS), and what must never reach a file name. */
static int bad_char(unsigned char c)
{
    return c < 0x20 || c == 0x7f || c == '/' || c == '\\' || strchr("*?<>|\":", c) != NULL;
}

int links_entry_name(const char *link, char *buf, size_t cap)
{
    size_t n;

    if (!link || strncmp(link, "\\\\?\\", 4)) return -1;
    link += 4;
    n = strlen(link);
    /* A reference string follows a '\': Wine would look up only what comes before it. */
    if (!n || n > LINKS_NAME_MAX || n >= cap || link[0] == '.' || strstr(link, "..")) return -1;
    for (n = 0; link[n]; n++)
    {
        unsigned char c = (unsigned char)link[n];

        if (bad_char(c) || c >= 0x80) return -1;
        buf[n] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : (char)c;
    }
    buf[n] = 0;
    return 0;
}

int links_node_path(const char *dev_root, const char *devname, char *buf, size_t cap)
{
    const char *p;
    int len;

    if (!devname || !*devname || devname[0] == '/' || strstr(devname, "//")) return -1;
    for (p = devname; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) return -1;
    /* Any "." or ".." component could lead out of /dev. */
    for (p = devname; p; p = strchr(p, '/'))
    {
        if (*p == '/') p++;
        if (p[0] == '.' && (!p[1] || p[1] == '/' || (p[1] == '.' && (!p[2] || p[2] == '/')))) return -1;
        if (!*p) return -1;
    }
    len = snprintf(buf, cap, "%s/%s", dev_root, devname);
    return len < 0 || (size_t)len >= cap || len > PATH_MAX - 1 ? -1 : 0;
}

/* ---- directories ------------------------------------------------------------------------------------------------ */

int links_default_dirs(char *dosdevices, size_t dos_cap, char *state, size_t state_cap)
{
    const char *prefix = getenv("WINEPREFIX"), *home = getenv("HOME"), *env = getenv("WINENOTIFY_LINKS_DIR");
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    int n;

    /* Wine's own rule (ntdll's init_config_dir): WINEPREFIX, which must be absolute, else ~/.wine. */
    if (prefix && *prefix) n = snprintf(dosdevices, dos_cap, "%s/dosdevices", prefix);
    else if (home && *home == '/') n = snprintf(dosdevices, dos_cap, "%s/.wine/dosdevices", home);
    else return -1;
    if (n < 0 || (size_t)n >= dos_cap || dosdevices[0] != '/') return -1;
    if (env && *env) n = snprintf(state, state_cap, "%s", env);
    else if (xdg && *xdg == '/') n = snprintf(state, state_cap, "%s/winenotify-links", xdg);
    else n = snprintf(state, state_cap, "/tmp/winenotify-links-%u", (unsigned int)geteuid());
    return n < 0 || (size_t)n >= state_cap || state[0] != '/' ? -1 : 0;
}

/* A directory of ours alone: anyone else who could write there could make us publish or remove entries. */
static int private_dir(int at, const char *name)
{
    struct stat st;
    int fd;

    if (mkdirat(at, name, 0700) && errno != EEXIST) return -1;
    if ((fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) return -1;
    if (fstat(fd, &st) || st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
    {
        close(fd);
        errno = EPERM;
        return -1;
    }
    return fd;
}

static void lock(struct links *l)
{
    while (flock(l->dos_fd, LOCK_EX) && errno == EINTR) {}
    l->locked = 1;
}

static void unlock(struct links *l)
{
    size_t at;

    flock(l->dos_fd, LOCK_UN);
    l->locked = 0;
    for (at = 0; at < l->held_len; at += strlen(l->held + at) + 1) l->trace(l->held + at);
    l->held_len = 0;
}

/* Whether the holder directory `name` belongs to a live helper: its lock is held (by us, too, for our own). */
static int holder_alive(const struct links *l, const char *name)
{
    char path[64 + sizeof(LOCK_NAME)];
    int fd, alive;

    if (snprintf(path, sizeof(path), "%s/" LOCK_NAME, name) >= (int)sizeof(path)) return 0;
    if ((fd = openat(l->state_fd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) return 0;
    alive = flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK;
    close(fd);
    return alive;
}

static int holder_name(const char *name)
{
    return !strncmp(name, "h-", 2) && strlen(name) < 64;
}

/* The sequence number in holder `holder`'s reference to entry, or -1 when it has none. */
static long long reference(const struct links *l, const char *holder, const char *entry)
{
    char path[64 + LINKS_NAME_MAX + 2], text[32];
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "%s/%s", holder, entry);
    if ((fd = openat(l->state_fd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) return -1;
    n = read(fd, text, sizeof(text) - 1);
    close(fd);
    text[n > 0 ? n : 0] = 0;
    return strtoll(text, NULL, 10);
}

/* The highest sequence number among the live holders' references to entry, holder `except` left out, or -1 when
 * no such holder references it. */
static long long others_reference(const struct links *l, const char *entry, const char *except)
{
    long long best = -1, seq;
    struct dirent *de;
    DIR *dir;
    int fd;

    if ((fd = dup(l->state_fd)) < 0) return -1;
    if (!(dir = fdopendir(fd)))
    {
        close(fd);
        return -1;
    }
    rewinddir(dir);
    while ((de = readdir(dir)))
    {
        if (!holder_name(de->d_name) || (except && !strcmp(de->d_name, except))) continue;
        if ((seq = reference(l, de->d_name, entry)) < 0 || !holder_alive(l, de->d_name)) continue;
        if (seq > best) best = seq;
    }
    closedir(dir);
    return best;
}

/* Removes a dosdevices entry if it is one of ours: a symbolic link into dev_root. */
static void remove_entry(struct links *l, const char *entry)
{
    char target[PATH_MAX];
    ssize_t n = readlinkat(l->dos_fd, entry, target, sizeof(target) - 1);
    size_t root = strlen(l->dev_root);

    if (n < 0) return;
    target[n] = 0;
    if (strncmp(target, l->dev_root, root) || target[root] != '/') return;
    if (unlinkat(l->dos_fd, entry, 0)) say(l, "cannot remove the dosdevices entry %s: %s", entry, strerror(errno));
    else say(l, "dosdevices entry %s removed", entry);
}

/* ---- publishing ------------------------------------------------------------------------------------------------ */

/* Called locked. */
static void publish_locked(struct links *l, const char *entry, const char *target, uint64_t seqnum)
{
    char have[PATH_MAX], tmp[64], text[32];
    ssize_t n;
    int fd;

    n = readlinkat(l->dos_fd, entry, have, sizeof(have) - 1);
    if (n >= 0) have[n] = 0;
    if (n < 0 && errno != ENOENT && errno != EINVAL) return;
    if (n < 0 && errno == EINVAL)
    {
        /* Something that is no symbolic link (a user's file or folder): not ours to replace. */
        say(l, "dosdevices has %s and it is not ours: not published", entry);
        return;
    }
    if (n < 0 || strcmp(have, target))
    {
        /* Made aside and renamed into place, so that no reader ever finds a half-made or missing entry. */
        snprintf(tmp, sizeof(tmp), ".winenotify-%s", l->own_name);
        unlinkat(l->dos_fd, tmp, 0);
        if (symlinkat(target, l->dos_fd, tmp) || renameat(l->dos_fd, tmp, l->dos_fd, entry))
        {
            say(l, "cannot make the dosdevices entry %s: %s", entry, strerror(errno));
            unlinkat(l->dos_fd, tmp, 0);
            return;
        }
        say(l, "dosdevices entry %s -> %s", entry, target);
    }
    if ((fd = openat(l->own_fd, entry, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) >= 0)
    {
        n = snprintf(text, sizeof(text), "%llu\n", (unsigned long long)seqnum);
        if (write(fd, text, (size_t)n) != n) say(l, "cannot record %s: %s", entry, strerror(errno));
        close(fd);
    }
}

/* The device is gone or no longer usable: its entry goes for everyone, unless another live holder published it
 * after this removal happened (the device is back). */
static void unpublish(struct links *l, const char *entry, uint64_t seqnum)
{
    long long other;

    lock(l);
    unlinkat(l->own_fd, entry, 0);
    other = others_reference(l, entry, l->own_name);
    if (seqnum && other > 0 && (unsigned long long)other > seqnum)
        say(l, "dosdevices entry %s stays: published again since", entry);
    else remove_entry(l, entry);
    unlock(l);
}

/* Drops holder dir's references (ours when dir is our own); each entry no other live holder references goes.
 * Called locked. */
static void release_holder(struct links *l, const char *holder)
{
    char tmp[96];
    struct dirent *de;
    DIR *dir;
    int fd;

    if ((fd = openat(l->state_fd, holder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) return;
    if (!(dir = fdopendir(fd)))
    {
        close(fd);
        return;
    }
    while ((de = readdir(dir)))
    {
        if (de->d_name[0] == '.') continue;
        unlinkat(fd, de->d_name, 0);
        if (others_reference(l, de->d_name, holder) < 0) remove_entry(l, de->d_name);
    }
    unlinkat(fd, LOCK_NAME, 0);
    closedir(dir);
    unlinkat(l->state_fd, holder, AT_REMOVEDIR);
    /* A half-made entry of a holder killed between making it and renaming it into place. */
    snprintf(tmp, sizeof(tmp), ".winenotify-%s", holder);
    unlinkat(l->dos_fd, tmp, 0);
}

/* Holders whose helper died without releasing (killed). */
static void sweep(struct links *l)
{
    struct dirent *de;
    DIR *dir;
    int fd;

    lock(l);
    if ((fd = dup(l->state_fd)) >= 0 && (dir = fdopendir(fd)))
    {
        char dead[16][64];
        unsigned int n = 0, i;

        /* Collected first: release_holder reads the same directory. */
        rewinddir(dir);
        while ((de = readdir(dir)) && n < 16)
        {
            size_t len = strlen(de->d_name);

            /* A holder's name is short ("h-<pid>-<hex>"): a longer one is nobody's to sweep. */
            if (len < sizeof(dead[0]) && holder_name(de->d_name) && strcmp(de->d_name, l->own_name) &&
                !holder_alive(l, de->d_name))
                memcpy(dead[n++], de->d_name, len + 1);
        }
        closedir(dir);
        for (i = 0; i < n; i++)
        {
            say(l, "releasing the entries of dead holder %s", dead[i]);
            release_holder(l, dead[i]);
        }
    }
    else if (fd >= 0) close(fd);
    unlock(l);
}

/* ---- devices ---------------------------------------------------------------------------------------------------- */

static struct device *find_device(struct links *l, const char *devpath)
{
    size_t i;

    for (i = 0; i < l->n_devices; i++)
        if (!strcmp(l->devices[i].devpath, devpath)) return &l->devices[i];
    return NULL;
}

static void drop_device(struct links *l, struct device *dev)
{
    free(dev->devpath);
    *dev = l->devices[--l->n_devices];
}

static int has_name(const char (*names)[LINKS_NAME_MAX + 1], unsigned int n, const char *name)
{
    unsigned int i;

    for (i = 0; i < n; i++)
        if (!strcmp(names[i], name)) return 1;
    return 0;
}

static const struct wn_devmap_guid guid_comport =
    { 0x86e0d1e0, 0x8089, 0x11d0, { 0x9c, 0xe4, 0x08, 0x00, 0x3e, 0x30, 0x1f, 0x73 } };

/* The entries a record's device should have now, the node they point at, and whether it is a serial port. */
static unsigned int wanted(const struct links *l, uint16_t op, const char *props, size_t props_len,
                           char (*names)[LINKS_NAME_MAX + 1], char *target, size_t cap, int *port)
{
    struct wn_devmap map;
    struct stat st;
    unsigned int i, n = 0;

    *port = 0;
    if (op == WN_WIRE_OP_DEL || !wn_devmap_map(props, props_len, &map)) return 0;
    if (links_node_path(l->dev_root, wn_wire_prop(props, props_len, "DEVNAME"), target, cap)) return 0;
    /* Only a device node, and only one this user may open at all: for any other, the link opens nothing. */
    if (stat(target, &st) || (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))) return 0;
    if (access(target, R_OK) && access(target, W_OK)) return 0;
    for (i = 0; i < map.n_ifaces; i++)
    {
        if (!memcmp(&map.ifaces[i].guid, &guid_comport, sizeof(guid_comport))) *port = 1;
        if (!links_entry_name(map.ifaces[i].link, names[n], LINKS_NAME_MAX + 1)) n++;
    }
    return n;
}

/* Whether dosdevices' entry points at target: the same path, or the same device node. */
static int entry_is(const struct links *l, const char *entry, const char *target, const struct stat *node)
{
    char have[PATH_MAX];
    ssize_t n = readlinkat(l->dos_fd, entry, have, sizeof(have) - 1);
    struct stat st;

    if (n < 0) return 0;
    have[n] = 0;
    if (!strcmp(have, target)) return 1;
    return !fstatat(l->dos_fd, entry, &st, 0) && S_ISCHR(st.st_mode) && st.st_rdev == node->st_rdev;
}

/* A serial port's COM number, called locked: the one an entry comN already gives its node (Wine's, made at its
 * start for each /dev/ttyS*, ttyUSB*, ttyACM* that answers, or a user's, or another helper's), else the lowest N
 * without a comN entry, whose entry we then make (*make: 1).  0 when all 256 are taken. */
static unsigned int port_number(const struct links *l, const char *target, int *make)
{
    char entry[16];
    struct stat node, st;
    unsigned int n, free_n = 0;

    *make = 0;
    if (stat(target, &node)) return 0;
    for (n = 1; n <= 256; n++)
    {
        snprintf(entry, sizeof(entry), "com%u", n);
        if (entry_is(l, entry, target, &node)) return n;
        if (!free_n && fstatat(l->dos_fd, entry, &st, AT_SYMLINK_NOFOLLOW) && errno == ENOENT) free_n = n;
    }
    *make = free_n != 0;
    return free_n;
}

size_t links_device(struct links *l, uint16_t op, uint64_t seqnum, const char *props, size_t props_len, char *extra,
                    size_t extra_cap)
{
    char names[WN_DEVMAP_IFACES + 1][LINKS_NAME_MAX + 1], target[PATH_MAX];
    const char *devpath;
    struct device *dev;
    unsigned int n, i, com = 0;
    size_t extra_len = 0;
    int port, make = 0;

    if (!l || !(devpath = wn_wire_prop(props, props_len, "DEVPATH"))) return 0;
    n = wanted(l, op, props, props_len, names, target, sizeof(target), &port);
    dev = find_device(l, devpath);
    if (dev)
    {
        dev->seen = 1;
        /* A port keeps the comN it has while it stays. */
        for (i = 0; i < dev->n_names && port; i++)
            if (!strncmp(dev->names[i], "com", 3) && !strchr(dev->names[i], '#'))
            {
                snprintf(names[n++], sizeof(names[0]), "%s", dev->names[i]);
                com = (unsigned int)atoi(dev->names[i] + 3);
            }
        for (i = 0; i < dev->n_names; i++)
            if (!has_name(names, n, dev->names[i])) unpublish(l, dev->names[i], seqnum);
    }
    lock(l);
    /* Chosen and made under one lock: two helpers never give two ports one number. */
    if (port && !com && (com = port_number(l, target, &make)) && make)
        snprintf(names[n++], sizeof(names[0]), "com%u", com);
    for (i = 0; i < n; i++) publish_locked(l, names[i], target, seqnum);
    unlock(l);
    if (com)
    {
        int len = snprintf(extra, extra_cap, "WN_PORT_NAME=COM%u", com);

        if (len > 0 && (size_t)len < extra_cap) extra_len = (size_t)len + 1;
    }
    if (!n)
    {
        if (dev) drop_device(l, dev);
        return extra_len;
    }
    if (!dev)
    {
        if (l->n_devices == l->cap_devices)
        {
            size_t cap = l->cap_devices ? l->cap_devices * 2 : 8;
            struct device *grown = realloc(l->devices, cap * sizeof(*grown));

            if (!grown) return extra_len;
            l->devices = grown;
            l->cap_devices = cap;
        }
        dev = &l->devices[l->n_devices];
        if (!(dev->devpath = strdup(devpath))) return extra_len;
        l->n_devices++;
        dev->seen = 1;
    }
    dev->n_names = n;
    memcpy(dev->names, names, sizeof(names[0]) * n);
    return extra_len;
}

void links_snapshot_begin(struct links *l)
{
    size_t i;

    if (!l) return;
    for (i = 0; i < l->n_devices; i++) l->devices[i].seen = 0;
}

void links_snapshot_end(struct links *l)
{
    size_t i = 0;
    unsigned int k;

    if (!l) return;
    while (i < l->n_devices)
    {
        struct device *dev = &l->devices[i];

        if (dev->seen)
        {
            i++;
            continue;
        }
        for (k = 0; k < dev->n_names; k++) unpublish(l, dev->names[k], 0);
        drop_device(l, dev);
    }
    sweep(l);
}

/* ---- life ------------------------------------------------------------------------------------------------------ */

static void close_fds(struct links *l)
{
    size_t i;

    if (l->own_lock_fd >= 0) close(l->own_lock_fd);
    if (l->own_fd >= 0) close(l->own_fd);
    if (l->base_fd >= 0) close(l->base_fd);
    if (l->state_fd >= 0) close(l->state_fd);
    if (l->dos_fd >= 0) close(l->dos_fd);
    for (i = 0; i < l->n_devices; i++) free(l->devices[i].devpath);
    free(l->devices);
    free(l);
}

void links_close(struct links *l)
{
    if (!l) return;
    lock(l);
    release_holder(l, l->own_name);
    /* The prefix's state directory goes with its last holder (made again, under the same lock, by the next). */
    unlinkat(l->base_fd, l->key, AT_REMOVEDIR);
    unlock(l);
    close_fds(l);
}

struct links *links_open(const char *dosdevices, const char *state_dir, const char *dev_root,
                         void (*trace)(const char *text))
{
    struct links *l = calloc(1, sizeof(*l));
    struct stat st;
    uint64_t id = 0;
    int saved;

    if (!l) return NULL;
    l->dos_fd = l->state_fd = l->base_fd = l->own_fd = l->own_lock_fd = -1;
    l->trace = trace;
    if (strlen(dev_root) >= sizeof(l->dev_root)) goto fail;
    strcpy(l->dev_root, dev_root);
    if ((l->dos_fd = open(dosdevices, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) goto fail;
    /* Wine refuses a prefix that is not the user's; so do we. */
    if (fstat(l->dos_fd, &st) || st.st_uid != geteuid())
    {
        errno = EPERM;
        goto fail;
    }
    if ((l->base_fd = private_dir(AT_FDCWD, state_dir)) < 0) goto fail;
    /* One state directory per prefix, named by its dosdevices directory's identity, made and removed under the
     * prefix's lock (an flock on that dosdevices directory: no lock file to leave behind). */
    snprintf(l->key, sizeof(l->key), "%llx-%llx", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
    if (getrandom(&id, sizeof(id), 0) != sizeof(id)) id ^= (uint64_t)getpid() << 20 ^ (uint64_t)st.st_ino;
    snprintf(l->own_name, sizeof(l->own_name), "h-%d-%llx", (int)getpid(), (unsigned long long)id);
    lock(l);
    if ((l->state_fd = private_dir(l->base_fd, l->key)) < 0 || (l->own_fd = private_dir(l->state_fd, l->own_name)) < 0 ||
        (l->own_lock_fd = openat(l->own_fd, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0 ||
        flock(l->own_lock_fd, LOCK_EX))
    {
        saved = errno;
        if (l->own_fd >= 0)
        {
            unlinkat(l->own_fd, LOCK_NAME, 0);
            unlinkat(l->state_fd, l->own_name, AT_REMOVEDIR);
        }
        if (l->state_fd >= 0) unlinkat(l->base_fd, l->key, AT_REMOVEDIR);
        unlock(l);
        errno = saved;
        goto fail;
    }
    unlock(l);
    say(l, "publishing links into %s (state %s/%s/%s)", dosdevices, state_dir, l->key, l->own_name);
    return l;

fail:
    saved = errno;
    close_fds(l);
    errno = saved;
    return NULL;
}
