// Run-time requantization of int32 accumulators (e.g. P·V) to int8.
#include "es-int8-math.h"

void es_qs32_requantize_rndnu_scalar(size_t n, const int32_t *acc, es_requant rq, es_qs8_out out, int8_t *y) {
    for (size_t i = 0; i < n; i++) y[i] = (int8_t)es_requantize(acc[i], rq, out);
}
