// The seam between the fuzz harness and libFuzzer. Built normally, libFuzzer is absent and the harness runs its
// own (uncovered) mutation loop; built by Tests/Fuzz/run-fuzz.sh with -sanitize=fuzzer, libFuzzer drives it.
// libFuzzer's entry points are weak references, so both builds link.
#ifndef FUZZ_DRIVER_H
#define FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

typedef int (*es_fuzz_target)(const uint8_t *data, size_t size);

// 1 when libFuzzer is linked in.
int es_fuzz_libfuzzer_linked(void);

// Runs libFuzzer's main loop over `target` with argv's options and corpus folders (LLVMFuzzerRunDriver).
int es_fuzz_run_libfuzzer(int *argc, char ***argv, es_fuzz_target target);

// libFuzzer's own byte mutations (LLVMFuzzerMutate) when linked, else a few flips, inserts and erases seeded
// by `seed`. Returns the new size (<= max_size).
size_t es_fuzz_mutate_bytes(uint8_t *data, size_t size, size_t max_size, unsigned seed);

#endif
