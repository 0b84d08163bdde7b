// es_qs8_qk_scalar with AVX-512 VNNI: the broadcast GEMM of qs8-bcast-gemm-avx512vnni.h with A = q + 128
// (q XOR 0x80, unsigned) and B = k, each column a key (the packing transposes K into groups of 4 channels).
// Σ (q − z_q)(k − z_k) = Σ (q+128)·k − z_k·Σ (q+128) + len·z_k·(128 + z_q) − (128 + z_q)·Σ k, per chunk.
#if defined(__x86_64__)
#include "es_int8_dispatch.h"
#include "qs8-bcast-gemm-avx512vnni.h"

// Key j's channels p0 + 4g .. p0 + 4g + 3 as pack[g][j][0..3]: sixteen keys' four bytes by one gather per full
// group (keys past ncols zero); the last group, if partial, byte by byte.
ES_AVX512VNNI static void pack_keys(const int8_t *k, size_t k_stride, size_t j0, size_t ncols, size_t p0, size_t len,
                                    size_t width, int8_t *pack) {
    size_t full = len / 4, groups = (len + 3) / 4;
    const int8_t *base = k + j0 * k_stride + p0;
    const __m512i rows = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                            _mm512_set1_epi32((int32_t)k_stride));
    for (size_t j = 0; j < width; j += 16) {
        __mmask16 keys = j < ncols ? es_mask16(ncols - j) : 0;
        const int8_t *first = j < ncols ? base + j * k_stride : base;  // no key there: nothing is read
        for (size_t g = 0; g < full; g++)
            _mm512_store_si512(pack + (g * width + j) * 4,
                               _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), keys, rows, first + 4 * g, 1));
    }
    if (full < groups) {
        memset(pack + full * width * 4, 0, width * 4);
        for (size_t j = 0; j < ncols; j++) memcpy(pack + (full * width + j) * 4, base + j * k_stride + 4 * full, len - 4 * full);
    }
}

ES_AVX512VNNI void es_qs8_qk_avx512vnni(size_t nq, size_t nk, size_t d, const int8_t *q, size_t q_stride,
                                        int32_t q_zero_point, const int8_t *k, size_t k_stride, int32_t k_zero_point,
                                        int32_t *s, size_t s_stride) {
    es_bg_problem pr = {(const uint8_t *)q, q_stride, 0x80, k, k_stride, pack_keys, -k_zero_point,
                        k_zero_point * (128 + q_zero_point), -(128 + q_zero_point), 0};
    es_bg_run(nq, nk, d, pr, s, s_stride);
}
#endif
