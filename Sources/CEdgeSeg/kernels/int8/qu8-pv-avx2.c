// es_qu8_pv_scalar with AVX2: the broadcast GEMM of qs8-bcast-gemm-avx2.h with A = the uint8 weights and
// B = v − z_v, each column a channel, accumulating onto o.
#if defined(__x86_64__)
#include "es_int8_dispatch.h"
#include "qs8-bcast-gemm-avx2.h"

// Up to 16 codes of a row minus z as int16 (a NULL row, past the last key, is zeros).
ES_AVX2 static inline __m256i centered(const int8_t *row, size_t n, __m256i z) {
    if (!row) return _mm256_setzero_si256();
    int8_t buf[16] = {0};
    if (n < 16) memcpy(buf, row, n);
    return _mm256_sub_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(n < 16 ? buf : row))), z);
}

// Keys p0 + 2g, p0 + 2g + 1 of channel j minus z as pack[g][j][0..1]: two rows interleaved.
ES_AVX2 static void pack_values(const int8_t *v, size_t v_stride, int32_t z, size_t j0, size_t ncols, size_t p0,
                                size_t len, size_t width, int16_t *pack) {
    const __m256i zv = _mm256_set1_epi16((int16_t)z);
    for (size_t g = 0; 2 * g < len; g++) {
        const int8_t *r0 = v + (p0 + 2 * g) * v_stride + j0;
        const int8_t *r1 = 2 * g + 1 < len ? r0 + v_stride : NULL;
        for (size_t c = 0; c < width; c += 16) {
            size_t n = c < ncols ? ncols - c : 0;
            __m256i a = centered(n ? r0 + c : NULL, n, zv), b = centered(n ? (r1 ? r1 + c : NULL) : NULL, n, zv);
            __m256i lo = _mm256_unpacklo_epi16(a, b), hi = _mm256_unpackhi_epi16(a, b);  // channels 0-3, 8-11 | 4-7, 12-15
            __m256i *dst = (__m256i *)(pack + (g * width + c) * 2);
            _mm256_store_si256(dst, _mm256_permute2x128_si256(lo, hi, 0x20));
            if (c + 8 < width) _mm256_store_si256(dst + 1, _mm256_permute2x128_si256(lo, hi, 0x31));
        }
    }
}

ES_AVX2 void es_qu8_pv_avx2(size_t nq, size_t nk, size_t d, const uint8_t *p, size_t p_stride, const int8_t *v,
                            size_t v_stride, int32_t v_zero_point, int32_t *o, size_t o_stride) {
    es_bg_problem pr = {(const int8_t *)p, p_stride, 1, 0, v, v_stride, v_zero_point, pack_values, 1};
    es_bg_run(nq, d, nk, pr, o, o_stride);
}
#endif
