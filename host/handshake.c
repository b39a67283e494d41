/* The helper's side of the launch handshake (see handshake.h). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "handshake.h"

static int parse_number(const char *text, unsigned long max, unsigned long *value)
{
    char *end;

    if (!text || *text < '0' || *text > '9') return -1;
    errno = 0;
    *value = strtoul(text, &end, 10);
    return *end || errno || *value > max ? -1 : 0;
}

/* Only our own settings: the DLL's environment is the program's, and nothing else of it is ours to take. */
static int is_our_setting(const char *entry)
{
    const char *eq = strchr(entry, '=');

    if (!eq) return 0;
    if (!strncmp(entry, "WINENOTIFY_HOST_", 16) && eq > entry + 16) return 1;
    return (size_t)(eq - entry) == strlen("WINENOTIFY_SWD_DIR") && !strncmp(entry, "WINENOTIFY_SWD_DIR", 18);
}

int handshake_parse_args(int argc, char **argv, struct handshake_args *out)
{
    unsigned long value;
    int i;

    memset(out, 0, sizeof(*out));
    out->port = -1;
    for (i = 1; i + 1 < argc; i += 2)
    {
        if (!strcmp(argv[i], "--port") && !parse_number(argv[i + 1], 65535, &value) && value)
            out->port = (int)value;
        else if (!strcmp(argv[i], "--token-file") && argv[i + 1][0] == '/')
            out->token_file = argv[i + 1];
        else if (!strcmp(argv[i], "--debug") && !parse_number(argv[i + 1], 0xf, &value))
        {
            out->has_log_mask = 1;
            out->log_mask = (unsigned int)value;
        }
        else if (!strcmp(argv[i], "--env") && is_our_setting(argv[i + 1]) && out->n_env < HANDSHAKE_MAX_ENV)
            out->env[out->n_env++] = argv[i + 1];
        else break;
    }
    if (i != argc || out->port < 0 || !out->token_file)
    {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

/* Whoever may write to the directory may swap the file for one of theirs between our write and the DLL's read.
 * Our own directory, or a sticky one of ours or root's (/tmp), where nobody else may rename or remove what we
 * made.  A directory
 * our group may write to is accepted: Wine made the prefix's folders with the user's umask, so such a group may
 * already replace the DLLs in that prefix. */
static int trusted_directory(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    struct stat st;
    size_t len;

    if (!slash || path[0] != '/' || !slash[1] || !strcmp(slash + 1, ".") || !strcmp(slash + 1, ".."))
    {
        errno = EINVAL;
        return -1;
    }
    len = slash == path ? 1 : (size_t)(slash - path);
    if (len >= sizeof(dir))
    {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(dir, path, len);
    dir[len] = 0;
    if (stat(dir, &st)) return -1;
    if (!S_ISDIR(st.st_mode)) errno = ENOTDIR;
    else if (st.st_uid != geteuid() && st.st_uid) errno = EPERM;
    else if (st.st_mode & S_ISVTX) return 0;
    else if (st.st_uid != geteuid() || (st.st_mode & S_IWOTH)) errno = EPERM;
    else return 0;
    return -1;
}

int handshake_make_token(const char *path, uint8_t token[WN_WIRE_TOKEN_SIZE])
{
    static const char digits[] = "0123456789abcdef";
    char hex[2 * WN_WIRE_TOKEN_SIZE];
    ssize_t n;
    int fd, i, err;

    if (trusted_directory(path)) return -1;
    if (getrandom(token, WN_WIRE_TOKEN_SIZE, 0) != WN_WIRE_TOKEN_SIZE) return -1;
    /* O_EXCL with O_NOFOLLOW: a name someone else made first, even a dangling link, is refused. */
    if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) goto wipe;
    for (i = 0; i < WN_WIRE_TOKEN_SIZE; i++)
    {
        hex[2 * i] = digits[token[i] >> 4];
        hex[2 * i + 1] = digits[token[i] & 0xf];
    }
    n = write(fd, hex, sizeof(hex));
    err = n == (ssize_t)sizeof(hex) ? 0 : n < 0 ? errno : EIO;
    memset(hex, 0, sizeof(hex));
    if (close(fd) && !err) err = errno;
    if (!err) return 0;
    unlink(path);
    errno = err;
wipe:
    err = errno;
    memset(token, 0, WN_WIRE_TOKEN_SIZE);
    errno = err;
    return -1;
}
