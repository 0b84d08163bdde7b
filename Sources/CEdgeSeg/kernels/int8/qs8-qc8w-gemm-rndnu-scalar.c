// int8 GEMM with per-output-channel weights: the specification the SIMD GEMMs are checked against.
#include "es-int8-math.h"

void es_qs8_qc8w_gemm_rndnu_scalar(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                   int32_t a_zero_point, const int8_t *w, const int32_t *bias,
                                   const es_requant *requant, es_qs8_out out, int8_t *y, size_t y_stride) {
    for (size_t i = 0; i < m; i++) {
        for (size_t j = 0; j < n; j++) {
            int32_t acc = (bias ? bias[j] : 0) + es_dot_s8(k, a + i * a_stride, a_zero_point, w + j * k, 0);
            y[i * y_stride + j] = (int8_t)es_requantize(acc, requant[j], out);
        }
    }
}
