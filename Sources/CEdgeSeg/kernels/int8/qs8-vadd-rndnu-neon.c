// es_qs8_vadd_rndnu_scalar with NEON, sixteen elements at a time: the reference's own arithmetic (each code minus
// its zero point, times its multiplier by SMULL/SMLAL, summed in int64, |sum| < 2^40), then one SRSHL for its
// rounding shift, the zero point and the clamp (es_round_shift_clamp_s64x4); the tail goes through a copy.
#if defined(__aarch64__)
#include "es-int8-neon.h"
#include "es_int8_dispatch.h"

static inline int8x16_t sixteen(int8x16_t a, int8x16_t b, es_qs8_vadd_params p, int64x2_t neg_shift, es_qs8_out out) {
    const int16x8_t za = vdupq_n_s16((int16_t)p.a_zero_point), zb = vdupq_n_s16((int16_t)p.b_zero_point);
    const int32x2_t ma = vdup_n_s32(p.a_multiplier), mb = vdup_n_s32(p.b_multiplier);
    int16x8_t da[2] = {vsubq_s16(vmovl_s8(vget_low_s8(a)), za), vsubq_s16(vmovl_high_s8(a), za)};
    int16x8_t db[2] = {vsubq_s16(vmovl_s8(vget_low_s8(b)), zb), vsubq_s16(vmovl_high_s8(b), zb)};
    int32x4_t r[4];
    for (int g = 0; g < 4; g++) {
        int32x4_t xa = g % 2 ? vmovl_high_s16(da[g / 2]) : vmovl_s16(vget_low_s16(da[g / 2]));
        int32x4_t xb = g % 2 ? vmovl_high_s16(db[g / 2]) : vmovl_s16(vget_low_s16(db[g / 2]));
        int64x2_t lo = vmlal_s32(vmull_s32(vget_low_s32(xa), ma), vget_low_s32(xb), mb);
        int64x2_t hi = vmlal_s32(vmull_s32(vget_high_s32(xa), ma), vget_high_s32(xb), mb);
        r[g] = es_round_shift_clamp_s64x4(lo, hi, neg_shift, neg_shift, out);
    }
    int16x8_t h0 = vcombine_s16(vmovn_s32(r[0]), vmovn_s32(r[1])), h1 = vcombine_s16(vmovn_s32(r[2]), vmovn_s32(r[3]));
    return vcombine_s8(vmovn_s16(h0), vmovn_s16(h1));
}

void es_qs8_vadd_rndnu_neon(size_t n, const int8_t *a, const int8_t *b, es_qs8_vadd_params params, es_qs8_out out,
                            int8_t *y) {
    const int64x2_t neg_shift = vdupq_n_s64(-(int64_t)params.shift);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) vst1q_s8(y + i, sixteen(vld1q_s8(a + i), vld1q_s8(b + i), params, neg_shift, out));
    if (i < n)
        es_store_s8_upto16(y + i, sixteen(es_load_s8_partial(a + i, n - i), es_load_s8_partial(b + i, n - i), params, neg_shift, out),
                           n - i);
}
#endif
