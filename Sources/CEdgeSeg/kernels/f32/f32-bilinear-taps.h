// The float taps of a half-pixel-centre bilinear resize, shared by the float resize and the
// quantizing preprocessor so both compute the same bits (private to CEdgeSeg).
#ifndef ES_F32_BILINEAR_TAPS_H
#define ES_F32_BILINEAR_TAPS_H
#include <stddef.h>

// Source coordinate of an output pixel with half-pixel centres: (o + 0.5)·in/out − 0.5, clamped below at 0
// as PyTorch does; the upper neighbour is clamped to the last pixel.
static inline void es_f32_bilinear_source(size_t o, size_t in, size_t out, size_t *i0, size_t *i1, float *frac) {
    float src = ((float)o + 0.5f) * ((float)in / (float)out) - 0.5f;
    if (src < 0) src = 0;
    size_t lo = (size_t)src;
    if (lo > in - 1) lo = in - 1;
    *i0 = lo;
    *i1 = lo + 1 < in ? lo + 1 : in - 1;
    *frac = src - (float)lo;
}

// The four taps' weights: (y0,x0), (y0,x1), (y1,x0), (y1,x1).
typedef struct {
    float w00, w01, w10, w11;
} es_f32_bilinear_weights;

static inline es_f32_bilinear_weights es_f32_bilinear_weights_of(float fy, float fx) {
    es_f32_bilinear_weights w = {(1 - fy) * (1 - fx), (1 - fy) * fx, fy * (1 - fx), fy * fx};
    return w;
}

// One interpolated value, summed left to right (no fused multiply-add: see Package.swift's -ffp-contract=off).
static inline float es_f32_bilinear_mix(es_f32_bilinear_weights w, float p00, float p01, float p10, float p11) {
    return w.w00 * p00 + w.w01 * p01 + w.w10 * p10 + w.w11 * p11;
}

// Output pixel (oy, ox) of an h×w map with c interleaved channels resized to oh×ow: its four source pixels
// (channel 0 of each) and their weights.
typedef struct {
    const float *p00, *p01, *p10, *p11;
    es_f32_bilinear_weights w;
} es_f32_bilinear_corners;

static inline es_f32_bilinear_corners es_f32_bilinear_corners_of(const float *x, size_t h, size_t w, size_t c, size_t oh,
                                                                 size_t ow, size_t oy, size_t ox) {
    size_t y0, y1, x0, x1;
    float fy, fx;
    es_f32_bilinear_source(oy, h, oh, &y0, &y1, &fy);
    es_f32_bilinear_source(ox, w, ow, &x0, &x1, &fx);
    es_f32_bilinear_corners k = {x + (y0 * w + x0) * c, x + (y0 * w + x1) * c, x + (y1 * w + x0) * c, x + (y1 * w + x1) * c,
                                 es_f32_bilinear_weights_of(fy, fx)};
    return k;
}

#endif
