/* The fuzz targets: one function per input format vigil reads, each
 * taking the bytes of one file. The libFuzzer harness (fuzz_main.c) calls
 * one of them per binary; tests/test_fuzz_regress.c runs every input kept
 * under tests/fuzz/regress/TARGET/ through the same functions in
 * `make check`, so an input that once crashed stays a test.
 *
 * Run from the repository root: the label, detections and NAB-window
 * targets read against series loaded once from data/samples. */
#ifndef VIGIL_FUZZ_TARGETS_H
#define VIGIL_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	const char *name;
	int (*run)(const uint8_t *data, size_t size);
	const char *about;
} FuzzTarget;

extern const FuzzTarget fuzz_targets[];
extern const size_t fuzz_target_count;

/* The target called name, or NULL. */
const FuzzTarget *fuzz_target_find(const char *name);

#endif
