// The attention context from unnormalised P·V: y = z_y + round(o · M / sum) per row, M = s_v / s_y.
// One integer division per row folds 1/sum into a row multiplier normalised to [2^30, 2^31); each element
// then takes one rounding shift, like every other requantization (so SIMD versions can match).
#include "es-int8-math.h"

void es_qs32_attention_normalize_rndnu_scalar(size_t rows, size_t d, const int32_t *o, size_t o_stride,
                                              const uint32_t *sums, es_requant rq, es_qs8_out out, int8_t *y,
                                              size_t y_stride) {
    for (size_t i = 0; i < rows; i++) {
        // M / sum = rq.multiplier · 2^-shift / sum ≈ m_row · 2^-(shift + u) with m_row in [2^30, 2^31).
        uint64_t sum = sums[i];
        uint32_t u = 0;
        while (((uint64_t)rq.multiplier << u) < (sum << 30)) u++;  // sum < 2^24, so u <= 25
        uint64_t m_row = (((uint64_t)rq.multiplier << u) + sum / 2) / sum;
        uint32_t total = (uint32_t)rq.shift + u;
        while (total > 62 || m_row >= ((uint64_t)1 << 31)) {  // keep the shift in range: drop precision instead
            m_row = (m_row + 1) >> 1;
            total--;
        }
        es_requant row_rq = {(int32_t)m_row, (int32_t)total};
        const int32_t *acc = o + i * o_stride;
        int8_t *dst = y + i * y_stride;
        for (size_t c = 0; c < d; c++) dst[c] = (int8_t)es_requantize(acc[c], row_rq, out);
    }
}
