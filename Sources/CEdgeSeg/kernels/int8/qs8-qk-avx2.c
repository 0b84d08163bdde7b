// es_qs8_qk_scalar with AVX2: the broadcast GEMM of qs8-bcast-gemm-avx2.h with A = q − z_q and B = k − z_k,
// each column a key (the packing transposes K into pairs of channels).
#if defined(__x86_64__)
#include "es_int8_dispatch.h"
#include "qs8-bcast-gemm-avx2.h"

// Key j's channels p0 + 2g, p0 + 2g + 1 minus z as pack[g][j][0..1].
ES_AVX2 static void pack_keys(const int8_t *k, size_t k_stride, int32_t z, size_t j0, size_t ncols, size_t p0,
                              size_t len, size_t width, int16_t *pack) {
    size_t pairs = (len + 1) / 2;
    memset(pack, 0, pairs * width * 2 * sizeof *pack);
    for (size_t j = 0; j < ncols; j++) {
        const int8_t *row = k + (j0 + j) * k_stride + p0;
        for (size_t p = 0; p < len; p++) pack[((p / 2) * width + j) * 2 + p % 2] = (int16_t)(row[p] - z);
    }
}

ES_AVX2 void es_qs8_qk_avx2(size_t nq, size_t nk, size_t d, const int8_t *q, size_t q_stride, int32_t q_zero_point,
                            const int8_t *k, size_t k_stride, int32_t k_zero_point, int32_t *s, size_t s_stride) {
    es_bg_problem pr = {q, q_stride, 0, q_zero_point, k, k_stride, k_zero_point, pack_keys, 0};
    es_bg_run(nq, nk, d, pr, s, s_stride);
}
#endif
