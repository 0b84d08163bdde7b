// floor(sqrt(u)) for u < 2^62, the one square root of each LayerNorm row. The double square root is within one
// of it, and the integer checks make the result exact on every CPU; the 30-step digit-by-digit loop it
// replaces was a third of LayerNorm's time.
#include "es_int8.h"

uint64_t es_isqrt_u64(uint64_t u) {
    uint64_t root = (uint64_t)__builtin_sqrt((double)u);
    while (root * root > u) root--;
    while ((root + 1) * (root + 1) <= u) root++;
    return root;
}
