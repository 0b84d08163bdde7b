#include "es_f32.h"

// Source coordinate of an output pixel with half-pixel centres: (o + 0.5)·in/out − 0.5, clamped below at 0
// as PyTorch does; the upper neighbour is clamped to the last pixel.
static void source_index(size_t o, size_t in, size_t out, size_t *i0, size_t *i1, float *frac) {
    float src = ((float)o + 0.5f) * ((float)in / (float)out) - 0.5f;
    if (src < 0) src = 0;
    size_t lo = (size_t)src;
    if (lo > in - 1) lo = in - 1;
    *i0 = lo;
    *i1 = lo + 1 < in ? lo + 1 : in - 1;
    *frac = src - (float)lo;
}

void es_f32_resize_bilinear(const float *x, size_t h, size_t w, size_t c, size_t oh, size_t ow, float *y) {
    for (size_t oy = 0; oy < oh; oy++) {
        size_t y0, y1; float fy;
        source_index(oy, h, oh, &y0, &y1, &fy);
        for (size_t ox = 0; ox < ow; ox++) {
            size_t x0, x1; float fx;
            source_index(ox, w, ow, &x0, &x1, &fx);
            const float *p00 = x + (y0 * w + x0) * c, *p01 = x + (y0 * w + x1) * c;
            const float *p10 = x + (y1 * w + x0) * c, *p11 = x + (y1 * w + x1) * c;
            float *dst = y + (oy * ow + ox) * c;
            const float w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx;
            for (size_t ch = 0; ch < c; ch++)
                dst[ch] = w00 * p00[ch] + w01 * p01[ch] + w10 * p10[ch] + w11 * p11[ch];
        }
    }
}
