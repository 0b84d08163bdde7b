// es_qs32_softmax_online_rndnu_scalar with AVX2, eight scores at a time, exact by construction: each lane computes
// the reference's exponent t (es_softmax_exponent, int64 lanes) and its weight from the bucket table
// (es_softmax_bucket_weight) by one vpgatherdd. No float estimate as in the AVX-512 kernel: AVX2 has no per-
// instruction rounding mode, and the gather costs about what the estimate and its checks would. Rows whose score
// range passes 2^31 take the scalar bucket loop. Row state: the reference's (qs32-softmax-online.h).
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"
#include "qs32-softmax-online.h"

// With diff = S − max <= 0 the reference's exponent is t = floor((diff · m + 2^(shift−1)) / 2^shift) = −u with
// u = floor((−diff · m + 2^(shift−1) − 1) / 2^shift) >= 0: unsigned products and a logical shift, no sign fix-up.
// u on the four int64 lanes of `neg` (the low uint32 of each).
ES_AVX2 static inline __m256i negated_exponents4(__m256i neg, __m256i m, __m256i rounding, __m128i shift) {
    return _mm256_srl_epi64(_mm256_add_epi64(_mm256_mul_epu32(neg, m), rounding), shift);
}

// The weights of eight scores (valid: the lanes to keep; the others get weight 0).
ES_AVX2 static inline __m256i weights8(const int32_t *buckets, __m256i score, __m256i max, __m256i valid, __m256i m,
                                       __m256i rounding, __m128i shift) {
    __m256i neg = _mm256_sub_epi32(max, score);  // [0, 2^31)
    __m256i even = negated_exponents4(neg, m, rounding, shift);
    __m256i odd = negated_exponents4(_mm256_srli_epi64(neg, 32), m, rounding, shift);
    __m256i u = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
    __m256i u_high = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
    // Buckets (−t) >> 8 past the table (t below −ES_SOFTMAX_BUCKETS·256, clamped or not) have weight 0.
    __m256i bucket = _mm256_srli_epi32(u, 8);
    __m256i in_table = _mm256_and_si256(_mm256_cmpeq_epi32(u_high, _mm256_setzero_si256()),
                                        _mm256_cmpgt_epi32(_mm256_set1_epi32(ES_SOFTMAX_BUCKETS), bucket));
    in_table = _mm256_and_si256(in_table, valid);
    __m256i entry = _mm256_mask_i32gather_epi32(_mm256_setzero_si256(), buckets, bucket, in_table, 4);
    // base + (t >= step_at), t >= step_at being u <= −step_at.
    __m256i neg_step = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_srai_epi32(entry, 8));
    __m256i w = _mm256_add_epi32(_mm256_and_si256(entry, _mm256_set1_epi32(0xFF)), _mm256_set1_epi32(1));
    w = _mm256_add_epi32(w, _mm256_cmpgt_epi32(u, neg_step));
    return _mm256_and_si256(w, in_table);
}

ES_AVX2 void es_qs32_softmax_online_rndnu_avx2(size_t rows, size_t n, const int32_t *s, size_t s_stride, es_requant rq,
                                               int first, int32_t *row_max, uint32_t *sums, int32_t *o, size_t o_stride,
                                               size_t d, uint8_t *w, size_t w_stride) {
    const int32_t *buckets = es_softmax_weight_buckets();
    const __m256i m = _mm256_set1_epi64x(rq.multiplier);
    const __m256i rounding = _mm256_set1_epi64x(((int64_t)1 << (rq.shift - 1)) - 1);
    const __m128i shift = _mm_cvtsi32_si128(rq.shift);
    const __m256i lane_index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    size_t body = n / 8 * 8;
    for (size_t i = 0; i < rows; i++) {
        const int32_t *row = s + i * s_stride;
        uint8_t *out = w + i * w_stride;
        __m256i top = _mm256_set1_epi32(INT32_MIN), bottom = _mm256_set1_epi32(INT32_MAX);
        for (size_t j = 0; j < body; j += 8) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(row + j));
            top = _mm256_max_epi32(top, v);
            bottom = _mm256_min_epi32(bottom, v);
        }
        _Alignas(32) int32_t lanes[2][8];
        _mm256_store_si256((__m256i *)lanes[0], top);
        _mm256_store_si256((__m256i *)lanes[1], bottom);
        int32_t tile_max = INT32_MIN, tile_min = INT32_MAX;
        for (int l = 0; l < 8; l++) {
            tile_max = lanes[0][l] > tile_max ? lanes[0][l] : tile_max;
            tile_min = lanes[1][l] < tile_min ? lanes[1][l] : tile_min;
        }
        for (size_t j = body; j < n; j++) {
            tile_max = row[j] > tile_max ? row[j] : tile_max;
            tile_min = row[j] < tile_min ? row[j] : tile_min;
        }
        int32_t max = es_softmax_row_start(first, tile_max, &row_max[i], &sums[i], o + i * o_stride, d, rq);
        uint32_t sum = 0;
        if ((int64_t)max - tile_min > INT32_MAX) {  // S − max would overflow int32
            for (size_t j = 0; j < n; j++) {
                out[j] = es_softmax_bucket_weight(buckets, es_softmax_exponent(row[j], max, rq));
                sum += out[j];
            }
            sums[i] += sum;
            continue;
        }
        const __m256i max_v = _mm256_set1_epi32(max), all = _mm256_set1_epi32(-1);
        __m256i total = _mm256_setzero_si256();
        for (size_t j = 0; j < n; j += 8) {
            size_t count = n - j < 8 ? n - j : 8;
            __m256i valid = count == 8 ? all : _mm256_cmpgt_epi32(_mm256_set1_epi32((int32_t)count), lane_index);
            __m256i score = count == 8 ? _mm256_loadu_si256((const __m256i *)(row + j)) : _mm256_maskload_epi32(row + j, valid);
            __m256i k = weights8(buckets, score, max_v, valid, m, rounding, shift);
            total = _mm256_add_epi32(total, k);
            __m128i k16 = _mm_packs_epi32(_mm256_castsi256_si128(k), _mm256_extracti128_si256(k, 1));
            __m128i bytes = _mm_packus_epi16(k16, k16);
            if (count == 8) {
                _mm_storel_epi64((__m128i *)(out + j), bytes);
            } else {
                uint8_t buf[16];
                _mm_storeu_si128((__m128i *)buf, bytes);
                memcpy(out + j, buf, count);
            }
        }
        __m128i t4 = _mm_add_epi32(_mm256_castsi256_si128(total), _mm256_extracti128_si256(total, 1));
        t4 = _mm_add_epi32(t4, _mm_shuffle_epi32(t4, 0x4E));
        t4 = _mm_add_epi32(t4, _mm_shuffle_epi32(t4, 0xB1));
        sums[i] += (uint32_t)_mm_cvtsi128_si32(t4);
    }
}
#endif
