// The row multiplier of the attention normalisation (es_qs32_attention_normalize_*), shared by the SIMD kernels
// (private to CEdgeSeg): the reference's, with the shift u found from the bit lengths instead of a loop.
#ifndef ES_QS32_ATTENTION_NORMALIZE_H
#define ES_QS32_ATTENTION_NORMALIZE_H
#include "es-int8-math.h"

// The reference's row requant for a row of weight sum `sum` (> 0): u is the least u >= 0 with m·2^u >= sum·2^30.
static inline es_requant es_attention_row_requant(uint32_t sum_bits, es_requant rq) {
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

#endif
