#include "fuzz_driver.h"

#include <string.h>

extern int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size)) __attribute__((weak));
extern size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size) __attribute__((weak));

int es_fuzz_libfuzzer_linked(void) { return LLVMFuzzerRunDriver != NULL; }

int es_fuzz_run_libfuzzer(int *argc, char ***argv, es_fuzz_target target) {
    return LLVMFuzzerRunDriver ? LLVMFuzzerRunDriver(argc, argv, target) : -1;
}

static unsigned next(unsigned *state) {
    *state = *state * 1103515245u + 12345u;
    return *state >> 8;
}

size_t es_fuzz_mutate_bytes(uint8_t *data, size_t size, size_t max_size, unsigned seed) {
    if (LLVMFuzzerMutate) return LLVMFuzzerMutate(data, size, max_size);
    unsigned state = seed;
    unsigned rounds = 1 + next(&state) % 4;
    for (unsigned r = 0; r < rounds; r++) {
        switch (next(&state) % 4) {
        case 0:  // flip a bit
            if (size) data[next(&state) % size] ^= (uint8_t)(1u << (next(&state) % 8));
            break;
        case 1:  // an interesting byte
            if (size) data[next(&state) % size] = (uint8_t[]){0, 1, 0x7F, 0x80, 0xFF}[next(&state) % 5];
            break;
        case 2:  // insert a byte
            if (size < max_size) {
                size_t at = size ? next(&state) % (size + 1) : 0;
                memmove(data + at + 1, data + at, size - at);
                data[at] = (uint8_t)next(&state);
                size++;
            }
            break;
        default:  // erase a run
            if (size > 1) {
                size_t at = next(&state) % size, n = 1 + next(&state) % (size - at < 16 ? size - at : 16);
                memmove(data + at, data + at + n, size - at - n);
                size -= n;
            }
        }
    }
    return size;
}
