/* Output: details as they come, the table at the end (see bench.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define MAX_ROWS 64

static char rows[MAX_ROWS][256];
static unsigned int n_rows;

void detail(const char *fmt, ...)
{
    va_list args;

    fputs("  ", stdout);
    va_start(args, fmt);
    vprintf(fmt, args);
    va_end(args);
    fputc('\n', stdout);
    fflush(stdout);
}

void row(const char *name, const char *fmt, ...)
{
    va_list args;
    int n;

    if (n_rows == MAX_ROWS) return;
    n = snprintf(rows[n_rows], sizeof(rows[0]), "%-44s ", name);
    va_start(args, fmt);
    if (n > 0 && (size_t)n < sizeof(rows[0])) vsnprintf(rows[n_rows] + n, sizeof(rows[0]) - n, fmt, args);
    va_end(args);
    n_rows++;
}

void print_table(void)
{
    unsigned int i;

    printf("\n");
    for (i = 0; i < n_rows; i++)
    {
        size_t len = strlen(rows[i]);

        while (len && rows[i][len - 1] == ' ') rows[i][--len] = 0;
        printf("%s\n", rows[i]);
    }
    fflush(stdout);
}
