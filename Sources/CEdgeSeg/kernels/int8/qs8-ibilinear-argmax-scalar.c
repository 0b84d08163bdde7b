// Class map from int8 logits at a larger size: exact Q22 interpolation per class, then argmax. The
// interpolated values are never rounded back to int8, so no ties are created that the float logits lack.
#include "es-int8-math.h"

void es_qs8_ibilinear_argmax_scalar(size_t in_h, size_t in_w, size_t c, const int8_t *x, size_t out_h, size_t out_w,
                                    size_t first_row, size_t rows, uint8_t *labels) {
    for (size_t oy = first_row; oy < first_row + rows; oy++) {
        es_tap ty = es_bilinear_tap(oy, in_h, out_h);
        const int8_t *r0 = x + ty.i0 * in_w * c, *r1 = x + ty.i1 * in_w * c;
        for (size_t ox = 0; ox < out_w; ox++) {
            es_tap tx = es_bilinear_tap(ox, in_w, out_w);
            int64_t best = INT64_MIN;
            size_t best_class = 0;
            for (size_t ch = 0; ch < c; ch++) {
                int32_t top = r0[tx.i0 * c + ch] * (2048 - tx.frac) + r0[tx.i1 * c + ch] * tx.frac;
                int32_t bottom = r1[tx.i0 * c + ch] * (2048 - tx.frac) + r1[tx.i1 * c + ch] * tx.frac;
                int64_t v = (int64_t)top * (2048 - ty.frac) + (int64_t)bottom * ty.frac;
                if (v > best) { best = v; best_class = ch; }
            }
            labels[(oy - first_row) * out_w + ox] = (uint8_t)best_class;
        }
    }
}
