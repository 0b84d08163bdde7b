#include "es_f32.h"
#include "f32-multiversion.h"

// Channels are innermost, so each tap is a contiguous c-wide multiply-add the compiler vectorises.
ES_F32_INLINE void es_f32_dwconv3x3_body(const float *x, size_t h, size_t w, size_t c, size_t first_row, size_t rows, const float *weights,
                      const float *bias, float *y) {
    for (size_t oy = first_row; oy < first_row + rows; oy++) {
        for (size_t ox = 0; ox < w; ox++) {
            float *out = y + ((oy - first_row) * w + ox) * c;
            for (size_t ch = 0; ch < c; ch++) out[ch] = bias[ch];
            for (size_t ky = 0; ky < 3; ky++) {
                const long iy = (long)oy + (long)ky - 1;
                if (iy < 0 || iy >= (long)h) continue;
                for (size_t kx = 0; kx < 3; kx++) {
                    const long ix = (long)ox + (long)kx - 1;
                    if (ix < 0 || ix >= (long)w) continue;
                    const float *in = x + ((size_t)iy * w + (size_t)ix) * c;
                    const float *wt = weights + (ky * 3 + kx) * c;
                    for (size_t ch = 0; ch < c; ch++) out[ch] += in[ch] * wt[ch];
                }
            }
        }
    }
}

ES_F32_MULTIVERSION(es_f32_dwconv3x3, (const float *x, size_t h, size_t w, size_t c, size_t first_row, size_t rows,
                    const float *weights, const float *bias, float *y), (x, h, w, c, first_row, rows, weights, bias, y))
