// Integer building blocks shared by the int8 reference kernels (private to CEdgeSeg).
// Every shift of a signed value goes through es_floor_shift: C leaves >> of a negative number
// implementation-defined, and the results must be the same on every compiler and CPU.
#ifndef ES_INT8_MATH_H
#define ES_INT8_MATH_H
#include "es_int8.h"

// floor(x / 2^s), 0 <= s <= 63. For x < 0: floor(x / 2^s) = ~(~x >> s) with ~x = -x - 1 >= 0.
static inline int64_t es_floor_shift(int64_t x, uint32_t s) {
    return x >= 0 ? x >> s : ~(~x >> s);
}

// round(x / 2^s), ties toward +infinity; 1 <= s <= 62 and x + 2^(s-1) must not overflow.
static inline int64_t es_round_shift(int64_t x, uint32_t s) {
    return es_floor_shift(x + ((int64_t)1 << (s - 1)), s);
}

static inline int32_t es_clamp(int64_t x, int32_t lo, int32_t hi) {
    return x < lo ? lo : x > hi ? hi : (int32_t)x;
}

// clamp(zero_point + round(acc · multiplier / 2^shift)); |acc| <= 2^31 keeps |acc · multiplier| < 2^62.
static inline int32_t es_requantize(int64_t acc, es_requant rq, es_qs8_out out) {
    return es_clamp(out.zero_point + es_round_shift(acc * rq.multiplier, (uint32_t)rq.shift), out.min, out.max);
}

// Σ (a[i] - a_zero_point) · (b[i] - b_zero_point); each term is below 2^16 in magnitude.
static inline int32_t es_dot_s8(size_t k, const int8_t *a, int32_t a_zero_point, const int8_t *b,
                                int32_t b_zero_point) {
    int32_t acc = 0;
    for (size_t i = 0; i < k; i++) acc += ((int32_t)a[i] - a_zero_point) * ((int32_t)b[i] - b_zero_point);
    return acc;
}

// One output coordinate of a half-pixel-centre bilinear resize: the two source indices and the weight of
// the second in Q11. src = (o + 0.5) · in / out - 0.5 = ((2o + 1) · in - out) / (2 · out), clamped at 0,
// is an exact rational, so indices and weights need no float.
typedef struct {
    size_t i0, i1;
    int32_t frac;  // weight of i1 in Q11; i0 gets 2048 - frac
} es_tap;

static inline es_tap es_bilinear_tap(size_t o, size_t in, size_t out) {
    int64_t num = (int64_t)((2 * o + 1) * in) - (int64_t)out, den = 2 * (int64_t)out;
    if (num < 0) num = 0;
    es_tap t;
    t.i0 = (size_t)(num / den);  // <= in - 1
    t.i1 = t.i0 + 1 < in ? t.i0 + 1 : in - 1;
    t.frac = (int32_t)(((num % den) * 4096 + den) / (2 * den));  // round(rem / den · 2^11), ties up
    return t;
}

#endif
