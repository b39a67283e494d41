#define _POSIX_C_SOURCE 200809L
#include "spec.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int fail(char *err, size_t errlen, unsigned int line, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(err, errlen, "line %u: ", line);

    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < errlen) vsnprintf(err + n, errlen - n, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    return p;
}

static const char *word_end(const char *p, const char *end)
{
    while (p < end && !isspace((unsigned char)*p) && *p != '(' && *p != ')') p++;
    return p;
}

static int word_is(const char *p, const char *q, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(q - p) == n && !memcmp(p, word, n);
}

/* Values are written as C integers (decimal, hex, negative); a Windows status such as 0x80004001 does not fit
 * int32_t but is meant as its 32-bit pattern, so anything in [-2^31, 2^32) is accepted and wrapped. */
static int parse_value(const char *p, const char *q, int32_t *out)
{
    char buf[32], *endp;
    long long v;

    if (q - p <= 0 || (size_t)(q - p) >= sizeof(buf)) return -1;
    memcpy(buf, p, q - p);
    buf[q - p] = 0;
    errno = 0;
    v = strtoll(buf, &endp, 0);
    if (errno || *endp || v < INT32_MIN || v > (long long)UINT32_MAX) return -1;
    *out = (int32_t)(uint32_t)(v & 0xffffffff);
    return 0;
}

static int arg_bytes(const char *p, const char *q)
{
    static const struct { const char *name; int bytes; } types[] =
    {
        { "long", 4 }, { "ptr", 4 }, { "str", 4 }, { "wstr", 4 }, { "int64", 8 }, { "double", 8 },
    };
    size_t i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (word_is(p, q, types[i].name)) return types[i].bytes;
    return -1;
}

/* '@' is allowed because some exports carry it literally: Wine exports iphlpapi's _PfXxx@N under that very
 * name, as 32-bit Windows does. */
static int valid_name(const char *p, const char *q)
{
    if (p == q || isdigit((unsigned char)*p) || *p == '@') return 0;
    for (; p < q; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '@') return 0;
    return 1;
}

static int parse_export(const char *p, const char *end, unsigned int line, struct spec_export *e,
                        char *err, size_t errlen)
{
    const char *q = word_end(p, end);
    int bytes;

    memset(e, 0, sizeof(*e));
    e->line = line;
    if (word_is(p, q, "stdcall")) e->conv = SPEC_STDCALL;
    else if (word_is(p, q, "cdecl")) e->conv = SPEC_CDECL;
    else return fail(err, errlen, line, "unknown calling convention '%.*s'", (int)(q - p), p);

    for (;;)
    {
        p = skip_space(q, end);
        if (p >= end || *p != '-') break;
        q = word_end(p, end);
        if (word_is(p, q, "-impl")) e->impl = 1;
        else if (q - p > 5 && !memcmp(p, "-ret=", 5))
        {
            if (parse_value(p + 5, q, &e->ret)) return fail(err, errlen, line, "bad value in '%.*s'", (int)(q - p), p);
            e->has_ret = 1;
        }
        else return fail(err, errlen, line, "unknown flag '%.*s'", (int)(q - p), p);
    }

    q = word_end(p, end);
    if (!valid_name(p, q)) return fail(err, errlen, line, "bad export name '%.*s'", (int)(q - p), p);
    if (q >= end || *q != '(') return fail(err, errlen, line, "missing '(' after '%.*s'", (int)(q - p), p);
    e->name = strndup(p, q - p);
    if (!e->name) return fail(err, errlen, line, "out of memory");

    for (p = q + 1;;)
    {
        p = skip_space(p, end);
        if (p < end && *p == ')') break;
        q = word_end(p, end);
        if ((bytes = arg_bytes(p, q)) < 0)
        {
            fail(err, errlen, line, "unknown argument type '%.*s' in %s", (int)(q - p), p, e->name);
            goto error;
        }
        e->nargs++;
        e->argbytes_i386 += bytes;
        p = q;
    }
    p = skip_space(p + 1, end);
    if (p < end)
    {
        fail(err, errlen, line, "unexpected text after %s(...)", e->name);
        goto error;
    }
    if (e->impl && e->has_ret)
    {
        fail(err, errlen, line, "%s: -ret= only applies to forwarded exports", e->name);
        goto error;
    }
    return 0;

error:
    free(e->name);
    e->name = NULL;
    return -1;
}

static int parse_directive(const char *p, const char *end, unsigned int line, struct spec *spec,
                           char *err, size_t errlen)
{
    const char *q = word_end(p, end);

    if (!word_is(p, q, "%fallback")) return fail(err, errlen, line, "unknown directive '%.*s'", (int)(q - p), p);
    if (spec->has_fallback) return fail(err, errlen, line, "%%fallback given twice");
    p = skip_space(q, end);
    q = word_end(p, end);
    if (parse_value(p, q, &spec->fallback) || skip_space(q, end) != end)
        return fail(err, errlen, line, "%%fallback needs one integer value");
    spec->has_fallback = 1;
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    const struct spec_export *x = a, *y = b;
    return strcmp(x->name, y->name);
}

int spec_parse(const char *text, struct spec *spec, char *err, size_t errlen)
{
    const char *line_start = text;
    unsigned int line = 0;
    size_t cap = 0, i;

    memset(spec, 0, sizeof(*spec));
    while (*line_start)
    {
        const char *nl = strchr(line_start, '\n');
        const char *end = nl ? nl : line_start + strlen(line_start);
        const char *hash = memchr(line_start, '#', end - line_start);
        const char *p, *content_end = hash ? hash : end;

        line++;
        while (content_end > line_start && isspace((unsigned char)content_end[-1])) content_end--;
        p = skip_space(line_start, content_end);
        if (p < content_end)
        {
            if (*p == '%')
            {
                if (parse_directive(p, content_end, line, spec, err, errlen)) goto error;
            }
            else
            {
                if (spec->count == cap)
                {
                    struct spec_export *n;
                    cap = cap ? cap * 2 : 64;
                    if (!(n = realloc(spec->exports, cap * sizeof(*n))))
                    {
                        fail(err, errlen, line, "out of memory");
                        goto error;
                    }
                    spec->exports = n;
                }
                if (parse_export(p, content_end, line, &spec->exports[spec->count], err, errlen)) goto error;
                spec->count++;
            }
        }
        line_start = nl ? nl + 1 : end;
    }

    if (!spec->has_fallback)
    {
        fail(err, errlen, line, "no %%fallback directive: forwarded exports need a not-supported value");
        goto error;
    }

    /* Sorted by exact name so that a duplicate is found here, not by the linker. */
    qsort(spec->exports, spec->count, sizeof(*spec->exports), compare_names);
    for (i = 1; i < spec->count; i++)
    {
        if (!strcmp(spec->exports[i - 1].name, spec->exports[i].name))
        {
            fail(err, errlen, spec->exports[i].line, "%s is listed twice (also line %u)",
                 spec->exports[i].name, spec->exports[i - 1].line);
            goto error;
        }
    }
    return 0;

error:
    spec_free(spec);
    return -1;
}

void spec_free(struct spec *spec)
{
    size_t i;

    for (i = 0; i < spec->count; i++) free(spec->exports[i].name);
    free(spec->exports);
    memset(spec, 0, sizeof(*spec));
}

int32_t spec_fallback(const struct spec *spec, const struct spec_export *e)
{
    return e->has_ret ? e->ret : spec->fallback;
}
