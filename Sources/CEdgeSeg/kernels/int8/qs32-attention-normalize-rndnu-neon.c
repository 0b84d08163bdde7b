// es_qs32_attention_normalize_rndnu_scalar with NEON: the row multiplier as the reference makes it
// (qs32-attention-normalize.h), then sixteen elements per row step. A row shift of 32 or more (the usual case: the
// weight sum adds its bit length to the context's shift) takes XNNPACK's rndnu pair: SQDMULH gives
// floor(acc · m / 2^31) (no saturation: m > 0), and SRSHL by −(s − 31) rounds it,
// floor((floor(x / 2^31) + 2^(s−32)) / 2^(s−31)) = floor((x + 2^(s−1)) / 2^s) (QUANTIZATION.md). Smaller shifts take
// es_requantize_s32x4's int64 products.
#if defined(__aarch64__)
#include "es-int8-neon.h"
#include "es_int8_dispatch.h"
#include "qs32-attention-normalize.h"

void es_qs32_attention_normalize_rndnu_neon(size_t rows, size_t d, const int32_t *o, size_t o_stride,
                                            const uint32_t *sums, es_requant rq, es_qs8_out out, int8_t *y,
                                            size_t y_stride) {
    const int32x4_t zero_point = vdupq_n_s32(out.zero_point);
    const int32x4_t lo = vdupq_n_s32(out.min), hi = vdupq_n_s32(out.max);
    for (size_t i = 0; i < rows; i++) {
        es_requant row = es_attention_row_requant(sums[i], rq);
        const int32_t *acc = o + i * o_stride;
        int8_t *dst = y + i * y_stride;
        const int32x4_t m = vdupq_n_s32(row.multiplier), s = vdupq_n_s32(row.shift);
        const int32x4_t post = vdupq_n_s32(31 - row.shift);
        const int high = row.shift >= 32;
        for (size_t c = 0; c < d; c += 16) {
            size_t count = d - c < 16 ? d - c : 16;
            int32x4_t v[4];
            if (count == 16) {
                for (int q = 0; q < 4; q++) v[q] = vld1q_s32(acc + c + 4 * q);
            } else {
                es_load_s32_upto16(acc + c, count, v);
            }
            for (int q = 0; q < 4; q++) {
                if (high) {
                    int32x4_t r = vrshlq_s32(vqdmulhq_s32(v[q], m), post);
                    v[q] = vminq_s32(vmaxq_s32(vqaddq_s32(r, zero_point), lo), hi);
                } else {
                    v[q] = es_requantize_s32x4(v[q], m, s, out);
                }
            }
            int16x8_t h0 = vcombine_s16(vmovn_s32(v[0]), vmovn_s32(v[1])), h1 = vcombine_s16(vmovn_s32(v[2]), vmovn_s32(v[3]));
            es_store_s8_upto16(dst + c, vcombine_s8(vmovn_s16(h0), vmovn_s16(h1)), count);
        }
    }
}
#endif
