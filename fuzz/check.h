/* Invariants of the fuzz targets: a broken one is a crash with its condition and place, which libFuzzer saves
 * as a reproducer like any sanitizer report. */
#ifndef WN_FUZZ_CHECK_H
#define WN_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond) \
    do \
    { \
        if (!(cond)) \
        { \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
            abort(); \
        } \
    } while (0)

#endif
