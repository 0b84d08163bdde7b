// es_qs32_attention_normalize_rndnu_scalar with AVX-512: the row multiplier as the reference makes it
// (qs32-attention-normalize.h), then sixteen elements per requantization.
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"
#include "qs32-attention-normalize.h"

ES_AVX512 void es_qs32_attention_normalize_rndnu_avx512(size_t rows, size_t d, const int32_t *o, size_t o_stride,
                                                        const uint32_t *sums, es_requant rq, es_qs8_out out, int8_t *y,
                                                        size_t y_stride) {
    for (size_t i = 0; i < rows; i++) {
        es_requant row = es_attention_row_requant(sums[i], rq);
        const __m512i m = _mm512_set1_epi32(row.multiplier), s = _mm512_set1_epi32(row.shift);
        for (size_t c = 0; c < d; c += 16) {
            __mmask16 lanes = es_mask16(d - c);
            __m512i acc = _mm512_maskz_loadu_epi32(lanes, o + i * o_stride + c);
            _mm512_mask_cvtepi32_storeu_epi8(y + i * y_stride + c, lanes, es_avx512_requantize_epi32(acc, m, s, out));
        }
    }
}
#endif
