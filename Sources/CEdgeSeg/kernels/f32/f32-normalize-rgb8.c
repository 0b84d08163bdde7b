// The fp32 model's input straight from an 8-bit RGB picture into the planned arena: preprocess()'s bits
// (bilinear resize of the float samples, then (v / 255 − mean) / std), a band of rows at a time, no float image
// in between. es_f32_quantize_rgb8 is the same with the int8 model's quantization after it.
#include "es_f32.h"
#include "f32-bilinear-taps.h"

void es_f32_normalize_rgb8(const uint8_t *rgb, size_t h, size_t w, size_t oh, size_t ow, size_t first_row, size_t rows,
                           const float mean[3], const float std[3], float *y) {
    for (size_t oy = first_row; oy < first_row + rows; oy++) {
        size_t y0, y1; float fy;
        es_f32_bilinear_source(oy, h, oh, &y0, &y1, &fy);
        const uint8_t *row0 = rgb + y0 * w * 3, *row1 = rgb + y1 * w * 3;
        float *dst = y + (oy - first_row) * ow * 3;
        for (size_t ox = 0; ox < ow; ox++, dst += 3) {
            size_t x0, x1; float fx;
            es_f32_bilinear_source(ox, w, ow, &x0, &x1, &fx);
            es_f32_bilinear_weights wt = es_f32_bilinear_weights_of(fy, fx);
            for (size_t c = 0; c < 3; c++) {
                float v = es_f32_bilinear_mix(wt, (float)row0[x0 * 3 + c], (float)row0[x1 * 3 + c], (float)row1[x0 * 3 + c],
                                              (float)row1[x1 * 3 + c]);
                dst[c] = (v / 255.0f - mean[c]) / std[c];
            }
        }
    }
}
