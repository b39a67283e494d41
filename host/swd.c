/* Software devices shared by the helpers of one host user (see swd.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "swd.h"
#include "swd_request.h"

/* An entry's file: this string, the owner file's name and its NUL, then the properties. */
#define OWNER_KEY "WN_SWD_OWNER="
#define ENTRY_MAX (sizeof(OWNER_KEY) + SWD_NAME_MAX + SWD_PROPS_MAX)

/* An entry as this helper last reported it: what its DEL must say. */
struct entry
{
    char name[SWD_NAME_MAX];
    char *props;
    size_t len;
};

struct swd
{
    int dirfd, ifd;
    int owner_fd;                       /* locked for our life once we made a device; -1 before */
    char owner[32];                     /* its name */
    unsigned int temp_seq;
    struct entry *known;                /* reported as present */
    size_t n_known, cap_known;
    char (*owned)[SWD_NAME_MAX];        /* our own entries, in the order made */
    size_t n_owned, cap_owned;
};

int swd_default_dir(char *buf, size_t cap)
{
    const char *env = getenv(SWD_ENV_DIR), *xdg = getenv("XDG_RUNTIME_DIR");
    int n;

    if (env && *env) n = snprintf(buf, cap, "%s", env);
    else if (xdg && *xdg == '/') n = snprintf(buf, cap, "%s/winenotify-swd", xdg);
    else n = snprintf(buf, cap, "/tmp/winenotify-%u", (unsigned int)geteuid());
    return n < 0 || (size_t)n >= cap || buf[0] != '/' ? -1 : 0;
}

struct swd *swd_open(const char *dir)
{
    struct swd *swd;
    struct stat st;
    int dirfd, ifd;

    if (mkdir(dir, 0700) && errno != EEXIST) return NULL;
    if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) return NULL;
    /* Anyone who may write here may make or remove our devices, or plant files for us to read. */
    if (fstat(dirfd, &st) || st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
    {
        close(dirfd);
        errno = EPERM;
        return NULL;
    }
    if ((ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0
        || inotify_add_watch(ifd, dir, IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE
                                       | IN_ONLYDIR | IN_DONT_FOLLOW) < 0
        || !(swd = calloc(1, sizeof(*swd))))
    {
        int err = errno;
        if (ifd >= 0) close(ifd);
        close(dirfd);
        errno = err;
        return NULL;
    }
    swd->dirfd = dirfd;
    swd->ifd = ifd;
    swd->owner_fd = -1;
    return swd;
}

int swd_fd(const struct swd *swd)
{
    return swd->ifd;
}

/* ---- entries on disk -------------------------------------------------------------------------------------- */

static int is_entry(const char *name)
{
    return name[0] == 'D' || name[0] == 'I';
}

/* Reads an entry's file: its owner's name and its properties (into props, ENTRY_MAX bytes).  Returns the length
 * of the properties, or 0 when it is gone or malformed. */
static size_t read_entry(struct swd *swd, const char *name, char owner[SWD_NAME_MAX], char *props)
{
    char buf[ENTRY_MAX + 1];
    size_t len = 0, owner_len;
    struct stat st;
    ssize_t n;
    int fd = openat(swd->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0) return 0;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode))
    {
        close(fd);
        return 0;
    }
    while (len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) > 0) len += (size_t)n;
    close(fd);
    if (len == sizeof(buf) || len < sizeof(OWNER_KEY) || buf[len - 1]) return 0;
    if (memcmp(buf, OWNER_KEY, sizeof(OWNER_KEY) - 1)) return 0;
    owner_len = strlen(buf) + 1;
    if (owner_len - (sizeof(OWNER_KEY) - 1) > SWD_NAME_MAX || owner_len >= len) return 0;
    memcpy(owner, buf + sizeof(OWNER_KEY) - 1, owner_len - (sizeof(OWNER_KEY) - 1));
    len -= owner_len;
    if (len > SWD_PROPS_MAX || !wn_wire_prop(buf + owner_len, len, "DEVPATH")) return 0;
    memcpy(props, buf + owner_len, len);
    return len;
}

/* Removes the entries of a dead helper, interfaces first, then its owner file, if we can take its lock (no one
 * else is doing it and its helper is gone).  Returns 1 if it did, 0 if the owner lives (or is being removed by
 * another helper), -1 if there is no such owner file. */
static int reap(struct swd *swd, const char *owner)
{
    struct stat held, named;
    struct dirent *de;
    int fd, pass, dupfd;
    DIR *dir;

    if (!strcmp(owner, swd->owner) && swd->owner_fd >= 0) return 0;
    if ((fd = openat(swd->dirfd, owner, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) return errno == ENOENT ? -1 : 0;
    if (flock(fd, LOCK_EX | LOCK_NB))
    {
        close(fd);
        return 0;
    }
    /* The lock is on the file we opened; another reaper may have removed it since, and the name be new. */
    if (fstat(fd, &held) || fstatat(swd->dirfd, owner, &named, AT_SYMLINK_NOFOLLOW)
        || held.st_ino != named.st_ino || held.st_dev != named.st_dev)
    {
        close(fd);
        return 0;
    }
    for (pass = 0; pass < 2; pass++)
    {
        if ((dupfd = openat(swd->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) break;
        if (!(dir = fdopendir(dupfd)))
        {
            close(dupfd);
            break;
        }
        while ((de = readdir(dir)))
        {
            char entry_owner[SWD_NAME_MAX], props[ENTRY_MAX];

            if (de->d_name[0] != (pass ? 'D' : 'I')) continue;
            if (read_entry(swd, de->d_name, entry_owner, props) && !strcmp(entry_owner, owner))
                unlinkat(swd->dirfd, de->d_name, 0);
        }
        closedir(dir);
    }
    unlinkat(swd->dirfd, owner, 0);
    close(fd);
    return 1;
}

/* Whether an entry's owner is alive; the entries of a dead one are removed on the way. */
static int owner_alive(struct swd *swd, const char *name, const char *owner)
{
    int r = reap(swd, owner);

    /* No owner file at all: a helper that died halfway through its own clean-up. */
    if (r < 0) unlinkat(swd->dirfd, name, 0);
    return r == 0;
}

/* ---- what this helper has reported ------------------------------------------------------------------------ */

static struct entry *known_find(struct swd *swd, const char *name)
{
    size_t i;

    for (i = 0; i < swd->n_known; i++)
        if (!strcmp(swd->known[i].name, name)) return &swd->known[i];
    return NULL;
}

static void known_remove(struct swd *swd, struct entry *e)
{
    free(e->props);
    *e = swd->known[--swd->n_known];
}

static void known_clear(struct swd *swd)
{
    while (swd->n_known) known_remove(swd, &swd->known[0]);
}

/* Records an entry as reported; -1 when out of memory (then it is not reported either). */
static int known_set(struct swd *swd, const char *name, const char *props, size_t len)
{
    struct entry *e = known_find(swd, name);
    char *copy = malloc(len);

    if (!copy) return -1;
    memcpy(copy, props, len);
    if (!e)
    {
        if (swd->n_known == swd->cap_known)
        {
            size_t cap = swd->cap_known ? swd->cap_known * 2 : 16;
            struct entry *bigger = realloc(swd->known, cap * sizeof(*bigger));

            if (!bigger)
            {
                free(copy);
                return -1;
            }
            swd->known = bigger;
            swd->cap_known = cap;
        }
        e = &swd->known[swd->n_known++];
        snprintf(e->name, sizeof(e->name), "%s", name);
    }
    else free(e->props);
    e->props = copy;
    e->len = len;
    return 0;
}

/* ---- reporting -------------------------------------------------------------------------------------------- */

static int report_known(struct swd *swd, char kind, swd_report_fn report, void *ctx)
{
    size_t i;

    for (i = 0; i < swd->n_known; i++)
        if (swd->known[i].name[0] == kind && report(ctx, WN_WIRE_OP_ADD, swd->known[i].props, swd->known[i].len))
            return -1;
    return 0;
}

int swd_enumerate(struct swd *swd, swd_report_fn report, void *ctx)
{
    struct dirent *de;
    DIR *dir;
    int dupfd, pass;

    known_clear(swd);
    /* Dead helpers' entries go first, so that they are not reported. */
    for (pass = 0; pass < 2; pass++)
    {
        if ((dupfd = openat(swd->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) return 0;
        if (!(dir = fdopendir(dupfd)))
        {
            close(dupfd);
            return 0;
        }
        while ((de = readdir(dir)))
        {
            char owner[SWD_NAME_MAX], props[ENTRY_MAX];
            size_t len;

            if (!pass && de->d_name[0] == 'O') reap(swd, de->d_name);
            if (!pass || !is_entry(de->d_name)) continue;
            if (!(len = read_entry(swd, de->d_name, owner, props))) continue;
            if (owner_alive(swd, de->d_name, owner)) known_set(swd, de->d_name, props, len);
        }
        closedir(dir);
    }
    /* A device before its interfaces. */
    if (report_known(swd, 'D', report, ctx) || report_known(swd, 'I', report, ctx)) return -1;
    return 0;
}

int swd_read(struct swd *swd, swd_report_fn report, void *ctx)
{
    char buf[sizeof(struct inotify_event) * 64 + NAME_MAX + 1] __attribute__((aligned(__alignof__(struct inotify_event))));
    int lost = 0;
    ssize_t n;

    while ((n = read(swd->ifd, buf, sizeof(buf))) > 0)
    {
        const char *p = buf;

        while (p < buf + n)
        {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            const char *name = ev->name;
            char owner[SWD_NAME_MAX], props[ENTRY_MAX];
            struct entry *e;
            size_t len;

            p += sizeof(*ev) + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) lost = 1;
            if (lost || !ev->len) continue;
            if (name[0] == 'O' && (ev->mask & IN_CLOSE_WRITE))
            {
                reap(swd, name);
                continue;
            }
            if (!is_entry(name)) continue;
            if (ev->mask & (IN_CREATE | IN_MOVED_TO))
            {
                /* Gone again already: its IN_DELETE follows, and nothing was reported. */
                if (!(len = read_entry(swd, name, owner, props))) continue;
                if (known_set(swd, name, props, len)) lost = 1;
                else if (report(ctx, WN_WIRE_OP_ADD, props, len)) return -1;
            }
            else if ((ev->mask & (IN_DELETE | IN_MOVED_FROM)) && (e = known_find(swd, name)))
            {
                int r = report(ctx, WN_WIRE_OP_DEL, e->props, e->len);

                known_remove(swd, e);
                if (r) return -1;
            }
        }
    }
    return lost;
}

/* ---- requests --------------------------------------------------------------------------------------------- */

/* Makes our owner file and locks it.  Returns 0 or -1. */
static int ensure_owner(struct swd *swd)
{
    int tries;

    for (tries = 0; swd->owner_fd < 0 && tries < 8; tries++)
    {
        struct stat held, named;
        int fd;

        snprintf(swd->owner, sizeof(swd->owner), "O%d.%u", (int)getpid(), swd->temp_seq++);
        fd = openat(swd->dirfd, swd->owner, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
        {
            if (errno == EEXIST) continue;
            return -1;
        }
        /* A reaper reading the directory may have taken it for a dead helper's before our lock: then it is gone. */
        if (!flock(fd, LOCK_EX | LOCK_NB) && !fstat(fd, &held)
            && !fstatat(swd->dirfd, swd->owner, &named, AT_SYMLINK_NOFOLLOW)
            && held.st_ino == named.st_ino && held.st_dev == named.st_dev)
            swd->owner_fd = fd;
        else close(fd);
    }
    return swd->owner_fd >= 0 ? 0 : -1;
}

static int owned_find(const struct swd *swd, const char *name)
{
    size_t i;

    for (i = 0; i < swd->n_owned; i++)
        if (!strcmp(swd->owned[i], name)) return (int)i;
    return -1;
}

static void owned_remove(struct swd *swd, size_t i)
{
    unlinkat(swd->dirfd, swd->owned[i], 0);
    memmove(swd->owned[i], swd->owned[i + 1], (swd->n_owned - i - 1) * sizeof(swd->owned[0]));
    swd->n_owned--;
}

/* Removes our entries starting with prefix: interfaces, then devices. */
static void owned_remove_prefix(struct swd *swd, const char *prefix)
{
    size_t i, plen = strlen(prefix);
    int pass;

    for (pass = 0; pass < 2; pass++)
        for (i = swd->n_owned; i-- > 0;)
            if (swd->owned[i][0] == (pass ? 'D' : 'I') && !strncmp(swd->owned[i], prefix, plen))
                owned_remove(swd, i);
}

/* Writes a whole entry under a temporary name and links it in: readers never see a partial file, and the link
 * fails if the name exists.  Returns 0 or an errno. */
static int link_entry(struct swd *swd, const char *name, const char *props, size_t len)
{
    char temp[40], buf[ENTRY_MAX];
    size_t total = (size_t)snprintf(buf, sizeof(buf), "%s%s", OWNER_KEY, swd->owner) + 1;
    int fd, err = 0;

    memcpy(buf + total, props, len);
    total += len;
    snprintf(temp, sizeof(temp), ".T%d.%u", (int)getpid(), swd->temp_seq++);
    if ((fd = openat(swd->dirfd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) return errno;
    if (write(fd, buf, total) != (ssize_t)total) err = errno ? errno : EIO;
    if (close(fd) && !err) err = errno;
    if (!err && linkat(swd->dirfd, temp, swd->dirfd, name, 0)) err = errno;
    unlinkat(swd->dirfd, temp, 0);
    return err;
}

/* Links an entry in, first clearing a dead helper's entry of the same name.  Returns a wn_wire_result. */
static uint32_t make_entry(struct swd *swd, const char *name, const char *props, size_t len)
{
    char owner[SWD_NAME_MAX], old[ENTRY_MAX];
    int err = link_entry(swd, name, props, len);

    if (err == EEXIST && read_entry(swd, name, owner, old) && !owner_alive(swd, name, owner))
        err = link_entry(swd, name, props, len);
    if (err == EEXIST) return WN_RESULT_EXISTS;
    if (err) return err == EACCES || err == EPERM ? WN_RESULT_ACCESS_DENIED : WN_RESULT_FAILED;
    if (swd->n_owned == swd->cap_owned)
    {
        size_t cap = swd->cap_owned ? swd->cap_owned * 2 : 8;
        char (*bigger)[SWD_NAME_MAX] = realloc(swd->owned, cap * sizeof(*bigger));

        if (!bigger)
        {
            unlinkat(swd->dirfd, name, 0);
            return WN_RESULT_FAILED;
        }
        swd->owned = bigger;
        swd->cap_owned = cap;
    }
    snprintf(swd->owned[swd->n_owned++], SWD_NAME_MAX, "%s", name);
    return WN_RESULT_OK;
}

uint32_t swd_request(struct swd *swd, uint16_t type, uint16_t op, const struct wn_wire_sw *sw)
{
    char device[SWD_NAME_MAX], name[SWD_NAME_MAX], prefix[SWD_NAME_MAX], props[SWD_PROPS_MAX];
    size_t len;
    int i;

    if (!swd_entry(WN_WIRE_SW_CREATE, sw, device, props) || swd_interface_prefix(device, prefix))
        return WN_RESULT_INVALID;
    if (type == WN_WIRE_SW_CREATE)
    {
        if (!(len = swd_entry(type, sw, name, props))) return WN_RESULT_INVALID;
        if (ensure_owner(swd)) return WN_RESULT_FAILED;
        return make_entry(swd, name, props, len);
    }
    if (owned_find(swd, device) < 0) return WN_RESULT_NOT_FOUND;
    if (type == WN_WIRE_SW_CLOSE)
    {
        owned_remove_prefix(swd, prefix);
        owned_remove(swd, (size_t)owned_find(swd, device));
        return WN_RESULT_OK;
    }
    if (!(len = swd_entry(type, sw, name, props))) return WN_RESULT_INVALID;
    i = owned_find(swd, name);
    if (op == WN_WIRE_OP_DEL)
    {
        if (i >= 0) owned_remove(swd, (size_t)i);
        return WN_RESULT_OK;
    }
    return i >= 0 ? WN_RESULT_OK : make_entry(swd, name, props, len);
}

void swd_close(struct swd *swd)
{
    if (!swd) return;
    owned_remove_prefix(swd, "I");
    owned_remove_prefix(swd, "D");
    if (swd->owner_fd >= 0)
    {
        unlinkat(swd->dirfd, swd->owner, 0);
        close(swd->owner_fd);
    }
    known_clear(swd);
    free(swd->known);
    free(swd->owned);
    close(swd->ifd);
    close(swd->dirfd);
    free(swd);
}
