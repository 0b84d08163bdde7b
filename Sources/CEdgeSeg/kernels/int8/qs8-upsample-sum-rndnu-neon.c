// es_qs8_upsample_sum_rndnu_scalar on NEON (Cortex-A72 and A76 alike: no byte dot products here), 8
// channels at a time, with the reference's integer steps on lanes: codes minus zero point in int16, the
// horizontal Q11 blend in int32 (SMULL/SMLAL by scalar, |top| <= 255·2^11), the vertical one in int32
// (|v| <= 255·2^22), SRSHR #11 (= the reference's round half up), times the input's multiplier into int64
// (SMLAL), and after all inputs one SRSHL by shift + 11, zero point and clamp. The taps are the reference's
// es_bilinear_tap, computed once per pixel and input instead of once per channel.
#if defined(__aarch64__)
#include "es-int8-neon.h"
#include "es_int8_dispatch.h"

// count (<= 8) bytes of p as int16 minus the zero point (lanes past count: don't care).
static inline int16x8_t load_centered(const int8_t *p, size_t count, int16x8_t z) {
    int8x8_t x;
    if (count >= 8) {
        x = vld1_s8(p);
    } else {
        int8_t buf[8] = {0};
        memcpy(buf, p, count);
        x = vld1_s8(buf);
    }
    return vsubq_s16(vmovl_s8(x), z);
}

// (2048 − f)·a + f·b on four lanes, int32.
static inline int32x4_t blend_s16(int16x4_t a, int16x4_t b, int16_t f) {
    return vmlal_n_s16(vmull_n_s16(a, (int16_t)(2048 - f)), b, f);
}

static inline int32x4_t blend_s32(int32x4_t a, int32x4_t b, int32_t f) {
    return vmlaq_n_s32(vmulq_n_s32(a, 2048 - f), b, f);
}

void es_qs8_upsample_sum_rndnu_neon(size_t inputs, const es_qs8_upsample_input *in, size_t out_h, size_t out_w,
                                    size_t c, size_t first_row, size_t rows,
                                    const int32_t *multipliers, int32_t shift, const int64_t *bias_q,
                                    es_qs8_out out, int8_t *y) {
    const int64x2_t final_shift = vdupq_n_s64(-(int64_t)(shift + 11));
    es_tap ty[inputs ? inputs : 1], tx[inputs ? inputs : 1];
    for (size_t oy = first_row; oy < first_row + rows; oy++) {
        for (size_t i = 0; i < inputs; i++) ty[i] = es_bilinear_tap(oy, in[i].h, out_h);
        for (size_t ox = 0; ox < out_w; ox++) {
            for (size_t i = 0; i < inputs; i++) tx[i] = es_bilinear_tap(ox, in[i].w, out_w);
            int8_t *dst = y + ((oy - first_row) * out_w + ox) * c;
            for (size_t c0 = 0; c0 < c; c0 += 8) {
                size_t cn = c - c0 < 8 ? c - c0 : 8;
                int64_t bias_buf[8] = {0};
                memcpy(bias_buf, bias_q + c0, cn * sizeof *bias_q);
                int64x2_t acc[4];
                for (int q = 0; q < 4; q++) acc[q] = vld1q_s64(bias_buf + 2 * q);
                for (size_t i = 0; i < inputs; i++) {
                    const es_qs8_upsample_input *p = &in[i];
                    const int8_t *r0 = p->x + (ty[i].i0 - p->first_row) * p->w * c + c0, *r1 = p->x + (ty[i].i1 - p->first_row) * p->w * c + c0;
                    const int16x8_t z = vdupq_n_s16((int16_t)p->zero_point);
                    int16x8_t x00 = load_centered(r0 + tx[i].i0 * c, cn, z), x01 = load_centered(r0 + tx[i].i1 * c, cn, z);
                    int16x8_t x10 = load_centered(r1 + tx[i].i0 * c, cn, z), x11 = load_centered(r1 + tx[i].i1 * c, cn, z);
                    int16_t fx = (int16_t)tx[i].frac;
                    int32x4_t v_lo = blend_s32(blend_s16(vget_low_s16(x00), vget_low_s16(x01), fx),
                                               blend_s16(vget_low_s16(x10), vget_low_s16(x11), fx), ty[i].frac);
                    int32x4_t v_hi = blend_s32(blend_s16(vget_high_s16(x00), vget_high_s16(x01), fx),
                                               blend_s16(vget_high_s16(x10), vget_high_s16(x11), fx), ty[i].frac);
                    v_lo = vrshrq_n_s32(v_lo, 11);
                    v_hi = vrshrq_n_s32(v_hi, 11);
                    int32_t m = multipliers[i];
                    acc[0] = vmlal_n_s32(acc[0], vget_low_s32(v_lo), m);
                    acc[1] = vmlal_high_n_s32(acc[1], v_lo, m);
                    acc[2] = vmlal_n_s32(acc[2], vget_low_s32(v_hi), m);
                    acc[3] = vmlal_high_n_s32(acc[3], v_hi, m);
                }
                int32x4_t r[2];
                for (int h = 0; h < 2; h++)
                    r[h] = es_round_shift_clamp_s64x4(acc[2 * h], acc[2 * h + 1], final_shift, final_shift, out);
                int8x8_t bytes = vmovn_s16(vcombine_s16(vmovn_s32(r[0]), vmovn_s32(r[1])));
                int8_t buf[8];
                vst1_s8(buf, bytes);
                memcpy(dst + c0, buf, cn);
            }
        }
    }
}
#endif
