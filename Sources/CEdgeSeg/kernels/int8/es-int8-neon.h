// NEON building blocks shared by the aarch64 int8 kernels (private to CEdgeSeg): short loads and stores at
// the ends of rows, and the reference's requantization on four lanes.
#ifndef ES_INT8_NEON_H
#define ES_INT8_NEON_H
#if defined(__aarch64__)
#include <arm_neon.h>
#include <string.h>

#include "es-int8-math.h"

// SDOT/UDOT kernels are compiled for ARMv8.2 + dot product per function, so one binary runs on every
// ARMv8 CPU; the dispatcher calls them only where the CPU has them.
#define ES_NEONDOT __attribute__((target("arch=armv8.2-a+dotprod")))

// count (< 16) bytes of p, zeros after them: row ends are read without touching memory past them.
static inline int8x16_t es_load_s8_partial(const int8_t *p, size_t count) {
    int8_t buf[16] = {0};
    memcpy(buf, p, count);
    return vld1q_s8(buf);
}

static inline int8x16_t es_load_s8_upto16(const int8_t *p, size_t count) {
    return count >= 16 ? vld1q_s8(p) : es_load_s8_partial(p, count);
}

// clamp(zero_point + round(x / 2^s)) on four int64 lanes (lo, hi) with shifts given negated (neg_*):
// SRSHL computes the reference's floor((x + 2^(s−1)) / 2^s) without overflow; the zero point and clamp
// go with saturation (monotone, so saturating a value beyond int32 clamps it the same way).
static inline int32x4_t es_round_shift_clamp_s64x4(int64x2_t lo, int64x2_t hi, int64x2_t neg_lo, int64x2_t neg_hi,
                                                   es_qs8_out out) {
    int32x4_t r = vcombine_s32(vqmovn_s64(vrshlq_s64(lo, neg_lo)), vqmovn_s64(vrshlq_s64(hi, neg_hi)));
    r = vqaddq_s32(r, vdupq_n_s32(out.zero_point));
    return vminq_s32(vmaxq_s32(r, vdupq_n_s32(out.min)), vdupq_n_s32(out.max));
}

// The reference's es_requantize on four accumulators with four (multiplier, shift) pairs: acc · m in int64
// (SMULL), then one rounding shift, zero point and clamp.
static inline int32x4_t es_requantize_s32x4(int32x4_t acc, int32x4_t multiplier, int32x4_t shift, es_qs8_out out) {
    int32x4_t neg = vnegq_s32(shift);
    return es_round_shift_clamp_s64x4(vmull_s32(vget_low_s32(acc), vget_low_s32(multiplier)),
                                      vmull_high_s32(acc, multiplier), vmovl_s32(vget_low_s32(neg)),
                                      vmovl_high_s32(neg), out);
}

// Multipliers and shifts of requant[0..count) (count <= 4; missing lanes get multiplier 0).
static inline void es_load_requant_x4(const es_requant *requant, size_t count, int32x4_t *multiplier,
                                      int32x4_t *shift) {
    es_requant buf[4] = {{0, 1}, {0, 1}, {0, 1}, {0, 1}};
    if (count < 4) memcpy(buf, requant, count * sizeof *requant);
    int32x4x2_t ms = vld2q_s32((const int32_t *)(count < 4 ? buf : requant));
    *multiplier = ms.val[0];
    *shift = ms.val[1];
}

// The low `count` (<= 16) bytes of v to y.
static inline void es_store_s8_upto16(int8_t *y, int8x16_t v, size_t count) {
    if (count >= 16) {
        vst1q_s8(y, v);
    } else {
        int8_t buf[16];
        vst1q_s8(buf, v);
        memcpy(y, buf, count);
    }
}

// count (<= 16) int32 of p as 4 int32x4 (zeros after them), and back.
static inline void es_load_s32_upto16(const int32_t *p, size_t count, int32x4_t v[4]) {
    int32_t buf[16] = {0};
    memcpy(buf, p, count * sizeof *p);
    for (int q = 0; q < 4; q++) v[q] = vld1q_s32(buf + 4 * q);
}

static inline void es_store_s32_upto16(int32_t *p, size_t count, const int32x4_t v[4]) {
    int32_t buf[16];
    for (int q = 0; q < 4; q++) vst1q_s32(buf + 4 * q, v[q]);
    memcpy(p, buf, count * sizeof *p);
}

// Four int32 lanes (already within [-128, 127]) as four int8.
static inline int8x8_t es_narrow_s32x4(int32x4_t v) {
    int16x4_t h = vmovn_s32(v);
    return vmovn_s16(vcombine_s16(h, h));
}

#endif
#endif
