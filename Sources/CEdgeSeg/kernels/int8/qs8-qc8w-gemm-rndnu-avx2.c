// es_qs8_qc8w_gemm_rndnu_scalar with AVX2: activations minus their zero point and weights widened to int16,
// multiplied and pair-summed by vpmaddwd into int32. Exact: |a − z_a| <= 255 and |w| <= 128 fit int16, a
// pair sum <= 2·255·128 fits int32, and int32 addition in any order gives the reference's sum (the bound
// k·255·128 + |bias| < 2^31 holds for every partial sum). Requantization is the reference's, per output.
// Compiled for the baseline x86-64 with the AVX2 instructions enabled per function only.
#if defined(__x86_64__)
#include <immintrin.h>

#include "es_int8_dispatch.h"
#include "qs8-gemm-tile.h"

#define ES_AVX2 __attribute__((target("avx2")))

// 3×4 tiles: 12 accumulators + 4 weight vectors + 1 activation vector ≈ the 16 ymm registers.
enum { MR = 3, NR = 4 };

// The four channel sums of one row: lanes of acc[0..3] added, as one vector.
ES_AVX2 static inline __m128i sum4(const __m256i acc[NR]) {
    __m256i s = _mm256_hadd_epi32(_mm256_hadd_epi32(acc[0], acc[1]), _mm256_hadd_epi32(acc[2], acc[3]));
    return _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
}

ES_AVX2 void es_qs8_qc8w_gemm_rndnu_avx2(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                         int32_t a_zero_point, const int8_t *w, const int32_t *bias,
                                         const es_requant *requant, es_qs8_out out, int8_t *y, size_t y_stride) {
    const __m256i za = _mm256_set1_epi16((int16_t)a_zero_point);
    for (size_t i0 = 0; i0 < m; i0 += MR) {
        const int8_t *ar[MR];
        for (size_t r = 0; r < MR; r++) ar[r] = es_tile_row(a, a_stride, i0, r, m);
        size_t mr = m - i0 < MR ? m - i0 : MR;
        for (size_t j0 = 0; j0 < n; j0 += NR) {
            const int8_t *wr[NR];
            for (size_t c = 0; c < NR; c++) wr[c] = es_tile_row(w, k, j0, c, n);
            size_t nr = n - j0 < NR ? n - j0 : NR;
            __m256i acc[MR][NR];
            for (size_t r = 0; r < MR; r++)
                for (size_t c = 0; c < NR; c++) acc[r][c] = _mm256_setzero_si256();
            size_t p = 0;
            for (; p + 16 <= k; p += 16) {
                __m256i wv[NR];
                for (size_t c = 0; c < NR; c++) wv[c] = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(wr[c] + p)));
                for (size_t r = 0; r < MR; r++) {
                    __m256i av = _mm256_sub_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(ar[r] + p))), za);
                    for (size_t c = 0; c < NR; c++) acc[r][c] = _mm256_add_epi32(acc[r][c], _mm256_madd_epi16(av, wv[c]));
                }
            }
            for (size_t r = 0; r < mr; r++) {
                int32_t total[NR];
                _mm_storeu_si128((__m128i *)total, sum4(acc[r]));
                for (size_t c = 0; c < nr; c++)
                    total[c] += (bias ? bias[j0 + c] : 0) + es_dot_s8(k - p, ar[r] + p, a_zero_point, wr[c] + p, 0);
                es_tile_store_row(total, nr, j0, requant, out, y + (i0 + r) * y_stride);
            }
        }
    }
}
#endif
