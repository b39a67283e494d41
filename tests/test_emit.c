/* The emitters: the .def file, the forwarding thunks and the export table, from one small list. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "unit.h"

static const char list[] =
    "%fallback 0x32\n"
    "stdcall GetIfTable2(ptr)\n"
    "stdcall -impl NotifyAddrChange(ptr ptr)\n"
    "cdecl -ret=0 if_nametoindex(str)\n"
    "stdcall -ret=0x80004001 SwDeviceClose(ptr)\n"
    "stdcall _PfDeleteLog@0()\n";

typedef void (*emit_fn)(FILE *, const struct spec *, const char *, enum emit_arch);

static char *run(emit_fn fn, enum emit_arch arch)
{
    struct spec spec;
    char err[128], *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);

    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_EQUAL_FATAL(spec_parse(list, &spec, err, sizeof(err)), 0);
    fn(out, &spec, "iphlpapi", arch);
    fclose(out);
    spec_free(&spec);
    return buf;
}

static int count(const char *text, const char *needle)
{
    int n = 0;
    for (; (text = strstr(text, needle)); text += strlen(needle)) n++;
    return n;
}

static void test_def_x86_64_plain_names(void)
{
    char *def = run(emit_def, ARCH_X86_64);

    CU_ASSERT_PTR_NOT_NULL(strstr(def, "LIBRARY iphlpapi.dll\nEXPORTS\n"));
    /* Sorted: GetIfTable2, NotifyAddrChange (ours), SwDeviceClose, _PfDeleteLog@0, if_nametoindex. */
    CU_ASSERT_PTR_NOT_NULL(strstr(def, "\n    GetIfTable2 = wn_fwd_thunk_0\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(def, "\n    NotifyAddrChange\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(def, "\n    SwDeviceClose = wn_fwd_thunk_1\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(def, "\n    _PfDeleteLog@0 = wn_fwd_thunk_2\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(def, "\n    if_nametoindex = wn_fwd_thunk_3\n"));
    free(def);
}

static void test_def_i386_stdcall_decorations(void)
{
    char *def = run(emit_def, ARCH_I386);

    /* Our own stdcall function is decorated; forwarded exports come from undecorated stubs. */
    CU_ASSERT_PTR_NOT_NULL(strstr(def, "\n    NotifyAddrChange = NotifyAddrChange@8\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(def, "\n    GetIfTable2 = wn_fwd_thunk_0\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(def, "\n    _PfDeleteLog@0 = wn_fwd_thunk_2\n"));
    free(def);
}

static void test_thunks_only_for_forwarded(void)
{
    char *s = run(emit_thunks, ARCH_X86_64);

    CU_ASSERT_PTR_NOT_NULL(strstr(s, ".globl wn_fwd_thunk_0\nwn_fwd_thunk_0:  /* GetIfTable2 */\n"
                                     "\tjmp *wn_fwd_slots+0(%rip)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\tjmp *wn_fwd_slots+8(%rip)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\tjmp *wn_fwd_slots+24(%rip)\n"));
    CU_ASSERT_PTR_NULL(strstr(s, "NotifyAddrChange"));
    CU_ASSERT_EQUAL(count(s, "jmp wn_fwd_resolve_common"), 4);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "wn_fwd_count:\n\t.long 4\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "wn_fwd_dll:\n\t.asciz \"iphlpapi.dll\"\n"));
    /* The names the system DLL is asked for are the export names, '@' and all. */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\t.asciz \"_PfDeleteLog@0\"\n"));
    /* One slot, one missing stub and one name per forwarded export. */
    CU_ASSERT_EQUAL(count(s, "\t.quad .Lresolve"), 4);
    CU_ASSERT_EQUAL(count(s, "\t.quad .Lmissing"), 4);
    CU_ASSERT_EQUAL(count(s, "\t.quad .Lname"), 4);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "wn_fwd_reported:\n\t.zero 16\n"));
    free(s);
}

static void test_thunks_missing_values(void)
{
    char *s = run(emit_thunks, ARCH_X86_64);

    /* Sorted: GetIfTable2, SwDeviceClose, _PfDeleteLog@0, if_nametoindex (exact byte order). */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, ".Lmissing0:\n\tmovq $50, %rax\n\tret\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, ".Lmissing1:\n\tmovq $-2147467263, %rax\n\tret\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, ".Lmissing3:\n\tmovq $0, %rax\n\tret\n"));
    free(s);
}

static void test_thunks_i386_pop_stdcall_arguments(void)
{
    char *s = run(emit_thunks, ARCH_I386);

    CU_ASSERT_PTR_NOT_NULL(strstr(s, ".globl _wn_fwd_thunk_0\n_wn_fwd_thunk_0:  /* GetIfTable2 */\n"
                                     "\tjmp *_wn_fwd_slots+0\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, ".Lmissing0:\n\tmovl $50, %eax\n\tret $4\n"));
    /* No arguments, or cdecl: nothing to pop. */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, ".Lmissing2:\n\tmovl $50, %eax\n\tret\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, ".Lmissing3:\n\tmovl $0, %eax\n\tret\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "call _wn_forward_resolve@4\n"));
    CU_ASSERT_EQUAL(count(s, "\t.long .Lresolve"), 4);
    free(s);
}

static void emit_table_adapter(FILE *out, const struct spec *spec, const char *dll, enum emit_arch arch)
{
    (void)arch;
    emit_table(out, spec, dll);
}

static void test_table(void)
{
    char *s = run(emit_table_adapter, ARCH_X86_64);

    CU_ASSERT_PTR_NOT_NULL(strstr(s, "iphlpapi_exports[] =\n{\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "{ \"NotifyAddrChange\", 1 },\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "{ \"GetIfTable2\", 0 },\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "#define iphlpapi_export_count 5\n"));
    free(s);
}

static void test_arch_names(void)
{
    enum emit_arch arch;

    CU_ASSERT_EQUAL(emit_arch_from_name("x86_64", &arch), 0);
    CU_ASSERT_EQUAL(arch, ARCH_X86_64);
    CU_ASSERT_EQUAL(emit_arch_from_name("i686", &arch), 0);
    CU_ASSERT_EQUAL(arch, ARCH_I386);
    CU_ASSERT_EQUAL(emit_arch_from_name("arm64", &arch), -1);
}

void register_emit_tests(void)
{
    static const CU_TestInfo tests[] =
    {
        { ".def on x86_64 has plain names", test_def_x86_64_plain_names },
        { ".def on i386 carries stdcall sizes", test_def_i386_stdcall_decorations },
        { "thunks only for forwarded exports", test_thunks_only_for_forwarded },
        { "not-supported values per export", test_thunks_missing_values },
        { "i386 thunks pop stdcall arguments", test_thunks_i386_pop_stdcall_arguments },
        { "export table", test_table },
        { "architecture names", test_arch_names },
        CU_TEST_INFO_NULL,
    };
    unit_add_suite("emit", tests);
}
