#include "es_f32.h"
#include "f32-bilinear-taps.h"

void es_f32_resize_bilinear(const float *x, size_t h, size_t w, size_t c, size_t oh, size_t ow, float *y) {
    for (size_t oy = 0; oy < oh; oy++) {
        for (size_t ox = 0; ox < ow; ox++) {
            es_f32_bilinear_corners k = es_f32_bilinear_corners_of(x, h, w, c, oh, ow, oy, ox);
            float *dst = y + (oy * ow + ox) * c;
            for (size_t ch = 0; ch < c; ch++) dst[ch] = es_f32_bilinear_mix(k.w, k.p00[ch], k.p01[ch], k.p10[ch], k.p11[ch]);
        }
    }
}
