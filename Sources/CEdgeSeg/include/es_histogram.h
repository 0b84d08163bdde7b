// Calibration helpers: the per-value work of the streaming activation histograms (each image sends tens of
// millions of floats through these, so they are tight C loops rather than Swift).
#ifndef ES_HISTOGRAM_H
#define ES_HISTOGRAM_H
#include <stddef.h>
#include <stdint.h>

// Lowers *min and raises *max to the smallest and largest finite values of x (left alone if there are none).
// Returns how many values are not finite (NaN or ±infinity).
size_t es_f32_finite_range(const float *x, size_t n, float *min, float *max);

// For every finite x: counts[clamp(floor(x * scale) - first, 0, bins - 1)] += 1, with scale a power of two
// (2^-e for bins 2^e wide), so that x * scale is exact and a value's bin never depends on rounding. bins < 2^32;
// |x * scale| must stay below 2^62.
void es_histogram_add_f32(const float *x, size_t n, double scale, int64_t first, uint64_t *counts, size_t bins);

#endif
