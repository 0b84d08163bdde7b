// Residual add of two int8 tensors in different scales into a third: both rescaled with one shared
// shift and summed before a single rounding.
#include "es-int8-math.h"

void es_qs8_vadd_rndnu_scalar(size_t n, const int8_t *a, const int8_t *b, es_qs8_vadd_params params,
                              es_qs8_out out, int8_t *y) {
    for (size_t i = 0; i < n; i++) {
        int64_t acc = (int64_t)((int32_t)a[i] - params.a_zero_point) * params.a_multiplier +
                      (int64_t)((int32_t)b[i] - params.b_zero_point) * params.b_multiplier;  // |acc| < 2^40
        y[i] = (int8_t)es_clamp(out.zero_point + es_round_shift(acc, (uint32_t)params.shift), out.min, out.max);
    }
}
