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

/* Adds a suite with the given tests; aborts the run if CUnit cannot. */
void unit_add_suite(const char *name, const CU_TestInfo *tests);

#endif
