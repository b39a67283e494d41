/* The native unit tests: one CUnit run over every suite, with CUnit's own summary. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "unit.h"

size_t unit_load_fixture(const char *name, char *buf, size_t cap)
{
    char path[512];
    size_t len;
    FILE *f;

    snprintf(path, sizeof(path), "%s/tests/fixtures/%s", SRCDIR, name);
    f = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    len = fread(buf, 1, cap, f);
    fclose(f);
    CU_ASSERT_FATAL(len > 0 && len < cap);
    return len;
}

void unit_add_suite(const char *name, const CU_TestInfo *tests)
{
    CU_pSuite suite = CU_add_suite(name, NULL, NULL);
    const CU_TestInfo *t;

    if (!suite)
    {
        fprintf(stderr, "cannot add suite %s: %s\n", name, CU_get_error_msg());
        exit(2);
    }
    for (t = tests; t->pName; t++)
        if (!CU_add_test(suite, t->pName, t->pTestFunc))
        {
            fprintf(stderr, "cannot add test %s: %s\n", t->pName, CU_get_error_msg());
            exit(2);
        }
}

void unit_run_root_child(int (*child)(void))
{
    pid_t pid;
    int status;

    if (geteuid())
    {
        printf("skipped: not root ");
        return;
    }
    fflush(NULL);
    pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (!pid)
    {
        int code = child();
        fflush(NULL);
        _exit(code);
    }
    CU_ASSERT_EQUAL_FATAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT_TRUE(WIFEXITED(status));
    if (WIFEXITED(status) && WEXITSTATUS(status) == UNIT_SKIP) return;
    CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
}

int main(void)
{
    unsigned int failed;

    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    register_spec_tests();
    register_emit_tests();
    register_uevent_parse_tests();
    register_wire_tests();
    register_state_tests();
    register_hint_view_tests();
    register_connectivity_map_tests();
    register_nl_parse_tests();
    register_nl_request_tests();
    register_seen_tests();
    register_overflow_tests();
    register_swd_tests();
    register_handshake_tests();
    register_helper_wire_tests();
    register_devmap_tests();
    register_devmodel_tests();
    register_links_tests();

    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failed = CU_get_number_of_tests_failed();
    printf("unit: %u passed, %u failed\n", CU_get_number_of_tests_run() - failed, failed);
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
