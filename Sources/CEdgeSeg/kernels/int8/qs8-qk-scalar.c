// Attention scores Q·Kᵀ of one head: the GEMM inner product with zero points on both sides.
#include "es-int8-math.h"

void es_qs8_qk_scalar(size_t nq, size_t nk, size_t d, const int8_t *q, size_t q_stride, int32_t q_zero_point,
                      const int8_t *k, size_t k_stride, int32_t k_zero_point, int32_t *s, size_t s_stride) {
    for (size_t i = 0; i < nq; i++)
        for (size_t j = 0; j < nk; j++)
            s[i * s_stride + j] = es_dot_s8(d, q + i * q_stride, q_zero_point, k + j * k_stride, k_zero_point);
}
