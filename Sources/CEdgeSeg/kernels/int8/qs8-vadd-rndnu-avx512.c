// es_qs8_vadd_rndnu_scalar with AVX-512, 16 elements at a time in two halves of eight int64 lanes: the
// reference's own arithmetic (each code minus its zero point times its multiplier, vpmuldq, summed in int64,
// |sum| < 2^40), then its rounding shift and clamp; masked loads and stores for the tail. With a shift s from 17
// to 40 (any real residual) the same sum goes in int32 lanes: each multiplier split as m = h·2^16 + l (l in
// [0, 2^16)), H = Σ d·h and L = Σ d·l (|d| <= 255, both below 2^26), and
// floor((H·2^16 + L + 2^(s−1)) / 2^s) = floor((H + 2^(s−17) + floor(L / 2^16)) / 2^(s−16)).
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"

// Eight outputs from the eight codes of a and of b (as int64 lanes).
ES_AVX512 static inline __m128i eight(__m512i a, __m512i b, __m512i za, __m512i zb, __m512i ma, __m512i mb,
                                      __m512i shift, es_qs8_out out) {
    __m512i acc = _mm512_add_epi64(_mm512_mul_epi32(_mm512_sub_epi64(a, za), ma),
                                   _mm512_mul_epi32(_mm512_sub_epi64(b, zb), mb));
    return _mm512_cvtepi64_epi8(es_avx512_round_shift_clamp_epi64(acc, shift, out));
}

ES_AVX512 void es_qs8_vadd_rndnu_avx512(size_t n, const int8_t *a, const int8_t *b, es_qs8_vadd_params params,
                                        es_qs8_out out, int8_t *y) {
    __m512i za = _mm512_set1_epi64(params.a_zero_point), zb = _mm512_set1_epi64(params.b_zero_point);
    __m512i ma = _mm512_set1_epi64(params.a_multiplier), mb = _mm512_set1_epi64(params.b_multiplier);
    if (params.shift >= 17 && params.shift <= 40) {
        const __m512i za32 = _mm512_set1_epi32(params.a_zero_point), zb32 = _mm512_set1_epi32(params.b_zero_point);
        const __m512i ha = _mm512_set1_epi32(params.a_multiplier >> 16), la = _mm512_set1_epi32(params.a_multiplier & 0xFFFF);
        const __m512i hb = _mm512_set1_epi32(params.b_multiplier >> 16), lb = _mm512_set1_epi32(params.b_multiplier & 0xFFFF);
        const __m512i rounding = _mm512_set1_epi32(1 << (params.shift - 17));
        const __m128i rest = _mm_cvtsi32_si128(params.shift - 16);
        const __m512i lo = _mm512_set1_epi32(out.min - out.zero_point), hi = _mm512_set1_epi32(out.max - out.zero_point);
        const __m512i zero_point = _mm512_set1_epi32(out.zero_point);
        for (size_t i = 0; i < n; i += 16) {
            __mmask16 mask = es_mask16(n - i);
            __m512i da = _mm512_sub_epi32(_mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(mask, a + i)), za32);
            __m512i db = _mm512_sub_epi32(_mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(mask, b + i)), zb32);
            __m512i h = _mm512_add_epi32(_mm512_mullo_epi32(da, ha), _mm512_mullo_epi32(db, hb));
            __m512i l = _mm512_add_epi32(_mm512_mullo_epi32(da, la), _mm512_mullo_epi32(db, lb));
            __m512i q = _mm512_add_epi32(_mm512_add_epi32(h, rounding), _mm512_srai_epi32(l, 16));
            q = _mm512_min_epi32(_mm512_max_epi32(_mm512_sra_epi32(q, rest), lo), hi);
            _mm_mask_storeu_epi8(y + i, mask, _mm512_cvtepi32_epi8(_mm512_add_epi32(q, zero_point)));
        }
        return;
    }
    __m512i shift = _mm512_set1_epi64(params.shift);
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 mask = es_mask16(n - i);
        __m128i av = _mm_maskz_loadu_epi8(mask, a + i), bv = _mm_maskz_loadu_epi8(mask, b + i);
        __m128i lo = eight(_mm512_cvtepi8_epi64(av), _mm512_cvtepi8_epi64(bv), za, zb, ma, mb, shift, out);
        __m128i hi = eight(_mm512_cvtepi8_epi64(_mm_srli_si128(av, 8)), _mm512_cvtepi8_epi64(_mm_srli_si128(bv, 8)), za,
                           zb, ma, mb, shift, out);
        _mm_mask_storeu_epi8(y + i, mask, _mm_unpacklo_epi64(lo, hi));
    }
}
#endif
