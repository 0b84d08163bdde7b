// The folded decoder's sum: Σ_i up(P_i) + bias, ReLU. Each input map is bilinearly upsampled to the
// stage-1 size, rescaled to the output scale and summed in int64 before one rounding, so no per-input
// int8 rounding adds up.
#include "es-int8-math.h"

void es_qs8_upsample_sum_rndnu_scalar(size_t inputs, const es_qs8_upsample_input *in, size_t out_h, size_t out_w,
                                      size_t c, size_t first_row, size_t rows,
                                      const int32_t *multipliers, int32_t shift, const int64_t *bias_q,
                                      es_qs8_out out, int8_t *y) {
    for (size_t oy = first_row; oy < first_row + rows; oy++) {
        for (size_t ox = 0; ox < out_w; ox++) {
            int8_t *dst = y + ((oy - first_row) * out_w + ox) * c;
            for (size_t ch = 0; ch < c; ch++) {
                int64_t acc = bias_q[ch];
                for (size_t i = 0; i < inputs; i++) {
                    const es_qs8_upsample_input *p = &in[i];
                    es_tap ty = es_bilinear_tap(oy, p->h, out_h), tx = es_bilinear_tap(ox, p->w, out_w);
                    const int8_t *r0 = p->x + (ty.i0 - p->first_row) * p->w * c, *r1 = p->x + (ty.i1 - p->first_row) * p->w * c;
                    int32_t top = ((int32_t)r0[tx.i0 * c + ch] - p->zero_point) * (2048 - tx.frac) +
                                  ((int32_t)r0[tx.i1 * c + ch] - p->zero_point) * tx.frac;
                    int32_t bottom = ((int32_t)r1[tx.i0 * c + ch] - p->zero_point) * (2048 - tx.frac) +
                                     ((int32_t)r1[tx.i1 * c + ch] - p->zero_point) * tx.frac;
                    int64_t v = (int64_t)top * (2048 - ty.frac) + (int64_t)bottom * ty.frac;  // Q22, |v| <= 2^30
                    acc += es_round_shift(v, 11) * multipliers[i];                           // < 2^50 each
                }
                dst[ch] = (int8_t)es_clamp(out.zero_point + es_round_shift(acc, (uint32_t)shift + 11), out.min, out.max);
            }
        }
    }
}
