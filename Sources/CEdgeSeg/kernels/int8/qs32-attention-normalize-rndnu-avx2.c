// es_qs32_attention_normalize_rndnu_scalar with AVX2: the row multiplier as the reference makes it
// (qs32-attention-normalize.h), then eight elements per requantization. A row shift of 33 or more (the usual case:
// the weight sum adds its bit length to the context's shift) rounds in int32 lanes from the products' high halves
// (es_avx2_requantize_high_epi32); smaller shifts take the int64 rounding of es_avx2_requantize_epi32.
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"
#include "qs32-attention-normalize.h"

ES_AVX2 void es_qs32_attention_normalize_rndnu_avx2(size_t rows, size_t d, const int32_t *o, size_t o_stride,
                                                    const uint32_t *sums, es_requant rq, es_qs8_out out, int8_t *y,
                                                    size_t y_stride) {
    const __m256i lane_index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (size_t i = 0; i < rows; i++) {
        es_requant row = es_attention_row_requant(sums[i], rq);
        const int32_t *acc = o + i * o_stride;
        int8_t *dst = y + i * y_stride;
        const __m256i m = _mm256_set1_epi32(row.multiplier), s = _mm256_set1_epi32(row.shift);
        const int high = row.shift >= 33;
        const __m256i rounding = _mm256_set1_epi32(high ? (int32_t)1 << (row.shift - 33) : 0);
        const __m256i high_shift = _mm256_set1_epi32(row.shift - 32);
        for (size_t c = 0; c < d; c += 16) {
            __m256i q[2];
            for (int h = 0; h < 2; h++) {
                size_t first = c + 8 * (size_t)h, count = first >= d ? 0 : d - first < 8 ? d - first : 8;
                __m256i valid = _mm256_cmpgt_epi32(_mm256_set1_epi32((int32_t)count), lane_index);
                __m256i v = count == 8 ? _mm256_loadu_si256((const __m256i *)(acc + first))
                                       : _mm256_maskload_epi32(acc + (count ? first : 0), valid);
                q[h] = high ? es_avx2_requantize_high_epi32(v, m, m, rounding, high_shift, out)
                            : es_avx2_requantize_epi32(v, m, s, out);
            }
            __m128i bytes = es_avx2_pack_epi32_epi8(q[0], q[1]);
            if (d - c >= 16) {
                _mm_storeu_si128((__m128i *)(dst + c), bytes);
            } else {
                int8_t buf[16];
                _mm_storeu_si128((__m128i *)buf, bytes);
                memcpy(dst + c, buf, d - c);
            }
        }
    }
}
#endif
