#include "es_f32.h"
#include "f32-gemm.h"

#include <math.h>
#include <string.h>

// Queries in blocks of ES_F32_ATTENTION_QUERIES: the block's scores (Q·Kᵀ) and its outputs (P·V) are GEMMs on
// the shared body, whose sums run in the order a one-query loop would (score j: 0 + q₀k₀ⱼ + q₁k₁ⱼ + ...; output t:
// 0 + p₀v₀ₜ + p₁v₁ₜ + ...), so blocking changes speed, not bits. Scratch: one head's keys transposed (d × m) and the
// block's scores; the n×m score matrix is never materialised.
enum { ES_F32_ATTENTION_QUERIES = 16 };

size_t es_f32_attention_scratch(size_t m, size_t c) { return c * m + ES_F32_ATTENTION_QUERIES * m; }

ES_F32_INLINE void es_f32_attention_body(const float *q, const float *k, const float *v, size_t n, size_t m, size_t c,
                                         size_t heads, float *scratch, float *out) {
    const size_t d = c / heads;
    const float scale = 1.0f / sqrtf((float)d);
    float *kt = scratch;
    float *scores = scratch + c * m;
    for (size_t h = 0; h < heads; h++) {
        for (size_t j = 0; j < m; j++)
            for (size_t t = 0; t < d; t++) kt[t * m + j] = k[j * c + h * d + t];
        for (size_t i0 = 0; i0 < n; i0 += ES_F32_ATTENTION_QUERIES) {
            const size_t rows = n - i0 < ES_F32_ATTENTION_QUERIES ? n - i0 : ES_F32_ATTENTION_QUERIES;
            es_f32_gemm_strided(rows, m, d, q + i0 * c + h * d, c, kt, m, NULL, scores, m);
            for (size_t i = 0; i < rows; i++) {
                float *s = scores + i * m;
                float mx = -INFINITY;
                for (size_t j = 0; j < m; j++) {
                    s[j] *= scale;
                    if (s[j] > mx) mx = s[j];
                }
                float sum = 0;
                for (size_t j = 0; j < m; j++) { s[j] = expf(s[j] - mx); sum += s[j]; }
                const float inv = 1.0f / sum;
                for (size_t j = 0; j < m; j++) s[j] *= inv;
            }
            es_f32_gemm_strided(rows, d, m, scores, m, v + h * d, c, NULL, out + i0 * c + h * d, c);
        }
    }
}

ES_F32_MULTIVERSION(es_f32_attention, (const float *q, const float *k, const float *v, size_t n, size_t m, size_t c,
                    size_t heads, float *scratch, float *out), (q, k, v, n, m, c, heads, scratch, out))
