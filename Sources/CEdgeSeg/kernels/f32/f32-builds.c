#include "es_f32_builds.h"
#include "es_int8_dispatch.h"

#define ES_F32_BUILD_DECLARE(suffix)                                                                              \
    void es_f32_gemm_##suffix(size_t, size_t, size_t, const float *, const float *, const float *, float *);       \
    void es_f32_attention_##suffix(const float *, const float *, const float *, size_t, size_t, size_t, size_t,     \
                                   float *, float *);                                                             \
    void es_f32_dwconv3x3_##suffix(const float *, size_t, size_t, size_t, size_t, size_t, const float *,           \
                                   const float *, float *);                                                       \
    void es_f32_layernorm_##suffix(const float *, size_t, size_t, const float *, const float *, float, float *);   \
    void es_f32_upsample_add_rows_##suffix(const float *, size_t, size_t, size_t, size_t, size_t, size_t, size_t, \
                                           float *);
#define ES_F32_BUILD(suffix)                                                                                      \
    {#suffix, es_f32_gemm_##suffix, es_f32_attention_##suffix, es_f32_dwconv3x3_##suffix,                         \
     es_f32_layernorm_##suffix, es_f32_upsample_add_rows_##suffix}

ES_F32_BUILD_DECLARE(baseline)
#if defined(__x86_64__)
ES_F32_BUILD_DECLARE(avx2)
ES_F32_BUILD_DECLARE(avx512)
static const es_f32_build all[] = {ES_F32_BUILD(baseline), ES_F32_BUILD(avx2), ES_F32_BUILD(avx512)};
#else
static const es_f32_build all[] = {ES_F32_BUILD(baseline)};
#endif

size_t es_f32_builds(const es_f32_build **builds) {
    *builds = all;
#if defined(__x86_64__)
    // The AVX-512 build needs avx512f/bw/vl, which every avx512vnni CPU the int8 probe accepts has.
    es_int8_cpu_features f = es_int8_cpu_probe();
    return f.avx512vnni ? 3 : f.avx2 ? 2 : 1;
#else
    return 1;
#endif
}
