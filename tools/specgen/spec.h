/* The export list (<dll>.spec): the single source of a DLL's exports.
 *
 * Parsing is a pure function over text so that it can be tested natively; the emitters in emit.c turn a
 * parsed list into the .def file, the forwarding thunks and the export table the tests use. */
#ifndef WN_SPEC_H
#define WN_SPEC_H

#include <stddef.h>
#include <stdint.h>

enum spec_conv { SPEC_STDCALL, SPEC_CDECL };

struct spec_export
{
    char *name;
    enum spec_conv conv;
    unsigned int nargs;
    unsigned int argbytes_i386;   /* stack bytes the callee pops on i686 (stdcall decoration) */
    int impl;                     /* implemented in our DLL; otherwise forwarded to the system DLL */
    int has_ret;
    int32_t ret;                  /* returned when the system DLL lacks a forwarded export */
    unsigned int line;
};

struct spec
{
    int32_t fallback;
    int has_fallback;
    struct spec_export *exports;
    size_t count;
};

/* Parses the text of an export list.  Returns 0, or -1 with a message "line N: ..." in err. */
int spec_parse(const char *text, struct spec *spec, char *err, size_t errlen);
void spec_free(struct spec *spec);

/* What a forwarded export returns when the system DLL lacks it. */
int32_t spec_fallback(const struct spec *spec, const struct spec_export *e);

#endif
