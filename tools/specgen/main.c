/* specgen: turns an export list (<dll>.spec) into the .def file, the forwarding thunks and the export table.
 *
 * usage: specgen --def|--thunks|--table OUT [--arch x86_64|i386] SPEC
 * The DLL's name is the spec file's base name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "spec.h"

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (!f) return NULL;
    do
    {
        if (cap - len < 4096)
        {
            char *nb = realloc(buf, cap = cap * 2 + 8192);
            if (!nb) { free(buf); fclose(f); return NULL; }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
    } while (n);
    fclose(f);
    buf[len] = 0;
    return buf;
}

static void usage(void)
{
    fputs("usage: specgen --def|--thunks|--table OUT [--arch x86_64|i386] SPEC\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *mode = NULL, *outpath = NULL, *specpath = NULL, *base, *dot;
    enum emit_arch arch = ARCH_X86_64;
    int have_arch = 0, i, ret = 0;
    struct spec spec;
    char err[256], dll[64];
    char *text;
    FILE *out;

    for (i = 1; i < argc; i++)
    {
        if ((!strcmp(argv[i], "--def") || !strcmp(argv[i], "--thunks") || !strcmp(argv[i], "--table")) && i + 1 < argc)
        {
            mode = argv[i] + 2;
            outpath = argv[++i];
        }
        else if (!strcmp(argv[i], "--arch") && i + 1 < argc)
        {
            if (emit_arch_from_name(argv[++i], &arch)) usage();
            have_arch = 1;
        }
        else if (argv[i][0] != '-' && !specpath) specpath = argv[i];
        else usage();
    }
    if (!mode || !specpath || (strcmp(mode, "table") && !have_arch)) usage();

    base = strrchr(specpath, '/');
    base = base ? base + 1 : specpath;
    dot = strrchr(base, '.');
    if (!dot || strcmp(dot, ".spec") || (size_t)(dot - base) >= sizeof(dll) || dot == base)
    {
        fprintf(stderr, "specgen: %s: expected a <dll>.spec file\n", specpath);
        return 1;
    }
    memcpy(dll, base, dot - base);
    dll[dot - base] = 0;

    if (!(text = read_file(specpath)))
    {
        perror(specpath);
        return 1;
    }
    if (spec_parse(text, &spec, err, sizeof(err)))
    {
        fprintf(stderr, "%s: %s\n", specpath, err);
        free(text);
        return 1;
    }
    free(text);

    if (!(out = fopen(outpath, "w")))
    {
        perror(outpath);
        spec_free(&spec);
        return 1;
    }
    if (!strcmp(mode, "def")) emit_def(out, &spec, dll, arch);
    else if (!strcmp(mode, "thunks")) emit_thunks(out, &spec, dll, arch);
    else emit_table(out, &spec, dll);
    if (ferror(out) | fclose(out))
    {
        perror(outpath);
        remove(outpath);
        ret = 1;
    }
    spec_free(&spec);
    return ret;
}
