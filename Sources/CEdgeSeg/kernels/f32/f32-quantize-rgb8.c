// The int8 model's input straight from an 8-bit RGB picture, with no float image in between: each output
// value is computed exactly as preprocess() computes it (bilinear resize of the float samples, then
// (v / 255 − mean) / std in float) and quantized as the int8 model quantizes it (round half away from zero
// in double, clamp). The camera loop and the arena session call it once per frame; it needs no scratch.
#include <math.h>

#include "es_f32.h"
#include "f32-bilinear-taps.h"

void es_f32_quantize_rgb8(const uint8_t *rgb, size_t h, size_t w, size_t oh, size_t ow, size_t first_row, size_t rows,
                          const float mean[3], const float std[3], double inverse_scale, int32_t zero_point,
                          int8_t *y) {
    for (size_t oy = first_row; oy < first_row + rows; oy++) {
        size_t y0, y1; float fy;
        es_f32_bilinear_source(oy, h, oh, &y0, &y1, &fy);
        for (size_t ox = 0; ox < ow; ox++) {
            size_t x0, x1; float fx;
            es_f32_bilinear_source(ox, w, ow, &x0, &x1, &fx);
            const uint8_t *p00 = rgb + (y0 * w + x0) * 3, *p01 = rgb + (y0 * w + x1) * 3;
            const uint8_t *p10 = rgb + (y1 * w + x0) * 3, *p11 = rgb + (y1 * w + x1) * 3;
            es_f32_bilinear_weights wt = es_f32_bilinear_weights_of(fy, fx);
            int8_t *dst = y + ((oy - first_row) * ow + ox) * 3;
            for (size_t c = 0; c < 3; c++) {
                float v = es_f32_bilinear_mix(wt, (float)p00[c], (float)p01[c], (float)p10[c], (float)p11[c]);
                float x = (v / 255.0f - mean[c]) / std[c];
                double q = round((double)x * inverse_scale) + (double)zero_point;
                dst[c] = (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
            }
        }
    }
}
