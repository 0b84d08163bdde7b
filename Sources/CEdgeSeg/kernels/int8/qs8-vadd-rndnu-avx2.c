// es_qs8_vadd_rndnu_scalar with AVX2, 16 elements at a time in four groups of four int64 lanes: the
// reference's own arithmetic (each code minus its zero point times its multiplier, vpmuldq, summed in int64,
// |sum| < 2^40), then its rounding shift and clamp; the tail goes through a copy so no access passes n.
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"

// Four outputs (in the low int32 of each int64 lane) from four codes of a and of b.
ES_AVX2 static inline __m256i four(const int8_t *a, const int8_t *b, __m256i za, __m256i zb, __m256i ma, __m256i mb,
                                   __m256i shift, es_qs8_out out) {
    int32_t a4, b4;
    memcpy(&a4, a, 4);
    memcpy(&b4, b, 4);
    __m256i da = _mm256_sub_epi64(_mm256_cvtepi8_epi64(_mm_cvtsi32_si128(a4)), za);
    __m256i db = _mm256_sub_epi64(_mm256_cvtepi8_epi64(_mm_cvtsi32_si128(b4)), zb);
    __m256i acc = _mm256_add_epi64(_mm256_mul_epi32(da, ma), _mm256_mul_epi32(db, mb));
    return es_avx2_round_shift_clamp_epi64(acc, shift, out);
}

// Sixteen outputs at a, b → y.
ES_AVX2 static inline void sixteen(const int8_t *a, const int8_t *b, __m256i za, __m256i zb, __m256i ma, __m256i mb,
                                   __m256i shift, es_qs8_out out, int8_t *y) {
    __m256i lo = es_avx2_narrow_epi64(four(a, b, za, zb, ma, mb, shift, out),
                                      four(a + 4, b + 4, za, zb, ma, mb, shift, out));
    __m256i hi = es_avx2_narrow_epi64(four(a + 8, b + 8, za, zb, ma, mb, shift, out),
                                      four(a + 12, b + 12, za, zb, ma, mb, shift, out));
    _mm_storeu_si128((__m128i *)y, es_avx2_pack_epi32_epi8(lo, hi));
}

ES_AVX2 void es_qs8_vadd_rndnu_avx2(size_t n, const int8_t *a, const int8_t *b, es_qs8_vadd_params params,
                                    es_qs8_out out, int8_t *y) {
    __m256i za = _mm256_set1_epi64x(params.a_zero_point), zb = _mm256_set1_epi64x(params.b_zero_point);
    __m256i ma = _mm256_set1_epi64x(params.a_multiplier), mb = _mm256_set1_epi64x(params.b_multiplier);
    __m256i shift = _mm256_set1_epi64x(params.shift);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) sixteen(a + i, b + i, za, zb, ma, mb, shift, out, y + i);
    if (i < n) {
        int8_t ta[16] = {0}, tb[16] = {0}, ty[16];
        memcpy(ta, a + i, n - i);
        memcpy(tb, b + i, n - i);
        sixteen(ta, tb, za, zb, ma, mb, shift, out, ty);
        memcpy(y + i, ty, n - i);
    }
}
#endif
