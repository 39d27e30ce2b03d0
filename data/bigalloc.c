/* big_alloc (data/bigalloc.h). */
#include "data/bigalloc.h"

#include <stdlib.h>
#include <sys/mman.h>

#define BIG_MIN ((size_t)4 << 20)
#define HUGE_PAGE ((size_t)2 << 20)

void *big_alloc(size_t bytes)
{
	if (bytes < BIG_MIN)
		return malloc(bytes);
	void *p = NULL;
	if (posix_memalign(&p, HUGE_PAGE, bytes))
		return NULL;
#ifdef MADV_HUGEPAGE
	/* advice only: without huge pages the memory is as good */
	(void)madvise(p, (bytes + 4095) & ~(size_t)4095, MADV_HUGEPAGE);
#endif
	return p;
}
