#include "es_f32.h"

#include <math.h>
#include <string.h>

// Scratch: one head's keys transposed (d × m) so a query's m scores come from contiguous rows, plus the
// m scores of the current query. The n×m score matrix is never materialised.
size_t es_f32_attention_scratch(size_t m, size_t c) { return c * m + m; }

void es_f32_attention(const float *q, const float *k, const float *v, size_t n, size_t m, size_t c, size_t heads,
                      float *scratch, float *out) {
    const size_t d = c / heads;
    const float scale = 1.0f / sqrtf((float)d);
    float *kt = scratch;
    float *scores = scratch + c * m;
    for (size_t h = 0; h < heads; h++) {
        for (size_t j = 0; j < m; j++)
            for (size_t t = 0; t < d; t++) kt[t * m + j] = k[j * c + h * d + t];
        for (size_t i = 0; i < n; i++) {
            const float *qi = q + i * c + h * d;
            memset(scores, 0, m * sizeof(float));
            for (size_t t = 0; t < d; t++) {
                const float qt = qi[t];
                const float *row = kt + t * m;
                for (size_t j = 0; j < m; j++) scores[j] += qt * row[j];
            }
            float mx = -INFINITY;
            for (size_t j = 0; j < m; j++) {
                scores[j] *= scale;
                if (scores[j] > mx) mx = scores[j];
            }
            float sum = 0;
            for (size_t j = 0; j < m; j++) { scores[j] = expf(scores[j] - mx); sum += scores[j]; }
            const float inv = 1.0f / sum;
            float *oi = out + i * c + h * d;
            memset(oi, 0, d * sizeof(float));
            for (size_t j = 0; j < m; j++) {
                const float p = scores[j] * inv;
                const float *vj = v + j * c + h * d;
                for (size_t t = 0; t < d; t++) oi[t] += p * vj[t];
            }
        }
    }
}
