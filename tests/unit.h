/* Each test file registers its own CUnit suite. */
#ifndef WN_UNIT_H
#define WN_UNIT_H

#include <CUnit/CUnit.h>

void register_spec_tests(void);
void register_emit_tests(void);
void register_uevent_parse_tests(void);
void register_wire_tests(void);
void register_state_tests(void);
void register_nl_parse_tests(void);
void register_nl_request_tests(void);
void register_seen_tests(void);
void register_overflow_tests(void);
void register_swd_tests(void);
void register_helper_wire_tests(void);
void register_handshake_tests(void);
void register_devmap_tests(void);
void register_devmodel_tests(void);
void register_hint_view_tests(void);
void register_connectivity_map_tests(void);
void register_links_tests(void);

/* Runs child() in a forked process, as root only (otherwise says "skipped"): for tests that change the network,
 * which the child does in a network namespace of its own after unshare().  Its exit status is the verdict: 0
 * passed, UNIT_SKIP skipped (e.g. no namespace could be made), anything else failed. */
#define UNIT_SKIP 77
void unit_run_root_child(int (*child)(void));

/* Reads tests/fixtures/<name> into buf (a failed assertion ends the test when it is missing, empty or does not
 * fit) and returns its length. */
size_t unit_load_fixture(const char *name, char *buf, size_t cap);

/* Adds a suite with the given tests; aborts the run if CUnit cannot. */
void unit_add_suite(const char *name, const CU_TestInfo *tests);

#endif
