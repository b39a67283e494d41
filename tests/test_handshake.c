/* The helper's half of the launch handshake (host/handshake.c): the arguments the DLL passes, and the token file
 * that must be ours alone from its first byte to its removal.  The real helper's use of it, end to end, is in
 * test_helper_wire.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "handshake.h"
#include "unit.h"

static int parse(int argc, const char *const *argv, struct handshake_args *args)
{
    return handshake_parse_args(argc, (char **)argv, args);
}

static void test_args(void)
{
    static const char *const good[] = { "Z:\\x\\winenotify-host", "--port", "40000", "--token-file", "/t/f",
                                        "--debug", "3" };
    static const char *const no_debug[] = { "h", "--port", "1", "--token-file", "/f" };
    static const char *const with_env[] = { "h", "--port", "1", "--token-file", "/f", "--env",
                                            "WINENOTIFY_HOST_RCVBUF=1", "--env", "WINENOTIFY_SWD_DIR=/run/x" };
    /* Nothing of the program's environment but our own settings, and those with a name. */
    static const char *const bad[][7] =
    {
        { "h", "--port", "1", "--token-file", "/f", "--env", "LD_PRELOAD=/tmp/x.so" },
        { "h", "--port", "1", "--token-file", "/f", "--env", "WINENOTIFY_HOST_=1" },
        { "h", "--port", "1", "--token-file", "/f", "--env", "WINENOTIFY_HOST_DEBUG" },
        { "h", "--port", "1", "--token-file", "/f", "--env", "WINENOTIFY_SWD_DIRX=/x" },
        { "h", "--port", "1", "--token-file", "/f", "--env", "WINENOTIFY_HOST=/x" },
        { "h", "--port", "0", "--token-file", "/f" },
        { "h", "--port", "65536", "--token-file", "/f" },
        { "h", "--port", "-1", "--token-file", "/f" },
        { "h", "--port", "12x", "--token-file", "/f" },
        { "h", "--port", "", "--token-file", "/f" },
        { "h", "--port", "1", "--token-file", "relative" },
        { "h", "--port", "1", "--token-file", "/f", "--debug", "16" },
        { "h", "--port", "1", "--token-file", "/f", "--debug", "" },
        { "h", "--port", "1", "--token-file", "/f", "--verbose", "1" },
        { "h", "--port", "1" },
        { "h", "--token-file", "/f" },
        { "h", "--port", "1", "--token-file" },
    };
    struct handshake_args args;
    size_t i;

    CU_ASSERT_EQUAL(parse(7, good, &args), 0);
    CU_ASSERT_EQUAL(args.port, 40000);
    CU_ASSERT_STRING_EQUAL(args.token_file, "/t/f");
    CU_ASSERT_TRUE(args.has_log_mask);
    CU_ASSERT_EQUAL(args.log_mask, 3);
    CU_ASSERT_EQUAL(parse(5, no_debug, &args), 0);
    CU_ASSERT_FALSE(args.has_log_mask);
    CU_ASSERT_EQUAL(args.n_env, 0);
    CU_ASSERT_EQUAL(parse(9, with_env, &args), 0);
    CU_ASSERT_EQUAL_FATAL(args.n_env, 2);
    CU_ASSERT_STRING_EQUAL(args.env[0], "WINENOTIFY_HOST_RCVBUF=1");
    CU_ASSERT_STRING_EQUAL(args.env[1], "WINENOTIFY_SWD_DIR=/run/x");
    CU_ASSERT_EQUAL(parse(1, good, &args), -1);
    {
        const char *many[5 + 2 * (HANDSHAKE_MAX_ENV + 1)] = { "h", "--port", "1", "--token-file", "/f" };
        int argc = 5;

        for (i = 0; i <= HANDSHAKE_MAX_ENV; i++)
        {
            many[argc++] = "--env";
            many[argc++] = "WINENOTIFY_HOST_X=1";
        }
        CU_ASSERT_EQUAL(parse(argc, many, &args), -1);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
        int argc = 0;

        while (argc < 7 && bad[i][argc]) argc++;
        errno = 0;
        CU_ASSERT_EQUAL(parse(argc, bad[i], &args), -1);
        CU_ASSERT_EQUAL(errno, EINVAL);
    }
}

static char dir[64];

static void make_dir(mode_t mode)
{
    snprintf(dir, sizeof(dir), "/tmp/wn-handshake-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    CU_ASSERT_EQUAL_FATAL(chmod(dir, mode), 0);
}

static void remove_dir(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

static void test_token_file(void)
{
    uint8_t token[WN_WIRE_TOKEN_SIZE], zero[WN_WIRE_TOKEN_SIZE] = { 0 };
    char path[128], hex[2 * WN_WIRE_TOKEN_SIZE + 2];
    struct stat st;
    mode_t old_umask;
    int fd, i;
    ssize_t n;

    make_dir(0755);
    snprintf(path, sizeof(path), "%s/winenotify-0123456789abcdef.token", dir);
    /* Even with a umask that lets everyone read, the file is ours alone. */
    old_umask = umask(0);
    CU_ASSERT_EQUAL(handshake_make_token(path, token), 0);
    umask(old_umask);
    CU_ASSERT_NOT_EQUAL(memcmp(token, zero, sizeof(token)), 0);
    CU_ASSERT_EQUAL_FATAL(lstat(path, &st), 0);
    CU_ASSERT_TRUE(S_ISREG(st.st_mode));
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
    CU_ASSERT_EQUAL(st.st_uid, geteuid());
    fd = open(path, O_RDONLY);
    CU_ASSERT_FATAL(fd >= 0);
    n = read(fd, hex, sizeof(hex));
    close(fd);
    CU_ASSERT_EQUAL_FATAL(n, 2 * WN_WIRE_TOKEN_SIZE);
    for (i = 0; i < WN_WIRE_TOKEN_SIZE; i++)
    {
        char byte[3];

        snprintf(byte, sizeof(byte), "%02x", token[i]);
        CU_ASSERT_EQUAL(memcmp(hex + 2 * i, byte, 2), 0);
    }

    /* Made exclusively: the same name again (whoever made it) is refused, the file left as it was. */
    errno = 0;
    CU_ASSERT_EQUAL(handshake_make_token(path, token), -1);
    CU_ASSERT_EQUAL(errno, EEXIST);
    CU_ASSERT_EQUAL(memcmp(token, zero, sizeof(token)), 0);
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_size, 2 * WN_WIRE_TOKEN_SIZE);

    /* A link planted under the name, even one to nowhere, is not followed. */
    snprintf(path, sizeof(path), "%s/planted.token", dir);
    CU_ASSERT_EQUAL_FATAL(symlink("/tmp/wn-handshake-nowhere", path), 0);
    errno = 0;
    CU_ASSERT_EQUAL(handshake_make_token(path, token), -1);
    CU_ASSERT_EQUAL(errno, EEXIST);
    CU_ASSERT_EQUAL(access("/tmp/wn-handshake-nowhere", F_OK), -1);

    /* No directory part, or no name. */
    errno = 0;
    CU_ASSERT_EQUAL(handshake_make_token("winenotify.token", token), -1);
    CU_ASSERT_EQUAL(errno, EINVAL);
    snprintf(path, sizeof(path), "%s/", dir);
    CU_ASSERT_EQUAL(handshake_make_token(path, token), -1);
    snprintf(path, sizeof(path), "%s/..", dir);
    CU_ASSERT_EQUAL(handshake_make_token(path, token), -1);
    snprintf(path, sizeof(path), "%s/missing/winenotify.token", dir);
    CU_ASSERT_EQUAL(handshake_make_token(path, token), -1);
    CU_ASSERT_EQUAL(errno, ENOENT);
    remove_dir();
}

/* A directory others may write to could have the file swapped before the DLL reads it: refused, nothing made. */
static void test_untrusted_directory(void)
{
    uint8_t token[WN_WIRE_TOKEN_SIZE];
    char path[128];

    make_dir(0777);
    snprintf(path, sizeof(path), "%s/winenotify.token", dir);
    errno = 0;
    CU_ASSERT_EQUAL(handshake_make_token(path, token), -1);
    CU_ASSERT_EQUAL(errno, EPERM);
    CU_ASSERT_EQUAL(access(path, F_OK), -1);
    /* Sticky, like /tmp: nobody else may rename or remove what we make there. */
    CU_ASSERT_EQUAL(chmod(dir, 01777), 0);
    CU_ASSERT_EQUAL(handshake_make_token(path, token), 0);
    CU_ASSERT_EQUAL(unlink(path), 0);
    /* Our group may write: as the rest of a prefix Wine made with a umask of 002. */
    CU_ASSERT_EQUAL(chmod(dir, 0775), 0);
    CU_ASSERT_EQUAL(handshake_make_token(path, token), 0);
    CU_ASSERT_EQUAL(unlink(path), 0);
    remove_dir();
}

/* Root only: a directory of another user, even a sticky one, is theirs to rearrange. */
static int other_owner_child(void)
{
    uint8_t token[WN_WIRE_TOKEN_SIZE];
    char path[128];
    int bad = 0;

    snprintf(dir, sizeof(dir), "/tmp/wn-handshake-XXXXXX");
    if (!mkdtemp(dir) || chown(dir, 65534, 65534) || chmod(dir, 01755)) return 1;
    snprintf(path, sizeof(path), "%s/winenotify.token", dir);
    errno = 0;
    if (handshake_make_token(path, token) != -1 || errno != EPERM || !access(path, F_OK)) bad = 1;
    unlink(path);
    rmdir(dir);
    return bad;
}

static void test_other_owner(void)
{
    unit_run_root_child(other_owner_child);
}

void register_handshake_tests(void)
{
    static const CU_TestInfo tests[] =
    {
        { "arguments", test_args },
        { "token file", test_token_file },
        { "untrusted directory", test_untrusted_directory },
        { "directory of another user", test_other_owner },
        CU_TEST_INFO_NULL,
    };
    unit_add_suite("handshake", tests);
}
