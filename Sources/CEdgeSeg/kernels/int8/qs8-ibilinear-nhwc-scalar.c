// Bilinear resize, half-pixel centres (align_corners = false), weights in Q11 as XNNPACK's ibilinear.
// Source coordinates are exact rationals, so no float is needed even for the weights:
// src = (o + 0.5) · in / out - 0.5 = ((2o + 1) · in - out) / (2 · out), clamped at 0.
#include "es-int8-math.h"

void es_qs8_ibilinear_nhwc_scalar(size_t in_h, size_t in_w, size_t c, const int8_t *x, size_t out_h, size_t out_w,
                                  int8_t *y) {
    for (size_t oy = 0; oy < out_h; oy++) {
        es_tap ty = es_bilinear_tap(oy, in_h, out_h);
        const int8_t *r0 = x + ty.i0 * in_w * c, *r1 = x + ty.i1 * in_w * c;
        for (size_t ox = 0; ox < out_w; ox++) {
            es_tap tx = es_bilinear_tap(ox, in_w, out_w);
            for (size_t ch = 0; ch < c; ch++) {
                int32_t top = r0[tx.i0 * c + ch] * (2048 - tx.frac) + r0[tx.i1 * c + ch] * tx.frac;
                int32_t bottom = r1[tx.i0 * c + ch] * (2048 - tx.frac) + r1[tx.i1 * c + ch] * tx.frac;
                int64_t v = (int64_t)top * (2048 - ty.frac) + (int64_t)bottom * ty.frac;  // Q22, |v| <= 2^29
                y[(oy * out_w + ox) * c + ch] = (int8_t)es_clamp(es_round_shift(v, 22), -128, 127);
            }
        }
    }
}
