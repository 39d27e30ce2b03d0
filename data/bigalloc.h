/* Large arrays written once through and then read (a series' forecast,
 * errors and scores): malloc, except that blocks of 4 MiB and more are
 * aligned to 2 MiB and, where the system has them (Linux's madvise), asked
 * to use transparent huge pages, so that touching them the first time takes
 * one page fault per 2 MiB instead of one per 4 KiB. On a 47k x 38 series
 * that is some 9,000 faults fewer per detection run. */
#ifndef VIGIL_BIGALLOC_H
#define VIGIL_BIGALLOC_H

#include <stddef.h>

/* bytes of uninitialised memory, or NULL; release with free(). */
void *big_alloc(size_t bytes);

#endif
