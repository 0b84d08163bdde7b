// x86 building blocks shared by the AVX2 and AVX-512 int8 kernels (private to CEdgeSeg): the reference's
// rounding shift and clamp on int64 lanes, and its per-channel requantization on int32 lanes. Every helper
// is exact for the reference's whole input range (no offset tricks that assume small values).
// Compiled for the baseline x86-64 with the instructions enabled per function, so one binary runs anywhere.
#ifndef ES_INT8_X86_H
#define ES_INT8_X86_H
#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#include "es-int8-math.h"

#define ES_AVX2 __attribute__((target("avx2")))
#define ES_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl")))
#define ES_AVX512VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

// ---- AVX2 ----

// floor(x / 2^s) on four int64 lanes, s in [1, 62] per lane: AVX2 has no 64-bit arithmetic shift, so the
// logical shift gets the sign bits put back.
ES_AVX2 static inline __m256i es_avx2_floor_shift_epi64(__m256i x, __m256i s) {
    __m256i sign = _mm256_cmpgt_epi64(_mm256_setzero_si256(), x);
    return _mm256_or_si256(_mm256_srlv_epi64(x, s), _mm256_sllv_epi64(sign, _mm256_sub_epi64(_mm256_set1_epi64x(64), s)));
}

// clamp(zero_point + round(x / 2^s)) on four int64 lanes (the reference's es_round_shift then es_clamp),
// the result in the low half of each lane. The clamp happens in int64, before anything is narrowed.
ES_AVX2 static inline __m256i es_avx2_round_shift_clamp_epi64(__m256i x, __m256i s, es_qs8_out out) {
    __m256i half = _mm256_sllv_epi64(_mm256_set1_epi64x(1), _mm256_sub_epi64(s, _mm256_set1_epi64x(1)));
    __m256i q = _mm256_add_epi64(es_avx2_floor_shift_epi64(_mm256_add_epi64(x, half), s),
                                 _mm256_set1_epi64x(out.zero_point));
    __m256i lo = _mm256_set1_epi64x(out.min), hi = _mm256_set1_epi64x(out.max);
    q = _mm256_blendv_epi8(q, lo, _mm256_cmpgt_epi64(lo, q));
    return _mm256_blendv_epi8(q, hi, _mm256_cmpgt_epi64(q, hi));
}

// The low int32 of each int64 lane of a (lanes 0-3) and b (lanes 4-7), as eight int32.
ES_AVX2 static inline __m256i es_avx2_narrow_epi64(__m256i a, __m256i b) {
    const __m256i even = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
    __m256i lo = _mm256_permutevar8x32_epi32(a, even), hi = _mm256_permutevar8x32_epi32(b, even);
    return _mm256_blend_epi32(lo, hi, 0xF0);
}

// The reference's es_requantize on eight int32 accumulators, lane l with multiplier m[l] and shift s[l].
ES_AVX2 static inline __m256i es_avx2_requantize_epi32(__m256i acc, __m256i m, __m256i s, es_qs8_out out) {
    __m256i lo = _mm256_mul_epi32(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(acc)),
                                  _mm256_cvtepi32_epi64(_mm256_castsi256_si128(m)));
    __m256i hi = _mm256_mul_epi32(_mm256_cvtepi32_epi64(_mm256_extracti128_si256(acc, 1)),
                                  _mm256_cvtepi32_epi64(_mm256_extracti128_si256(m, 1)));
    return es_avx2_narrow_epi64(
        es_avx2_round_shift_clamp_epi64(lo, _mm256_cvtepi32_epi64(_mm256_castsi256_si128(s)), out),
        es_avx2_round_shift_clamp_epi64(hi, _mm256_cvtepi32_epi64(_mm256_extracti128_si256(s, 1)), out));
}

// The reference's es_requantize on eight int32 accumulators whose shifts s are all >= 33, without int64 rounding
// (es_avx512_requantize_high_epi32's scheme): the products' high halves floor(x / 2^32) (multipliers of the even
// lanes in m_even's even int32 lanes, of the odd lanes in m_odd's), then floor((h + 2^(s−33)) / 2^(s−32)) in int32
// lanes, offset by out's zero point. rounding = 2^(s−33), shift = s − 32. The result is clamped to out's range
// unless that is all of int8: then the caller's saturating narrowing (vpackssdw, vpacksswb) clamps it the same.
ES_AVX2 static inline __m256i es_avx2_requantize_high_epi32(__m256i acc, __m256i m_even, __m256i m_odd,
                                                            __m256i rounding, __m256i shift, es_qs8_out out) {
    __m256i even = _mm256_mul_epi32(acc, m_even), odd = _mm256_mul_epi32(_mm256_srli_epi64(acc, 32), m_odd);
    __m256i top = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);  // |top| <= 2^30
    __m256i q = _mm256_add_epi32(_mm256_srav_epi32(_mm256_add_epi32(top, rounding), shift), _mm256_set1_epi32(out.zero_point));
    if (out.min > -128 || out.max < 127)
        q = _mm256_min_epi32(_mm256_max_epi32(q, _mm256_set1_epi32(out.min)), _mm256_set1_epi32(out.max));
    return q;
}

// Sixteen int32 already clamped to [-128, 127] (a: channels 0-7, b: 8-15) as sixteen bytes.
ES_AVX2 static inline __m128i es_avx2_pack_epi32_epi8(__m256i a, __m256i b) {
    __m256i w = _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8);  // int16, channels 0-15 in order
    __m256i v = _mm256_packs_epi16(w, w);
    return _mm256_castsi256_si128(_mm256_permute4x64_epi64(v, 0x08));
}

// len values of a row (int8, or uint8 when is_unsigned) minus z as int16 into dst, sixteen at a time: the
// values after them up to the next multiple of 16 are read as 0 (so stored as −z).
ES_AVX2 static inline void es_avx2_widen_row(const int8_t *row, size_t len, int is_unsigned, int32_t z, int16_t *dst) {
    const __m256i zv = _mm256_set1_epi16((int16_t)z);
    for (size_t p = 0; p < len; p += 16) {
        __m128i bytes;
        if (len - p >= 16) {
            bytes = _mm_loadu_si128((const __m128i *)(row + p));
        } else {
            int8_t buf[16] = {0};
            memcpy(buf, row + p, len - p);
            bytes = _mm_loadu_si128((const __m128i *)buf);
        }
        __m256i w = is_unsigned ? _mm256_cvtepu8_epi16(bytes) : _mm256_cvtepi8_epi16(bytes);
        _mm256_storeu_si256((__m256i *)(dst + p), _mm256_sub_epi16(w, zv));
    }
}

// ---- AVX-512 ----

// clamp(zero_point + round(x / 2^s)) on eight int64 lanes (the reference's es_round_shift then es_clamp).
ES_AVX512 static inline __m512i es_avx512_round_shift_clamp_epi64(__m512i x, __m512i s, es_qs8_out out) {
    __m512i half = _mm512_sllv_epi64(_mm512_set1_epi64(1), _mm512_sub_epi64(s, _mm512_set1_epi64(1)));
    __m512i q = _mm512_add_epi64(_mm512_srav_epi64(_mm512_add_epi64(x, half), s), _mm512_set1_epi64(out.zero_point));
    return _mm512_min_epi64(_mm512_max_epi64(q, _mm512_set1_epi64(out.min)), _mm512_set1_epi64(out.max));
}

// The reference's es_requantize on sixteen int32 accumulators, lane l with multiplier m[l] and shift s[l].
ES_AVX512 static inline __m512i es_avx512_requantize_epi32(__m512i acc, __m512i m, __m512i s, es_qs8_out out) {
    __m512i lo = _mm512_mul_epi32(_mm512_cvtepi32_epi64(_mm512_castsi512_si256(acc)),
                                  _mm512_cvtepi32_epi64(_mm512_castsi512_si256(m)));
    __m512i hi = _mm512_mul_epi32(_mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(acc, 1)),
                                  _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(m, 1)));
    __m256i a = _mm512_cvtepi64_epi32(
        es_avx512_round_shift_clamp_epi64(lo, _mm512_cvtepi32_epi64(_mm512_castsi512_si256(s)), out));
    __m256i b = _mm512_cvtepi64_epi32(
        es_avx512_round_shift_clamp_epi64(hi, _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(s, 1)), out));
    return _mm512_inserti64x4(_mm512_castsi256_si512(a), b, 1);
}

// The reference's es_requantize on sixteen int32 accumulators whose shifts s are all >= 33, without int64
// rounding: the products' high halves floor(x / 2^32) (multipliers of the even lanes in m_even's even int32 lanes,
// of the odd lanes in m_odd's), then floor((h + 2^(s−33)) / 2^(s−32)) in int32 lanes (= floor((x + 2^(s−1)) / 2^s),
// QUANTIZATION.md), offset by out's zero point. rounding = 2^(s−33), shift = s − 32. The result is clamped to out's
// range unless that is all of int8: then the caller's saturating narrowing (vpmovsdb) clamps it the same.
ES_AVX512 static inline __m512i es_avx512_requantize_high_epi32(__m512i acc, __m512i m_even, __m512i m_odd,
                                                                __m512i rounding, __m512i shift, es_qs8_out out) {
    __m512i even = _mm512_mul_epi32(acc, m_even), odd = _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), m_odd);
    __m512i top = _mm512_mask_mov_epi32(_mm512_srli_epi64(even, 32), 0xAAAA, odd);
    __m512i q = _mm512_add_epi32(_mm512_srav_epi32(_mm512_add_epi32(top, rounding), shift), _mm512_set1_epi32(out.zero_point));
    if (out.min > -128 || out.max < 127)
        q = _mm512_min_epi32(_mm512_max_epi32(q, _mm512_set1_epi32(out.min)), _mm512_set1_epi32(out.max));
    return q;
}

// Masks for the first n (<= 16 or 64) lanes.
static inline __mmask16 es_mask16(size_t n) { return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1); }
static inline __mmask64 es_mask64(size_t n) { return n >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1); }

#endif
#endif
