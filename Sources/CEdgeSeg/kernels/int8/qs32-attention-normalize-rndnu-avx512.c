// es_qs32_attention_normalize_rndnu_scalar with AVX-512: the row multiplier as the reference makes it (with the
// shift u found from the bit lengths instead of a loop), then sixteen elements per requantization.
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"

// The reference's row requant for a row of weight sum `sum` (> 0): u is the least u >= 0 with m·2^u >= sum·2^30.
static inline es_requant row_requant(uint32_t sum_bits, es_requant rq) {
    uint64_t sum = sum_bits, m = (uint64_t)rq.multiplier, target = sum << 30;
    int gap = (63 - __builtin_clzll(target)) - (63 - __builtin_clzll(m));  // m·2^gap has target's top bit
    uint32_t u = gap > 0 ? (uint32_t)gap : 0;
    if ((m << u) < target) u++;
    uint64_t m_row = ((m << u) + sum / 2) / sum;
    uint32_t total = (uint32_t)rq.shift + u;
    while (total > 62 || m_row >= ((uint64_t)1 << 31)) {
        m_row = (m_row + 1) >> 1;
        total--;
    }
    es_requant row = {(int32_t)m_row, (int32_t)total};
    return row;
}

ES_AVX512 void es_qs32_attention_normalize_rndnu_avx512(size_t rows, size_t d, const int32_t *o, size_t o_stride,
                                                        const uint32_t *sums, es_requant rq, es_qs8_out out, int8_t *y,
                                                        size_t y_stride) {
    for (size_t i = 0; i < rows; i++) {
        es_requant row = row_requant(sums[i], rq);
        const __m512i m = _mm512_set1_epi32(row.multiplier), s = _mm512_set1_epi32(row.shift);
        for (size_t c = 0; c < d; c += 16) {
            __mmask16 lanes = es_mask16(d - c);
            __m512i acc = _mm512_maskz_loadu_epi32(lanes, o + i * o_stride + c);
            _mm512_mask_cvtepi32_storeu_epi8(y + i * y_stride + c, lanes, es_avx512_requantize_epi32(acc, m, s, out));
        }
    }
}
#endif
