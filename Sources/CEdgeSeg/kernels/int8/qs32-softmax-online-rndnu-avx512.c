// es_qs32_softmax_online_rndnu_lut with AVX-512, sixteen scores at a time: the exponent
// round((S − max) · m / 2^shift) in int64 lanes (vpmuldq on the difference clamped at −2^31, exact whenever that
// clamp already gives an exponent at or below the −32·2^16 floor: checked per call, else the table version
// runs), then the weight from the bucket table by one gather and one compare. Row state: the reference's
// (qs32-softmax-online.h).
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"
#include "qs32-softmax-online.h"

// The exponents (Q16, clamped at −32·2^16) of eight scores (int64 lanes) relative to max.
ES_AVX512 static inline __m256i exponents8(__m256i scores, __m512i max, __m512i m, __m512i half, __m128i shift) {
    __m512i diff = _mm512_sub_epi64(_mm512_cvtepi32_epi64(scores), max);
    diff = _mm512_max_epi64(diff, _mm512_set1_epi64(INT32_MIN));
    __m512i t = _mm512_sra_epi64(_mm512_add_epi64(_mm512_mul_epi32(diff, m), half), shift);
    return _mm512_cvtepi64_epi32(_mm512_max_epi64(t, _mm512_set1_epi64(-32 * 65536)));
}

ES_AVX512 void es_qs32_softmax_online_rndnu_avx512(size_t rows, size_t n, const int32_t *s, size_t s_stride,
                                                   es_requant rq, int first, int32_t *row_max, uint32_t *sums,
                                                   int32_t *o, size_t o_stride, size_t d, uint8_t *w, size_t w_stride) {
    if (es_round_shift((int64_t)INT32_MIN * rq.multiplier, (uint32_t)rq.shift) > -32 * 65536) {
        es_qs32_softmax_online_rndnu_lut(rows, n, s, s_stride, rq, first, row_max, sums, o, o_stride, d, w, w_stride);
        return;
    }
    const int32_t *buckets = es_softmax_weight_buckets();
    const __m512i m = _mm512_set1_epi64(rq.multiplier), half = _mm512_set1_epi64((int64_t)1 << (rq.shift - 1));
    const __m128i shift = _mm_cvtsi32_si128(rq.shift);
    const __m512i bucket_count = _mm512_set1_epi32(ES_SOFTMAX_BUCKETS), low_byte = _mm512_set1_epi32(0xFF);
    for (size_t i = 0; i < rows; i++) {
        const int32_t *row = s + i * s_stride;
        __m512i top = _mm512_set1_epi32(INT32_MIN);
        for (size_t j = 0; j < n; j += 16) {
            __mmask16 lanes = n - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - j)) - 1);
            top = _mm512_mask_max_epi32(top, lanes, top, _mm512_maskz_loadu_epi32(lanes, row + j));
        }
        int32_t max = es_softmax_row_start(first, _mm512_reduce_max_epi32(top), &row_max[i], &sums[i], o + i * o_stride, d, rq);
        const __m512i max64 = _mm512_set1_epi64(max);
        __m512i total = _mm512_setzero_si512();
        for (size_t j = 0; j < n; j += 16) {
            __mmask16 lanes = n - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - j)) - 1);
            __m512i scores = _mm512_maskz_loadu_epi32(lanes, row + j);
            __m512i t = _mm512_inserti64x4(_mm512_castsi256_si512(exponents8(_mm512_castsi512_si256(scores), max64, m, half, shift)),
                                           exponents8(_mm512_extracti64x4_epi64(scores, 1), max64, m, half, shift), 1);
            __m512i bucket = _mm512_srli_epi32(_mm512_sub_epi32(_mm512_setzero_si512(), t), 8);
            __mmask16 inside = _mm512_mask_cmplt_epu32_mask(lanes, bucket, bucket_count);
            __m512i entry = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), inside, bucket, buckets, 4);
            __m512i weight = _mm512_and_si512(entry, low_byte);
            __mmask16 steps = _mm512_mask_cmpge_epi32_mask(inside, t, _mm512_srai_epi32(entry, 8));
            weight = _mm512_mask_add_epi32(weight, steps, weight, _mm512_set1_epi32(1));
            _mm512_mask_cvtepi32_storeu_epi8(w + i * w_stride + j, lanes, weight);
            total = _mm512_add_epi32(total, weight);
        }
        sums[i] += (uint32_t)_mm512_reduce_add_epi32(total);
    }
}
#endif
