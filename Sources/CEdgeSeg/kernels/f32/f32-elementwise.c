#include "es_f32.h"

#include <math.h>

void es_f32_gelu(const float *x, size_t count, float *y) {
    for (size_t i = 0; i < count; i++) y[i] = x[i] * 0.5f * (1.0f + erff(x[i] * 0.70710678118654752f));
}

void es_f32_add_inplace(float *y, const float *x, size_t count) {
    for (size_t i = 0; i < count; i++) y[i] += x[i];
}

void es_f32_argmax(const float *x, size_t n, size_t c, unsigned char *labels) {
    for (size_t i = 0; i < n; i++) {
        const float *row = x + i * c;
        size_t best = 0;
        for (size_t j = 1; j < c; j++)
            if (row[j] > row[best]) best = j;
        labels[i] = (unsigned char)best;
    }
}
