/* The libFuzzer entry point: one binary per target, chosen at build time
 * with -DFUZZ_TARGET=\"name\" (see targets.h and `make fuzz`). */
#include <stdio.h>
#include <stdlib.h>

#include "tests/fuzz/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const FuzzTarget *t;
	if (!t && !(t = fuzz_target_find(FUZZ_TARGET))) {
		fprintf(stderr, "fuzz: no target '%s'\n", FUZZ_TARGET);
		abort();
	}
	return t->run(data, size);
}
