// The fp32 kernels' x86 builds for wider registers. A kernel's body is a static always-inline plain-C function;
// ES_F32_MULTIVERSION compiles it again inside functions that target AVX2 and AVX-512, where the compiler
// vectorises its loops with those registers, and defines the public kernel to call the build the int8 table's ISA
// names (the CPU's best, or EDGESEG_ISA's choice). FP contraction is off (Package.swift) and a vectoriser never
// reorders a float sum without -ffast-math, so every build computes the reference's bits: the choice changes speed
// only, and fp32 results stay identical across CPUs. aarch64 has NEON as its baseline: one build.
#ifndef ES_F32_MULTIVERSION_H
#define ES_F32_MULTIVERSION_H
#include "es_int8_dispatch.h"

#define ES_F32_INLINE static inline __attribute__((always_inline))

// Each build is also callable by name (name_baseline, name_avx2, name_avx512: es_f32_builds.h) for the tests
// that compare them bit for bit.
#if defined(__x86_64__)
#define ES_F32_MULTIVERSION(name, params, args)                                                               \
    void name##_baseline params { name##_body args; }                                                        \
    __attribute__((target("avx2"))) void name##_avx2 params { name##_body args; }                            \
    __attribute__((target("avx512f,avx512bw,avx512vl"))) void name##_avx512 params { name##_body args; }     \
    void name params {                                                                                        \
        switch (es_int8_kernels()->isa) {                                                                     \
        case ES_INT8_ISA_AVX512VNNI: name##_avx512 args; break;                                               \
        case ES_INT8_ISA_AVX2: name##_avx2 args; break;                                                       \
        default: name##_baseline args; break;                                                                 \
        }                                                                                                     \
    }
#else
#define ES_F32_MULTIVERSION(name, params, args) \
    void name##_baseline params { name##_body args; } \
    void name params { name##_body args; }
#endif

#endif
