#include "es_f32.h"
#include "f32-multiversion.h"
#include "f32-bilinear-taps.h"

ES_F32_INLINE void es_f32_upsample_add_rows_body(const float *x, size_t h, size_t w, size_t c, size_t oh, size_t ow, size_t first_row,
                              size_t rows, float *y) {
    for (size_t oy = first_row; oy < first_row + rows; oy++) {
        for (size_t ox = 0; ox < ow; ox++) {
            es_f32_bilinear_corners k = es_f32_bilinear_corners_of(x, h, w, c, oh, ow, oy, ox);
            float *dst = y + ((oy - first_row) * ow + ox) * c;
            for (size_t ch = 0; ch < c; ch++) dst[ch] += es_f32_bilinear_mix(k.w, k.p00[ch], k.p01[ch], k.p10[ch], k.p11[ch]);
        }
    }
}

ES_F32_MULTIVERSION(es_f32_upsample_add_rows, (const float *x, size_t h, size_t w, size_t c, size_t oh, size_t ow,
                    size_t first_row, size_t rows, float *y), (x, h, w, c, oh, ow, first_row, rows, y))
