/* Clocks and percentiles (see bench.h). */
#include <winsock2.h>
#include <windows.h>
#include <math.h>
#include <stdlib.h>

#include "bench.h"

/* FILETIME counts 100 ns from 1601; CLOCK_REALTIME ns from 1970. */
#define EPOCH_DIFF_100NS 116444736000000000LL

int64_t now_ns(void)
{
    FILETIME ft;
    ULARGE_INTEGER t;

    GetSystemTimePreciseAsFileTime(&ft);
    t.LowPart = ft.dwLowDateTime;
    t.HighPart = ft.dwHighDateTime;
    return ((int64_t)t.QuadPart - EPOCH_DIFF_100NS) * 100;
}

double mono_us(void)
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER now;

    if (!freq.QuadPart) QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    return (double)now.QuadPart * 1e6 / (double)freq.QuadPart;
}

void series_add(struct series *s, double x)
{
    if (s->n == s->cap)
    {
        size_t cap = s->cap ? s->cap * 2 : 256;
        double *bigger = realloc(s->v, cap * sizeof(*bigger));

        if (!bigger) return;
        s->v = bigger;
        s->cap = cap;
    }
    s->v[s->n++] = x;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

double series_pct(struct series *s, double pct)
{
    size_t rank;

    if (!s->n) return NAN;
    qsort(s->v, s->n, sizeof(*s->v), cmp_double);
    rank = (size_t)ceil(pct / 100.0 * (double)s->n);
    if (rank < 1) rank = 1;
    return s->v[rank - 1];
}

double series_mean(const struct series *s)
{
    double sum = 0;
    size_t i;

    if (!s->n) return NAN;
    for (i = 0; i < s->n; i++) sum += s->v[i];
    return sum / (double)s->n;
}

double series_max(const struct series *s)
{
    double m = -INFINITY;
    size_t i;

    if (!s->n) return NAN;
    for (i = 0; i < s->n; i++) if (s->v[i] > m) m = s->v[i];
    return m;
}

void series_free(struct series *s)
{
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}
