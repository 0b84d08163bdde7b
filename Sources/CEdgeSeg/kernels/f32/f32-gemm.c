#include "es_f32.h"
#include "f32-gemm.h"

ES_F32_INLINE void es_f32_gemm_body(size_t m, size_t n, size_t k, const float *a, const float *b, const float *bias, float *c) {
    es_f32_gemm_strided(m, n, k, a, k, b, n, bias, c, n);
}

ES_F32_MULTIVERSION(es_f32_gemm, (size_t m, size_t n, size_t k, const float *a, const float *b, const float *bias, float *c),
                    (m, n, k, a, b, bias, c))
