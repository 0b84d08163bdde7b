// es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_scalar on NEON (Cortex-A72 and A76 alike: the sums run across pixels,
// not along a contiguous row, so SDOT has nothing to add), 16 channels at a time:
//   Σ_t (x_t − z_x)·w_t = Σ_t x_t·w_t − z_x·Σ_t w_t  over all 9 taps,
// where a tap outside the map reads a vector of z_x, so it adds z_x·w_t − z_x·w_t = 0 as in the reference.
// SMULL gives 8 raw products in int16 (|x·w| <= 2^14), SADDW widens them into the int32 sums; the int32
// arithmetic is modulo 2^32 and the true sum fits, so the result is the reference's. Channels go in blocks
// whose bias − z_x·Σ w sits on the stack.
#if defined(__aarch64__)
#include "es-int8-neon.h"
#include "es_int8_dispatch.h"

enum { CB = 256 };  // channels per block

void es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_neon(size_t h, size_t w, size_t c, size_t first_row, size_t rows,
                                             const int8_t *x, int32_t x_zero_point, const int8_t *weights,
                                             const int32_t *bias, const es_requant *requant, es_qs8_out out,
                                             int8_t *y) {
    int8_t pad[16];
    memset(pad, (int8_t)x_zero_point, sizeof pad);
    int32_t base[CB] = {0};
    for (size_t cb = 0; cb < c; cb += CB) {
        size_t nb = c - cb < CB ? c - cb : CB;
        for (size_t ch = 0; ch < nb; ch++) {
            uint32_t sum = 0;
            for (size_t t = 0; t < 9; t++) sum += (uint32_t)weights[t * c + cb + ch];
            base[ch] = (int32_t)((uint32_t)(bias ? bias[cb + ch] : 0) - (uint32_t)x_zero_point * sum);
        }
        for (size_t oy = first_row; oy < first_row + rows; oy++) {
            for (size_t ox = 0; ox < w; ox++) {
                const int8_t *tap[9];
                size_t step[9];  // 16 along a real pixel, 0 on the padding vector
                for (size_t ky = 0; ky < 3; ky++) {
                    for (size_t kx = 0; kx < 3; kx++) {
                        int inside = oy + ky >= 1 && oy + ky <= h && ox + kx >= 1 && ox + kx <= w;
                        tap[ky * 3 + kx] = inside ? x + ((oy + ky - 1) * w + (ox + kx - 1)) * c + cb : pad;
                        step[ky * 3 + kx] = inside ? 16 : 0;
                    }
                }
                int8_t *dst = y + ((oy - first_row) * w + ox) * c + cb;
                for (size_t c0 = 0; c0 < nb; c0 += 16) {
                    size_t cn = nb - c0 < 16 ? nb - c0 : 16;
                    int32x4_t acc[4];
                    for (int q = 0; q < 4; q++) acc[q] = vld1q_s32(base + c0 + 4 * q);  // lanes past nb: unused
                    for (size_t t = 0; t < 9; t++) {
                        int8x16_t xv = es_load_s8_upto16(tap[t], cn), wv = es_load_s8_upto16(weights + t * c + cb + c0, cn);
                        tap[t] += step[t];
                        int16x8_t lo = vmull_s8(vget_low_s8(xv), vget_low_s8(wv)), hi = vmull_high_s8(xv, wv);
                        acc[0] = vaddw_s16(acc[0], vget_low_s16(lo));
                        acc[1] = vaddw_high_s16(acc[1], lo);
                        acc[2] = vaddw_s16(acc[2], vget_low_s16(hi));
                        acc[3] = vaddw_high_s16(acc[3], hi);
                    }
                    int32x4_t q32[4];
                    for (size_t q = 0; q < 4; q++) {
                        size_t lanes = cn > 4 * q ? (cn - 4 * q < 4 ? cn - 4 * q : 4) : 0;
                        int32x4_t multiplier, shift;
                        es_load_requant_x4(requant + cb + c0 + 4 * q, lanes, &multiplier, &shift);
                        q32[q] = es_requantize_s32x4(acc[q], multiplier, shift, out);
                    }
                    int16x8_t q16lo = vcombine_s16(vmovn_s32(q32[0]), vmovn_s32(q32[1]));
                    int16x8_t q16hi = vcombine_s16(vmovn_s32(q32[2]), vmovn_s32(q32[3]));
                    es_store_s8_upto16(dst + c0, vcombine_s8(vmovn_s16(q16lo), vmovn_s16(q16hi)), cn);
                }
            }
        }
    }
}
#endif
