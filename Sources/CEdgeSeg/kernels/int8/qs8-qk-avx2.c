// es_qs8_qk_scalar with AVX2: the broadcast GEMM of qs8-bcast-gemm-avx2.h with A = q − z_q and B = k − z_k,
// each column a key (the packing transposes K into pairs of channels).
#if defined(__x86_64__)
#include "es_int8_dispatch.h"
#include "qs8-bcast-gemm-avx2.h"

// Eight keys' 16 channels (as 8 int32 pairs each) transposed: out[g] = pair g of keys 0..7.
ES_AVX2 static inline void transpose8x8(const __m256i v[8], __m256i out[8]) {
    __m256i t[8], u[8];
    for (size_t r = 0; r < 8; r += 2) {
        t[r] = _mm256_unpacklo_epi32(v[r], v[r + 1]);
        t[r + 1] = _mm256_unpackhi_epi32(v[r], v[r + 1]);
    }
    for (size_t r = 0; r < 8; r += 4) {
        u[r] = _mm256_unpacklo_epi64(t[r], t[r + 2]);
        u[r + 1] = _mm256_unpackhi_epi64(t[r], t[r + 2]);
        u[r + 2] = _mm256_unpacklo_epi64(t[r + 1], t[r + 3]);
        u[r + 3] = _mm256_unpackhi_epi64(t[r + 1], t[r + 3]);
    }
    for (size_t g = 0; g < 4; g++) {
        out[g] = _mm256_permute2x128_si256(u[g], u[g + 4], 0x20);
        out[g + 4] = _mm256_permute2x128_si256(u[g], u[g + 4], 0x31);
    }
}

// Key j's channels p0 + 2g, p0 + 2g + 1 minus z as pack[g][j][0..1]: blocks of 8 keys × 16 channels by
// an 8×8 transpose of int32 pairs, the edges one value at a time.
ES_AVX2 static void pack_keys(const int8_t *k, size_t k_stride, int32_t z, size_t j0, size_t ncols, size_t p0,
                              size_t len, size_t width, int16_t *pack) {
    const __m256i zv = _mm256_set1_epi16((int16_t)z);
    size_t pairs = (len + 1) / 2, full_keys = ncols / 8 * 8, full_len = len / 16 * 16;
    memset(pack, 0, pairs * width * 2 * sizeof *pack);
    for (size_t j = 0; j < full_keys; j += 8) {
        for (size_t p = 0; p < full_len; p += 16) {
            __m256i v[8], out[8];
            for (size_t r = 0; r < 8; r++) {
                const int8_t *src = k + (j0 + j + r) * k_stride + p0 + p;
                v[r] = _mm256_sub_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)src)), zv);
            }
            transpose8x8(v, out);
            for (size_t g = 0; g < 8; g++) _mm256_store_si256((__m256i *)(pack + ((p / 2 + g) * width + j) * 2), out[g]);
        }
    }
    for (size_t j = 0; j < ncols; j++) {
        const int8_t *row = k + (j0 + j) * k_stride + p0;
        for (size_t p = j < full_keys ? full_len : 0; p < len; p++)
            pack[((p / 2) * width + j) * 2 + p % 2] = (int16_t)(row[p] - z);
    }
}

ES_AVX2 void es_qs8_qk_avx2(size_t nq, size_t nk, size_t d, const int8_t *q, size_t q_stride, int32_t q_zero_point,
                            const int8_t *k, size_t k_stride, int32_t k_zero_point, int32_t *s, size_t s_stride) {
    es_bg_problem pr = {q, q_stride, 0, q_zero_point, k, k_stride, k_zero_point, pack_keys, 0};
    es_bg_run(nq, nk, d, pr, s, s_stride);
}
#endif
