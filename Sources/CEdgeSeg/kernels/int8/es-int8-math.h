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

#endif
