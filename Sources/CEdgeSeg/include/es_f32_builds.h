// The builds of the multiversioned fp32 kernels (kernels/f32/f32-multiversion.h): each computes the reference's
// bits with wider registers. es_f32_gemm and the others call the one the int8 table's ISA names; the tests call
// every build this CPU runs and compare them bit for bit.
#ifndef ES_F32_BUILDS_H
#define ES_F32_BUILDS_H
#include <stddef.h>

typedef struct {
    const char *name;  // "baseline" (SSE2 on x86-64, NEON on aarch64), "avx2", "avx512"
    void (*gemm)(size_t m, size_t n, size_t k, const float *a, const float *b, const float *bias, float *c);
    void (*attention)(const float *q, const float *k, const float *v, size_t n, size_t m, size_t c, size_t heads,
                      float *scratch, float *out);
    void (*dwconv3x3)(const float *x, size_t h, size_t w, size_t c, size_t first_row, size_t rows,
                      const float *weights, const float *bias, float *y);
    void (*layernorm)(const float *x, size_t rows, size_t c, const float *gamma, const float *beta, float eps, float *y);
    void (*upsample_add_rows)(const float *x, size_t h, size_t w, size_t c, size_t oh, size_t ow, size_t first_row,
                              size_t rows, float *y);
} es_f32_build;

// The builds this CPU can run, baseline first; returns how many (1 to 3).
size_t es_f32_builds(const es_f32_build **builds);

#endif
