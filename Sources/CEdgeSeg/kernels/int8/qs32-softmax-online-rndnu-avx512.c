// es_qs32_softmax_online_rndnu_scalar with AVX-512, sixteen scores at a time and no table lookup: each weight
// is 255 · 2^x estimated in float and rounded. From the scores, x = (S − max) · m / 2^(shift + 16) in float, and
// round(y) is the reference's weight unless y lies within δ(y) = y·2^-16 + 2^-20 of a half-integer; a vector with
// a lane that close (flat attention: a few percent of vectors) is redone from the reference's exact exponent t
// (int64 lanes), x = t / 2^16. That estimate is a function of t alone, and its rounding equals the reference's
// weight for every t unless it lies within 2^-17 of a half-integer (float ties do occur): checked for all t by
// Int8SimdOpTests.softmaxOnlineEveryExponent. Those rare lanes, and rows whose score range passes 2^31, take the
// bucket table (es_softmax_bucket_weight). Row state: the reference's (qs32-softmax-online.h).
//
// Why δ suffices. The reference weight is round_half_up(v), v = 255·2^(t/2^16)·(1 + ε1) + ε2 with
// t = round((S − max)·m / 2^shift), so |t/2^16 − x| <= 2^-17, |ε1| <= 2^-27, |ε2| <= 255·2^-31 (q30-exp2.c).
// Relative to 255·2^x: the exponent's rounding 2^(2^-17) − 1 < 5.3e-6; ε1 < 7.5e-9; x in float (S − max, m and
// their product each rounded once, so |Δx| <= 3·2^-24·|x|; only |x| < 9.3 matters since y < 0.45 below that)
// < 1.2e-6; the degree-6 Taylor polynomial of 2^f on |f| <= 1/2 < 2.4e-7; its seven float coefficients and six
// FMA roundings < 8.4e-7; the power of two (vscalefps) is exact. In all |y − v| < 7.6e-6·y + 1.2e-7, under half
// of δ(y) (whose own rounding is below 2^-25). So when |y − round(y)| < 1/2 − δ(y), v lies strictly inside the
// same (k − 1/2, k + 1/2) as y, and both round to k. Every float step rounds to nearest explicitly (the result
// does not depend on MXCSR) and stays normal.
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"
#include "qs32-softmax-online.h"

// 255 · ln(2)^i / i!, the Taylor coefficients of 255 · 2^f.
static const float taylor[7] = {255.0f, 176.75253104278605f, 61.257759274570674f, 14.1535477095295f,
                                2.4526229224452614f, 0.34000573273392526f, 0.0392790025031231f};

#define ES_RN (_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)

// 255 · 2^(diff · scale), diff <= 0 (exact int32), estimated in float.
ES_AVX512 static inline __m512 weight_estimate(__m512i diff, __m512 scale) {
    __m512 x = _mm512_mul_round_ps(_mm512_cvt_roundepi32_ps(diff, ES_RN), scale, ES_RN);
    x = _mm512_max_ps(x, _mm512_set1_ps(-64.0f));
    __m512 n = _mm512_roundscale_ps(x, ES_RN);
    __m512 f = _mm512_sub_round_ps(x, n, ES_RN);  // exact: |f| <= 1/2 and x, n within a factor 2 (or n = 0)
    __m512 p = _mm512_set1_ps(taylor[6]);
    for (int i = 5; i >= 0; i--) p = _mm512_fmadd_round_ps(p, f, _mm512_set1_ps(taylor[i]), ES_RN);
    return _mm512_scalef_round_ps(p, n, ES_RN);
}

// The reference's exponents (es_softmax_exponent) of eight differences S − max that fit int32, in int64 lanes.
ES_AVX512 static inline __m256i exponents8(__m256i diff, __m512i m, __m512i half, __m128i shift) {
    __m512i t = _mm512_sra_epi64(_mm512_add_epi64(_mm512_mul_epi32(_mm512_cvtepi32_epi64(diff), m), half), shift);
    return _mm512_cvtepi64_epi32(_mm512_max_epi64(t, _mm512_set1_epi64(-32 * 65536)));
}

// round(y), and the lanes where y is within δ(y) = y · relative + absolute of a half-integer.
ES_AVX512 static inline __mmask16 rounded_weights(__m512 y, float relative, float absolute, __mmask16 lanes, __m512i *k) {
    *k = _mm512_cvt_roundps_epi32(y, ES_RN);
    __m512 r = _mm512_abs_ps(_mm512_sub_round_ps(y, _mm512_cvtepi32_ps(*k), ES_RN));  // exact
    __m512 limit = _mm512_fnmadd_round_ps(y, _mm512_set1_ps(relative), _mm512_set1_ps(0.5f - absolute), ES_RN);
    return _mm512_mask_cmp_ps_mask(lanes, r, limit, _CMP_GE_OQ);
}

ES_AVX512 void es_qs32_softmax_online_rndnu_avx512(size_t rows, size_t n, const int32_t *s, size_t s_stride,
                                                   es_requant rq, int first, int32_t *row_max, uint32_t *sums,
                                                   int32_t *o, size_t o_stride, size_t d, uint8_t *w, size_t w_stride) {
    const int32_t *buckets = es_softmax_weight_buckets();
    // m · 2^-(shift + 16): the multiplier rounded to float times an exact power of two (shift + 16 <= 78).
    union {
        uint32_t bits;
        float value;
    } power = {(uint32_t)(127 - (rq.shift + 16)) << 23};
    const __m512 scale = _mm512_set1_ps((float)rq.multiplier * power.value);
    const __m512 q16 = _mm512_set1_ps(0x1p-16f);
    const __m512i m = _mm512_set1_epi64(rq.multiplier), half = _mm512_set1_epi64((int64_t)1 << (rq.shift - 1));
    const __m128i shift = _mm_cvtsi32_si128(rq.shift);
    for (size_t i = 0; i < rows; i++) {
        const int32_t *row = s + i * s_stride;
        uint8_t *out = w + i * w_stride;
        __m512i top = _mm512_set1_epi32(INT32_MIN), bottom = _mm512_set1_epi32(INT32_MAX);
        for (size_t j = 0; j < n; j += 16) {
            __mmask16 lanes = es_mask16(n - j);
            __m512i v = _mm512_maskz_loadu_epi32(lanes, row + j);
            top = _mm512_mask_max_epi32(top, lanes, top, v);
            bottom = _mm512_mask_min_epi32(bottom, lanes, bottom, v);
        }
        int32_t max = es_softmax_row_start(first, _mm512_reduce_max_epi32(top), &row_max[i], &sums[i], o + i * o_stride, d, rq);
        uint32_t sum = 0;
        if ((int64_t)max - _mm512_reduce_min_epi32(bottom) > INT32_MAX) {  // S − max would overflow int32
            for (size_t j = 0; j < n; j++) {
                out[j] = es_softmax_bucket_weight(buckets, es_softmax_exponent(row[j], max, rq));
                sum += out[j];
            }
            sums[i] += sum;
            continue;
        }
        const __m512i max_v = _mm512_set1_epi32(max);
        __m512i total = _mm512_setzero_si512();
        for (size_t j = 0; j < n; j += 16) {
            __mmask16 lanes = es_mask16(n - j);
            __m512i diff = _mm512_sub_epi32(_mm512_maskz_loadu_epi32(lanes, row + j), max_v);
            __m512i k;
            __mmask16 unsure = rounded_weights(weight_estimate(diff, scale), 0x1p-16f, 0x1p-20f, lanes, &k);
            if (unsure) {
                __m512i t = _mm512_inserti64x4(_mm512_castsi256_si512(exponents8(_mm512_castsi512_si256(diff), m, half, shift)),
                                               exponents8(_mm512_extracti64x4_epi64(diff, 1), m, half, shift), 1);
                unsure = rounded_weights(weight_estimate(t, q16), 0, 0x1p-17f, lanes, &k);
            }
            if (unsure) {
                _Alignas(64) int32_t exact[16];
                _mm512_store_si512(exact, k);
                for (unsigned l = 0; l < 16; l++)
                    if (unsure >> l & 1) exact[l] = es_softmax_bucket_weight(buckets, es_softmax_exponent(row[j + l], max, rq));
                k = _mm512_load_si512(exact);
            }
            k = _mm512_maskz_mov_epi32(lanes, k);
            _mm512_mask_cvtepi32_storeu_epi8(out + j, lanes, k);
            total = _mm512_add_epi32(total, k);
        }
        sums[i] += (uint32_t)_mm512_reduce_add_epi32(total);
    }
}
#endif
