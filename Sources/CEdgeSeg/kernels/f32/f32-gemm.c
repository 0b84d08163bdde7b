#include "es_f32.h"

// Register-blocked GEMM: 4 rows × 16 columns of c live in registers while k runs, so every b row loaded
// serves four a rows. Written so the compiler vectorises the 16-wide loops; edges fall back to scalar.
enum { MR = 4, NR = 16 };

static void gemm_tile(size_t rows, size_t cols, size_t n, size_t k, const float *a, const float *b,
                      const float *bias, float *c) {
    float acc[MR][NR];
    for (size_t r = 0; r < MR; r++)
        for (size_t j = 0; j < NR; j++) acc[r][j] = (bias && j < cols) ? bias[j] : 0.0f;
    if (rows == MR && cols == NR) {
        for (size_t p = 0; p < k; p++) {
            const float *bp = b + p * n;
            for (size_t r = 0; r < MR; r++) {
                const float ar = a[r * k + p];
                for (size_t j = 0; j < NR; j++) acc[r][j] += ar * bp[j];
            }
        }
    } else {
        for (size_t p = 0; p < k; p++) {
            const float *bp = b + p * n;
            for (size_t r = 0; r < rows; r++) {
                const float ar = a[r * k + p];
                for (size_t j = 0; j < cols; j++) acc[r][j] += ar * bp[j];
            }
        }
    }
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < cols; j++) c[r * n + j] = acc[r][j];
}

void es_f32_gemm(size_t m, size_t n, size_t k, const float *a, const float *b, const float *bias, float *c) {
    for (size_t j = 0; j < n; j += NR) {
        const size_t cols = n - j < NR ? n - j : NR;
        for (size_t i = 0; i < m; i += MR) {
            const size_t rows = m - i < MR ? m - i : MR;
            gemm_tile(rows, cols, n, k, a + i * k, b + j, bias ? bias + j : NULL, c + i * n + j);
        }
    }
}
