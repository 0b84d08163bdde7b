// The fp32 GEMM's body, shared by es_f32_gemm and the attention's Q·Kᵀ and P·V (each compiled into every build of
// f32-multiversion.h). c[i][j] = bias[j] (or 0) + a[i][0]·b[0][j] + a[i][1]·b[1][j] + ..., summed in that order
// with a rounding after every product and every add: the order every build and every tile shape keeps.
#ifndef ES_F32_GEMM_H
#define ES_F32_GEMM_H
#include "f32-multiversion.h"

// Register-blocked: 4 rows × 16 columns of c live in registers while k runs, so every b row loaded serves four
// a rows. Written so the compiler vectorises the 16-wide loops; edges fall back to scalar.
enum { ES_F32_GEMM_MR = 4, ES_F32_GEMM_NR = 16 };

ES_F32_INLINE void es_f32_gemm_tile(size_t rows, size_t cols, size_t k, const float *a, size_t lda, const float *b,
                                    size_t ldb, const float *bias, float *c, size_t ldc) {
    enum { MR = ES_F32_GEMM_MR, NR = ES_F32_GEMM_NR };
    float acc[MR][NR];
    for (size_t r = 0; r < MR; r++)
        for (size_t j = 0; j < NR; j++) acc[r][j] = (bias && j < cols) ? bias[j] : 0.0f;
    if (rows == MR && cols == NR) {
        for (size_t p = 0; p < k; p++) {
            const float *bp = b + p * ldb;
            for (size_t r = 0; r < MR; r++) {
                const float ar = a[r * lda + p];
                for (size_t j = 0; j < NR; j++) acc[r][j] += ar * bp[j];
            }
        }
    } else {
        for (size_t p = 0; p < k; p++) {
            const float *bp = b + p * ldb;
            for (size_t r = 0; r < rows; r++) {
                const float ar = a[r * lda + p];
                for (size_t j = 0; j < cols; j++) acc[r][j] += ar * bp[j];
            }
        }
    }
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < cols; j++) c[r * ldc + j] = acc[r][j];
}

// c (m×n, row stride ldc) = a (m×k, row stride lda) · b (k×n, row stride ldb) + bias (n, or NULL for 0).
ES_F32_INLINE void es_f32_gemm_strided(size_t m, size_t n, size_t k, const float *a, size_t lda, const float *b,
                                       size_t ldb, const float *bias, float *c, size_t ldc) {
    for (size_t j = 0; j < n; j += ES_F32_GEMM_NR) {
        const size_t cols = n - j < ES_F32_GEMM_NR ? n - j : ES_F32_GEMM_NR;
        for (size_t i = 0; i < m; i += ES_F32_GEMM_MR) {
            const size_t rows = m - i < ES_F32_GEMM_MR ? m - i : ES_F32_GEMM_MR;
            es_f32_gemm_tile(rows, cols, k, a + i * lda, lda, b + j, ldb, bias ? bias + j : NULL, c + i * ldc + j, ldc);
        }
    }
}

#endif
