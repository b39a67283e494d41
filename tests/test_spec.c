/* The export-list parser: what it accepts, what it rejects and why. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "unit.h"

static struct spec spec;
static char err[256];

static int parse(const char *text)
{
    err[0] = 0;
    return spec_parse(text, &spec, err, sizeof(err));
}

static void test_parses_forwarded_and_implemented(void)
{
    const char *text =
        "# comment line\n"
        "%fallback 0x32   # ERROR_NOT_SUPPORTED\n"
        "\n"
        "stdcall GetIfTable2(ptr)\n"
        "  stdcall -impl NotifyIpInterfaceChange(long ptr ptr long ptr)   # ours\n"
        "cdecl -ret=-1 Odd(int64 double wstr str)\n"
        "stdcall GetNumberOfInterfaces(ptr)\n";

    CU_ASSERT_EQUAL_FATAL(parse(text), 0);
    CU_ASSERT_EQUAL(spec.fallback, 0x32);
    CU_ASSERT_EQUAL_FATAL(spec.count, 4);

    /* Sorted by name, whatever the file order. */
    CU_ASSERT_STRING_EQUAL(spec.exports[0].name, "GetIfTable2");
    CU_ASSERT_STRING_EQUAL(spec.exports[1].name, "GetNumberOfInterfaces");
    CU_ASSERT_STRING_EQUAL(spec.exports[2].name, "NotifyIpInterfaceChange");
    CU_ASSERT_STRING_EQUAL(spec.exports[3].name, "Odd");

    CU_ASSERT_EQUAL(spec.exports[0].conv, SPEC_STDCALL);
    CU_ASSERT_EQUAL(spec.exports[0].argbytes_i386, 4);
    CU_ASSERT_FALSE(spec.exports[0].impl);
    CU_ASSERT_EQUAL(spec.exports[0].line, 4);

    CU_ASSERT_TRUE(spec.exports[2].impl);
    CU_ASSERT_EQUAL(spec.exports[2].nargs, 5);
    CU_ASSERT_EQUAL(spec.exports[2].argbytes_i386, 20);

    CU_ASSERT_EQUAL(spec.exports[3].conv, SPEC_CDECL);
    CU_ASSERT_EQUAL(spec.exports[3].nargs, 4);
    CU_ASSERT_EQUAL(spec.exports[3].argbytes_i386, 24);
    CU_ASSERT_EQUAL(spec_fallback(&spec, &spec.exports[3]), -1);
    CU_ASSERT_EQUAL(spec_fallback(&spec, &spec.exports[0]), 0x32);
    spec_free(&spec);
}

static void test_hresult_values_wrap_to_32_bits(void)
{
    CU_ASSERT_EQUAL_FATAL(parse("%fallback 0x34\nstdcall -ret=0x80004001 SwDeviceClose(ptr)\n"), 0);
    CU_ASSERT_EQUAL((uint32_t)spec_fallback(&spec, &spec.exports[0]), 0x80004001u);
    spec_free(&spec);

    CU_ASSERT_EQUAL(parse("%fallback 0x34\nstdcall -ret=0x100000000 Big(ptr)\n"), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 2"));
}

static void test_empty_argument_list(void)
{
    CU_ASSERT_EQUAL_FATAL(parse("%fallback 1\nstdcall GetFoo()\nstdcall GetBar( )\n"), 0);
    CU_ASSERT_EQUAL(spec.exports[0].nargs, 0);
    CU_ASSERT_EQUAL(spec.exports[0].argbytes_i386, 0);
    CU_ASSERT_EQUAL(spec.exports[1].nargs, 0);
    spec_free(&spec);
}

static void expect_error(const char *text, const char *line, const char *what)
{
    CU_ASSERT_EQUAL(parse(text), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, line));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, what));
    CU_ASSERT_EQUAL(spec.count, 0);
    CU_ASSERT_PTR_NULL(spec.exports);
}

static void test_rejects_bad_lines(void)
{
    expect_error("%fallback 1\nfastcall Foo(ptr)\n", "line 2", "calling convention");
    expect_error("%fallback 1\nstdcall Foo(ptr\n", "line 2", "unknown argument type");
    expect_error("%fallback 1\nstdcall Foo ptr\n", "line 2", "missing '('");
    expect_error("%fallback 1\nstdcall Foo(ptr) extra\n", "line 2", "unexpected text");
    expect_error("%fallback 1\nstdcall Foo(pointer)\n", "line 2", "unknown argument type 'pointer'");
    expect_error("%fallback 1\nstdcall -static Foo(ptr)\n", "line 2", "unknown flag");
    expect_error("%fallback 1\nstdcall -ret=x Foo(ptr)\n", "line 2", "bad value");
    expect_error("%fallback 1\nstdcall -impl -ret=0 Foo(ptr)\n", "line 2", "only applies to forwarded");
    expect_error("%fallback 1\nstdcall 9Foo(ptr)\n", "line 2", "bad export name");
    expect_error("%fallback 1\nstdcall Fo-o(ptr)\n", "line 2", "bad export name");
    expect_error("%fallback 1\nstdcall @Foo(ptr)\n", "line 2", "bad export name");
}

static void test_rejects_duplicates_and_missing_fallback(void)
{
    expect_error("%fallback 1\nstdcall Foo(ptr)\nstdcall Bar()\nstdcall Foo(long)\n", "line 4", "listed twice");
    expect_error("stdcall Foo(ptr)\n", "line 1", "no %fallback");
    expect_error("%fallback 1\n%fallback 2\n", "line 2", "given twice");
    expect_error("%fallback\n", "line 1", "one integer");
    expect_error("%exports 1\n", "line 1", "unknown directive");
}

/* The real export lists must parse: a broken list would otherwise surface only as a link error. */
static void check_real_spec(const char *dll, size_t at_least)
{
    char path[512], *text;
    size_t len;
    FILE *f;

    snprintf(path, sizeof(path), "%s/dlls/%s/%s.spec", SRCDIR, dll, dll);
    f = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    rewind(f);
    text = calloc(1, len + 1);
    CU_ASSERT_EQUAL_FATAL(fread(text, 1, len, f), len);
    fclose(f);

    if (parse(text)) CU_FAIL(err);
    CU_ASSERT(spec.count >= at_least);
    spec_free(&spec);
    free(text);
}

static void test_real_export_lists(void)
{
    check_real_spec("iphlpapi", 150);
    check_real_spec("cfgmgr32", 200);
}

void register_spec_tests(void)
{
    static const CU_TestInfo tests[] =
    {
        { "parses forwarded and implemented exports", test_parses_forwarded_and_implemented },
        { "HRESULT fallback values wrap to 32 bits", test_hresult_values_wrap_to_32_bits },
        { "empty argument lists", test_empty_argument_list },
        { "rejects bad lines with their line number", test_rejects_bad_lines },
        { "rejects duplicates and a missing %fallback", test_rejects_duplicates_and_missing_fallback },
        { "the real export lists parse", test_real_export_lists },
        CU_TEST_INFO_NULL,
    };
    unit_add_suite("spec", tests);
}
