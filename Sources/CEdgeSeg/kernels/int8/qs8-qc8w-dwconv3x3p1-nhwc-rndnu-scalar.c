// Depthwise 3×3, stride 1, padding 1 (Mix-FFN). Taps outside the map are the input zero point,
// i.e. real zeros, so they are skipped.
#include "es-int8-math.h"

void es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_scalar(size_t h, size_t w, size_t c, size_t first_row, size_t rows,
                                               const int8_t *x, int32_t x_zero_point, const int8_t *weights,
                                               const int32_t *bias, const es_requant *requant, es_qs8_out out,
                                               int8_t *y) {
    for (size_t oy = first_row; oy < first_row + rows; oy++) {
        for (size_t ox = 0; ox < w; ox++) {
            for (size_t ch = 0; ch < c; ch++) {
                int32_t acc = bias ? bias[ch] : 0;
                for (size_t ky = 0; ky < 3; ky++) {
                    if (oy + ky < 1 || oy + ky > h) continue;  // input row oy + ky - 1 outside [0, h)
                    for (size_t kx = 0; kx < 3; kx++) {
                        if (ox + kx < 1 || ox + kx > w) continue;
                        int32_t v = x[((oy + ky - 1) * w + (ox + kx - 1)) * c + ch];
                        acc += (v - x_zero_point) * weights[(ky * 3 + kx) * c + ch];
                    }
                }
                y[((oy - first_row) * w + ox) * c + ch] = (int8_t)es_requantize(acc, requant[ch], out);
            }
        }
    }
}
