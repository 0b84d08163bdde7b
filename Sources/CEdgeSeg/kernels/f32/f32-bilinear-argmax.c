#include "es_f32.h"
#include "f32-bilinear-taps.h"

void es_f32_bilinear_argmax(const float *x, size_t h, size_t w, size_t c, size_t oh, size_t ow, size_t first_row, size_t rows,
                            unsigned char *labels) {
    for (size_t oy = first_row; oy < first_row + rows; oy++) {
        size_t y0, y1; float fy;
        es_f32_bilinear_source(oy, h, oh, &y0, &y1, &fy);
        for (size_t ox = 0; ox < ow; ox++) {
            size_t x0, x1; float fx;
            es_f32_bilinear_source(ox, w, ow, &x0, &x1, &fx);
            const float *p00 = x + (y0 * w + x0) * c, *p01 = x + (y0 * w + x1) * c;
            const float *p10 = x + (y1 * w + x0) * c, *p11 = x + (y1 * w + x1) * c;
            es_f32_bilinear_weights wt = es_f32_bilinear_weights_of(fy, fx);
            size_t best = 0;
            float top = es_f32_bilinear_mix(wt, p00[0], p01[0], p10[0], p11[0]);
            for (size_t ch = 1; ch < c; ch++) {
                float v = es_f32_bilinear_mix(wt, p00[ch], p01[ch], p10[ch], p11[ch]);
                if (v > top) {
                    top = v;
                    best = ch;
                }
            }
            labels[(oy - first_row) * ow + ox] = (unsigned char)best;
        }
    }
}
