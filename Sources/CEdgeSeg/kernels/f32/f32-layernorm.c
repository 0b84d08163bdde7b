#include "es_f32.h"
#include "f32-multiversion.h"

#include <math.h>

// Two passes in double: the mean first, then the biased variance, as PyTorch does (no E[x²]−E[x]²
// cancellation).
ES_F32_INLINE void es_f32_layernorm_body(const float *x, size_t rows, size_t c, const float *gamma, const float *beta, float eps, float *y) {
    for (size_t r = 0; r < rows; r++) {
        const float *in = x + r * c;
        float *out = y + r * c;
        double sum = 0;
        for (size_t i = 0; i < c; i++) sum += in[i];
        const double mean = sum / (double)c;
        double sq = 0;
        for (size_t i = 0; i < c; i++) { const double d = in[i] - mean; sq += d * d; }
        const float inv = (float)(1.0 / sqrt(sq / (double)c + (double)eps));
        const float m = (float)mean;
        for (size_t i = 0; i < c; i++) out[i] = (in[i] - m) * inv * gamma[i] + beta[i];
    }
}

ES_F32_MULTIVERSION(es_f32_layernorm, (const float *x, size_t rows, size_t c, const float *gamma, const float *beta, float eps,
                    float *y), (x, rows, c, gamma, beta, eps, y))
