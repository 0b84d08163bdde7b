// The int8 model's input straight from an 8-bit RGB picture, with no float image in between: each output
// value is computed exactly as preprocess() computes it (bilinear resize of the float samples, then
// (v / 255 − mean) / std in float) and quantized as the int8 model quantizes it (round half away from zero
// in double, clamp). The camera loop and the arena session call it once per frame, in bands of rows; it
// needs no scratch. Speed without changing a bit: the columns' taps are computed once per chunk of columns
// for all the rows of the call, and the rounding is done without a libm call (see round_clamp).
#include "es_f32.h"
#include "f32-bilinear-taps.h"

enum { COLUMNS = 128 };  // output columns whose taps are kept at a time

typedef struct {
    size_t x0, x1;
    float fx;
} column_taps;

// clamp(round(d) + zero_point) with round half away from zero, as the reference's
// round((double)x · inverse_scale) + zero_point and clamp: d is first clamped to ±1024 (beyond it the result
// saturates either way, zero_point being in [-128, 127]), so the truncation to an integer is exact and so is
// d − t, whose comparison with ±0.5 decides the rounding.
static inline int8_t round_clamp(double d, int32_t zero_point) {
    d = d < -1024 ? -1024 : d > 1024 ? 1024 : d;
    int32_t t = (int32_t)d;
    double rest = d - (double)t;
    int32_t q = t + (rest >= 0.5) - (rest <= -0.5) + zero_point;
    return (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
}

void es_f32_quantize_rgb8(const uint8_t *rgb, size_t h, size_t w, size_t oh, size_t ow, size_t first_row, size_t rows,
                          const float mean[3], const float std[3], double inverse_scale, int32_t zero_point,
                          int8_t *y) {
    column_taps taps[COLUMNS];
    for (size_t ox0 = 0; ox0 < ow; ox0 += COLUMNS) {
        size_t columns = ow - ox0 < COLUMNS ? ow - ox0 : COLUMNS;
        for (size_t i = 0; i < columns; i++)
            es_f32_bilinear_source(ox0 + i, w, ow, &taps[i].x0, &taps[i].x1, &taps[i].fx);
        for (size_t oy = first_row; oy < first_row + rows; oy++) {
            size_t y0, y1; float fy;
            es_f32_bilinear_source(oy, h, oh, &y0, &y1, &fy);
            const uint8_t *row0 = rgb + y0 * w * 3, *row1 = rgb + y1 * w * 3;
            int8_t *dst = y + ((oy - first_row) * ow + ox0) * 3;
            for (size_t i = 0; i < columns; i++, dst += 3) {
                const uint8_t *p00 = row0 + taps[i].x0 * 3, *p01 = row0 + taps[i].x1 * 3;
                const uint8_t *p10 = row1 + taps[i].x0 * 3, *p11 = row1 + taps[i].x1 * 3;
                es_f32_bilinear_weights wt = es_f32_bilinear_weights_of(fy, taps[i].fx);
                for (size_t c = 0; c < 3; c++) {
                    float v = es_f32_bilinear_mix(wt, (float)p00[c], (float)p01[c], (float)p10[c], (float)p11[c]);
                    float x = (v / 255.0f - mean[c]) / std[c];
                    dst[c] = round_clamp((double)x * inverse_scale, zero_point);
                }
            }
        }
    }
}
