#include "es_f32.h"

#include <string.h>

void es_f32_im2col(const float *x, size_t h, size_t w, size_t c, size_t k, size_t s, size_t p,
                   size_t ow, size_t first_row, size_t rows, float *out) {
    const size_t row = k * k * c;
    for (size_t oy = first_row; oy < first_row + rows; oy++) {
        for (size_t ox = 0; ox < ow; ox++) {
            float *dst = out + ((oy - first_row) * ow + ox) * row;
            for (size_t ky = 0; ky < k; ky++) {
                const long iy = (long)(oy * s + ky) - (long)p;
                for (size_t kx = 0; kx < k; kx++) {
                    const long ix = (long)(ox * s + kx) - (long)p;
                    float *d = dst + (ky * k + kx) * c;
                    if (iy < 0 || iy >= (long)h || ix < 0 || ix >= (long)w) {
                        memset(d, 0, c * sizeof(float));
                    } else {
                        memcpy(d, x + ((size_t)iy * w + (size_t)ix) * c, c * sizeof(float));
                    }
                }
            }
        }
    }
}
